import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import { DecimalSize, EdgeSite, ExternalObjectStore, KafkaCredentials, ObjectStoreFlavor, S3Credentials, VideoSurveillanceSite } from '../../../src';

function videoSite(app = Testing.app()): VideoSurveillanceSite {
  return new VideoSurveillanceSite(app, 'site-a', {
    siteName: 'site-a',
    cameras: 4,
    bitrateMbps: 4,
    retention: Duration.days(7),
    driveSize: DecimalSize.terabytes(4),
    storageClassName: 'lvm-xfs',
    cloud: {
      kafka: { bootstrapServers: 'kafka.cloud.example.com:9093', caCertificate: { name: 'ca', key: 'ca.crt' }, credentials: KafkaCredentials.fromSecretName('s', { username: 'u' }) },
      archive: new ExternalObjectStore({ s3Endpoint: 'https://s3.example.com', flavor: ObjectStoreFlavor.AWS_S3, credentials: S3Credentials.fromSecretName('a') }),
      archiveBucket: 'archive',
    },
    backup: { veleroCredential: { name: 'velero', key: 'cloud' } },
  });
}

describe('EdgeSite.isEdgeSite', () => {
  // cdk8s' Chart answers `instanceof` for every chart (Symbol.hasInstance), so subclasses cannot rely on instanceof.
  test('is false for a plain chart and true for a site', () => {
    const app = Testing.app();
    const plain = new Chart(app, 'plain');
    expect(EdgeSite.isEdgeSite(plain)).toBe(false);
    expect(EdgeSite.isEdgeSite(videoSite(app))).toBe(true);
    expect(EdgeSite.isEdgeSite(undefined)).toBe(false);
    expect(EdgeSite.isEdgeSite({})).toBe(false);
  });

  test('writeReports writes only the sites\' reports when the app also has plain charts', () => {
    const app = Testing.app();
    new Chart(app, 'plain');
    videoSite(app);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-reports-'));
    try {
      const written = EdgeSite.writeReports(app, dir);
      expect(written.map((f) => path.basename(f))).toEqual(['site-a.report.md']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
