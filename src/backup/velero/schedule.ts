import { ApiObject, Cron, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { IVeleroBackupLocation, VeleroAccessMode } from './location';
import { VeleroUploader, VeleroVersion } from './version';
import { EdgeLabels, edgeError, KubeNames, Warnings } from '../../core';
import { Shape } from '../../core/validate';
import { Format } from '../internal/format';
import { ScheduleCheck } from '../internal/schedule-check';

/** Options of a {@link VeleroSchedule} (everything except the schedule itself). */
export interface VeleroScheduleOptions {
  /**
   * `metadata.name` of the Schedule (backups are named `<name>-<timestamp>`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Velero's namespace.
   * @default - the location's namespace, else 'velero'
   */
  readonly namespace?: string;
  /**
   * How long each backup is kept before Velero deletes it (Velero's own default is 720h).
   * @default Duration.hours(720)
   */
  readonly ttl?: Duration;
  /**
   * Where the backups go.
   * @default - Velero's default location
   */
  readonly location?: IVeleroBackupLocation;
  /**
   * Namespaces to back up (Velero ≥ 1.18 accepts glob patterns such as `site-*`).
   * @default - all namespaces
   */
  readonly includedNamespaces?: string[];
  /**
   * Namespaces to leave out.
   * @default - none
   */
  readonly excludedNamespaces?: string[];
  /**
   * Resources to back up (`deployments`, `persistentvolumeclaims`, `configmaps.v1`…).
   * @default - all resources
   */
  readonly includedResources?: string[];
  /**
   * Resources to leave out (e.g. `events`, `events.events.k8s.io`).
   * @default - none
   */
  readonly excludedResources?: string[];
  /**
   * Back up cluster-scoped resources (true), never (false), or those related to included namespaces (unset).
   * @default - Velero decides
   */
  readonly includeClusterResources?: boolean;
  /**
   * Only resources with all these labels.
   * @default - no label filter
   */
  readonly labelSelector?: { [key: string]: string };
  /**
   * Back up pod volumes with the file-system uploader (kopia via the node-agent) unless a volume opts out
   * (`backup.velero.io/backup-volumes-excludes`). Needs the node-agent DaemonSet.
   * @default - Velero's server setting (off unless installed with --default-volumes-to-fs-backup)
   */
  readonly defaultVolumesToFsBackup?: boolean;
  /**
   * Take volume snapshots (CSI or a VolumeSnapshotLocation).
   * @default - Velero decides (snapshots when a snapshot location or CSI is configured)
   */
  readonly snapshotVolumes?: boolean;
  /**
   * Move CSI snapshot data into the location (data mover, kopia), so backups survive the loss of the site's storage.
   * @default false
   */
  readonly snapshotMoveData?: boolean;
  /**
   * Do not take a backup right when the Schedule is created (or unpaused); wait for the first scheduled time.
   * @default false
   */
  readonly skipImmediately?: boolean;
  /**
   * Create the Schedule paused.
   * @default false
   */
  readonly paused?: boolean;
  /**
   * Make the Schedule the owner of its backups (deleting the Schedule then deletes them).
   * @default false
   */
  readonly useOwnerReferencesInBackup?: boolean;
  /**
   * Labels put on each Backup the Schedule creates.
   * @default - none
   */
  readonly backupLabels?: { [key: string]: string };
  /**
   * How long to wait for CSI snapshots to become ready.
   * @default - Velero's default (10 minutes)
   */
  readonly csiSnapshotTimeout?: Duration;
  /**
   * How long asynchronous plugin operations (data movement) may take.
   * @default - Velero's default (4 hours)
   */
  readonly itemOperationTimeout?: Duration;
  /**
   * The uploader Velero's node-agent is installed with (`velero install --uploader-type`). Schedules carry no
   * uploader field; the prop exists so the library can refuse what Velero refuses: the restic uploader on 1.17+.
   * @default VeleroUploader.KOPIA
   */
  readonly uploader?: VeleroUploader;
  /**
   * The Velero version installed.
   * @default VeleroVersion.V1_18_1
   */
  readonly veleroVersion?: VeleroVersion;
  /**
   * IANA time zone the schedule is read in, e.g. `Europe/Berlin`: rendered as a `CRON_TZ=<zone>` prefix of
   * `spec.schedule`, which Velero's cron parser understands (daylight saving time then shifts with the zone).
   * @default - UTC (the Velero server's zone)
   */
  readonly timeZone?: string;
}

/** Props of {@link VeleroSchedule}. */
export interface VeleroScheduleProps extends VeleroScheduleOptions {
  /** When backups run (in `timeZone`, else UTC). */
  readonly schedule: Cron;
}

/** Options of {@link VeleroSchedule.daily}. */
export interface VeleroDailyScheduleOptions extends VeleroScheduleOptions {
  /**
   * Hour of the backup (in `timeZone`, else UTC), 0–23.
   * @default 2
   */
  readonly hour?: number;
  /**
   * Minute of the backup, 0–59.
   * @default 0
   */
  readonly minute?: number;
}

/** Options of {@link VeleroSchedule.weekly}. */
export interface VeleroWeeklyScheduleOptions extends VeleroDailyScheduleOptions {
  /**
   * Day of the week, 0 (Sunday) – 6 (Saturday).
   * @default 0
   */
  readonly weekDay?: number;
}

/** Typed spec of `velero.io/v1` Schedule (the fields the library sets). */
interface ScheduleSpec {
  schedule: string;
  paused?: boolean;
  skipImmediately?: boolean;
  useOwnerReferencesInBackup?: boolean;
  template: { [key: string]: any };
}

const NINETY_DAYS_H = 90 * 24;

/**
 * A Velero Schedule (`velero.io/v1`): cluster backups on a cron schedule with a TTL, into a
 * {@link VeleroBackupLocation}. `VeleroSchedule.daily` and `VeleroSchedule.weekly` give the usual pair (dailies kept
 * 30 days, weeklies 90 days).
 */
export class VeleroSchedule extends Construct {
  /** Daily backups at 02:00 (UTC unless `timeZone`), kept 30 days (unless ttl says otherwise). */
  public static daily(scope: Construct, id: string, options: VeleroDailyScheduleOptions = {}): VeleroSchedule {
    const at = VeleroSchedule.timeOfDay(scope, id, options);
    return new VeleroSchedule(scope, id, {
      ...options,
      ttl: options.ttl ?? Duration.days(30),
      schedule: Cron.schedule({ minute: at.minute, hour: at.hour }),
    });
  }

  /** Weekly backups on Sunday at 03:00 (UTC unless `timeZone`), kept 90 days (unless ttl says otherwise). */
  public static weekly(scope: Construct, id: string, options: VeleroWeeklyScheduleOptions = {}): VeleroSchedule {
    const at = VeleroSchedule.timeOfDay(scope, id, { ...options, hour: options.hour ?? 3 });
    const weekDay = options.weekDay ?? 0;
    if (!Number.isInteger(weekDay) || weekDay < 0 || weekDay > 6) {
      throw new Error(`VeleroSchedule "${scope.node.path}/${id}": weekDay = ${weekDay}: must be 0 (Sunday) to 6 (Saturday); use e.g. 0`);
    }
    return new VeleroSchedule(scope, id, {
      ...options,
      ttl: options.ttl ?? Duration.days(90),
      schedule: Cron.schedule({ minute: at.minute, hour: at.hour, weekDay: String(weekDay) }),
    });
  }

  private static timeOfDay(scope: Construct, id: string, options: VeleroDailyScheduleOptions): { hour: string; minute: string } {
    const hour = options.hour ?? 2;
    const minute = options.minute ?? 0;
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
      throw new Error(`VeleroSchedule "${scope.node.path}/${id}": hour = ${hour}: must be 0–23; use e.g. 2`);
    }
    if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
      throw new Error(`VeleroSchedule "${scope.node.path}/${id}": minute = ${minute}: must be 0–59; use e.g. 0`);
    }
    return { hour: String(hour), minute: String(minute) };
  }

  /** The Schedule object (escape hatch). */
  public readonly apiObject: ApiObject;
  /** `metadata.name` of the Schedule. */
  public readonly scheduleName: string;
  /** Namespace of the Schedule. */
  public readonly namespace: string;
  /** How long each backup is kept. */
  public readonly ttl: Duration;
  /** Longest time between two backups: the worst-case recovery point objective. */
  public readonly maxInterval: Duration;
  /** The uploader the schedule was validated for. */
  public readonly uploader: VeleroUploader;

  constructor(scope: Construct, id: string, props: VeleroScheduleProps) {
    super(scope, id);
    Shape.check(this, props);
    this.scheduleName = props.name ?? id;
    this.namespace = props.namespace ?? props.location?.namespace ?? 'velero';
    KubeNames.assertDns1123Label(this, 'name', this.scheduleName);
    KubeNames.assertDns1123Label(this, 'namespace', this.namespace);
    const version = props.veleroVersion ?? VeleroVersion.V1_18_1;
    this.uploader = props.uploader ?? VeleroUploader.KOPIA;
    if (this.uploader === VeleroUploader.RESTIC) {
      if (version.isAtLeast(1, 17)) {
        throw edgeError(this, {
          prop: 'uploader',
          value: this.uploader,
          rule: `Velero ${version} refuses file-system backups with the restic uploader (removed for backups in 1.17; 1.19 drops restic entirely, including restores)`,
          fix: 'use VeleroUploader.KOPIA (install Velero with --uploader-type=kopia, the default)',
        });
      }
      Warnings.addFormatted(this, {
        prop: 'uploader',
        value: this.uploader,
        rule: `the restic uploader is deprecated: Velero 1.17 stops backing up with it, so upgrades past ${version} break these backups`,
        fix: 'switch the node-agent to kopia (--uploader-type=kopia) before upgrading',
      });
    }

    const checked = ScheduleCheck.check(this, 'schedule', props.schedule);
    ScheduleCheck.checkTimeZone(this, 'timeZone', props.timeZone);
    this.maxInterval = checked.maxGap;
    this.ttl = props.ttl ?? Duration.hours(720);
    const ttlSeconds = this.ttl.toSeconds({ integral: false });
    if (!(ttlSeconds > 0) || !Number.isInteger(ttlSeconds)) {
      throw edgeError(this, {
        prop: 'ttl',
        value: this.ttl.toHumanString(),
        rule: 'must be a positive number of whole seconds (a backup with TTL 0 is deleted as soon as it completes)',
        fix: 'use e.g. Duration.days(30)',
      });
    }
    const ttlMinutes = ttlSeconds / 60;
    if (ttlMinutes < checked.maxGapMinutes) {
      Warnings.addFormatted(this, {
        prop: 'ttl',
        value: Format.goDuration(this.ttl),
        rule: `backups expire before the next one runs (up to ${ScheduleCheck.describe(checked.maxGapMinutes)} apart), so there are periods with no backup at all`,
        fix: `use a TTL of at least ${ScheduleCheck.describe(checked.maxGapMinutes)}, better several intervals`,
      });
    }
    if (ttlSeconds / 3600 > NINETY_DAYS_H && checked.maxGapMinutes < 7 * 1440) {
      Warnings.addFormatted(this, {
        prop: 'ttl',
        value: Format.goDuration(this.ttl),
        rule: `keeps more than 90 days of backups taken every ${ScheduleCheck.describe(checked.maxGapMinutes)} or more often: storage grows with every run and no monthly archive thins them`,
        fix: 'keep this schedule short (e.g. 30 days) and add a weekly or monthly VeleroSchedule with the long TTL',
      });
    }
    for (const [prop, d] of Object.entries({ csiSnapshotTimeout: props.csiSnapshotTimeout, itemOperationTimeout: props.itemOperationTimeout })) {
      if (d !== undefined && !(d.toSeconds({ integral: false }) >= 1)) {
        throw edgeError(this, { prop, value: d.toHumanString(), rule: 'must be at least one second', fix: 'leave it unset for Velero\'s default' });
      }
    }
    const included = props.includedNamespaces ?? [];
    const excluded = props.excludedNamespaces ?? [];
    const lists = {
      includedNamespaces: included,
      excludedNamespaces: excluded,
      includedResources: props.includedResources ?? [],
      excludedResources: props.excludedResources ?? [],
    };
    for (const [prop, list] of Object.entries(lists)) {
      const bad = list.find((v) => !/^[a-z0-9*?[\]{},.-]+$/.test(v));
      if (bad !== undefined) {
        throw edgeError(this, { prop, value: bad, rule: 'not a namespace/resource name or glob pattern', fix: 'use lowercase names such as "site-a" or patterns such as "site-*"' });
      }
    }
    const both = included.filter((n) => excluded.includes(n));
    if (both.length > 0) {
      throw edgeError(this, { prop: 'excludedNamespaces', value: both, rule: 'namespaces are both included and excluded', fix: 'list each namespace in one of the two props' });
    }
    if (props.snapshotMoveData && props.snapshotVolumes === false) {
      throw edgeError(this, { prop: 'snapshotMoveData', value: true, rule: 'moves snapshot data, but snapshotVolumes is false so no snapshot is taken', fix: 'set snapshotVolumes to true (or leave it unset), or drop snapshotMoveData' });
    }
    if (props.location?.accessMode === VeleroAccessMode.READ_ONLY) {
      throw edgeError(this, { prop: 'location', value: props.location.locationName, rule: 'the location is ReadOnly, so Velero fails every backup of this schedule', fix: 'use a ReadWrite location' });
    }
    if (props.location && props.location.namespace !== this.namespace) {
      throw edgeError(this, { prop: 'namespace', value: this.namespace, rule: `the location "${props.location.locationName}" is in namespace "${props.location.namespace}"; Velero only sees locations in its own namespace`, fix: `create the schedule in "${props.location.namespace}"` });
    }

    const template: { [key: string]: any } = {
      ...(included.length ? { includedNamespaces: included } : {}),
      ...(excluded.length ? { excludedNamespaces: excluded } : {}),
      ...(props.includedResources?.length ? { includedResources: props.includedResources } : {}),
      ...(props.excludedResources?.length ? { excludedResources: props.excludedResources } : {}),
      ...(props.includeClusterResources !== undefined ? { includeClusterResources: props.includeClusterResources } : {}),
      ...(props.labelSelector && Object.keys(props.labelSelector).length ? { labelSelector: { matchLabels: props.labelSelector } } : {}),
      ...(props.defaultVolumesToFsBackup !== undefined ? { defaultVolumesToFsBackup: props.defaultVolumesToFsBackup } : {}),
      ...(props.snapshotVolumes !== undefined ? { snapshotVolumes: props.snapshotVolumes } : {}),
      ...(props.snapshotMoveData ? { snapshotMoveData: true } : {}),
      ...(props.location ? { storageLocation: props.location.locationName } : {}),
      ...(props.csiSnapshotTimeout ? { csiSnapshotTimeout: Format.goDuration(props.csiSnapshotTimeout) } : {}),
      ...(props.itemOperationTimeout ? { itemOperationTimeout: Format.goDuration(props.itemOperationTimeout) } : {}),
      ...(props.backupLabels && Object.keys(props.backupLabels).length ? { metadata: { labels: props.backupLabels } } : {}),
      ttl: Format.goDuration(this.ttl),
    };
    const spec: ScheduleSpec = {
      schedule: props.timeZone ? `CRON_TZ=${props.timeZone} ${checked.expression}` : checked.expression,
      ...(props.paused ? { paused: true } : {}),
      ...(props.skipImmediately ? { skipImmediately: true } : {}),
      ...(props.useOwnerReferencesInBackup ? { useOwnerReferencesInBackup: true } : {}),
      template,
    };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      metadata: {
        name: this.scheduleName,
        namespace: this.namespace,
        labels: EdgeLabels.standard({ name: 'velero', instance: this.scheduleName, component: 'backup-schedule' }),
      },
      spec,
    } as any);
  }
}
