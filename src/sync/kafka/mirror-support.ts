// Module-internal pieces shared by the two MirrorMaker2 constructs (not re-exported from the package):
// KafkaSync (edge -> cloud: the cloud is MirrorMaker2's target) and KafkaCloudToEdgeMirror (cloud -> edge: the cloud
// is its source). Both run at the edge, so the cloud end is always reached through Secrets copied to the edge.
import { Size } from 'cdk8s';
import { ContainerResources, Cpu } from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { IKafkaCluster } from './cluster-ref';
import { MirrorClusterAuthentication, MirrorClusterTls, MirrorSpec, StrimziResources, strimziClientAuthentication, toStrimziResources } from './strimzi';
import { KafkaAclOperation, KafkaAclPatternType, KafkaAclResourceType, KafkaAclRule } from './user';
import { edgeError, KafkaCredentials, KubeNames, RequiredSecrets, Resources, SecretKeyReference } from '../../core';

/** Apache Kafka's replication policies (remote topics `<sourceAlias>.<topic>`, or unchanged names). */
export const DEFAULT_REPLICATION_POLICY = 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy';
export const IDENTITY_REPLICATION_POLICY = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy';

/** Strimzi's alias pattern (restated from the CRD's prose). */
export const MIRROR_ALIAS = /^[a-zA-Z0-9._-]{1,100}$/;

/** Kafka Connect's group and internal topics, all named after the group id. */
export interface ConnectNames {
  readonly groupId: string;
  readonly configStorageTopic: string;
  readonly offsetStorageTopic: string;
  readonly statusStorageTopic: string;
}

export function connectNames(groupId: string): ConnectNames {
  return {
    groupId,
    configStorageTopic: `${groupId}-configs`,
    offsetStorageTopic: `${groupId}-offsets`,
    statusStorageTopic: `${groupId}-status`,
  };
}

/**
 * The offset-syncs topic with `offset-syncs.topic.location: target`: it lives on the target cluster and is named after
 * the SOURCE alias (MirrorSourceConfig.offsetSyncsTopic: the "other" cluster's alias).
 */
export function offsetSyncsTopic(sourceAlias: string): string {
  return `mm2-offset-syncs.${sourceAlias}.internal`;
}

/** The checkpoint connector's topic on the target cluster, named after the source alias. */
export function checkpointsTopic(sourceAlias: string): string {
  return `${sourceAlias}.checkpoints.internal`;
}

/** Where a source topic lands on the target cluster under the replication policy. */
export function remoteTopicName(sourceAlias: string, topic: string, identity: boolean): string {
  return identity ? topic : `${sourceAlias}.${topic}`;
}

/** `host:port[,host:port]`, trimmed; throws otherwise. */
export function checkBootstrap(scope: IConstruct, prop: string, servers: string): string {
  const parts = servers.split(',').map((s) => s.trim());
  const bad = parts.filter((p) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(p) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(p));
  if (servers.trim().length === 0 || bad.length > 0) {
    throw edgeError(scope, { prop, value: servers, rule: 'must be a comma-separated list of host:port', fix: 'use e.g. "kafka.cloud.example.com:9093"' });
  }
  return parts.join(',');
}

/**
 * TLS trust for the cloud cluster (undefined when TLS is off); `prop` is e.g. `target` or `source`. The CA Secret (a
 * copy of the cloud's, in the edge namespace `namespace` where MirrorMaker2 runs) is recorded as one to create.
 */
export function cloudTls(
  scope: IConstruct, prop: string, tls: boolean, namespace: string, bootstrapServers: string, ca?: SecretKeyReference,
): MirrorClusterTls | undefined {
  if (!tls) return undefined;
  if (!ca || !ca.name || !ca.key) {
    throw edgeError(scope, {
      prop: `${prop}.caCertificate`,
      value: ca ? `${ca.name}/${ca.key}` : 'undefined',
      rule: 'a TLS connection to the cloud cluster needs the CA that signs its brokers\' certificates, from a Secret in the edge namespace',
      fix: 'copy the cloud `<cluster>-cluster-ca-cert` Secret to the edge and pass { name, key: "ca.crt" }',
    });
  }
  KubeNames.assertDns1123Subdomain(scope, `${prop}.caCertificate.name`, ca.name);
  RequiredSecrets.addKey(scope, ca, { namespace, purpose: `CA of the cloud Kafka brokers ${bootstrapServers}, trusted by MirrorMaker2 ${scope.node.id} (a copy of the cloud's <cluster>-cluster-ca-cert)` });
  return { trustedCertificates: [{ secretName: ca.name, certificate: ca.key }] };
}

/**
 * How MirrorMaker2 logs in to the cloud cluster, from the copied Secret; `prop` is e.g. `target` or `source`. The
 * Secret must be in the edge namespace `namespace`, where MirrorMaker2 runs.
 */
export function cloudAuthentication(scope: IConstruct, prop: string, c: KafkaCredentials, namespace: string): MirrorClusterAuthentication {
  if (!(c instanceof KafkaCredentials)) {
    throw edgeError(scope, { prop: `${prop}.credentials`, value: JSON.stringify(c) ?? 'undefined', rule: 'MirrorMaker2 needs the Secret holding the cloud user\'s password or certificate', fix: 'copy the cloud KafkaUser\'s Secret to the edge namespace and pass KafkaCredentials.fromSecretName("<copy>", { username: "<cloud user>" })' });
  }
  if (c.namespace !== undefined && c.namespace !== namespace) {
    throw edgeError(scope, {
      prop: `${prop}.credentials`,
      value: `${c.namespace}/${c.secretName}`,
      rule: `MirrorMaker2 runs in the edge namespace "${namespace}" and mounts only Secrets of that namespace`,
      fix: `copy the cloud KafkaUser's Secret into namespace "${namespace}" and pass credentials.copiedTo("<copy>", "${namespace}")`,
    });
  }
  return strimziClientAuthentication(c);
}

/** How MirrorMaker2 logs in to the edge cluster as the edge `KafkaUser` (its Secret is in the edge namespace). */
export function edgeAuthentication(credentials: KafkaCredentials): MirrorClusterAuthentication {
  return strimziClientAuthentication(credentials);
}

/** TLS trust for the edge cluster's internal listener (its cluster CA Secret). */
export function edgeTls(cluster: IKafkaCluster): MirrorClusterTls {
  return { trustedCertificates: [{ secretName: cluster.caCertificate.name, certificate: cluster.caCertificate.key }] };
}

/** Resources of the MirrorMaker2 (Kafka Connect) pods. */
export function mirrorResources(resources?: ContainerResources): StrimziResources {
  return toStrimziResources(Resources.toKube({ cpu: { request: Cpu.millis(200) }, memory: { request: Size.gibibytes(1) } }, resources));
}

/** Throws unless `value` is a whole number of at least 1. */
export function checkCount(scope: IConstruct, prop: string, value: number, fix: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw edgeError(scope, { prop, value, rule: 'must be a whole number of at least 1', fix });
  }
}

/**
 * Read-only rule for one mirrored topic on the SOURCE cluster: Read (fetch), Describe (metadata) and DescribeConfigs
 * (MirrorMaker2 copies the topic's config when it creates the remote topic). The source consumer uses assign() with
 * no group id and commits nothing there, so it needs no group rule; with `offset-syncs.topic.location: target` it
 * writes nothing on the source.
 */
export function sourceTopicAcl(topicName: string): KafkaAclRule {
  return {
    resourceType: KafkaAclResourceType.TOPIC,
    resourceName: topicName,
    operations: [KafkaAclOperation.READ, KafkaAclOperation.DESCRIBE, KafkaAclOperation.DESCRIBE_CONFIGS],
  };
}

/** The checkpoint connector lists a source group and reads its committed offsets: Describe only. */
export function sourceGroupAcl(group: string): KafkaAclRule {
  return { resourceType: KafkaAclResourceType.GROUP, resourceName: group, operations: [KafkaAclOperation.DESCRIBE] };
}

/** What MirrorMaker2 writes on its TARGET cluster (where Kafka Connect also keeps its state). */
export interface TargetAclOptions {
  /** Remote topics: literal names, or one prefix. */
  readonly remoteTopics: Array<{ readonly name: string; readonly prefix?: boolean }>;
  readonly connect: ConnectNames;
  readonly sourceAlias: string;
  readonly consumerGroups: string[];
  readonly syncGroupOffsets: boolean;
  readonly syncTopicConfigs: boolean;
}

/**
 * ACL rules of the user MirrorMaker2 writes with on its target cluster: the remote topics (create, write, describe,
 * add partitions; configs when synced; read when group offsets are written), Kafka Connect's group and internal topics,
 * the offset-syncs topic (target location), the checkpoints topic when groups are checkpointed, and the translated
 * groups when their offsets are written.
 */
export function targetAclRules(o: TargetAclOptions): KafkaAclRule[] {
  const rules: KafkaAclRule[] = o.remoteTopics.map((t) => remoteTopicAcl(t.name, o, t.prefix));
  rules.push(...connectAcls(o.connect));
  rules.push(internalTopicAcl(offsetSyncsTopic(o.sourceAlias)));
  if (o.consumerGroups.length > 0) {
    rules.push(internalTopicAcl(checkpointsTopic(o.sourceAlias)));
    if (o.syncGroupOffsets) {
      for (const g of o.consumerGroups) rules.push(translatedGroupAcl(g));
      rules.push(translatedGroupsClusterAcl());
    }
  }
  return rules;
}

/** Sync switches that widen the rights on remote topics. */
export interface RemoteTopicAclOptions {
  readonly syncTopicConfigs: boolean;
  readonly syncGroupOffsets: boolean;
}

/**
 * A remote topic on the target: Create, Write, Describe and Alter (new partitions follow the source); configs when
 * they are synced; Read when translated offsets are committed for it.
 */
export function remoteTopicAcl(name: string, o: RemoteTopicAclOptions, prefix?: boolean): KafkaAclRule {
  return {
    resourceType: KafkaAclResourceType.TOPIC,
    resourceName: name,
    ...(prefix ? { patternType: KafkaAclPatternType.PREFIX } : {}),
    operations: [KafkaAclOperation.CREATE, KafkaAclOperation.WRITE, KafkaAclOperation.DESCRIBE, KafkaAclOperation.ALTER,
      ...(o.syncTopicConfigs ? [KafkaAclOperation.DESCRIBE_CONFIGS, KafkaAclOperation.ALTER_CONFIGS] : []),
      ...(o.syncGroupOffsets ? [KafkaAclOperation.READ] : [])],
  };
}

/** An internal topic MirrorMaker2 or Kafka Connect creates, writes and reads back on the target. */
export function internalTopicAcl(name: string): KafkaAclRule {
  return {
    resourceType: KafkaAclResourceType.TOPIC,
    resourceName: name,
    operations: [
      KafkaAclOperation.CREATE, KafkaAclOperation.READ, KafkaAclOperation.WRITE, KafkaAclOperation.DESCRIBE, KafkaAclOperation.DESCRIBE_CONFIGS,
    ],
  };
}

/** Kafka Connect's group (the workers join it) and its three internal topics. */
export function connectAcls(c: ConnectNames): KafkaAclRule[] {
  return [
    { resourceType: KafkaAclResourceType.GROUP, resourceName: c.groupId, operations: [KafkaAclOperation.READ, KafkaAclOperation.DESCRIBE] },
    ...[c.configStorageTopic, c.offsetStorageTopic, c.statusStorageTopic].map((t) => internalTopicAcl(t)),
  ];
}

/** A target group whose translated offsets MirrorMaker2 commits (`sync.group.offsets.enabled`). */
export function translatedGroupAcl(group: string): KafkaAclRule {
  return { resourceType: KafkaAclResourceType.GROUP, resourceName: group, operations: [KafkaAclOperation.READ, KafkaAclOperation.DESCRIBE] };
}

/** Listing the target's groups before committing translated offsets. */
export function translatedGroupsClusterAcl(): KafkaAclRule {
  return { resourceType: KafkaAclResourceType.CLUSTER, operations: [KafkaAclOperation.DESCRIBE] };
}

/**
 * Kafka Connect settings of `spec.target.config` for its three internal topics, sized for a fleet: every site has its
 * own Connect group and topics on the shared cluster, and Connect's defaults (offsets 25 partitions, status 5; the
 * config topic always has 1) would cost about 31 partitions per site. One MirrorMaker2 writes a handful of offset and
 * status records a minute, so one partition each is plenty. `offset.storage.partitions` and
 * `status.storage.partitions` are Connect worker settings (Kafka `DistributedConfig`) that Strimzi 1.2 passes through
 * (not under its forbidden prefixes `offset.storage.topic`, `status.storage.topic`, `config.storage.topic`).
 */
export function connectStorageConfig(rf: number): { [key: string]: number } {
  return {
    'config.storage.replication.factor': rf,
    'offset.storage.replication.factor': rf,
    'status.storage.replication.factor': rf,
    'offset.storage.partitions': 1,
    'status.storage.partitions': 1,
  };
}

/** What {@link mirrorSpec} needs to render a `mirrors[]` entry. */
export interface MirrorSpecOptions {
  readonly alias: string;
  readonly bootstrapServers: string;
  readonly tls?: MirrorClusterTls;
  readonly authentication: MirrorClusterAuthentication;
  readonly tasksMax: number;
  readonly policyClass: string;
  readonly replicationFactor: number;
  readonly syncTopicConfigs: boolean;
  readonly syncGroupOffsets: boolean;
  readonly topicsPattern: string;
  /** Only when consumer groups are checkpointed. */
  readonly groupsPattern?: string;
  /** Let the operator restart failed connectors and tasks (Strimzi `autoRestart`). */
  readonly autoRestart: boolean;
}

/**
 * One `mirrors[]` entry. Both directions keep offset-syncs on the target (see docs/sync.md) and use the same
 * replication policy on the source and checkpoint connectors, so remote topic names agree.
 */
export function mirrorSpec(o: MirrorSpecOptions): MirrorSpec {
  const rf = o.replicationFactor;
  // Strimzi restarts a FAILED connector or task with growing pauses (no limit unless maxRestarts is set); without it a
  // task failed by one transient error (e.g. a WAN outage longer than the producer's delivery timeout) stays failed.
  const autoRestart = { autoRestart: { enabled: o.autoRestart } };
  return {
    source: { alias: o.alias, bootstrapServers: o.bootstrapServers, ...(o.tls ? { tls: o.tls } : {}), authentication: o.authentication },
    sourceConnector: {
      tasksMax: o.tasksMax,
      ...autoRestart,
      config: {
        'replication.policy.class': o.policyClass,
        'replication.factor': rf,
        'offset-syncs.topic.location': 'target',
        'offset-syncs.topic.replication.factor': rf,
        'sync.topic.acls.enabled': 'false',
        'sync.topic.configs.enabled': String(o.syncTopicConfigs),
        'refresh.topics.interval.seconds': 60,
      },
    },
    ...(o.groupsPattern !== undefined ? {
      checkpointConnector: {
        tasksMax: 1,
        ...autoRestart,
        config: {
          'replication.policy.class': o.policyClass,
          'offset-syncs.topic.location': 'target',
          'checkpoints.topic.replication.factor': rf,
          'emit.checkpoints.interval.seconds': 60,
          'refresh.groups.interval.seconds': 60,
          'sync.group.offsets.enabled': String(o.syncGroupOffsets),
        },
      },
    } : {}),
    topicsPattern: o.topicsPattern,
    ...(o.groupsPattern !== undefined ? { groupsPattern: o.groupsPattern } : {}),
  };
}

/** The cloud cluster's MirrorMaker2 alias (default `cloud`), checked: Strimzi's alias pattern, and not the site's. */
export function cloudAlias(scope: IConstruct, prop: string, alias: string | undefined, site: string): string {
  const value = alias ?? 'cloud';
  if (!MIRROR_ALIAS.test(value)) {
    throw edgeError(scope, { prop, value, rule: 'Strimzi aliases are 1–100 letters, digits, ".", "_" or "-"', fix: 'use e.g. "cloud"' });
  }
  if (value === site) {
    throw edgeError(scope, { prop, value, rule: 'the cloud alias must differ from the site alias (MirrorMaker2 names replication flows by both)', fix: 'use e.g. "cloud"' });
  }
  return value;
}
