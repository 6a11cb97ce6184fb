/**
 * A factory site: 12,000 sensors reporting every 5 s, 90 days kept in InfluxDB on an LVM LocalPV volume sized by the
 * capacity planner. Sensors on the plant LAN write to Telegraf (shared token) through a load balancer; Telegraf also
 * publishes every point to the site's Kafka, which MirrorMaker2 mirrors to the cloud. Grafana (monitoring namespace)
 * queries through the Redis cache. The InfluxDB volume is backed up with restic and the namespace with Velero, both to
 * the regional S3 store. Writes the manifests and the site report (Markdown) to the output folder (dist/, or what `cdk8s synth -o` names).
 */
import { App, Duration, Size } from 'cdk8s';
import { Bandwidth, EdgeSite, ExternalObjectStore, IoTSite, KafkaCredentials, ObjectStoreFlavor, S3Credentials } from '../../src';

export function buildApp(app: App = new App()): App {
  const regionalStore = new ExternalObjectStore({
    s3Endpoint: 'https://s3.eu-central-1.amazonaws.com',
    region: 'eu-central-1',
    flavor: ObjectStoreFlavor.AWS_S3,
    credentials: S3Credentials.fromSecretName('cloud-backup-keys'),
  });
  new IoTSite(app, 'plant-7', {
    siteName: 'plant-7',
    sensors: 12_000,
    sampleInterval: Duration.seconds(5),
    retention: Duration.days(90),
    storageClassName: 'lvm-xfs',
    wanCidrs: ['198.51.100.0/24'],
    sensorCidrs: ['10.30.0.0/16'],
    sensorSources: [{ namespace: 'plant-7', podLabels: { 'app.kubernetes.io/name': 'mqtt-bridge' } }],
    queryClients: [{ namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'grafana' } }],
    ingest: { token: { name: 'plant-7-sensor-token', key: 'token' } },
    cache: { maxMemory: Size.mebibytes(512) },
    kafka: { outageBudget: Duration.hours(48) },
    cloud: {
      kafka: {
        bootstrapServers: 'kafka.cloud.example.com:9093',
        caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
        credentials: KafkaCredentials.fromSecretName('cloud-kafka-user', { username: 'plant-7-mm2' }),
      },
      backupStore: regionalStore,
      backupBucket: 'fleet-site-backups',
    },
    backup: {
      veleroCredential: { name: 'velero-plant-7', key: 'cloud' },
      resticUploadBandwidthLimit: Bandwidth.mebibytesPerSecond(5),
    },
  });
  return app;
}

/** Synthesize and write each site's report next to its manifests (in the app's outdir). */
export function main(outdir?: string): void {
  // No outdir: the App takes CDK8S_OUTDIR (what `cdk8s synth -o X` sets), else dist/.
  const app = buildApp(new App({ outdir }));
  app.synth();
  EdgeSite.writeReports(app);
}

if (require.main === module) {
  main();
}
