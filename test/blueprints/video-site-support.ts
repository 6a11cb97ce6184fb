// Props shared by the VideoSurveillanceSite tests (site wiring and grants).
import { Duration } from 'cdk8s';
import { DecimalSize, ExternalObjectStore, KafkaCredentials, ObjectStoreFlavor, S3Credentials, VideoSurveillanceSiteProps } from '../../src';

export const cloudArchive = new ExternalObjectStore({ s3Endpoint: 'https://s3.example.com', flavor: ObjectStoreFlavor.AWS_S3, credentials: S3Credentials.fromSecretName('cloud-archive') });

/** A 20-camera site archiving to a cloud bucket, Velero keys in `velero-site-a`. */
export const videoBase: VideoSurveillanceSiteProps = {
  siteName: 'site-a',
  cameras: 20,
  bitrateMbps: 4,
  retention: Duration.days(7),
  driveSize: DecimalSize.terabytes(8),
  storageClassName: 'lvm-xfs',
  cloud: {
    kafka: { bootstrapServers: 'kafka.cloud.example.com:9093', caCertificate: { name: 'cloud-ca', key: 'ca.crt' }, credentials: KafkaCredentials.fromSecretName('cloud-user', { username: 'site-a-mm2' }) },
    archive: cloudArchive,
    archiveBucket: 'video-archive',
  },
  backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' } },
};
