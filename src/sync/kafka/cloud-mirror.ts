import { ApiObject, Lazy } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { IKafkaCluster } from './cluster-ref';
import { KafkaCloudCluster, KafkaSync } from './mirror';
import {
  checkBootstrap, checkCount, connectStorageConfig, checkpointsTopic,
  cloudAuthentication, cloudTls, connectAcls, connectNames, ConnectNames, DEFAULT_REPLICATION_POLICY,
  edgeAuthentication, edgeTls, IDENTITY_REPLICATION_POLICY, internalTopicAcl, mirrorResources, offsetSyncsTopic, remoteTopicAcl,
  remoteTopicName, sourceGroupAcl, sourceTopicAcl, targetAclRules, translatedGroupAcl, translatedGroupsClusterAcl, mirrorSpec, cloudAlias,
} from './mirror-support';
import { allConstructs, isKafkaTopicName, label, regexLiteral } from './rules';
import { KafkaMirrorMaker2Spec, STRIMZI_API_VERSION, strimziContainerSecurityContext } from './strimzi';
import { EdgeKafkaTopic } from './topic';
import { EdgeKafkaUser, KafkaAclOperation, KafkaAclPatternType, KafkaAclResourceType, KafkaAclRule } from './user';
import { EdgeLabels, edgeError, IEventTopic, KafkaCredentials, KubeNames, Warnings } from '../../core';
import { Endpoints, KeyNames, Shape } from '../../core/validate';

/** Props of {@link KafkaCloudToEdgeMirror}. */
export interface KafkaCloudToEdgeMirrorProps {
  /**
   * The cloud cluster topics are pulled from (MirrorMaker2's source). The edge dials out to it; nothing in the cloud
   * connects to the site.
   */
  readonly source: KafkaCloudCluster;
  /**
   * The edge cluster the topics land in (MirrorMaker2's target). MirrorMaker2 runs in its namespace and Kafka Connect
   * keeps its group and internal topics on it.
   */
  readonly target: IKafkaCluster;
  /**
   * The site name: MirrorMaker2's alias for the edge cluster. The Connect group and internal topics on the edge are
   * `mirrormaker2-<site>-from-<source alias>`.
   */
  readonly site: string;
  /**
   * Cloud topic names to pull, e.g. `model-releases` (more with `addTopic`).
   * @default - none yet; at least one is required by synth
   */
  readonly topics?: string[];
  /**
   * Keep topic names unchanged at the edge (IdentityReplicationPolicy) instead of `<source alias>.<topic>`.
   * IdentityReplicationPolicy cannot detect cycles: a pulled topic must then never be pushed back to the cloud.
   * @default false
   */
  readonly identityReplication?: boolean;
  /**
   * Cloud consumer groups whose committed offsets are translated for the edge (checkpoint connector), e.g. to move a
   * consumer from the cloud to the site without re-reading everything.
   * @default - none: no checkpoint connector
   */
  readonly consumerGroups?: string[];
  /**
   * Also write the translated offsets into the edge consumer groups (`sync.group.offsets.enabled`). Needs
   * `consumerGroups`.
   * @default false
   */
  readonly syncGroupOffsets?: boolean;
  /**
   * Copy later topic config changes from the cloud to the edge topics. Off by default: the cloud usually retains
   * longer than an edge disk should. (The config is always copied once, when MirrorMaker2 creates the edge topic.)
   * @default false
   */
  readonly syncTopicConfigs?: boolean;
  /**
   * Replication factor of the topics MirrorMaker2 creates at the edge: the pulled topics, offset-syncs, checkpoints and
   * Kafka Connect's internal topics. Set explicitly because MirrorMaker2's own defaults (2 and 3) cannot be placed on
   * a one-node site.
   * @default - the edge cluster's default replication factor
   */
  readonly replicationFactor?: number;
  /**
   * Maximum tasks of the source connector (parallel partition copiers).
   * @default 1
   */
  readonly tasksMax?: number;
  /**
   * MirrorMaker2 pods (Kafka Connect workers).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * CPU and memory of each MirrorMaker2 pod.
   * @default - requests 200m CPU and 1 GiB, memory limit 1 GiB
   */
  readonly resources?: ContainerResources;
  /**
   * Name of the edge `KafkaUser` MirrorMaker2 writes with.
   * @default - `<construct id>-mirrormaker2`
   */
  readonly username?: string;
  /**
   * Kafka Connect version of the MirrorMaker2 pods.
   * @default - the operator's default
   */
  readonly kafkaVersion?: string;
  /**
   * Let the Strimzi operator restart a failed connector or task (`autoRestart` on both connectors), with growing pauses
   * between attempts and no limit on their number. Off, a task failed by one transient error (e.g. a WAN outage that
   * outlasts the producer's delivery timeout) stays failed until someone restarts it.
   * @default true
   */
  readonly autoRestart?: boolean;
}

/** Options of {@link KafkaCloudToEdgeMirror.aclRulesForSource}. */
export interface KafkaCloudToEdgeMirrorSourceAclOptions {
  /** The cloud topics pulled. */
  readonly topicNames: string[];
  /**
   * Cloud consumer groups whose offsets are checkpointed.
   * @default - none
   */
  readonly consumerGroups?: string[];
}

/** Options of {@link KafkaCloudToEdgeMirror.grantConsume}. */
export interface MirroredTopicConsumeOptions {
  /**
   * The user name (KafkaUser and Secret name).
   * @default - the id passed to grantConsume
   */
  readonly username?: string;
  /**
   * The consumer group the client uses (one group for all its pods: each event reaches one pod of the group).
   * Exclusive with groupPrefix.
   * @default - the user name, unless groupPrefix is given
   */
  readonly group?: string;
  /**
   * Allow every consumer group starting with this prefix (a PREFIXED group ACL), so each consumer pod can use its own
   * group (e.g. `<prefix><pod name>`) and every pod receives every event. Exclusive with group.
   * @default - a single literal group (see group)
   */
  readonly groupPrefix?: string;
  /**
   * Cloud topic names whose edge copies the user may read.
   * @default - every pulled topic
   */
  readonly topics?: string[];
}

const SITE_ANNOTATION = 'sync.cdk8s-edge-storage.io/site';
const DIRECTION_ANNOTATION = 'sync.cdk8s-edge-storage.io/direction';

/**
 * Cloud-to-edge event mirroring, e.g. model-release announcements: a Strimzi `KafkaMirrorMaker2` (v1) that runs at the
 * edge (sites sit behind NAT, so the edge must pull) and copies cloud topics into the edge cluster, plus the edge
 * `KafkaUser` it writes with. The counterpart of {@link KafkaSync}, which pushes edge topics to the cloud.
 *
 * - `spec.target` is the edge cluster, where Kafka Connect keeps its group and internal topics, named per site
 *   (`mirrormaker2-<site>-from-<alias>`, `…-configs/-offsets/-status`).
 * - `mirrors[0].source` is the cloud cluster (TLS trust and SCRAM or mutual-TLS credentials from Secrets copied to the
 *   edge). `offset-syncs.topic.location: target` on both connectors keeps every write on the edge, so the cloud user
 *   is read-only ({@link KafkaCloudToEdgeMirror.sourceAclRules}) and no site needs write access to the shared cloud
 *   cluster.
 * - Edge topics are `<alias>.<topic>` (or unchanged with `identityReplication`, set consistently on the source and
 *   checkpoint connectors). MirrorMaker2 creates them with the cloud topic's partitions and config; read them through
 *   {@link KafkaCloudToEdgeMirror.edgeTopic} and {@link KafkaCloudToEdgeMirror.grantConsume}.
 */
export class KafkaCloudToEdgeMirror extends Construct {
  /**
   * ACL rules the cloud-side user of a site's pulling MirrorMaker2 needs on the cloud cluster: read-only. Read,
   * Describe and DescribeConfigs on each pulled topic, Describe on checkpointed groups. The source consumer assigns
   * partitions itself and commits nothing in the cloud, so it needs no group of its own.
   */
  public static aclRulesForSource(options: KafkaCloudToEdgeMirrorSourceAclOptions): KafkaAclRule[] {
    return [...options.topicNames.map((t) => sourceTopicAcl(t)), ...(options.consumerGroups ?? []).map((g) => sourceGroupAcl(g))];
  }

  /** The site (MirrorMaker2's alias of the edge cluster). */
  public readonly site: string;
  /** The cloud cluster's alias. */
  public readonly sourceAlias: string;
  /** The cloud bootstrap servers. */
  public readonly sourceBootstrapServers: string;
  /** The edge cluster. */
  public readonly target: IKafkaCluster;
  /** Whether topic names are kept unchanged at the edge. */
  public readonly identityReplication: boolean;
  /** Replication factor of the topics MirrorMaker2 creates at the edge. */
  public readonly replicationFactor: number;
  /** The edge user MirrorMaker2 writes with. */
  public readonly user: EdgeKafkaUser;
  /** Kafka Connect group id on the edge cluster. */
  public readonly groupId: string;
  /** The offset-syncs topic MirrorMaker2 keeps on the edge cluster. */
  public readonly offsetSyncsTopic: string;
  /** The `KafkaMirrorMaker2` resource (escape hatch). */
  public readonly apiObject: ApiObject;
  private readonly topicList: string[] = [];
  private readonly groupList: string[] = [];
  private readonly syncGroupOffsets: boolean;
  private readonly syncTopicConfigs: boolean;
  private readonly connect: ConnectNames;

  constructor(scope: Construct, id: string, props: KafkaCloudToEdgeMirrorProps) {
    super(scope, id);
    Shape.check(this, props);
    Endpoints.checkHostPorts(this, 'source.bootstrapServers', props.source?.bootstrapServers, { credentialsProp: 'source.credentials' });
    KeyNames.checkSecretRef(this, 'source.caCertificate', props.source?.caCertificate);
    // Strimzi names the Connect service `<name>-mirrormaker2-api`.
    KubeNames.assertDns1123Label(this, 'name (construct id)', id, 40);
    this.target = props.target;
    this.site = props.site;
    KubeNames.assertDns1123Label(this, 'site', props.site, 40);
    const source = props.source;
    this.sourceAlias = cloudAlias(this, 'source.alias', source.alias, this.site);
    this.sourceBootstrapServers = checkBootstrap(this, 'source.bootstrapServers', source.bootstrapServers);
    if (this.sourceBootstrapServers === props.target.bootstrapServers) {
      throw edgeError(this, { prop: 'source.bootstrapServers', value: this.sourceBootstrapServers, rule: 'this is the edge cluster itself; MirrorMaker2 would copy its own topics into itself', fix: 'pass the cloud cluster\'s bootstrap servers' });
    }
    const tls = source.tls ?? true;
    const sourceTls = cloudTls(this, 'source', tls, props.target.namespace, this.sourceBootstrapServers, source.caCertificate);
    const sourceAuth = cloudAuthentication(this, 'source', source.credentials, props.target.namespace);
    this.identityReplication = props.identityReplication ?? false;
    this.syncGroupOffsets = props.syncGroupOffsets ?? false;
    this.syncTopicConfigs = props.syncTopicConfigs ?? false;

    this.replicationFactor = props.replicationFactor ?? props.target.defaultReplicationFactor;
    const rf = this.replicationFactor;
    checkCount(this, 'replicationFactor', rf, 'omit it to use the edge cluster\'s default');
    if (rf > props.target.brokerCount) {
      throw edgeError(this, {
        prop: 'replicationFactor',
        value: rf,
        rule: `the edge cluster "${props.target.clusterName}" has ${props.target.brokerCount} broker(s), so MirrorMaker2 could not create its topics there`,
        fix: `use at most ${props.target.brokerCount} (omit it for the cluster's default)`,
      });
    }
    const tasksMax = props.tasksMax ?? 1;
    const autoRestart = props.autoRestart ?? true;
    checkCount(this, 'tasksMax', tasksMax, 'use 1 for a few topics, up to the number of pulled partitions');
    const replicas = props.replicas ?? 1;
    checkCount(this, 'replicas', replicas, 'use 1 at a small site');

    this.connect = connectNames(`mirrormaker2-${props.site}-from-${this.sourceAlias}`);
    this.groupId = this.connect.groupId;
    this.offsetSyncsTopic = offsetSyncsTopic(this.sourceAlias);

    // The edge user: Kafka Connect's group and internal topics and the offset-syncs topic now; the pulled topics,
    // the checkpoints topic and translated groups as they are added (see targetAclRules: the same set).
    this.user = new EdgeKafkaUser(this, 'User', { cluster: props.target, username: props.username ?? `${id}-mirrormaker2` });
    for (const rule of connectAcls(this.connect)) this.user.addAcl(rule);
    this.user.addAcl(internalTopicAcl(this.offsetSyncsTopic));
    for (const t of props.topics ?? []) this.addTopic(t);
    for (const g of props.consumerGroups ?? []) this.addConsumerGroup(g);

    const policyClass = this.identityReplication ? IDENTITY_REPLICATION_POLICY : DEFAULT_REPLICATION_POLICY;
    const targetAuth = edgeAuthentication(this.user.credentials);
    source.credentials.requireIn(this, { namespace: props.target.namespace, purpose: `MirrorMaker2 ${id}: login to the cloud Kafka ${this.sourceBootstrapServers} as ${source.credentials.username} (copy of the cloud KafkaUser's Secret)` });
    this.user.credentials.requireIn(this, { namespace: props.target.namespace, purpose: `MirrorMaker2 ${id}: login to the edge Kafka as ${this.user.username}` });
    const labels = EdgeLabels.standard({ name: 'mirrormaker2', instance: id, component: 'event-sync', version: props.kafkaVersion });

    const renderSpec = (): KafkaMirrorMaker2Spec => {
      const hasGroups = this.groupList.length > 0;
      return {
        ...(props.kafkaVersion ? { version: props.kafkaVersion } : {}),
        replicas,
        target: {
          alias: this.site,
          bootstrapServers: props.target.bootstrapServers,
          ...this.connect,
          tls: edgeTls(props.target),
          authentication: targetAuth,
          config: {
            ...connectStorageConfig(rf),
          },
        },
        mirrors: [mirrorSpec({
          alias: this.sourceAlias,
          bootstrapServers: this.sourceBootstrapServers,
          tls: sourceTls,
          authentication: sourceAuth,
          tasksMax,
          policyClass,
          replicationFactor: rf,
          syncTopicConfigs: this.syncTopicConfigs,
          syncGroupOffsets: this.syncGroupOffsets,
          topicsPattern: this.topicsPattern,
          groupsPattern: hasGroups ? this.groupsPattern : undefined,
          autoRestart,
        })],
        resources: mirrorResources(props.resources),
        template: { connectContainer: { securityContext: strimziContainerSecurityContext() } },
      };
    };

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'KafkaMirrorMaker2',
      metadata: {
        name: id,
        namespace: props.target.namespace,
        labels,
        annotations: { [SITE_ANNOTATION]: this.site, [DIRECTION_ANNOTATION]: 'cloud-to-edge' },
      },
      spec: Lazy.any({ produce: renderSpec }),
    } as any);

    if (!tls) {
      Warnings.addFormatted(this, { prop: 'source.tls', value: false, rule: 'events and the SCRAM handshake cross the WAN unencrypted, and the edge cannot tell the cloud brokers from an impostor', fix: 'enable TLS on the cloud listener and pass its CA as source.caCertificate' });
    }
    this.node.addValidation({ validate: () => this.validateTree() });
  }

  /** Pull one more cloud topic. Grants the MirrorMaker2 user the right to create and write its edge copy. */
  public addTopic(topicName: string): void {
    if (!isKafkaTopicName(topicName)) {
      throw edgeError(this, { prop: 'topics', value: topicName, rule: 'Kafka topic names are 1–249 letters, digits, ".", "_" or "-" (and not "." or "..")', fix: 'use the cloud topic\'s exact name' });
    }
    if (/^(__|\.)|[.-]internal$|\.replica$/.test(topicName)) {
      throw edgeError(this, { prop: 'topics', value: topicName, rule: 'MirrorMaker2 treats names starting with "__" or "." or ending in ".internal", "-internal" or ".replica" as internal and never copies them', fix: 'publish the events to a regular topic in the cloud' });
    }
    if (topicName === 'heartbeats' || topicName.endsWith('.heartbeats')) {
      throw edgeError(this, { prop: 'topics', value: topicName, rule: 'MirrorMaker2 reserves "heartbeats" topics for its heartbeat connector and names them by its own rules', fix: 'use another topic name' });
    }
    if (!this.identityReplication) {
      // DefaultReplicationPolicy reads "<alias>." prefixes as the topic's origin: a topic that came from this site
      // is a cycle to MirrorMaker2 and is skipped without a word.
      const origins = topicName.split('.').slice(0, -1);
      if (origins.includes(this.site)) {
        throw edgeError(this, {
          prop: 'topics',
          value: topicName,
          rule: `with DefaultReplicationPolicy the "${this.site}." part marks the topic as one that came from this site, so MirrorMaker2 skips it as a replication cycle`,
          fix: 'read the site\'s own events from its local topic, or pull a topic named without the site alias',
        });
      }
    }
    const edgeName = this.edgeName(topicName);
    if (edgeName.length > 249) {
      throw edgeError(this, { prop: 'topics', value: topicName, rule: `its edge name "${edgeName.slice(0, 40)}…" exceeds Kafka's 249 characters`, fix: 'use a shorter topic name or alias' });
    }
    if (this.topicList.includes(topicName)) return;
    this.topicList.push(topicName);
    this.user.addAcl(remoteTopicAcl(edgeName, { syncTopicConfigs: this.syncTopicConfigs, syncGroupOffsets: this.syncGroupOffsets }));
  }

  /** Translate the offsets of one more cloud consumer group (adds the checkpoint connector). */
  public addConsumerGroup(group: string): void {
    if (group.length === 0 || group.includes(',')) {
      throw edgeError(this, { prop: 'consumerGroups', value: group, rule: 'must be a non-empty group id without commas', fix: 'pass the group id the cloud consumer uses' });
    }
    if (group === this.groupId) {
      throw edgeError(this, { prop: 'consumerGroups', value: group, rule: 'this is the Kafka Connect group of this MirrorMaker2', fix: 'pass an application\'s consumer group' });
    }
    if (this.groupList.includes(group)) return;
    if (this.groupList.length === 0) {
      this.user.addAcl(internalTopicAcl(checkpointsTopic(this.sourceAlias)));
      if (this.syncGroupOffsets) this.user.addAcl(translatedGroupsClusterAcl());
    }
    this.groupList.push(group);
    if (this.syncGroupOffsets) this.user.addAcl(translatedGroupAcl(group));
  }

  /** The pulled cloud topic names. */
  public get topicNames(): string[] {
    return [...this.topicList];
  }

  /** The names of their copies on the edge cluster, in the same order. */
  public get edgeTopicNames(): string[] {
    return this.topicList.map((t) => this.edgeName(t));
  }

  /** The checkpointed cloud consumer groups. */
  public get consumerGroups(): string[] {
    return [...this.groupList];
  }

  /** MirrorMaker2's `topicsPattern`: exactly the pulled topic names (escaped, full-match). */
  public get topicsPattern(): string {
    return this.topicList.map((t) => regexLiteral(t)).join('|');
  }

  /** MirrorMaker2's `groupsPattern`: exactly the checkpointed groups. */
  public get groupsPattern(): string {
    return this.groupList.map((g) => regexLiteral(g)).join('|');
  }

  /** Where a pulled cloud topic appears on the edge: `<alias>.<topic>`, or `<topic>` with identity replication. */
  public edgeTopicName(cloudTopicName: string): string {
    this.assertPulled(cloudTopicName);
    return this.edgeName(cloudTopicName);
  }

  /**
   * The edge copy of a pulled cloud topic, for local consumers (e.g. `EdgeKafkaUser.allowConsume`, or a Job that
   * reacts to model releases): the edge cluster's bootstrap servers, CA and broker pods.
   */
  public edgeTopic(cloudTopicName: string): IEventTopic {
    const topicName = this.edgeTopicName(cloudTopicName);
    const t = this.target;
    return {
      topicName, bootstrapServers: t.bootstrapServers, caCertificate: t.caCertificate, secretNamespace: t.namespace, networkPeer: t.networkPeer,
    };
  }

  /**
   * Create an edge user that may only consume the edge copies of the pulled topics (all, or `options.topics`) in one
   * consumer group, and return its credentials.
   */
  public grantConsume(id: string, options: MirroredTopicConsumeOptions = {}): KafkaCredentials {
    const username = options.username ?? id;
    if (options.group !== undefined && options.groupPrefix !== undefined) {
      throw edgeError(this, { prop: 'group', value: options.group, rule: 'group and groupPrefix exclude each other', fix: 'give one consumer group, or a prefix for per-pod groups' });
    }
    if (options.groupPrefix !== undefined) {
      if (!/^[A-Za-z0-9._-]+$/.test(options.groupPrefix)) {
        throw edgeError(this, { prop: 'groupPrefix', value: options.groupPrefix, rule: 'must be letters, digits, ".", "_" or "-"', fix: 'use e.g. "model-consumers-"' });
      }
      if (this.groupId.startsWith(options.groupPrefix)) {
        throw edgeError(this, { prop: 'groupPrefix', value: options.groupPrefix, rule: `covers this MirrorMaker2's Kafka Connect group ${this.groupId}; a consumer joining it would disrupt the mirror`, fix: 'use a prefix of the consumers\' own' });
      }
    }
    const group = options.groupPrefix ?? options.group ?? username;
    if (group === this.groupId) {
      throw edgeError(this, { prop: 'group', value: group, rule: 'this is the Kafka Connect group of this MirrorMaker2; a consumer joining it would disrupt the mirror', fix: 'use the consumer\'s own group id' });
    }
    const topics = options.topics ?? this.topicList;
    if (topics.length === 0) {
      throw edgeError(this, { prop: 'topics', value: [], rule: 'there is no pulled topic to consume yet', fix: 'add topics before granting consumers' });
    }
    const edgeNames = topics.map((t) => this.edgeTopicName(t));
    const user = new EdgeKafkaUser(this, id, { cluster: this.target, username });
    for (const topicName of edgeNames) {
      const operations = [KafkaAclOperation.READ, KafkaAclOperation.DESCRIBE];
      user.addAcl({ resourceType: KafkaAclResourceType.TOPIC, resourceName: topicName, operations });
    }
    user.addAcl({
      resourceType: KafkaAclResourceType.GROUP,
      resourceName: group,
      operations: [KafkaAclOperation.READ],
      ...(options.groupPrefix !== undefined ? { patternType: KafkaAclPatternType.PREFIX } : {}),
    });
    return user.credentials;
  }

  /** The ACL rules the cloud user of this mirror needs (see {@link KafkaCloudToEdgeMirror.aclRulesForSource}). */
  public sourceAclRules(): KafkaAclRule[] {
    return KafkaCloudToEdgeMirror.aclRulesForSource({ topicNames: this.topicNames, consumerGroups: this.consumerGroups });
  }

  /**
   * The rules the edge user ends up with, in canonical order (the user accumulates the same set as topics and groups
   * are added).
   */
  public targetAclRules(): KafkaAclRule[] {
    return targetAclRules({
      remoteTopics: this.edgeTopicNames.map((name) => ({ name })),
      connect: this.connect,
      sourceAlias: this.sourceAlias,
      consumerGroups: this.consumerGroups,
      syncGroupOffsets: this.syncGroupOffsets,
      syncTopicConfigs: this.syncTopicConfigs,
    });
  }

  private edgeName(topicName: string): string {
    return remoteTopicName(this.sourceAlias, topicName, this.identityReplication);
  }

  private assertPulled(cloudTopicName: string): void {
    if (!this.topicList.includes(cloudTopicName)) {
      throw edgeError(this, {
        prop: 'cloudTopicName',
        value: cloudTopicName,
        rule: `this mirror does not pull that topic (it pulls ${JSON.stringify(this.topicList)})`,
        fix: 'call addTopic() first, or use one of the pulled names',
      });
    }
  }

  private sameTarget(cluster: IKafkaCluster): boolean {
    return cluster.clusterName === this.target.clusterName && cluster.namespace === this.target.namespace;
  }

  private validateTree(): string[] {
    const errors: string[] = [];
    const me = label(this);
    if (this.topicList.length === 0) {
      errors.push(`${me}: topics = []: MirrorMaker2 needs at least one cloud topic to pull; pass topics or call addTopic()`);
    }
    if (this.syncGroupOffsets && this.groupList.length === 0) {
      errors.push(`${me}: syncGroupOffsets = true: there are no consumerGroups to sync; pass consumerGroups or drop syncGroupOffsets`);
    }
    const all = allConstructs(this);
    const before = (c: Construct) => all.indexOf(c) < all.indexOf(this);
    const edgeNames = this.edgeTopicNames;

    // Another pull into the same edge cluster.
    const peers = all.filter((c): c is KafkaCloudToEdgeMirror => c instanceof KafkaCloudToEdgeMirror && c !== this
      && this.sameTarget(c.target) && before(c));
    for (const other of peers) {
      if (other.sourceAlias === this.sourceAlias) {
        errors.push(`${me}: source.alias = "${this.sourceAlias}": ${other.node.path} already pulls from a cluster aliased "${this.sourceAlias}" into cluster "${this.target.clusterName}", so both would share ${this.offsetSyncsTopic}${this.identityReplication && other.identityReplication ? '' : ` and the "${this.sourceAlias}." topic names`}${other.site === this.site ? ` and Connect group "${this.groupId}"` : ''}; give each cloud cluster its own alias, or pull all topics of one cloud cluster with one mirror`);
        continue;
      }
      const theirs = new Set(other.edgeTopicNames);
      const clash = edgeNames.filter((n) => theirs.has(n));
      if (clash.length > 0) {
        errors.push(`${me}: topics = ${JSON.stringify(clash)}: ${other.node.path} also writes ${clash.length === 1 ? 'this edge topic' : 'these edge topics'} on cluster "${this.target.clusterName}" (identity replication keeps names unchanged), so events of two cloud clusters would mix; turn identityReplication off for one of them (topics become <alias>.<topic>)`);
      }
    }
    // A local topic of the same name: local producers and MirrorMaker2 would write one log, and the Topic Operator
    // would fight MirrorMaker2 over partitions and config.
    const local = all.filter((c): c is EdgeKafkaTopic => c instanceof EdgeKafkaTopic && this.sameTarget(c.cluster)
      && edgeNames.includes(c.topicName));
    for (const t of local) {
      errors.push(`${me}: topics = "${this.cloudNameOf(t.topicName)}": its edge copy "${t.topicName}" is also declared as EdgeKafkaTopic ${t.node.path} on cluster "${this.target.clusterName}"; MirrorMaker2 creates the edge copy itself (cloud partitions and config), so remove the EdgeKafkaTopic${this.identityReplication ? ' or turn identityReplication off (the copy becomes ' + this.sourceAlias + '.' + t.topicName + ')' : ''}`);
    }
    // Pushing a pulled topic back to the cloud.
    const pushes = all.filter((c): c is KafkaSync => c instanceof KafkaSync && this.sameTarget(c.source));
    for (const sync of pushes) {
      const echoed = sync.topicNames.filter((n) => edgeNames.includes(n));
      if (echoed.length > 0) {
        errors.push(`${me}: topics = ${JSON.stringify(echoed.map((n) => this.cloudNameOf(n)))}: KafkaSync ${sync.node.path} pushes ${echoed.length === 1 ? 'its edge copy' : 'their edge copies'} (${echoed.join(', ')}) back to the cloud, so cloud events would echo${this.identityReplication && sync.identityReplication ? ' in an endless loop (IdentityReplicationPolicy cannot detect cycles)' : ''}; remove ${echoed.length === 1 ? 'it' : 'them'} from the KafkaSync`);
      }
    }
    // Two KafkaMirrorMaker2 of one name in the namespace.
    const sameName = all.find((c) => c !== this && before(c) && (c instanceof KafkaSync || c instanceof KafkaCloudToEdgeMirror)
      && c.apiObject.name === this.apiObject.name && c.apiObject.metadata.namespace === this.apiObject.metadata.namespace);
    if (sameName) {
      errors.push(`${me}: name (construct id) = "${this.apiObject.name}": ${sameName.node.path} already defines a KafkaMirrorMaker2 of that name in namespace "${this.apiObject.metadata.namespace}"; use another id`);
    }
    return errors;
  }

  private cloudNameOf(edgeName: string): string {
    return this.topicList.find((t) => this.edgeName(t) === edgeName) ?? edgeName;
  }
}
