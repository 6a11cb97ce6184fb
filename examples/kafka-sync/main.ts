import { App, Chart, Duration, Size } from 'cdk8s';
import {
  Bandwidth, ConflictPolicy, EdgeKafkaCluster, EdgeKafkaTopic, EdgeKafkaUser, ExternalObjectStore, KafkaCredentials, KafkaCloudCluster,
  KafkaCloudToEdgeMirror, KafkaSync, MinioCluster, ObjectStoreFlavor, S3Credentials,
} from '../../src';

/**
 * Edge-to-cloud sync for one site: events over Kafka (MirrorMaker2 at the edge pushes to the cloud cluster),
 * bytes over S3 (an rclone CronJob copies new video segments to the cloud bucket). In the other direction a second
 * MirrorMaker2, also at the edge, pulls the cloud's model-release announcements into the site.
 *
 * Two charts: `site-a` is applied to the edge cluster, `cloud` to the cloud cluster (it creates the users the
 * site's MirrorMaker2s log in as; copy their Secrets and the cloud cluster CA Secret to the edge namespace).
 */
export function buildApp(app: App = new App()): App {
  const site = 'site-a';
  const edge = new Chart(app, site, { namespace: site });

  // A small site: one KRaft node (broker + controller) on local storage.
  const kafka = new EdgeKafkaCluster(edge, 'edge', { replicas: 1, storageSize: Size.gibibytes(50), storageClassName: 'openebs-hostpath' });

  // Object-created/deleted events from MinIO bucket notifications; keep 72 h for WAN outages.
  const objects = new EdgeKafkaTopic(edge, 'objects', {
    cluster: kafka, outageBudget: Duration.hours(72), expectedWriteRate: Bandwidth.kibibytesPerSecond(8),
  });
  // Sensor telemetry: higher rate, shorter outage budget.
  const telemetry = new EdgeKafkaTopic(edge, 'telemetry', {
    cluster: kafka, partitions: 6, outageBudget: Duration.hours(24), expectedWriteRate: Bandwidth.kibibytesPerSecond(64),
  });

  // Producer credentials for the MinIO construct's notification target and the telemetry collector.
  objects.grantProduce('minio-notify');
  telemetry.grantProduce('telegraf');

  const cloudKafka = (username: string): KafkaCloudCluster => ({
    bootstrapServers: 'kafka.cloud.example.com:9093',
    caCertificate: { name: 'cloud-cluster-ca-cert', key: 'ca.crt' },
    credentials: KafkaCredentials.fromSecretName(username, { username }),
  });
  const sync = new KafkaSync(edge, 'to-cloud', {
    source: kafka,
    site,
    topics: [objects, telemetry],
    target: cloudKafka(`${site}-mm2`),
    conflictPolicy: ConflictPolicy.EDGE_PRIORITY,
  });

  // Cloud -> edge: model-release announcements land in `cloud.model-releases` on the site's cluster; the site's
  // model puller reads them with its own read-only user.
  const releases = new KafkaCloudToEdgeMirror(edge, 'from-cloud', {
    source: cloudKafka(`${site}-releases`),
    target: kafka,
    site,
    topics: ['model-releases'],
  });
  releases.grantConsume('model-puller');

  // The bytes: video segments edge MinIO (its client Service, not the headless `store-hl`, which also lists servers that
  // are not ready) -> cloud bucket, under the site's prefix, capped at 20 MiB/s. The MinioCluster `store` is built by
  // the site's storage app; its server pods are selected by the labels it gives them.
  const edgeStore = new ExternalObjectStore({
    s3Endpoint: `http://store.${site}.svc.cluster.local:9000`,
    credentials: S3Credentials.fromSecretName('store-replication-keys'),
    flavor: ObjectStoreFlavor.MINIO,
    networkPeer: { namespace: site, podLabels: MinioCluster.podLabelsFor('store'), ports: [9000] },
  });
  const cloudStore = new ExternalObjectStore({ s3Endpoint: 'https://s3.cloud.example.com', credentials: S3Credentials.fromSecretName('cloud-s3-keys') });
  sync.addObjectReplication('video-to-cloud', {
    source: edgeStore,
    sourceBucket: 'video',
    destination: cloudStore,
    destinationBucket: 'fleet-video',
    destinationPrefix: site,
    bandwidthLimit: Bandwidth.mebibytesPerSecond(20),
    maxAge: Duration.days(3),
  });

  // Cloud side: the user this site's MirrorMaker2 writes with (ACLs scoped to `site-a.` topics and its own
  // Connect group and internal topics).
  const cloud = new Chart(app, 'cloud', { namespace: 'kafka' });
  const central = EdgeKafkaCluster.fromClusterAttributes(cloud, 'central', { clusterName: 'central', namespace: 'kafka', brokerCount: 3 });
  new EdgeKafkaUser(cloud, `${site}-mm2`, { cluster: central, acls: sync.targetAclRules() });
  // The user the pulling MirrorMaker2 reads with: read-only on the release topic.
  new EdgeKafkaUser(cloud, `${site}-releases`, { cluster: central, acls: releases.sourceAclRules() });

  return app;
}

if (require.main === module) {
  buildApp().synth();
}
