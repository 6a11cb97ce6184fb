// Kafka notification targets of a MinioCluster (src/objectstore/minio/notifications.ts): the servers' target env and
// certificates, shared targets, and the rules MinIO applies to subscriptions.
import { base, envOf, server } from './support';
import { ObjectEvent, IEventTopic, KafkaAuthentication, KafkaCredentials, MinioCluster } from '../../../src';
import { chart, find, synth } from '../../support/harness';

// Strimzi's CA Secret lives in namespace "kafka"; these tests' MinIO runs elsewhere and mounts the copy the operator keeps.
const topic: IEventTopic = { topicName: 'camera-events', bootstrapServers: 'edge-kafka-bootstrap.kafka.svc:9093', caCertificate: { name: 'edge-cluster-ca-cert', key: 'ca.crt' }, secretNamespace: 'kafka' };
const copied = { caCertificate: { name: 'edge-cluster-ca-cert', key: 'ca.crt' } };

describe('MinIO Kafka notification targets', () => {
  test('Kafka mutual TLS mounts the KafkaUser certificate', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    const user = KafkaCredentials.fromKafkaUser('minio-user', { namespace: 'kafka', authentication: KafkaAuthentication.TLS });
    store.addBucket('video', { notifications: [{ topic, targetId: 'CAMS', credentials: user, secretCopies: { ...copied, credentials: user.copiedTo('minio-user', 'edge') } }] });
    const m = synth(c);
    const env = envOf(server(m));
    expect(env.MINIO_NOTIFY_KAFKA_CLIENT_TLS_CERT_CAMS).toBe('/etc/minio/certs/kafka-cams/user.crt');
    expect(env.MINIO_NOTIFY_KAFKA_CLIENT_TLS_KEY_CAMS).toBe('/etc/minio/certs/kafka-cams/user.key');
    expect(env.MINIO_NOTIFY_KAFKA_SASL_CAMS).toBeUndefined();
    const certs = find(m, 'StatefulSet', 'store').spec.template.spec.volumes.find((v: any) => v.name === 'certs').projected.sources;
    expect(certs).toContainEqual({ secret: { name: 'minio-user', items: [{ key: 'user.crt', path: 'kafka-cams/user.crt' }, { key: 'user.key', path: 'kafka-cams/user.key' }] } });
    expect(store.kafkaTargetIds).toEqual(['CAMS']);
  });

  test('notifications to the same topic share one target', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    store.addBucket('bucket-a', { notifications: [{ topic, secretCopies: copied }] });
    store.addBucket('bucket-b', { notifications: [{ topic, secretCopies: copied }] });
    expect(store.kafkaTargetIds).toEqual(['CAMERAEVENTS']);
    expect(Object.keys(envOf(server(synth(c)))).filter((k) => k.startsWith('MINIO_NOTIFY_KAFKA_ENABLE_'))).toEqual(['MINIO_NOTIFY_KAFKA_ENABLE_CAMERAEVENTS']);
  });
});

describe('MinIO Kafka notifications fail if', () => {
  test('notifications overlap on one target, or a target ID means two topics', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    store.addBucket('video', { notifications: [{ topic, secretCopies: copied, prefix: 'cam/' }, { topic, secretCopies: copied, prefix: 'cam/gate/', events: [ObjectEvent.OBJECT_CREATED] }] });
    expect(() => synth(c)).toThrow(/notifications\[1\] = "cam\/gate\/\*": overlaps notifications\[0\] \(cam\/\*\) on the same Kafka target for the same events, which MinIO rejects/);
    const c2 = chart('edge');
    const s2 = new MinioCluster(c2, 'store', base);
    s2.addBucket('video', { notifications: [{ topic, secretCopies: copied, prefix: 'a/' }, { topic, secretCopies: copied, prefix: 'b/' }, { topic, secretCopies: copied, prefix: 'a/', events: [ObjectEvent.OBJECT_ACCESSED] }] });
    expect(() => synth(c2)).not.toThrow();
    const c3 = chart('edge');
    const s3 = new MinioCluster(c3, 'store', base);
    s3.addBucket('bucket-a', { notifications: [{ topic, secretCopies: copied, targetId: 'EVENTS' }] });
    s3.addBucket('bucket-b', { notifications: [{ topic: { topicName: 'other', bootstrapServers: 'k:9092' }, targetId: 'EVENTS' }] });
    expect(() => synth(c3)).toThrow(/MinioCluster "test\/store": targetId = "EVENTS": is used by notifications to different topics, brokers or credentials/);
  });

  test('notifications without the event queue volume', () => {
    const c = chart('edge');
    new MinioCluster(c, 'store', { ...base, eventQueue: false }).addBucket('video', { notifications: [{ topic, secretCopies: copied }] });
    expect(() => synth(c)).toThrow(/notifications = 1: notifications need the event queue volume/);
  });
});
