// The CephCluster spec a RookCephCluster renders from its props (daemons, network, disruption management, Ceph
// config and the storage section), and the prop types that only shape that spec.
import { Duration, Size } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-30';
import type { RookCephClusterProps } from './cluster';
import { RookNames } from './common';
import { ContainerImage, Resources } from '../../core';

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

/** What the spec is rendered from: the props and the values the cluster derived from them. */
export interface CephClusterSpecInput {
  readonly props: RookCephClusterProps;
  readonly cephImage: ContainerImage;
  readonly monCount: number;
  readonly mgrCount: number;
  /** The effective Ceph configuration (derived settings with `cephConfig` merged over them). */
  readonly cephConfig: { [section: string]: { [option: string]: string } };
}

/** Renders the `spec` of a CephCluster. Not exported from the package. */
export class CephClusterSpec {
  public static render(cluster: CephClusterSpecInput): any {
    const p = cluster.props;
    const priority = {
      mon: 'system-node-critical',
      osd: 'system-node-critical',
      mgr: 'system-cluster-critical',
      ...CephClusterSpec.defined({
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
    const resources = CephClusterSpec.defined({
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
    const cephConfig = cluster.cephConfig;
    const dashboard = p.dashboard ?? true;
    return {
      cephVersion: { image: cluster.cephImage.reference, allowUnsupported: p.allowUnsupportedCephVersion ?? false },
      dataDirHostPath: p.dataDirHostPath ?? '/var/lib/rook',
      skipUpgradeChecks: false,
      continueUpgradeAfterChecksEvenIfNotHealthy: false,
      mon: {
        count: cluster.monCount,
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
      mgr: { count: cluster.mgrCount, allowMultiplePerNode: p.allowMultipleMgrsPerNode ?? false },
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
      storage: CephClusterSpec.renderStorage(p),
    };
  }

  private static renderStorage(p: RookCephClusterProps): any {
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

  private static defined<T>(obj: { [key: string]: T | undefined }): { [key: string]: T } {
    const out: { [key: string]: T } = {};
    for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
    return out;
  }
}
