import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-30';
import { clusterOn, muteWarnings, warningsOf } from './fixtures';
import { CephFailureDomain, ReclaimPolicy, RookCephFilesystem } from '../../../src';
import { find, findAll, synth } from '../../support/harness';

muteWarnings();

describe('RookCephFilesystem', () => {
  test('defaults snapshot', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addFilesystem('shared');
    expect(synth(chart)).toMatchSnapshot();
  });

  test('custom snapshot', () => {
    const { chart, cluster } = clusterOn(5);
    cluster.addFilesystem('shared', {
      name: 'files',
      deviceClass: 'hdd',
      metadataPool: { replicas: 3, deviceClass: 'ssd' },
      dataPool: { replicas: 3 },
      erasureCodedDataPool: { dataChunks: 3, codingChunks: 2 },
      activeMdsCount: 2,
      activeStandby: false,
      mdsResources: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(2) } },
      mdsPriorityClassName: 'edge-critical',
      preserveFilesystemOnDelete: false,
      storageClass: { name: 'files', reclaimPolicy: ReclaimPolicy.RETAIN, mountOptions: ['noatime'] },
    });
    expect(synth(chart)).toMatchSnapshot();
  });

  test('replicated only: metadata + default data pool, StorageClass on the replicated pool', () => {
    const { chart, cluster } = clusterOn(3);
    const fs = cluster.addFilesystem('shared');
    const manifests = synth(chart);
    const cfs = find(manifests, 'CephFilesystem', 'shared');
    expect(cfs.spec.metadataPool.replicated.size).toBe(3);
    expect(cfs.spec.dataPools).toHaveLength(1);
    expect(cfs.spec.dataPools[0].name).toBe('replicated');
    expect(cfs.spec.dataPools[0].replicated.size).toBe(3);
    expect(cfs.spec.metadataServer).toMatchObject({ activeCount: 1, activeStandby: true, priorityClassName: 'system-cluster-critical' });
    expect(cfs.spec.preserveFilesystemOnDelete).toBe(true);
    const sc = find(manifests, 'StorageClass', 'ceph-shared');
    expect(fs.volumePoolName).toBe('shared-replicated');
    expect(sc.provisioner).toBe('rook-ceph.cephfs.csi.ceph.com');
    expect(sc.parameters).toEqual({
      'clusterID': 'rook-ceph',
      'fsName': 'shared',
      'pool': 'shared-replicated',
      'csi.storage.k8s.io/provisioner-secret-name': 'rook-csi-cephfs-provisioner',
      'csi.storage.k8s.io/provisioner-secret-namespace': 'rook-ceph',
      'csi.storage.k8s.io/controller-expand-secret-name': 'rook-csi-cephfs-provisioner',
      'csi.storage.k8s.io/controller-expand-secret-namespace': 'rook-ceph',
      'csi.storage.k8s.io/controller-publish-secret-name': 'rook-csi-cephfs-provisioner',
      'csi.storage.k8s.io/controller-publish-secret-namespace': 'rook-ceph',
      'csi.storage.k8s.io/node-stage-secret-name': 'rook-csi-cephfs-node',
      'csi.storage.k8s.io/node-stage-secret-namespace': 'rook-ceph',
    });
    expect(find(manifests, 'VolumeSnapshotClass', 'rook-ceph-cephfs').driver).toBe('rook-ceph.cephfs.csi.ceph.com');
  });

  test('EC secondary pool: replicated default data pool first, StorageClass targets the EC pool', () => {
    const { chart, cluster } = clusterOn(5);
    const fs = cluster.addFilesystem('shared', { erasureCodedDataPool: {} });
    const manifests = synth(chart);
    const pools = find(manifests, 'CephFilesystem', 'shared').spec.dataPools;
    expect(pools.map((p: any) => p.name)).toEqual(['replicated', 'erasurecoded']);
    expect(pools[0].replicated).toBeDefined();
    expect(pools[1].erasureCoded).toEqual({ dataChunks: 2, codingChunks: 2 });
    expect(fs.volumePoolName).toBe('shared-erasurecoded');
    expect(find(manifests, 'StorageClass', 'ceph-shared').parameters.pool).toBe('shared-erasurecoded');
  });

  test('filesystem-wide failure domain and device class reach every pool', () => {
    const { chart, cluster } = clusterOn(5);
    cluster.addFilesystem('shared', { deviceClass: 'ssd', failureDomain: CephFailureDomain.HOST, erasureCodedDataPool: {} });
    const spec = find(synth(chart), 'CephFilesystem', 'shared').spec;
    expect([spec.metadataPool, ...spec.dataPools].map((p: any) => p.deviceClass)).toEqual(['ssd', 'ssd', 'ssd']);
  });

  test('EC pool on k+m = 4 = hosts sets the subtree limit and warns', () => {
    const { chart, cluster } = clusterOn(4);
    cluster.addFilesystem('shared', { erasureCodedDataPool: {} });
    expect(find(synth(chart), 'CephCluster', 'ceph').spec.cephConfig.global.mon_osd_down_out_subtree_limit).toBe('host');
    expect(warningsOf(chart).join('\n')).toMatch(/RookCephFilesystem "test\/ceph\/shared": erasureCodedDataPool\.dataChunks\+erasureCodedDataPool\.codingChunks = 4/);
  });

  test('filesystem and block pools share one cluster: one snapshot class per driver', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addFilesystem('a');
    cluster.addFilesystem('b');
    cluster.addBlockPool('db');
    expect(findAll(synth(chart), 'VolumeSnapshotClass').map((v) => v.metadata.name).sort()).toEqual(['rook-ceph-cephfs', 'rook-ceph-rbd']);
  });

  test('can be created outside the cluster scope', () => {
    const { chart, cluster } = clusterOn(3);
    new RookCephFilesystem(chart, 'files', { cluster });
    expect(find(synth(chart), 'CephFilesystem', 'files').metadata.namespace).toBe('rook-ceph');
  });
});

describe('RookCephFilesystem fails if', () => {
  test('the EC data pool needs more hosts than exist', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addFilesystem('shared', { erasureCodedDataPool: {} })).toThrow(
      /RookCephFilesystem "test\/ceph\/shared": erasureCodedDataPool\.dataChunks\+erasureCodedDataPool\.codingChunks = 4: pool "shared-erasurecoded" needs at least 4 hosts with OSDs for failureDomain host, but cluster "ceph" has 3/,
    );
  });
  test('the metadata pool is erasure-coded', () => {
    const { cluster } = clusterOn(5);
    expect(() => cluster.addFilesystem('shared', { metadataPool: { dataChunks: 2, codingChunks: 2 } as any })).toThrow(/metadataPool = "erasure-coded": CephFS needs the metadata pool \(omap\) replicated/);
  });
  test('the default data pool is erasure-coded', () => {
    const { cluster } = clusterOn(5);
    expect(() => cluster.addFilesystem('shared', { dataPool: { dataChunks: 2 } as any })).toThrow(/dataPool = "erasure-coded": CephFS needs the default data pool \(file backtraces\) replicated.*erasureCodedDataPool instead/);
  });
  test('the EC pool has no coding chunks', () => {
    const { cluster } = clusterOn(5);
    expect(() => cluster.addFilesystem('shared', { erasureCodedDataPool: { codingChunks: 0 } })).toThrow(/erasureCodedDataPool\.codingChunks = 0/);
  });
  test('the EC pool has one data chunk', () => {
    const { cluster } = clusterOn(5);
    expect(() => cluster.addFilesystem('shared', { erasureCodedDataPool: { dataChunks: 1, codingChunks: 1 } })).toThrow(/erasureCodedDataPool\.dataChunks = 1/);
  });
  test('metadata replicas exceed the hosts', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addFilesystem('shared', { metadataPool: { replicas: 4 } })).toThrow(/metadataPool\.replicas = 4: pool "shared-metadata" needs at least 4 hosts/);
  });
  test('activeMdsCount is out of range', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addFilesystem('shared', { activeMdsCount: 0 })).toThrow(/activeMdsCount = 0: must be 1–50/);
  });
  test('pools mix device classes and none', () => {
    const { chart, cluster } = clusterOn(5);
    cluster.addFilesystem('shared', { dataPool: { deviceClass: 'hdd' } });
    expect(() => synth(chart)).toThrow(/RookCephFilesystem "test\/ceph\/shared": metadataPool\.deviceClass = "unset": pool "shared-metadata" has no deviceClass while "shared-replicated" \(hdd\) has one/);
  });
});
