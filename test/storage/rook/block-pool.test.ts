import { Size, Testing } from 'cdk8s';
import { clusterOn, hosts, muteWarnings, warningsOf } from './fixtures';
import {
  CephErasureCodeAlgorithm, CephFailureDomain, CephPoolCompression, Filesystem, RbdImageFeature, ReclaimPolicy, RookCephBlockPool, RookCephCluster,
} from '../../../src';
import { find, findAll, synth } from '../../support/harness';

muteWarnings();

const RBD_SECRETS = (ns: string) => ({
  'csi.storage.k8s.io/provisioner-secret-name': 'rook-csi-rbd-provisioner',
  'csi.storage.k8s.io/provisioner-secret-namespace': ns,
  'csi.storage.k8s.io/controller-expand-secret-name': 'rook-csi-rbd-provisioner',
  'csi.storage.k8s.io/controller-expand-secret-namespace': ns,
  'csi.storage.k8s.io/controller-publish-secret-name': 'rook-csi-rbd-provisioner',
  'csi.storage.k8s.io/controller-publish-secret-namespace': ns,
  'csi.storage.k8s.io/node-stage-secret-name': 'rook-csi-rbd-node',
  'csi.storage.k8s.io/node-stage-secret-namespace': ns,
});

describe('RookCephBlockPool (replicated)', () => {
  test('defaults snapshot', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('db');
    expect(synth(chart)).toMatchSnapshot();
  });

  test('custom snapshot', () => {
    const { chart, cluster } = clusterOn(3, { namespace: 'ceph' });
    cluster.addBlockPool('db', {
      name: 'databases',
      replicas: 2,
      failureDomain: CephFailureDomain.HOST,
      compression: CephPoolCompression.AGGRESSIVE,
      targetSizeRatio: 0.2,
      quota: Size.gibibytes(500),
      parameters: { pg_num_min: '32' },
      enableRbdStats: true,
      storageClass: { name: 'fast-db', reclaimPolicy: ReclaimPolicy.RETAIN, fsType: Filesystem.XFS, mountOptions: ['discard'], allowVolumeExpansion: false },
    });
    expect(synth(chart)).toMatchSnapshot();
  });

  test('pool, StorageClass and snapshot class', () => {
    const { chart, cluster } = clusterOn(3);
    const pool = cluster.addBlockPool('db');
    const manifests = synth(chart);
    const cbp = find(manifests, 'CephBlockPool', 'db');
    expect(cbp.metadata.namespace).toBe('rook-ceph');
    expect(cbp.spec).toEqual({ failureDomain: 'host', replicated: { size: 3, requireSafeReplicaSize: true } });
    const sc = find(manifests, 'StorageClass', 'ceph-db');
    expect(pool.storageClassName).toBe('ceph-db');
    expect(sc.provisioner).toBe('rook-ceph.rbd.csi.ceph.com');
    expect(sc.parameters).toEqual({
      'clusterID': 'rook-ceph', 'pool': 'db', 'imageFormat': '2', 'imageFeatures': 'layering', ...RBD_SECRETS('rook-ceph'), 'csi.storage.k8s.io/fstype': 'ext4',
    });
    expect(sc.reclaimPolicy).toBe('Delete');
    expect(sc.allowVolumeExpansion).toBe(true);
    expect(sc.volumeBindingMode).toBe('Immediate');
    const vsc = find(manifests, 'VolumeSnapshotClass', 'rook-ceph-rbd');
    expect(vsc.driver).toBe('rook-ceph.rbd.csi.ceph.com');
    expect(vsc.deletionPolicy).toBe('Delete');
    expect(vsc.parameters).toEqual({
      'clusterID': 'rook-ceph',
      'csi.storage.k8s.io/snapshotter-secret-name': 'rook-csi-rbd-provisioner',
      'csi.storage.k8s.io/snapshotter-secret-namespace': 'rook-ceph',
    });
  });

  test('pool options map to Rook fields', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('db', { compression: CephPoolCompression.FORCE, quota: Size.gibibytes(10), targetSizeRatio: 0.5, deviceClass: 'ssd' });
    const spec = find(synth(chart), 'CephBlockPool', 'db').spec;
    expect(spec.parameters).toEqual({ compression_mode: 'force' });
    expect(spec.quotas).toEqual({ maxSize: '10Gi' });
    expect(spec.replicated.targetSizeRatio).toBe(0.5);
    expect(spec.deviceClass).toBe('ssd');
  });

  test('one snapshot class per driver, however many pools', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('a');
    cluster.addBlockPool('b');
    expect(findAll(synth(chart), 'VolumeSnapshotClass')).toHaveLength(1);
  });

  test('snapshot classes can be turned off or retained', () => {
    const off = clusterOn(3, { volumeSnapshotClasses: false });
    off.cluster.addBlockPool('a');
    expect(findAll(synth(off.chart), 'VolumeSnapshotClass')).toHaveLength(0);
    const retain = clusterOn(3, { snapshotDeletionPolicy: 'Retain' as any });
    retain.cluster.addBlockPool('a');
    expect(find(synth(retain.chart), 'VolumeSnapshotClass', 'rook-ceph-rbd').deletionPolicy).toBe('Retain');
  });

  test('can be created outside the cluster scope', () => {
    const { chart, cluster } = clusterOn(3);
    new RookCephBlockPool(chart, 'standalone', { cluster });
    expect(find(synth(chart), 'CephBlockPool', 'standalone').metadata.namespace).toBe('rook-ceph');
  });

  test('a non-default operator namespace changes the driver names', () => {
    const { chart, cluster } = clusterOn(3, { namespace: 'ceph-a', operatorNamespace: 'rook-system' });
    cluster.addBlockPool('db');
    const sc = find(synth(chart), 'StorageClass', 'ceph-db');
    expect(sc.provisioner).toBe('rook-system.rbd.csi.ceph.com');
    expect(sc.parameters.clusterID).toBe('ceph-a');
    expect(sc.parameters['csi.storage.k8s.io/node-stage-secret-namespace']).toBe('ceph-a');
  });

  test('2 replicas warn', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('db', { replicas: 2 });
    synth(chart);
    expect(warningsOf(chart).join('\n')).toMatch(/RookCephBlockPool "test\/ceph\/db": replicas = 2: pool "db" keeps one copy while a failure domain is down/);
  });

  test('1 replica is possible only without requireSafeReplicaSize', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('scratch', { replicas: 1, requireSafeReplicaSize: false });
    expect(find(synth(chart), 'CephBlockPool', 'scratch').spec.replicated).toEqual({ size: 1, requireSafeReplicaSize: false });
  });
});

describe('RookCephErasureCodedBlockPool', () => {
  test('defaults snapshot (2+2 on 5 hosts)', () => {
    const { chart, cluster } = clusterOn(5);
    cluster.addErasureCodedBlockPool('video');
    expect(synth(chart)).toMatchSnapshot();
  });

  test('custom snapshot', () => {
    const { chart, cluster } = clusterOn(6);
    cluster.addErasureCodedBlockPool('video', {
      name: 'cams',
      dataChunks: 4,
      codingChunks: 2,
      algorithm: CephErasureCodeAlgorithm.ISA,
      deviceClass: 'hdd',
      compression: CephPoolCompression.PASSIVE,
      metadataPool: { replicas: 3, deviceClass: 'hdd' },
      storageClass: {
        name: 'cams', isDefault: true, imageFeatures: [RbdImageFeature.LAYERING, RbdImageFeature.EXCLUSIVE_LOCK, RbdImageFeature.OBJECT_MAP, RbdImageFeature.FAST_DIFF, RbdImageFeature.DEEP_FLATTEN],
      },
    });
    expect(synth(chart)).toMatchSnapshot();
  });

  test('pool pair: replicated metadata pool and EC data pool', () => {
    const { chart, cluster } = clusterOn(5);
    const pool = cluster.addErasureCodedBlockPool('video');
    const manifests = synth(chart);
    expect(pool.metadataPoolName).toBe('video-metadata');
    expect(pool.dataPoolName).toBe('video-data');
    const meta = find(manifests, 'CephBlockPool', 'video-metadata');
    expect(meta.spec.replicated.size).toBe(3);
    expect(meta.spec.erasureCoded).toBeUndefined();
    const data = find(manifests, 'CephBlockPool', 'video-data');
    expect(data.spec.erasureCoded).toEqual({ dataChunks: 2, codingChunks: 2 });
    expect(data.spec.failureDomain).toBe('host');
    expect(data.spec.replicated).toBeUndefined();
  });

  test('StorageClass: metadata pool as pool, EC pool as dataPool, Rook CSI secrets', () => {
    const { chart, cluster } = clusterOn(5);
    cluster.addErasureCodedBlockPool('video');
    const sc = find(synth(chart), 'StorageClass', 'ceph-video');
    expect(sc.parameters.pool).toBe('video-metadata');
    expect(sc.parameters.dataPool).toBe('video-data');
    expect(sc.parameters).toMatchObject(RBD_SECRETS('rook-ceph'));
  });

  test('the metadata pool inherits failure domain and device class', () => {
    const { chart, cluster } = clusterOn(5);
    cluster.addErasureCodedBlockPool('video', { deviceClass: 'hdd', failureDomain: CephFailureDomain.HOST });
    const meta = find(synth(chart), 'CephBlockPool', 'video-metadata').spec;
    expect(meta.deviceClass).toBe('hdd');
    expect(meta.failureDomain).toBe('host');
  });

  test('default StorageClass annotation', () => {
    const { chart, cluster } = clusterOn(5);
    cluster.addErasureCodedBlockPool('video', { storageClass: { isDefault: true } });
    expect(find(synth(chart), 'StorageClass', 'ceph-video').metadata.annotations).toEqual({ 'storageclass.kubernetes.io/is-default-class': 'true' });
  });

  describe('placement against hosts', () => {
    test('k+m = hosts = 4 warns (no self-heal) and sets mon_osd_down_out_subtree_limit = host', () => {
      const { chart, cluster } = clusterOn(4);
      cluster.addErasureCodedBlockPool('video');
      const cc = find(synth(chart), 'CephCluster', 'ceph');
      expect(cc.spec.cephConfig).toEqual({ global: { mon_osd_down_out_subtree_limit: 'host' } });
      expect(cluster.effectiveCephConfig()).toEqual({ global: { mon_osd_down_out_subtree_limit: 'host' } });
      expect(warningsOf(chart).join('\n')).toMatch(
        /RookCephErasureCodedBlockPool "test\/ceph\/video": dataChunks\+codingChunks = 4: pool "video-data" uses every one of the 4 hosts with OSDs of cluster "ceph".*no self-healing.*add a 5th host with OSDs.*mon_osd_down_out_subtree_limit/,
      );
    });

    test('5 hosts for 2+2: no warning, no automatic setting', () => {
      const { chart, cluster } = clusterOn(5);
      cluster.addErasureCodedBlockPool('video');
      expect(find(synth(chart), 'CephCluster', 'ceph').spec.cephConfig).toBeUndefined();
      expect(warningsOf(chart)).toEqual([]);
    });

    test('k+m = hosts = 3 (2+1) warns but does not set the subtree limit', () => {
      const { chart, cluster } = clusterOn(3);
      cluster.addErasureCodedBlockPool('video', { codingChunks: 1 });
      expect(find(synth(chart), 'CephCluster', 'ceph').spec.cephConfig).toBeUndefined();
      const text = warningsOf(chart).join('\n');
      expect(text).toMatch(/uses every one of the 3 hosts/);
      expect(text).toMatch(/consider cephConfig global\.mon_osd_down_out_subtree_limit/);
    });

    test('the automatic setting can be overridden or turned off', () => {
      const over = clusterOn(4, { cephConfig: { global: { mon_osd_down_out_subtree_limit: 'rack', osd_max_backfills: '2' } } });
      over.cluster.addErasureCodedBlockPool('video');
      expect(find(synth(over.chart), 'CephCluster', 'ceph').spec.cephConfig).toEqual({ global: { mon_osd_down_out_subtree_limit: 'rack', osd_max_backfills: '2' } });
      const off = clusterOn(4, { autoDownOutSubtreeLimit: false });
      off.cluster.addErasureCodedBlockPool('video');
      expect(find(synth(off.chart), 'CephCluster', 'ceph').spec.cephConfig).toBeUndefined();
    });

    test('the setting follows pools added after other objects (computed at synth)', () => {
      const { chart, cluster } = clusterOn(4);
      cluster.addBlockPool('db');
      expect(find(synth(chart), 'CephCluster', 'ceph').spec.cephConfig).toBeUndefined();
      const again = clusterOn(4);
      again.cluster.addBlockPool('db');
      again.cluster.addErasureCodedBlockPool('video');
      expect(find(synth(again.chart), 'CephCluster', 'ceph').spec.cephConfig.global.mon_osd_down_out_subtree_limit).toBe('host');
    });

    test('failureDomain osd counts OSDs when they are known', () => {
      const { chart, cluster } = clusterOn(2, { hosts: hosts(2, ['sdb', 'sdc', 'sdd']), monCount: 1 });
      cluster.addErasureCodedBlockPool('video', { failureDomain: CephFailureDomain.OSD, metadataPool: { replicas: 2, failureDomain: CephFailureDomain.HOST } });
      const data = find(synth(chart), 'CephBlockPool', 'video-data').spec;
      expect(data.failureDomain).toBe('osd');
    });

    test('failureDomain osd with a device filter: says what could not be checked', () => {
      const c = Testing.chart();
      const cluster = new RookCephCluster(c, 'ceph', { hosts: [{ name: 'a', deviceFilter: '^sd' }, { name: 'b', devices: ['sdb'] }], monCount: 1 });
      cluster.addErasureCodedBlockPool('video', { failureDomain: CephFailureDomain.OSD, metadataPool: { replicas: 2 } });
      synth(c);
      expect(warningsOf(c).join('\n')).toMatch(/pool "video-data" needs at least 4 OSDs for failureDomain osd; could not be checked: host "a" selects devices by filter \(1 known\)/);
    });

    test('zone failure domains cannot be counted: warning', () => {
      const { chart, cluster } = clusterOn(5);
      cluster.addErasureCodedBlockPool('video', { failureDomain: CephFailureDomain.ZONE, metadataPool: { failureDomain: CephFailureDomain.HOST } });
      synth(chart);
      expect(warningsOf(chart).join('\n')).toMatch(/pool "video-data" needs at least 4 zone buckets for failureDomain zone; could not be checked: the library cannot count "zone" failure domains/);
    });

    test('codingChunks 1 warns (extremely risky)', () => {
      const { chart, cluster } = clusterOn(5);
      cluster.addErasureCodedBlockPool('video', { codingChunks: 1 });
      synth(chart);
      expect(warningsOf(chart).join('\n')).toMatch(/codingChunks = 1: pool "video-data" survives only one lost host.*\(extremely risky\); use codingChunks 2/);
    });
  });

  describe('deviceClass on all pools or none', () => {
    test('all pools with a class: passes and pins the .mgr pool to it too', () => {
      const { chart, cluster } = clusterOn(5);
      cluster.addErasureCodedBlockPool('video', { deviceClass: 'hdd' });
      cluster.addBlockPool('db', { deviceClass: 'ssd' });
      const manifests = synth(chart);
      const mgr = find(manifests, 'CephBlockPool', 'builtin-mgr');
      expect(mgr.spec).toEqual({ name: '.mgr', failureDomain: 'host', deviceClass: 'hdd', replicated: { size: 3, requireSafeReplicaSize: true }, parameters: { compression_mode: 'none' } });
    });

    test('fails if one pool has a class and another has none', () => {
      const { chart, cluster } = clusterOn(5);
      cluster.addErasureCodedBlockPool('video', { deviceClass: 'hdd' });
      cluster.addBlockPool('db');
      expect(() => synth(chart)).toThrow(/RookCephBlockPool "test\/ceph\/db": deviceClass = "unset": pool "db" has no deviceClass while "video-metadata" \(hdd\), "video-data" \(hdd\) have one.*; set deviceClass on every pool of the cluster/);
    });

    test('fails if only the data pool has a class (metadata pool overridden without one)', () => {
      const { chart, cluster } = clusterOn(5);
      cluster.addErasureCodedBlockPool('video', { deviceClass: 'hdd', metadataPool: { replicas: 3, deviceClass: undefined } });
      // metadataPool spreads over the data pool's options, so an explicit undefined clears the inherited class.
      expect(() => synth(chart)).toThrow(/metadataPool\.deviceClass = "unset": pool "video-metadata" has no deviceClass/);
    });
  });

  describe('fails if', () => {
    test('hosts are fewer than k+m (failureDomain host)', () => {
      const { cluster } = clusterOn(3);
      expect(() => cluster.addErasureCodedBlockPool('video')).toThrow(
        /^RookCephErasureCodedBlockPool "test\/ceph\/video": dataChunks\+codingChunks = 4: pool "video-data" needs at least 4 hosts with OSDs for failureDomain host, but cluster "ceph" has 3 \(node-1, node-2, node-3\); Ceph would accept the pool and then hang writes; add 1 host\(s\) with OSDs, lower dataChunks\/codingChunks \(e\.g\. 2\+1 \(extremely risky\) or a replicated pool\), or use failureDomain osd$/,
      );
    });
    test('OSDs are fewer than k+m (failureDomain osd, devices known)', () => {
      const { cluster } = clusterOn(3, { hosts: hosts(3, ['sdb']) });
      expect(() => cluster.addErasureCodedBlockPool('video', { dataChunks: 4, codingChunks: 2, failureDomain: CephFailureDomain.OSD, metadataPool: { failureDomain: CephFailureDomain.HOST } }))
        .toThrow(/dataChunks\+codingChunks = 6: pool "video-data" needs at least 6 OSDs for failureDomain osd, but cluster "ceph" has 3/);
    });
    test('two hosts cannot hold any EC profile (the fix suggests a replicated pool)', () => {
      const { cluster } = clusterOn(2, { monCount: 1 });
      expect(() => cluster.addErasureCodedBlockPool('video', { metadataPool: { replicas: 2 } })).toThrow(/lower dataChunks\/codingChunks \(e\.g\. a replicated pool\)/);
    });
    test('codingChunks is 0', () => {
      const { cluster } = clusterOn(5);
      expect(() => cluster.addErasureCodedBlockPool('video', { codingChunks: 0 })).toThrow(/codingChunks = 0: with 0 coding chunks the loss of any one failure domain loses data/);
    });
    test('dataChunks is below 2', () => {
      const { cluster } = clusterOn(5);
      expect(() => cluster.addErasureCodedBlockPool('video', { dataChunks: 1 })).toThrow(/dataChunks = 1: erasure coding needs at least 2 data chunks/);
    });
    test('the metadata pool is given erasure-coding options', () => {
      const { cluster } = clusterOn(5);
      expect(() => cluster.addErasureCodedBlockPool('video', { metadataPool: { dataChunks: 2, codingChunks: 2 } as any })).toThrow(/metadataPool = "erasure-coded": RBD keeps image metadata \(omap\) in the pool named by `pool`, which must be replicated/);
    });
    test('the metadata pool has more replicas than hosts', () => {
      const { cluster } = clusterOn(4);
      expect(() => cluster.addErasureCodedBlockPool('video', { metadataPool: { replicas: 5 } })).toThrow(/metadataPool\.replicas = 5: pool "video-metadata" needs at least 5 hosts with OSDs for failureDomain host, but cluster "ceph" has 4.*; lower replicas to 4/);
    });
    test('two StorageClasses claim to be the default', () => {
      const { chart, cluster } = clusterOn(5);
      cluster.addErasureCodedBlockPool('video', { storageClass: { isDefault: true } });
      cluster.addBlockPool('db', { storageClass: { isDefault: true } });
      expect(() => synth(chart)).toThrow(/RookCephBlockPool "test\/ceph\/db": storageClass\.isDefault = true: only one StorageClass may be the cluster default, but "ceph-video", "ceph-db" all are/);
    });
    test('image features lack their dependencies', () => {
      const { cluster } = clusterOn(5);
      expect(() => cluster.addErasureCodedBlockPool('video', { storageClass: { imageFeatures: [RbdImageFeature.LAYERING, RbdImageFeature.FAST_DIFF] } }))
        .toThrow(/storageClass\.imageFeatures = \["layering","fast-diff"\]: object-map needs exclusive-lock, and fast-diff needs object-map/);
    });
    test('layering is missing', () => {
      const { cluster } = clusterOn(5);
      expect(() => cluster.addErasureCodedBlockPool('video', { storageClass: { imageFeatures: [RbdImageFeature.EXCLUSIVE_LOCK] } })).toThrow(/must include layering/);
    });
  });
});

describe('CephFailureDomain', () => {
  test('custom CRUSH types are passed through', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('db', { failureDomain: CephFailureDomain.custom('datacenter') });
    expect(find(synth(chart), 'CephBlockPool', 'db').spec.failureDomain).toBe('datacenter');
    expect(warningsOf(chart).join('\n')).toMatch(/could not be checked: the library cannot count "datacenter" failure domains/);
    expect(CephFailureDomain.RACK.toString()).toBe('rack');
  });
  test('fails if a custom type is not a CRUSH type name', () => {
    expect(() => CephFailureDomain.custom('Data Center')).toThrow(/CephFailureDomain: type = "Data Center": must be a CRUSH bucket type name/);
  });
});

describe('RookCephBlockPool fails if', () => {
  test('replicas exceed the hosts', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addBlockPool('db', { replicas: 4 })).toThrow(/RookCephBlockPool "test\/ceph\/db": replicas = 4: pool "db" needs at least 4 hosts with OSDs for failureDomain host, but cluster "ceph" has 3.*; lower replicas to 3, add hosts with OSDs, or use failureDomain osd/);
  });
  test('replicas exceed the OSDs (failureDomain osd)', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addBlockPool('db', { replicas: 4, failureDomain: CephFailureDomain.OSD })).toThrow(/replicas = 4: pool "db" needs at least 4 OSDs for failureDomain osd, but cluster "ceph" has 3/);
  });
  test('replicas is 1 with requireSafeReplicaSize', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addBlockPool('db', { replicas: 1 })).toThrow(/replicas = 1: a single copy loses data with any disk failure/);
  });
  test('replicas is not a whole number', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addBlockPool('db', { replicas: 2.5 })).toThrow(/replicas = 2\.5: must be a whole number of copies/);
  });
  test('targetSizeRatio is out of range', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addBlockPool('db', { targetSizeRatio: 2 })).toThrow(/targetSizeRatio = 2: must be a share of the cluster/);
  });
  test('the quota is tiny', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addBlockPool('db', { quota: Size.kibibytes(4) })).toThrow(/quota = "4Ki": must be at least 1 MiB/);
  });
  test('the device class is malformed', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addBlockPool('db', { deviceClass: 'fast ssd' })).toThrow(/deviceClass = "fast ssd": must be a CRUSH device class name/);
  });
  test('the pool name is not a valid object name', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addBlockPool('DB')).toThrow(/id = "DB": must be a DNS-1123 label/);
  });
  test('the StorageClass name is not valid', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addBlockPool('db', { storageClass: { name: 'Fast_DB' } })).toThrow(/storageClass\.name = "Fast_DB": must be a DNS-1123 subdomain/);
  });
});

/** Both sides of every documented pool limit (written against the mutation run of block-pool.ts and common.ts). */
describe('pool limits at both edges', () => {
  const spec = (chart: any, name: string) => find(synth(chart), 'CephBlockPool', name).spec;

  test('replicas: 1 (without requireSafeReplicaSize) and 10 are accepted; 0 and 11 are not', () => {
    const ten = clusterOn(10);
    ten.cluster.addBlockPool('db', { replicas: 10 });
    expect(spec(ten.chart, 'db').replicated.size).toBe(10);
    const { cluster } = clusterOn(12);
    expect(() => cluster.addBlockPool('a', { replicas: 11 })).toThrow(
      'RookCephBlockPool "test/ceph/a": replicas = 11: must be a whole number of copies from 1 to 10; use 3 (Ceph\'s default) or 2 on very small clusters');
    expect(() => cluster.addBlockPool('b', { replicas: 0, requireSafeReplicaSize: false })).toThrow(/replicas = 0: must be a whole number of copies from 1 to 10/);
    expect(() => cluster.addBlockPool('c', { replicas: 1 })).toThrow(
      'RookCephBlockPool "test/ceph/c": replicas = 1: a single copy loses data with any disk failure, and Rook refuses it while requireSafeReplicaSize is true; use 2 or 3 replicas, or set requireSafeReplicaSize: false for throw-away data');
    expect(() => cluster.addBlockPool('d', { replicas: 1, requireSafeReplicaSize: true })).toThrow(/replicas = 1: a single copy/);
    expect(() => cluster.addBlockPool('e', { replicas: 2, requireSafeReplicaSize: true })).not.toThrow();
  });

  test('3 replicas (the default) do not warn; 2 do', () => {
    const three = clusterOn(3);
    three.cluster.addBlockPool('db', { replicas: 3 });
    synth(three.chart);
    expect(warningsOf(three.chart).join('\n')).not.toMatch(/keeps one copy/);
    expect(three.cluster.node.findChild('db')).toMatchObject({ replicas: 3 });
  });

  test('targetSizeRatio: any share in (0, 1] is accepted, 0 and above 1 are not', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('whole', { targetSizeRatio: 1 });
    cluster.addBlockPool('tiny', { targetSizeRatio: 0.001 });
    expect(spec(chart, 'whole').replicated.targetSizeRatio).toBe(1);
    expect(spec(chart, 'tiny').replicated.targetSizeRatio).toBe(0.001);
    expect(() => cluster.addBlockPool('zero', { targetSizeRatio: 0 })).toThrow(
      'RookCephBlockPool "test/ceph/zero": targetSizeRatio = 0: must be a share of the cluster between 0 (exclusive) and 1; use e.g. 0.5 for half of the cluster');
    expect(() => cluster.addBlockPool('over', { targetSizeRatio: 1.01 })).toThrow(/targetSizeRatio = 1\.01: must be a share/);
    expect(() => cluster.addBlockPool('neg', { targetSizeRatio: -0.5 })).toThrow(/targetSizeRatio = -0\.5: /);
    expect(() => cluster.addBlockPool('nan', { targetSizeRatio: NaN })).toThrow(/targetSizeRatio = /);
  });

  test('an erasure-coded pool carries targetSizeRatio as the target_size_ratio pool parameter', () => {
    const { chart, cluster } = clusterOn(5);
    cluster.addErasureCodedBlockPool('video', { targetSizeRatio: 0.3, compression: CephPoolCompression.PASSIVE, parameters: { pg_num_min: '8' } });
    const data = spec(chart, 'video-data');
    expect(data.parameters).toEqual({ pg_num_min: '8', compression_mode: 'passive', target_size_ratio: '0.3' });
    expect(data.erasureCoded).toEqual({ dataChunks: 2, codingChunks: 2 });
    // The ratio belongs to the data pool only; the metadata pool gets none unless given its own.
    expect(spec(chart, 'video-metadata').replicated).toEqual({ size: 3, requireSafeReplicaSize: true });
    expect(spec(chart, 'video-metadata').parameters).toBeUndefined();
    expect(() => cluster.addErasureCodedBlockPool('bad', { targetSizeRatio: 0 })).toThrow(/RookCephErasureCodedBlockPool "test\/ceph\/bad": targetSizeRatio = 0: /);
  });

  test('a pool without options has no parameters or quotas; the algorithm is written only when set', () => {
    const { chart, cluster } = clusterOn(5);
    cluster.addErasureCodedBlockPool('plain');
    cluster.addErasureCodedBlockPool('isa', { algorithm: CephErasureCodeAlgorithm.ISA, quota: Size.mebibytes(1) });
    expect(spec(chart, 'plain-data')).toEqual({ failureDomain: 'host', erasureCoded: { dataChunks: 2, codingChunks: 2 } });
    expect(spec(chart, 'isa-data')).toEqual({ failureDomain: 'host', erasureCoded: { dataChunks: 2, codingChunks: 2, algorithm: 'isa' }, quotas: { maxSize: '1Mi' } });
  });

  test('quota: 1 MiB is the smallest accepted', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('small', { quota: Size.mebibytes(1) });
    expect(spec(chart, 'small').quotas).toEqual({ maxSize: '1Mi' });
    expect(() => cluster.addBlockPool('tiny', { quota: Size.kibibytes(1023) })).toThrow(
      'RookCephBlockPool "test/ceph/tiny": quota = "1023Ki": must be at least 1 MiB; use a larger quota or omit it');
  });

  test('deviceClass: letters, digits, "-" and "_", starting with a letter or digit', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('a', { deviceClass: 'nvme_0-fast' });
    expect(spec(chart, 'a').deviceClass).toBe('nvme_0-fast');
    for (const bad of ['-ssd', '_ssd', 'ssd!', 'ssd ', '']) {
      expect(() => clusterOn(3).cluster.addBlockPool('b', { deviceClass: bad })).toThrow(
        `RookCephBlockPool "test/ceph/b": deviceClass = ${JSON.stringify(bad)}: must be a CRUSH device class name (letters, digits, "-", "_"); use e.g. "ssd", "hdd" or "nvme"`);
    }
  });

  test('dataChunks: 2 is the fewest, and whole; codingChunks: 1 is the fewest, and whole', () => {
    const { chart, cluster } = clusterOn(5);
    cluster.addErasureCodedBlockPool('ok', { dataChunks: 2, codingChunks: 1 });
    expect(spec(chart, 'ok-data').erasureCoded).toEqual({ dataChunks: 2, codingChunks: 1 });
    expect(() => cluster.addErasureCodedBlockPool('k1', { dataChunks: 1 })).toThrow(
      'RookCephErasureCodedBlockPool "test/ceph/k1": dataChunks = 1: erasure coding needs at least 2 data chunks (with 1 it is plain replication at higher cost); use dataChunks 2 or more, or a replicated pool');
    expect(() => cluster.addErasureCodedBlockPool('k25', { dataChunks: 2.5 })).toThrow(/dataChunks = 2\.5: /);
    expect(() => cluster.addErasureCodedBlockPool('m0', { codingChunks: 0 })).toThrow(
      'RookCephErasureCodedBlockPool "test/ceph/m0": codingChunks = 0: with 0 coding chunks the loss of any one failure domain loses data; use codingChunks 2 (or at least 1)');
    expect(() => cluster.addErasureCodedBlockPool('m15', { codingChunks: 1.5 })).toThrow(/codingChunks = 1\.5: /);
  });

  test('the metadata pool must be replicated: data or coding chunks alone are refused too', () => {
    for (const given of [{ dataChunks: 2 }, { codingChunks: 2 }]) {
      const { cluster } = clusterOn(5);
      expect(() => cluster.addErasureCodedBlockPool('video', { metadataPool: given as any })).toThrow(
        'RookCephErasureCodedBlockPool "test/ceph/video": metadataPool = "erasure-coded": RBD keeps image metadata (omap) in the pool named by `pool`, which must be replicated; only the data pool may be erasure-coded; give metadataPool replicated options (replicas) only');
    }
  });

  test('the metadata pool is validated under its own prop name', () => {
    const { cluster } = clusterOn(5);
    expect(() => cluster.addErasureCodedBlockPool('a', { metadataPool: { replicas: 11 } })).toThrow(/RookCephErasureCodedBlockPool "test\/ceph\/a": metadataPool\.replicas = 11: /);
    expect(() => cluster.addErasureCodedBlockPool('b', { metadataPool: { targetSizeRatio: 5 } })).toThrow(/metadataPool\.targetSizeRatio = 5: /);
    expect(() => cluster.addErasureCodedBlockPool('c', { metadataPool: { quota: Size.kibibytes(1) } })).toThrow(/metadataPool\.quota = "1Ki": /);
    expect(() => cluster.addErasureCodedBlockPool('d', { metadataPool: { deviceClass: 'a b' } })).toThrow(/metadataPool\.deviceClass = "a b": /);
    const ok = clusterOn(5);
    ok.cluster.addErasureCodedBlockPool('e', { metadataPool: { replicas: 2, targetSizeRatio: 0.1 } });
    expect(spec(ok.chart, 'e-metadata').replicated).toEqual({ size: 2, requireSafeReplicaSize: true, targetSizeRatio: 0.1 });
  });

  test('image features: layering is required, dependencies are checked, duplicates are written once', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('full', { storageClass: { imageFeatures: [RbdImageFeature.LAYERING, RbdImageFeature.EXCLUSIVE_LOCK, RbdImageFeature.OBJECT_MAP, RbdImageFeature.FAST_DIFF, RbdImageFeature.LAYERING] } });
    expect(find(synth(chart), 'StorageClass', 'ceph-full').parameters.imageFeatures).toBe('layering,exclusive-lock,object-map,fast-diff');
    expect(() => cluster.addBlockPool('none', { storageClass: { imageFeatures: [] } })).toThrow(
      'RookCephBlockPool "test/ceph/none": storageClass.imageFeatures = []: must include layering (ceph-csi needs it for clones and snapshots); start the list with RbdImageFeature.LAYERING');
    expect(() => cluster.addBlockPool('om', { storageClass: { imageFeatures: [RbdImageFeature.LAYERING, RbdImageFeature.OBJECT_MAP] } })).toThrow(
      'RookCephBlockPool "test/ceph/om": storageClass.imageFeatures = ["layering","object-map"]: object-map needs exclusive-lock, and fast-diff needs object-map; add the features they depend on');
    expect(() => cluster.addBlockPool('fd', { storageClass: { imageFeatures: [RbdImageFeature.LAYERING, RbdImageFeature.EXCLUSIVE_LOCK, RbdImageFeature.FAST_DIFF] } })).toThrow(/fast-diff needs object-map/);
    expect(() => cluster.addBlockPool('ok', { storageClass: { imageFeatures: [RbdImageFeature.LAYERING, RbdImageFeature.EXCLUSIVE_LOCK, RbdImageFeature.OBJECT_MAP] } })).not.toThrow();
  });

  test('StorageClass options: default annotation only when default; empty mount options are left out', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('plain', { storageClass: { mountOptions: [], isDefault: false } });
    cluster.addBlockPool('main', { storageClass: { isDefault: true, allowVolumeExpansion: false } });
    const manifests = synth(chart);
    const plain = find(manifests, 'StorageClass', 'ceph-plain');
    expect(plain.mountOptions).toBeUndefined();
    expect(plain.metadata.annotations).toBeUndefined();
    const main = find(manifests, 'StorageClass', 'ceph-main');
    expect(main.metadata.annotations).toEqual({ 'storageclass.kubernetes.io/is-default-class': 'true' });
    expect(main.allowVolumeExpansion).toBe(false);
    expect(main.metadata.namespace).toBeUndefined();
  });

  test('enableRbdStats is written only when on; a custom failure domain name is checked', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('off', { enableRbdStats: false });
    expect(spec(chart, 'off').enableRBDStats).toBeUndefined();
    expect(CephFailureDomain.custom('row_2-a').value).toBe('row_2-a');
    for (const bad of ['2row', 'Row', '-row', '']) expect(() => CephFailureDomain.custom(bad)).toThrow(/must be a CRUSH bucket type name/);
  });
});

/** What the rook-pools mutation run found untested: prop names in messages, the EC pool's width, defaults. */
describe('pool rules the mutation run found untested', () => {
  test('an invalid pool name names the prop that gave it: name when set, else the id', () => {
    expect(() => clusterOn(3).cluster.addBlockPool('db', { name: 'Fast_DB' })).toThrow(/^RookCephBlockPool "test\/ceph\/db": name = "Fast_DB": must be a DNS-1123 label/);
    expect(() => clusterOn(5).cluster.addErasureCodedBlockPool('video', { name: 'Video_Pool' })).toThrow(/^RookCephErasureCodedBlockPool "test\/ceph\/video": name = "Video_Pool": must be a DNS-1123 label/);
    expect(() => clusterOn(5).cluster.addErasureCodedBlockPool('Video')).toThrow(/^RookCephErasureCodedBlockPool "test\/ceph\/Video": id = "Video": must be a DNS-1123 label/);
  });

  test('a StorageClass name derived from the id names the id', () => {
    // The pool takes its name from `name`, the StorageClass from the id (ceph-<id>): an id unfit for it is the id's fault.
    expect(() => clusterOn(3).cluster.addBlockPool('Fast_DB', { name: 'db' })).toThrow(/^RookCephBlockPool "test\/ceph\/Fast_DB": id = "ceph-Fast_DB": must be a DNS-1123 subdomain/);
  });

  test('the two-replica warning names the pool and what it risks', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('db', { name: 'databases', replicas: 2 });
    synth(chart);
    expect(warningsOf(chart).join('\n')).toContain('replicas = 2: pool "databases" keeps one copy while a failure domain is down, and blocks writes (min_size 2) until it recovers; use 3 replicas when the cluster has 3 or more failure domains');
  });

  test('the metadata pool is checked as a replicated pool (replicas range, single copy)', () => {
    expect(() => clusterOn(12).cluster.addErasureCodedBlockPool('a', { metadataPool: { replicas: 11 } })).toThrow(
      'RookCephErasureCodedBlockPool "test/ceph/a": metadataPool.replicas = 11: must be a whole number of copies from 1 to 10; use 3 (Ceph\'s default) or 2 on very small clusters');
    expect(() => clusterOn(5).cluster.addErasureCodedBlockPool('b', { metadataPool: { replicas: 1 } })).toThrow(/metadataPool\.replicas = 1: a single copy loses data/);
  });

  test('an erasure-coded pool needs dataChunks + codingChunks failure domains', () => {
    expect(() => clusterOn(3).cluster.addErasureCodedBlockPool('video')).toThrow(/pool "video-data" needs at least 4 hosts with OSDs for failureDomain host, but cluster "ceph" has 3/);
    expect(() => clusterOn(4).cluster.addErasureCodedBlockPool('video', { dataChunks: 3, codingChunks: 2 })).toThrow(/needs at least 5 hosts/);
    expect(() => clusterOn(4).cluster.addErasureCodedBlockPool('video')).not.toThrow();
  });

  test('an RBD StorageClass formats with ext4 or XFS only', () => {
    expect(() => clusterOn(3).cluster.addBlockPool('db', { storageClass: { fsType: Filesystem.BTRFS } })).toThrow(
      'RookCephBlockPool "test/ceph/db": storageClass.fsType = "btrfs": ceph-csi formats RBD volumes with ext4 or XFS only; use Filesystem.EXT4 or Filesystem.XFS');
  });

  test('RBD StorageClasses allow volume expansion unless told not to', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addBlockPool('plain');
    cluster.addBlockPool('fixed', { storageClass: { allowVolumeExpansion: false } });
    const manifests = synth(chart);
    expect(find(manifests, 'StorageClass', 'ceph-plain').allowVolumeExpansion).toBe(true);
    expect(find(manifests, 'StorageClass', 'ceph-fixed').allowVolumeExpansion).toBe(false);
  });

  test('failure domains are the CRUSH type names; custom ones must be whole identifiers', () => {
    expect([CephFailureDomain.OSD, CephFailureDomain.HOST, CephFailureDomain.RACK, CephFailureDomain.ZONE, CephFailureDomain.REGION].map(String))
      .toEqual(['osd', 'host', 'rack', 'zone', 'region']);
    for (const bad of ['row!', 'room 1', '1row', '']) {
      expect(() => CephFailureDomain.custom(bad)).toThrow(`CephFailureDomain: type = ${JSON.stringify(bad)}: must be a CRUSH bucket type name`);
    }
    expect(CephFailureDomain.custom('data_center-2').value).toBe('data_center-2');
  });
});
