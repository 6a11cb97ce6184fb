import { App, Duration } from 'cdk8s';
import { standInSiteNames } from './stand-in-site';
import { DecimalSize, ExternalObjectStore, FleetSiteFile, ISiteFactory, KafkaCredentials, ObjectStoreFlavor, S3Credentials, VideoSurveillanceSite } from '../src';

const CLOUD_ARCHIVE = new ExternalObjectStore({
  s3Endpoint: 'https://s3.eu-central-1.amazonaws.com', region: 'eu-central-1', flavor: ObjectStoreFlavor.AWS_S3, credentials: S3Credentials.fromSecretName('cloud-archive-keys'),
});

/**
 * A fleet of `count` VideoSurveillanceSite sites (one chart per site, plus its REPORT.md). Sites differ
 * deterministically in camera count, bitrate and retention so no two are byte-identical.
 */
export class VideoSurveillanceSiteFactory implements ISiteFactory {
  private readonly names: string[];
  private readonly indexOf = new Map<string, number>();

  constructor(count: number) {
    this.names = standInSiteNames(count, 'store');
    this.names.forEach((n, i) => this.indexOf.set(n, i));
  }

  public siteNames(): string[] {
    return this.names;
  }

  public buildSite(app: App, siteName: string): void {
    const i = this.indexOf.get(siteName) ?? 0;
    const site = new VideoSurveillanceSite(app, siteName, {
      siteName,
      cameras: 16 + (i % 48),
      bitrateMbps: [2, 3, 4][i % 3],
      retention: Duration.days(7 + (i % 8)),
      driveSize: DecimalSize.terabytes(24),
      storageClassName: 'lvm-xfs',
      cloud: {
        kafka: {
          bootstrapServers: 'kafka.cloud.example.com:9093',
          caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
          credentials: KafkaCredentials.fromSecretName('cloud-kafka-user', { username: `${siteName}-mm2` }),
        },
        archive: CLOUD_ARCHIVE,
        archiveBucket: 'fleet-video-archive',
      },
      backup: { veleroCredential: { name: `velero-${siteName}`, key: 'cloud' } },
    });
    FleetSiteFile.report(site, site.report());
  }
}
