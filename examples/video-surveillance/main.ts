/**
 * A 100-camera site: 4 MinIO servers × 1 drive of 24 TB (EC:2), 4 Mbps per camera, 7 days hot, segments archived to
 * the cloud, events mirrored to the cloud Kafka, playback through an nginx cache. Writes the manifests and the site
 * report (Markdown) to the output folder (dist/, or what `cdk8s synth -o` names).
 */
import { App, Duration, Size } from 'cdk8s';
import { Bandwidth, DecimalSize, EdgeSite, ExternalObjectStore, IObjectStore, KafkaCredentials, ObjectStoreFlavor, S3Credentials, VideoSurveillanceSite, VideoSurveillanceSiteProps } from '../../src';

/** The site's props, archiving to `cloudArchive` (AWS S3 in Frankfurt by default; the real-tier tests pass a loopback store). */
export function siteProps(cloudArchive: IObjectStore = new ExternalObjectStore({
  s3Endpoint: 'https://s3.eu-central-1.amazonaws.com',
  region: 'eu-central-1',
  flavor: ObjectStoreFlavor.AWS_S3,
  credentials: S3Credentials.fromSecretName('cloud-archive-keys'),
})): VideoSurveillanceSiteProps {
  return {
    siteName: 'store-0417',
    cameras: 100,
    bitrateMbps: 4,
    retention: Duration.days(7),
    driveSize: DecimalSize.terabytes(24),
    storageClassName: 'lvm-xfs',
    wanCidrs: ['198.51.100.0/24'],
    cloud: {
      kafka: {
        bootstrapServers: 'kafka.cloud.example.com:9093',
        caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
        credentials: KafkaCredentials.fromSecretName('cloud-kafka-user', { username: 'store-0417-mm2' }),
      },
      archive: cloudArchive,
      archiveBucket: 'fleet-video-archive',
      archiveBandwidthLimit: Bandwidth.mebibytesPerSecond(64),
    },
    backup: { veleroCredential: { name: 'velero-store-0417', key: 'cloud' } },
    cache: { viewerCidrs: ['10.20.0.0/24'], cacheVolumeSize: Size.gibibytes(500) },
  };
}

export function buildApp(app: App = new App()): App {
  new VideoSurveillanceSite(app, 'store-0417', siteProps());
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
