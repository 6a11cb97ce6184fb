// Shared MinioCluster fixtures for the provisioning tests (fast tier with a fake mc, real tier with shellcheck/mc).
import { Duration, Size } from 'cdk8s';
import {
  BucketEncryption, ExternalObjectStore, IEventTopic, KafkaCredentials, MinioCluster, MinioClusterProps, MinioPolicyStatements,
  ObjectLockMode, ObjectStoreFlavor, S3Credentials,
} from '../../../src';
import { chart, find } from '../../support/harness';

export const base: MinioClusterProps = { driveSize: Size.gibibytes(100), rootCredentials: S3Credentials.fromSecretName('minio-root') };
const topic: IEventTopic = { topicName: 'camera-events', bootstrapServers: 'kafka:9093', caCertificate: { name: 'kafka-ca', key: 'ca.crt' } };
const archive = new ExternalObjectStore({ s3Endpoint: 'https://archive.example.com:9443', credentials: S3Credentials.fromSecretName('archive-keys'), flavor: ObjectStoreFlavor.MINIO });

/** Everything the provisioning Job can do, on one cluster. */
export function provisioned(props: Partial<MinioClusterProps> = {}) {
  const c = chart('edge');
  const store = new MinioCluster(c, 'store', { ...base, kes: { endpoints: ['https://kes:7373'], keyName: 'edge-key', apiKey: { name: 'kes', key: 'api-key' } }, ...props });
  store.addTier('warm', { target: archive, bucket: 'edge-tier', prefix: "cam's/" });
  store.addBucket('video', {
    objectLock: true,
    retention: { mode: ObjectLockMode.COMPLIANCE, period: Duration.days(30) },
    quota: Size.gibibytes(500),
    encryption: BucketEncryption.SSE_KMS,
    lifecycle: [{ transition: { after: Duration.days(7), tier: 'WARM' }, expiration: Duration.days(60) }],
    notifications: [{ topic, credentials: KafkaCredentials.fromSecretName('minio-kafka', { username: 'minio' }), prefix: 'gate 1/', suffix: '.mp4' }],
    replication: [{ target: archive, bucket: 'video-archive' }],
  });
  store.addBucket('snapshots', { versioning: true });
  store.addPolicy('video-rw', { statements: MinioPolicyStatements.readWrite(['video']), users: [S3Credentials.fromSecretName('app-keys')], groups: [{ name: 'cameras', members: [S3Credentials.fromSecretName('cam-keys'), S3Credentials.fromSecretName('app-keys')] }] });
  return { c, store };
}


/** The server container of the StatefulSet `name` in `manifests`. */
export function server(manifests: any[], name = 'store'): any {
  return find(manifests, 'StatefulSet', name).spec.template.spec.containers[0];
}

/** A container's environment by name: the value, or the valueFrom reference. */
export function envOf(container: any): { [name: string]: any } {
  return Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}
