import { ApiObject, Lazy } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { EdgeLabels, edgeError, IEventTopic, KafkaCredentials, KubeNames, SecretKeyReference, Warnings } from '../../core';
import { ConflictPolicy } from '../conflict-policy';
import { ObjectReplication, ObjectReplicationProps } from '../object-replication';
import { IKafkaCluster } from './cluster-ref';
import {
  checkBootstrap, checkCount, connectStorageConfig, cloudAuthentication, cloudTls, connectNames, DEFAULT_REPLICATION_POLICY,
  edgeAuthentication, edgeTls,
  IDENTITY_REPLICATION_POLICY, mirrorResources, remoteTopicName, sourceGroupAcl, sourceTopicAcl, targetAclRules, mirrorSpec, cloudAlias,
} from './mirror-support';
import { allConstructs, isKafkaTopicName, label, regexLiteral } from './rules';
import { KafkaMirrorMaker2Spec, STRIMZI_API_VERSION, strimziContainerSecurityContext } from './strimzi';
import { EdgeKafkaUser, KafkaAclRule } from './user';
import { Endpoints, KeyNames, Shape } from '../../core/validate';

/** Compression MirrorMaker2 applies to what it sends over the WAN. */
export enum MirrorCompression {
  /** zstd: best ratio for JSON events. */
  ZSTD = 'zstd',
  /** lz4: least CPU. */
  LZ4 = 'lz4',
  /** gzip. */
  GZIP = 'gzip',
  /** snappy. */
  SNAPPY = 'snappy',
  /** No compression. */
  NONE = 'none',
}

/**
 * A cloud Kafka cluster as MirrorMaker2 at the edge reaches it: the target of {@link KafkaSync}, the source of
 * {@link KafkaCloudToEdgeMirror}. Trust and credentials come from Secrets copied into the edge namespace.
 */
export interface KafkaCloudCluster {
  /** Bootstrap servers of the cloud cluster as the edge reaches them, `host:port[,host:port]`. */
  readonly bootstrapServers: string;
  /**
   * Credentials of the cloud user MirrorMaker2 logs in as, e.g. `KafkaCredentials.fromSecretName('cloud-user', {
   * username: 'site-a-mirror' })`. The Secret must exist in the edge cluster's namespace (copy it from the cloud,
   * where Strimzi's User Operator created it; same keys).
   */
  readonly credentials: KafkaCredentials;
  /**
   * CA certificate that signs the cloud brokers' certificates (a Secret in the edge cluster's namespace).
   * Required while `tls` is on.
   * @default - none
   */
  readonly caCertificate?: SecretKeyReference;
  /**
   * Encrypt the connection. Turning it off sends events and credentials in the clear over the WAN.
   * @default true
   */
  readonly tls?: boolean;
  /**
   * Alias of the cloud cluster in MirrorMaker2's configuration.
   * @default 'cloud'
   */
  readonly alias?: string;
}

/** The cloud Kafka cluster MirrorMaker2 pushes to. */
export interface KafkaSyncTarget extends KafkaCloudCluster {
  /**
   * Replication factor of topics MirrorMaker2 creates in the cloud (remote topics, offset-syncs, checkpoints and
   * its Connect topics). -1 uses the cloud brokers' `default.replication.factor`.
   * @default -1
   */
  readonly replicationFactor?: number;
}

/** Props of {@link KafkaSync}. */
export interface KafkaSyncProps {
  /** The edge cluster events are copied from. MirrorMaker2 runs in its namespace, next to it. */
  readonly source: IKafkaCluster;
  /**
   * The site name: MirrorMaker2's alias for the edge cluster. Cloud topics are `<site>.<topic>` unless
   * `identityReplication`, and the Connect group and internal topics in the cloud are named after it.
   */
  readonly site: string;
  /** The cloud cluster. */
  readonly target: KafkaSyncTarget;
  /**
   * Topics to mirror (more with `addTopic`). They must live on `source`.
   * @default - none yet; at least one is required by synth
   */
  readonly topics?: IEventTopic[];
  /**
   * Consumer groups on the edge whose committed offsets are translated for the cloud (checkpoint connector).
   * @default - none: no checkpoint connector
   */
  readonly consumerGroups?: string[];
  /**
   * Keep topic names unchanged in the cloud (IdentityReplicationPolicy) instead of `<site>.<topic>`. Two sites must
   * then never mirror a topic of the same name into the same cloud cluster.
   * @default false
   */
  readonly identityReplication?: boolean;
  /**
   * Also write translated offsets into the cloud consumer groups (`sync.group.offsets.enabled`), so a consumer can
   * fail over to the cloud. Needs `consumerGroups`.
   * @default false
   */
  readonly syncGroupOffsets?: boolean;
  /**
   * Copy topic config changes from the edge to the cloud topics. Off by default: the cloud usually keeps data longer
   * than the edge's outage-budget retention.
   * @default false
   */
  readonly syncTopicConfigs?: boolean;
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
   * Compression of what is sent to the cloud.
   * @default MirrorCompression.ZSTD
   */
  readonly compression?: MirrorCompression;
  /**
   * The site's declared conflict policy for two-way data. MirrorMaker2 enforces nothing (topics are append-only and
   * each site's events land in their own remote topics); it is recorded as an annotation for consumers. Object bytes
   * enforce it through {@link ObjectReplication}.
   * @default ConflictPolicy.LAST_WRITE_WINS
   */
  readonly conflictPolicy?: ConflictPolicy;
  /**
   * Name of the edge `KafkaUser` MirrorMaker2 reads with.
   * @default - `<site>-mirrormaker2`
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

/** Options of {@link KafkaSync.aclRulesForTarget}. */
export interface KafkaSyncTargetAclOptions {
  /** The site alias. */
  readonly site: string;
  /** Topic names mirrored from the site. */
  readonly topicNames: string[];
  /**
   * Identity replication (literal topic names) instead of `<site>.` prefixes.
   * @default false
   */
  readonly identityReplication?: boolean;
  /**
   * Consumer groups whose offsets are checkpointed.
   * @default - none
   */
  readonly consumerGroups?: string[];
  /**
   * Whether translated offsets are written into cloud consumer groups.
   * @default false
   */
  readonly syncGroupOffsets?: boolean;
  /**
   * Whether topic configs are synced.
   * @default false
   */
  readonly syncTopicConfigs?: boolean;
}

/** Annotation carrying the site's declared conflict policy on the KafkaMirrorMaker2. */
const CONFLICT_POLICY_ANNOTATION = 'sync.cdk8s-edge-storage.io/conflict-policy';
const SITE_ANNOTATION = 'sync.cdk8s-edge-storage.io/site';

/**
 * Edge-to-cloud event sync: a Strimzi `KafkaMirrorMaker2` (v1) running at the edge (sites sit behind NAT, so the edge
 * connects out to the cloud) that copies the site's topics to the cloud cluster, plus the edge `KafkaUser` it reads
 * with, whose ACLs cover exactly the mirrored topics and consumer groups, read-only.
 *
 * - `spec.target` is the cloud cluster (TLS trust and credentials from Secrets); Kafka Connect keeps its group and
 *   internal topics there, named per site (`mirrormaker2-<site>`, `…-configs/-offsets/-status`).
 * - `mirrors[0].source` is the edge cluster; `offset-syncs.topic.location: target` on both connectors keeps every
 *   write in the cloud, so the edge user needs no write access at all.
 * - Cloud topics are `<site>.<topic>`, or the same names with `identityReplication` (set consistently on the source
 *   and checkpoint connectors).
 *
 * Object bytes do not travel through Kafka: see {@link ObjectReplication}.
 */
export class KafkaSync extends Construct {
  /** Replication policy class names (Apache Kafka's MirrorMaker2). */
  public static readonly DEFAULT_REPLICATION_POLICY = DEFAULT_REPLICATION_POLICY;
  /** Keeps topic names unchanged. */
  public static readonly IDENTITY_REPLICATION_POLICY = IDENTITY_REPLICATION_POLICY;

  /**
   * ACL rules the cloud-side user of a site's MirrorMaker2 needs on the cloud cluster (create it there, e.g. with an
   * {@link EdgeKafkaUser} on an imported cloud cluster, and copy its Secret to the edge).
   */
  public static aclRulesForTarget(options: KafkaSyncTargetAclOptions): KafkaAclRule[] {
    const site = options.site;
    return targetAclRules({
      // Remote topics: the literal names with identity replication, else everything under the site's prefix.
      remoteTopics: options.identityReplication ? options.topicNames.map((name) => ({ name })) : [{ name: `${site}.`, prefix: true }],
      // Kafka Connect's group and internal topics, named per site.
      connect: KafkaSync.connectNames(site),
      // offset-syncs lives in the cloud (offset-syncs.topic.location: target), named after the site.
      sourceAlias: site,
      consumerGroups: options.consumerGroups ?? [],
      syncGroupOffsets: options.syncGroupOffsets ?? false,
      syncTopicConfigs: options.syncTopicConfigs ?? false,
    });
  }

  private static connectNames(site: string) {
    return connectNames(`mirrormaker2-${site}`);
  }

  /** The site alias. */
  public readonly site: string;
  /** The cloud cluster's alias. */
  public readonly targetAlias: string;
  /** The edge cluster. */
  public readonly source: IKafkaCluster;
  /** The cloud bootstrap servers. */
  public readonly targetBootstrapServers: string;
  /** Whether topic names are kept unchanged in the cloud. */
  public readonly identityReplication: boolean;
  /** The declared conflict policy. */
  public readonly conflictPolicy: ConflictPolicy;
  /** The edge user MirrorMaker2 reads with. */
  public readonly user: EdgeKafkaUser;
  /** Kafka Connect group id in the cloud. */
  public readonly groupId: string;
  /** The `KafkaMirrorMaker2` resource (escape hatch). */
  public readonly apiObject: ApiObject;
  private readonly topicList: IEventTopic[] = [];
  private readonly groupList: string[] = [];
  private readonly syncGroupOffsets: boolean;
  private readonly syncTopicConfigs: boolean;

  constructor(scope: Construct, id: string, props: KafkaSyncProps) {
    super(scope, id);
    Shape.check(this, props);
    Endpoints.checkHostPorts(this, 'target.bootstrapServers', props.target?.bootstrapServers, { credentialsProp: 'target.credentials' });
    KeyNames.checkSecretRef(this, 'target.caCertificate', props.target?.caCertificate);
    // Strimzi names the Connect service `<name>-mirrormaker2-api`.
    KubeNames.assertDns1123Label(this, 'name (construct id)', id, 40);
    this.source = props.source;
    this.site = props.site;
    KubeNames.assertDns1123Label(this, 'site', props.site, 40);
    const target = props.target;
    this.targetAlias = cloudAlias(this, 'target.alias', target.alias, this.site);
    this.targetBootstrapServers = checkBootstrap(this, 'target.bootstrapServers', target.bootstrapServers);
    this.identityReplication = props.identityReplication ?? false;
    this.conflictPolicy = props.conflictPolicy ?? ConflictPolicy.LAST_WRITE_WINS;
    this.syncGroupOffsets = props.syncGroupOffsets ?? false;

    const tls = target.tls ?? true;
    const targetTls = cloudTls(this, 'target', tls, props.source.namespace, this.targetBootstrapServers, target.caCertificate);
    const targetAuth = cloudAuthentication(this, 'target', target.credentials, props.source.namespace);
    const rf = target.replicationFactor ?? -1;
    if (!Number.isInteger(rf) || (rf < 1 && rf !== -1)) {
      throw edgeError(this, { prop: 'target.replicationFactor', value: rf, rule: 'must be -1 (the cloud brokers\' default) or a whole number of at least 1', fix: 'omit it to use the cloud default' });
    }
    const tasksMax = props.tasksMax ?? 1;
    const autoRestart = props.autoRestart ?? true;
    checkCount(this, 'tasksMax', tasksMax, 'use 1 for a small site, up to the number of mirrored partitions');
    const replicas = props.replicas ?? 1;
    checkCount(this, 'replicas', replicas, 'use 1 at a small site');

    this.syncTopicConfigs = props.syncTopicConfigs ?? false;
    this.user = new EdgeKafkaUser(this, 'User', { cluster: props.source, username: props.username ?? `${props.site}-mirrormaker2` });
    for (const t of props.topics ?? []) this.addTopic(t);
    for (const g of props.consumerGroups ?? []) this.addConsumerGroup(g);

    const names = KafkaSync.connectNames(props.site);
    this.groupId = names.groupId;
    const policyClass = this.identityReplication ? KafkaSync.IDENTITY_REPLICATION_POLICY : KafkaSync.DEFAULT_REPLICATION_POLICY;
    const sourceAuth = edgeAuthentication(this.user.credentials);
    target.credentials.requireIn(this, { namespace: props.source.namespace, purpose: `MirrorMaker2 ${id}: login to the cloud Kafka ${this.targetBootstrapServers} as ${target.credentials.username} (copy of the cloud KafkaUser's Secret)` });
    this.user.credentials.requireIn(this, { namespace: props.source.namespace, purpose: `MirrorMaker2 ${id}: login to the edge Kafka as ${this.user.username}` });
    const compression = props.compression ?? MirrorCompression.ZSTD;
    const labels = EdgeLabels.standard({ name: 'mirrormaker2', instance: id, component: 'event-sync', version: props.kafkaVersion });

    const renderSpec = (): KafkaMirrorMaker2Spec => {
      const hasGroups = this.groupList.length > 0;
      return {
        ...(props.kafkaVersion ? { version: props.kafkaVersion } : {}),
        replicas,
        target: {
          alias: this.targetAlias,
          bootstrapServers: this.targetBootstrapServers,
          ...names,
          ...(targetTls ? { tls: targetTls } : {}),
          authentication: targetAuth,
          config: {
            ...connectStorageConfig(rf),
            'producer.compression.type': compression,
          },
        },
        mirrors: [mirrorSpec({
          alias: this.site,
          bootstrapServers: props.source.bootstrapServers,
          tls: edgeTls(props.source),
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
        namespace: props.source.namespace,
        labels,
        annotations: { [SITE_ANNOTATION]: this.site, [CONFLICT_POLICY_ANNOTATION]: this.conflictPolicy },
      },
      spec: Lazy.any({ produce: renderSpec }),
    } as any);

    if (!tls) {
      Warnings.addFormatted(this, { prop: 'target.tls', value: false, rule: 'events and the SCRAM handshake cross the WAN unencrypted', fix: 'enable TLS on the cloud listener and pass its CA as target.caCertificate' });
    }
    this.node.addValidation({ validate: () => this.validateTree() });
  }

  /** Mirror one more topic; it must live on the source cluster. Grants the MirrorMaker2 user read access to it. */
  public addTopic(topic: IEventTopic): void {
    if (topic.bootstrapServers !== this.source.bootstrapServers) {
      throw edgeError(this, {
        prop: 'topics',
        value: topic.topicName,
        rule: `the topic lives on ${topic.bootstrapServers}, not on the source cluster ${this.source.bootstrapServers}`,
        fix: 'mirror topics of the edge cluster this KafkaSync reads from',
      });
    }
    if (!isKafkaTopicName(topic.topicName)) {
      throw edgeError(this, { prop: 'topics', value: topic.topicName, rule: 'not a legal Kafka topic name', fix: 'fix the topic name' });
    }
    if (this.topicList.some((t) => t.topicName === topic.topicName)) return;
    this.topicList.push(topic);
    // Read-only: no Write/Create on the edge (offset-syncs live in the cloud).
    this.user.addAcl(sourceTopicAcl(topic.topicName));
  }

  /** Translate the offsets of one more edge consumer group (adds the checkpoint connector). */
  public addConsumerGroup(group: string): void {
    if (group.length === 0 || group.includes(',')) {
      throw edgeError(this, { prop: 'consumerGroups', value: group, rule: 'must be a non-empty group id without commas', fix: 'pass the group id the edge consumer uses' });
    }
    if (this.groupList.includes(group)) return;
    this.groupList.push(group);
    this.user.addAcl(sourceGroupAcl(group));
  }

  /**
   * Move the objects the events describe with an {@link ObjectReplication} that enforces this sync's conflict policy
   * (events over Kafka, bytes over S3).
   */
  public addObjectReplication(id: string, props: ObjectReplicationProps): ObjectReplication {
    if (props.conflictPolicy !== undefined && props.conflictPolicy !== this.conflictPolicy) {
      throw edgeError(this, {
        prop: 'objectReplication.conflictPolicy',
        value: props.conflictPolicy,
        rule: `differs from the sync's conflictPolicy (${this.conflictPolicy}); the site would declare one policy and enforce another`,
        fix: 'omit conflictPolicy to inherit the sync\'s, or change the sync\'s',
      });
    }
    return new ObjectReplication(this, id, { ...props, conflictPolicy: this.conflictPolicy });
  }

  /** Names of the mirrored edge topics. */
  public get topicNames(): string[] {
    return this.topicList.map((t) => t.topicName);
  }

  /** The checkpointed consumer groups. */
  public get consumerGroups(): string[] {
    return [...this.groupList];
  }

  /** MirrorMaker2's `topicsPattern`: exactly the mirrored topic names (escaped, full-match). */
  public get topicsPattern(): string {
    return this.topicList.map((t) => regexLiteral(t.topicName)).join('|');
  }

  /** MirrorMaker2's `groupsPattern`: exactly the checkpointed groups. */
  public get groupsPattern(): string {
    return this.groupList.map((g) => regexLiteral(g)).join('|');
  }

  /** Where a mirrored topic appears in the cloud: `<site>.<topic>`, or `<topic>` with identity replication. */
  public remoteTopicName(topic: IEventTopic): string {
    return this.remoteName(topic.topicName);
  }

  /** The ACL rules the cloud user of this sync needs (see {@link KafkaSync.aclRulesForTarget}). */
  public targetAclRules(): KafkaAclRule[] {
    return KafkaSync.aclRulesForTarget({
      site: this.site,
      topicNames: this.topicNames,
      identityReplication: this.identityReplication,
      consumerGroups: this.consumerGroups,
      syncGroupOffsets: this.syncGroupOffsets,
      syncTopicConfigs: this.syncTopicConfigs,
    });
  }

  private remoteName(topicName: string): string {
    return remoteTopicName(this.site, topicName, this.identityReplication);
  }

  private validateTree(): string[] {
    const errors: string[] = [];
    if (this.topicList.length === 0) {
      errors.push(`${label(this)}: topics = []: MirrorMaker2 needs at least one topic to mirror; pass topics or call addTopic()`);
    }
    if (this.syncGroupOffsets && this.groupList.length === 0) {
      errors.push(`${label(this)}: syncGroupOffsets = true: there are no consumerGroups to sync; pass consumerGroups or drop syncGroupOffsets`);
    }
    const all = allConstructs(this);
    const peers = all.filter((c): c is KafkaSync => c instanceof KafkaSync && c !== this && c.targetBootstrapServers === this.targetBootstrapServers
      && all.indexOf(c) < all.indexOf(this));
    for (const other of peers) {
      if (other.site === this.site) {
        errors.push(`${label(this)}: site = "${this.site}": ${other.node.path} already mirrors a site of that name into ${this.targetBootstrapServers}, so both would share Connect group "${this.groupId}" and the same remote topics; give every site a unique name`);
        continue;
      }
      const theirs = new Map(other.topicNames.map((t) => [other.remoteName(t), t]));
      const collisions = this.topicNames.filter((t) => theirs.has(this.remoteName(t))).map((t) => this.remoteName(t));
      if (collisions.length > 0) {
        const identity = this.identityReplication || other.identityReplication;
        errors.push(`${label(this)}: topics = ${JSON.stringify(collisions)}: site "${other.site}" (${other.node.path}) also writes ${collisions.length === 1 ? 'this cloud topic' : 'these cloud topics'} in ${this.targetBootstrapServers}${identity ? ' (identity replication keeps names unchanged)' : ''}, so events of both sites would mix; ${identity ? 'turn identityReplication off for one of them (topics become <site>.<topic>) or use site-specific topic names' : 'rename the topic'}`);
      }
    }
    return errors;
  }
}
