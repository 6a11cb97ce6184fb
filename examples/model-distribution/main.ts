/**
 * A retail site serving four vision models (about 3 GB per version, 3 versions kept for rollback) from 4 MinIO servers
 * × 1 drive of 1 TB (EC:2): a release job pulls and verifies new versions from the cloud every 5 minutes, an nginx
 * cache serves them to the inference pods, Velero backs the namespace up. A second, smaller site only knows how many
 * models it serves and pins one of them to a retained version (rollback). Writes the manifests and each site's report
 * (Markdown) to the output folder (dist/, or what `cdk8s synth -o` names).
 */
import { App, Size } from 'cdk8s';
import { DecimalSize, EdgeSite, ExternalObjectStore, KafkaAuthentication, KafkaCloudCluster, ModelDistributionSite, ObjectStoreFlavor } from '../../src';

/** The fleet's cloud Kafka as a site reaches it; each site has its own read-only user (Secret copied to the site). */
function cloudKafka(site: string): KafkaCloudCluster {
  return {
    bootstrapServers: 'kafka.cloud.example.com:9093',
    caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
    credentials: { authentication: KafkaAuthentication.SCRAM_SHA_512, username: `${site}-releases`, secretName: 'cloud-kafka-user' },
  };
}

export function buildApp(app: App = new App()): App {
  const releases = new ExternalObjectStore({
    s3Endpoint: 'https://s3.eu-central-1.amazonaws.com',
    region: 'eu-central-1',
    flavor: ObjectStoreFlavor.AWS_S3,
    // Read-only keys of the release bucket, copied into the site namespace.
    credentials: { secretName: 'cloud-model-releases-ro' },
  });
  new ModelDistributionSite(app, 'store-0417-models', {
    siteName: 'store-0417-models',
    models: ['detector', 'ocr', 'shelf-gap', 'people-count'],
    versionsRetained: 3,
    averageModelSize: DecimalSize.gigabytes(3),
    driveSize: DecimalSize.terabytes(1),
    storageClassName: 'lvm-xfs',
    wanCidrs: ['198.51.100.0/24'],
    cloud: { releaseStore: releases, releaseBucket: 'fleet-model-releases', releasePrefix: 'retail', kafka: cloudKafka('store-0417') },
    backup: { veleroCredential: { name: 'velero-store-0417', key: 'cloud' }, bucket: 'fleet-site-backups' },
    release: { bandwidthLimit: Size.mebibytes(20) },
    cache: { clientCidrs: ['10.20.0.0/24'] },
  });
  new ModelDistributionSite(app, 'kiosk-0032-models', {
    siteName: 'kiosk-0032-models',
    models: 6,
    versionsRetained: 2,
    averageModelSize: DecimalSize.megabytes(800),
    servers: 4,
    driveSize: DecimalSize.gigabytes(100),
    storageClassName: 'lvm-xfs',
    cloud: { releaseStore: releases, releaseBucket: 'fleet-model-releases', releasePrefix: 'kiosk', kafka: cloudKafka('kiosk-0032') },
    backup: { veleroCredential: { name: 'velero-kiosk-0032', key: 'cloud' }, bucket: 'fleet-site-backups' },
    release: { pinned: { 'face-blur': 'v12' } },
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
