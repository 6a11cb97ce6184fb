import { ApiObject, Cron } from 'cdk8s';
import { Construct } from 'constructs';
import { edgeError, EdgeLabels, KubeNames } from '../../core';
import { Schedules, Shape } from '../../core/validate';

/** What a Longhorn recurring job does. */
export enum LonghornRecurringTask {
  /** Take a snapshot, keeping `retain` of them. */
  SNAPSHOT = 'snapshot',
  /** Take a snapshot even when the retained count is reached (deleting the oldest first). */
  SNAPSHOT_FORCE_CREATE = 'snapshot-force-create',
  /** Purge removable system snapshots. */
  SNAPSHOT_CLEANUP = 'snapshot-cleanup',
  /** Delete snapshots beyond `retain`. */
  SNAPSHOT_DELETE = 'snapshot-delete',
  /** Back up to the backup target, keeping `retain` backups. */
  BACKUP = 'backup',
  /** Back up even when the retained count is reached. */
  BACKUP_FORCE_CREATE = 'backup-force-create',
  /** Trim the filesystem to reclaim space. */
  FILESYSTEM_TRIM = 'filesystem-trim',
  /** Back up the Longhorn system itself. */
  SYSTEM_BACKUP = 'system-backup',
}

/** Props of {@link LonghornRecurringJob}. */
export interface LonghornRecurringJobProps {
  /**
   * Name of the RecurringJob (also `spec.name`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace Longhorn is installed in.
   * @default 'longhorn-system'
   */
  readonly namespace?: string;
  /** The task. */
  readonly task: LonghornRecurringTask;
  /** When to run (5-field cron). */
  readonly schedule: Cron;
  /**
   * How many snapshots/backups to keep (1–100) for snapshot and backup tasks.
   * @default - 1 for snapshot/backup tasks; 0 for the others
   */
  readonly retain?: number;
  /**
   * How many volumes the job processes at the same time.
   * @default 1
   */
  readonly concurrency?: number;
  /**
   * Groups the job belongs to; a StorageClass or volume selects jobs by group. The group `default` applies the job
   * to every volume without other recurring jobs.
   * @default - no group: volumes must select the job by name
   */
  readonly groups?: string[];
  /**
   * Labels Longhorn adds to the snapshots/backups the job creates.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Task parameters (e.g. `full-backup-interval` for backups).
   * @default - none
   */
  readonly parameters?: { [key: string]: string };
}

/** Tasks that keep `retain` snapshots/backups. */
const KEEPING_TASKS = new Set<string>([
  LonghornRecurringTask.SNAPSHOT, LonghornRecurringTask.SNAPSHOT_FORCE_CREATE, LonghornRecurringTask.SNAPSHOT_DELETE,
  LonghornRecurringTask.BACKUP, LonghornRecurringTask.BACKUP_FORCE_CREATE, LonghornRecurringTask.SYSTEM_BACKUP,
]);

/** A Longhorn `longhorn.io/v1beta2` RecurringJob (scheduled snapshots, backups, trims). */
export class LonghornRecurringJob extends Construct {
  /** The job name volumes and StorageClasses select. */
  public readonly jobName: string;
  /** The groups of the job. */
  public readonly groups: string[];
  /** The underlying object (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: LonghornRecurringJobProps) {
    super(scope, id);
    Shape.check(this, props);
    this.jobName = props.name ?? id;
    this.groups = props.groups ?? [];
    KubeNames.assertDns1123Label(this, 'name', this.jobName, 40);
    const keeps = KEEPING_TASKS.has(props.task);
    const retain = props.retain ?? (keeps ? 1 : 0);
    if (!Number.isInteger(retain) || (keeps && (retain < 1 || retain > 100)) || (!keeps && retain !== 0)) {
      throw edgeError(this, {
        prop: 'retain',
        value: retain,
        rule: keeps ? `a ${props.task} job must keep between 1 and 100 items` : `a ${props.task} job keeps nothing, so retain must be 0`,
        fix: keeps ? 'use e.g. retain: 7 for a week of daily snapshots' : 'leave retain unset',
      });
    }
    const concurrency = props.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw edgeError(this, { prop: 'concurrency', value: concurrency, rule: 'must be a positive integer', fix: 'use 1 on small edge nodes, more on larger clusters' });
    }
    for (const g of this.groups) {
      KubeNames.assertDns1123Label(this, 'groups', g);
    }
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'longhorn.io/v1beta2',
      kind: 'RecurringJob',
      metadata: {
        name: this.jobName,
        namespace: props.namespace ?? 'longhorn-system',
        labels: EdgeLabels.standard({ name: 'longhorn-recurring-job', instance: this.jobName, component: 'storage' }),
      },
      spec: {
        name: this.jobName,
        task: props.task,
        cron: Schedules.check(this, 'schedule', props.schedule).expression,
        retain,
        concurrency,
        groups: this.groups,
        ...(props.labels && Object.keys(props.labels).length > 0 ? { labels: props.labels } : {}),
        ...(props.parameters && Object.keys(props.parameters).length > 0 ? { parameters: props.parameters } : {}),
      },
    });
  }
}
