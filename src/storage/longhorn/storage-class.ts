import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { edgeError, Filesystem, Warnings } from '../../core';
import { CsiVolumeSnapshotClass, EdgeStorageClass, StorageClassCommonProps, VolumeBindingMode, VolumeSnapshotClassOptions } from '../storage-class';
import { LonghornRecurringJob } from './recurring-job';
import { EnumSubset, Shape } from '../../core/validate';

/** Where Longhorn keeps replicas relative to the consuming pod. */
export enum LonghornDataLocality {
  /** No preference (Longhorn default). */
  DISABLED = 'disabled',
  /** Try to keep one replica on the pod's node. */
  BEST_EFFORT = 'best-effort',
  /** Keep the only replica on the pod's node (requires numberOfReplicas 1). */
  STRICT_LOCAL = 'strict-local',
}

/** The filesystems Longhorn formats volumes with. */
const LONGHORN_FILESYSTEMS = [Filesystem.EXT4, Filesystem.XFS];

/** What a Longhorn VolumeSnapshotClass creates. */
export enum LonghornSnapshotType {
  /** An in-cluster Longhorn snapshot (`type: snap`). */
  SNAPSHOT = 'snap',
  /** A backup to the configured backup target (`type: bak`). */
  BACKUP = 'bak',
}

/** Options for {@link LonghornStorageClass.addSnapshotClass}. */
export interface LonghornSnapshotClassOptions extends VolumeSnapshotClassOptions {
  /**
   * Snapshot or backup.
   * @default LonghornSnapshotType.SNAPSHOT
   */
  readonly type?: LonghornSnapshotType;
}

/** Props of {@link LonghornStorageClass}. */
export interface LonghornStorageClassProps extends StorageClassCommonProps {
  /**
   * Replicas per volume (spread over nodes).
   * @default 2
   */
  readonly numberOfReplicas?: number;
  /**
   * Nodes expected to carry Longhorn disks; when given, replicas may not exceed it.
   * @default - not checked
   */
  readonly expectedNodes?: number;
  /**
   * Replica placement relative to the consuming pod.
   * @default LonghornDataLocality.DISABLED
   */
  readonly dataLocality?: LonghornDataLocality;
  /**
   * How long a failed replica may stay before it is cleaned up (whole minutes).
   * @default Duration.hours(48)
   */
  readonly staleReplicaTimeout?: Duration;
  /**
   * Only use disks carrying all these Longhorn disk tags.
   * @default - any disk
   */
  readonly diskSelector?: string[];
  /**
   * Only use nodes carrying all these Longhorn node tags.
   * @default - any node
   */
  readonly nodeSelector?: string[];
  /**
   * Filesystem of the volumes.
   * @default Filesystem.EXT4 (Longhorn's default)
   */
  readonly fsType?: Filesystem;
  /**
   * Recurring job groups applied to volumes of this class.
   * @default - none
   */
  readonly recurringJobGroups?: string[];
  /**
   * Recurring jobs applied to volumes of this class by name.
   * @default - none
   */
  readonly recurringJobs?: LonghornRecurringJob[];
}

/**
 * A Longhorn StorageClass (`driver.longhorn.io`): replicated block storage over the nodes' disks. Never the
 * cluster default unless `isDefault` is set.
 */
export class LonghornStorageClass extends EdgeStorageClass {
  /** The CSI driver name. */
  public static readonly DRIVER = 'driver.longhorn.io';
  /** Replicas per volume. */
  public readonly numberOfReplicas: number;

  constructor(scope: Construct, id: string, props: LonghornStorageClassProps = {}) {
    const replicas = props.numberOfReplicas ?? 2;
    const staleMinutes = (props.staleReplicaTimeout ?? Duration.hours(48)).toMinutes({ integral: false });
    const selector = [
      ...(props.recurringJobGroups ?? []).map((name) => ({ name, isGroup: true })),
      ...(props.recurringJobs ?? []).map((job) => ({ name: job.jobName, isGroup: false })),
    ];
    const params: { [key: string]: string } = {
      numberOfReplicas: String(replicas),
      staleReplicaTimeout: String(staleMinutes),
      dataLocality: props.dataLocality ?? LonghornDataLocality.DISABLED,
      fsType: props.fsType ?? Filesystem.EXT4,
    };
    if (props.diskSelector && props.diskSelector.length > 0) params.diskSelector = props.diskSelector.join(',');
    if (props.nodeSelector && props.nodeSelector.length > 0) params.nodeSelector = props.nodeSelector.join(',');
    if (selector.length > 0) params.recurringJobSelector = JSON.stringify(selector);
    super(scope, id, props, {
      provisioner: LonghornStorageClass.DRIVER,
      parameters: params,
      nodeLocal: false,
      supportsExpansion: true,
      defaultBindingMode: VolumeBindingMode.IMMEDIATE,
    });
    Shape.check(this, props);
    EnumSubset.check(this, 'fsType', params.fsType, LONGHORN_FILESYSTEMS, 'Filesystem', Filesystem, 'Longhorn formats volumes with ext4 or XFS only');
    this.numberOfReplicas = replicas;

    if (!Number.isInteger(replicas) || replicas < 1) {
      throw edgeError(this, { prop: 'numberOfReplicas', value: replicas, rule: 'must be a positive integer', fix: 'use 2 (default) or 3' });
    }
    if (props.expectedNodes !== undefined && replicas > props.expectedNodes) {
      throw edgeError(this, {
        prop: 'numberOfReplicas',
        value: replicas,
        rule: `Longhorn places each replica on a different node, but expectedNodes is ${props.expectedNodes}, so volumes stay degraded forever`,
        fix: `use at most ${props.expectedNodes} replicas, or add nodes`,
      });
    }
    if (props.dataLocality === LonghornDataLocality.STRICT_LOCAL && replicas !== 1) {
      throw edgeError(this, { prop: 'numberOfReplicas', value: replicas, rule: 'dataLocality strict-local keeps the single replica on the pod\'s node, so it requires exactly 1 replica', fix: 'set numberOfReplicas: 1 or use dataLocality best-effort' });
    }
    if (!Number.isInteger(staleMinutes) || staleMinutes < 1) {
      throw edgeError(this, { prop: 'staleReplicaTimeout', value: `${staleMinutes} min`, rule: 'must be a whole number of minutes, at least 1', fix: 'use e.g. Duration.hours(48)' });
    }
    if (replicas === 1 && props.dataLocality !== LonghornDataLocality.STRICT_LOCAL) {
      Warnings.addFormatted(this, { prop: 'numberOfReplicas', value: 1, rule: 'a single replica loses the volume when its node or disk fails', fix: 'use 2 or more replicas unless the application replicates itself' });
    }
  }

  /** A VolumeSnapshotClass for Longhorn snapshots or backups. */
  public addSnapshotClass(id: string, options: LonghornSnapshotClassOptions = {}): CsiVolumeSnapshotClass {
    const type = options.type ?? LonghornSnapshotType.SNAPSHOT;
    return new CsiVolumeSnapshotClass(this, id, { ...options, driver: LonghornStorageClass.DRIVER, parameters: { type } });
  }
}
