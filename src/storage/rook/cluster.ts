import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { RookCephBlockPool, RookCephBlockPoolOptions, RookCephErasureCodedBlockPool, RookCephErasureCodedBlockPoolOptions } from './block-pool';
import { CephClusterResources, CephClusterSpec, CephMonVolume, CephPriorityClassNames } from './cluster-spec';
import { CephPoolRecord, RookNames } from './common';
import { RookCephFilesystem, RookCephFilesystemOptions } from './filesystem';
import { RookCephObjectStore, RookCephObjectStoreOptions } from './object-store';
import { CephPlacement } from './placement';
import { CephSnapshotClasses, CephSnapshotDeletionPolicy } from './snapshot-classes';
import { CephDeviceSet, CephHost, StorageLayout } from './storage-layout';
import { ContainerImage, EdgeLabels, EdgeMessages, edgeError, KubeNames, Warnings } from '../../core';
import { Shape } from '../../core/validate';

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
  private readonly layout: StorageLayout;
  private readonly pools: CephPoolRecord[] = [];
  private readonly defaultClasses: Array<{ owner: IConstruct; name: string }> = [];
  private readonly snapshotClasses: CephSnapshotClasses;
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
    const snapshotPolicy = props.snapshotDeletionPolicy ?? CephSnapshotDeletionPolicy.DELETE;
    this.snapshotClasses = new CephSnapshotClasses(this, props.volumeSnapshotClasses !== false, snapshotPolicy);

    const dataDir = props.dataDirHostPath ?? '/var/lib/rook';
    if (!/^\/\S+$/.test(dataDir) || dataDir.includes('..')) {
      throw edgeError(this, { prop: 'dataDirHostPath', value: dataDir, rule: 'must be an absolute host path without spaces or ".."', fix: 'use e.g. "/var/lib/rook"' });
    }

    const layout = StorageLayout.analyse(this, props);
    this.layout = layout;
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
    CephPlacement.checkDaemonsPerNode(this, layout, 'monCount', this.monCount, props.allowMultipleMonsPerNode ?? false, 'allowMultipleMonsPerNode', 'mons');

    const defaultMgr = layout.nodes.exact && layout.nodes.count === 1 ? 1 : 2;
    this.mgrCount = props.mgrCount ?? defaultMgr;
    if (!Number.isInteger(this.mgrCount) || this.mgrCount < 1 || this.mgrCount > 5) {
      throw edgeError(this, { prop: 'mgrCount', value: this.mgrCount, rule: 'must be between 1 and 5', fix: 'use 2 (one active, one standby)' });
    }
    CephPlacement.checkDaemonsPerNode(this, layout, 'mgrCount', this.mgrCount, props.allowMultipleMgrsPerNode ?? false, 'allowMultipleMgrsPerNode', 'mgrs');

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
      spec: Lazy.any({
        produce: () => CephClusterSpec.render({
          props, cephImage: this.cephImage, monCount: this.monCount, mgrCount: this.mgrCount, cephConfig: this.effectiveCephConfig(),
        }),
      }),
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
    const autoDownOutSubtreeLimit = this.props.autoDownOutSubtreeLimit !== false;
    CephPlacement.checkPool({ clusterName: this.clusterName, layout: this.layout, autoDownOutSubtreeLimit }, record);
    this.pools.push(record);
    if (record.deviceClass !== undefined && this.builtinMgrPool === undefined) {
      this.builtinMgrPool = CephPlacement.builtinMgrPool(this, this.namespace, this.clusterName, this.pools);
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
    return this.snapshotClasses.classFor(driver);
  }

  /** The Ceph configuration the cluster gets: derived settings with `cephConfig` merged over them. */
  public effectiveCephConfig(): { [section: string]: { [option: string]: string } } {
    const out: { [section: string]: { [option: string]: string } } = {};
    if (this.props.autoDownOutSubtreeLimit !== false && CephPlacement.needsDownOutSubtreeLimit(this.layout, this.pools)) {
      out.global = { mon_osd_down_out_subtree_limit: 'host' };
    }
    for (const [section, options] of Object.entries(this.props.cephConfig ?? {})) {
      out[section] = { ...(out[section] ?? {}), ...options };
    }
    return out;
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

  private validateTree(): string[] {
    const errors: string[] = [];
    errors.push(...CephPlacement.deviceClassErrors(this.pools));
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
}
