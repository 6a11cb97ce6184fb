import { ApiObject, Duration, Lazy, Size } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-30';
import { Construct, IConstruct } from 'constructs';
import { RookCephBlockPool, RookCephBlockPoolOptions, RookCephErasureCodedBlockPool, RookCephErasureCodedBlockPoolOptions } from './block-pool';
import { CephPoolRecord, RookNames } from './common';
import { RookCephFilesystem, RookCephFilesystemOptions } from './filesystem';
import { RookCephObjectStore, RookCephObjectStoreOptions } from './object-store';
import { ContainerImage, EdgeLabels, EdgeMessages, edgeError, KubeNames, Resources, Warnings } from '../../core';
import { Patterns, Shape } from '../../core/validate';

/** A node whose local disks become OSDs (`spec.storage.nodes[]`). */
export interface CephHost {
  /** The node name (its `kubernetes.io/hostname` label). */
  readonly name: string;
  /**
   * Devices to turn into OSDs: kernel names (`sdb`, `nvme0n1`) or stable paths (`/dev/disk/by-id/…`).
   * Give `devices` or `deviceFilter`, not both.
   * @default - the host's `deviceFilter`, else the cluster's `deviceFilter`
   */
  readonly devices?: string[];
  /**
   * Regular expression selecting devices by kernel name (e.g. `^sd[b-d]`). With a filter the library cannot count
   * this host's OSDs (checks that need the OSD count say so).
   * @default - use `devices`
   */
  readonly deviceFilter?: string;
  /**
   * OSDs per device (more than 1 only makes sense on fast NVMe devices).
   * @default 1
   */
  readonly osdsPerDevice?: number;
  /**
   * CRUSH device class for this host's OSDs.
   * @default - detected by Ceph (`hdd`, `ssd` or `nvme`)
   */
  readonly deviceClass?: string;
  /**
   * Encrypt this host's OSDs at rest (dm-crypt; the keys live in Kubernetes Secrets unless a KMS is configured).
   * @default - the cluster's `encryptedDevices`
   */
  readonly encryptedDevice?: boolean;
  /**
   * Extra per-node OSD settings (`metadataDevice`, `databaseSizeMB`, …).
   * @default - none
   */
  readonly config?: { [key: string]: string };
}

/**
 * OSDs on PersistentVolumeClaims from a block-mode StorageClass (`spec.storage.storageClassDeviceSets[]`), e.g. an
 * LVM LocalPV class, or a cloud disk class.
 */
export interface CephDeviceSet {
  /** Name of the set (a DNS-1123 label; the OSD PVCs are named after it). */
  readonly name: string;
  /** Number of OSDs (PVCs) in the set. */
  readonly count: number;
  /** A StorageClass that provides raw block volumes (`volumeMode: Block`). */
  readonly storageClassName: string;
  /** Size of each OSD volume. */
  readonly size: Size;
  /**
   * Whether the volumes can follow an OSD to another node (network disks). Rook then names the OSD's CRUSH host after
   * the PVC, so every portable OSD is its own `host` failure domain. Local volumes must not be portable.
   * @default false
   */
  readonly portable?: boolean;
  /**
   * The nodes this set's OSDs run on (required node affinity; OSDs are spread evenly over them). Needed for the
   * library to count hosts of non-portable sets; every listed node gets at least one OSD, so `count` must be at least
   * the number of nodes.
   * @default - any node (the library cannot count this set's hosts)
   */
  readonly nodes?: string[];
  /**
   * Encrypt the OSDs at rest (dm-crypt).
   * @default false
   */
  readonly encrypted?: boolean;
  /**
   * CRUSH device class of these OSDs.
   * @default - detected by Ceph
   */
  readonly deviceClass?: string;
  /**
   * Tune OSDs for fast network disks (Rook's `tuneFastDeviceClass`).
   * @default false
   */
  readonly tuneFastDeviceClass?: boolean;
}

/** Mon data on PVCs instead of `dataDirHostPath` (for clusters whose nodes have no reliable local disk). */
export interface CephMonVolume {
  /** StorageClass of the mon PVCs (filesystem mode). */
  readonly storageClassName: string;
  /**
   * Size of each mon PVC.
   * @default Size.gibibytes(10)
   */
  readonly size?: Size;
}

/** Requests/limits per Ceph daemon type (`spec.resources`). Unset daemons keep Rook's defaults (none). */
export interface CephClusterResources {
  /** Monitors. @default - none */
  readonly mon?: ContainerResources;
  /** Managers. @default - none */
  readonly mgr?: ContainerResources;
  /** The manager's sidecar. @default - none */
  readonly mgrSidecar?: ContainerResources;
  /**
   * OSDs. Rook derives `osd_memory_target` from the memory limit; keep at least 4 GiB for HDD/SSD OSDs.
   * @default - none
   */
  readonly osd?: ContainerResources;
  /** OSD prepare jobs. @default - none */
  readonly prepareOsd?: ContainerResources;
  /** Crash collectors. @default - none */
  readonly crashCollector?: ContainerResources;
  /** Log collectors. @default - none */
  readonly logCollector?: ContainerResources;
  /** Cleanup jobs. @default - none */
  readonly cleanup?: ContainerResources;
  /** Ceph exporters. @default - none */
  readonly exporter?: ContainerResources;
}

/** PriorityClass names per Ceph daemon type (`spec.priorityClassNames`). */
export interface CephPriorityClassNames {
  /** Every daemon without its own entry. @default - none */
  readonly all?: string;
  /** Monitors. @default 'system-node-critical' */
  readonly mon?: string;
  /** OSDs. @default 'system-node-critical' */
  readonly osd?: string;
  /** Managers. @default 'system-cluster-critical' */
  readonly mgr?: string;
  /** Crash collectors. @default - none */
  readonly crashCollector?: string;
  /** Ceph exporters. @default - none */
  readonly exporter?: string;
  /** Cleanup jobs. @default - none */
  readonly cleanup?: string;
}

/** What happens to snapshot contents when a VolumeSnapshot is deleted. */
export enum CephSnapshotDeletionPolicy {
  /** Delete the Ceph snapshot with the VolumeSnapshot. */
  DELETE = 'Delete',
  /** Keep the Ceph snapshot (VolumeSnapshotContent stays). */
  RETAIN = 'Retain',
}

/** Props of {@link RookCephCluster}. */
export interface RookCephClusterProps {
  /**
   * Namespace of the Ceph cluster (and of its pools, filesystems and object stores). Rook's operator must watch it.
   * @default 'rook-ceph'
   */
  readonly namespace?: string;
  /**
   * Name of the CephCluster object.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace the Rook operator runs in: it prefixes the CSI driver names (`<ns>.rbd.csi.ceph.com`) and the bucket
   * provisioner (`<ns>.ceph.rook.io/bucket`).
   * @default - same as `namespace`
   */
  readonly operatorNamespace?: string;
  /**
   * Ceph image. Rook v1.20 supports Squid (v19, end of life 2026-12-02) and Tentacle (v20).
   * @default ContainerImage.CEPH (Tentacle v20.2.4)
   */
  readonly cephImage?: ContainerImage;
  /**
   * Allow Ceph versions Rook does not support (never in production).
   * @default false
   */
  readonly allowUnsupportedCephVersion?: boolean;
  /**
   * Host directory for mon data and daemon config. Immutable once the cluster exists; unique per cluster.
   * @default '/var/lib/rook'
   */
  readonly dataDirHostPath?: string;
  /**
   * Explicit storage hosts and their devices. Give `hosts`, `deviceSets`, or both.
   * @default - none
   */
  readonly hosts?: CephHost[];
  /**
   * PVC-backed OSDs (storageClassDeviceSets).
   * @default - none
   */
  readonly deviceSets?: CephDeviceSet[];
  /**
   * Device filter (regular expression) for hosts that list neither `devices` nor `deviceFilter`.
   * @default - every host must list its devices
   */
  readonly deviceFilter?: string;
  /**
   * Encrypt every host-device OSD at rest (`encryptedDevice`), unless a host says otherwise.
   * @default false
   */
  readonly encryptedDevices?: boolean;
  /**
   * Cluster-wide OSD settings (`spec.storage.config`).
   * @default - none
   */
  readonly storageConfig?: { [key: string]: string };
  /**
   * Number of monitors: odd, 1–9. More mons than hosts needs `allowMultipleMonsPerNode`.
   * @default 3
   */
  readonly monCount?: number;
  /**
   * Let several mons share a node (test clusters only: one node loss can then break quorum).
   * @default false
   */
  readonly allowMultipleMonsPerNode?: boolean;
  /**
   * Keep mon data on PVCs.
   * @default - under dataDirHostPath
   */
  readonly monVolume?: CephMonVolume;
  /**
   * Number of managers (1–5; one active, the rest standby).
   * @default - 2, or 1 when the cluster has a single known host
   */
  readonly mgrCount?: number;
  /**
   * Let several managers share a node.
   * @default false
   */
  readonly allowMultipleMgrsPerNode?: boolean;
  /**
   * Run the Ceph dashboard.
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * Serve the dashboard over TLS (self-signed unless configured in Ceph).
   * @default true
   */
  readonly dashboardSsl?: boolean;
  /**
   * Dashboard port.
   * @default - 8443 with SSL, 7000 without
   */
  readonly dashboardPort?: number;
  /**
   * Create Prometheus rules and ServiceMonitors (needs the Prometheus operator's CRDs).
   * @default false
   */
  readonly monitoring?: boolean;
  /**
   * Encrypt traffic between Ceph daemons and clients (msgr2 secure mode). Kernel RBD/CephFS clients need Linux ≥ 5.11.
   * @default false
   */
  readonly networkEncryption?: boolean;
  /**
   * Compress traffic on the wire (same kernel requirement as encryption).
   * @default false
   */
  readonly networkCompression?: boolean;
  /**
   * Accept only msgr2 (port 3300) connections.
   * @default false
   */
  readonly requireMsgr2?: boolean;
  /**
   * Run the Ceph daemons in the host network (`network.provider: host`).
   * @default false
   */
  readonly hostNetwork?: boolean;
  /**
   * Requests and limits per daemon type.
   * @default - Rook's defaults (none)
   */
  readonly resources?: CephClusterResources;
  /**
   * PriorityClasses per daemon type; merged over the defaults.
   * @default - mon and osd `system-node-critical`, mgr `system-cluster-critical`
   */
  readonly priorityClassNames?: CephPriorityClassNames;
  /**
   * Let Rook manage PodDisruptionBudgets for mons, OSDs, MDS and RGW, so node drains never take out too many.
   * @default true
   */
  readonly managePodDisruptionBudgets?: boolean;
  /**
   * How long a draining failure domain stays `noout` on top of the down/out interval.
   * @default Duration.minutes(30)
   */
  readonly osdMaintenanceTimeout?: Duration;
  /**
   * Collect daemon crash reports.
   * @default true
   */
  readonly crashCollector?: boolean;
  /**
   * Log daemons to files with daily rotation (500M per daemon).
   * @default true
   */
  readonly logCollector?: boolean;
  /**
   * Ratio at which OSDs stop accepting writes.
   * @default - Ceph's 0.95
   */
  readonly fullRatio?: number;
  /**
   * Ratio at which backfill stops.
   * @default - Ceph's 0.90
   */
  readonly backfillFullRatio?: number;
  /**
   * Ratio at which Ceph warns.
   * @default - Ceph's 0.85
   */
  readonly nearFullRatio?: number;
  /**
   * Ceph configuration overrides by section (`global`, `osd`, `mon`, `client.rgw…`) and option. Values here win over
   * the settings the library derives (see `autoDownOutSubtreeLimit`).
   * @default - none
   */
  readonly cephConfig?: { [section: string]: { [option: string]: string } };
  /**
   * When an erasure-coded pool with failureDomain host has exactly as many chunks as the cluster has hosts and that
   * number is 4 (the 2+2 edge layout), set `global.mon_osd_down_out_subtree_limit = host` so a whole host that goes
   * down is not marked out (there is nowhere to re-create its chunks; marking it out only moves replicated data around
   * and can fill the remaining hosts). A value for that option in `cephConfig` wins.
   * @default true
   */
  readonly autoDownOutSubtreeLimit?: boolean;
  /**
   * Emit one VolumeSnapshotClass per CSI driver in use (RBD, CephFS). Needs the snapshot CRDs and controller.
   * @default true
   */
  readonly volumeSnapshotClasses?: boolean;
  /**
   * Deletion policy of the VolumeSnapshotClasses.
   * @default CephSnapshotDeletionPolicy.DELETE
   */
  readonly snapshotDeletionPolicy?: CephSnapshotDeletionPolicy;
}

/** A count the library derived from the storage layout, with what it could not count (not part of the public API). */
export interface DomainCount {
  readonly count: number;
  readonly exact: boolean;
  readonly noun: string;
  readonly unknown: string[];
}

/**
 * A Rook `CephCluster` (Rook operator v1.20 must be installed; the library does not deploy it).
 *
 * Storage is given as explicit `hosts` with devices and/or PVC-backed `deviceSets`. Pools, filesystems and object
 * stores are added with `addBlockPool`, `addErasureCodedBlockPool`, `addFilesystem` and `addObjectStore`; each is
 * checked against the hosts and OSDs the cluster knows about (see docs/rook.md).
 *
 * The Ceph daemons are created by the operator, not by this library, so the SecurityBaseline (which applies to pod
 * specs the library emits) has nothing to check on them; they need privileged access to disks by design.
 */
export class RookCephCluster extends Construct {
  /**
   * Oldest Kubernetes minor version Rook v1.20 supports (its prerequisites list v1.31 through v1.36); the Rook
   * constructs need at least this, whatever the rest of the library accepts.
   */
  public static readonly MIN_KUBERNETES_VERSION = '1.31';

  private static defined<T>(obj: { [key: string]: T | undefined }): { [key: string]: T } {
    const out: { [key: string]: T } = {};
    for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
    return out;
  }

  /** The CephCluster API object (escape hatch). */
  public readonly apiObject: ApiObject;
  /** Namespace of the cluster and its pools. */
  public readonly namespace: string;
  /** Name of the CephCluster object. */
  public readonly clusterName: string;
  /** Namespace of the Rook operator. */
  public readonly operatorNamespace: string;
  /** RBD CSI driver / provisioner name, e.g. `rook-ceph.rbd.csi.ceph.com`. */
  public readonly rbdDriver: string;
  /** CephFS CSI driver / provisioner name, e.g. `rook-ceph.cephfs.csi.ceph.com`. */
  public readonly cephfsDriver: string;
  /** ObjectBucketClaim provisioner name, e.g. `rook-ceph.ceph.rook.io/bucket`. */
  public readonly bucketProvisioner: string;
  /** Ceph image. */
  public readonly cephImage: ContainerImage;
  /** Number of mons. */
  public readonly monCount: number;
  /** Whether the Ceph daemons use the host network. */
  public readonly hostNetwork: boolean;
  /** Number of mgrs. */
  public readonly mgrCount: number;
  /** Nodes known to carry OSDs (explicit hosts plus the `nodes` of device sets). */
  public readonly hostNames: string[];
  /**
   * OSDs the library can count (a lower bound when some hosts use a device filter).
   */
  public readonly knownOsdCount: number;
  /** Whether `knownOsdCount` is exact. */
  public readonly osdCountExact: boolean;
  /** Name the RBD VolumeSnapshotClass gets when an RBD StorageClass exists. */
  public readonly rbdSnapshotClassName: string;
  /** Name the CephFS VolumeSnapshotClass gets when a CephFS StorageClass exists. */
  public readonly cephfsSnapshotClassName: string;

  private readonly props: RookCephClusterProps;
  private readonly crushHosts: DomainCount;
  private readonly nodeCount: DomainCount;
  private readonly osds: DomainCount;
  private readonly pools: CephPoolRecord[] = [];
  private readonly defaultClasses: Array<{ owner: IConstruct; name: string }> = [];
  private readonly snapshotClasses = new Map<string, ApiObject>();
  private builtinMgrPool?: ApiObject;

  constructor(scope: Construct, id: string, props: RookCephClusterProps = {}) {
    super(scope, id);
    Shape.check(this, props);
    this.props = props;
    this.namespace = RookNames.label(this, 'namespace', props.namespace ?? 'rook-ceph');
    this.clusterName = RookNames.label(this, props.name !== undefined ? 'name' : 'id', props.name ?? id);
    this.operatorNamespace = RookNames.label(this, 'operatorNamespace', props.operatorNamespace ?? this.namespace);
    this.rbdDriver = `${this.operatorNamespace}.rbd.csi.ceph.com`;
    this.cephfsDriver = `${this.operatorNamespace}.cephfs.csi.ceph.com`;
    this.bucketProvisioner = `${this.operatorNamespace}.ceph.rook.io/bucket`;
    this.cephImage = props.cephImage ?? ContainerImage.CEPH;
    this.hostNetwork = props.hostNetwork ?? false;
    this.rbdSnapshotClassName = `${this.namespace}-rbd`;
    this.cephfsSnapshotClassName = `${this.namespace}-cephfs`;

    const dataDir = props.dataDirHostPath ?? '/var/lib/rook';
    if (!/^\/\S+$/.test(dataDir) || dataDir.includes('..')) {
      throw edgeError(this, { prop: 'dataDirHostPath', value: dataDir, rule: 'must be an absolute host path without spaces or ".."', fix: 'use e.g. "/var/lib/rook"' });
    }

    const layout = this.analyseStorage();
    this.crushHosts = layout.crushHosts;
    this.nodeCount = layout.nodes;
    this.osds = layout.osds;
    this.hostNames = layout.nodeNames;
    this.knownOsdCount = layout.osds.count;
    this.osdCountExact = layout.osds.exact;

    this.monCount = props.monCount ?? 3;
    if (!Number.isInteger(this.monCount) || this.monCount < 1 || this.monCount > 9 || this.monCount % 2 === 0) {
      throw edgeError(this, { prop: 'monCount', value: this.monCount, rule: 'must be odd and between 1 and 9: an even count adds no failure tolerance over the next lower odd count (quorum needs a strict majority)', fix: `use ${Math.min(9, Math.max(1, this.monCount % 2 === 0 ? this.monCount - 1 : 3))} (3 for most clusters, 5 for large ones)` });
    }
    if (this.monCount === 1) {
      Warnings.addFormatted(this, { prop: 'monCount', value: 1, rule: 'a single mon is a single point of failure: losing it (or its disk) stops the whole cluster', fix: 'use 3 mons on 3 hosts' });
    }
    this.checkDaemonsPerNode('monCount', this.monCount, props.allowMultipleMonsPerNode ?? false, 'allowMultipleMonsPerNode', 'mons');

    const defaultMgr = this.nodeCount.exact && this.nodeCount.count === 1 ? 1 : 2;
    this.mgrCount = props.mgrCount ?? defaultMgr;
    if (!Number.isInteger(this.mgrCount) || this.mgrCount < 1 || this.mgrCount > 5) {
      throw edgeError(this, { prop: 'mgrCount', value: this.mgrCount, rule: 'must be between 1 and 5', fix: 'use 2 (one active, one standby)' });
    }
    this.checkDaemonsPerNode('mgrCount', this.mgrCount, props.allowMultipleMgrsPerNode ?? false, 'allowMultipleMgrsPerNode', 'mgrs');

    this.checkRatios();
    if (props.dashboardPort !== undefined && !(Number.isInteger(props.dashboardPort) && props.dashboardPort >= 1 && props.dashboardPort <= 65535)) {
      throw edgeError(this, { prop: 'dashboardPort', value: props.dashboardPort, rule: 'must be a TCP port (1–65535)', fix: 'omit it for the default (8443 with SSL)' });
    }
    if (props.dashboard !== false && props.dashboardSsl === false) {
      Warnings.addFormatted(this, { prop: 'dashboardSsl', value: false, rule: 'the dashboard (with admin rights over the cluster) is then served in clear text', fix: 'keep dashboardSsl true' });
    }
    if (props.networkEncryption || props.networkCompression || props.requireMsgr2) {
      Warnings.addFormatted(this, {
        prop: props.networkEncryption ? 'networkEncryption' : props.networkCompression ? 'networkCompression' : 'requireMsgr2',
        value: true,
        rule: 'kernel RBD and CephFS clients on the nodes need Linux 5.11 or newer to connect (msgr2)',
        fix: 'check the node kernels before enabling it, or use rbd-nbd/ceph-fuse mounters (not recommended in production)',
      });
    }
    for (const [key, section] of Object.entries(props.cephConfig ?? {})) {
      if (!/^[A-Za-z0-9._-]+$/.test(key)) {
        throw edgeError(this, { prop: 'cephConfig', value: key, rule: 'section names are "global", a daemon type ("osd", "mon", "mgr", "mds", "client") or a daemon/client id ("osd.1", "client.rgw.my.store.a")', fix: 'use e.g. { global: { osd_pool_default_size: "3" } }' });
      }
      for (const option of Object.keys(section)) {
        if (!/^[A-Za-z0-9_ .-]+$/.test(option)) {
          throw edgeError(this, { prop: `cephConfig.${key}`, value: option, rule: 'must be a Ceph option name', fix: 'use the option name as in `ceph config set`, e.g. "mon_osd_down_out_subtree_limit"' });
        }
      }
    }
    if (props.osdMaintenanceTimeout !== undefined && props.osdMaintenanceTimeout.toMinutes({ integral: false }) < 1) {
      throw edgeError(this, { prop: 'osdMaintenanceTimeout', value: `${props.osdMaintenanceTimeout.toSeconds()}s`, rule: 'must be at least one minute (Rook counts whole minutes)', fix: 'use e.g. Duration.minutes(30)' });
    }
    if (props.monVolume) {
      KubeNames.assertDns1123Subdomain(this, 'monVolume.storageClassName', props.monVolume.storageClassName);
    }

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephCluster',
      metadata: {
        name: this.clusterName,
        namespace: this.namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: this.clusterName, component: 'storage', version: this.cephImage.version }),
      },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    } as any);

    this.node.addValidation({ validate: () => this.validateTree() });
  }

  /** A replicated block pool with an RBD StorageClass. */
  public addBlockPool(id: string, options: RookCephBlockPoolOptions = {}): RookCephBlockPool {
    return new RookCephBlockPool(this, id, { ...options, cluster: this });
  }

  /**
   * An erasure-coded block pool (2+2 by default): a replicated metadata pool, an EC data pool and an RBD StorageClass
   * with `pool` (metadata) and `dataPool` (EC).
   */
  public addErasureCodedBlockPool(id: string, options: RookCephErasureCodedBlockPoolOptions = {}): RookCephErasureCodedBlockPool {
    return new RookCephErasureCodedBlockPool(this, id, { ...options, cluster: this });
  }

  /** A CephFS filesystem with its CephFS StorageClass. */
  public addFilesystem(id: string, options: RookCephFilesystemOptions = {}): RookCephFilesystem {
    return new RookCephFilesystem(this, id, { ...options, cluster: this });
  }

  /** A Ceph RGW object store (S3) with its bucket StorageClass. */
  public addObjectStore(id: string, options: RookCephObjectStoreOptions = {}): RookCephObjectStore {
    return new RookCephObjectStore(this, id, { ...options, cluster: this });
  }

  /**
   * Registers a pool and checks it against the cluster's failure domains. Called by the pool constructs.
   * @internal
   */
  public _registerPool(record: CephPoolRecord): void {
    this.checkPlacement(record);
    this.pools.push(record);
    if (record.deviceClass !== undefined && this.builtinMgrPool === undefined) {
      this.builtinMgrPool = this.createBuiltinMgrPool();
    }
  }

  /**
   * Records a StorageClass marked as the cluster default (at most one may be).
   * @internal
   */
  public _registerDefaultStorageClass(owner: IConstruct, name: string): void {
    this.defaultClasses.push({ owner, name });
  }

  /**
   * The VolumeSnapshotClass for `driver` (`rbd` or `cephfs`), created on first use; undefined when disabled.
   * @internal
   */
  public _snapshotClassFor(driver: string): string | undefined {
    if (this.props.volumeSnapshotClasses === false) return undefined;
    const name = driver === 'rbd' ? this.rbdSnapshotClassName : this.cephfsSnapshotClassName;
    if (!this.snapshotClasses.has(driver)) {
      const secret = driver === 'rbd' ? 'rook-csi-rbd-provisioner' : 'rook-csi-cephfs-provisioner';
      const obj = new ApiObject(this, `${driver}-snapshot-class`, {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshotClass',
        metadata: {
          name,
          labels: {
            ...EdgeLabels.standard({ name: 'ceph', instance: this.clusterName, component: `${driver}-snapshots` }),
            // Velero's CSI data mover picks the class carrying this label for the driver.
            'velero.io/csi-volumesnapshot-class': 'true',
          },
        },
        driver: driver === 'rbd' ? this.rbdDriver : this.cephfsDriver,
        deletionPolicy: this.props.snapshotDeletionPolicy ?? CephSnapshotDeletionPolicy.DELETE,
        parameters: {
          'clusterID': this.namespace,
          'csi.storage.k8s.io/snapshotter-secret-name': secret,
          'csi.storage.k8s.io/snapshotter-secret-namespace': this.namespace,
        },
      } as any);
      RookNames.clusterScoped(obj);
      this.snapshotClasses.set(driver, obj);
    }
    return name;
  }

  /** The number of failure domains of `failureDomain` the cluster is known to have, with what could not be counted. */
  private failureDomains(failureDomain: string): DomainCount {
    if (failureDomain === 'host') return this.crushHosts;
    if (failureDomain === 'osd') return this.osds;
    return { count: 0, exact: false, noun: `${failureDomain} buckets`, unknown: [`the library cannot count "${failureDomain}" failure domains (Rook builds them from node labels)`] };
  }

  /** The Ceph configuration the cluster gets: derived settings with `cephConfig` merged over them. */
  public effectiveCephConfig(): { [section: string]: { [option: string]: string } } {
    const out: { [section: string]: { [option: string]: string } } = {};
    if (this.props.autoDownOutSubtreeLimit !== false && this.needsDownOutSubtreeLimit()) {
      out.global = { mon_osd_down_out_subtree_limit: 'host' };
    }
    for (const [section, options] of Object.entries(this.props.cephConfig ?? {})) {
      out[section] = { ...(out[section] ?? {}), ...options };
    }
    return out;
  }

  private needsDownOutSubtreeLimit(): boolean {
    return this.crushHosts.exact && this.crushHosts.count === 4 && this.pools.some((p) => !p.replicated && p.failureDomain === 'host' && (p.dataChunks! + p.codingChunks!) === 4);
  }

  private checkPlacement(r: CephPoolRecord): void {
    const owner = r.owner;
    const p = (name: string) => (r.prop ? `${r.prop}.${name}` : name);
    const needed = r.replicated ? r.size : r.dataChunks! + r.codingChunks!;
    const domains = this.failureDomains(r.failureDomain);
    const chunkProp = p('dataChunks') + '+' + (r.prop ? `${r.prop}.codingChunks` : 'codingChunks');
    if (!r.replicated && r.codingChunks === 1) {
      Warnings.addFormatted(owner, { prop: p('codingChunks'), value: 1, rule: `pool "${r.poolName}" survives only one lost ${r.failureDomain}: a second failure during recovery loses data (extremely risky)`, fix: 'use codingChunks 2' });
    }
    if (domains.count >= needed) {
      if (!r.replicated && domains.exact && domains.count === needed) {
        Warnings.addFormatted(owner, {
          prop: chunkProp,
          value: needed,
          rule: `pool "${r.poolName}" uses every one of the ${needed} ${domains.noun} of cluster "${this.clusterName}": it keeps serving with one down but cannot re-create the lost chunks elsewhere (no self-healing)`,
          fix: `add a ${needed + 1}th ${r.failureDomain} with OSDs (k+m+1 is recommended)${r.failureDomain !== 'host' ? '' : needed === 4 && this.props.autoDownOutSubtreeLimit !== false
            ? '; until then the cluster gets cephConfig global.mon_osd_down_out_subtree_limit = "host" so a down host is not marked out'
            : '; until then consider cephConfig global.mon_osd_down_out_subtree_limit = "host"'}`,
        });
      }
      return;
    }
    if (domains.exact) {
      const known = r.failureDomain === 'host' && this.crushHosts.count > 0 && this.hostNames.length === this.crushHosts.count ? ` (${this.hostNames.join(', ')})` : '';
      const fixes = r.replicated
        ? `lower replicas to ${Math.max(1, domains.count)}, add ${r.failureDomain === 'host' ? 'hosts with OSDs' : 'OSDs'}, or use failureDomain osd`
        : `add ${needed - domains.count} ${r.failureDomain === 'host' ? 'host(s) with OSDs' : 'OSD(s)'}, lower dataChunks/codingChunks (e.g. ${ErasureSuggestion.for(domains.count)})${r.failureDomain === 'host' ? ', or use failureDomain osd' : ''}`;
      throw edgeError(owner, {
        prop: r.replicated ? p('replicas') : chunkProp,
        value: needed,
        rule: `pool "${r.poolName}" needs at least ${needed} ${domains.noun} for failureDomain ${r.failureDomain}, but cluster "${this.clusterName}" has ${domains.count}${known}; Ceph would accept the pool and then hang writes`,
        fix: fixes,
      });
    }
    Warnings.addFormatted(owner, {
      prop: r.replicated ? p('replicas') : chunkProp,
      value: needed,
      rule: `pool "${r.poolName}" needs at least ${needed} ${domains.noun} for failureDomain ${r.failureDomain}; could not be checked: ${domains.unknown.join('; ')}${domains.count > 0 ? ` (${domains.count} known)` : ''}`,
      fix: `make sure at least ${needed} ${domains.noun} carry OSDs, or list hosts with explicit devices (and device sets with nodes) so the library can check`,
    });
  }

  private checkDaemonsPerNode(prop: string, count: number, allowMultiple: boolean, allowProp: string, daemons: string): void {
    if (allowMultiple || count <= this.nodeCount.count) return;
    if (this.nodeCount.exact) {
      throw edgeError(this, {
        prop,
        value: count,
        rule: `${count} ${daemons} need ${count} nodes, but the cluster knows ${this.nodeCount.count} (${this.hostNames.join(', ') || 'none'}) and Rook places at most one per node`,
        fix: `use ${prop} ${prop === 'monCount' ? Math.max(1, this.nodeCount.count % 2 === 0 ? this.nodeCount.count - 1 : this.nodeCount.count) : Math.max(1, this.nodeCount.count)}, add hosts, or set ${allowProp}: true (test clusters only)`,
      });
    }
    Warnings.addFormatted(this, {
      prop,
      value: count,
      rule: `${count} ${daemons} need ${count} nodes; could not be checked: ${this.nodeCount.unknown.join('; ')} (${this.nodeCount.count} known)`,
      fix: `make sure at least ${count} schedulable nodes exist, or set ${allowProp}: true`,
    });
  }

  private checkRatios(): void {
    const { nearFullRatio, backfillFullRatio, fullRatio } = this.props;
    for (const [prop, value] of [['nearFullRatio', nearFullRatio], ['backfillFullRatio', backfillFullRatio], ['fullRatio', fullRatio]] as Array<[string, number | undefined]>) {
      if (value !== undefined && !(value > 0 && value <= 1)) {
        throw edgeError(this, { prop, value, rule: 'must be a ratio between 0 (exclusive) and 1', fix: 'use e.g. 0.85 / 0.90 / 0.95 for near-full / backfill-full / full' });
      }
    }
    const near = nearFullRatio ?? 0.85;
    const back = backfillFullRatio ?? 0.9;
    const full = fullRatio ?? 0.95;
    if (!(near < back && back < full)) {
      throw edgeError(this, {
        prop: 'nearFullRatio < backfillFullRatio < fullRatio',
        value: `${near} / ${back} / ${full}`,
        rule: 'Ceph needs the warning ratio below the backfill stop below the write stop, or it raises OSD_OUT_OF_ORDER_FULL',
        fix: 'use e.g. 0.85 / 0.90 / 0.95',
      });
    }
  }

  private analyseStorage(): { crushHosts: DomainCount; nodes: DomainCount; osds: DomainCount; nodeNames: string[] } {
    const hosts = this.props.hosts ?? [];
    const sets = this.props.deviceSets ?? [];
    if (hosts.length === 0 && sets.length === 0) {
      throw edgeError(this, { prop: 'hosts/deviceSets', value: [], rule: 'a Ceph cluster needs storage: OSDs on host devices or on PVCs', fix: 'list hosts with their devices, e.g. hosts: [{ name: "node-a", devices: ["sdb"] }], or deviceSets on a block-mode StorageClass' });
    }
    const nodeNames = new Set<string>();
    const crushHostNames = new Set<string>();
    const unknownHosts: string[] = [];
    const unknownOsds: string[] = [];
    let osdCount = 0;
    const seenHosts = new Set<string>();
    hosts.forEach((h, i) => {
      const prop = `hosts[${i}]`;
      if (!KubeNames.isDns1123Subdomain(h.name)) {
        KubeNames.assertDns1123Subdomain(this, `${prop}.name`, h.name);
      }
      if (seenHosts.has(h.name)) {
        throw edgeError(this, { prop: `${prop}.name`, value: h.name, rule: 'each host may be listed once', fix: 'merge the entries into one host with all its devices' });
      }
      seenHosts.add(h.name);
      if (h.devices !== undefined && h.deviceFilter !== undefined) {
        throw edgeError(this, { prop, value: h.name, rule: 'give devices or deviceFilter, not both (Rook would ignore the filter)', fix: 'keep the explicit devices list' });
      }
      if (h.devices !== undefined && h.devices.length === 0) {
        throw edgeError(this, { prop: `${prop}.devices`, value: [], rule: 'a storage host needs at least one device', fix: 'list its OSD devices (e.g. ["sdb"]) or remove the host' });
      }
      const dup = (h.devices ?? []).find((d, j) => (h.devices ?? []).indexOf(d) !== j);
      if (dup !== undefined) {
        throw edgeError(this, { prop: `${prop}.devices`, value: dup, rule: 'a device may be listed once', fix: 'remove the duplicate' });
      }
      for (const d of h.devices ?? []) {
        if (!/^(\/dev\/\S+|[A-Za-z0-9][A-Za-z0-9_.:-]*)$/.test(d)) {
          throw edgeError(this, { prop: `${prop}.devices`, value: d, rule: 'must be a kernel device name or a /dev path', fix: 'use e.g. "sdb", "nvme0n1" or "/dev/disk/by-id/…"' });
        }
      }
      for (const [name, filter] of [['deviceFilter', h.deviceFilter], ['cluster deviceFilter', this.props.deviceFilter]] as Array<[string, string | undefined]>) {
        Patterns.check(this, name === 'deviceFilter' ? `${prop}.deviceFilter` : 'deviceFilter', filter, 're2', '^sd[b-d]');
      }
      if (h.devices === undefined && h.deviceFilter === undefined && this.props.deviceFilter === undefined) {
        throw edgeError(this, { prop, value: h.name, rule: 'host lists neither devices nor a deviceFilter, and the cluster has no deviceFilter: Rook would create no OSD on it', fix: 'add devices: ["sdb", …] (or deviceFilter) to the host' });
      }
      const perDevice = h.osdsPerDevice ?? 1;
      if (!Number.isInteger(perDevice) || perDevice < 1 || perDevice > 8) {
        throw edgeError(this, { prop: `${prop}.osdsPerDevice`, value: perDevice, rule: 'must be 1–8', fix: 'use 1 (more only on fast NVMe devices)' });
      }
      nodeNames.add(h.name);
      crushHostNames.add(h.name);
      if (h.devices) {
        osdCount += h.devices.length * perDevice;
      } else {
        unknownOsds.push(`host "${h.name}" selects devices by filter`);
      }
    });
    const setNames = new Set<string>();
    sets.forEach((s, i) => {
      const prop = `deviceSets[${i}]`;
      RookNames.label(this, `${prop}.name`, s.name, 40);
      if (setNames.has(s.name)) {
        throw edgeError(this, { prop: `${prop}.name`, value: s.name, rule: 'device set names must be unique', fix: 'rename one of the sets' });
      }
      setNames.add(s.name);
      if (!Number.isInteger(s.count) || s.count < 1) {
        throw edgeError(this, { prop: `${prop}.count`, value: s.count, rule: 'must be a whole number of OSDs, at least 1', fix: 'use e.g. 3' });
      }
      KubeNames.assertDns1123Subdomain(this, `${prop}.storageClassName`, s.storageClassName);
      if (Resources.bytes(s.size) < 5 * 1024 ** 3) {
        throw edgeError(this, { prop: `${prop}.size`, value: Resources.sizeString(s.size), rule: 'BlueStore OSDs need at least 5 GiB', fix: 'use a larger size, e.g. Size.gibibytes(100)' });
      }
      const nodes = s.nodes ?? [];
      nodes.forEach((n) => KubeNames.assertDns1123Subdomain(this, `${prop}.nodes`, n));
      if (s.nodes !== undefined && nodes.length === 0) {
        throw edgeError(this, { prop: `${prop}.nodes`, value: [], rule: 'an empty node list matches no node', fix: 'list the nodes or omit the prop' });
      }
      if (nodes.length > s.count) {
        throw edgeError(this, { prop: `${prop}.count`, value: s.count, rule: `is smaller than the ${nodes.length} listed nodes: some of them would get no OSD`, fix: `raise count to at least ${nodes.length} or list fewer nodes` });
      }
      osdCount += s.count;
      if (s.portable) {
        for (let j = 0; j < s.count; j++) crushHostNames.add(`pvc:${s.name}:${j}`);
        nodes.forEach((n) => nodeNames.add(n));
        if (nodes.length === 0) unknownHosts.push(`portable device set "${s.name}" may run on any node`);
        Warnings.addFormatted(this, {
          prop: `${prop}.portable`,
          value: true,
          rule: 'Rook makes every portable OSD its own CRUSH host, so failureDomain host only keeps chunks on different PVCs, which the scheduler may still place on the same node',
          fix: 'use non-portable (local) volumes with nodes for node-level failure domains, or zones as failure domain',
        });
      } else if (nodes.length > 0) {
        nodes.forEach((n) => {
          nodeNames.add(n);
          crushHostNames.add(n);
        });
      } else {
        unknownHosts.push(`device set "${s.name}" has no nodes, so the hosts its ${s.count} OSDs land on are unknown`);
      }
    });
    const nodeList = [...nodeNames];
    return {
      crushHosts: { count: crushHostNames.size, exact: unknownHosts.length === 0, noun: 'hosts with OSDs', unknown: unknownHosts },
      nodes: { count: nodeList.length, exact: unknownHosts.length === 0, noun: 'nodes', unknown: unknownHosts },
      osds: { count: osdCount, exact: unknownOsds.length === 0, noun: 'OSDs', unknown: unknownOsds },
      nodeNames: nodeList,
    };
  }

  private createBuiltinMgrPool(): ApiObject {
    return new ApiObject(this, 'builtin-mgr', {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephBlockPool',
      metadata: {
        name: 'builtin-mgr',
        namespace: this.namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: this.clusterName, component: 'builtin-mgr-pool' }),
      },
      spec: Lazy.any({
        produce: () => {
          const replicated = this.pools.filter((p) => p.replicated);
          const ref = replicated.reduce<CephPoolRecord | undefined>((best, p) => (best === undefined || p.size > best.size ? p : best), undefined);
          const deviceClass = (ref?.deviceClass ?? this.pools.find((p) => p.deviceClass !== undefined)?.deviceClass)!;
          return {
            name: '.mgr',
            failureDomain: ref?.failureDomain ?? 'host',
            deviceClass,
            replicated: { size: ref?.size ?? 3, requireSafeReplicaSize: (ref?.size ?? 3) > 1 },
            parameters: { compression_mode: 'none' },
          };
        },
      }),
    } as any);
  }

  private validateTree(): string[] {
    const errors: string[] = [];
    const withClass = this.pools.filter((p) => p.deviceClass !== undefined);
    const without = this.pools.filter((p) => p.deviceClass === undefined);
    if (withClass.length > 0 && without.length > 0) {
      const first = without[0];
      errors.push(EdgeMessages.format(first.owner, {
        prop: first.prop ? `${first.prop}.deviceClass` : 'deviceClass',
        value: 'unset',
        rule: `pool "${first.poolName}" has no deviceClass while ${withClass.map((p) => `"${p.poolName}" (${p.deviceClass})`).join(', ')} ha${withClass.length === 1 ? 's' : 've'} one; pools without a class use the whole CRUSH root, which overlaps the class roots and stops the PG autoscaler. Pools without deviceClass: ${without.map((p) => `"${p.poolName}"`).join(', ')}`,
        fix: 'set deviceClass on every pool of the cluster (metadata pools included) or on none',
      }));
    }
    if (this.defaultClasses.length > 1) {
      const [, second] = this.defaultClasses;
      errors.push(EdgeMessages.format(second.owner, {
        prop: 'storageClass.isDefault',
        value: true,
        rule: `only one StorageClass may be the cluster default, but ${this.defaultClasses.map((c) => `"${c.name}"`).join(', ')} all are`,
        fix: 'set isDefault on one StorageClass only',
      }));
    }
    return errors;
  }

  private renderSpec(): any {
    const p = this.props;
    const priority = {
      mon: 'system-node-critical',
      osd: 'system-node-critical',
      mgr: 'system-cluster-critical',
      ...RookCephCluster.defined({
        all: p.priorityClassNames?.all,
        mon: p.priorityClassNames?.mon,
        osd: p.priorityClassNames?.osd,
        mgr: p.priorityClassNames?.mgr,
        crashcollector: p.priorityClassNames?.crashCollector,
        exporter: p.priorityClassNames?.exporter,
        cleanup: p.priorityClassNames?.cleanup,
      }),
    };
    const r = p.resources ?? {};
    const resources = RookCephCluster.defined({
      'mon': r.mon && RookNames.resources(r.mon),
      'mgr': r.mgr && RookNames.resources(r.mgr),
      'mgr-sidecar': r.mgrSidecar && RookNames.resources(r.mgrSidecar),
      'osd': r.osd && RookNames.resources(r.osd),
      'prepareosd': r.prepareOsd && RookNames.resources(r.prepareOsd),
      'crashcollector': r.crashCollector && RookNames.resources(r.crashCollector),
      'logcollector': r.logCollector && RookNames.resources(r.logCollector),
      'cleanup': r.cleanup && RookNames.resources(r.cleanup),
      'exporter': r.exporter && RookNames.resources(r.exporter),
    });
    const cephConfig = this.effectiveCephConfig();
    const dashboard = p.dashboard ?? true;
    return {
      cephVersion: { image: this.cephImage.reference, allowUnsupported: p.allowUnsupportedCephVersion ?? false },
      dataDirHostPath: p.dataDirHostPath ?? '/var/lib/rook',
      skipUpgradeChecks: false,
      continueUpgradeAfterChecksEvenIfNotHealthy: false,
      mon: {
        count: this.monCount,
        allowMultiplePerNode: p.allowMultipleMonsPerNode ?? false,
        ...(p.monVolume ? {
          volumeClaimTemplate: {
            spec: {
              storageClassName: p.monVolume.storageClassName,
              resources: { requests: { storage: Resources.sizeString(p.monVolume.size ?? Size.gibibytes(10)) } },
            },
          },
        } : {}),
      },
      mgr: { count: this.mgrCount, allowMultiplePerNode: p.allowMultipleMgrsPerNode ?? false },
      dashboard: dashboard
        ? { enabled: true, ssl: p.dashboardSsl ?? true, ...(p.dashboardPort !== undefined ? { port: p.dashboardPort } : {}) }
        : { enabled: false },
      monitoring: { enabled: p.monitoring ?? false },
      network: {
        ...(p.hostNetwork ? { provider: 'host' } : {}),
        connections: {
          encryption: { enabled: p.networkEncryption ?? false },
          compression: { enabled: p.networkCompression ?? false },
          requireMsgr2: p.requireMsgr2 ?? false,
        },
      },
      crashCollector: { disable: !(p.crashCollector ?? true) },
      logCollector: (p.logCollector ?? true) ? { enabled: true, periodicity: 'daily', maxLogSize: '500M' } : { enabled: false },
      // Safe by construction: an empty confirmation never wipes hosts; destroying data stays a deliberate, manual act.
      cleanupPolicy: { confirmation: '', allowUninstallWithVolumes: false },
      removeOSDsIfOutAndSafeToRemove: false,
      priorityClassNames: priority,
      ...(Object.keys(resources).length > 0 ? { resources } : {}),
      disruptionManagement: {
        managePodBudgets: p.managePodDisruptionBudgets ?? true,
        osdMaintenanceTimeout: Math.round((p.osdMaintenanceTimeout ?? Duration.minutes(30)).toMinutes({ integral: false })),
      },
      ...(Object.keys(cephConfig).length > 0 ? { cephConfig } : {}),
      storage: this.renderStorage(),
    };
  }

  private renderStorage(): any {
    const p = this.props;
    const config: { [key: string]: string } = { ...(p.storageConfig ?? {}) };
    if (p.encryptedDevices) config.encryptedDevice = 'true';
    const nodes = (p.hosts ?? []).map((h) => {
      const nodeConfig: { [key: string]: string } = { ...(h.config ?? {}) };
      if (h.osdsPerDevice !== undefined) nodeConfig.osdsPerDevice = String(h.osdsPerDevice);
      if (h.deviceClass !== undefined) nodeConfig.deviceClass = h.deviceClass;
      if (h.encryptedDevice !== undefined) nodeConfig.encryptedDevice = String(h.encryptedDevice);
      return {
        name: h.name,
        ...(h.devices ? { devices: h.devices.map((d) => ({ name: d })) } : {}),
        ...(h.deviceFilter !== undefined ? { deviceFilter: h.deviceFilter } : {}),
        ...(Object.keys(nodeConfig).length > 0 ? { config: nodeConfig } : {}),
      };
    });
    const sets = (p.deviceSets ?? []).map((s) => {
      const nodeAffinity = s.nodes ? {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: s.nodes }] }],
        },
      } : undefined;
      const spread = (app: string, when: string) => ({
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: when,
        labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [app] }] },
      });
      return {
        name: s.name,
        count: s.count,
        portable: s.portable ?? false,
        encrypted: s.encrypted ?? false,
        ...(s.tuneFastDeviceClass ? { tuneFastDeviceClass: true } : {}),
        placement: { ...(nodeAffinity ? { nodeAffinity } : {}), topologySpreadConstraints: [spread('rook-ceph-osd', 'ScheduleAnyway')] },
        preparePlacement: { ...(nodeAffinity ? { nodeAffinity } : {}), topologySpreadConstraints: [spread('rook-ceph-osd-prepare', 'DoNotSchedule')] },
        volumeClaimTemplates: [{
          metadata: { name: 'data', ...(s.deviceClass ? { annotations: { crushDeviceClass: s.deviceClass } } : {}) },
          spec: {
            resources: { requests: { storage: Resources.sizeString(s.size) } },
            storageClassName: s.storageClassName,
            volumeMode: 'Block',
            accessModes: ['ReadWriteOnce'],
          },
        }],
      };
    });
    return {
      useAllNodes: false,
      useAllDevices: false,
      ...(p.deviceFilter !== undefined ? { deviceFilter: p.deviceFilter } : {}),
      ...(Object.keys(config).length > 0 ? { config } : {}),
      ...(nodes.length > 0 ? { nodes } : {}),
      ...(sets.length > 0 ? { storageClassDeviceSets: sets } : {}),
      ...(p.fullRatio !== undefined ? { fullRatio: p.fullRatio } : {}),
      ...(p.backfillFullRatio !== undefined ? { backfillFullRatio: p.backfillFullRatio } : {}),
      ...(p.nearFullRatio !== undefined ? { nearFullRatio: p.nearFullRatio } : {}),
    };
  }
}

/** Suggests a smaller EC profile that fits `domains` failure domains. */
class ErasureSuggestion {
  public static for(domains: number): string {
    if (domains >= 4) return `${domains - 2}+2`;
    if (domains === 3) return '2+1 (extremely risky) or a replicated pool';
    return 'a replicated pool';
  }
}
