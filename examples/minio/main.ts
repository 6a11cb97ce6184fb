import { App, Chart, Duration, Size } from 'cdk8s';
import {
  ObjectEvent, ContainerImage, Filesystem, IEventTopic, KafkaCredentials, MinioCluster, MinioPolicyStatements, S3Credentials,
} from '../../src';

/**
 * A four-node edge MinIO pool (4 servers × 1 drive, EC:2: survives one server down) with two buckets that expire
 * old data and publish object events to Kafka.
 */
export function buildApp(app: App = new App()): App {
  const chart = new Chart(app, 'minio-edge', { namespace: 'site-a-storage' });

  // The Kafka topic the site's event pipeline consumes. A Strimzi KafkaTopic from the sync module implements
  // IEventTopic too; here it is a plain object describing a topic managed elsewhere.
  const objectEvents: IEventTopic = {
    topicName: 'site-a.object-events',
    bootstrapServers: 'edge-kafka-kafka-bootstrap.kafka.svc:9093',
    caCertificate: { name: 'edge-kafka-cluster-ca-cert', key: 'ca.crt' },
  };
  // The KafkaUser Strimzi created for MinIO: the User Operator writes its Secret in namespace "kafka".
  const kafkaUser = KafkaCredentials.fromKafkaUser('site-a-minio', { namespace: 'kafka' });
  // Strimzi writes the cluster CA and the user's Secret in namespace "kafka"; MinIO runs in "site-a-storage" and can
  // only mount Secrets of its own namespace. The operator copies both there (and keeps them in sync: Strimzi renews
  // the CA, the User Operator rotates the password); the notifications mount the copies.
  const secretCopies = {
    caCertificate: { name: 'edge-kafka-ca-copy', key: 'ca.crt' },
    credentials: kafkaUser.copiedTo('site-a-minio-kafka-copy', 'site-a-storage'),
  };

  const store = new MinioCluster(chart, 'store', {
    servers: 4,
    drivesPerServer: 1,
    parity: 2,
    driveSize: Size.tebibytes(2),
    storageClassName: 'openebs-lvm-xfs',
    driveFilesystem: Filesystem.XFS,
    rootCredentials: S3Credentials.fromSecretName('store-root'),
    clientCredentials: S3Credentials.fromSecretName('store-app-keys'),
    // The community image is frozen upstream; pin the last community release explicitly (or an AIStor/fork build).
    image: ContainerImage.MINIO,
    allowedClients: [
      { namespace: 'site-a-apps', podLabels: { 'app.kubernetes.io/part-of': 'video-pipeline' }, ports: [] },
      { namespace: 'velero', podLabels: { 'app.kubernetes.io/name': 'velero' }, ports: [] },
    ],
  });

  store.addBucket('recordings', {
    versioning: true,
    quota: Size.tebibytes(5),
    lifecycle: [
      { id: 'expire-recordings', expiration: Duration.days(30) },
      { id: 'drop-old-versions', noncurrentVersionExpiration: Duration.days(3), noncurrentVersionsToKeep: 1 },
    ],
    notifications: [{ topic: objectEvents, credentials: kafkaUser, secretCopies, events: [ObjectEvent.OBJECT_CREATED], suffix: '.mp4' }],
  });

  store.addBucket('snapshots', {
    lifecycle: [{ id: 'expire-snapshots', prefix: 'thumbnails/', expiration: Duration.days(7) }],
    notifications: [{ topic: objectEvents, credentials: kafkaUser, secretCopies, events: [ObjectEvent.OBJECT_CREATED, ObjectEvent.OBJECT_REMOVED], prefix: 'thumbnails/' }],
  });

  // The video pipeline writes recordings and snapshots with its own keys, never with root.
  store.addPolicy('video-pipeline', {
    statements: MinioPolicyStatements.readWrite(['recordings', 'snapshots']),
    users: [S3Credentials.fromSecretName('store-app-keys')],
  });

  return app;
}

if (require.main === module) {
  buildApp().synth();
}
