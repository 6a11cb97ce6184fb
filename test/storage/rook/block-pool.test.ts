import { Size, Testing } from 'cdk8s';
import { clusterOn, hosts, muteWarnings, warningsOf } from './fixtures';
import {
  CephErasureCodeAlgorithm, CephFailureDomain, CephPoolCompression, RbdFsType, RbdImageFeature, ReclaimPolicy, RookCephBlockPool, RookCephCluster,
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
      storageClass: { name: 'fast-db', reclaimPolicy: ReclaimPolicy.RETAIN, fsType: RbdFsType.XFS, mountOptions: ['discard'], allowVolumeExpansion: false },
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
