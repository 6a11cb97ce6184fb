import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ReclaimPolicy } from '../storage-class';
import type { RookCephCluster } from './cluster';
import { CephErasureCodedPoolOptions, CephFailureDomain, CephReplicatedPoolOptions, PoolSpecs, RookNames } from './common';
import { EdgeLabels, edgeError, Filesystem, KubeNames, Warnings } from '../../core';
import { EnumSubset, Shape } from '../../core/validate';

/** The filesystems ceph-csi makes on RBD volumes. */
const RBD_FILESYSTEMS = [Filesystem.EXT4, Filesystem.XFS];

/** RBD image features (need kernel support on the nodes: everything beyond `layering` needs Linux ≥ 5.4). */
export enum RbdImageFeature {
  /** Copy-on-write clones (always supported). */
  LAYERING = 'layering',
  /** One writer at a time. */
  EXCLUSIVE_LOCK = 'exclusive-lock',
  /** Tracks which objects exist (needs exclusive-lock). */
  OBJECT_MAP = 'object-map',
  /** Fast diffs between snapshots (needs object-map). */
  FAST_DIFF = 'fast-diff',
  /** Flatten clones including snapshots. */
  DEEP_FLATTEN = 'deep-flatten',
}

/** The RBD StorageClass of a block pool. */
export interface RbdStorageClassOptions {
  /**
   * StorageClass name (cluster-scoped: unique across namespaces and Ceph clusters).
   * @default - `ceph-<pool id>`
   */
  readonly name?: string;
  /**
   * Mark it as the cluster's default StorageClass.
   * @default false
   */
  readonly isDefault?: boolean;
  /**
   * What happens to the RBD image when its PVC is deleted.
   * @default ReclaimPolicy.DELETE
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /**
   * Allow growing PVCs.
   * @default true
   */
  readonly allowVolumeExpansion?: boolean;
  /**
   * Filesystem on the volumes (block-mode PVCs get none): ext4 or XFS. ext4 is Rook's default and safe when OSDs and
   * clients share nodes; XFS can deadlock under memory pressure when the client runs on an OSD node.
   * @default Filesystem.EXT4
   */
  readonly fsType?: Filesystem;
  /**
   * Mount options (e.g. `discard`).
   * @default - none
   */
  readonly mountOptions?: string[];
  /**
   * RBD image features.
   * @default [RbdImageFeature.LAYERING]
   */
  readonly imageFeatures?: RbdImageFeature[];
}

/** Options of {@link RookCephCluster.addBlockPool}. */
export interface RookCephBlockPoolOptions extends CephReplicatedPoolOptions {
  /**
   * Pool name (the CephBlockPool's name and the Ceph pool name).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The RBD StorageClass.
   * @default - `ceph-<id>`, ext4, Delete, expandable
   */
  readonly storageClass?: RbdStorageClassOptions;
  /**
   * Collect per-image I/O statistics (for the dashboard and Prometheus).
   * @default false
   */
  readonly enableRbdStats?: boolean;
}

/** Props of {@link RookCephBlockPool}. */
export interface RookCephBlockPoolProps extends RookCephBlockPoolOptions {
  /** The cluster the pool lives in. */
  readonly cluster: RookCephCluster;
}

/** Options of {@link RookCephCluster.addErasureCodedBlockPool}. */
export interface RookCephErasureCodedBlockPoolOptions extends CephErasureCodedPoolOptions {
  /**
   * Base name: the pools are `<name>-metadata` (replicated) and `<name>-data` (erasure-coded).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The replicated pool holding RBD image metadata (always replicated: RBD cannot keep metadata in an EC pool).
   * @default - 3 replicas, with the data pool's failureDomain and deviceClass
   */
  readonly metadataPool?: CephReplicatedPoolOptions;
  /**
   * The RBD StorageClass.
   * @default - `ceph-<id>`, ext4, Delete, expandable
   */
  readonly storageClass?: RbdStorageClassOptions;
}

/** Props of {@link RookCephErasureCodedBlockPool}. */
export interface RookCephErasureCodedBlockPoolProps extends RookCephErasureCodedBlockPoolOptions {
  /** The cluster the pools live in. */
  readonly cluster: RookCephCluster;
}

/**
 * A replicated Ceph block pool (`CephBlockPool`) and an RBD StorageClass on it.
 */
export class RookCephBlockPool extends Construct {
  /** The CephBlockPool (escape hatch). */
  public readonly apiObject: ApiObject;
  /** Ceph pool name. */
  public readonly poolName: string;
  /** Namespace of the pool (the cluster's). */
  public readonly namespace: string;
  /** The StorageClass name. */
  public readonly storageClassName: string;
  /** The StorageClass (escape hatch). */
  public readonly storageClass: k8s.KubeStorageClass;
  /** Copies per object. */
  public readonly replicas: number;

  constructor(scope: Construct, id: string, props: RookCephBlockPoolProps) {
    super(scope, id);
    Shape.check(this, props);
    const cluster = props.cluster;
    this.namespace = cluster.namespace;
    this.poolName = RookNames.label(this, props.name !== undefined ? 'name' : 'id', props.name ?? id);
    PoolSpecs.validate(this, '', props, false);
    this.replicas = props.replicas ?? 3;
    if (this.replicas === 2) {
      Warnings.addFormatted(this, { prop: 'replicas', value: 2, rule: `pool "${this.poolName}" keeps one copy while a failure domain is down, and blocks writes (min_size 2) until it recovers`, fix: 'use 3 replicas when the cluster has 3 or more failure domains' });
    }
    cluster._registerPool({
      owner: this,
      poolName: this.poolName,
      prop: '',
      replicated: true,
      size: this.replicas,
      failureDomain: (props.failureDomain ?? CephFailureDomain.HOST).value,
      deviceClass: props.deviceClass,
    });
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephBlockPool',
      metadata: {
        name: this.poolName,
        namespace: cluster.namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: this.poolName, component: 'block-pool' }),
      },
      spec: { ...PoolSpecs.replicated(props), ...(props.enableRbdStats ? { enableRBDStats: true } : {}) },
    } as any);
    const sc = RbdStorageClasses.create(this, cluster, id, props.storageClass ?? {}, this.poolName, undefined);
    this.storageClass = sc;
    this.storageClassName = sc.name;
  }
}

/**
 * An erasure-coded RBD setup: a replicated metadata pool (`<name>-metadata`), an erasure-coded data pool
 * (`<name>-data`, 2+2 by default) and an RBD StorageClass with `pool` = metadata pool and `dataPool` = EC pool.
 *
 * With failureDomain host, dataChunks+codingChunks hosts must carry OSDs (checked against the cluster).
 */
export class RookCephErasureCodedBlockPool extends Construct {
  /** The EC data CephBlockPool (escape hatch). */
  public readonly apiObject: ApiObject;
  /** The replicated metadata CephBlockPool (escape hatch). */
  public readonly metadataPoolObject: ApiObject;
  /** Name of the replicated metadata pool (`pool` in the StorageClass). */
  public readonly metadataPoolName: string;
  /** Name of the erasure-coded data pool (`dataPool` in the StorageClass). */
  public readonly dataPoolName: string;
  /** Namespace of the pools (the cluster's). */
  public readonly namespace: string;
  /** The StorageClass name. */
  public readonly storageClassName: string;
  /** The StorageClass (escape hatch). */
  public readonly storageClass: k8s.KubeStorageClass;
  /** Data chunks (k). */
  public readonly dataChunks: number;
  /** Coding chunks (m). */
  public readonly codingChunks: number;

  constructor(scope: Construct, id: string, props: RookCephErasureCodedBlockPoolProps) {
    super(scope, id);
    Shape.check(this, props);
    const cluster = props.cluster;
    this.namespace = cluster.namespace;
    const base = RookNames.label(this, props.name !== undefined ? 'name' : 'id', props.name ?? id, 50);
    this.metadataPoolName = `${base}-metadata`;
    this.dataPoolName = `${base}-data`;
    PoolSpecs.validate(this, '', props, true);
    const metadata: CephReplicatedPoolOptions = {
      failureDomain: props.failureDomain,
      deviceClass: props.deviceClass,
      ...(props.metadataPool ?? {}),
    };
    PoolSpecs.validate(this, 'metadataPool', metadata, false);
    if ((props.metadataPool as any)?.dataChunks !== undefined || (props.metadataPool as any)?.codingChunks !== undefined) {
      throw edgeError(this, { prop: 'metadataPool', value: 'erasure-coded', rule: 'RBD keeps image metadata (omap) in the pool named by `pool`, which must be replicated; only the data pool may be erasure-coded', fix: 'give metadataPool replicated options (replicas) only' });
    }
    this.dataChunks = props.dataChunks ?? 2;
    this.codingChunks = props.codingChunks ?? 2;

    cluster._registerPool({
      owner: this,
      poolName: this.metadataPoolName,
      prop: 'metadataPool',
      replicated: true,
      size: metadata.replicas ?? 3,
      failureDomain: (metadata.failureDomain ?? CephFailureDomain.HOST).value,
      deviceClass: metadata.deviceClass,
    });
    cluster._registerPool({
      owner: this,
      poolName: this.dataPoolName,
      prop: '',
      replicated: false,
      size: this.dataChunks + this.codingChunks,
      dataChunks: this.dataChunks,
      codingChunks: this.codingChunks,
      failureDomain: (props.failureDomain ?? CephFailureDomain.HOST).value,
      deviceClass: props.deviceClass,
    });

    this.metadataPoolObject = new ApiObject(this, 'MetadataPool', {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephBlockPool',
      metadata: {
        name: this.metadataPoolName,
        namespace: cluster.namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: base, component: 'block-pool-metadata' }),
      },
      spec: PoolSpecs.replicated(metadata),
    } as any);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephBlockPool',
      metadata: {
        name: this.dataPoolName,
        namespace: cluster.namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: base, component: 'block-pool-data' }),
      },
      spec: PoolSpecs.erasureCoded(props),
    } as any);
    const sc = RbdStorageClasses.create(this, cluster, id, props.storageClass ?? {}, this.metadataPoolName, this.dataPoolName);
    this.storageClass = sc;
    this.storageClassName = sc.name;
  }
}

/** Builds RBD StorageClasses. Not exported from the package. */
export class RbdStorageClasses {
  public static create(owner: Construct, cluster: RookCephCluster, id: string, opts: RbdStorageClassOptions, pool: string,
    dataPool: string | undefined): k8s.KubeStorageClass {
    const name = opts.name ?? `ceph-${id}`;
    KubeNames.assertDns1123Subdomain(owner, opts.name !== undefined ? 'storageClass.name' : 'id', name);
    const fsType = opts.fsType ?? Filesystem.EXT4;
    EnumSubset.check(owner, 'storageClass.fsType', fsType, RBD_FILESYSTEMS, 'Filesystem', Filesystem, 'ceph-csi formats RBD volumes with ext4 or XFS only');
    const features = opts.imageFeatures ?? [RbdImageFeature.LAYERING];
    if (!features.includes(RbdImageFeature.LAYERING)) {
      throw edgeError(owner, { prop: 'storageClass.imageFeatures', value: features, rule: 'must include layering (ceph-csi needs it for clones and snapshots)', fix: 'start the list with RbdImageFeature.LAYERING' });
    }
    const has = (f: RbdImageFeature) => features.includes(f);
    const missingDependency = (has(RbdImageFeature.OBJECT_MAP) && !has(RbdImageFeature.EXCLUSIVE_LOCK))
      || (has(RbdImageFeature.FAST_DIFF) && !has(RbdImageFeature.OBJECT_MAP));
    if (missingDependency) {
      throw edgeError(owner, { prop: 'storageClass.imageFeatures', value: features, rule: 'object-map needs exclusive-lock, and fast-diff needs object-map', fix: 'add the features they depend on' });
    }
    const ns = cluster.namespace;
    const parameters: { [key: string]: string } = {
      'clusterID': ns,
      'pool': pool,
      ...(dataPool ? { dataPool } : {}),
      'imageFormat': '2',
      'imageFeatures': [...new Set(features)].join(','),
      'csi.storage.k8s.io/provisioner-secret-name': 'rook-csi-rbd-provisioner',
      'csi.storage.k8s.io/provisioner-secret-namespace': ns,
      'csi.storage.k8s.io/controller-expand-secret-name': 'rook-csi-rbd-provisioner',
      'csi.storage.k8s.io/controller-expand-secret-namespace': ns,
      'csi.storage.k8s.io/controller-publish-secret-name': 'rook-csi-rbd-provisioner',
      'csi.storage.k8s.io/controller-publish-secret-namespace': ns,
      'csi.storage.k8s.io/node-stage-secret-name': 'rook-csi-rbd-node',
      'csi.storage.k8s.io/node-stage-secret-namespace': ns,
      'csi.storage.k8s.io/fstype': fsType,
    };
    const sc = RbdStorageClasses.storageClass(owner, cluster, name, cluster.rbdDriver, parameters, opts);
    cluster._snapshotClassFor('rbd');
    return sc;
  }

  /** A StorageClass for a Ceph CSI/bucket provisioner with the common options. */
  public static storageClass(owner: Construct, cluster: RookCephCluster, name: string, provisioner: string, parameters: { [key: string]: string },
    opts: { isDefault?: boolean; reclaimPolicy?: ReclaimPolicy; allowVolumeExpansion?: boolean; mountOptions?: string[] }, id: string = 'StorageClass'): k8s.KubeStorageClass {
    if (opts.isDefault) cluster._registerDefaultStorageClass(owner, name);
    const sc = new k8s.KubeStorageClass(owner, id, {
      metadata: {
        name,
        labels: EdgeLabels.standard({ name: 'ceph', instance: cluster.clusterName, component: 'storage-class' }),
        ...(opts.isDefault ? { annotations: { [RookNames.DEFAULT_CLASS_ANNOTATION]: 'true' } } : {}),
      },
      provisioner,
      parameters,
      reclaimPolicy: opts.reclaimPolicy ?? ReclaimPolicy.DELETE,
      // Bucket classes (the object store's provisioner) have no volumes to expand or bind.
      ...(provisioner !== cluster.bucketProvisioner ? { allowVolumeExpansion: opts.allowVolumeExpansion ?? true, volumeBindingMode: 'Immediate' } : {}),
      ...(opts.mountOptions && opts.mountOptions.length > 0 ? { mountOptions: opts.mountOptions } : {}),
    });
    RookNames.clusterScoped(sc);
    return sc;
  }

  private constructor() {}
}
