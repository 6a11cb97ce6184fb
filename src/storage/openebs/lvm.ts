import { Construct } from 'constructs';
import { edgeError, Filesystem, Warnings } from '../../core';
import { EnumSubset, Patterns, Shape } from '../../core/validate';
import { CsiVolumeSnapshotClass, EdgeStorageClass, StorageClassCommonProps, VolumeSnapshotClassOptions } from '../storage-class';

/** The filesystems LVM LocalPV makes on filesystem-mode volumes (block-mode claims get the raw logical volume). */
const LVM_FILESYSTEMS = [Filesystem.EXT4, Filesystem.XFS, Filesystem.BTRFS];

/** How the LVM driver picks a node's volume group. */
export enum LvmScheduler {
  /** Most free space (driver default). */
  SPACE_WEIGHTED = 'SpaceWeighted',
  /** Least provisioned capacity. */
  CAPACITY_WEIGHTED = 'CapacityWeighted',
  /** Fewest volumes. */
  VOLUME_WEIGHTED = 'VolumeWeighted',
}

/** Props of {@link LvmLocalPvStorageClass}. Give exactly one of `volumeGroup` and `volumeGroupPattern`. */
export interface LvmLocalPvStorageClassProps extends StorageClassCommonProps {
  /**
   * The volume group on each node.
   * @default - volumeGroupPattern must be given
   */
  readonly volumeGroup?: string;
  /**
   * A regular expression matching volume group names (for nodes whose VGs differ).
   * @default - volumeGroup must be given
   */
  readonly volumeGroupPattern?: string;
  /**
   * Filesystem for filesystem-mode claims.
   * @default Filesystem.EXT4 (the driver's default)
   */
  readonly fsType?: Filesystem;
  /**
   * Thin-provisioned logical volumes (needs a thin pool; allows overcommit and cheap snapshots).
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
   * @default LvmScheduler.SPACE_WEIGHTED
   */
  readonly scheduler?: LvmScheduler;
}

const VG_NAME = /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/;

/**
 * OpenEBS LVM LocalPV (`local.csi.openebs.io`): node-local logical volumes, filesystem or raw block (a good base for
 * Rook OSDs on PVCs and for MinIO drives), with expansion and snapshots.
 */
export class LvmLocalPvStorageClass extends EdgeStorageClass {
  /** The CSI driver name. */
  public static readonly DRIVER = 'local.csi.openebs.io';

  /** Whether volumes are thin-provisioned. */
  public readonly thinProvision: boolean;

  constructor(scope: Construct, id: string, props: LvmLocalPvStorageClassProps) {
    const params: { [key: string]: string } = { storage: 'lvm' };
    if (props.volumeGroup !== undefined) params.volgroup = props.volumeGroup;
    if (props.volumeGroupPattern !== undefined) params.vgpattern = props.volumeGroupPattern;
    params.fsType = props.fsType ?? Filesystem.EXT4;
    if (props.thinProvision) params.thinProvision = 'yes';
    if (props.shared) params.shared = 'yes';
    if (props.scheduler) params.scheduler = props.scheduler;
    super(scope, id, props, { provisioner: LvmLocalPvStorageClass.DRIVER, parameters: params, nodeLocal: true, supportsExpansion: true });
    Shape.check(this, props);
    EnumSubset.check(this, 'fsType', params.fsType, LVM_FILESYSTEMS, 'Filesystem', Filesystem, 'LVM LocalPV formats volumes with ext4, XFS or btrfs');
    this.thinProvision = props.thinProvision ?? false;

    const hasGroup = props.volumeGroup !== undefined;
    const hasPattern = props.volumeGroupPattern !== undefined;
    if (hasGroup === hasPattern) {
      throw edgeError(this, {
        prop: 'volumeGroup/volumeGroupPattern',
        value: hasGroup ? { volumeGroup: props.volumeGroup, volumeGroupPattern: props.volumeGroupPattern } : 'neither',
        rule: 'exactly one of volumeGroup and volumeGroupPattern must be given',
        fix: hasGroup ? 'keep volumeGroup for one VG name, or volumeGroupPattern for a regex, not both' : 'pass volumeGroup: "lvmvg" (the VG created on every node) or a volumeGroupPattern',
      });
    }
    if (hasGroup && !VG_NAME.test(props.volumeGroup!)) {
      throw edgeError(this, { prop: 'volumeGroup', value: props.volumeGroup, rule: 'must be an LVM volume group name (letters, digits, "+", "_", ".", "-"; not starting with "-")', fix: 'use the name shown by `vgs` on the nodes, e.g. "lvmvg"' });
    }
    Patterns.check(this, 'volumeGroupPattern', props.volumeGroupPattern, 're2', 'lvmvg.*');
  }

  /**
   * A VolumeSnapshotClass for this driver. Draws a warning: LVM LocalPV snapshots are not backups. A thick volume's
   * snapshot reserves the volume's full size in the volume group and can never be restored or cloned; thin snapshots
   * restore only with OpenEBS 4.4 or later; and a volume with a snapshot cannot be resized. Velero schedules that
   * snapshot such volumes (CSI enabled, `snapshotVolumes` unset or true) fill the volume group instead of protecting
   * the data: back the data up with files (restic, kopia) instead.
   */
  public addSnapshotClass(id: string, options: VolumeSnapshotClassOptions = {}): CsiVolumeSnapshotClass {
    const snapshotClass = new CsiVolumeSnapshotClass(this, id, { ...options, driver: LvmLocalPvStorageClass.DRIVER });
    Warnings.addFormatted(snapshotClass, {
      prop: 'driver',
      value: LvmLocalPvStorageClass.DRIVER,
      rule: this.thinProvision
        ? 'LVM LocalPV thin snapshots can be restored only with OpenEBS 4.4 or later (never cloned from a PVC), a volume with a snapshot cannot be resized, and snapshots stay on the same node and disks as the data'
        : 'LVM LocalPV thick snapshots each reserve the volume\'s full size in the volume group, cannot be restored or cloned from, and block resizing the volume while they exist',
      fix: 'do not use them as backups: set snapshotVolumes: false on Velero schedules of these volumes and back the data up with files (ResticBackup or Velero file-system backup); keep snapshots short-lived if you need them at all',
    });
    return snapshotClass;
  }
}
