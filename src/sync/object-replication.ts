import { Chart, Cron, Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  AT_LEAST_ONE_KIB, Bandwidth, BandwidthFormat, ContainerImage, edgeError, IObjectStore, KubeNames, ObjectStoreAccess, RcloneEnv,
  RequiredSecrets, Resources, S3KeyUse, SecretKeyReference, SecretReaders, Warnings,
} from '../core';
import { ConflictPolicy } from './conflict-policy';
import { REPLICATION_SCRIPT, STATE_DIR } from './object-replication-script';
import { endpointEgress } from '../core/network-policy';
import { secretKeyVolume } from '../core/secret-env';
import { Cidrs, S3Rules, Schedules, Shape } from '../core/validate';
import { RestrictedWorkload } from '../core/workload';

/** `app.kubernetes.io/name` of the replication's objects. */
const APP = 'rclone';

/** Props of {@link ObjectReplication}. */
export interface ObjectReplicationProps {
  /** The store objects are copied from (the edge). */
  readonly source: IObjectStore;
  /** Bucket on the source. */
  readonly sourceBucket: string;
  /**
   * Only objects under this key prefix (no leading `/`).
   * @default - the whole bucket
   */
  readonly sourcePrefix?: string;
  /** The store objects are copied to (the cloud). */
  readonly destination: IObjectStore;
  /** Bucket on the destination (must exist: the job never creates buckets). */
  readonly destinationBucket: string;
  /**
   * Key prefix on the destination, e.g. the site name so several sites can share one bucket.
   * @default - same keys as the source
   */
  readonly destinationPrefix?: string;
  /**
   * When the copy runs. The recovery-point objective is about this interval plus one run's duration.
   * @default - every 15 minutes
   */
  readonly schedule?: Cron;
  /**
   * WAN bandwidth cap (rclone `--bwlimit`, whole KiB/s rounded down; at least 1 KiB/s).
   * @default - unlimited
   */
  readonly bandwidthLimit?: Bandwidth;
  /**
   * Whole-run retries after failures (rclone `--retries`).
   * @default 5
   */
  readonly retries?: number;
  /**
   * Pause between whole-run retries (rclone `--retries-sleep`).
   * @default Duration.seconds(30)
   */
  readonly retriesSleep?: Duration;
  /**
   * Retries of single requests (rclone `--low-level-retries`).
   * @default 10
   */
  readonly lowLevelRetries?: number;
  /**
   * Objects transferred in parallel (rclone `--transfers`).
   * @default 4
   */
  readonly transfers?: number;
  /**
   * Only consider objects modified within this age (rclone `--max-age`); older ones are assumed replicated.
   * @default - every object (unchanged ones are skipped by checksum)
   */
  readonly maxAge?: Duration;
  /**
   * What to do when a key differs on both sides. See {@link ConflictPolicy}.
   * @default ConflictPolicy.LAST_WRITE_WINS
   */
  readonly conflictPolicy?: ConflictPolicy;
  /**
   * For `ConflictPolicy.MANUAL`: `bucket/prefix` on the destination where displaced cloud copies are kept for review,
   * each run's under its own `<UTC time of the run>/` folder (`20260101T001500Z/cam1/seg.mp4`), so a later conflict
   * on the same key never overwrites an earlier saved copy. Must not overlap the destination path.
   * @default - `<destinationBucket>/conflicts/<destinationPrefix>` when destinationPrefix is set; required otherwise
   */
  readonly conflictsPath?: string;
  /**
   * Namespace of the CronJob (the credentials Secrets of both stores must be there).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * rclone image.
   * @default ContainerImage.RCLONE
   */
  readonly image?: ContainerImage;
  /**
   * CPU and memory of the rclone container.
   * @default - requests 100m CPU and 128 MiB, memory limit 512 MiB
   */
  readonly resources?: ContainerResources;
  /**
   * Kill a run that takes longer than this (the next run continues where it stopped). Runs never overlap
   * (concurrencyPolicy Forbid), so without a deadline one hung run would block every later one.
   * @default Duration.hours(12)
   */
  readonly timeout?: Duration;
  /**
   * Create the CronJob suspended.
   * @default false
   */
  readonly suspend?: boolean;
  /**
   * Emit a NetworkPolicy for the job's pods: no ingress; egress only to DNS and the two stores (their pods when they
   * have a `networkPeer`, else their endpoint ports on `egressCidrs`).
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Address blocks the job may reach for a store outside the cluster.
   * @default - every address (0.0.0.0/0 and ::/0), on the endpoint's port only
   */
  readonly egressCidrs?: string[];
}

const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * Moves object bytes edge → cloud with rclone (official image) as a CronJob between two S3-compatible stores,
 * configured only through environment variables (`RCLONE_CONFIG_SOURCE_*`, `RCLONE_CONFIG_DESTINATION_*`) with access
 * keys from the stores' Secrets. Objects are compared by checksum and verified after upload; failures are retried; a
 * bandwidth cap protects the WAN. The job never deletes in the cloud what the edge's retention deletes locally.
 *
 * Conflicts are detected, not guessed: each run records a fingerprint of both copies of every key in a state file on
 * the destination (`<destinationBucket>/.cdk8s-edge-sync/<namespace>/<name>.tsv`). A key changed only at the edge is
 * copied, a key changed only in the cloud is left alone, and only a key changed on both sides since the last run is a
 * conflict, resolved by the {@link ConflictPolicy}.
 *
 * The recovery-point objective is the schedule interval plus the duration of one run. For near-real-time replication
 * between MinIO deployments, use MinIO bucket replication (configured by the MinIO construct's provisioning job).
 */
export class ObjectReplication extends Construct {
  /**
   * The labels that select the pods of the replication with construct id `id` (its object name), for a grant made
   * before the replication exists (its source keys come from the grant); afterwards use `podLabels`.
   */
  public static podLabelsFor(id: string): { [key: string]: string } {
    return RestrictedWorkload.podLabelsOf(APP, id);
  }

  /** The conflict policy enforced by the rclone flags. */
  public readonly conflictPolicy: ConflictPolicy;
  /** The rclone options every rclone call of the job gets (retries, bandwidth, CA files, logging). */
  public readonly rcloneArgs: string[];
  /** Where the job keeps its per-key state on the destination, `bucket/key`. */
  public readonly statePath: string;
  /**
   * The POSIX shell program the container runs (`/bin/sh -c`): list both sides, classify every key against the state
   * of the last run, copy, save conflict copies (MANUAL), write the new state. Paths and policy come from `SYNC_*`
   * environment variables, rclone options from the arguments.
   */
  public readonly script: string = REPLICATION_SCRIPT;
  /** The source path, `bucket[/prefix]`. */
  public readonly sourcePath: string;
  /** The destination path, `bucket[/prefix]`. */
  public readonly destinationPath: string;
  /** Where MANUAL keeps displaced cloud copies, `bucket/prefix`. */
  public readonly conflictsPath?: string;
  /** The `CronJob` (escape hatch). */
  public readonly apiObject: k8s.KubeCronJob;
  /** The labels that select the job's pods (for NetworkPolicies and grants); see {@link ObjectReplication.podLabelsFor}. */
  public readonly podLabels: { [key: string]: string };
  /**
   * What the job does with the destination store's keys: list, read, write and delete under the destination path, the
   * folder of its state file and (MANUAL) the conflicts path; nothing else. The basis of the key policy for a
   * destination whose keys the operator creates.
   */
  public readonly destinationKeyUses: S3KeyUse[];

  constructor(scope: Construct, id: string, props: ObjectReplicationProps) {
    super(scope, id);
    Shape.check(this, props);
    Cidrs.checkAll(this, 'egressCidrs', props.egressCidrs);
    // CronJob names are limited to 52 characters (Jobs append a timestamp suffix).
    KubeNames.assertDns1123Label(this, 'name (construct id)', id, 52);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace !== undefined) KubeNames.assertDns1123Label(this, 'namespace', namespace);

    this.sourcePath = this.path('source', props.sourceBucket, props.sourcePrefix);
    this.destinationPath = this.path('destination', props.destinationBucket, props.destinationPrefix);
    this.checkStore('source', props.source);
    this.checkStore('destination', props.destination);
    const podNamespace = SecretReaders.namespaceOf(this, namespace);
    props.source.credentials.requireIn(this, { namespace: podNamespace, purpose: `S3 keys of object replication ${id}: reading ${props.source.s3Endpoint}/${this.sourcePath}` });
    props.destination.credentials.requireIn(this, { namespace: podNamespace, purpose: `S3 keys of object replication ${id}: writing ${props.destination.s3Endpoint}/${this.destinationPath}` });
    if (props.source.s3Endpoint === props.destination.s3Endpoint && overlaps(this.sourcePath, this.destinationPath)) {
      throw edgeError(this, {
        prop: 'destination',
        value: `${props.destination.s3Endpoint}/${this.destinationPath}`,
        rule: `overlaps the source ${props.source.s3Endpoint}/${this.sourcePath}: the copy would read its own output`,
        fix: 'replicate to another store, bucket or prefix',
      });
    }

    this.conflictPolicy = props.conflictPolicy ?? ConflictPolicy.LAST_WRITE_WINS;
    if (this.conflictPolicy === ConflictPolicy.MERGE) {
      throw edgeError(this, {
        prop: 'conflictPolicy',
        value: this.conflictPolicy,
        rule: 'objects are replaced whole (S3 has no partial writes) and are mostly binary (video segments, model files); a content merge needs the common ancestor of both versions and a format-aware merge tool, which rclone does not have',
        fix: 'use ConflictPolicy.MANUAL to keep both versions (the cloud one under conflictsPath) and merge them in the application, or send mergeable data as events through KafkaSync, where each site appends to its own topic',
      });
    }
    if (this.conflictPolicy === ConflictPolicy.MANUAL) {
      const conflicts = props.conflictsPath ?? (props.destinationPrefix ? `${props.destinationBucket}/conflicts/${trimSlashes(props.destinationPrefix)}` : undefined);
      if (!conflicts) {
        throw edgeError(this, {
          prop: 'conflictsPath',
          value: 'undefined',
          rule: 'ConflictPolicy.MANUAL keeps displaced cloud copies outside the destination path, and the destination is a whole bucket',
          fix: 'pass conflictsPath (e.g. "video-conflicts/site-a") or a destinationPrefix',
        });
      }
      const [bucket, ...rest] = trimSlashes(conflicts).split('/');
      this.conflictsPath = this.path('conflictsPath', bucket, rest.join('/'));
      if (overlaps(this.conflictsPath, this.destinationPath)) {
        throw edgeError(this, {
          prop: 'conflictsPath',
          value: this.conflictsPath,
          rule: `overlaps the destination path ${this.destinationPath} (rclone refuses a backup directory inside or above the destination)`,
          fix: 'use another bucket or a sibling prefix',
        });
      }
    } else if (props.conflictsPath !== undefined) {
      throw edgeError(this, { prop: 'conflictsPath', value: props.conflictsPath, rule: `only ConflictPolicy.MANUAL keeps conflict copies (policy is ${this.conflictPolicy})`, fix: 'drop conflictsPath or use ConflictPolicy.MANUAL' });
    }

    const count = (prop: string, value: number, min: number): number => {
      if (!Number.isInteger(value) || value < min) {
        throw edgeError(this, { prop, value, rule: `must be a whole number of at least ${min}`, fix: 'omit it for the default' });
      }
      return value;
    };
    const retries = count('retries', props.retries ?? 5, 1);
    const lowLevelRetries = count('lowLevelRetries', props.lowLevelRetries ?? 10, 1);
    const transfers = count('transfers', props.transfers ?? 4, 1);
    const retriesSleep = props.retriesSleep ?? Duration.seconds(30);

    const args = [
      // Compare by checksum + size; rclone verifies each upload's checksum unless told not to.
      '--checksum',
      '--retries', String(retries),
      '--retries-sleep', `${Math.round(retriesSleep.toSeconds())}s`,
      '--low-level-retries', String(lowLevelRetries),
      '--transfers', String(transfers),
      '--checkers', String(transfers * 2),
      '--stats', '60s', '--stats-one-line', '--stats-log-level', 'NOTICE',
      '--use-json-log', '--log-level', 'INFO',
    ];
    const bandwidthLimit = BandwidthFormat.check(this, 'bandwidthLimit', props.bandwidthLimit, AT_LEAST_ONE_KIB);
    if (bandwidthLimit !== undefined) args.push('--bwlimit', BandwidthFormat.rcloneBwLimit(bandwidthLimit));
    if (props.maxAge !== undefined) {
      if (!(props.maxAge.toSeconds() >= 1)) {
        throw edgeError(this, { prop: 'maxAge', value: props.maxAge.toHumanString(), rule: 'must be at least one second', fix: 'omit it to consider every object' });
      }
    }

    // /tmp holds three listings of the replicated paths (about 100 bytes per object) besides rclone's own files.
    const volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } }];
    const mounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
    const caFiles: string[] = [];
    for (const [role, store] of [['source', props.source], ['destination', props.destination]] as Array<[string, IObjectStore]>) {
      if (store.caCertificate) {
        volumes.push(secretKeyVolume(`${role}-ca`, store.caCertificate, 'ca.crt'));
        RequiredSecrets.addKey(this, store.caCertificate, { namespace: podNamespace, purpose: `CA certificate the replication job ${id} verifies its ${role} ${store.s3Endpoint} with` });
        mounts.push({ name: `${role}-ca`, mountPath: `/etc/rclone/${role}-ca`, readOnly: true });
        caFiles.push(`/etc/rclone/${role}-ca/ca.crt`);
      }
    }
    if (caFiles.length > 0) {
      // --ca-cert replaces the system trust store, so keep it for the store signed by a public CA.
      for (const f of [...caFiles, SYSTEM_CA_BUNDLE]) args.push('--ca-cert', f);
    }
    this.rcloneArgs = args;

    this.statePath = `${props.destinationBucket}/${STATE_DIR}/${podNamespace}/${id}.tsv`;
    const use = (bucketPath: string): S3KeyUse => {
      const [bucket, ...rest] = bucketPath.split('/');
      return { bucket, prefix: rest.join('/') || undefined, access: ObjectStoreAccess.READ_WRITE };
    };
    this.destinationKeyUses = [this.destinationPath, this.statePath.replace(/\/[^/]+$/, ''), ...(this.conflictsPath ? [this.conflictsPath] : [])].map(use);
    const env: k8s.EnvVar[] = [
      { name: 'HOME', value: '/tmp' },
      { name: 'SYNC_SOURCE', value: `source:${this.sourcePath}` },
      { name: 'SYNC_DESTINATION', value: `destination:${this.destinationPath}` },
      { name: 'SYNC_STATE', value: `destination:${this.statePath}` },
      { name: 'SYNC_POLICY', value: this.conflictPolicy },
      { name: 'SYNC_RETRIES', value: String(retries) },
      { name: 'SYNC_RETRIES_SLEEP', value: String(Math.round(retriesSleep.toSeconds())) },
      ...(this.conflictsPath ? [{ name: 'SYNC_CONFLICTS', value: `destination:${this.conflictsPath}` }] : []),
      ...(props.maxAge !== undefined ? [{ name: 'SYNC_MAX_AGE', value: `${Math.round(props.maxAge.toSeconds())}s` }] : []),
      ...RcloneEnv.s3Remote('SOURCE', props.source, { noCheckBucket: false }),
      // The job copies into an existing bucket; checking/creating it would need extra permissions.
      ...RcloneEnv.s3Remote('DESTINATION', props.destination, { noCheckBucket: true }),
    ];

    const image = props.image ?? ContainerImage.RCLONE;
    const workload = new RestrictedWorkload({ app: APP, instance: id, component: 'object-replication', image }, namespace);
    this.podLabels = workload.podLabels;
    const schedule = props.schedule ?? Cron.schedule({ minute: '*/15' });
    if (props.timeout !== undefined && !(props.timeout.toSeconds() >= 60)) {
      throw edgeError(this, { prop: 'timeout', value: props.timeout.toHumanString(), rule: 'must be at least one minute', fix: 'omit it for no limit' });
    }
    if (props.destination.s3Endpoint.startsWith('http://') && !props.destination.networkPeer) {
      Warnings.addFormatted(this, { prop: 'destination.s3Endpoint', value: props.destination.s3Endpoint, rule: 'objects and request signatures would cross the WAN over plain HTTP', fix: 'use an https endpoint for the cloud store' });
    }

    if (props.networkPolicy ?? true) {
      const src = endpointEgress(props.source.s3Endpoint, props.source.networkPeer, props.egressCidrs);
      const dst = endpointEgress(props.destination.s3Endpoint, props.destination.networkPeer, props.egressCidrs);
      workload.networkPolicy(this, 'NetworkPolicy', {
        ingress: [],
        egress: { peers: [...src.peers, ...dst.peers], cidrs: [...src.cidrs, ...dst.cidrs] },
      });
    }
    this.apiObject = workload.cronJob(this, 'Resource', {
      schedule: Schedules.check(this, 'schedule', schedule).expression,
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
      suspend: props.suspend ? true : undefined,
      backoffLimit: 2,
      activeDeadlineSeconds: Math.round((props.timeout ?? Duration.hours(12)).toSeconds()),
      pod: {
        volumes,
        containers: [{
          name: 'rclone',
          image,
          command: ['/bin/sh', '-c', REPLICATION_SCRIPT, 'object-replication'],
          args,
          env,
          volumeMounts: mounts,
          resources: Resources.toKube({
            cpu: { request: Cpu.millis(100) },
            memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
          }, props.resources),
        }],
      },
    });
  }

  /** True when one `bucket/prefix` path contains the other. */

  private path(prop: string, bucket: string, prefix?: string): string {
    S3Rules.checkBucket(this, `${prop}Bucket`.replace('conflictsPathBucket', 'conflictsPath'), bucket);
    if (prefix === undefined || prefix === '') return bucket;
    if (prefix.startsWith('/') || prefix.includes('//') || prefix.split('/').some((s) => s === '..' || s === '.')) {
      throw edgeError(this, { prop: `${prop}Prefix`.replace('conflictsPathPrefix', 'conflictsPath'), value: prefix, rule: 'a key prefix must not start with "/" or contain empty, "." or ".." segments', fix: 'use e.g. "site-a/cameras"' });
    }
    return `${bucket}/${trimSlashes(prefix)}`;
  }

  private checkStore(role: string, store: IObjectStore): void {
    SecretReaders.checkS3(this, `${role}.credentials`, store.credentials, 'rclone');
    const ca: SecretKeyReference | undefined = store.caCertificate;
    if (ca && (!ca.name || !ca.key)) {
      throw edgeError(this, { prop: `${role}.caCertificate`, value: `${ca.name}/${ca.key}`, rule: 'a CA certificate reference needs a Secret name and a key', fix: 'pass { name, key } of the Secret holding the CA (PEM)' });
    }
  }
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

function overlaps(a: string, b: string): boolean {
  const x = `${a}/`;
  const y = `${b}/`;
  return x.startsWith(y) || y.startsWith(x);
}
