import { Duration, Size, Testing } from 'cdk8s';
import { v1beta2Fields } from './strimzi-support';
import {
  Bandwidth, EdgeKafkaCluster, EdgeKafkaTopic, EdgeKafkaUser, IEventTopic, KafkaAclOperation, KafkaAclPatternType, KafkaAclPermission,
  KafkaAclResourceType,
  KafkaAuthentication, KafkaCredentials, TopicCleanupPolicy, Warnings,
} from '../../src';
import { chart, find, findAll, synth } from '../support/harness';

const HOUR_MS = 3_600_000;

describe('EdgeKafkaTopic', () => {
  test('defaults: retention covers a 72 h outage budget plus a day to drain', () => {
    const c = chart('site-a');
    const cluster = new EdgeKafkaCluster(c, 'edge');
    const topic = new EdgeKafkaTopic(c, 'objects', { cluster });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();

    const kt = find(manifests, 'KafkaTopic', 'objects');
    expect(kt.metadata.labels['strimzi.io/cluster']).toBe('edge');
    expect(kt.metadata.namespace).toBe('site-a');
    expect(kt.spec.topicName).toBeUndefined(); // the object name is the topic name
    expect(kt.spec.partitions).toBe(3);
    expect(kt.spec.replicas).toBe(1);
    expect(kt.spec.config['retention.ms']).toBe((72 + 24) * HOUR_MS);
    expect(kt.spec.config['retention.ms']).toBeGreaterThanOrEqual(topic.outageBudget.toMilliseconds());
    expect(kt.spec.config['cleanup.policy']).toBe('delete');
    expect(kt.spec.config['max.message.bytes']).toBe(1024 * 1024);
    expect(v1beta2Fields(manifests)).toEqual([]);
  });

  test('custom: explicit topic name, replicas, retention, compaction and extra config', () => {
    const c = chart('site-a');
    const cluster = new EdgeKafkaCluster(c, 'edge', { replicas: 3 });
    new EdgeKafkaTopic(c, 'releases', {
      cluster,
      topicName: 'Model_Releases',
      partitions: 1,
      replicas: 3,
      minInsyncReplicas: 2,
      cleanupPolicy: TopicCleanupPolicy.COMPACT_DELETE,
      outageBudget: Duration.days(7),
      retention: Duration.days(14),
      maxMessageBytes: Size.kibibytes(256),
      config: { 'compression.type': 'zstd' },
    });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const kt = manifests.find((m) => m.kind === 'KafkaTopic');
    // Uppercase and "_" are legal in Kafka, not in object names: the name is sanitized, the topic name kept.
    expect(kt.metadata.name).toMatch(/^model-releases-[0-9a-f]{8}$/);
    expect(kt.spec.topicName).toBe('Model_Releases');
    expect(kt.spec.config).toEqual({
      'cleanup.policy': 'compact,delete', 'retention.ms': 14 * 24 * HOUR_MS, 'min.insync.replicas': 2, 'max.message.bytes': 256 * 1024, 'compression.type': 'zstd',
    });
  });

  test('compact-only topics carry no retention', () => {
    const c = chart('a');
    const topic = new EdgeKafkaTopic(c, 'state', { cluster: new EdgeKafkaCluster(c, 'edge'), cleanupPolicy: TopicCleanupPolicy.COMPACT });
    expect(find(synth(c), 'KafkaTopic', 'state').spec.config['retention.ms']).toBeUndefined();
    expect(topic.retention).toBeUndefined();
  });

  test('implements IEventTopic with the cluster\'s TLS address, CA and broker pods', () => {
    const c = chart('site-a');
    const cluster = new EdgeKafkaCluster(c, 'edge');
    const topic: IEventTopic = new EdgeKafkaTopic(c, 'objects', { cluster });
    expect(topic.topicName).toBe('objects');
    expect(topic.bootstrapServers).toBe('edge-kafka-bootstrap.site-a.svc:9093');
    expect(topic.caCertificate).toEqual({ name: 'edge-cluster-ca-cert', key: 'ca.crt' });
    expect(topic.networkPeer?.ports).toEqual([9093]);
  });

  test('warns about large messages and mixed separators', () => {
    const c = chart('a');
    new EdgeKafkaTopic(c, 'cam.events_raw', { cluster: new EdgeKafkaCluster(c, 'edge'), maxMessageBytes: Size.mebibytes(8) });
    const warnings = Warnings.collect(c).join('\n');
    expect(warnings).toMatch(/maxMessageBytes = "8Mi": Kafka carries events, not object bytes.*ObjectReplication/);
    expect(warnings).toMatch(/topicName = "cam.events_raw": Kafka metric names replace/);
  });

  test('grantProduce creates a write-only user for this topic and returns its credentials', () => {
    const c = chart('site-a');
    const cluster = new EdgeKafkaCluster(c, 'edge');
    const topic = new EdgeKafkaTopic(c, 'objects', { cluster });
    new EdgeKafkaTopic(c, 'other', { cluster });
    const creds = topic.grantProduce('minio-notify');
    expect(creds).toEqual(KafkaCredentials.fromKafkaUser('minio-notify', { namespace: cluster.namespace }));
    expect(creds.writtenBy).toBe(`Strimzi's User Operator (KafkaUser minio-notify in ${cluster.namespace})`);
    const user = find(synth(c), 'KafkaUser', 'minio-notify');
    expect(user.metadata.labels['strimzi.io/cluster']).toBe('edge');
    expect(user.spec.authentication).toEqual({ type: 'scram-sha-512' });
    // Exactly one rule: this topic, literal, produce only.
    expect(user.spec.authorization).toEqual({
      type: 'simple',
      acls: [{ type: 'allow', resource: { type: 'topic', name: 'objects', patternType: 'literal' }, operations: ['Write', 'Describe'] }],
    });
  });

  test('grantConsume reads the topic in one group', () => {
    const c = chart('site-a');
    const topic = new EdgeKafkaTopic(c, 'telemetry', { cluster: new EdgeKafkaCluster(c, 'edge', { authentication: KafkaAuthentication.TLS }) });
    const creds = topic.grantConsume('influx-writer', { group: 'influx' });
    expect(creds.authentication).toBe(KafkaAuthentication.TLS);
    const user = find(synth(c), 'KafkaUser', 'influx-writer');
    expect(user.spec.authentication).toEqual({ type: 'tls' });
    expect(user.spec.authorization.acls).toEqual([
      { type: 'allow', resource: { type: 'topic', name: 'telemetry', patternType: 'literal' }, operations: ['Read', 'Describe'] },
      { type: 'allow', resource: { type: 'group', name: 'influx', patternType: 'literal' }, operations: ['Read'] },
    ]);
  });

  describe('fails if', () => {
    const cluster = (c = chart('a'), replicas = 1) => new EdgeKafkaCluster(c, 'edge', { replicas });
    test('retention is shorter than the outage budget', () => {
      expect(() => new EdgeKafkaTopic(chart('a'), 'x', { cluster: cluster(), outageBudget: Duration.hours(72), retention: Duration.hours(24) }))
        .toThrow(/^EdgeKafkaTopic "test\/x": retention = "1 day": shorter than outageBudget \(3 days\): events produced early in an outage are deleted before MirrorMaker2 can copy them to the cloud; use at least 3 days/);
    });
    test('replicas exceed the broker count', () => {
      expect(() => new EdgeKafkaTopic(chart('a'), 'x', { cluster: cluster(), replicas: 3 }))
        .toThrow(/replicas = 3: cluster "edge" has 1 broker\(s\); Kafka cannot place more replicas than brokers.*use at most 1 replicas/);
    });
    test('min.insync.replicas >= replicas with acks=all', () => {
      const c = chart('a');
      expect(() => new EdgeKafkaTopic(c, 'x', { cluster: cluster(c, 3), replicas: 3, minInsyncReplicas: 3 }))
        .toThrow(/minInsyncReplicas = 3: equal to replicas \(3\): with acks=all, losing one broker blocks every write; use 2 or less/);
      const c2 = chart('a');
      expect(() => new EdgeKafkaTopic(c2, 'x', { cluster: cluster(c2, 3), replicas: 2, minInsyncReplicas: 3 })).toThrow(/minInsyncReplicas = 3: above replicas \(2\)/);
    });
    test('the topic name is not a legal Kafka name', () => {
      expect(() => new EdgeKafkaTopic(chart('a'), 'x', { cluster: cluster(), topicName: 'a b' })).toThrow(/topicName = "a b": Kafka topic names are 1–249/);
      expect(() => new EdgeKafkaTopic(chart('a'), 'x', { cluster: cluster(), topicName: '__consumer_offsets' })).toThrow(/Kafka's internal topics/);
    });
    test('a prop-managed key is set through config', () => {
      expect(() => new EdgeKafkaTopic(chart('a'), 'x', { cluster: cluster(), config: { 'retention.ms': '1000' } }))
        .toThrow(/config\["retention.ms"\] = "1000": "retention.ms" is set from the retention prop/);
    });
    test('retention.bytes cannot hold the outage budget at the expected rate', () => {
      // 3 partitions at 30 KiB/s = 10 KiB/s each; 72 h needs ~2.5 GiB per partition.
      expect(() => new EdgeKafkaTopic(chart('a'), 'x', { cluster: cluster(), expectedWriteRate: Bandwidth.kibibytesPerSecond(30), retentionBytes: Size.gibibytes(1) }))
        .toThrow(/retentionBytes = "1Gi": at 30 KiB\/s over 3 partition\(s\) it holds only .* less than outageBudget \(3 days\); use at least 2532Mi per partition/);
    });
    test('retained data outgrows the brokers\' volumes', () => {
      const c = chart('a');
      const cl = new EdgeKafkaCluster(c, 'edge', { storageSize: Size.gibibytes(10) });
      new EdgeKafkaTopic(c, 'video-events', { cluster: cl, expectedWriteRate: Bandwidth.kibibytesPerSecond(20) });
      new EdgeKafkaTopic(c, 'telemetry', { cluster: cl, expectedWriteRate: Bandwidth.kibibytesPerSecond(20) });
      // (20 + 20) KiB/s × 96 h ≈ 13.2 GiB > 85 % of 10 GiB.
      expect(() => Testing.synth(c)).toThrow(/EdgeKafkaTopic "test\/video-events": expectedWriteRate × retention × replicas = 14Gi: the topics of cluster "edge" \(video-events, telemetry\) retain more than 85% of its 1 × 10Gi volumes/);
    });
    test('two topic constructs declare the same topic', () => {
      const c = chart('a');
      const cl = cluster(c);
      new EdgeKafkaTopic(c, 'one', { cluster: cl, topicName: 'events' });
      new EdgeKafkaTopic(c, 'two', { cluster: cl, topicName: 'events' });
      expect(() => Testing.synth(c)).toThrow(/EdgeKafkaTopic "test\/two": topicName = "events": test\/one already declares this topic/);
    });
    test('the outage budget is zero', () => {
      expect(() => new EdgeKafkaTopic(chart('a'), 'x', { cluster: cluster(), outageBudget: Duration.seconds(0) })).toThrow(/outageBudget = .*must be positive/);
    });
    test('a compact-only topic is given a retention', () => {
      expect(() => new EdgeKafkaTopic(chart('a'), 'x', { cluster: cluster(), cleanupPolicy: TopicCleanupPolicy.COMPACT, retention: Duration.days(5) }))
        .toThrow(/retention = "5 days": cleanupPolicy COMPACT never deletes by age/);
    });
  });
});

describe('EdgeKafkaUser', () => {
  test('custom ACLs, quotas and a later allowProduce all render', () => {
    const c = chart('site-a');
    const cluster = new EdgeKafkaCluster(c, 'edge');
    const topic = new EdgeKafkaTopic(c, 'objects', { cluster });
    const user = new EdgeKafkaUser(c, 'ops', {
      cluster,
      acls: [{ resourceType: KafkaAclResourceType.TOPIC, resourceName: 'site-a.', patternType: KafkaAclPatternType.PREFIX, operations: [KafkaAclOperation.DESCRIBE] }],
      producerByteRate: Bandwidth.mebibytesPerSecond(1),
      consumerByteRate: Bandwidth.mebibytesPerSecond(2),
    });
    user.addAcl({ resourceType: KafkaAclResourceType.CLUSTER, operations: [KafkaAclOperation.DESCRIBE], permission: KafkaAclPermission.DENY, host: '10.0.0.1' });
    user.allowProduce(topic);
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const u = find(manifests, 'KafkaUser', 'ops');
    expect(u.spec.quotas).toEqual({ producerByteRate: 1048576, consumerByteRate: 2097152 });
    expect(u.spec.authorization.acls).toHaveLength(3);
    expect(u.spec.authorization.acls[1]).toEqual({ type: 'deny', resource: { type: 'cluster' }, operations: ['Describe'], host: '10.0.0.1' });
    expect(findAll(manifests, 'KafkaUser')).toHaveLength(1);
  });

  describe('fails if', () => {
    test('the user has no ACL rule', () => {
      const c0 = chart('a');
      // Quotas are whole bytes per second: less than one would render as 0.
      expect(() => new EdgeKafkaUser(c0, 'slow', { cluster: new EdgeKafkaCluster(c0, 'edge'), producerByteRate: Bandwidth.bytesPerSecond(0.5) }))
        .toThrow(/EdgeKafkaUser "test\/slow": producerByteRate = "0.5 B\/s": must be at least 1 byte\/s \(Kafka quotas are whole bytes per second\)/);
      const c = chart('a');
      new EdgeKafkaUser(c, 'idle', { cluster: new EdgeKafkaCluster(c, 'edge') });
      expect(() => Testing.synth(c)).toThrow(/EdgeKafkaUser "test\/idle": acls = \[\]: with simple authorization a user without ACL rules can do nothing/);
    });
    test('its authentication differs from the listener\'s', () => {
      const c = chart('a');
      expect(() => new EdgeKafkaUser(c, 'u', { cluster: new EdgeKafkaCluster(c, 'edge'), authentication: KafkaAuthentication.TLS }))
        .toThrow(/authentication = "tls": cluster "edge" authenticates clients with scram-sha-512 on its TLS listener, so this user could never log in/);
    });
    test('an operation does not apply to the resource type', () => {
      const c = chart('a');
      const u = new EdgeKafkaUser(c, 'u', { cluster: new EdgeKafkaCluster(c, 'edge') });
      expect(() => u.addAcl({ resourceType: KafkaAclResourceType.GROUP, resourceName: 'g', operations: [KafkaAclOperation.WRITE] }))
        .toThrow(/acl.operations = \["Write"\]: Kafka does not apply Write to group resources/);
      expect(() => u.addAcl({ resourceType: KafkaAclResourceType.TOPIC, operations: [KafkaAclOperation.READ] })).toThrow(/a topic rule must name its resource/);
      expect(() => u.addAcl({ resourceType: KafkaAclResourceType.CLUSTER, resourceName: 'x', operations: [KafkaAclOperation.DESCRIBE] })).toThrow(/cluster rules name no resource/);
    });
    test('a topic of another cluster is granted', () => {
      const c = chart('a');
      const other = new EdgeKafkaTopic(c, 't', { cluster: new EdgeKafkaCluster(c, 'one') });
      const u = new EdgeKafkaUser(c, 'u', { cluster: new EdgeKafkaCluster(c, 'two', { nodePoolName: 'pool-two' }) });
      expect(() => u.allowProduce(other)).toThrow(/topic = "t": the topic lives on one-kafka-bootstrap.a.svc:9093, but this user belongs to two-kafka-bootstrap.a.svc:9093/);
    });
    test('two users share a name in one namespace', () => {
      const c = chart('a');
      const cluster = new EdgeKafkaCluster(c, 'edge');
      const t1 = new EdgeKafkaTopic(c, 't1', { cluster });
      const t2 = new EdgeKafkaTopic(c, 't2', { cluster });
      t1.grantProduce('producer');
      t2.grantProduce('producer');
      expect(() => Testing.synth(c)).toThrow(/EdgeKafkaUser "test\/t2\/producer": username = "producer": test\/t1\/producer already defines a KafkaUser of that name/);
    });
  });
});
