// The storage layout of a RookCephCluster: the hosts and device sets that carry OSDs, their validation, and the counts
// (hosts, nodes, OSDs) the pool placement checks work with.
import { Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RookNames } from './common';
import { edgeError, KubeNames, Resources, Warnings } from '../../core';
import { Patterns } from '../../core/validate';

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

/** A count the library derived from the storage layout, with what it could not count (not part of the public API). */
export interface DomainCount {
  readonly count: number;
  readonly exact: boolean;
  readonly noun: string;
  readonly unknown: string[];
}

/** The cluster props the storage layout is read from (a subset of `RookCephClusterProps`). */
export interface StorageLayoutInput {
  readonly hosts?: CephHost[];
  readonly deviceSets?: CephDeviceSet[];
  readonly deviceFilter?: string;
}

/**
 * What the library knows about where a cluster's OSDs are: CRUSH hosts, Kubernetes nodes and OSDs, each with whether
 * the count is exact and what could not be counted. Not exported from the package.
 */
export class StorageLayout {
  /**
   * Checks the hosts and device sets (throwing or warning on `scope`, the cluster) and counts what they give.
   */
  public static analyse(scope: IConstruct, input: StorageLayoutInput): StorageLayout {
    const hosts = input.hosts ?? [];
    const sets = input.deviceSets ?? [];
    if (hosts.length === 0 && sets.length === 0) {
      throw edgeError(scope, { prop: 'hosts/deviceSets', value: [], rule: 'a Ceph cluster needs storage: OSDs on host devices or on PVCs', fix: 'list hosts with their devices, e.g. hosts: [{ name: "node-a", devices: ["sdb"] }], or deviceSets on a block-mode StorageClass' });
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
        KubeNames.assertDns1123Subdomain(scope, `${prop}.name`, h.name);
      }
      if (seenHosts.has(h.name)) {
        throw edgeError(scope, { prop: `${prop}.name`, value: h.name, rule: 'each host may be listed once', fix: 'merge the entries into one host with all its devices' });
      }
      seenHosts.add(h.name);
      if (h.devices !== undefined && h.deviceFilter !== undefined) {
        throw edgeError(scope, { prop, value: h.name, rule: 'give devices or deviceFilter, not both (Rook would ignore the filter)', fix: 'keep the explicit devices list' });
      }
      if (h.devices !== undefined && h.devices.length === 0) {
        throw edgeError(scope, { prop: `${prop}.devices`, value: [], rule: 'a storage host needs at least one device', fix: 'list its OSD devices (e.g. ["sdb"]) or remove the host' });
      }
      const dup = (h.devices ?? []).find((d, j) => (h.devices ?? []).indexOf(d) !== j);
      if (dup !== undefined) {
        throw edgeError(scope, { prop: `${prop}.devices`, value: dup, rule: 'a device may be listed once', fix: 'remove the duplicate' });
      }
      for (const d of h.devices ?? []) {
        if (!/^(\/dev\/\S+|[A-Za-z0-9][A-Za-z0-9_.:-]*)$/.test(d)) {
          throw edgeError(scope, { prop: `${prop}.devices`, value: d, rule: 'must be a kernel device name or a /dev path', fix: 'use e.g. "sdb", "nvme0n1" or "/dev/disk/by-id/…"' });
        }
      }
      for (const [name, filter] of [['deviceFilter', h.deviceFilter], ['cluster deviceFilter', input.deviceFilter]] as Array<[string, string | undefined]>) {
        Patterns.check(scope, name === 'deviceFilter' ? `${prop}.deviceFilter` : 'deviceFilter', filter, 're2', '^sd[b-d]');
      }
      if (h.devices === undefined && h.deviceFilter === undefined && input.deviceFilter === undefined) {
        throw edgeError(scope, { prop, value: h.name, rule: 'host lists neither devices nor a deviceFilter, and the cluster has no deviceFilter: Rook would create no OSD on it', fix: 'add devices: ["sdb", …] (or deviceFilter) to the host' });
      }
      const perDevice = h.osdsPerDevice ?? 1;
      if (!Number.isInteger(perDevice) || perDevice < 1 || perDevice > 8) {
        throw edgeError(scope, { prop: `${prop}.osdsPerDevice`, value: perDevice, rule: 'must be 1–8', fix: 'use 1 (more only on fast NVMe devices)' });
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
      RookNames.label(scope, `${prop}.name`, s.name, 40);
      if (setNames.has(s.name)) {
        throw edgeError(scope, { prop: `${prop}.name`, value: s.name, rule: 'device set names must be unique', fix: 'rename one of the sets' });
      }
      setNames.add(s.name);
      if (!Number.isInteger(s.count) || s.count < 1) {
        throw edgeError(scope, { prop: `${prop}.count`, value: s.count, rule: 'must be a whole number of OSDs, at least 1', fix: 'use e.g. 3' });
      }
      KubeNames.assertDns1123Subdomain(scope, `${prop}.storageClassName`, s.storageClassName);
      if (Resources.bytes(s.size) < 5 * 1024 ** 3) {
        throw edgeError(scope, { prop: `${prop}.size`, value: Resources.sizeString(s.size), rule: 'BlueStore OSDs need at least 5 GiB', fix: 'use a larger size, e.g. Size.gibibytes(100)' });
      }
      const nodes = s.nodes ?? [];
      nodes.forEach((n) => KubeNames.assertDns1123Subdomain(scope, `${prop}.nodes`, n));
      if (s.nodes !== undefined && nodes.length === 0) {
        throw edgeError(scope, { prop: `${prop}.nodes`, value: [], rule: 'an empty node list matches no node', fix: 'list the nodes or omit the prop' });
      }
      if (nodes.length > s.count) {
        throw edgeError(scope, { prop: `${prop}.count`, value: s.count, rule: `is smaller than the ${nodes.length} listed nodes: some of them would get no OSD`, fix: `raise count to at least ${nodes.length} or list fewer nodes` });
      }
      osdCount += s.count;
      if (s.portable) {
        for (let j = 0; j < s.count; j++) crushHostNames.add(`pvc:${s.name}:${j}`);
        nodes.forEach((n) => nodeNames.add(n));
        if (nodes.length === 0) unknownHosts.push(`portable device set "${s.name}" may run on any node`);
        Warnings.addFormatted(scope, {
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
    return new StorageLayout(
      { count: crushHostNames.size, exact: unknownHosts.length === 0, noun: 'hosts with OSDs', unknown: unknownHosts },
      { count: nodeList.length, exact: unknownHosts.length === 0, noun: 'nodes', unknown: unknownHosts },
      { count: osdCount, exact: unknownOsds.length === 0, noun: 'OSDs', unknown: unknownOsds },
      nodeList,
    );
  }

  private constructor(
    /** CRUSH `host` buckets with OSDs (portable device-set OSDs are one host each). */
    public readonly crushHosts: DomainCount,
    /** Kubernetes nodes that carry OSDs. */
    public readonly nodes: DomainCount,
    /** OSDs. */
    public readonly osds: DomainCount,
    /** Names of the nodes known to carry OSDs. */
    public readonly nodeNames: string[],
  ) {}

  /** The number of failure domains of `failureDomain` the cluster is known to have, with what could not be counted. */
  public failureDomains(failureDomain: string): DomainCount {
    if (failureDomain === 'host') return this.crushHosts;
    if (failureDomain === 'osd') return this.osds;
    return { count: 0, exact: false, noun: `${failureDomain} buckets`, unknown: [`the library cannot count "${failureDomain}" failure domains (Rook builds them from node labels)`] };
  }
}
