import { Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-30';
import {
  ConflictPolicy, EdgeKafkaCluster, EdgeKafkaTopic, EdgeKafkaUser, ExternalObjectStore, KafkaAclResourceType, KafkaAuthentication,
  KafkaCredentials, KafkaSync, KafkaSyncTarget, MirrorCompression, RequiredSecrets, Warnings, S3Credentials,
} from '../../../src';
import { chart, find, synth } from '../../support/harness';
import { fullMatch, v1beta2Fields } from '../strimzi-support';

const target = (overrides: Partial<KafkaSyncTarget> = {}): KafkaSyncTarget => ({
  bootstrapServers: 'kafka.cloud.example.com:9093',
  caCertificate: { name: 'cloud-cluster-ca', key: 'ca.crt' },
  credentials: KafkaCredentials.fromSecretName('cloud-mm2-user', { username: 'site-a-mm2' }),
  ...overrides,
});

function site(namespace = 'site-a', clusterProps = {}) {
  const c = chart(namespace);
  const cluster = new EdgeKafkaCluster(c, 'edge', clusterProps);
  const objects = new EdgeKafkaTopic(c, 'objects', { cluster });
  const telemetry = new EdgeKafkaTopic(c, 'telemetry', { cluster, topicName: 'telemetry.v1' });
  return { c, cluster, objects, telemetry };
}

describe('KafkaSync', () => {
  test('defaults: MirrorMaker2 v1 at the edge pushing <site>.<topic> to the cloud', () => {
    const { c, cluster, objects } = site();
    const sync = new KafkaSync(c, 'to-cloud', { source: cluster, site: 'site-a', target: target(), topics: [objects] });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();

    const mm2 = find(manifests, 'KafkaMirrorMaker2', 'to-cloud');
    expect(mm2.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(mm2.metadata.namespace).toBe('site-a'); // next to the edge cluster: the edge dials out through NAT
    expect(mm2.spec.replicas).toBe(1);
    // spec.target is the cloud cluster; Connect's group and internal topics live there, named per site.
    expect(mm2.spec.target).toMatchObject({
      alias: 'cloud',
      bootstrapServers: 'kafka.cloud.example.com:9093',
      groupId: 'mirrormaker2-site-a',
      configStorageTopic: 'mirrormaker2-site-a-configs',
      offsetStorageTopic: 'mirrormaker2-site-a-offsets',
      statusStorageTopic: 'mirrormaker2-site-a-status',
      tls: { trustedCertificates: [{ secretName: 'cloud-cluster-ca', certificate: 'ca.crt' }] },
      authentication: { type: 'scram-sha-512', username: 'site-a-mm2', passwordSecret: { secretName: 'cloud-mm2-user', password: 'password' } },
    });
    // mirrors[].source is the edge cluster, reached with the MirrorMaker2 user over its TLS listener.
    expect(mm2.spec.mirrors).toHaveLength(1);
    const mirror = mm2.spec.mirrors[0];
    expect(mirror.source).toEqual({
      alias: 'site-a',
      bootstrapServers: cluster.bootstrapServers,
      tls: { trustedCertificates: [{ secretName: 'edge-cluster-ca-cert', certificate: 'ca.crt' }] },
      authentication: { type: 'scram-sha-512', username: 'site-a-mirrormaker2', passwordSecret: { secretName: 'site-a-mirrormaker2', password: 'password' } },
    });
    expect(mirror.sourceConnector.config['offset-syncs.topic.location']).toBe('target');
    expect(mirror.sourceConnector.config['replication.policy.class']).toBe('org.apache.kafka.connect.mirror.DefaultReplicationPolicy');
    expect(mirror.sourceConnector.config['sync.topic.acls.enabled']).toBe('false');
    expect(mirror.sourceConnector.tasksMax).toBe(1);
    expect(mirror.checkpointConnector).toBeUndefined(); // no consumer groups to translate
    expect(fullMatch(mirror.topicsPattern, 'objects')).toBe(true);
    expect(sync.remoteTopicName(objects)).toBe('site-a.objects');
    expect(mm2.metadata.annotations['sync.cdk8s-edge-storage.io/conflict-policy']).toBe('last-write-wins');
    expect(v1beta2Fields(manifests)).toEqual([]);
  });

  test('in a plain chart, the Secrets MirrorMaker2 reads are listed: the cloud login copy and the cloud CA (not the edge user\'s, which Strimzi writes)', () => {
    const { c, cluster, objects } = site();
    new KafkaSync(c, 'to-cloud', { source: cluster, site: 'site-a', target: target(), topics: [objects] });
    const listed = RequiredSecrets.of(c).map((r) => `${r.namespace}/${r.name}: ${r.keys.join(',')}`);
    expect(listed).toEqual(['site-a/cloud-cluster-ca: ca.crt', 'site-a/cloud-mm2-user: password']);
    expect(RequiredSecrets.of(c).find((r) => r.name === 'cloud-cluster-ca')!.purpose).toMatch(/CA of the cloud Kafka brokers kafka.cloud.example.com:9093.*MirrorMaker2 to-cloud/);
  });

  test('custom: identity replication, consumer groups, mTLS both ways, tasks, resources, compression', () => {
    const { c, cluster, objects, telemetry } = site('site-b', { authentication: KafkaAuthentication.TLS });
    const sync = new KafkaSync(c, 'mirror', {
      source: cluster,
      site: 'site-b',
      target: target({ alias: 'central', replicationFactor: 3, credentials: KafkaCredentials.fromSecretName('central-mm2', { username: 'site-b-mm2', authentication: KafkaAuthentication.TLS }) }),
      topics: [objects, telemetry],
      consumerGroups: ['indexer'],
      identityReplication: true,
      syncGroupOffsets: true,
      tasksMax: 4,
      replicas: 2,
      resources: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(2) } },
      compression: MirrorCompression.LZ4,
      conflictPolicy: ConflictPolicy.EDGE_PRIORITY,
      kafkaVersion: '4.1.0',
    });
    sync.addConsumerGroup('thumbnailer');
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();

    const mm2 = find(manifests, 'KafkaMirrorMaker2', 'mirror');
    const mirror = mm2.spec.mirrors[0];
    // Identity replication is configured consistently on both connectors, with offset-syncs in the cloud on both.
    for (const connector of [mirror.sourceConnector, mirror.checkpointConnector]) {
      expect(connector.config['replication.policy.class']).toBe('org.apache.kafka.connect.mirror.IdentityReplicationPolicy');
      expect(connector.config['offset-syncs.topic.location']).toBe('target');
    }
    expect(mirror.checkpointConnector.config['sync.group.offsets.enabled']).toBe('true');
    expect(mirror.sourceConnector.tasksMax).toBe(4);
    expect(mm2.spec.target.authentication).toEqual({ type: 'tls', certificateAndKey: { secretName: 'central-mm2', certificate: 'user.crt', key: 'user.key' } });
    expect(mirror.source.authentication).toEqual({ type: 'tls', certificateAndKey: { secretName: 'site-b-mirrormaker2', certificate: 'user.crt', key: 'user.key' } });
    expect(mm2.spec.target.config['producer.compression.type']).toBe('lz4');
    expect(mm2.spec.target.config['config.storage.replication.factor']).toBe(3);
    expect(mm2.spec.replicas).toBe(2);
    expect(mm2.spec.version).toBe('4.1.0');
    expect(sync.remoteTopicName(telemetry)).toBe('telemetry.v1');
    expect(fullMatch(mirror.groupsPattern, 'indexer') && fullMatch(mirror.groupsPattern, 'thumbnailer')).toBe(true);
  });

  test('the MirrorMaker2 user\'s ACLs cover exactly the mirrored topics and groups, read-only', () => {
    const { c, cluster, objects, telemetry } = site();
    // A topic that is not mirrored, whose name the "." in "telemetry.v1" would match if it were not escaped.
    new EdgeKafkaTopic(c, 'unmirrored', { cluster, topicName: 'telemetryXv1' });
    new KafkaSync(c, 'sync', { source: cluster, site: 'site-a', target: target(), topics: [objects, telemetry], consumerGroups: ['indexer'] });
    const manifests = synth(c);
    const mirror = find(manifests, 'KafkaMirrorMaker2', 'sync').spec.mirrors[0];
    const acls: any[] = find(manifests, 'KafkaUser', 'site-a-mirrormaker2').spec.authorization.acls;
    const allTopics = manifests.filter((m) => m.kind === 'KafkaTopic').map((m) => m.spec.topicName ?? m.metadata.name);

    const topicAcls = acls.filter((a) => a.resource.type === 'topic');
    const granted = topicAcls.map((a) => a.resource.name).sort();
    const matched = allTopics.filter((t) => fullMatch(mirror.topicsPattern, t)).sort();
    expect(granted).toEqual(matched);
    expect(matched).toEqual(['objects', 'telemetry.v1']);
    for (const a of topicAcls) {
      expect(a.resource.patternType).toBe('literal');
      expect([...a.operations].sort()).toEqual(['Describe', 'DescribeConfigs', 'Read']);
    }
    const groupAcls = acls.filter((a) => a.resource.type === 'group');
    expect(groupAcls.map((a) => a.resource.name)).toEqual(['indexer']);
    expect(fullMatch(mirror.groupsPattern, 'indexer')).toBe(true);
    expect(groupAcls[0].operations).toEqual(['Describe']);
    // Nothing else: no cluster rule, no write anywhere.
    expect(acls.filter((a) => !['topic', 'group'].includes(a.resource.type))).toEqual([]);
    expect(acls.flatMap((a) => a.operations).filter((op: string) => !['Read', 'Describe', 'DescribeConfigs'].includes(op))).toEqual([]);
    expect(acls.every((a) => a.type === 'allow')).toBe(true);
  });

  test('topics added after construction are mirrored and granted', () => {
    const { c, cluster, objects, telemetry } = site();
    const sync = new KafkaSync(c, 'sync', { source: cluster, site: 'site-a', target: target(), topics: [objects] });
    sync.addTopic(telemetry);
    sync.addTopic(telemetry); // idempotent
    const manifests = synth(c);
    expect(find(manifests, 'KafkaMirrorMaker2', 'sync').spec.mirrors[0].topicsPattern).toBe('objects|telemetry\\.v1');
    expect(find(manifests, 'KafkaUser', 'site-a-mirrormaker2').spec.authorization.acls).toHaveLength(2);
  });

  test('cloud-side ACL rules for the site\'s MirrorMaker2 user validate as a KafkaUser on an imported cloud cluster', () => {
    const { c, cluster, objects } = site();
    const sync = new KafkaSync(c, 'sync', { source: cluster, site: 'site-a', target: target(), topics: [objects], consumerGroups: ['indexer'] });
    const cloudChart = chart('kafka');
    const central = EdgeKafkaCluster.fromClusterAttributes(cloudChart, 'central', { clusterName: 'central', namespace: 'kafka', brokerCount: 3 });
    new EdgeKafkaUser(cloudChart, 'site-a-mm2', { cluster: central, acls: sync.targetAclRules() });
    const user = find(synth(cloudChart), 'KafkaUser', 'site-a-mm2');
    const names = user.spec.authorization.acls.map((a: any) => `${a.resource.type}:${a.resource.name ?? ''}:${a.resource.patternType ?? ''}`);
    expect(names).toEqual([
      'topic:site-a.:prefix',
      'group:mirrormaker2-site-a:literal',
      'topic:mirrormaker2-site-a-configs:literal',
      'topic:mirrormaker2-site-a-offsets:literal',
      'topic:mirrormaker2-site-a-status:literal',
      'topic:mm2-offset-syncs.site-a.internal:literal',
      'topic:site-a.checkpoints.internal:literal',
    ]);
    const identity = KafkaSync.aclRulesForTarget({ site: 'site-a', topicNames: ['objects'], identityReplication: true });
    expect(identity.filter((r) => r.resourceType === KafkaAclResourceType.TOPIC).map((r) => r.resourceName)).toContain('objects');
  });

  test('addObjectReplication inherits the conflict policy', () => {
    const { c, cluster, objects } = site();
    const sync = new KafkaSync(c, 'sync', { source: cluster, site: 'site-a', target: target(), topics: [objects], conflictPolicy: ConflictPolicy.CLOUD_PRIORITY });
    const edge = new ExternalObjectStore({ s3Endpoint: 'http://minio.site-a.svc:9000', credentials: S3Credentials.fromSecretName('edge-s3') });
    const cloud = new ExternalObjectStore({ s3Endpoint: 'https://s3.example.com', credentials: S3Credentials.fromSecretName('cloud-s3') });
    const rep = sync.addObjectReplication('video', { source: edge, sourceBucket: 'video', destination: cloud, destinationBucket: 'fleet', destinationPrefix: 'site-a' });
    expect(rep.conflictPolicy).toBe(ConflictPolicy.CLOUD_PRIORITY);
    expect(find(synth(c), 'CronJob', 'video').spec.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({ name: 'SYNC_POLICY', value: 'cloud-priority' });
    expect(() => sync.addObjectReplication('other', { source: edge, sourceBucket: 'video', destination: cloud, destinationBucket: 'fleet', conflictPolicy: ConflictPolicy.MANUAL }))
      .toThrow(/objectReplication.conflictPolicy = "manual": differs from the sync's conflictPolicy \(cloud-priority\)/);
  });

  describe('fails if', () => {
    test('no topic is mirrored', () => {
      const { c, cluster } = site();
      new KafkaSync(c, 'sync', { source: cluster, site: 'site-a', target: target() });
      expect(() => Testing.synth(c)).toThrow(/KafkaSync "test\/sync": topics = \[\]: MirrorMaker2 needs at least one topic to mirror; pass topics or call addTopic\(\)/);
    });
    test('identity replication makes two sites write the same cloud topic', () => {
      const app = Testing.app();
      const mk = (ns: string) => {
        const c = new Chart(app, ns, { namespace: ns });
        const cluster = new EdgeKafkaCluster(c, 'edge');
        const t = new EdgeKafkaTopic(c, 'objects', { cluster });
        return new KafkaSync(c, 'sync', { source: cluster, site: ns, target: target(), topics: [t], identityReplication: true });
      };
      mk('site-a');
      mk('site-b');
      expect(() => app.synth()).toThrow(/KafkaSync "site-b\/sync": topics = \["objects"\]: site "site-a" \(site-a\/sync\) also writes this cloud topic in kafka.cloud.example.com:9093 \(identity replication keeps names unchanged\)/);
    });
    test('two syncs use the same site name against one cloud cluster', () => {
      const { c, cluster, objects, telemetry } = site();
      new KafkaSync(c, 'one', { source: cluster, site: 'site-a', target: target(), topics: [objects] });
      new KafkaSync(c, 'two', { source: cluster, site: 'site-a', target: target(), topics: [telemetry], username: 'second-mm2' });
      expect(() => Testing.synth(c)).toThrow(/KafkaSync "test\/two": site = "site-a": test\/one already mirrors a site of that name/);
    });
    test('the cloud CA is missing while TLS is on', () => {
      const { c, cluster } = site();
      expect(() => new KafkaSync(c, 'sync', { source: cluster, site: 'site-a', target: target({ caCertificate: undefined }) }))
        .toThrow(/target.caCertificate = "undefined": a TLS connection to the cloud cluster needs the CA/);
    });
    test('the cloud credentials Secret or user name is missing', () => {
      const { c, cluster } = site();
      expect(() => new KafkaSync(c, 'a', { source: cluster, site: 'site-a', target: target({ credentials: { secretName: 's', username: 'u' } as any }) }))
        .toThrow(/target.credentials = "\{"secretName":"s","username":"u"\}": MirrorMaker2 needs the Secret/);
      expect(() => new KafkaSync(c, 'b', { source: cluster, site: 'site-a', target: target({ credentials: KafkaCredentials.fromSecretName('s', { username: 'u' }).copiedTo('s', 'elsewhere') }) }))
        .toThrow(/KafkaSync "test\/b": target.credentials = "elsewhere\/s": MirrorMaker2 runs in the edge namespace "site-a"/);
    });
    test('a topic of another cluster is mirrored', () => {
      const { c, cluster } = site();
      const foreign = new EdgeKafkaTopic(c, 'foreign', { cluster: new EdgeKafkaCluster(c, 'other', { nodePoolName: 'other-pool' }) });
      expect(() => new KafkaSync(c, 'sync', { source: cluster, site: 'site-a', target: target(), topics: [foreign] }))
        .toThrow(/topics = "foreign": the topic lives on other-kafka-bootstrap.site-a.svc:9093, not on the source cluster edge-kafka-bootstrap.site-a.svc:9093/);
    });
    test('the aliases are unusable', () => {
      const { c, cluster } = site();
      expect(() => new KafkaSync(c, 'a', { source: cluster, site: 'Site_A', target: target() })).toThrow(/site = "Site_A": must be a DNS-1123 label/);
      expect(() => new KafkaSync(c, 'b', { source: cluster, site: 'cloud', target: target() })).toThrow(/target.alias = "cloud": the cloud alias must differ from the site alias/);
    });
    test('bootstrap servers are not host:port', () => {
      const { c, cluster } = site();
      expect(() => new KafkaSync(c, 'sync', { source: cluster, site: 'site-a', target: target({ bootstrapServers: 'https://kafka.example.com' }) }))
        .toThrow(/target.bootstrapServers = "https:\/\/kafka.example.com": must be a comma-separated list of host:port/);
    });
    test('tasksMax or the target replication factor is out of range', () => {
      const { c, cluster } = site();
      expect(() => new KafkaSync(c, 'a', { source: cluster, site: 'site-a', target: target(), tasksMax: 0 })).toThrow(/tasksMax = 0: must be a whole number of at least 1/);
      expect(() => new KafkaSync(c, 'b', { source: cluster, site: 'site-a', target: target({ replicationFactor: 0 }) })).toThrow(/target.replicationFactor = 0: must be -1/);
    });
    test('group offsets are synced without groups', () => {
      const { c, cluster, objects } = site();
      new KafkaSync(c, 'sync', { source: cluster, site: 'site-a', target: target(), topics: [objects], syncGroupOffsets: true });
      expect(() => Testing.synth(c)).toThrow(/syncGroupOffsets = true: there are no consumerGroups to sync/);
    });
  });

  test('plain-text WAN connections are allowed with a warning', () => {
    const { c, cluster, objects } = site();
    new KafkaSync(c, 'sync', { source: cluster, site: 'site-a', target: target({ tls: false, caCertificate: undefined }), topics: [objects] });
    const mm2 = find(synth(c), 'KafkaMirrorMaker2', 'sync');
    expect(mm2.spec.target.tls).toBeUndefined();
    expect(Warnings.collect(c).join('\n')).toMatch(/target.tls = false: events and the SCRAM handshake cross the WAN unencrypted/);
  });
});
