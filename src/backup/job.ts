import { Cron, Duration } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-30';
import { ContainerImage } from '../core';

/**
 * Settings shared by the library's backup and archive CronJobs ({@link ResticBackup}, {@link RcloneArchive}).
 *
 * The pods meet Pod Security "restricted": they run as a non-root UID, with a read-only root filesystem (the tools
 * get writable cache and temp directories on emptyDir volumes), no service-account token and no capabilities.
 */
export interface BackupJobOptions {
  /**
   * Name of the CronJob (at most 52 characters: Kubernetes appends 11 for the Jobs it creates).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * When the job runs. The minute field must be set (a `*` minute runs every minute of the matching hours).
   * @default - ResticBackup: daily at 01:00; RcloneArchive: daily at 03:00 (in `timeZone`)
   */
  readonly schedule?: Cron;
  /**
   * IANA time zone the schedule is read in, e.g. `Europe/Berlin`.
   * @default - the kube-controller-manager's time zone (usually UTC)
   */
  readonly timeZone?: string;
  /**
   * Create the CronJob suspended (no runs until it is resumed).
   * @default false
   */
  readonly suspend?: boolean;
  /**
   * Container image.
   * @default - ResticBackup: ContainerImage.RESTIC; RcloneArchive: ContainerImage.RCLONE
   */
  readonly image?: ContainerImage;
  /**
   * CPU and memory. The memory limit defaults to the memory request.
   * @default - ResticBackup: 100m CPU, 256Mi requested, 1Gi limit; RcloneArchive: 50m CPU, 128Mi requested, 512Mi limit
   */
  readonly resources?: ContainerResources;
  /**
   * The group that owns the data: the fsGroup of the workload that writes it (never another group). The job gets it
   * as a supplementary group so it can read group-readable files, with `fsGroupChangePolicy: OnRootMismatch`.
   *
   * The source claim is mounted with `persistentVolumeClaim.readOnly: true` (except for `RcloneMode.MOVE`), so the
   * kubelet never changes its ownership; an fsGroup only applies to writable volumes (a repository or archive claim
   * of the job's own, or a MOVE source — where a group that differs from the data's would make the kubelet re-own
   * every file of the other workload's volume).
   * @default - no fsGroup; the runAsGroup when the job writes to a claim of its own (repository or archive claim)
   *   and the source is read-only
   */
  readonly fsGroup?: number;
  /**
   * UID the tool runs as (the official restic and rclone images default to root, which "restricted" forbids).
   * @default - fsGroup if set, else 65532
   */
  readonly runAsUser?: number;
  /**
   * Primary GID the tool runs as.
   * @default - fsGroup if set, else runAsUser
   */
  readonly runAsGroup?: number;
  /**
   * Retries of a failed run (pod failures) before the Job is marked failed.
   * @default 2
   */
  readonly backoffLimit?: number;
  /**
   * Longest a run may take before Kubernetes stops it. With concurrencyPolicy Forbid a hung run would otherwise
   * block every later run.
   * @default Duration.hours(12)
   */
  readonly timeout?: Duration;
  /**
   * How late a missed run may still start (e.g. after the controller was down).
   * @default Duration.hours(1)
   */
  readonly startingDeadline?: Duration;
  /**
   * Finished Jobs kept for inspection.
   * @default 3
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Failed Jobs kept for inspection.
   * @default 3
   */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Labels of the pod that mounts the data; the job is scheduled onto the same node (required pod affinity on
   * `kubernetes.io/hostname`). Needed for ReadWriteOnce volumes that are not node-local.
   * @default - no affinity
   */
  readonly colocateWithPodLabels?: { [key: string]: string };
  /**
   * Emit a NetworkPolicy for the job's pods: no ingress, egress only to DNS and to where the job writes (the store's
   * pods when it has a `networkPeer`, else its endpoint port on `egressCidrs`). Turn off when the namespace's own
   * policies already describe the job's traffic (the site blueprints do).
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Address blocks the job may reach for a store outside the cluster (narrow them to the store's addresses).
   * @default - every address (0.0.0.0/0 and ::/0), on the endpoint's port only
   */
  readonly egressCidrs?: string[];
}
