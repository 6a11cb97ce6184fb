import { Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-30';
import {
  EdgeKafkaCluster, EdgeKafkaTopic, EdgeKafkaUser, KafkaAclRule, KafkaAuthentication, KafkaCredentials, KafkaCloudCluster,
  KafkaCloudToEdgeMirror, KafkaSync, RequiredSecrets, Warnings,
} from '../../../src';
import { chart, find, synth } from '../../support/harness';
import { fullMatch, v1beta2Fields } from '../strimzi-support';

const cloud = (overrides: Partial<KafkaCloudCluster> = {}): KafkaCloudCluster => ({
  bootstrapServers: 'kafka.cloud.example.com:9093',
  caCertificate: { name: 'cloud-cluster-ca', key: 'ca.crt' },
  credentials: KafkaCredentials.fromSecretName('cloud-releases-user', { username: 'site-a-releases' }),
  ...overrides,
});

function site(namespace = 'site-a', clusterProps = {}) {
  const c = chart(namespace);
  const cluster = new EdgeKafkaCluster(c, 'edge', clusterProps);
  return { c, cluster };
}

/** `type:name:patternType` of each rule, as rendered in a KafkaUser. */
const ruleKey = (a: any) => `${a.resource.type}:${a.resource.name ?? ''}:${a.resource.patternType ?? ''}:${[...a.operations].sort().join('+')}`;
/** The same key for an unrendered rule. */
const ruleKeyOf = (r: KafkaAclRule) => `${r.resourceType}:${r.resourceName ?? ''}:${r.resourceName !== undefined ? r.patternType ?? 'literal' : ''}:${[...r.operations].sort().join('+')}`;

describe('KafkaCloudToEdgeMirror', () => {
  test('defaults: MirrorMaker2 v1 at the edge pulling cloud topics into <alias>.<topic> on the edge cluster', () => {
    const { c, cluster } = site();
    const mirror = new KafkaCloudToEdgeMirror(c, 'from-cloud', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases'] });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();

    const mm2 = find(manifests, 'KafkaMirrorMaker2', 'from-cloud');
    expect(mm2.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(mm2.metadata.namespace).toBe('site-a');
    expect(mm2.metadata.annotations['sync.cdk8s-edge-storage.io/direction']).toBe('cloud-to-edge');
    // spec.target is the edge cluster: Connect keeps its group and internal topics there, named per site and cloud.
    expect(mm2.spec.target).toEqual({
      alias: 'site-a',
      bootstrapServers: 'edge-kafka-bootstrap.site-a.svc:9093',
      groupId: 'mirrormaker2-site-a-from-cloud',
      configStorageTopic: 'mirrormaker2-site-a-from-cloud-configs',
      offsetStorageTopic: 'mirrormaker2-site-a-from-cloud-offsets',
      statusStorageTopic: 'mirrormaker2-site-a-from-cloud-status',
      tls: { trustedCertificates: [{ secretName: 'edge-cluster-ca-cert', certificate: 'ca.crt' }] },
      authentication: { type: 'scram-sha-512', username: 'from-cloud-mirrormaker2', passwordSecret: { secretName: 'from-cloud-mirrormaker2', password: 'password' } },
      // A one-node site: every topic MirrorMaker2 or Connect creates there gets replication factor 1.
      // One partition each for Connect's offset and status topics: every site has its own on the shared cluster.
      config: {
        'config.storage.replication.factor': 1,
        'offset.storage.replication.factor': 1,
        'status.storage.replication.factor': 1,
        'offset.storage.partitions': 1,
        'status.storage.partitions': 1,
      },
    });
    // mirrors[].source is the cloud cluster, from the Secrets copied to the edge.
    const m = mm2.spec.mirrors[0];
    expect(m.source).toEqual({
      alias: 'cloud',
      bootstrapServers: 'kafka.cloud.example.com:9093',
      tls: { trustedCertificates: [{ secretName: 'cloud-cluster-ca', certificate: 'ca.crt' }] },
      authentication: { type: 'scram-sha-512', username: 'site-a-releases', passwordSecret: { secretName: 'cloud-releases-user', password: 'password' } },
    });
    expect(m.sourceConnector.config).toMatchObject({
      'replication.policy.class': 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
      'offset-syncs.topic.location': 'target',
      'replication.factor': 1,
      'offset-syncs.topic.replication.factor': 1,
      'sync.topic.acls.enabled': 'false',
      'sync.topic.configs.enabled': 'false',
    });
    expect(m.checkpointConnector).toBeUndefined();
    expect(fullMatch(m.topicsPattern, 'model-releases')).toBe(true);
    expect(fullMatch(m.topicsPattern, 'model-releasesX')).toBe(false);
    expect(mirror.edgeTopicName('model-releases')).toBe('cloud.model-releases');
    expect(mirror.offsetSyncsTopic).toBe('mm2-offset-syncs.cloud.internal');
    expect(v1beta2Fields(manifests)).toEqual([]);
  });

  test('in a plain chart, the Secrets MirrorMaker2 reads are listed: the cloud login copy and the cloud CA', () => {
    const { c, cluster } = site();
    new KafkaCloudToEdgeMirror(c, 'releases', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases'] });
    const listed = RequiredSecrets.of(c).map((r) => `${r.namespace}/${r.name}: ${r.keys.join(',')}`);
    expect(listed).toEqual(['site-a/cloud-cluster-ca: ca.crt', 'site-a/cloud-releases-user: password']);
    expect(RequiredSecrets.of(c).find((r) => r.name === 'cloud-cluster-ca')!.purpose).toMatch(/CA of the cloud Kafka brokers kafka.cloud.example.com:9093.*MirrorMaker2 releases/);
  });

  test('custom: identity replication, checkpointed groups, mTLS both ways, replication factor, tasks, resources', () => {
    const { c, cluster } = site('site-b', { replicas: 3, authentication: KafkaAuthentication.TLS });
    const mirror = new KafkaCloudToEdgeMirror(c, 'releases', {
      source: cloud({ alias: 'central', credentials: KafkaCredentials.fromSecretName('central-releases', { username: 'site-b-releases', authentication: KafkaAuthentication.TLS }) }),
      target: cluster,
      site: 'site-b',
      topics: ['model-releases'],
      identityReplication: true,
      consumerGroups: ['model-puller'],
      syncGroupOffsets: true,
      syncTopicConfigs: true,
      replicationFactor: 2,
      tasksMax: 2,
      replicas: 2,
      resources: { cpu: { request: Cpu.millis(300) }, memory: { request: Size.gibibytes(2) } },
      username: 'site-b-puller-mm2',
      kafkaVersion: '4.1.0',
    });
    mirror.addTopic('model-revocations');
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();

    const mm2 = find(manifests, 'KafkaMirrorMaker2', 'releases');
    const m = mm2.spec.mirrors[0];
    // Identity replication and the edge location of offset-syncs, consistently on both connectors.
    for (const connector of [m.sourceConnector, m.checkpointConnector]) {
      expect(connector.config['replication.policy.class']).toBe('org.apache.kafka.connect.mirror.IdentityReplicationPolicy');
      expect(connector.config['offset-syncs.topic.location']).toBe('target');
    }
    expect(m.checkpointConnector.config['checkpoints.topic.replication.factor']).toBe(2);
    expect(m.checkpointConnector.config['sync.group.offsets.enabled']).toBe('true');
    expect(fullMatch(m.groupsPattern, 'model-puller')).toBe(true);
    expect(m.sourceConnector.tasksMax).toBe(2);
    expect(m.sourceConnector.config['sync.topic.configs.enabled']).toBe('true');
    expect(m.source.authentication).toEqual({ type: 'tls', certificateAndKey: { secretName: 'central-releases', certificate: 'user.crt', key: 'user.key' } });
    expect(mm2.spec.target.authentication).toEqual({ type: 'tls', certificateAndKey: { secretName: 'site-b-puller-mm2', certificate: 'user.crt', key: 'user.key' } });
    expect(mm2.spec.target.groupId).toBe('mirrormaker2-site-b-from-central');
    expect(mm2.spec.target.config['config.storage.replication.factor']).toBe(2);
    expect(mm2.spec.replicas).toBe(2);
    expect(mm2.spec.version).toBe('4.1.0');
    expect(mm2.spec.resources).toEqual({ requests: { cpu: '300m', memory: '2Gi' }, limits: { memory: '2Gi' } });
    expect(mirror.edgeTopicNames).toEqual(['model-releases', 'model-revocations']);
    expect(['model-releases', 'model-revocations'].every((t) => fullMatch(m.topicsPattern, t))).toBe(true);
  });

  test('the edge user may write exactly the edge copies and MirrorMaker2\'s own topics, and nothing else', () => {
    const { c, cluster } = site();
    // A local topic whose name the "." in "cloud.model-releases" would match if the name were used as a regex.
    new EdgeKafkaTopic(c, 'local', { cluster, topicName: 'cloudXmodel-releases' });
    const mirror = new KafkaCloudToEdgeMirror(c, 'pull', {
      source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases'], consumerGroups: ['model-puller'], syncGroupOffsets: true,
    });
    mirror.addTopic('config-updates');
    const manifests = synth(c);
    const acls: any[] = find(manifests, 'KafkaUser', 'pull-mirrormaker2').spec.authorization.acls;

    const written = acls.filter((a) => a.operations.includes('Write')).map((a) => a.resource.name).sort();
    expect(written).toEqual([
      'cloud.checkpoints.internal',
      'cloud.config-updates',
      'cloud.model-releases',
      'mirrormaker2-site-a-from-cloud-configs',
      'mirrormaker2-site-a-from-cloud-offsets',
      'mirrormaker2-site-a-from-cloud-status',
      'mm2-offset-syncs.cloud.internal',
    ]);
    // Everything by literal name, nothing denied, no local topic touched.
    expect(acls.every((a) => a.type === 'allow' && (a.resource.type === 'cluster' || a.resource.patternType === 'literal'))).toBe(true);
    expect(acls.some((a) => a.resource.name === 'cloudXmodel-releases')).toBe(false);
    // The user accumulated exactly the canonical rule set.
    expect(acls.map(ruleKey).sort()).toEqual(mirror.targetAclRules().map(ruleKeyOf).sort());
    // Groups: Connect's own, and the translated group whose offsets it writes.
    expect(acls.filter((a) => a.resource.type === 'group').map((a) => a.resource.name).sort()).toEqual(['mirrormaker2-site-a-from-cloud', 'model-puller']);
  });

  test('cloud-side rules are read-only, cover exactly the pulled topics and validate as a KafkaUser on the cloud cluster', () => {
    const { c, cluster } = site();
    const mirror = new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases', 'fleet.config'], consumerGroups: ['cloud-indexer'] });
    const mm2 = find(synth(c), 'KafkaMirrorMaker2', 'pull');

    const cloudChart = chart('kafka');
    const central = EdgeKafkaCluster.fromClusterAttributes(cloudChart, 'central', { clusterName: 'central', namespace: 'kafka', brokerCount: 3 });
    new EdgeKafkaUser(cloudChart, 'site-a-releases', { cluster: central, acls: mirror.sourceAclRules() });
    const acls: any[] = find(synth(cloudChart), 'KafkaUser', 'site-a-releases').spec.authorization.acls;

    const cloudTopics = ['model-releases', 'fleet.config', 'fleetXconfig', 'site-a.objects'];
    const topicAcls = acls.filter((a) => a.resource.type === 'topic');
    expect(topicAcls.map((a) => a.resource.name).sort()).toEqual(cloudTopics.filter((t) => fullMatch(mm2.spec.mirrors[0].topicsPattern, t)).sort());
    for (const a of topicAcls) {
      expect(a.resource.patternType).toBe('literal');
      expect([...a.operations].sort()).toEqual(['Describe', 'DescribeConfigs', 'Read']);
    }
    expect(acls.filter((a) => a.resource.type === 'group')).toEqual([
      { type: 'allow', resource: { type: 'group', name: 'cloud-indexer', patternType: 'literal' }, operations: ['Describe'] },
    ]);
    expect(acls.flatMap((a) => a.operations).filter((op: string) => !['Read', 'Describe', 'DescribeConfigs'].includes(op))).toEqual([]);
    expect(KafkaCloudToEdgeMirror.aclRulesForSource({ topicNames: ['x'] })).toEqual([
      { resourceType: 'topic', resourceName: 'x', operations: ['Read', 'Describe', 'DescribeConfigs'] },
    ]);
  });

  test('local consumers read the edge copy: edgeTopic() as IEventTopic, grantConsume() for credentials', () => {
    const { c, cluster } = site();
    const mirror = new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases', 'config-updates'] });
    const topic = mirror.edgeTopic('model-releases');
    expect(topic).toEqual({
      topicName: 'cloud.model-releases',
      bootstrapServers: cluster.bootstrapServers,
      caCertificate: cluster.caCertificate,
      secretNamespace: cluster.namespace,
      networkPeer: cluster.networkPeer,
    });
    // Usable wherever an IEventTopic of the edge cluster is accepted.
    new EdgeKafkaUser(c, 'indexer', { cluster }).allowConsume(topic, 'indexer');
    const creds = mirror.grantConsume('model-puller', { topics: ['model-releases'] });
    expect(creds).toEqual(KafkaCredentials.fromKafkaUser('model-puller', { namespace: cluster.namespace }));
    mirror.grantConsume('auditor', { group: 'audit' });
    const manifests = synth(c);
    expect(find(manifests, 'KafkaUser', 'model-puller').spec.authorization.acls).toEqual([
      { type: 'allow', resource: { type: 'topic', name: 'cloud.model-releases', patternType: 'literal' }, operations: ['Read', 'Describe'] },
      { type: 'allow', resource: { type: 'group', name: 'model-puller', patternType: 'literal' }, operations: ['Read'] },
    ]);
    const auditor = find(manifests, 'KafkaUser', 'auditor').spec.authorization.acls;
    expect(auditor.map((a: any) => a.resource.name)).toEqual(['cloud.model-releases', 'cloud.config-updates', 'audit']);
  });

  test('runs next to a KafkaSync of the same site without sharing names', () => {
    const { c, cluster } = site();
    const objects = new EdgeKafkaTopic(c, 'objects', { cluster });
    const push = new KafkaSync(c, 'to-cloud', { source: cluster, site: 'site-a', target: cloud(), topics: [objects] });
    const pull = new KafkaCloudToEdgeMirror(c, 'from-cloud', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases'] });
    const manifests = synth(c);
    expect(manifests.filter((m) => m.kind === 'KafkaMirrorMaker2').map((m) => m.metadata.name).sort()).toEqual(['from-cloud', 'to-cloud']);
    expect(push.user.username).not.toBe(pull.user.username);
    expect(push.groupId).not.toBe(pull.groupId);
  });

  test('plain-text WAN connections are allowed with a warning', () => {
    const { c, cluster } = site();
    new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud({ tls: false, caCertificate: undefined }), target: cluster, site: 'site-a', topics: ['model-releases'] });
    const mm2 = find(synth(c), 'KafkaMirrorMaker2', 'pull');
    expect(mm2.spec.mirrors[0].source.tls).toBeUndefined();
    expect(Warnings.collect(c).join('\n')).toMatch(/KafkaCloudToEdgeMirror "test\/pull": source.tls = false: events and the SCRAM handshake cross the WAN unencrypted/);
  });

  describe('fails if', () => {
    test('no topic is pulled', () => {
      const { c, cluster } = site();
      new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud(), target: cluster, site: 'site-a' });
      expect(() => Testing.synth(c)).toThrow(/KafkaCloudToEdgeMirror "test\/pull": topics = \[\]: MirrorMaker2 needs at least one cloud topic to pull; pass topics or call addTopic\(\)/);
    });
    test('group offsets are synced without groups', () => {
      const { c, cluster } = site();
      new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases'], syncGroupOffsets: true });
      expect(() => Testing.synth(c)).toThrow(/syncGroupOffsets = true: there are no consumerGroups to sync/);
    });
    test('a Secret reference is missing', () => {
      const { c, cluster } = site();
      const mk = (id: string, s: KafkaCloudCluster) => new KafkaCloudToEdgeMirror(c, id, { source: s, target: cluster, site: 'site-a', topics: ['r'] });
      expect(() => mk('a', cloud({ caCertificate: undefined }))).toThrow(/KafkaCloudToEdgeMirror "test\/a": source.caCertificate = "undefined": a TLS connection to the cloud cluster needs the CA/);
      expect(() => mk('b', cloud({ caCertificate: { name: 'ca', key: '' } }))).toThrow(/source.caCertificate = "ca\/": a TLS connection/);
      // Plain-JavaScript callers may pass a look-alike object: refused with the factory to use.
      expect(() => mk('c', cloud({ credentials: { secretName: 's', username: 'u' } as any })))
        .toThrow(/source.credentials = "\{"secretName":"s","username":"u"\}": MirrorMaker2 needs the Secret holding the cloud user's password or certificate; copy the cloud KafkaUser's Secret to the edge namespace and pass KafkaCredentials.fromSecretName/);
      // The cloud user's own Secret lives in the cloud: the edge pods cannot mount it.
      expect(() => mk('d', cloud({ credentials: KafkaCredentials.fromKafkaUser('site-a-releases', { namespace: 'kafka-cloud' }) })))
        .toThrow(/KafkaCloudToEdgeMirror "test\/d": source.credentials = "kafka-cloud\/site-a-releases": MirrorMaker2 runs in the edge namespace "site-a" and mounts only Secrets of that namespace; copy the cloud KafkaUser's Secret into namespace "site-a" and pass credentials.copiedTo\("<copy>", "site-a"\)/);
    });
    test('the aliases are unusable or collide', () => {
      const { c, cluster } = site();
      expect(() => new KafkaCloudToEdgeMirror(c, 'a', { source: cloud({ alias: 'cloud/eu' }), target: cluster, site: 'site-a' }))
        .toThrow(/source.alias = "cloud\/eu": Strimzi aliases are 1–100 letters/);
      expect(() => new KafkaCloudToEdgeMirror(c, 'b', { source: cloud({ alias: 'site-a' }), target: cluster, site: 'site-a' }))
        .toThrow(/source.alias = "site-a": the cloud alias must differ from the site alias/);
      expect(() => new KafkaCloudToEdgeMirror(c, 'c', { source: cloud(), target: cluster, site: 'Site_A' })).toThrow(/site = "Site_A": must be a DNS-1123 label/);
    });
    test('two mirrors pull into one edge cluster under the same cloud alias', () => {
      const { c, cluster } = site();
      new KafkaCloudToEdgeMirror(c, 'one', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases'] });
      new KafkaCloudToEdgeMirror(c, 'two', { source: cloud({ bootstrapServers: 'kafka.other.example.com:9093' }), target: cluster, site: 'site-a', topics: ['config-updates'] });
      expect(() => Testing.synth(c)).toThrow(/KafkaCloudToEdgeMirror "test\/two": source.alias = "cloud": test\/one already pulls from a cluster aliased "cloud" into cluster "edge", so both would share mm2-offset-syncs.cloud.internal and the "cloud." topic names and Connect group "mirrormaker2-site-a-from-cloud"; give each cloud cluster its own alias/);
    });
    test('identity replication makes two mirrors write the same edge topic', () => {
      const { c, cluster } = site();
      new KafkaCloudToEdgeMirror(c, 'eu', { source: cloud({ alias: 'eu' }), target: cluster, site: 'site-a', topics: ['model-releases'], identityReplication: true });
      new KafkaCloudToEdgeMirror(c, 'us', { source: cloud({ alias: 'us', bootstrapServers: 'kafka.us.example.com:9093' }), target: cluster, site: 'site-a', topics: ['model-releases'], identityReplication: true });
      expect(() => Testing.synth(c)).toThrow(/KafkaCloudToEdgeMirror "test\/us": topics = \["model-releases"\]: test\/eu also writes this edge topic on cluster "edge" \(identity replication keeps names unchanged\)/);
    });
    test('the edge copy is also declared as a local topic', () => {
      const { c, cluster } = site();
      new EdgeKafkaTopic(c, 'releases', { cluster, topicName: 'model-releases' });
      new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases'], identityReplication: true });
      expect(() => Testing.synth(c)).toThrow(/KafkaCloudToEdgeMirror "test\/pull": topics = "model-releases": its edge copy "model-releases" is also declared as EdgeKafkaTopic test\/releases on cluster "edge"; MirrorMaker2 creates the edge copy itself/);
    });
    test('a KafkaSync pushes the edge copy back to the cloud', () => {
      const app = Testing.app();
      const c = new Chart(app, 'site-a', { namespace: 'site-a' });
      const cluster = new EdgeKafkaCluster(c, 'edge');
      const pull = new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases'], identityReplication: true });
      new KafkaSync(c, 'push', { source: cluster, site: 'site-a', target: cloud(), topics: [pull.edgeTopic('model-releases')], identityReplication: true });
      expect(() => app.synth()).toThrow(/KafkaCloudToEdgeMirror "site-a\/pull": topics = \["model-releases"\]: KafkaSync site-a\/push pushes its edge copy \(model-releases\) back to the cloud, so cloud events would echo in an endless loop \(IdentityReplicationPolicy cannot detect cycles\)/);
    });
    test('a topic MirrorMaker2 would silently skip is pulled', () => {
      const { c, cluster } = site();
      const mirror = new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases'] });
      for (const t of ['__consumer_offsets', 'releases.internal', 'releases-internal', 'releases.replica', '.hidden']) {
        expect(() => mirror.addTopic(t)).toThrow(new RegExp(`topics = "${t.replace(/\./g, '\\.')}": MirrorMaker2 treats names starting with "__" or "\\." or ending in`));
      }
      expect(() => mirror.addTopic('site-a.objects')).toThrow(/topics = "site-a.objects": with DefaultReplicationPolicy the "site-a." part marks the topic as one that came from this site, so MirrorMaker2 skips it as a replication cycle/);
      expect(() => mirror.addTopic('fleet.site-a.objects')).toThrow(/replication cycle/);
      expect(() => mirror.addTopic('heartbeats')).toThrow(/topics = "heartbeats": MirrorMaker2 reserves "heartbeats" topics/);
      expect(() => mirror.addTopic('model releases')).toThrow(/topics = "model releases": Kafka topic names are 1–249/);
    });
    test('the edge name would be too long', () => {
      const { c, cluster } = site();
      const mirror = new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud({ alias: 'central-cloud' }), target: cluster, site: 'site-a', topics: ['r'] });
      // 249 characters is legal in the cloud, but "central-cloud." makes the edge copy's name too long.
      expect(() => mirror.addTopic('m'.repeat(249))).toThrow(/topics = "m{249}": its edge name "central-cloud\.m+…" exceeds Kafka's 249 characters; use a shorter topic name or alias/);
    });
    test('a checkpointed group is empty, has a comma or is the Connect group', () => {
      const { c, cluster } = site();
      const mirror = new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud(), target: cluster, site: 'site-a', topics: ['r'] });
      expect(() => mirror.addConsumerGroup('')).toThrow(/consumerGroups = "": must be a non-empty group id without commas/);
      expect(() => mirror.addConsumerGroup('a,b')).toThrow(/consumerGroups = "a,b": must be a non-empty group id without commas/);
      expect(() => mirror.addConsumerGroup('mirrormaker2-site-a-from-cloud')).toThrow(/consumerGroups = "mirrormaker2-site-a-from-cloud": this is the Kafka Connect group of this MirrorMaker2/);
    });
    test('a consumer is granted before any topic is pulled', () => {
      const { c, cluster } = site();
      const mirror = new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud(), target: cluster, site: 'site-a' });
      expect(() => mirror.grantConsume('early')).toThrow(/KafkaCloudToEdgeMirror "test\/pull": topics = \[\]: there is no pulled topic to consume yet; add topics before granting consumers/);
    });
    test('the replication factor cannot be placed on the edge cluster', () => {
      const { c, cluster } = site();
      expect(() => new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud(), target: cluster, site: 'site-a', replicationFactor: 3 }))
        .toThrow(/replicationFactor = 3: the edge cluster "edge" has 1 broker\(s\), so MirrorMaker2 could not create its topics there; use at most 1/);
      expect(() => new KafkaCloudToEdgeMirror(c, 'pull2', { source: cloud(), target: cluster, site: 'site-a', tasksMax: 0 })).toThrow(/tasksMax = 0: must be a whole number of at least 1/);
    });
    test('the source is not a cloud cluster', () => {
      const { c, cluster } = site();
      expect(() => new KafkaCloudToEdgeMirror(c, 'a', { source: cloud({ bootstrapServers: 'https://kafka.example.com' }), target: cluster, site: 'site-a' }))
        .toThrow(/source.bootstrapServers = "https:\/\/kafka.example.com": must be a comma-separated list of host:port/);
      expect(() => new KafkaCloudToEdgeMirror(c, 'b', { source: cloud({ bootstrapServers: cluster.bootstrapServers }), target: cluster, site: 'site-a' }))
        .toThrow(/source.bootstrapServers = "edge-kafka-bootstrap.site-a.svc:9093": this is the edge cluster itself/);
    });
    test('a local consumer asks for a topic that is not pulled or for the Connect group', () => {
      const { c, cluster } = site();
      const mirror = new KafkaCloudToEdgeMirror(c, 'pull', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases'] });
      expect(() => mirror.edgeTopic('config-updates')).toThrow(/cloudTopicName = "config-updates": this mirror does not pull that topic \(it pulls \["model-releases"\]\); call addTopic\(\) first/);
      expect(() => mirror.grantConsume('x', { group: 'mirrormaker2-site-a-from-cloud' })).toThrow(/group = "mirrormaker2-site-a-from-cloud": this is the Kafka Connect group of this MirrorMaker2/);
    });
    test('its KafkaMirrorMaker2 name is already taken in the namespace', () => {
      const app = Testing.app();
      const a = new Chart(app, 'a', { namespace: 'site-a' });
      const b = new Chart(app, 'b', { namespace: 'site-a' });
      const cluster = new EdgeKafkaCluster(a, 'edge');
      new KafkaSync(a, 'mirror', { source: cluster, site: 'site-a', target: cloud(), topics: [new EdgeKafkaTopic(a, 'objects', { cluster })] });
      new KafkaCloudToEdgeMirror(b, 'mirror', { source: cloud(), target: cluster, site: 'site-a', topics: ['model-releases'] });
      expect(() => app.synth()).toThrow(/KafkaCloudToEdgeMirror "b\/mirror": name \(construct id\) = "mirror": a\/mirror already defines a KafkaMirrorMaker2 of that name in namespace "site-a"/);
    });
  });
});
