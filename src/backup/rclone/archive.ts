import { Chart, Cron, Duration, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { RcloneRemote } from './remote';
import { RcloneMode, RcloneScript } from './script';
import { Bandwidth, ContainerImage, edgeError, EdgeMessages, NetworkPeer, RcloneEnv, RequiredSecrets, SecretReaders, Warnings } from '../../core';
import { CidrEgress, endpointEgress } from '../../core/network-policy';
import { secretKeyVolume } from '../../core/secret-env';
import { KeyNames, Shape } from '../../core/validate';
import { BackupCronJob } from '../internal/cronjob';
import { Format } from '../internal/format';
import { S3Names } from '../internal/s3-names';
import { S3Targets } from '../internal/s3-targets';
import { ScheduleCheck } from '../internal/schedule-check';
import { BackupJobOptions } from '../job';
import { BackupSource } from '../source';

/** Props of {@link RcloneArchive}. */
export interface RcloneArchiveProps extends BackupJobOptions {
  /** The warm data to archive. */
  readonly source: BackupSource;
  /** The cold remote. */
  readonly destination: RcloneRemote;
  /**
   * Copy, move or sync.
   * @default RcloneMode.COPY
   */
  readonly mode?: RcloneMode;
  /**
   * Only files last modified longer ago than this are archived.
   * @default Duration.days(30)
   */
  readonly minAge?: Duration;
  /**
   * Bandwidth limit of the transfers (rclone `--bwlimit`, whole KiB/s rounded down; at least 1 KiB/s).
   * @default - unlimited
   */
  readonly bandwidthLimit?: Bandwidth;
  /**
   * Parallel file transfers (1–64).
   * @default 4
   */
  readonly transfers?: number;
  /**
   * Parallel checkers (1–64).
   * @default 8
   */
  readonly checkers?: number;
  /**
   * Compare by checksum and verify the archive after copy/sync (`rclone check --one-way`).
   * @default true
   */
  readonly checksum?: boolean;
  /**
   * Only report what would be transferred.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * In move mode, remove source directories left empty.
   * @default false
   */
  readonly deleteEmptySourceDirs?: boolean;
  /**
   * Only files matching these rclone filter patterns.
   * @default - all files
   */
  readonly includes?: string[];
  /**
   * Skip files matching these rclone filter patterns (e.g. files still being written: `*.part`).
   * @default - none
   */
  readonly excludes?: string[];
}

const DATA_DIR = '/data';
const ARCHIVE_DIR = '/archive';
const CONFIG_DIR = '/config';
const CONFIG_TEMPLATE_DIR = '/etc/rclone-config';
const CA_DIR = '/etc/rclone/ca';
const REMOTE = 'archive';

/**
 * A CronJob that moves or copies warm data older than `minAge` to a cold remote with the official rclone image,
 * then verifies it. Its `script` property is exactly what the CronJob runs.
 */
export class RcloneArchive extends Construct {
  /** The CronJob (escape hatch). */
  public readonly apiObject: k8s.KubeCronJob;
  /** Name of the CronJob. */
  public readonly name: string;
  /** The labels that select the job's pods (for NetworkPolicies and grants). */
  public readonly podLabels: { [key: string]: string };
  /** The shell script the job runs. */
  public readonly script: string;
  /** Where files go: a local path in the pod or `archive:bucket/prefix`. */
  public readonly destination: string;

  constructor(scope: Construct, id: string, props: RcloneArchiveProps) {
    super(scope, id);
    Shape.check(this, props);
    KeyNames.checkObjectName(this, 'source.claimName', props.source?.dump ? undefined : props.source?.claimName, 'PersistentVolumeClaim');
    this.name = props.name ?? id;
    const namespace = Chart.of(this).namespace ?? 'default';
    BackupCronJob.validate(this, props);
    if (props.source.dump) {
      throw edgeError(this, { prop: 'source', value: 'BackupSource.fromDump(…)', rule: 'an archive moves or copies files of a claim; a dump source is for ResticBackup only', fix: 'use BackupSource.fromClaimName, or back the dump up with ResticBackup' });
    }
    const schedule = ScheduleCheck.check(this, 'schedule', props.schedule ?? Cron.schedule({ minute: '0', hour: '3' }));
    const mode = props.mode ?? RcloneMode.COPY;
    const minAge = props.minAge ?? Duration.days(30);
    const problem = RcloneScript.optionProblem(props);
    if (problem) throw edgeError(this, problem);
    if (Format.seconds(minAge) < 3600) {
      Warnings.addFormatted(this, {
        prop: 'minAge',
        value: minAge.toHumanString(),
        rule: `files still being written may be archived${mode === RcloneMode.MOVE ? ' and removed from the source' : ''}`,
        fix: 'use at least an hour (the seed lifecycle archives warm data after 30 days)',
      });
    }
    if (mode === RcloneMode.SYNC) {
      Warnings.addFormatted(this, {
        prop: 'mode',
        value: mode,
        rule: 'sync deletes archived files once they disappear from the source (e.g. after the warm tier expires them)',
        fix: 'use RcloneMode.COPY or RcloneMode.MOVE for an archive that keeps history',
      });
    }
    if (props.dryRun) {
      Warnings.addFormatted(this, { prop: 'dryRun', value: true, rule: 'the job only reports; nothing is archived', fix: 'remove dryRun once the output looks right' });
    }
    if (mode === RcloneMode.MOVE && props.checksum === false) {
      Warnings.addFormatted(this, { prop: 'checksum', value: false, rule: 'move deletes source files after comparing only size and time', fix: 'keep checksum on for move' });
    }

    const env: k8s.EnvVar[] = [{ name: 'RCLONE_CONFIG', value: `${CONFIG_DIR}/rclone.conf` }];
    const volumes: k8s.Volume[] = [
      // readOnly on the claim itself (not only the mount): the kubelet then never applies an fsGroup to it.
      { name: 'data', persistentVolumeClaim: { claimName: props.source.claimName, ...(mode === RcloneMode.MOVE ? {} : { readOnly: true }) } },
      { name: 'config', emptyDir: {} },
    ];
    const mounts: k8s.VolumeMount[] = [
      // move deletes archived files from the source, so only move needs it writable.
      { name: 'data', mountPath: DATA_DIR, ...(mode === RcloneMode.MOVE ? {} : { readOnly: true }) },
      { name: 'config', mountPath: CONFIG_DIR },
    ];
    let caCertFile: string | undefined;
    let copyConfigTemplate = false;
    const dest = props.destination._config;
    let egress: { peers: NetworkPeer[]; cidrs: CidrEgress[] } = { peers: [], cidrs: [] };
    switch (dest.kind) {
      case 's3': {
        const store = dest.store!;
        egress = endpointEgress(store.s3Endpoint, store.networkPeer, props.egressCidrs);
        S3Names.assertBucket(this, 'destination.bucket', dest.bucket!);
        const prefix = S3Names.normalizePrefix(this, 'destination.prefix', dest.prefix);
        const keys = SecretReaders.checkS3(this, 'destination.store.credentials', store.credentials, 'the rclone archive');
        if (dest.storageClass !== undefined && !/^[A-Z][A-Z0-9_]*$/.test(dest.storageClass)) {
          throw edgeError(this, { prop: 'destination.storageClass', value: dest.storageClass, rule: 'must be an S3 storage class name in capitals', fix: 'use e.g. "STANDARD_IA", "GLACIER_IR" or "DEEP_ARCHIVE"' });
        }
        // The job writes into an existing bucket: no bucket check (RcloneEnv's default).
        env.push(...RcloneEnv.s3Remote(REMOTE, store, { storageClass: dest.storageClass }));
        keys.requireIn(this, { namespace, purpose: `S3 keys of rclone archive ${this.name} (bucket ${dest.bucket}${prefix ? `/${prefix}` : ''} on ${store.s3Endpoint})` });
        if (store.caCertificate) {
          volumes.push(secretKeyVolume('ca', store.caCertificate, 'ca.crt'));
          RequiredSecrets.addKey(this, store.caCertificate, { namespace, purpose: `CA certificate the archive job ${this.name} verifies ${store.s3Endpoint} with` });
          mounts.push({ name: 'ca', mountPath: CA_DIR, readOnly: true });
          caCertFile = `${CA_DIR}/ca.crt`;
        }
        this.destination = `${REMOTE}:${dest.bucket}${prefix ? `/${prefix}` : ''}`;
        S3Targets.register(this, { endpoint: store.s3Endpoint, bucket: dest.bucket!, prefix, what: 'rclone archive' });
        this.node.addValidation({ validate: () => this.validateOverlaps() });
        break;
      }
      case 'secret': {
        const config = dest.config;
        if (!config?.name || !config.key) {
          throw edgeError(this, {
            prop: `destination.config.${config?.name ? 'key' : 'name'}`,
            value: (config?.name ? config.key : config?.name) ?? '',
            rule: 'a Secret key holding rclone.conf is required',
            fix: 'create one (kubectl create secret generic rclone-config --from-file=rclone.conf=PATH) and pass { name: \'rclone-config\', key: \'rclone.conf\' }',
          });
        }
        KeyNames.checkSecretRef(this, 'destination.config', config);
        if (!dest.remote || !/^[A-Za-z0-9_][A-Za-z0-9_. -]*$/.test(dest.remote) || dest.remote.endsWith(' ')) {
          throw edgeError(this, { prop: 'destination.remote', value: dest.remote ?? '', rule: 'must name a [section] of the rclone config (letters, digits, _ . - and inner spaces)', fix: 'use the remote name from rclone.conf, e.g. "cold"' });
        }
        volumes.push(secretKeyVolume('config-template', config, 'rclone.conf'));
        RequiredSecrets.addKey(this, config, {
          namespace,
          purpose: `rclone config (with remote [${dest.remote}]) the archive job ${this.name} copies to, e.g. kubectl -n ${namespace} create secret generic ${config.name} --from-file=${config.key}=rclone.conf`,
        });
        mounts.push({ name: 'config-template', mountPath: CONFIG_TEMPLATE_DIR, readOnly: true });
        env.push({ name: 'ARCHIVE_CONFIG_TEMPLATE', value: `${CONFIG_TEMPLATE_DIR}/rclone.conf` });
        copyConfigTemplate = true;
        // The remote is only known at run time: any port on the given blocks.
        egress = { peers: [], cidrs: [{ cidrs: props.egressCidrs ?? ['0.0.0.0/0', '::/0'], ports: [] }] };
        this.destination = `${dest.remote}:${(dest.path ?? '').replace(/^\/+/, '')}`;
        break;
      }
      case 'claim': {
        const path = (dest.path ?? '').replace(/^\/+|\/+$/g, '');
        if (path.split('/').some((s) => s === '..')) {
          throw edgeError(this, { prop: 'destination.path', value: dest.path, rule: 'must stay inside the claim', fix: 'use e.g. "site-a"' });
        }
        if (dest.claimName === props.source.claimName) {
          throw edgeError(this, { prop: 'destination', value: dest.claimName, rule: 'the archive is on the claim being archived', fix: 'archive to another volume or to S3' });
        }
        volumes.push({ name: 'archive', persistentVolumeClaim: { claimName: dest.claimName! } });
        mounts.push({ name: 'archive', mountPath: ARCHIVE_DIR });
        this.destination = path ? `${ARCHIVE_DIR}/${path}` : ARCHIVE_DIR;
        break;
      }
    }
    env.push(
      { name: 'ARCHIVE_SOURCE', value: props.source.path ? `${DATA_DIR}/${props.source.path}` : DATA_DIR },
      { name: 'ARCHIVE_DEST', value: this.destination! },
    );

    this.script = RcloneScript.render({
      mode,
      minAge,
      bandwidthLimit: props.bandwidthLimit,
      transfers: props.transfers,
      checkers: props.checkers,
      checksum: props.checksum,
      dryRun: props.dryRun,
      deleteEmptySourceDirs: props.deleteEmptySourceDirs,
      includes: props.includes,
      excludes: props.excludes,
      caCertFile,
      copyConfigTemplate,
    });

    const job = BackupCronJob.render(this, props, {
      name: this.name,
      appName: 'rclone',
      component: 'archive',
      image: props.image ?? ContainerImage.RCLONE,
      schedule: schedule.expression,
      script: this.script,
      env,
      volumes,
      mounts,
      defaultResources: { cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) } },
      // An archive claim is the job's own; a MOVE source is writable, so then no default fsGroup (it would re-own it).
      writesOwnClaim: volumes.some((v) => v.name === 'archive') && mode !== RcloneMode.MOVE,
      egress,
    });
    this.apiObject = job.cronJob;
    this.podLabels = job.workload.podLabels;
  }

  /** A restic repository inside the archive prefix (or the reverse) would be corrupted by sync and mixed with archives. */
  private validateOverlaps(): string[] {
    const mine = S3Targets.of(this)!;
    return S3Targets.overlapping(this)
      .filter(({ target }) => target.what === 'restic repository')
      .map(({ construct, target }) => EdgeMessages.format(this, {
        prop: 'destination',
        value: `${mine.bucket}/${mine.prefix ?? ''}`,
        rule: `overlaps the ${target.what} of "${construct.node.path}" (${target.bucket}/${target.prefix ?? ''}); archived files would mix with restic's pack files`,
        fix: 'use separate prefixes that do not contain each other, e.g. "archive/site-a" and "restic/site-a"',
      }));
  }
}
