import { Testing } from 'cdk8s';
import { muteWarnings } from './fixtures';
import { buildApp } from '../../../examples/rook-ceph/main';
import { find, findAll, synth } from '../../support/harness';

muteWarnings();

describe('examples/rook-ceph', () => {
  const manifests = () => synth(buildApp(Testing.app()));

  test('four hosts with two OSD devices each', () => {
    const nodes = find(manifests(), 'CephCluster', 'edge-ceph').spec.storage.nodes;
    expect(nodes.map((n: any) => n.name)).toEqual(['edge-1', 'edge-2', 'edge-3', 'edge-4']);
    expect(nodes.every((n: any) => n.devices.length === 2)).toBe(true);
  });

  test('block, file and object data pools are all EC 2+2 across hosts; metadata pools replicated', () => {
    const m = manifests();
    const ec22 = { dataChunks: 2, codingChunks: 2 };
    expect(find(m, 'CephBlockPool', 'video-data').spec.erasureCoded).toEqual(ec22);
    expect(find(m, 'CephBlockPool', 'video-metadata').spec.replicated.size).toBe(3);
    const fs = find(m, 'CephFilesystem', 'shared').spec;
    expect(fs.dataPools[1].erasureCoded).toEqual(ec22);
    expect(fs.metadataPool.replicated.size).toBe(3);
    const rgw = find(m, 'CephObjectStore', 'objects').spec;
    expect(rgw.dataPool.erasureCoded).toEqual(ec22);
    expect(rgw.metadataPool.replicated.size).toBe(3);
    const ecPools = [find(m, 'CephBlockPool', 'video-data').spec, fs.dataPools[1], rgw.dataPool];
    expect(ecPools.every((p) => p.failureDomain === 'host')).toBe(true);
  });

  test('2+2 on exactly 4 hosts: the cluster keeps a down host in', () => {
    expect(find(manifests(), 'CephCluster', 'edge-ceph').spec.cephConfig).toEqual({ global: { mon_osd_down_out_subtree_limit: 'host' } });
  });

  test('one default StorageClass, one per storage type, snapshot classes for both CSI drivers', () => {
    const m = manifests();
    const classes = findAll(m, 'StorageClass');
    expect(classes.map((c) => c.provisioner).sort()).toEqual(['rook-ceph.ceph.rook.io/bucket', 'rook-ceph.cephfs.csi.ceph.com', 'rook-ceph.rbd.csi.ceph.com']);
    expect(classes.filter((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true').map((c) => c.metadata.name)).toEqual(['ceph-video']);
    expect(findAll(m, 'VolumeSnapshotClass').map((c) => c.driver).sort()).toEqual(['rook-ceph.cephfs.csi.ceph.com', 'rook-ceph.rbd.csi.ceph.com']);
  });

  test('video segments raise Kafka events', () => {
    const m = manifests();
    expect(find(m, 'CephBucketNotification', 'video-segments-new-segment').spec.filter).toEqual({ keyFilters: [{ name: 'suffix', value: '.mp4' }] });
    expect(find(m, 'CephBucketTopic', 'video-segments').metadata.namespace).toBe('surveillance');
  });
});
