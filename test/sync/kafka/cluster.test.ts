import { Testing, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-30';
import { EdgeKafkaCluster, EdgeKafkaTopic, KafkaAuthentication, Warnings } from '../../../src';
import { chart, find, synth } from '../../support/harness';
import { v1beta2Fields } from '../strimzi-support';

describe('EdgeKafkaCluster listener peers', () => {
  test('given peers (and peers added later) replace the own-namespace default, pods selected by label', () => {
    const c = chart('site-a');
    const k = new EdgeKafkaCluster(c, 'edge', { networkPolicyPeers: [{ namespace: 'apps', podLabels: { app: 'consumer' } }] });
    k.allowListenerPeer({ namespace: 'monitoring', podLabels: {} });
    k.allowListenerPeer({ namespace: 'apps', podLabels: { app: 'consumer' } });
    expect(find(synth(c), 'Kafka', 'edge').spec.kafka.listeners[0].networkPolicyPeers).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } }, podSelector: { matchLabels: { app: 'consumer' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
    ]);
  });
  test('fails if a peer namespace is not a DNS label', () => {
    expect(() => new EdgeKafkaCluster(chart('site-a'), 'edge', { networkPolicyPeers: [{ namespace: 'Bad_NS', podLabels: {} }] }))
      .toThrow(/networkPolicyPeers\[0\]\.namespace = "Bad_NS"/);
  });
});

describe('EdgeKafkaCluster', () => {
  test('defaults: single dual-role KRaft node, TLS + SCRAM listener, simple authorization, entity operator', () => {
    const c = chart('site-a');
    new EdgeKafkaCluster(c, 'edge');
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();

    const kafka = find(manifests, 'Kafka', 'edge');
    expect(kafka.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(kafka.spec.kafka.listeners).toEqual([{
      name: 'tls',
      port: 9093,
      type: 'internal',
      tls: true,
      authentication: { type: 'scram-sha-512' },
      // Without peers Strimzi's NetworkPolicy opens the listener to every namespace: default to the cluster's own.
      networkPolicyPeers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'site-a' } } }],
    }]);
    expect(kafka.spec.kafka.authorization).toEqual({ type: 'simple' });
    expect(kafka.spec.entityOperator.topicOperator).toBeDefined();
    expect(kafka.spec.entityOperator.userOperator).toBeDefined();
    // One broker: everything replicated once, nothing waits for a second replica.
    expect(kafka.spec.kafka.config).toMatchObject({
      'default.replication.factor': 1,
      'min.insync.replicas': 1,
      'offsets.topic.replication.factor': 1,
      'transaction.state.log.replication.factor': 1,
      'transaction.state.log.min.isr': 1,
    });

    const pool = find(manifests, 'KafkaNodePool', 'dual-role');
    expect(pool.metadata.labels['strimzi.io/cluster']).toBe('edge');
    expect(pool.spec.replicas).toBe(1);
    expect([...pool.spec.roles].sort()).toEqual(['broker', 'controller']);
    expect(pool.spec.storage.volumes).toEqual([{ id: 0, type: 'persistent-claim', size: '20Gi', deleteClaim: false, kraftMetadata: 'shared' }]);
    expect(v1beta2Fields(manifests)).toEqual([]);
  });

  test('custom: three nodes, mutual TLS, storage class and size, versions, resources', () => {
    const c = chart('site-b');
    const cluster = new EdgeKafkaCluster(c, 'events', {
      replicas: 3,
      authentication: KafkaAuthentication.TLS,
      storageSize: Size.gibibytes(100),
      storageClassName: 'local-nvme',
      deleteClaim: true,
      kafkaVersion: '4.1.0',
      metadataVersion: '4.1-IV1',
      nodePoolName: 'kraft',
      resources: { cpu: { request: Cpu.millis(1000) }, memory: { request: Size.gibibytes(4), limit: Size.gibibytes(4) } },
      config: { 'log.retention.check.interval.ms': '60000', 'compression.type': 'zstd' },
    });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();

    const kafka = find(manifests, 'Kafka', 'events');
    expect(kafka.spec.kafka.listeners[0].authentication).toEqual({ type: 'tls' });
    expect(kafka.spec.kafka.version).toBe('4.1.0');
    // Three brokers: RF 3 with min ISR 2 keeps acks=all writes going with one broker down.
    expect(kafka.spec.kafka.config).toMatchObject({ 'default.replication.factor': 3, 'min.insync.replicas': 2, 'transaction.state.log.min.isr': 2, 'compression.type': 'zstd' });
    const pool = find(manifests, 'KafkaNodePool', 'kraft');
    expect(pool.spec.replicas).toBe(3);
    expect(pool.spec.storage.volumes[0]).toMatchObject({ size: '100Gi', class: 'local-nvme', deleteClaim: true });
    expect(pool.spec.resources).toEqual({ requests: { cpu: '1000m', memory: '4Gi' }, limits: { memory: '4Gi' } });
    expect(cluster.defaultReplicationFactor).toBe(3);
    expect(cluster.minInsyncReplicas).toBe(2);
  });

  test('client addresses follow Strimzi naming', () => {
    const cluster = new EdgeKafkaCluster(chart('site-a'), 'edge');
    expect(cluster.bootstrapServers).toBe('edge-kafka-bootstrap.site-a.svc:9093');
    expect(cluster.caCertificate).toEqual({ name: 'edge-cluster-ca-cert', key: 'ca.crt' });
    expect(cluster.networkPeer).toEqual({ namespace: 'site-a', podLabels: { 'strimzi.io/cluster': 'edge', 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' }, ports: [9093] });
  });

  test('the namespace prop wins over the chart namespace', () => {
    const cluster = new EdgeKafkaCluster(chart('apps'), 'edge', { namespace: 'kafka' });
    expect(cluster.bootstrapServers).toBe('edge-kafka-bootstrap.kafka.svc:9093');
  });

  test('two nodes get RF 2 / min ISR 1 and a quorum warning', () => {
    const c = chart('site-a');
    const cluster = new EdgeKafkaCluster(c, 'edge', { replicas: 2 });
    expect([cluster.defaultReplicationFactor, cluster.minInsyncReplicas]).toEqual([2, 1]);
    expect(Warnings.collect(c).join('\n')).toMatch(/replicas = 2: .*quorum of 2 survives no more failures than one of 1; use 3/);
  });

  test('imported clusters derive their replication settings', () => {
    const c = chart();
    const cloud = EdgeKafkaCluster.fromClusterAttributes(c, 'cloud', { clusterName: 'central', namespace: 'kafka', brokerCount: 5 });
    expect([cloud.defaultReplicationFactor, cloud.minInsyncReplicas, cloud.authentication]).toEqual([3, 2, KafkaAuthentication.SCRAM_SHA_512]);
    expect(cloud.bootstrapServers).toBe('central-kafka-bootstrap.kafka.svc:9093');
    expect(() => EdgeKafkaCluster.fromClusterAttributes(c, 'bad', { clusterName: 'c', namespace: 'kafka', brokerCount: 3, minInsyncReplicas: 3 }))
      .toThrow(/minInsyncReplicas = 3: equal to defaultReplicationFactor \(3\)/);
  });

  test('keys Strimzi 1.2 lets through its forbidden prefixes are accepted and rendered', () => {
    const allowed = {
      'broker.session.timeout.ms': '18000',
      'broker.heartbeat.interval.ms': '2000',
      'controller.socket.timeout.ms': '30000',
      'sasl.server.max.receive.size': '524288',
      'ssl.cipher.suites': 'TLS_AES_256_GCM_SHA384',
      'controller.quorum.fetch.timeout.ms': '2000',
      'listener.name.tls-9093.max.connections': '500',
    };
    const c = chart('a');
    const cluster = new EdgeKafkaCluster(c, 'edge', { config: allowed });
    const kafka = find(synth(c), 'Kafka', 'edge');
    const listener = kafka.spec.kafka.listeners[0];
    // The per-listener key names the listener the construct renders (`<name>-<port>`).
    expect(`${listener.name}-${listener.port}`).toBe('tls-9093');
    for (const [k, v] of Object.entries(allowed)) expect(kafka.spec.kafka.config[k]).toBe(v);
    expect(cluster.clusterName).toBe('edge');
  });

  describe('fails if', () => {
    test('no namespace is known', () => {
      expect(() => new EdgeKafkaCluster(Testing.chart(), 'edge')).toThrow(/^EdgeKafkaCluster "test\/edge": namespace = "undefined": .*; pass namespace or give the chart a namespace$/);
    });
    test('replicas is not a positive whole number', () => {
      expect(() => new EdgeKafkaCluster(chart('a'), 'edge', { replicas: 0 })).toThrow(/replicas = 0: must be a whole number of KRaft nodes/);
    });
    test('the name is too long for Strimzi\'s service names', () => {
      expect(() => new EdgeKafkaCluster(chart('a'), 'x'.repeat(48))).toThrow(/clusterName \(construct id\) = "x{48}": must be a DNS-1123 label: 1–47 characters/);
    });
    test('a forbidden broker option is set', () => {
      expect(() => new EdgeKafkaCluster(chart('a'), 'edge', { config: { listeners: 'PLAINTEXT://:9092' } }))
        .toThrow(/config\["listeners"\] = "PLAINTEXT:\/\/:9092": Strimzi manages options starting with "listeners" itself/);
      expect(() => new EdgeKafkaCluster(chart('a'), 'edge', { config: { 'sasl.enabled.mechanisms': 'PLAIN' } })).toThrow(/starting with "sasl\."/);
    });
    test('a key Strimzi 1.2 drops is set (prefixes added since 0.x: metrics reporter, quota plugin, cordoned log dirs; case-insensitive)', () => {
      for (const key of ['prometheus.metrics.reporter.enabled', 'cordoned.log.dirs', 'client.quota.callback.static.produce',
        'client.quota.callback.static.storage.per.volume.limit.min.available.bytes', 'zookeeper.metadata.migration.enable', 'LISTENERS',
        'listener.name.other-9094.max.connections']) {
        expect(() => new EdgeKafkaCluster(chart('a'), 'edge', { config: { [key]: '1' } })).toThrow(/Strimzi manages options starting with/);
      }
    });
    test('min.insync.replicas >= replication factor (acks=all blocks on one broker loss)', () => {
      expect(() => new EdgeKafkaCluster(chart('a'), 'edge', { replicas: 3, config: { 'min.insync.replicas': '3' } }))
        .toThrow(/config\["min.insync.replicas"\] = 3: equal to config\["default.replication.factor"\] \(3\): with acks=all, losing one broker blocks every write; use 2 or less/);
      expect(() => new EdgeKafkaCluster(chart('a'), 'edge', { config: { 'min.insync.replicas': '2' } }))
        .toThrow(/min.insync.replicas"\] = 2: above config\["default.replication.factor"\] \(1\): acks=all producers can never be acknowledged/);
    });
    test('a replication factor exceeds the broker count', () => {
      expect(() => new EdgeKafkaCluster(chart('a'), 'edge', { config: { 'offsets.topic.replication.factor': '3' } }))
        .toThrow(/config\["offsets.topic.replication.factor"\] = 3: a replication factor above the broker count \(1\)/);
    });
    test('the volume is smaller than 1Gi', () => {
      expect(() => new EdgeKafkaCluster(chart('a'), 'edge', { storageSize: Size.mebibytes(512) })).toThrow(/storageSize = "512Mi": each node needs at least 1Gi/);
    });
    test('two clusters in one namespace share a name or a node pool name', () => {
      const c = chart('a');
      new EdgeKafkaCluster(c, 'one');
      new EdgeKafkaCluster(c, 'two');
      expect(() => Testing.synth(c)).toThrow(/EdgeKafkaCluster "test\/two": nodePoolName = "dual-role": cluster test\/one in namespace "a" already has a KafkaNodePool of that name/);
    });
  });

  test('addTopic and addUser create children on this cluster', () => {
    const c = chart('a');
    const cluster = new EdgeKafkaCluster(c, 'edge');
    const topic = cluster.addTopic('alerts', { partitions: 1 });
    const user = cluster.addUser('alerter');
    user.allowProduce(topic);
    const manifests = synth(c);
    expect(find(manifests, 'KafkaTopic', 'alerts').spec.partitions).toBe(1);
    expect(find(manifests, 'KafkaUser', 'alerter').spec.authorization.acls[0].resource).toEqual({ type: 'topic', name: 'alerts', patternType: 'literal' });
    expect(topic.node.scope).toBe(cluster);
  });

  test('topics on the cluster inherit its replication settings', () => {
    const c = chart('a');
    const cluster = new EdgeKafkaCluster(c, 'edge', { replicas: 3 });
    const topic = new EdgeKafkaTopic(c, 'telemetry', { cluster });
    expect([topic.replicas, topic.minInsyncReplicas]).toEqual([3, 2]);
  });
});
