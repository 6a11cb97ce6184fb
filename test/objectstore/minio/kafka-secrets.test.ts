import { Chart, Size, Testing } from 'cdk8s';
import { buildApp } from '../../../examples/minio/main';
import { EdgeKafkaCluster, Filesystem, IEventTopic, KafkaCredentials, MinioCluster, MinioClusterProps, RequiredSecrets, S3Credentials } from '../../../src';
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
    expect(() => app.synth()).toThrow(/MinioBucket "storage\/store\/video": notifications\[0\]\.topic\.caCertificate = "edge-cluster-ca-cert": the cluster CA is a Secret in namespace "kafka" .* "storage", so the pods never start; copy Secret "edge-cluster-ca-cert" into namespace "storage" .* notifications\[0\]\.secretCopies\.caCertificate, or run the consumer in namespace "kafka"/);
    expect(() => app.synth()).toThrow(/notifications\[0\]\.credentials = "minio": KafkaUser "minio"'s Secret is a Secret in namespace "kafka"/);
  });

  test('a plain topic on a Strimzi bootstrap address with that cluster\'s CA is recognised too; declared copies are mounted instead', () => {
    const topic: IEventTopic = { topicName: 't', bootstrapServers: 'edge-kafka-bootstrap.kafka.svc:9093', caCertificate: { name: 'edge-cluster-ca-cert', key: 'ca.crt' } };
    const credentials = KafkaCredentials.fromSecretName('minio', { username: 'minio' });
    const bad = store('storage');
    bad.addBucket('video', { notifications: [{ topic, credentials }] });
    expect(() => Testing.synth(bad.node.scope as any)).toThrow(/the cluster CA is a Secret in namespace "kafka"/);

    const good = store('storage');
    good.addBucket('video', { notifications: [{ topic, credentials, secretCopies: { caCertificate: { name: 'kafka-ca', key: 'ca.crt' }, credentials: credentials.copiedTo('minio-kafka', 'storage') } }] });
    const m = synth(good.node.scope as any);
    const sts = find(m, 'StatefulSet', 'store');
    const env = sts.spec.template.spec.containers[0].env;
    const password = env.find((e: any) => e.name.startsWith('MINIO_NOTIFY_KAFKA_SASL_PASSWORD_'));
    expect(password.valueFrom.secretKeyRef).toEqual({ name: 'minio-kafka', key: 'password' });
    const projected = JSON.stringify(sts.spec.template.spec.volumes);
    expect(projected).toContain('"name":"kafka-ca"');
    expect(projected).not.toContain('edge-cluster-ca-cert');
  });

  test('fails if a credentials copy is another user\'s, sits in another namespace, or copies nothing', () => {
    const topic: IEventTopic = { topicName: 't', bootstrapServers: 'edge-kafka-bootstrap.kafka.svc:9093', caCertificate: { name: 'edge-cluster-ca-cert', key: 'ca.crt' } };
    const credentials = KafkaCredentials.fromSecretName('minio', { username: 'minio' });
    const caCertificate = { name: 'kafka-ca', key: 'ca.crt' };
    const other = store('storage');
    other.addBucket('video', { notifications: [{ topic, credentials, secretCopies: { caCertificate, credentials: KafkaCredentials.fromSecretName('copy', { username: 'someone-else', namespace: 'storage' }) } }] });
    expect(() => Testing.synth(other.node.scope as any)).toThrow(/MinioBucket "storage\/store\/video": notifications\[0\]\.secretCopies\.credentials = "copy \(someone-else, scram-sha-512\)": a copy must hold the same user's credentials as notifications\[0\]\.credentials \(minio, scram-sha-512\).*; pass notifications\[0\]\.credentials\.copiedTo\("<copy>", "storage"\)/);
    const elsewhere = store('storage');
    elsewhere.addBucket('video', { notifications: [{ topic, credentials, secretCopies: { caCertificate, credentials: credentials.copiedTo('copy', 'apps') } }] });
    expect(() => Testing.synth(elsewhere.node.scope as any)).toThrow(/notifications\[0\]\.secretCopies\.credentials = "apps\/copy": the copy is in namespace "apps", but the consumer's pods run in "storage"/);
    const orphan = store('storage');
    orphan.addBucket('video', { notifications: [{ topic, secretCopies: { caCertificate, credentials: credentials.copiedTo('copy', 'storage') } }] });
    expect(() => Testing.synth(orphan.node.scope as any)).toThrow(/notifications\[0\]\.secretCopies\.credentials = "copy": is a copy of credentials, but notifications\[0\]\.credentials is not set/);
  });

  test('the servers\' copies are listed as required Secrets of the MinIO namespace; the User Operator\'s own Secret is not', () => {
    const topic: IEventTopic = { topicName: 't', bootstrapServers: 'edge-kafka-bootstrap.kafka.svc:9093', caCertificate: { name: 'edge-cluster-ca-cert', key: 'ca.crt' } };
    const credentials = KafkaCredentials.fromKafkaUser('minio', { namespace: 'kafka' });
    const s = store('storage');
    s.addBucket('video', { notifications: [{ topic, credentials, secretCopies: { caCertificate: { name: 'kafka-ca', key: 'ca.crt' }, credentials: credentials.copiedTo('minio-kafka', 'storage') } }] });
    const listed = RequiredSecrets.of(s).map((r) => [r.name, r.namespace, r.keys.join(',')]);
    expect(listed).toContainEqual(['minio-kafka', 'storage', 'password']);
    expect(listed).toContainEqual(['kafka-ca', 'storage', 'ca.crt']);
    expect(RequiredSecrets.of(s).find((r) => r.name === 'minio-kafka')!.purpose).toMatch(/^MinIO store: Kafka notifications of bucket video to topic t, as minio/);
    expect(listed.map((r) => r[0])).not.toContain('minio');
    const same = new Chart(Testing.app(), 'site', { namespace: 'site-a' });
    const edge = new EdgeKafkaCluster(same, 'edge').addTopic('objects');
    const local = new MinioCluster(same, 'store', base);
    local.addBucket('video', { notifications: [{ topic: edge, credentials: edge.grantProduce('minio') }] });
    expect(RequiredSecrets.of(local).map((r) => r.name)).not.toContain('minio');
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
