// Props shared by the ModelDistributionSite tests (fast tier and the real-nginx tier).
import { Testing } from 'cdk8s';
import {
  DecimalSize, ExternalObjectStore, KafkaCredentials, KafkaCloudCluster, ModelDistributionSite, ModelDistributionSiteProps,
  ObjectStoreFlavor, S3Credentials,
} from '../../src';

export const releases = new ExternalObjectStore({
  s3Endpoint: 'https://s3.eu-central-1.amazonaws.com',
  region: 'eu-central-1',
  flavor: ObjectStoreFlavor.AWS_S3,
  credentials: S3Credentials.fromSecretName('cloud-model-releases-ro'),
});
export const cloudKafka: KafkaCloudCluster = {
  bootstrapServers: 'kafka.cloud.example.com:9093',
  caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
  credentials: KafkaCredentials.fromSecretName('cloud-kafka-user', { username: 'site-a-releases' }),
};

export function props(overrides: Partial<ModelDistributionSiteProps> = {}): ModelDistributionSiteProps {
  return {
    siteName: 'site-a',
    models: ['detector', 'ocr'],
    versionsRetained: 3,
    averageModelSize: DecimalSize.gigabytes(3),
    driveSize: DecimalSize.terabytes(1),
    storageClassName: 'lvm-xfs',
    cloud: { releaseStore: releases, releaseBucket: 'fleet-models', kafka: cloudKafka },
    backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' }, bucket: 'fleet-backups' },
    // A site names its models or discovers them, never both: an override that discovers drops the default names.
    ...(overrides.discoverUpTo !== undefined && overrides.models === undefined ? { models: undefined } : {}),
    ...overrides,
  };
}

export function build(overrides: Partial<ModelDistributionSiteProps> = {}) {
  const app = Testing.app();
  const site = new ModelDistributionSite(app, 'site', props(overrides));
  return { app, site };
}
