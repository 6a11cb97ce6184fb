import { Chart, Size, Testing } from 'cdk8s';
import { buildApp } from '../../../examples/minio/main';
import { EdgeKafkaCluster, Filesystem, IEventTopic, KafkaAuthentication, MinioCluster, MinioClusterProps, S3Credentials } from '../../../src';
import { find, synth } from '../../support/harness';

const base: MinioClusterProps = {
  servers: 4,
  drivesPerServer: 1,
  driveSize: Size.gibibytes(100),
  driveFilesystem: Filesystem.XFS,
  storageClassName: 'lvm-xfs',
  rootCredentials: S3Credentials.fromSecretName('store-root'),
};

function store(ns: string): MinioCluster {
  return new MinioCluster(new Chart(Testing.app(), 'storage', { namespace: ns }), 'store', base);
}

describe('MinIO notifications and Strimzi Secrets in another namespace', () => {
  test('fails if the servers would mount the cluster CA and the KafkaUser Secret of a Kafka cluster in another namespace', () => {
    const app = Testing.app();
    const kafkaChart = new Chart(app, 'kafka', { namespace: 'kafka' });
    const cluster = new EdgeKafkaCluster(kafkaChart, 'edge');
    const topic = cluster.addTopic('objects');
    const credentials = topic.grantProduce('minio');
    const s = new MinioCluster(new Chart(app, 'storage', { namespace: 'storage' }), 'store', base);
    s.addBucket('video', { notifications: [{ topic, credentials }] });
    expect(() => app.synth()).toThrow(/MinioBucket "storage\/store\/video": notifications\[0\]\.topic\.caCertificate = "edge-cluster-ca-cert": the cluster CA is a Secret in namespace "kafka" .* "storage", so the pods never start; copy Secret "edge-cluster-ca-cert" into namespace "storage" .* notifications\[0\]\.secretCopies\.caCertificateSecretName/);
    expect(() => app.synth()).toThrow(/notifications\[0\]\.credentials = "minio": KafkaUser "minio"'s Secret is a Secret in namespace "kafka"/);
  });

  test('a plain topic on a Strimzi bootstrap address with that cluster\'s CA is recognised too; declared copies are mounted instead', () => {
    const topic: IEventTopic = { topicName: 't', bootstrapServers: 'edge-kafka-bootstrap.kafka.svc:9093', caCertificate: { name: 'edge-cluster-ca-cert', key: 'ca.crt' } };
    const credentials = { authentication: KafkaAuthentication.SCRAM_SHA_512, username: 'minio', secretName: 'minio' };
    const bad = store('storage');
    bad.addBucket('video', { notifications: [{ topic, credentials }] });
    expect(() => Testing.synth(bad.node.scope as any)).toThrow(/the cluster CA is a Secret in namespace "kafka"/);

    const good = store('storage');
    good.addBucket('video', { notifications: [{ topic, credentials, secretCopies: { caCertificateSecretName: 'kafka-ca', credentialsSecretName: 'minio-kafka' } }] });
    const m = synth(good.node.scope as any);
    const sts = find(m, 'StatefulSet', 'store');
    const env = sts.spec.template.spec.containers[0].env;
    const password = env.find((e: any) => e.name.startsWith('MINIO_NOTIFY_KAFKA_SASL_PASSWORD_'));
    expect(password.valueFrom.secretKeyRef).toEqual({ name: 'minio-kafka', key: 'password' });
    const projected = JSON.stringify(sts.spec.template.spec.volumes);
    expect(projected).toContain('"name":"kafka-ca"');
    expect(projected).not.toContain('edge-cluster-ca-cert');
  });

  test('the same namespace needs no copies', () => {
    const app = Testing.app();
    const c = new Chart(app, 'site', { namespace: 'site-a' });
    const topic = new EdgeKafkaCluster(c, 'edge').addTopic('objects');
    new MinioCluster(c, 'store', base).addBucket('video', { notifications: [{ topic, credentials: topic.grantProduce('minio') }] });
    expect(() => synth(c)).not.toThrow();
  });

  test('the minio example synthesizes and mounts only Secrets of its own namespace', () => {
    const app = buildApp(Testing.app());
    for (const chart of app.charts) {
      const m = synth(chart);
      const ns = chart.namespace;
      const sts = find(m, 'StatefulSet', 'store');
      const spec = sts.spec.template.spec;
      expect(sts.metadata.namespace).toBe(ns);
      // Every Secret the pods reference: none of the Strimzi Secrets that live in the Kafka namespace.
      const refs = new Set<string>();
      const walk = (o: any): void => {
        if (!o || typeof o !== 'object') return;
        if (o.secretKeyRef) refs.add(o.secretKeyRef.name);
        if (o.secret?.secretName) refs.add(o.secret.secretName);
        if (o.secret?.name) refs.add(o.secret.name);
        Object.values(o).forEach(walk);
      };
      walk(spec);
      expect(refs.size).toBeGreaterThan(0);
      for (const strimzi of ['edge-kafka-cluster-ca-cert', 'site-a-minio']) expect(refs).not.toContain(strimzi);
    }
  });
});
