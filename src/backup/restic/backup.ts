import { Chart, Cron, Duration, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ResticRepository } from './repository';
import { ResticRetention, ResticScript } from './script';
import { AT_LEAST_ONE_KIB, Bandwidth, BandwidthFormat, ContainerImage, edgeError, NetworkPeer, RequiredSecrets, Resources, SecretKeyReference, SecretReaders, Warnings } from '../../core';
import { CidrEgress, endpointEgress } from '../../core/network-policy';
import { secretKeyEnv, secretKeyVolume } from '../../core/secret-env';
import { KeyNames, Shape } from '../../core/validate';
import { RestrictedContainer } from '../../core/workload';
import { BackupCronJob, CACHE_DIR, TMP_DIR } from '../internal/cronjob';
import { S3Names } from '../internal/s3-names';
import { S3Targets } from '../internal/s3-targets';
import { ScheduleCheck } from '../internal/schedule-check';
import { BackupJobOptions } from '../job';
import { BackupDumpOptions, BackupSource } from '../source';

/** Props of {@link ResticBackup}. */
export interface ResticBackupProps extends BackupJobOptions {
  /** The data to back up. */
  readonly source: BackupSource;
  /** Where the repository lives. */
  readonly repository: ResticRepository;
  /**
   * The repository password (encryption key), by Secret reference (same namespace as the job). Losing it loses
   * the backups: keep a copy outside the site.
   */
  readonly password: SecretKeyReference;
  /**
   * Host name recorded in the snapshots (`--host`). Name it after the site when several sites share a repository:
   * retention applies per host and tag set.
   * @default - the job name
   */
  readonly host?: string;
  /**
   * Tags recorded in the snapshots; retention only considers snapshots carrying all of them.
   * @default - [the job name]
   */
  readonly tags?: string[];
  /**
   * Which snapshots to keep. `keepWithin` counts from the newest snapshot, not from now.
   * @default { keepDaily: 30 }
   */
  readonly retention?: ResticRetention;
  /**
   * Remove unreferenced data after forgetting snapshots (`--prune`).
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Verify the repository after each backup (`restic check`).
   * @default true
   */
  readonly check?: boolean;
  /**
   * Percentage of pack files `check` reads back and verifies (1–100).
   * @default - structure check only
   */
  readonly checkReadDataPercent?: number;
  /**
   * How long each restic command waits for a lock held by another job on the same repository (`--retry-lock`);
   * `forget`, `prune` and `check` take exclusive locks. Zero fails at once (exit 11) instead.
   * @default Duration.hours(1)
   */
  readonly retryLock?: Duration;
  /**
   * Exclude patterns (`--exclude`).
   * @default - none
   */
  readonly excludes?: string[];
  /**
   * Stay on the source's filesystem (`--one-file-system`).
   * @default false
   */
  readonly oneFileSystem?: boolean;
  /**
   * Upload bandwidth limit, to leave uplink capacity for the site (restic `--limit-upload`, whole KiB/s rounded down;
   * at least 1 KiB/s). Downloads (`check`, restores) are not limited.
   * @default - unlimited
   */
  readonly uploadBandwidthLimit?: Bandwidth;
}

const DATA_DIR = '/data';
const REPO_DIR = '/repository';
const CA_DIR = '/etc/restic/ca';

/**
 * A CronJob that backs up a PersistentVolumeClaim (or a directory in it) into a restic repository with the official
 * restic image: initializes the repository on first use, backs up, applies the retention with prune, and checks the
 * repository. Its `script` property is exactly what the CronJob runs.
 */
export class ResticBackup extends Construct {
  /** The CronJob (escape hatch). */
  public readonly apiObject: k8s.KubeCronJob;
  /** Name of the CronJob. */
  public readonly name: string;
  /** The labels that select the job's pods (for NetworkPolicies and grants). */
  public readonly podLabels: { [key: string]: string };
  /** The shell script the job runs. */
  public readonly script: string;
  /** Host name recorded in the snapshots. */
  public readonly host: string;
  /** Tags recorded in the snapshots. */
  public readonly tags: string[];
  /** Longest time between two scheduled runs: the worst-case recovery point objective for the data. */
  public readonly maxInterval: Duration;

  constructor(scope: Construct, id: string, props: ResticBackupProps) {
    super(scope, id);
    Shape.check(this, props);
    KeyNames.checkSecretRef(this, 'password', props.password);
    KeyNames.checkObjectName(this, 'source.claimName', props.source?.dump ? undefined : props.source?.claimName, 'PersistentVolumeClaim');
    this.name = props.name ?? id;
    BackupCronJob.validate(this, props);
    const schedule = ScheduleCheck.check(this, 'schedule', props.schedule ?? Cron.schedule({ minute: '0', hour: '1' }));
    this.maxInterval = schedule.maxGap;

    if (!props.password?.name || !props.password?.key) {
      throw edgeError(this, {
        prop: 'password',
        value: props.password ?? '',
        rule: 'a Secret reference { name, key } holding the repository password is required',
        fix: 'create a Secret with the password (kubectl create secret generic restic-password --from-literal=password=…) and pass { name: "restic-password", key: "password" }',
      });
    }
    this.host = props.host ?? this.name;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(this.host)) {
      throw edgeError(this, { prop: 'host', value: this.host, rule: 'must be letters, digits, ".", "_" or "-", starting with a letter or digit', fix: 'use the site name, e.g. "site-a"' });
    }
    this.tags = props.tags ?? [this.name];
    const badTag = this.tags.find((t) => !/^[A-Za-z0-9][A-Za-z0-9._:=-]*$/.test(t));
    if (this.tags.length === 0 || badTag !== undefined) {
      throw edgeError(this, {
        prop: 'tags',
        value: this.tags,
        rule: 'needs at least one tag of letters, digits and . _ : = - (no commas or spaces; restic splits tags on commas)',
        fix: `use e.g. ["${this.name}"]`,
      });
    }
    const retention = props.retention ?? ResticScript.DEFAULT_RETENTION;
    const problem = ResticScript.retentionProblem(retention);
    if (problem) throw edgeError(this, problem);
    this.warnAboutRetention(retention);
    if (props.checkReadDataPercent !== undefined && !(props.checkReadDataPercent > 0 && props.checkReadDataPercent <= 100)) {
      throw edgeError(this, { prop: 'checkReadDataPercent', value: props.checkReadDataPercent, rule: 'must be more than 0 and at most 100', fix: 'use e.g. 5 (reads 5% of the data back each run)' });
    }
    const retrySeconds = props.retryLock?.toSeconds({ integral: false });
    if (props.retryLock !== undefined && !(Number.isInteger(retrySeconds) && retrySeconds! >= 0)) {
      throw edgeError(this, { prop: 'retryLock', value: props.retryLock.toHumanString(), rule: 'must be zero or a whole number of seconds', fix: 'use e.g. Duration.minutes(30), or Duration.seconds(0) to fail at once' });
    }
    BandwidthFormat.check(this, 'uploadBandwidthLimit', props.uploadBandwidthLimit, AT_LEAST_ONE_KIB);

    const env: k8s.EnvVar[] = [];
    const namespace = Chart.of(this).namespace ?? 'default';
    const dump = props.source.dump;
    // A claim is read-only on the volume itself, not only on the mount: the kubelet then never applies an fsGroup to it.
    const volumes: k8s.Volume[] = [dump
      ? { name: 'data', emptyDir: { sizeLimit: Resources.quantity(dump.sizeLimit) } }
      : { name: 'data', persistentVolumeClaim: { claimName: props.source.claimName, readOnly: true } }];
    const mounts: k8s.VolumeMount[] = [{ name: 'data', mountPath: DATA_DIR, readOnly: true }];
    const extendedOptions: { [key: string]: string } = {};
    const repo = props.repository._config;
    let caCertFile: string | undefined;

    let egress: { peers: NetworkPeer[]; cidrs: CidrEgress[] } = { peers: [], cidrs: [] };
    switch (repo.kind) {
      case 's3': {
        const store = repo.store!;
        egress = endpointEgress(store.s3Endpoint, store.networkPeer, props.egressCidrs);
        S3Names.assertBucket(this, 'repository.bucket', repo.bucket!);
        const prefix = S3Names.normalizePrefix(this, 'repository.prefix', repo.prefix);
        const keys = SecretReaders.checkS3(this, 'repository.store.credentials', store.credentials, 'restic');
        env.push(
          { name: 'RESTIC_REPOSITORY', value: `s3:${store.s3Endpoint}/${repo.bucket}${prefix ? `/${prefix}` : ''}` },
          ...keys.env(),
        );
        keys.requireIn(this, { namespace, purpose: `S3 keys of restic backup ${this.name} (repository ${repo.bucket}${prefix ? `/${prefix}` : ''} on ${store.s3Endpoint})` });
        extendedOptions['s3.region'] = store.region;
        if (store.forcePathStyle) extendedOptions['s3.bucket-lookup'] = 'path';
        S3Targets.register(this, { endpoint: store.s3Endpoint, bucket: repo.bucket!, prefix, what: 'restic repository' });
        break;
      }
      case 'rest': {
        let url: URL | undefined;
        try {
          url = new URL(repo.url!);
        } catch {
          url = undefined;
        }
        if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
          throw edgeError(this, { prop: 'repository.url', value: repo.url, rule: 'must be an http(s) URL of a restic REST server', fix: 'use e.g. "https://backup.example.com:8000/site-a/"' });
        }
        if (url.username || url.password) {
          throw edgeError(this, { prop: 'repository.url', value: `${url.protocol}//***@${url.host}${url.pathname}`, rule: 'must not embed credentials (they would land in the manifest)', fix: 'pass credentials: { secretName } or keep the whole URL in a Secret with ResticRepository.fromSecret' });
        }
        env.push({ name: 'RESTIC_REPOSITORY', value: `rest:${repo.url}` });
        egress = endpointEgress(repo.url!, undefined, props.egressCidrs);
        if (repo.restCredentials) {
          for (const part of ['username', 'password'] as const) {
            const ref = repo.restCredentials[part];
            if (!ref?.name || !ref.key) {
              throw edgeError(this, {
                prop: `repository.credentials.${part}`,
                value: ref ? `${ref.name}/${ref.key}` : 'undefined',
                rule: `the REST server's ${part} is read from a Secret key: both name and key are required`,
                fix: `pass e.g. { name: 'rest-auth', key: '${part}' }`,
              });
            }
            KeyNames.checkSecretRef(this, `repository.credentials.${part}`, ref);
            env.push(secretKeyEnv(`RESTIC_REST_${part.toUpperCase()}`, ref));
            RequiredSecrets.addKey(this, ref, { namespace, purpose: `${part} of restic backup ${this.name}'s login to the REST server ${url.origin}` });
          }
        }
        if (url.protocol === 'http:' && !/\.svc(\.cluster\.local)?$|^localhost$|^127\./.test(url.hostname)) {
          Warnings.addFormatted(this, { prop: 'repository.url', value: repo.url, rule: 'plain http to a host outside the cluster exposes the REST credentials (the data itself is encrypted by restic)', fix: 'use https' });
        }
        break;
      }
      case 'claim': {
        const path = repo.path!.replace(/^\/+|\/+$/g, '');
        if (path === '' || path.split('/').some((s) => s === '..')) {
          throw edgeError(this, { prop: 'repository.path', value: repo.path, rule: 'must be a directory inside the claim', fix: 'use e.g. "restic/site-a"' });
        }
        if (repo.claimName === props.source.claimName) {
          throw edgeError(this, { prop: 'repository', value: repo.claimName, rule: 'the repository is on the claim being backed up (the backup would contain itself and die with the volume)', fix: 'put the repository on another volume or in S3' });
        }
        volumes.push({ name: 'repository', persistentVolumeClaim: { claimName: repo.claimName! } });
        mounts.push({ name: 'repository', mountPath: REPO_DIR });
        env.push({ name: 'RESTIC_REPOSITORY', value: `${REPO_DIR}/${path}` });
        break;
      }
      case 'secret': {
        if (!repo.secret?.name || !repo.secret?.key) {
          throw edgeError(this, { prop: 'repository', value: repo.secret ?? '', rule: 'a Secret reference { name, key } holding the repository location is required', fix: 'pass the Secret that holds the repository string' });
        }
        env.push(secretKeyEnv('RESTIC_REPOSITORY', repo.secret));
        RequiredSecrets.addKey(this, repo.secret, { namespace, purpose: `repository location of restic backup ${this.name} (the whole RESTIC_REPOSITORY string, e.g. s3:https://host/bucket/prefix)` });
        // The location is only known at run time: any port on the given blocks.
        egress = { peers: [], cidrs: [{ cidrs: props.egressCidrs ?? ['0.0.0.0/0', '::/0'], ports: [] }] };
        break;
      }
    }
    if (repo.caCertificate) {
      volumes.push(secretKeyVolume('ca', repo.caCertificate, 'ca.crt'));
      RequiredSecrets.addKey(this, repo.caCertificate, { namespace, purpose: `CA certificate restic backup ${this.name} verifies its repository's server with` });
      mounts.push({ name: 'ca', mountPath: CA_DIR, readOnly: true });
      caCertFile = `${CA_DIR}/ca.crt`;
    }

    RequiredSecrets.addKey(this, props.password, {
      namespace,
      purpose: `repository password (encryption key) of restic backup ${this.name}: losing it loses the backups, keep a copy off-site; `
        + `e.g. kubectl -n ${namespace} create secret generic ${props.password.name} --from-literal=${props.password.key}="$(openssl rand -base64 32)"`,
    });
    for (const [name, ref] of Object.entries(dump?.secretEnv ?? {})) {
      RequiredSecrets.addKey(this, ref, { namespace, purpose: `read as ${name} by the dump step of restic backup ${this.name}` });
    }
    env.push(
      secretKeyEnv('RESTIC_PASSWORD', props.password),
      { name: 'RESTIC_CACHE_DIR', value: CACHE_DIR },
      { name: 'BACKUP_SOURCE', value: props.source.path ? `${DATA_DIR}/${props.source.path}` : DATA_DIR },
      { name: 'BACKUP_HOST', value: this.host },
      { name: 'BACKUP_TAGS', value: this.tags.join(',') },
    );

    this.script = ResticScript.render({
      retention,
      prune: props.prune,
      check: props.check,
      checkReadDataPercent: props.checkReadDataPercent,
      retryLock: props.retryLock,
      excludes: props.excludes,
      oneFileSystem: props.oneFileSystem,
      uploadBandwidthLimit: props.uploadBandwidthLimit,
      extendedOptions,
      caCertFile,
    });

    const job = BackupCronJob.render(this, props, {
      name: this.name,
      appName: 'restic',
      component: 'backup',
      image: props.image ?? ContainerImage.RESTIC,
      schedule: schedule.expression,
      script: this.script,
      env,
      volumes,
      mounts,
      defaultResources: { cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } },
      // Exit 3 = unreadable source files: the snapshot and retention already ran; a retry would only repeat them.
      failJobOnExitCodes: [3],
      writesOwnClaim: volumes.some((v) => v.name === 'repository'),
      initContainers: dump ? [dumpContainer(dump)] : undefined,
      egress,
    });
    this.apiObject = job.cronJob;
    this.podLabels = job.workload.podLabels;
  }

  private warnAboutRetention(retention: ResticRetention): void {
    const longTerm = (retention.keepMonthly ?? 0) > 0 || (retention.keepYearly ?? 0) > 0;
    const withinDays = retention.keepWithin ? retention.keepWithin.toHours({ integral: false }) / 24 : 0;
    if (withinDays > 90 && !longTerm) {
      Warnings.addFormatted(this, {
        prop: 'retention.keepWithin',
        value: `${Math.round(withinDays)} days`,
        rule: 'keeps every snapshot of more than 90 days (counted from the newest snapshot) and no monthly archive',
        fix: 'keep a short window and add keepMonthly (e.g. keepWithin 30 days + keepMonthly 12)',
      });
    }
    if ((retention.keepDaily ?? 0) > 90 && !longTerm) {
      Warnings.addFormatted(this, {
        prop: 'retention.keepDaily',
        value: retention.keepDaily,
        rule: 'keeps more than 90 daily snapshots and no monthly archive',
        fix: 'use fewer dailies plus keepMonthly (e.g. keepDaily 30 + keepMonthly 12)',
      });
    }
  }
}

/** The init container that writes a dump into the data volume (writable for it only). */
function dumpContainer(dump: BackupDumpOptions): RestrictedContainer {
  return {
    name: 'dump',
    image: dump.image,
    command: ['/bin/sh', '-c'],
    args: [dump.script],
    env: [
      { name: 'DUMP_DIR', value: DATA_DIR },
      { name: 'HOME', value: TMP_DIR },
      { name: 'TMPDIR', value: TMP_DIR },
      ...Object.entries(dump.env ?? {}).map(([name, value]) => ({ name, value })),
      ...Object.entries(dump.secretEnv ?? {}).map(([name, ref]) => secretKeyEnv(name, ref)),
    ],
    resources: Resources.toKube({ cpu: { request: Cpu.millis(100) }, memory: { request: Size.mebibytes(128) } }, dump.resources),
    volumeMounts: [{ name: 'data', mountPath: DATA_DIR }, { name: 'tmp', mountPath: TMP_DIR }],
  };
}
