import { App, Chart, Size } from 'cdk8s';
import { ObjectEvent, CephFailureDomain, RbdImageFeature, RookCephCluster } from '../../src';

/**
 * A four-node edge site on Rook Ceph: every node gives two disks to Ceph, and block, file and object storage all use
 * 2+2 erasure coding across the four hosts (any one host may fail without data loss; half the raw space is usable).
 * Because k+m equals the host count, the cluster gets `mon_osd_down_out_subtree_limit = host` automatically and the
 * library warns that the pools cannot self-heal until a fifth host is added.
 */
export function buildApp(app: App = new App()): App {
  const chart = new Chart(app, 'rook-ceph');

  const cluster = new RookCephCluster(chart, 'edge-ceph', {
    namespace: 'rook-ceph',
    hosts: ['edge-1', 'edge-2', 'edge-3', 'edge-4'].map((name) => ({ name, devices: ['sdb', 'sdc'] })),
    monCount: 3,
  });

  // RBD on EC 2+2: replicated metadata pool + EC data pool, the site's default StorageClass.
  cluster.addErasureCodedBlockPool('video', {
    dataChunks: 2,
    codingChunks: 2,
    failureDomain: CephFailureDomain.HOST,
    storageClass: {
      name: 'ceph-video',
      isDefault: true,
      imageFeatures: [RbdImageFeature.LAYERING, RbdImageFeature.EXCLUSIVE_LOCK, RbdImageFeature.OBJECT_MAP, RbdImageFeature.FAST_DIFF],
      mountOptions: ['discard'],
    },
  });

  // CephFS: replicated metadata and default data pool, EC 2+2 secondary pool for the files.
  cluster.addFilesystem('shared', {
    erasureCodedDataPool: { dataChunks: 2, codingChunks: 2 },
  });

  // RGW with an EC 2+2 data pool, a bucket for video segments and a Kafka notification per new segment.
  const objects = cluster.addObjectStore('objects', {
    erasureCodedDataPool: { dataChunks: 2, codingChunks: 2 },
    instances: 2,
  });
  const segments = objects.addBucket('video-segments', { namespace: 'surveillance', maxSize: Size.tebibytes(2) });
  segments.addKafkaNotification('new-segment', {
    topic: { topicName: 'video-segments', bootstrapServers: 'edge-kafka-bootstrap.kafka.svc:9092' },
    events: [ObjectEvent.OBJECT_CREATED_PUT, ObjectEvent.OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD],
    keySuffix: '.mp4',
  });
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
