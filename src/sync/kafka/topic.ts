import { createHash } from 'crypto';
import { ApiObject, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { IKafkaCluster } from './cluster-ref';
import { allConstructs, checkInsync, derivedMinInsyncReplicas, isKafkaTopicName, label } from './rules';
import { KafkaTopicSpec, STRIMZI_API_VERSION, STRIMZI_CLUSTER_LABEL } from './strimzi';
import { EdgeKafkaUser } from './user';
import {
  ANY_POSITIVE, Bandwidth, BandwidthFormat, EdgeLabels, edgeError, IEventTopic, KafkaAuthentication, KafkaCredentials, KubeNames,
  NetworkPeer, Resources, SecretKeyReference, Warnings,
} from '../../core';
import { Shape } from '../../core/validate';

/** Kafka `cleanup.policy`. */
export enum TopicCleanupPolicy {
  /** Delete segments older than the retention (events, telemetry). */
  DELETE = 'delete',
  /** Keep the latest record per key (state, model-release announcements). */
  COMPACT = 'compact',
  /** Both: compact, and delete what is older than the retention. */
  COMPACT_DELETE = 'compact,delete',
}

/** Options of a {@link EdgeKafkaTopic} created with `EdgeKafkaCluster.addTopic`. */
export interface KafkaTopicOptions {
  /**
   * The Kafka topic name (letters, digits, `.`, `_`, `-`).
   * @default - the construct id
   */
  readonly topicName?: string;
  /**
   * Partitions (can be raised later, never lowered).
   * @default 3
   */
  readonly partitions?: number;
  /**
   * Replicas of each partition.
   * @default - the cluster's default replication factor
   */
  readonly replicas?: number;
  /**
   * `min.insync.replicas`: replicas that must have a write before an acks=all producer is acknowledged.
   * @default - 2 for 3 or more replicas, else 1
   */
  readonly minInsyncReplicas?: number;
  /**
   * How long the WAN (or the cloud) may be unreachable without losing events: MirrorMaker2 resumes from where it
   * stopped only while the edge still holds the events.
   * @default Duration.hours(72)
   */
  readonly outageBudget?: Duration;
  /**
   * `retention.ms`. Must be at least the outage budget.
   * @default - the outage budget plus 24 hours (time to drain the backlog after the WAN returns)
   */
  readonly retention?: Duration;
  /**
   * `retention.bytes` per partition. Checked against the outage budget when `expectedWriteRate` is given.
   * @default - no size limit (time-based retention only)
   */
  readonly retentionBytes?: Size;
  /**
   * Expected write rate across all partitions. Enables the disk checks: retention.bytes must hold the outage budget,
   * and all topics' retained data must fit the brokers' volumes.
   * @default - unknown: no disk checks
   */
  readonly expectedWriteRate?: Bandwidth;
  /**
   * `cleanup.policy`.
   * @default TopicCleanupPolicy.DELETE
   */
  readonly cleanupPolicy?: TopicCleanupPolicy;
  /**
   * `max.message.bytes`. Events carry keys, sizes and checksums, never object bytes: large values belong in S3.
   * @default Size.mebibytes(1)
   */
  readonly maxMessageBytes?: Size;
  /**
   * Extra topic config (e.g. `compression.type`). Settings that have a prop are rejected here.
   * @default - none
   */
  readonly config?: { [key: string]: string };
}

/** Props of {@link EdgeKafkaTopic}. */
export interface EdgeKafkaTopicProps extends KafkaTopicOptions {
  /** The cluster the topic lives on (the `KafkaTopic` is created in its namespace). */
  readonly cluster: IKafkaCluster;
}

/** Options of {@link EdgeKafkaTopic.grantProduce}. */
export interface TopicGrantProduceOptions {
  /**
   * The user name (KafkaUser and Secret name).
   * @default - the id passed to grantProduce
   */
  readonly username?: string;
}

/** Options of {@link EdgeKafkaTopic.grantConsume}. */
export interface TopicGrantConsumeOptions {
  /**
   * The user name (KafkaUser and Secret name).
   * @default - the id passed to grantConsume
   */
  readonly username?: string;
  /**
   * The consumer group the client uses.
   * @default - the user name
   */
  readonly group?: string;
}

const PROP_KEYS: { [key: string]: string } = {
  'retention.ms': 'retention',
  'retention.bytes': 'retentionBytes',
  'min.insync.replicas': 'minInsyncReplicas',
  'cleanup.policy': 'cleanupPolicy',
  'max.message.bytes': 'maxMessageBytes',
};

/** Share of the brokers' volumes that retained topic data may fill (Kafka needs room for segments being rolled). */
const DISK_FILL_LIMIT = 0.85;

/**
 * A Strimzi `KafkaTopic` (v1) sized for an edge site: its retention covers an outage budget (the longest WAN outage
 * after which MirrorMaker2 can still catch up without losing events). Implements the core `IEventTopic`, so MinIO and
 * Ceph bucket notifications and telemetry producers can be pointed at it; `grantProduce` creates their credentials.
 */
export class EdgeKafkaTopic extends Construct implements IEventTopic {
  public readonly topicName: string;
  public readonly bootstrapServers: string;
  public readonly caCertificate?: SecretKeyReference;
  public readonly secretNamespace?: string;
  public readonly networkPeer?: NetworkPeer;
  /** The cluster. */
  public readonly cluster: IKafkaCluster;
  /** Partitions. */
  public readonly partitions: number;
  /** Replicas per partition. */
  public readonly replicas: number;
  /** `min.insync.replicas`. */
  public readonly minInsyncReplicas: number;
  /** The outage budget the retention covers. */
  public readonly outageBudget: Duration;
  /** `retention.ms` (undefined for compact-only topics, which keep the latest value per key forever). */
  public readonly retention?: Duration;
  /** Expected write rate, when declared. */
  public readonly expectedWriteRate?: Bandwidth;
  /** The `KafkaTopic` resource (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: EdgeKafkaTopicProps) {
    super(scope, id);
    Shape.check(this, props);
    const cluster = props.cluster;
    this.cluster = cluster;
    this.topicName = props.topicName ?? id;
    if (!isKafkaTopicName(this.topicName)) {
      throw edgeError(this, { prop: 'topicName', value: this.topicName, rule: 'Kafka topic names are 1–249 letters, digits, ".", "_" or "-" (and not "." or "..")', fix: 'use a name like "site-a.objects"' });
    }
    if (this.topicName.startsWith('__')) {
      throw edgeError(this, { prop: 'topicName', value: this.topicName, rule: 'names starting with "__" are Kafka\'s internal topics', fix: 'drop the leading underscores' });
    }
    if (this.topicName.includes('.') && this.topicName.includes('_')) {
      Warnings.addFormatted(this, { prop: 'topicName', value: this.topicName, rule: 'Kafka metric names replace "." with "_", so this topic\'s metrics can collide with another topic\'s', fix: 'use either "." or "_", not both' });
    }

    this.partitions = props.partitions ?? 3;
    if (!Number.isInteger(this.partitions) || this.partitions < 1) {
      throw edgeError(this, { prop: 'partitions', value: this.partitions, rule: 'must be a whole number of at least 1', fix: 'use e.g. 3' });
    }
    this.replicas = props.replicas ?? cluster.defaultReplicationFactor;
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      throw edgeError(this, { prop: 'replicas', value: this.replicas, rule: 'must be a whole number of at least 1', fix: 'omit it to use the cluster default' });
    }
    if (this.replicas > cluster.brokerCount) {
      throw edgeError(this, {
        prop: 'replicas',
        value: this.replicas,
        rule: `cluster "${cluster.clusterName}" has ${cluster.brokerCount} broker(s); Kafka cannot place more replicas than brokers, so the topic is never created`,
        fix: `use at most ${cluster.brokerCount} replicas or add brokers`,
      });
    }
    this.minInsyncReplicas = props.minInsyncReplicas ?? derivedMinInsyncReplicas(this.replicas);
    if (!Number.isInteger(this.minInsyncReplicas) || this.minInsyncReplicas < 1) {
      throw edgeError(this, { prop: 'minInsyncReplicas', value: this.minInsyncReplicas, rule: 'must be a whole number of at least 1', fix: 'omit it to derive it from replicas' });
    }
    checkInsync(this, 'minInsyncReplicas', this.minInsyncReplicas, this.replicas, 'replicas');

    const policy = props.cleanupPolicy ?? TopicCleanupPolicy.DELETE;
    this.outageBudget = props.outageBudget ?? Duration.hours(72);
    if (!(this.outageBudget.toMilliseconds() > 0)) {
      throw edgeError(this, { prop: 'outageBudget', value: this.outageBudget.toHumanString(), rule: 'must be positive', fix: 'use the longest WAN outage the site must ride out, e.g. Duration.hours(72)' });
    }
    const deletes = policy !== TopicCleanupPolicy.COMPACT;
    if (deletes) {
      this.retention = props.retention ?? Duration.millis(this.outageBudget.toMilliseconds() + Duration.hours(24).toMilliseconds());
      if (this.retention.toMilliseconds() < this.outageBudget.toMilliseconds()) {
        throw edgeError(this, {
          prop: 'retention',
          value: this.retention.toHumanString(),
          rule: `shorter than outageBudget (${this.outageBudget.toHumanString()}): events produced early in an outage are deleted before MirrorMaker2 can copy them to the cloud`,
          fix: `use at least ${this.outageBudget.toHumanString()} (omit retention for the budget plus 24 hours)`,
        });
      }
    } else if (props.retention !== undefined) {
      throw edgeError(this, { prop: 'retention', value: props.retention.toHumanString(), rule: 'cleanupPolicy COMPACT never deletes by age, so a retention has no effect', fix: 'omit retention, or use COMPACT_DELETE' });
    }

    const maxMessageBytes = props.maxMessageBytes ?? Size.mebibytes(1);
    const maxBytes = Resources.bytes(maxMessageBytes);
    if (!(maxBytes >= 1024)) {
      throw edgeError(this, { prop: 'maxMessageBytes', value: Resources.sizeString(maxMessageBytes), rule: 'must be at least 1Ki', fix: 'omit it for 1Mi' });
    }
    if (maxBytes > Resources.bytes(Size.mebibytes(1))) {
      Warnings.addFormatted(this, {
        prop: 'maxMessageBytes',
        value: Resources.sizeString(maxMessageBytes),
        rule: 'Kafka carries events, not object bytes; large messages slow replication and every consumer',
        fix: 'keep messages small and move the bytes with ObjectReplication (S3), sending only key, size and checksum',
      });
    }

    // Any rate will do (Bandwidth itself refuses 0): it only feeds the disk checks.
    this.expectedWriteRate = BandwidthFormat.check(this, 'expectedWriteRate', props.expectedWriteRate, ANY_POSITIVE);
    if (props.retentionBytes !== undefined) {
      if (!deletes) {
        throw edgeError(this, { prop: 'retentionBytes', value: Resources.sizeString(props.retentionBytes), rule: 'cleanupPolicy COMPACT never deletes by size', fix: 'omit retentionBytes, or use COMPACT_DELETE' });
      }
      if (this.expectedWriteRate !== undefined) {
        const perPartitionRate = this.expectedWriteRate.toBytesPerSecond() / this.partitions;
        const holdsSeconds = Resources.bytes(props.retentionBytes) / perPartitionRate;
        if (holdsSeconds < this.outageBudget.toSeconds()) {
          throw edgeError(this, {
            prop: 'retentionBytes',
            value: Resources.sizeString(props.retentionBytes),
            rule: `at ${this.expectedWriteRate.toString()} over ${this.partitions} partition(s) it holds only ${Duration.seconds(Math.floor(holdsSeconds)).toHumanString()}, less than outageBudget (${this.outageBudget.toHumanString()})`,
            fix: `use at least ${Math.ceil(perPartitionRate * this.outageBudget.toSeconds() / 1048576)}Mi per partition, or omit retentionBytes`,
          });
        }
      }
    }

    const extra = props.config ?? {};
    for (const key of Object.keys(extra)) {
      if (PROP_KEYS[key]) {
        throw edgeError(this, { prop: `config["${key}"]`, value: extra[key], rule: `"${key}" is set from the ${PROP_KEYS[key]} prop (and checked there)`, fix: `remove it and pass ${PROP_KEYS[key]}` });
      }
    }

    this.bootstrapServers = cluster.bootstrapServers;
    this.caCertificate = cluster.caCertificate;
    this.secretNamespace = cluster.namespace;
    this.networkPeer = cluster.networkPeer;

    const config: { [key: string]: string | number } = {
      'cleanup.policy': policy,
      ...(this.retention ? { 'retention.ms': Math.round(this.retention.toMilliseconds()) } : {}),
      ...(props.retentionBytes !== undefined ? { 'retention.bytes': Math.round(Resources.bytes(props.retentionBytes)) } : {}),
      'min.insync.replicas': this.minInsyncReplicas,
      'max.message.bytes': Math.round(maxBytes),
      ...extra,
    };
    const k8sName = resourceName(this.topicName);
    const spec: KafkaTopicSpec = {
      ...(k8sName !== this.topicName ? { topicName: this.topicName } : {}),
      partitions: this.partitions,
      replicas: this.replicas,
      config,
    };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'KafkaTopic',
      metadata: {
        name: k8sName,
        namespace: cluster.namespace,
        labels: { ...EdgeLabels.standard({ name: 'kafka-topic', instance: k8sName, component: 'event-topic' }), [STRIMZI_CLUSTER_LABEL]: cluster.clusterName },
      },
      spec,
    } as any);

    this.node.addValidation({ validate: () => this.validateTree() });
  }

  /**
   * Create a user that may only produce to this topic (Write and Describe on it, nothing else) and return its
   * credentials: what MinIO/Ceph bucket notifications or a telemetry producer need, with `bootstrapServers` and
   * `caCertificate` of this topic.
   */
  public grantProduce(id: string, options: TopicGrantProduceOptions = {}): KafkaCredentials {
    const user = new EdgeKafkaUser(this, id, { cluster: this.cluster, username: options.username ?? id });
    user.allowProduce(this);
    return user.credentials;
  }

  /** Create a user that may only consume this topic in one consumer group, and return its credentials. */
  public grantConsume(id: string, options: TopicGrantConsumeOptions = {}): KafkaCredentials {
    const username = options.username ?? id;
    const user = new EdgeKafkaUser(this, id, { cluster: this.cluster, username });
    user.allowConsume(this, options.group ?? username);
    return user.credentials;
  }

  /** The authentication producers of this topic use. */
  public get authentication(): KafkaAuthentication {
    return this.cluster.authentication;
  }

  /** The `KafkaTopic` resource name: the topic name when it is a valid object name, else a sanitized one. */

  private validateTree(): string[] {
    const errors: string[] = [];
    const all = allConstructs(this);
    const sameCluster = (t: EdgeKafkaTopic) => t.cluster.clusterName === this.cluster.clusterName && t.cluster.namespace === this.cluster.namespace;
    const clash = all.find((c) => c instanceof EdgeKafkaTopic && c !== this && sameCluster(c) && c.topicName === this.topicName
      && all.indexOf(c) < all.indexOf(this));
    if (clash) {
      errors.push(`${label(this)}: topicName = "${this.topicName}": ${clash.node.path} already declares this topic on cluster "${this.cluster.clusterName}"; keep one EdgeKafkaTopic per topic`);
    }
    // Disk check, once per cluster (reported by its first topic that declares a rate).
    const storage = this.cluster.brokerStorageSize;
    const topics = all.filter((c): c is EdgeKafkaTopic => c instanceof EdgeKafkaTopic && sameCluster(c)
      && c.expectedWriteRate !== undefined && c.retention !== undefined);
    if (storage && topics[0] === this) {
      const needed = topics.reduce((sum, t) => sum + t.expectedWriteRate!.toBytesPerSecond() * t.retention!.toSeconds() * t.replicas, 0);
      const capacity = Resources.bytes(storage) * this.cluster.brokerCount * DISK_FILL_LIMIT;
      if (needed > capacity) {
        const gib = (b: number) => `${Math.ceil(b / 1073741824)}Gi`;
        errors.push(`${label(this)}: expectedWriteRate × retention × replicas = ${gib(needed)}: the topics of cluster "${this.cluster.clusterName}" (${topics.map((t) => t.topicName).join(', ')}) retain more than ${Math.round(DISK_FILL_LIMIT * 100)}% of its ${this.cluster.brokerCount} × ${Resources.sizeString(storage)} volumes (${gib(capacity)}), so brokers fill their disks during a long outage; raise storageSize to at least ${gib(needed / this.cluster.brokerCount / DISK_FILL_LIMIT)} or shorten the retention`);
      }
    }
    return errors;
  }
}

function resourceName(topicName: string): string {
  if (KubeNames.isDns1123Subdomain(topicName)) return topicName;
  const hash = createHash('sha256').update(topicName).digest('hex').slice(0, 8);
  return `${KubeNames.suggest(topicName.replace(/\./g, '-'), 200)}-${hash}`;
}
