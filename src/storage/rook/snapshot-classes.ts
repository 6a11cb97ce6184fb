// The VolumeSnapshotClasses of a RookCephCluster: one per CSI driver in use (RBD, CephFS), created on first use.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { RookNames } from './common';
import { EdgeLabels } from '../../core';

/** What happens to snapshot contents when a VolumeSnapshot is deleted. */
export enum CephSnapshotDeletionPolicy {
  /** Delete the Ceph snapshot with the VolumeSnapshot. */
  DELETE = 'Delete',
  /** Keep the Ceph snapshot (VolumeSnapshotContent stays). */
  RETAIN = 'Retain',
}

/** What the snapshot classes read from their cluster (RookCephCluster provides it). */
export interface SnapshotClassCluster {
  readonly clusterName: string;
  readonly namespace: string;
  readonly rbdDriver: string;
  readonly cephfsDriver: string;
  readonly rbdSnapshotClassName: string;
  readonly cephfsSnapshotClassName: string;
}

/** Creates a cluster's VolumeSnapshotClasses on demand (children of the cluster). Not exported from the package. */
export class CephSnapshotClasses {
  private readonly created = new Map<string, ApiObject>();

  constructor(
    private readonly cluster: Construct & SnapshotClassCluster,
    private readonly enabled: boolean,
    private readonly deletionPolicy: CephSnapshotDeletionPolicy,
  ) {}

  /** The VolumeSnapshotClass name for `driver` (`rbd` or `cephfs`), creating the class on first use; undefined when disabled. */
  public classFor(driver: string): string | undefined {
    if (!this.enabled) return undefined;
    const name = driver === 'rbd' ? this.cluster.rbdSnapshotClassName : this.cluster.cephfsSnapshotClassName;
    if (!this.created.has(driver)) {
      const secret = driver === 'rbd' ? 'rook-csi-rbd-provisioner' : 'rook-csi-cephfs-provisioner';
      const obj = new ApiObject(this.cluster, `${driver}-snapshot-class`, {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshotClass',
        metadata: {
          name,
          labels: {
            ...EdgeLabels.standard({ name: 'ceph', instance: this.cluster.clusterName, component: `${driver}-snapshots` }),
            // Velero's CSI data mover picks the class carrying this label for the driver.
            'velero.io/csi-volumesnapshot-class': 'true',
          },
        },
        driver: driver === 'rbd' ? this.cluster.rbdDriver : this.cluster.cephfsDriver,
        deletionPolicy: this.deletionPolicy,
        parameters: {
          'clusterID': this.cluster.namespace,
          'csi.storage.k8s.io/snapshotter-secret-name': secret,
          'csi.storage.k8s.io/snapshotter-secret-namespace': this.cluster.namespace,
        },
      } as any);
      RookNames.clusterScoped(obj);
      this.created.set(driver, obj);
    }
    return name;
  }
}
