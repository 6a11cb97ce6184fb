/**
 * A retail site serving four vision models (about 3 GB per version, 3 versions kept for rollback) from 4 MinIO servers
 * × 1 drive of 1 TB (EC:2): a release job pulls and verifies new versions from the cloud every 5 minutes, an nginx
 * cache serves them to the inference pods, Velero backs the namespace up. A second, smaller site only knows how many
 * models it serves and pins one of them to a retained version (rollback). Writes the manifests and each site's report
 * (Markdown) to the output folder (dist/, or what `cdk8s synth -o` names).
 */
import { App } from 'cdk8s';
import {
  Bandwidth, DecimalSize, EdgeSite, ExternalObjectStore, KafkaCredentials, KafkaCloudCluster, ModelDistributionSite, ModelDistributionSiteProps,
  ObjectStoreFlavor, S3Credentials,
} from '../../src';

/** Where the fleet's cloud is reached (the release bucket's S3 endpoint and the cloud Kafka's bootstrap servers). */
export interface FleetCloud {
  /** S3 endpoint of the release bucket. */
  readonly s3Endpoint: string;
  /** Bootstrap servers of the cloud Kafka the sites' MirrorMaker2 pulls release events from. */
  readonly kafkaBootstrapServers: string;
}

/** The fleet's cloud. */
export const FLEET_CLOUD: FleetCloud = {
  s3Endpoint: 'https://s3.eu-central-1.amazonaws.com',
  kafkaBootstrapServers: 'kafka.cloud.example.com:9093',
};

/** The fleet's cloud Kafka as a site reaches it; each site has its own read-only user (Secret copied to the site). */
function cloudKafka(cloud: FleetCloud, site: string): KafkaCloudCluster {
  return {
    bootstrapServers: cloud.kafkaBootstrapServers,
    caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
    credentials: KafkaCredentials.fromSecretName('cloud-kafka-user', { username: `${site}-releases` }),
  };
}

/** The release bucket's store, with the read-only keys the sites use. */
function releaseStore(cloud: FleetCloud): ExternalObjectStore {
  return new ExternalObjectStore({
    s3Endpoint: cloud.s3Endpoint,
    region: 'eu-central-1',
    flavor: ObjectStoreFlavor.AWS_S3,
    // Read-only keys of the release bucket, copied into the site namespace.
    credentials: S3Credentials.fromSecretName('cloud-model-releases-ro'),
  });
}

/** A retail store: four named models, 3 versions kept, edge devices on the LAN download through the cache. */
export function storeSiteProps(cloud: FleetCloud = FLEET_CLOUD): ModelDistributionSiteProps {
  return {
    siteName: 'store-0417-models',
    models: ['detector', 'ocr', 'shelf-gap', 'people-count'],
    versionsRetained: 3,
    averageModelSize: DecimalSize.gigabytes(3),
    driveSize: DecimalSize.terabytes(1),
    storageClassName: 'lvm-xfs',
    wanCidrs: ['198.51.100.0/24'],
    cloud: { releaseStore: releaseStore(cloud), releaseBucket: 'fleet-model-releases', releasePrefix: 'retail', kafka: cloudKafka(cloud, 'store-0417') },
    backup: { veleroCredential: { name: 'velero-store-0417', key: 'cloud' }, bucket: 'fleet-site-backups' },
    release: { bandwidthLimit: Bandwidth.mebibytesPerSecond(20) },
    cache: { clientCidrs: ['10.20.0.0/24'] },
  };
}

/** A kiosk: six models discovered (discoverUpTo), not named, one of them pinned to a retained version (rollback). */
export function kioskSiteProps(cloud: FleetCloud = FLEET_CLOUD): ModelDistributionSiteProps {
  return {
    siteName: 'kiosk-0032-models',
    discoverUpTo: 6,
    versionsRetained: 2,
    averageModelSize: DecimalSize.megabytes(800),
    servers: 4,
    driveSize: DecimalSize.gigabytes(100),
    storageClassName: 'lvm-xfs',
    cloud: { releaseStore: releaseStore(cloud), releaseBucket: 'fleet-model-releases', releasePrefix: 'kiosk', kafka: cloudKafka(cloud, 'kiosk-0032') },
    backup: { veleroCredential: { name: 'velero-kiosk-0032', key: 'cloud' }, bucket: 'fleet-site-backups' },
    release: { pinned: { 'face-blur': 'v12' } },
  };
}

export function buildApp(app: App = new App(), cloud: FleetCloud = FLEET_CLOUD): App {
  new ModelDistributionSite(app, 'store-0417-models', storeSiteProps(cloud));
  new ModelDistributionSite(app, 'kiosk-0032-models', kioskSiteProps(cloud));
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
