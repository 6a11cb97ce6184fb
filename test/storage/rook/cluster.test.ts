import { Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-30';
import { clusterOn, hosts, muteWarnings, warningsOf } from './fixtures';
import { ContainerImage, RookCephCluster } from '../../../src';
import { chart, find, synth } from '../../support/harness';

muteWarnings();

describe('RookCephCluster defaults', () => {
  test('snapshot', () => {
    const { chart: c } = clusterOn(3);
    expect(synth(c)).toMatchSnapshot();
  });

  test('emits only the CephCluster, in rook-ceph, named after the id', () => {
    const { chart: c, cluster } = clusterOn(3);
    const manifests = synth(c);
    expect(manifests.map((m) => m.kind)).toEqual(['CephCluster']);
    const cc = find(manifests, 'CephCluster', 'ceph');
    expect(cc.metadata.namespace).toBe('rook-ceph');
    expect(cluster.namespace).toBe('rook-ceph');
    expect(cluster.rbdDriver).toBe('rook-ceph.rbd.csi.ceph.com');
    expect(cluster.cephfsDriver).toBe('rook-ceph.cephfs.csi.ceph.com');
    expect(cluster.bucketProvisioner).toBe('rook-ceph.ceph.rook.io/bucket');
  });

  test('safe and highly available defaults', () => {
    const { chart: c } = clusterOn(3);
    const spec = find(synth(c), 'CephCluster', 'ceph').spec;
    expect(spec.cephVersion).toEqual({ image: ContainerImage.CEPH.reference, allowUnsupported: false });
    expect(spec.dataDirHostPath).toBe('/var/lib/rook');
    expect(spec.mon).toEqual({ count: 3, allowMultiplePerNode: false });
    expect(spec.mgr).toEqual({ count: 2, allowMultiplePerNode: false });
    expect(spec.dashboard).toEqual({ enabled: true, ssl: true });
    // Nothing may ever wipe hosts by default.
    expect(spec.cleanupPolicy.confirmation).toBe('');
    expect(spec.cleanupPolicy.allowUninstallWithVolumes).toBe(false);
    expect(spec.removeOSDsIfOutAndSafeToRemove).toBe(false);
    expect(spec.disruptionManagement).toEqual({ managePodBudgets: true, osdMaintenanceTimeout: 30 });
    expect(spec.priorityClassNames).toEqual({ mon: 'system-node-critical', osd: 'system-node-critical', mgr: 'system-cluster-critical' });
    expect(spec.storage.useAllNodes).toBe(false);
    expect(spec.storage.useAllDevices).toBe(false);
    expect(spec.storage.nodes.map((n: any) => n.name)).toEqual(['node-1', 'node-2', 'node-3']);
    expect(spec.storage.nodes[0].devices).toEqual([{ name: 'sdb' }]);
    expect(spec.cephConfig).toBeUndefined();
    expect(spec.network.connections).toEqual({ encryption: { enabled: false }, compression: { enabled: false }, requireMsgr2: false });
  });

  test('a single-host cluster defaults to one mgr', () => {
    const { chart: c, cluster } = clusterOn(1, { monCount: 1 });
    expect(cluster.mgrCount).toBe(1);
    expect(find(synth(c), 'CephCluster', 'ceph').spec.mgr.count).toBe(1);
  });
});

describe('RookCephCluster custom', () => {
  const build = () => {
    const c = chart();
    const cluster = new RookCephCluster(c, 'Ceph', {
      name: 'site-a',
      namespace: 'ceph-site-a',
      operatorNamespace: 'rook-operator',
      cephImage: ContainerImage.of('quay.io/ceph/ceph', 'v20.2.0'),
      dataDirHostPath: '/var/lib/rook-site-a',
      hosts: [
        { name: 'edge-1', devices: ['nvme0n1'], osdsPerDevice: 2, deviceClass: 'nvme', encryptedDevice: true },
        { name: 'edge-2', deviceFilter: '^sd[b-c]', config: { metadataDevice: 'nvme1n1' } },
      ],
      deviceSets: [{ name: 'lvm', count: 2, storageClassName: 'lvm-block', size: Size.gibibytes(200), nodes: ['edge-3', 'edge-4'], deviceClass: 'ssd', encrypted: true }],
      encryptedDevices: true,
      storageConfig: { databaseSizeMB: '1024' },
      monCount: 3,
      monVolume: { storageClassName: 'local-fs' },
      mgrCount: 2,
      dashboardPort: 9443,
      monitoring: true,
      networkEncryption: true,
      networkCompression: true,
      requireMsgr2: true,
      hostNetwork: true,
      resources: {
        osd: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(4) } },
        mon: { memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) } },
      },
      priorityClassNames: { mgr: 'edge-critical', crashCollector: 'edge-low' },
      managePodDisruptionBudgets: true,
      osdMaintenanceTimeout: Duration.hours(1),
      crashCollector: false,
      logCollector: false,
      nearFullRatio: 0.75,
      backfillFullRatio: 0.8,
      fullRatio: 0.9,
      cephConfig: { global: { osd_pool_default_pg_autoscale_mode: 'on' }, osd: { bluestore_cache_autotune: 'true' } },
    });
    return { c, cluster };
  };

  test('snapshot', () => {
    expect(synth(build().c)).toMatchSnapshot();
  });

  test('names, drivers and storage layout', () => {
    const { c, cluster } = build();
    const cc = find(synth(c), 'CephCluster', 'site-a');
    expect(cc.metadata.namespace).toBe('ceph-site-a');
    expect(cluster.rbdDriver).toBe('rook-operator.rbd.csi.ceph.com');
    expect(cluster.hostNames).toEqual(['edge-1', 'edge-2', 'edge-3', 'edge-4']);
    // edge-2 selects devices by filter, so the OSD count is only a lower bound (2 on edge-1 + 2 PVCs).
    expect(cluster.knownOsdCount).toBe(4);
    expect(cluster.osdCountExact).toBe(false);
    const storage = cc.spec.storage;
    expect(storage.config).toEqual({ databaseSizeMB: '1024', encryptedDevice: 'true' });
    expect(storage.nodes[0]).toEqual({ name: 'edge-1', devices: [{ name: 'nvme0n1' }], config: { osdsPerDevice: '2', deviceClass: 'nvme', encryptedDevice: 'true' } });
    expect(storage.nodes[1]).toEqual({ name: 'edge-2', deviceFilter: '^sd[b-c]', config: { metadataDevice: 'nvme1n1' } });
    expect(storage.fullRatio).toBe(0.9);
    expect(storage.nearFullRatio).toBe(0.75);
  });

  test('device sets request raw block volumes pinned to their nodes', () => {
    const set = find(synth(build().c), 'CephCluster', 'site-a').spec.storage.storageClassDeviceSets[0];
    expect(set.count).toBe(2);
    expect(set.portable).toBe(false);
    expect(set.encrypted).toBe(true);
    const pvc = set.volumeClaimTemplates[0];
    expect(pvc.spec.volumeMode).toBe('Block');
    expect(pvc.spec.storageClassName).toBe('lvm-block');
    expect(pvc.spec.resources.requests.storage).toBe('200Gi');
    expect(pvc.metadata.annotations).toEqual({ crushDeviceClass: 'ssd' });
    const terms = set.placement.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms[0].matchExpressions[0]).toEqual({ key: 'kubernetes.io/hostname', operator: 'In', values: ['edge-3', 'edge-4'] });
    expect(set.preparePlacement.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', maxSkew: 1 });
  });

  test('daemons, network, resources and priorities', () => {
    const spec = find(synth(build().c), 'CephCluster', 'site-a').spec;
    expect(spec.cephVersion.image).toBe('quay.io/ceph/ceph:v20.2.0');
    expect(spec.mon.volumeClaimTemplate.spec).toEqual({ storageClassName: 'local-fs', resources: { requests: { storage: '10Gi' } } });
    expect(spec.dashboard).toEqual({ enabled: true, ssl: true, port: 9443 });
    expect(spec.network).toEqual({ provider: 'host', connections: { encryption: { enabled: true }, compression: { enabled: true }, requireMsgr2: true } });
    expect(spec.resources.osd).toEqual({ requests: { cpu: '500m', memory: '4Gi' }, limits: { memory: '4Gi' } });
    expect(spec.resources.mon).toEqual({ requests: { memory: '1Gi' }, limits: { memory: '2Gi' } });
    expect(spec.priorityClassNames).toEqual({ mon: 'system-node-critical', osd: 'system-node-critical', mgr: 'edge-critical', crashcollector: 'edge-low' });
    expect(spec.disruptionManagement.osdMaintenanceTimeout).toBe(60);
    expect(spec.crashCollector).toEqual({ disable: true });
    expect(spec.logCollector).toEqual({ enabled: false });
    expect(spec.cephConfig).toEqual({ global: { osd_pool_default_pg_autoscale_mode: 'on' }, osd: { bluestore_cache_autotune: 'true' } });
  });

  test('warns about kernel requirements of encryption', () => {
    const { c } = build();
    synth(c);
    expect(warningsOf(c).join('\n')).toMatch(/networkEncryption = true: kernel RBD and CephFS clients on the nodes need Linux 5\.11/);
  });

  test('cluster-scoped objects carry no namespace even in a namespaced chart', () => {
    const c = chart('apps');
    const cluster = new RookCephCluster(c, 'ceph', { hosts: hosts(3) });
    cluster.addBlockPool('db');
    const manifests = synth(c);
    expect(find(manifests, 'StorageClass', 'ceph-db').metadata.namespace).toBeUndefined();
    expect(find(manifests, 'VolumeSnapshotClass', 'rook-ceph-rbd').metadata.namespace).toBeUndefined();
    expect(find(manifests, 'CephBlockPool', 'db').metadata.namespace).toBe('rook-ceph');
  });
});

describe('RookCephCluster storage accounting', () => {
  test('portable device sets: every PVC is its own CRUSH host, with a warning', () => {
    const c = chart();
    const cluster = new RookCephCluster(c, 'ceph', {
      deviceSets: [{ name: 'ebs', count: 4, storageClassName: 'gp3', size: Size.gibibytes(100), portable: true, nodes: ['a', 'b', 'c'] }],
    });
    // EC 2+2 over 4 portable OSDs fits CRUSH (4 "hosts").
    cluster.addErasureCodedBlockPool('video', { metadataPool: { replicas: 3 } });
    synth(c);
    expect(warningsOf(c).join('\n')).toMatch(/deviceSets\[0\]\.portable = true: Rook makes every portable OSD its own CRUSH host/);
  });

  test('device sets without nodes: host-dependent checks warn instead of failing', () => {
    const c = chart();
    const cluster = new RookCephCluster(c, 'ceph', {
      deviceSets: [{ name: 'set', count: 6, storageClassName: 'lvm-block', size: Size.gibibytes(50) }],
    });
    cluster.addErasureCodedBlockPool('video');
    synth(c);
    const text = warningsOf(c).join('\n');
    expect(text).toMatch(/monCount = 3: 3 mons need 3 nodes; could not be checked: device set "set" has no nodes/);
    expect(text).toMatch(/pool "video-data" needs at least 4 hosts with OSDs for failureDomain host; could not be checked: device set "set" has no nodes/);
  });

  test('allowMultipleMonsPerNode lets a small cluster run 3 mons', () => {
    const { chart: c } = clusterOn(1, { allowMultipleMonsPerNode: true, allowMultipleMgrsPerNode: true, mgrCount: 2 });
    const spec = find(synth(c), 'CephCluster', 'ceph').spec;
    expect(spec.mon).toEqual({ count: 3, allowMultiplePerNode: true });
    expect(spec.mgr).toEqual({ count: 2, allowMultiplePerNode: true });
  });

  test('a single mon is allowed with a warning', () => {
    const { chart: c } = clusterOn(3, { monCount: 1 });
    synth(c);
    expect(warningsOf(c).join('\n')).toMatch(/monCount = 1: a single mon is a single point of failure/);
  });

  test('the dashboard without TLS warns', () => {
    const { chart: c } = clusterOn(3, { dashboardSsl: false });
    expect(find(synth(c), 'CephCluster', 'ceph').spec.dashboard).toEqual({ enabled: true, ssl: false });
    expect(warningsOf(c).join('\n')).toMatch(/dashboardSsl = false/);
  });
});

describe('RookCephCluster fails if', () => {
  const make = (props: any) => () => new RookCephCluster(Testing.chart(), 'ceph', props);

  test('there is no storage', () => {
    expect(make({})).toThrow(/RookCephCluster "test\/ceph": hosts\/deviceSets = \[\]: a Ceph cluster needs storage.*; list hosts with their devices/);
  });
  test.each([2, 4, 0, 11])('monCount is %d (even or out of range)', (n) => {
    expect(make({ hosts: hosts(9), monCount: n })).toThrow(/monCount = \d+: must be odd and between 1 and 9/);
  });
  test('monCount exceeds the hosts', () => {
    expect(make({ hosts: hosts(2) })).toThrow(/monCount = 3: 3 mons need 3 nodes, but the cluster knows 2 \(node-1, node-2\).*; use monCount 1, add hosts, or set allowMultipleMonsPerNode: true/);
  });
  test('mgrCount exceeds the hosts', () => {
    expect(make({ hosts: hosts(1), monCount: 1, mgrCount: 2 })).toThrow(/mgrCount = 2: 2 mgrs need 2 nodes, but the cluster knows 1/);
  });
  test('mgrCount is out of range', () => {
    expect(make({ hosts: hosts(9), mgrCount: 6 })).toThrow(/mgrCount = 6: must be between 1 and 5/);
  });
  test('a host has neither devices nor a filter', () => {
    expect(make({ hosts: [...hosts(2), { name: 'node-3' }] })).toThrow(/hosts\[2\] = "node-3": host lists neither devices nor a deviceFilter/);
  });
  test('a host has both devices and a filter', () => {
    expect(make({ hosts: [{ name: 'a', devices: ['sdb'], deviceFilter: '^sd' }] })).toThrow(/hosts\[0\] = "a": give devices or deviceFilter, not both/);
  });
  test('a host is listed twice', () => {
    expect(make({ hosts: [...hosts(3), { name: 'node-1', devices: ['sdc'] }] })).toThrow(/hosts\[3\]\.name = "node-1": each host may be listed once/);
  });
  test('a device is listed twice', () => {
    expect(make({ hosts: [{ name: 'a', devices: ['sdb', 'sdb'] }] })).toThrow(/hosts\[0\]\.devices = "sdb": a device may be listed once/);
  });
  test('a device list is empty', () => {
    expect(make({ hosts: [{ name: 'a', devices: [] }] })).toThrow(/hosts\[0\]\.devices = \[\]: a storage host needs at least one device/);
  });
  test('a host name is not a node name', () => {
    expect(make({ hosts: [{ name: 'Node_1', devices: ['sdb'] }] })).toThrow(/hosts\[0\]\.name = "Node_1": must be a DNS-1123 subdomain/);
  });
  test('a device filter is not a regular expression', () => {
    expect(make({ hosts: [{ name: 'a', deviceFilter: '^sd[' }], monCount: 1 })).toThrow(/hosts\[0\]\.deviceFilter = "\^sd\[": must be a valid regular expression/);
  });
  test('osdsPerDevice is out of range', () => {
    expect(make({ hosts: [{ name: 'a', devices: ['nvme0n1'], osdsPerDevice: 0 }], monCount: 1 })).toThrow(/hosts\[0\]\.osdsPerDevice = 0: must be 1–8/);
  });
  test('a device set has fewer OSDs than nodes', () => {
    expect(make({ deviceSets: [{ name: 's', count: 2, storageClassName: 'lvm', size: Size.gibibytes(10), nodes: ['a', 'b', 'c'] }] }))
      .toThrow(/deviceSets\[0\]\.count = 2: is smaller than the 3 listed nodes/);
  });
  test('a device set volume is too small for BlueStore', () => {
    expect(make({ deviceSets: [{ name: 's', count: 3, storageClassName: 'lvm', size: Size.gibibytes(1) }] })).toThrow(/deviceSets\[0\]\.size = "1Gi": BlueStore OSDs need at least 5 GiB/);
  });
  test('device set names repeat', () => {
    const set = { name: 's', count: 3, storageClassName: 'lvm', size: Size.gibibytes(10) };
    expect(make({ deviceSets: [set, set] })).toThrow(/deviceSets\[1\]\.name = "s": device set names must be unique/);
  });
  test('the full ratios are out of order', () => {
    expect(make({ hosts: hosts(3), nearFullRatio: 0.95, fullRatio: 0.9 })).toThrow(/nearFullRatio < backfillFullRatio < fullRatio = "0\.95 \/ 0\.9 \/ 0\.9"/);
  });
  test('a ratio is not a ratio', () => {
    expect(make({ hosts: hosts(3), fullRatio: 1.2 })).toThrow(/fullRatio = 1\.2: must be a ratio between 0 \(exclusive\) and 1/);
  });
  test('dataDirHostPath is not absolute', () => {
    expect(make({ hosts: hosts(3), dataDirHostPath: 'var/lib/rook' })).toThrow(/dataDirHostPath = "var\/lib\/rook": must be an absolute host path/);
  });
  test('the construct id is not a valid object name and no name is given', () => {
    expect(() => new RookCephCluster(Testing.chart(), 'My Cluster', { hosts: hosts(3) })).toThrow(/id = "My Cluster": must be a DNS-1123 label.*use a name like "my-cluster"/);
  });
  test('a cephConfig section name is malformed', () => {
    expect(make({ hosts: hosts(3), cephConfig: { 'global section': { a: 'b' } } })).toThrow(/cephConfig = "global section": section names are/);
  });
  test('osdMaintenanceTimeout is below a minute', () => {
    expect(make({ hosts: hosts(3), osdMaintenanceTimeout: Duration.seconds(10) })).toThrow(/osdMaintenanceTimeout = "10s": must be at least one minute/);
  });
  test('a cephConfig option name is malformed', () => {
    expect(make({ hosts: hosts(3), cephConfig: { global: { 'osd=pool': '1' } } })).toThrow(/cephConfig\.global = "osd=pool": must be a Ceph option name/);
  });
  test('a device name is neither a kernel name nor a /dev path', () => {
    expect(make({ hosts: [{ name: 'a', devices: ['../sdb'] }], monCount: 1 })).toThrow(/hosts\[0\]\.devices = "\.\.\/sdb": must be a kernel device name or a \/dev path/);
  });
  test('a device set has no OSDs', () => {
    expect(make({ deviceSets: [{ name: 's', count: 0, storageClassName: 'lvm', size: Size.gibibytes(10) }] })).toThrow(/deviceSets\[0\]\.count = 0: must be a whole number of OSDs, at least 1/);
  });
  test('a device set lists no nodes', () => {
    expect(make({ deviceSets: [{ name: 's', count: 3, storageClassName: 'lvm', size: Size.gibibytes(10), nodes: [] }] })).toThrow(/deviceSets\[0\]\.nodes = \[\]: an empty node list matches no node/);
  });
  test('the dashboard port is not a port', () => {
    expect(make({ hosts: hosts(3), dashboardPort: 70000 })).toThrow(/dashboardPort = 70000: must be a TCP port/);
  });
});

describe('RookCephCluster supported releases (Rook v1.20)', () => {
  test('the default Ceph image is a Tentacle (v20.2.x) release, the line Rook v1.20 defaults to (Squid v19 is end of life on 2026-12-02)', () => {
    const { chart: c } = clusterOn(3);
    const image: string = find(synth(c), 'CephCluster', 'ceph').spec.cephVersion.image;
    expect(image).toBe(ContainerImage.CEPH.reference);
    expect(image.slice(0, image.lastIndexOf(':'))).toBe('quay.io/ceph/ceph');
    expect(ContainerImage.CEPH.tag).toMatch(/^v20\.2\.\d+$/);
  });

  test('records Rook v1.20\'s minimum Kubernetes version, 1.31', () => {
    expect(RookCephCluster.MIN_KUBERNETES_VERSION).toBe('1.31');
  });
});
