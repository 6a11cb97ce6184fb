import { ApiObject } from 'cdk8s';
import { ContainerResources, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ReclaimPolicy } from '../storage-class';
import { RbdStorageClasses } from './block-pool';
import type { RookCephCluster } from './cluster';
import { CephErasureCodedPoolOptions, CephFailureDomain, CephReplicatedPoolOptions, PoolSpecs, RookNames } from './common';
import { EdgeLabels, edgeError, KubeNames } from '../../core';
import { Shape } from '../../core/validate';

/** The CephFS StorageClass of a filesystem. */
export interface CephFsStorageClassOptions {
  /**
   * StorageClass name (cluster-scoped).
   * @default - `ceph-<filesystem id>`
   */
  readonly name?: string;
  /**
   * Mark it as the cluster's default StorageClass.
   * @default false
   */
  readonly isDefault?: boolean;
  /**
   * What happens to the subvolume when its PVC is deleted.
   * @default ReclaimPolicy.DELETE
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /**
   * Allow growing PVCs (raises the subvolume quota).
   * @default true
   */
  readonly allowVolumeExpansion?: boolean;
  /**
   * Mount options.
   * @default - none
   */
  readonly mountOptions?: string[];
}

/** Options of {@link RookCephCluster.addFilesystem}. */
export interface RookCephFilesystemOptions {
  /**
   * Filesystem name (CephFilesystem name; pools are `<name>-metadata`, `<name>-replicated`, `<name>-erasurecoded`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Failure domain of every pool that does not set its own.
   * @default CephFailureDomain.HOST
   */
  readonly failureDomain?: CephFailureDomain;
  /**
   * Device class of every pool that does not set its own.
   * @default - none
   */
  readonly deviceClass?: string;
  /**
   * The metadata pool (always replicated: MDS journals and directories need omap, which EC pools lack).
   * @default - 3 replicas
   */
  readonly metadataPool?: CephReplicatedPoolOptions;
  /**
   * The default data pool (always replicated: CephFS keeps file backtraces there). Holds the files unless an
   * erasure-coded pool is added.
   * @default - 3 replicas
   */
  readonly dataPool?: CephReplicatedPoolOptions;
  /**
   * An erasure-coded secondary data pool; when given, the StorageClass places volumes on it.
   * @default - no EC pool (files go to the replicated data pool)
   */
  readonly erasureCodedDataPool?: CephErasureCodedPoolOptions;
  /**
   * Active metadata servers (1–50). Each active MDS gets a standby.
   * @default 1
   */
  readonly activeMdsCount?: number;
  /**
   * Standbys follow the active MDS journal (standby-replay) for fast failover.
   * @default true
   */
  readonly activeStandby?: boolean;
  /**
   * MDS requests and limits (Rook sizes the MDS cache from the memory limit).
   * @default - none
   */
  readonly mdsResources?: ContainerResources;
  /**
   * PriorityClass of the MDS pods.
   * @default 'system-cluster-critical'
   */
  readonly mdsPriorityClassName?: string;
  /**
   * Keep the filesystem (and its data) in Ceph when the CephFilesystem object is deleted.
   * @default true
   */
  readonly preserveFilesystemOnDelete?: boolean;
  /**
   * The CephFS StorageClass.
   * @default - `ceph-<id>`, Delete, expandable
   */
  readonly storageClass?: CephFsStorageClassOptions;
}

/** Props of {@link RookCephFilesystem}. */
export interface RookCephFilesystemProps extends RookCephFilesystemOptions {
  /** The cluster the filesystem lives in. */
  readonly cluster: RookCephCluster;
}

/**
 * A CephFS filesystem (`CephFilesystem`): replicated metadata pool, replicated default data pool, optional
 * erasure-coded secondary data pool, active/standby MDS, and a CephFS StorageClass targeting the EC pool when there
 * is one (else the replicated pool).
 */
export class RookCephFilesystem extends Construct {
  /** The CephFilesystem (escape hatch). */
  public readonly apiObject: ApiObject;
  /** Filesystem name (`fsName` in the StorageClass). */
  public readonly filesystemName: string;
  /** Namespace (the cluster's). */
  public readonly namespace: string;
  /** Ceph name of the metadata pool. */
  public readonly metadataPoolName: string;
  /** Ceph name of the replicated default data pool. */
  public readonly defaultDataPoolName: string;
  /** Ceph name of the pool new volumes go to (the EC pool when present). */
  public readonly volumePoolName: string;
  /** The StorageClass name. */
  public readonly storageClassName: string;
  /** The StorageClass (escape hatch). */
  public readonly storageClass: k8s.KubeStorageClass;

  constructor(scope: Construct, id: string, props: RookCephFilesystemProps) {
    super(scope, id);
    Shape.check(this, props);
    const cluster = props.cluster;
    this.namespace = cluster.namespace;
    this.filesystemName = RookNames.label(this, props.name !== undefined ? 'name' : 'id', props.name ?? id, 40);
    const inherit = { failureDomain: props.failureDomain, deviceClass: props.deviceClass };
    const metadata: CephReplicatedPoolOptions = { ...inherit, ...(props.metadataPool ?? {}) };
    const data: CephReplicatedPoolOptions = { ...inherit, ...(props.dataPool ?? {}) };
    const ec: CephErasureCodedPoolOptions | undefined = props.erasureCodedDataPool ? { ...inherit, ...props.erasureCodedDataPool } : undefined;
    for (const [prop, opts] of [['metadataPool', props.metadataPool], ['dataPool', props.dataPool]] as Array<[string, any]>) {
      if (opts?.dataChunks !== undefined || opts?.codingChunks !== undefined) {
        throw edgeError(this, { prop, value: 'erasure-coded', rule: `CephFS needs the ${prop === 'metadataPool' ? 'metadata pool (omap)' : 'default data pool (file backtraces)'} replicated; only a secondary data pool may be erasure-coded`, fix: 'give erasure-coding options in erasureCodedDataPool instead' });
      }
    }
    PoolSpecs.validate(this, 'metadataPool', metadata, false);
    PoolSpecs.validate(this, 'dataPool', data, false);
    if (ec) PoolSpecs.validate(this, 'erasureCodedDataPool', ec, true);

    const activeCount = props.activeMdsCount ?? 1;
    if (!Number.isInteger(activeCount) || activeCount < 1 || activeCount > 50) {
      throw edgeError(this, { prop: 'activeMdsCount', value: activeCount, rule: 'must be 1–50', fix: 'use 1 (more only for many clients with independent directory trees)' });
    }

    this.metadataPoolName = `${this.filesystemName}-metadata`;
    this.defaultDataPoolName = `${this.filesystemName}-replicated`;
    const ecPoolName = `${this.filesystemName}-erasurecoded`;
    this.volumePoolName = ec ? ecPoolName : this.defaultDataPoolName;

    const record = (prop: string, poolName: string, opts: CephReplicatedPoolOptions) => cluster._registerPool({
      owner: this,
      poolName,
      prop,
      replicated: true,
      size: opts.replicas ?? 3,
      failureDomain: (opts.failureDomain ?? CephFailureDomain.HOST).value,
      deviceClass: opts.deviceClass,
    });
    record('metadataPool', this.metadataPoolName, metadata);
    record('dataPool', this.defaultDataPoolName, data);
    if (ec) {
      const k = ec.dataChunks ?? 2;
      const m = ec.codingChunks ?? 2;
      cluster._registerPool({
        owner: this,
        poolName: ecPoolName,
        prop: 'erasureCodedDataPool',
        replicated: false,
        size: k + m,
        dataChunks: k,
        codingChunks: m,
        failureDomain: (ec.failureDomain ?? CephFailureDomain.HOST).value,
        deviceClass: ec.deviceClass,
      });
    }

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephFilesystem',
      metadata: {
        name: this.filesystemName,
        namespace: cluster.namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: this.filesystemName, component: 'filesystem' }),
      },
      spec: {
        metadataPool: PoolSpecs.replicated(metadata),
        dataPools: [
          { name: 'replicated', ...PoolSpecs.replicated(data) },
          ...(ec ? [{ name: 'erasurecoded', ...PoolSpecs.erasureCoded(ec) }] : []),
        ],
        preserveFilesystemOnDelete: props.preserveFilesystemOnDelete ?? true,
        metadataServer: {
          activeCount,
          activeStandby: props.activeStandby ?? true,
          priorityClassName: props.mdsPriorityClassName ?? 'system-cluster-critical',
          ...(props.mdsResources ? { resources: RookNames.resources(props.mdsResources) } : {}),
          placement: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{
                weight: 100,
                podAffinityTerm: {
                  labelSelector: { matchExpressions: [{ key: 'rook_file_system', operator: 'In', values: [this.filesystemName] }] },
                  topologyKey: 'kubernetes.io/hostname',
                },
              }],
            },
          },
        },
      },
    } as any);

    const opts = props.storageClass ?? {};
    const scName = opts.name ?? `ceph-${id}`;
    KubeNames.assertDns1123Subdomain(this, opts.name !== undefined ? 'storageClass.name' : 'id', scName);
    const ns = cluster.namespace;
    this.storageClass = RbdStorageClasses.storageClass(this, cluster, scName, cluster.cephfsDriver, {
      'clusterID': ns,
      'fsName': this.filesystemName,
      'pool': this.volumePoolName,
      'csi.storage.k8s.io/provisioner-secret-name': 'rook-csi-cephfs-provisioner',
      'csi.storage.k8s.io/provisioner-secret-namespace': ns,
      'csi.storage.k8s.io/controller-expand-secret-name': 'rook-csi-cephfs-provisioner',
      'csi.storage.k8s.io/controller-expand-secret-namespace': ns,
      'csi.storage.k8s.io/controller-publish-secret-name': 'rook-csi-cephfs-provisioner',
      'csi.storage.k8s.io/controller-publish-secret-namespace': ns,
      'csi.storage.k8s.io/node-stage-secret-name': 'rook-csi-cephfs-node',
      'csi.storage.k8s.io/node-stage-secret-namespace': ns,
    }, opts);
    this.storageClassName = scName;
    cluster._snapshotClassFor('cephfs');
  }
}
