import { Duration } from 'cdk8s';
import { ContainerResources, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { Format } from './format';
import { ScheduleCheck } from './schedule-check';
import { ContainerImage, edgeError, KubeNames, NetworkPeer, Resources, RestrictedSecurity } from '../../core';
import { CidrEgress } from '../../core/network-policy';
import { Cidrs } from '../../core/validate';
import { RestrictedContainer, RestrictedWorkload } from '../../core/workload';
import { BackupJobOptions } from '../job';

/** What a backup construct puts into its CronJob. Internal. */
export interface BackupCronJobSpec {
  readonly name: string;
  /** `app.kubernetes.io/name`, e.g. `restic`. */
  readonly appName: string;
  /** `app.kubernetes.io/component`, e.g. `backup`. */
  readonly component: string;
  readonly image: ContainerImage;
  readonly schedule: string;
  readonly script: string;
  readonly env: k8s.EnvVar[];
  readonly volumes: k8s.Volume[];
  readonly mounts: k8s.VolumeMount[];
  readonly defaultResources: ContainerResources;
  /**
   * Exit codes of the container that fail the Job at once, without retries (`podFailurePolicy` FailJob): a
   * retry cannot change the outcome (e.g. restic's exit 3, unreadable source files).
   */
  readonly failJobOnExitCodes?: number[];
  /**
   * The job writes to a claim of its own (a restic repository or an archive on a PVC) while the source claim is
   * read-only: then the pod keeps an fsGroup by default (the runAsGroup), applied to that claim only, so it can
   * write there. Otherwise the pod has no fsGroup unless the user sets one.
   */
  readonly writesOwnClaim?: boolean;
  /** Where the job's pods may connect besides DNS (its NetworkPolicy); undefined = no egress beyond DNS. */
  readonly egress?: { peers: NetworkPeer[]; cidrs: CidrEgress[] };
  /** Containers that run to completion before the main one (e.g. a database dump). */
  readonly initContainers?: RestrictedContainer[];
}

/** Paths of the writable scratch volumes every job gets. */
export const CACHE_DIR = '/cache';
export const TMP_DIR = '/tmp';

/**
 * Builds the CronJob shared by ResticBackup and RcloneArchive: Forbid concurrency, history limits, restricted pod,
 * emptyDir cache + tmp, no service-account token. Internal.
 */
export class BackupCronJob {
  /** Validates the options shared by all backup jobs; throws with the library's message style. */
  public static validate(scope: Construct, options: BackupJobOptions): void {
    ScheduleCheck.checkTimeZone(scope, 'timeZone', options.timeZone);
    Cidrs.checkAll(scope, 'egressCidrs', options.egressCidrs);
    for (const [prop, value] of Object.entries({
      backoffLimit: options.backoffLimit,
      successfulJobsHistoryLimit: options.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: options.failedJobsHistoryLimit,
    })) {
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
        throw edgeError(scope, { prop, value, rule: 'must be a whole number ≥ 0', fix: `use e.g. ${prop === 'backoffLimit' ? 2 : 3}` });
      }
    }
    for (const [prop, value] of Object.entries({ fsGroup: options.fsGroup, runAsUser: options.runAsUser, runAsGroup: options.runAsGroup })) {
      if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
        throw edgeError(scope, {
          prop,
          value,
          rule: 'must be a positive whole number (Pod Security "restricted" forbids root, and the image default is root)',
          fix: 'use the UID/GID that owns the data, e.g. 1000',
        });
      }
    }
    for (const [prop, value] of Object.entries({ timeout: options.timeout, startingDeadline: options.startingDeadline })) {
      if (value !== undefined && Format.seconds(value) < 1) {
        throw edgeError(scope, { prop, value: value.toHumanString(), rule: 'must be at least one second', fix: `use e.g. Duration.hours(${prop === 'timeout' ? 12 : 1})` });
      }
    }
  }

  /** The workload (name, labels, pod labels) of a backup job; `render` builds its objects. */
  public static workload(spec: BackupCronJobSpec): RestrictedWorkload {
    return new RestrictedWorkload({ app: spec.appName, instance: spec.name, component: spec.component, image: spec.image });
  }

  public static render(
    scope: Construct, options: BackupJobOptions, spec: BackupCronJobSpec,
  ): { cronJob: k8s.KubeCronJob; workload: RestrictedWorkload } {
    KubeNames.assertDns1123Label(scope, 'name', spec.name, 52);
    const workload = BackupCronJob.workload(spec);
    // No fsGroup unless asked for (it must be the data owner's group) or needed for the job's own writable claim:
    // the kubelet would otherwise re-own another workload's volume (the source claim is read-only on the volume, so
    // the kubelet skips it, but a writable MOVE source would not be).
    const runAsUser = options.runAsUser ?? options.fsGroup ?? RestrictedSecurity.DEFAULT_UID;
    const runAsGroup = options.runAsGroup ?? options.fsGroup ?? runAsUser;
    const fsGroup = options.fsGroup ?? (spec.writesOwnClaim ? runAsGroup : undefined);
    const affinity: k8s.Affinity | undefined = options.colocateWithPodLabels && Object.keys(options.colocateWithPodLabels).length > 0
      ? {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{
            labelSelector: { matchLabels: options.colocateWithPodLabels },
            topologyKey: 'kubernetes.io/hostname',
          }],
        },
      }
      : undefined;
    const env: k8s.EnvVar[] = [
      ...spec.env,
      { name: 'HOME', value: TMP_DIR },
      { name: 'TMPDIR', value: TMP_DIR },
      { name: 'XDG_CACHE_HOME', value: CACHE_DIR },
    ];
    if (options.networkPolicy ?? true) {
      workload.networkPolicy(scope, 'NetworkPolicy', { ingress: [], egress: spec.egress ?? { peers: [], cidrs: [] } });
    }
    const cronJob = workload.cronJob(scope, 'Resource', {
      schedule: spec.schedule,
      timeZone: options.timeZone,
      startingDeadlineSeconds: Format.seconds(options.startingDeadline ?? Duration.hours(1)),
      successfulJobsHistoryLimit: options.successfulJobsHistoryLimit ?? 3,
      failedJobsHistoryLimit: options.failedJobsHistoryLimit ?? 3,
      suspend: options.suspend ?? false,
      backoffLimit: options.backoffLimit ?? 2,
      activeDeadlineSeconds: Format.seconds(options.timeout ?? Duration.hours(12)),
      podFailurePolicy: spec.failJobOnExitCodes && spec.failJobOnExitCodes.length > 0
        ? { rules: [{ action: 'FailJob', onExitCodes: { containerName: spec.appName, operator: 'In', values: spec.failJobOnExitCodes } }] }
        : undefined,
      pod: {
        security: { runAsUser, runAsGroup, fsGroup: fsGroup ?? runAsGroup },
        withoutFsGroup: fsGroup === undefined,
        spec: affinity ? { affinity } : undefined,
        initContainers: spec.initContainers,
        containers: [{
          name: spec.appName,
          image: spec.image,
          command: ['/bin/sh', '-c'],
          args: [spec.script],
          env,
          resources: Resources.toKube(spec.defaultResources, options.resources),
          volumeMounts: [
            ...spec.mounts,
            { name: 'cache', mountPath: CACHE_DIR },
            { name: 'tmp', mountPath: TMP_DIR },
          ],
        }],
        volumes: [
          ...spec.volumes,
          { name: 'cache', emptyDir: {} },
          { name: 'tmp', emptyDir: {} },
        ],
      },
    });
    return { cronJob, workload };
  }

  private constructor() {}
}
