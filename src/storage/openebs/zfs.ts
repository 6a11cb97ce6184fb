import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { edgeError, Filesystem, Warnings } from '../../core';
import { CsiVolumeSnapshotClass, EdgeStorageClass, StorageClassCommonProps, VolumeSnapshotClassOptions } from '../storage-class';
import { zfsBlockSize } from './block-size';
import { EnumSubset, Shape } from '../../core/validate';

/** The filesystems ZFS LocalPV can give a volume. */
const ZFS_FILESYSTEMS = [Filesystem.ZFS, Filesystem.EXT4, Filesystem.XFS, Filesystem.BTRFS];

/** How the ZFS driver picks a node's pool for a new volume. */
export enum ZfsScheduler {
  /** The node with the fewest volumes in the pool (driver default). */
  VOLUME_WEIGHTED = 'VolumeWeighted',
  /** The node with the least provisioned capacity in the pool. */
  CAPACITY_WEIGHTED = 'CapacityWeighted',
}

/** ZFS compression algorithm (open set: use `custom` for values not listed). */
export class ZfsCompression {
  /** No compression. */
  public static readonly OFF = new ZfsCompression('off');
  /** The pool's default algorithm. */
  public static readonly ON = new ZfsCompression('on');
  /** lz4: fast, the usual choice. */
  public static readonly LZ4 = new ZfsCompression('lz4');
  /** zstd at its default level. */
  public static readonly ZSTD = new ZfsCompression('zstd');
  /** zle: only compresses runs of zeros. */
  public static readonly ZLE = new ZfsCompression('zle');
  /** gzip at a level from 1 to 9. */
  public static gzip(level: number): ZfsCompression {
    if (!Number.isInteger(level) || level < 1 || level > 9) {
      throw new Error(`ZfsCompression.gzip: level = ${level}: must be an integer from 1 to 9; use e.g. ZfsCompression.gzip(6)`);
    }
    return new ZfsCompression(`gzip-${level}`);
  }
  /** zstd at a level from 1 to 19. */
  public static zstd(level: number): ZfsCompression {
    if (!Number.isInteger(level) || level < 1 || level > 19) {
      throw new Error(`ZfsCompression.zstd: level = ${level}: must be an integer from 1 to 19; use e.g. ZfsCompression.zstd(3)`);
    }
    return new ZfsCompression(`zstd-${level}`);
  }
  /** Any other value zfs accepts. */
  public static custom(value: string): ZfsCompression {
    return new ZfsCompression(value);
  }
  private constructor(public readonly value: string) {}
}

/** Props of {@link ZfsLocalPvStorageClass}. */
export interface ZfsLocalPvStorageClassProps extends StorageClassCommonProps {
  /** The zpool (or `pool/dataset`) on each node that volumes are carved from. */
  readonly poolName: string;
  /**
   * Filesystem of the volumes: `Filesystem.ZFS` is a ZFS dataset (recordSize applies); ext4, XFS and btrfs are made
   * on a zvol (volBlockSize applies).
   * @default Filesystem.ZFS
   */
  readonly fsType?: Filesystem;
  /**
   * Dataset record size (fsType ZFS only): large for video segments, small for databases.
   * @default - the pool's default (128 KiB)
   */
  readonly recordSize?: Size;
  /**
   * zvol block size (fsType other than ZFS only).
   * @default - the driver's default
   */
  readonly volBlockSize?: Size;
  /**
   * Compression.
   * @default - the pool's setting
   */
  readonly compression?: ZfsCompression;
  /**
   * Deduplication (needs a lot of RAM; rarely worth it on edge nodes).
   * @default false
   */
  readonly dedup?: boolean;
  /**
   * Thin provisioning: do not reserve the claim size up front.
   * @default false
   */
  readonly thinProvision?: boolean;
  /**
   * Let several pods on the same node mount the volume.
   * @default false
   */
  readonly shared?: boolean;
  /**
   * Node selection for new volumes.
   * @default ZfsScheduler.VOLUME_WEIGHTED
   */
  readonly scheduler?: ZfsScheduler;
}

const ZFS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.:-]+)*$/;

/**
 * OpenEBS ZFS LocalPV (`zfs.csi.openebs.io`): node-local volumes on a zpool with compression, snapshots, clones and
 * expansion.
 */
export class ZfsLocalPvStorageClass extends EdgeStorageClass {
  /** The CSI driver name. */
  public static readonly DRIVER = 'zfs.csi.openebs.io';

  constructor(scope: Construct, id: string, props: ZfsLocalPvStorageClassProps) {
    const fsType = props.fsType ?? Filesystem.ZFS;
    const params: { [key: string]: string } = { poolname: props.poolName, fstype: fsType };
    super(scope, id, props, { provisioner: ZfsLocalPvStorageClass.DRIVER, parameters: params, nodeLocal: true, supportsExpansion: true });
    Shape.check(this, props);
    EnumSubset.check(this, 'fsType', fsType, ZFS_FILESYSTEMS, 'Filesystem', Filesystem, 'ZFS LocalPV makes a ZFS dataset, or ext4, XFS or btrfs on a zvol');

    if (!props.poolName || !ZFS_NAME.test(props.poolName)) {
      throw edgeError(this, {
        prop: 'poolName',
        value: props.poolName ?? '',
        rule: 'must name an existing zpool or dataset: letters, digits, "_", "-", ".", ":" and "/" separators, starting with a letter or digit',
        fix: 'pass the pool created on every node, e.g. "zfspv-pool"',
      });
    }
    if (props.recordSize) {
      if (fsType !== Filesystem.ZFS) {
        throw edgeError(this, { prop: 'recordSize', value: props.recordSize.asString(), rule: `applies to ZFS datasets only, but fsType is "${fsType}" (a zvol)`, fix: 'use volBlockSize for zvols, or fsType Filesystem.ZFS' });
      }
      params.recordsize = zfsBlockSize(this, 'recordSize', props.recordSize);
    }
    if (props.volBlockSize) {
      if (fsType === Filesystem.ZFS) {
        throw edgeError(this, { prop: 'volBlockSize', value: props.volBlockSize.asString(), rule: 'applies to zvols only, but fsType is "zfs" (a dataset)', fix: 'use recordSize for datasets, or another fsType' });
      }
      params.volblocksize = zfsBlockSize(this, 'volBlockSize', props.volBlockSize);
    }
    if (props.compression) params.compression = props.compression.value;
    if (props.dedup !== undefined) params.dedup = props.dedup ? 'on' : 'off';
    if (props.dedup) {
      Warnings.addFormatted(this, { prop: 'dedup', value: true, rule: 'ZFS deduplication keeps its table in RAM (roughly 5 GB per TB of unique data) and slows writes', fix: 'prefer compression (ZfsCompression.LZ4) on edge nodes' });
    }
    if (props.thinProvision !== undefined) params.thinprovision = props.thinProvision ? 'yes' : 'no';
    if (props.shared) params.shared = 'yes';
    if (props.scheduler) params.scheduler = props.scheduler;
  }

  /** A VolumeSnapshotClass for this driver (ZFS snapshots are instant and space-efficient). */
  public addSnapshotClass(id: string, options: VolumeSnapshotClassOptions = {}): CsiVolumeSnapshotClass {
    return new CsiVolumeSnapshotClass(this, id, { ...options, driver: ZfsLocalPvStorageClass.DRIVER });
  }
}
