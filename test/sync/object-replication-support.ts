// Stores and a builder shared by the ObjectReplication tests (fast tier and the real rclone + S3 tier).
import { ExternalObjectStore, IObjectStore, ObjectReplication, ObjectReplicationProps, ObjectStoreFlavor, S3Credentials } from '../../src';
import { chart, find } from '../support/harness';

export const edgeStore = (endpoint = 'http://minio.site-a.svc.cluster.local:9000'): IObjectStore => new ExternalObjectStore({
  s3Endpoint: endpoint,
  credentials: S3Credentials.fromSecretName('edge-s3'),
  flavor: ObjectStoreFlavor.MINIO,
  networkPeer: { namespace: 'site-a', podLabels: { app: 'minio' }, ports: [9000] },
});
export const cloudStore = (endpoint = 'https://s3.example.com'): IObjectStore => new ExternalObjectStore({
  s3Endpoint: endpoint, credentials: S3Credentials.fromSecretName('cloud-s3', { accessKeyIdKey: 'id', secretAccessKeyKey: 'key' }),
});

export function build(props: Partial<ObjectReplicationProps> = {}, id = 'video-to-cloud') {
  const c = chart('site-a');
  const rep = new ObjectReplication(c, id, {
    source: edgeStore(), sourceBucket: 'video', destination: cloudStore(), destinationBucket: 'fleet-video', destinationPrefix: 'site-a', ...props,
  });
  return { c, rep };
}

export const container = (manifests: any[], name = 'video-to-cloud') => find(manifests, 'CronJob', name).spec.jobTemplate.spec.template.spec.containers[0];
