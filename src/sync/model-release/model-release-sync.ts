import { Cron, Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ModelReleaseScript } from './release-script';
import {
  AT_LEAST_ONE_KIB, Bandwidth, BandwidthFormat, ContainerImage, edgeError, IObjectStore, KubeNames, ObjectStoreAccess, RcloneEnv,
  RequiredSecrets, Resources, S3KeyUse, SecretKeyReference, SecretReaders,
} from '../../core';
import { secretKeyVolume } from '../../core/secret-env';
import { Schedules, Shape } from '../../core/validate';
import { RestrictedWorkload } from '../../core/workload';

/** `app.kubernetes.io/name` of the release job's objects. */
const APP = 'model-release-sync';

/** Props of {@link ModelReleaseSync}. */
export interface ModelReleaseSyncProps {
  /** Namespace. */
  readonly namespace: string;
  /**
   * Object name prefix.
   * @default 'model-release'
   */
  readonly name?: string;
  /** The cloud store the releases are published to. */
  readonly source: IObjectStore;
  /** Bucket in the cloud store. */
  readonly sourceBucket: string;
  /** The site's store. */
  readonly target: IObjectStore;
  /** Bucket in the site's store. */
  readonly targetBucket: string;
  /** Model names (top-level prefixes); may be empty with `discoverUpTo`. */
  readonly models: string[];
  /**
   * With an empty `models`: manage every model folder announced in the cloud bucket, at most this many (the job fails
   * listing the surplus ones).
   * @default - no discovery: `models` must list at least one model
   */
  readonly discoverUpTo?: number;
  /** Promoted versions kept per model on the edge (rollback targets). */
  readonly versionsRetained: number;
  /**
   * Pinned versions (rollback): model → retained version to serve instead of the cloud's release.
   * @default - follow the cloud's release
   */
  readonly pinned?: { [model: string]: string };
  /**
   * How often to look for releases.
   * @default - every 5 minutes
   */
  readonly schedule?: Cron;
  /**
   * WAN bandwidth limit of the pulls (rclone `--bwlimit`, whole KiB/s rounded down; at least 1 KiB/s).
   * @default - unlimited
   */
  readonly bandwidthLimit?: Bandwidth;
  /**
   * Image.
   * @default ContainerImage.RCLONE
   */
  readonly image?: ContainerImage;
  /**
   * Resources.
   * @default - 100m CPU, 256Mi memory
   */
  readonly resources?: ContainerResources;
  /**
   * Longest a run may take (the Job's `activeDeadlineSeconds`); the next run resumes an interrupted pull. Runs never
   * overlap (concurrencyPolicy Forbid), so without a deadline one hung run would block every later one. Allow for
   * pulling the largest release over the uplink.
   * @default Duration.hours(6)
   */
  readonly timeout?: Duration;
}

/**
 * A CronJob that pulls announced model releases from the cloud bucket, verifies them against their `SHA256SUMS` and
 * only then repoints `<model>/current` in the site's bucket (docs/models.md, "Release protocol", describes the
 * protocol and rollback).
 */
export class ModelReleaseSync extends Construct {
  /** Object names next to the version folders of a model; no version may be called this. */
  public static readonly RESERVED_NAMES = ['current', 'history', 'release'];

  /**
   * The labels that select the pods of the release job named `name` (the `name` prop), for a grant made before the
   * job exists (its keys come from the grant); afterwards use `podLabels`.
   */
  public static podLabelsFor(name: string): { [key: string]: string } {
    return RestrictedWorkload.podLabelsOf(APP, name);
  }

  /** Object name. */
  public readonly name: string;
  /** The job's pods, for NetworkPolicies. */
  public readonly podLabels: { [key: string]: string };
  /** Namespace. */
  public readonly namespace: string;
  /** The CronJob (escape hatch). */
  public readonly apiObject: k8s.KubeCronJob;
  /** The rendered script. */
  public readonly script: string;
  /**
   * What the job does with the source store's keys: list and read the managed models' folders (the whole bucket or
   * prefix when it discovers models); nothing else. The basis of the key policy of cloud keys the operator creates.
   */
  public readonly sourceKeyUses: S3KeyUse[];

  constructor(scope: Construct, id: string, props: ModelReleaseSyncProps) {
    super(scope, id);
    Shape.check(this, props);
    this.name = props.name ?? 'model-release';
    this.namespace = props.namespace;
    KubeNames.assertDns1123Label(this, 'name', this.name, 52);
    const discover = props.discoverUpTo;
    if (discover !== undefined && (!Number.isInteger(discover) || discover < 1)) {
      throw edgeError(this, { prop: 'discoverUpTo', value: discover, rule: 'must be a positive integer (the number of models the site is sized for)', fix: 'use e.g. 20' });
    }
    if (props.models.length === 0 && discover === undefined) {
      throw edgeError(this, { prop: 'models', value: [], rule: 'at least one model must be managed', fix: 'list the model names (top-level prefixes of the release bucket), or set discoverUpTo' });
    }
    if (props.models.length > 0 && discover !== undefined) {
      throw edgeError(this, { prop: 'discoverUpTo', value: discover, rule: 'only applies when models is empty', fix: 'list the models or set discoverUpTo, not both' });
    }
    for (const m of props.models) KubeNames.assertDns1123Label(this, 'models', m);
    const dupes = props.models.filter((m, i) => props.models.indexOf(m) !== i);
    if (dupes.length > 0) {
      throw edgeError(this, { prop: 'models', value: dupes[0], rule: 'is listed twice', fix: 'list each model once' });
    }
    if (!Number.isInteger(props.versionsRetained) || props.versionsRetained < 1) {
      throw edgeError(this, { prop: 'versionsRetained', value: props.versionsRetained, rule: 'must be a positive integer (the current version counts)', fix: 'use 2 or more to keep a rollback target' });
    }
    for (const [m, v] of Object.entries(props.pinned ?? {})) {
      const managed = discover === undefined ? props.models.includes(m) : KubeNames.isDns1123Label(m);
      if (!managed || !/^[A-Za-z0-9._+-]+$/.test(v) || v.startsWith('.') || ModelReleaseSync.RESERVED_NAMES.includes(v)) {
        const which = discover === undefined ? `one of ${JSON.stringify(props.models)}` : 'a model (a DNS-1123 label)';
        throw edgeError(this, {
          prop: `pinned.${m}`, value: v, rule: `must pin a managed model to a version folder name (not ${ModelReleaseSync.RESERVED_NAMES.join('/')})`, fix: `pin ${which} to e.g. "v3"`,
        });
      }
    }
    const [bucket, ...rest] = props.sourceBucket.replace(/^\/+|\/+$/g, '').split('/');
    const root = rest.join('/');
    const folders = props.models.length > 0 ? props.models.map((m) => (root ? `${root}/${m}` : m)) : [root || undefined];
    this.sourceKeyUses = folders.map((prefix) => ({ bucket, prefix, access: ObjectStoreAccess.READ }));
    SecretReaders.checkS3(this, 'source.credentials', props.source.credentials, 'the release job');
    SecretReaders.checkS3(this, 'target.credentials', props.target.credentials, 'the release job');
    props.source.credentials.requireIn(this, { namespace: props.namespace, purpose: `S3 keys of model release job ${this.name}: reading ${props.source.s3Endpoint}/${props.sourceBucket}` });
    props.target.credentials.requireIn(this, { namespace: props.namespace, purpose: `S3 keys of model release job ${this.name}: writing ${props.target.s3Endpoint}/${props.targetBucket}` });
    const image = props.image ?? ContainerImage.RCLONE;
    const workload = new RestrictedWorkload({ app: APP, instance: this.name, component: 'models', image }, props.namespace);
    this.podLabels = workload.podLabels;
    const labels = workload.labels;
    const bandwidthLimit = BandwidthFormat.check(this, 'bandwidthLimit', props.bandwidthLimit, AT_LEAST_ONE_KIB);
    const flags = ['--retries', '5', '--low-level-retries', '10', ...(bandwidthLimit ? ['--bwlimit', BandwidthFormat.rcloneBwLimit(bandwidthLimit)] : [])];
    this.script = ModelReleaseScript.render({
      source: `cloud:${props.sourceBucket}`, target: `edge:${props.targetBucket}`, models: props.models, discoverUpTo: discover, versionsRetained: props.versionsRetained, pinned: props.pinned, rcloneFlags: flags,
    });
    const config = new k8s.KubeConfigMap(this, 'Script', {
      metadata: { name: `${this.name}-script`, namespace: props.namespace, labels },
      data: { 'release.sh': this.script },
    });
    const ca = (store: IObjectStore): SecretKeyReference | undefined => store.caCertificate;
    const caRef = ca(props.target) ?? ca(props.source);
    // The script verifies releases in place (streamed hashes): /tmp only holds rclone.conf and small lists.
    const volumes: k8s.Volume[] = [{ name: 'script', configMap: { name: config.name } }, { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }];
    const timeout = props.timeout ?? Duration.hours(6);
    if (!(timeout.toSeconds({ integral: false }) >= 60)) {
      throw edgeError(this, { prop: 'timeout', value: timeout.toHumanString(), rule: 'must be at least one minute', fix: 'use e.g. Duration.hours(6)' });
    }
    const mounts: k8s.VolumeMount[] = [{ name: 'script', mountPath: '/scripts', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }];
    const env: k8s.EnvVar[] = [
      { name: 'HOME', value: '/tmp' },
      { name: 'RCLONE_CONFIG', value: '/tmp/rclone.conf' },
      ...RcloneEnv.s3Remote('cloud', props.source),
      ...RcloneEnv.s3Remote('edge', props.target),
    ];
    if (caRef) {
      volumes.push(secretKeyVolume('ca', caRef, 'ca.crt'));
      RequiredSecrets.addKey(this, caRef, { namespace: props.namespace, purpose: `CA certificate the model release job ${this.name} verifies the stores with (rclone --ca-cert)` });
      mounts.push({ name: 'ca', mountPath: '/etc/rclone-ca', readOnly: true });
      env.push({ name: 'RCLONE_CA_CERT', value: '/etc/rclone-ca/ca.crt' });
    }
    this.apiObject = workload.cronJob(this, 'Resource', {
      schedule: Schedules.check(this, 'schedule', props.schedule ?? Cron.schedule({ minute: '*/5' })).expression,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
      backoffLimit: 2,
      activeDeadlineSeconds: Math.ceil(timeout.toSeconds({ integral: false })),
      ttlSecondsAfterFinished: 86400,
      pod: {
        containers: [{
          name: 'release',
          image,
          command: ['/bin/sh', '/scripts/release.sh'],
          env,
          resources: Resources.toKube({ cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256) } }, props.resources),
          volumeMounts: mounts,
        }],
        volumes,
      },
    });
  }
}
