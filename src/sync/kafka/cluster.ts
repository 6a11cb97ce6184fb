import { ApiObject, Chart, Lazy, Size } from 'cdk8s';
import { ContainerResources, Cpu } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { IKafkaCluster } from './cluster-ref';
import { checkInsync, clusterAddresses, derivedMinInsyncReplicas, derivedReplicationFactor, label, TLS_LISTENER_NAME, TLS_LISTENER_PORT } from './rules';
import {
  KafkaNodePoolSpec, KafkaSpec, STRIMZI_API_VERSION, STRIMZI_CLUSTER_LABEL, strimziContainerSecurityContext, toStrimziResources,
} from './strimzi';
import { EdgeKafkaTopic, KafkaTopicOptions } from './topic';
import { EdgeKafkaUser, KafkaUserOptions } from './user';
import { EdgeLabels, edgeError, KafkaAuthentication, KubeNames, NetworkPeer, Resources, SecretKeyReference, Warnings } from '../../core';
import { Shape } from '../../core/validate';


/**
 * Broker config keys Strimzi manages itself: it drops them from `spec.kafka.config` (with only an operator log line),
 * so setting them is always a mistake. Restated from Strimzi 1.2.0 (tag 1.2.0, commit 6c7b43c4,
 * `api/.../kafka/KafkaClusterSpec.java` FORBIDDEN_PREFIXES / FORBIDDEN_PREFIX_EXCEPTIONS / ALLOWED_PER_LISTENER_CONFIGS)
 * and its matching rule (`AbstractConfiguration.filterForbidden`): a key is dropped when its lower-cased form starts
 * with a prefix, unless the key as written is an exception.
 */
const FORBIDDEN_CONFIG_PREFIXES = [
  'listeners', 'advertised.', 'broker.', 'listener.', 'host.name', 'port', 'inter.broker.listener.name', 'sasl.', 'ssl.',
  'security.', 'password.', 'log.dir', 'zookeeper.connect', 'zookeeper.set.acl', 'zookeeper.ssl', 'zookeeper.clientCnxnSocket',
  'authorizer.', 'super.user', 'cruise.control.metrics.topic', 'cruise.control.metrics.reporter.bootstrap.servers',
  // KRaft
  'node.id', 'process.roles', 'controller.', 'metadata.log.dir', 'zookeeper.metadata.migration.enable',
  // Strimzi's quota plugin and metrics reporter, and its cordoning of log dirs
  'client.quota.callback.static.kafka.admin.', 'client.quota.callback.static.produce', 'client.quota.callback.static.fetch',
  'client.quota.callback.static.storage.per.volume.limit.min.available.', 'client.quota.callback.static.excluded.principal.name.list',
  'prometheus.metrics.reporter.', 'cordoned.log.dirs',
].map((p) => p.toLowerCase());
const ALLOWED_CONFIG_EXCEPTIONS = [
  'zookeeper.connection.timeout.ms', 'sasl.server.max.receive.size',
  'ssl.cipher.suites', 'ssl.protocol', 'ssl.enabled.protocols', 'ssl.secure.random.implementation',
  'cruise.control.metrics.topic.num.partitions', 'cruise.control.metrics.topic.replication.factor',
  'cruise.control.metrics.topic.retention.ms', 'cruise.control.metrics.topic.auto.create.retries',
  'cruise.control.metrics.topic.auto.create.timeout.ms', 'cruise.control.metrics.topic.min.insync.replicas',
  // KRaft
  'broker.session.timeout.ms', 'broker.heartbeat.interval.ms', 'controller.socket.timeout.ms',
  'controller.quorum.election.backoff.max.ms', 'controller.quorum.election.timeout.ms', 'controller.quorum.fetch.timeout.ms',
];
/** Per-listener options Strimzi passes through as `listener.name.<name>-<port>.<option>` for each of the cluster's listeners. */
const ALLOWED_PER_LISTENER_CONFIGS = ['connections.max.reauth.ms', 'max.connections', 'max.connection.creation.rate'];

/** An existing Strimzi 1.x cluster (internal TLS listener on 9093, simple authorization, entity operator). */
export interface KafkaClusterAttributes {
  /** The `Kafka` resource's name. */
  readonly clusterName: string;
  /** Its namespace. */
  readonly namespace: string;
  /** Number of brokers. */
  readonly brokerCount: number;
  /**
   * How clients authenticate on the TLS listener on port 9093.
   * @default KafkaAuthentication.SCRAM_SHA_512
   */
  readonly authentication?: KafkaAuthentication;
  /**
   * The brokers' `default.replication.factor`.
   * @default - min(3, brokerCount)
   */
  readonly defaultReplicationFactor?: number;
  /**
   * The brokers' `min.insync.replicas`.
   * @default - 2 with three or more brokers, else 1
   */
  readonly minInsyncReplicas?: number;
  /**
   * Size of each broker's data volume.
   * @default - unknown
   */
  readonly brokerStorageSize?: Size;
}

/** Pods allowed to reach a cluster's client listener (one entry of Strimzi's listener `networkPolicyPeers`). */
export interface KafkaListenerPeer {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels selecting the pods; empty admits every pod of the namespace. */
  readonly podLabels: { [key: string]: string };
}

/** Props of {@link EdgeKafkaCluster}. */
export interface EdgeKafkaClusterProps {
  /**
   * Namespace of the cluster (and of its topics, users and MirrorMaker2: Strimzi's entity operator watches one
   * namespace).
   * @default - the chart's namespace; one of the two is required
   */
  readonly namespace?: string;
  /**
   * Number of KRaft nodes, each both broker and controller (one dual-role `KafkaNodePool`). 1 suits a small site;
   * 3 tolerates the loss of one node.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Size of each node's persistent volume (log segments and KRaft metadata share it).
   * @default Size.gibibytes(20)
   */
  readonly storageSize?: Size;
  /**
   * StorageClass of the volumes.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Delete the PersistentVolumeClaims when the cluster is deleted.
   * @default false
   */
  readonly deleteClaim?: boolean;
  /**
   * How clients authenticate on the internal TLS listener (port 9093).
   * @default KafkaAuthentication.SCRAM_SHA_512
   */
  readonly authentication?: KafkaAuthentication;
  /**
   * Kafka version (must be one the installed Strimzi operator supports).
   * @default - the operator's default version
   */
  readonly kafkaVersion?: string;
  /**
   * KRaft metadata version.
   * @default - the operator's default for the Kafka version
   */
  readonly metadataVersion?: string;
  /**
   * Name of the `KafkaNodePool` (pods are `<cluster>-<pool>-<n>`).
   * @default 'dual-role'
   */
  readonly nodePoolName?: string;
  /**
   * CPU and memory of each Kafka node.
   * @default - requests 250m CPU and 1 GiB, memory limit 2 GiB
   */
  readonly resources?: ContainerResources;
  /**
   * CPU and memory of the Topic and User Operator containers (each).
   * @default - requests 50m CPU and 256 MiB, memory limit 512 MiB
   */
  readonly entityOperatorResources?: ContainerResources;
  /**
   * Extra broker config. Replication settings are derived from `replicas`; values given here override them and are
   * checked the same way. Keys Strimzi manages itself (listeners, security, node ids…) are rejected.
   * @default - derived settings only
   */
  readonly config?: { [key: string]: string };
  /**
   * Pods allowed to reach the client listener (port 9093). Strimzi writes its own NetworkPolicy for the listener from
   * these peers; a listener without peers would be open to every namespace. More peers can be added with
   * {@link EdgeKafkaCluster.allowListenerPeer}; site blueprints add the pods of every flow they declare to the brokers.
   * @default - the cluster's own namespace only (every pod in it); once peers are given or added, only those
   */
  readonly networkPolicyPeers?: KafkaListenerPeer[];
}

/**
 * A KRaft Kafka cluster run by the Strimzi 1.x operator (`kafka.strimzi.io/v1`): a `Kafka` resource plus one dual-role
 * `KafkaNodePool` on persistent volumes, an internal TLS listener with SCRAM-SHA-512 or mutual-TLS authentication,
 * simple (ACL) authorization, and the entity operator so `KafkaTopic`s and `KafkaUser`s are reconciled.
 *
 * Replication settings follow the node count: one node gets replication factor 1; two get 2 with
 * `min.insync.replicas` 1; three or more get 3 and 2, so acks=all producers survive the loss of one broker.
 */
export class EdgeKafkaCluster extends Construct implements IKafkaCluster {
  /** Reference an existing Strimzi cluster to attach topics, users or MirrorMaker2 to. */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: KafkaClusterAttributes): IKafkaCluster {
    return new ImportedKafkaCluster(scope, id, attrs);
  }

  /** The replication factor this module derives from a broker count: min(3, brokers). */
  public static derivedReplicationFactor(brokers: number): number {
    return derivedReplicationFactor(brokers);
  }

  /** The `min.insync.replicas` this module derives for a replication factor: 2 from 3 replicas up, else 1. */
  public static derivedMinInsyncReplicas(replicationFactor: number): number {
    return derivedMinInsyncReplicas(replicationFactor);
  }

  public readonly clusterName: string;
  public readonly namespace: string;
  public readonly brokerCount: number;
  public readonly authentication: KafkaAuthentication;
  public readonly bootstrapServers: string;
  public readonly caCertificate: SecretKeyReference;
  public readonly networkPeer: NetworkPeer;
  public readonly defaultReplicationFactor: number;
  public readonly minInsyncReplicas: number;
  public readonly brokerStorageSize?: Size;
  /** Name of the dual-role `KafkaNodePool`. */
  public readonly nodePoolName: string;
  /** The `Kafka` resource (escape hatch). */
  public readonly apiObject: ApiObject;
  /** The `KafkaNodePool` resource (escape hatch). */
  public readonly nodePool: ApiObject;
  private readonly listenerPeers: KafkaListenerPeer[] = [];
  private readonly listenerPeerSources: Array<() => KafkaListenerPeer[]> = [];

  constructor(scope: Construct, id: string, props: EdgeKafkaClusterProps = {}) {
    super(scope, id);
    Shape.check(this, props);
    this.clusterName = id;
    // `<cluster>-kafka-bootstrap` and `<cluster>-cluster-ca-cert` must stay within 63 characters.
    KubeNames.assertDns1123Label(this, 'clusterName (construct id)', id, 47);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (!namespace) {
      throw edgeError(this, {
        prop: 'namespace',
        value: 'undefined',
        rule: 'the namespace is part of the bootstrap address clients use, and Strimzi\'s entity operator watches only the cluster\'s namespace',
        fix: 'pass namespace or give the chart a namespace',
      });
    }
    KubeNames.assertDns1123Label(this, 'namespace', namespace);
    this.namespace = namespace;

    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw edgeError(this, { prop: 'replicas', value: replicas, rule: 'must be a whole number of KRaft nodes, at least 1', fix: 'use 1 for a small site or 3 to tolerate one node loss' });
    }
    if (replicas % 2 === 0) {
      Warnings.addFormatted(this, {
        prop: 'replicas',
        value: replicas,
        rule: `the nodes are also the KRaft controllers; a quorum of ${replicas} survives no more failures than one of ${replicas - 1}`,
        fix: `use ${replicas + 1} (or ${replicas - 1}) nodes`,
      });
    }
    this.brokerCount = replicas;

    this.nodePoolName = props.nodePoolName ?? 'dual-role';
    KubeNames.assertDns1123Label(this, 'nodePoolName', this.nodePoolName);
    const podName = `${id}-${this.nodePoolName}-${replicas - 1}`;
    if (podName.length > 63) {
      throw edgeError(this, { prop: 'clusterName-nodePoolName', value: podName, rule: 'pod names <cluster>-<pool>-<n> must fit in 63 characters', fix: 'use a shorter construct id or nodePoolName' });
    }

    const storageSize = props.storageSize ?? Size.gibibytes(20);
    if (Resources.bytes(storageSize) < Resources.bytes(Size.gibibytes(1))) {
      throw edgeError(this, { prop: 'storageSize', value: Resources.sizeString(storageSize), rule: 'each node needs at least 1Gi for log segments and KRaft metadata', fix: 'size the volume for the outage budget of your topics (e.g. Size.gibibytes(20))' });
    }
    this.brokerStorageSize = storageSize;
    if (props.storageClassName !== undefined) KubeNames.assertDns1123Subdomain(this, 'storageClassName', props.storageClassName);

    this.authentication = props.authentication ?? KafkaAuthentication.SCRAM_SHA_512;
    for (const [i, p] of (props.networkPolicyPeers ?? []).entries()) this.addPeer(p, `networkPolicyPeers[${i}]`);
    const config = this.buildConfig(replicas, props.config ?? {});
    this.defaultReplicationFactor = Number(config['default.replication.factor']);
    this.minInsyncReplicas = Number(config['min.insync.replicas']);

    const addr = clusterAddresses(id, namespace);
    this.bootstrapServers = addr.bootstrapServers;
    this.caCertificate = addr.caCertificate;
    this.networkPeer = addr.networkPeer;

    const labels = EdgeLabels.standard({ name: 'kafka', instance: id, component: 'event-broker', version: props.kafkaVersion });
    const eoResources = toStrimziResources(Resources.toKube({
      cpu: { request: Cpu.millis(50) },
      memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
    }, props.entityOperatorResources));
    const spec: KafkaSpec = {
      kafka: {
        ...(props.kafkaVersion ? { version: props.kafkaVersion } : {}),
        ...(props.metadataVersion ? { metadataVersion: props.metadataVersion } : {}),
        listeners: [{
          name: TLS_LISTENER_NAME,
          port: TLS_LISTENER_PORT,
          type: 'internal',
          tls: true,
          authentication: { type: this.authentication },
          networkPolicyPeers: Lazy.any({ produce: () => this.networkPolicyPeers() }),
        }],
        authorization: { type: 'simple' },
        config,
      },
      entityOperator: {
        topicOperator: { resources: eoResources },
        userOperator: { resources: eoResources },
        template: {
          topicOperatorContainer: { securityContext: strimziContainerSecurityContext() },
          userOperatorContainer: { securityContext: strimziContainerSecurityContext() },
        },
      },
    };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'Kafka',
      metadata: { name: id, namespace, labels },
      spec,
    } as any);

    const poolSpec: KafkaNodePoolSpec = {
      replicas,
      roles: ['controller', 'broker'],
      storage: {
        type: 'jbod',
        volumes: [{
          id: 0,
          type: 'persistent-claim',
          size: Resources.sizeString(storageSize),
          ...(props.storageClassName ? { class: props.storageClassName } : {}),
          deleteClaim: props.deleteClaim ?? false,
          kraftMetadata: 'shared',
        }],
      },
      resources: toStrimziResources(Resources.toKube({
        cpu: { request: Cpu.millis(250) },
        memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) },
      }, props.resources)),
      template: { kafkaContainer: { securityContext: strimziContainerSecurityContext() } },
    };
    this.nodePool = new ApiObject(this, 'NodePool', {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'KafkaNodePool',
      metadata: { name: this.nodePoolName, namespace, labels: { ...labels, [STRIMZI_CLUSTER_LABEL]: id } },
      spec: poolSpec,
    } as any);

    this.node.addValidation({ validate: () => this.validateUniqueNames() });
  }

  /** Add a topic to this cluster (construct id = default topic name). */
  public addTopic(id: string, options: KafkaTopicOptions = {}): EdgeKafkaTopic {
    return new EdgeKafkaTopic(this, id, { ...options, cluster: this });
  }

  /** Add a user to this cluster (construct id = default user name); give it ACLs with its methods or `acls`. */
  public addUser(id: string, options: KafkaUserOptions = {}): EdgeKafkaUser {
    return new EdgeKafkaUser(this, id, { ...options, cluster: this });
  }

  /** Admit `peer`'s pods at the client listener (Strimzi's NetworkPolicy); replaces the own-namespace default. */
  public allowListenerPeer(peer: KafkaListenerPeer): void {
    this.addPeer(peer, 'peer.namespace');
  }

  /**
   * Peers computed at synth (a site's flows to the brokers, declared after the cluster).
   * @internal
   */
  public _addListenerPeerSource(source: () => KafkaListenerPeer[]): void {
    this.listenerPeerSources.push(source);
  }

  private addPeer(peer: KafkaListenerPeer, prop: string): void {
    KubeNames.assertDns1123Label(this, prop.endsWith('.namespace') ? prop : `${prop}.namespace`, peer.namespace);
    this.listenerPeers.push(peer);
  }

  private networkPolicyPeers(): any[] {
    const peers = [...this.listenerPeers, ...this.listenerPeerSources.flatMap((f) => f())];
    if (peers.length === 0) peers.push({ namespace: this.namespace, podLabels: {} });
    const seen = new Set<string>();
    const out: any[] = [];
    for (const p of peers) {
      const entry = {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } },
        ...(Object.keys(p.podLabels).length > 0 ? { podSelector: { matchLabels: { ...p.podLabels } } } : {}),
      };
      const key = JSON.stringify(entry);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(entry);
      }
    }
    return out;
  }

  private buildConfig(brokers: number, user: { [key: string]: string }): { [key: string]: string | number | boolean } {
    for (const key of Object.keys(user)) {
      const forbidden = FORBIDDEN_CONFIG_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
      const perListener = ALLOWED_PER_LISTENER_CONFIGS.map((o) => `listener.name.${TLS_LISTENER_NAME}-${TLS_LISTENER_PORT}.${o}`);
      if (forbidden && !ALLOWED_CONFIG_EXCEPTIONS.includes(key) && !perListener.includes(key)) {
        throw edgeError(this, {
          prop: `config["${key}"]`,
          value: user[key],
          rule: `Strimzi manages options starting with "${forbidden}" itself and ignores them in spec.kafka.config`,
          fix: 'remove it; listeners, authentication and node ids are set by this construct\'s props',
        });
      }
    }
    const rf = derivedReplicationFactor(brokers);
    const derived = { defaultReplicationFactor: rf, minInsyncReplicas: derivedMinInsyncReplicas(rf) };
    const config: { [key: string]: string | number | boolean } = {
      'default.replication.factor': derived.defaultReplicationFactor,
      'min.insync.replicas': derived.minInsyncReplicas,
      'offsets.topic.replication.factor': derived.defaultReplicationFactor,
      'transaction.state.log.replication.factor': derived.defaultReplicationFactor,
      'transaction.state.log.min.isr': derived.minInsyncReplicas,
      // Topics are declared as KafkaTopic resources; a typo in a producer must not create a stray topic.
      'auto.create.topics.enable': false,
    };
    for (const [k, v] of Object.entries(user)) config[k] = v;

    const int = (key: string): number => {
      const n = Number(config[key]);
      if (!Number.isInteger(n) || n < 1) {
        throw edgeError(this, { prop: `config["${key}"]`, value: config[key], rule: 'must be a whole number of at least 1', fix: 'remove the override to use the value derived from replicas' });
      }
      return n;
    };
    const pairs: Array<[string, string]> = [
      ['default.replication.factor', 'min.insync.replicas'],
      ['transaction.state.log.replication.factor', 'transaction.state.log.min.isr'],
    ];
    for (const rfKey of ['default.replication.factor', 'offsets.topic.replication.factor', 'transaction.state.log.replication.factor']) {
      const factor = int(rfKey);
      if (factor > brokers) {
        throw edgeError(this, {
          prop: `config["${rfKey}"]`,
          value: factor,
          rule: `a replication factor above the broker count (${brokers}) cannot be placed, so topic creation fails`,
          fix: `use at most ${brokers}, or add brokers with replicas`,
        });
      }
    }
    for (const [rfKey, isrKey] of pairs) {
      checkInsync(this, `config["${isrKey}"]`, int(isrKey), int(rfKey), `config["${rfKey}"]`);
    }
    return config;
  }

  private validateUniqueNames(): string[] {
    const others = this.node.root.node.findAll()
      .filter((c): c is EdgeKafkaCluster => c instanceof EdgeKafkaCluster && c !== this && c.namespace === this.namespace);
    const errors: string[] = [];
    const before = (c: EdgeKafkaCluster) => this.node.root.node.findAll().indexOf(c) < this.node.root.node.findAll().indexOf(this);
    for (const o of others.filter(before)) {
      if (o.clusterName === this.clusterName) {
        errors.push(`${label(this)}: clusterName = "${this.clusterName}": another cluster in namespace "${this.namespace}" (${o.node.path}) has the same name; use a different construct id`);
      } else if (o.nodePoolName === this.nodePoolName) {
        errors.push(`${label(this)}: nodePoolName = "${this.nodePoolName}": cluster ${o.node.path} in namespace "${this.namespace}" already has a KafkaNodePool of that name; pass a different nodePoolName`);
      }
    }
    return errors;
  }
}

class ImportedKafkaCluster extends Construct implements IKafkaCluster {
  public readonly clusterName: string;
  public readonly namespace: string;
  public readonly brokerCount: number;
  public readonly authentication: KafkaAuthentication;
  public readonly bootstrapServers: string;
  public readonly caCertificate: SecretKeyReference;
  public readonly networkPeer: NetworkPeer;
  public readonly defaultReplicationFactor: number;
  public readonly minInsyncReplicas: number;
  public readonly brokerStorageSize?: Size;

  constructor(scope: Construct, id: string, attrs: KafkaClusterAttributes) {
    super(scope, id);
    Shape.check(this, attrs);
    KubeNames.assertDns1123Label(this, 'clusterName', attrs.clusterName, 47);
    KubeNames.assertDns1123Label(this, 'namespace', attrs.namespace);
    if (!Number.isInteger(attrs.brokerCount) || attrs.brokerCount < 1) {
      throw edgeError(this, { prop: 'brokerCount', value: attrs.brokerCount, rule: 'must be a whole number of at least 1', fix: 'pass the number of brokers of the existing cluster' });
    }
    this.clusterName = attrs.clusterName;
    this.namespace = attrs.namespace;
    this.brokerCount = attrs.brokerCount;
    this.authentication = attrs.authentication ?? KafkaAuthentication.SCRAM_SHA_512;
    this.defaultReplicationFactor = attrs.defaultReplicationFactor ?? derivedReplicationFactor(attrs.brokerCount);
    this.minInsyncReplicas = attrs.minInsyncReplicas ?? derivedMinInsyncReplicas(this.defaultReplicationFactor);
    if (this.defaultReplicationFactor > this.brokerCount) {
      throw edgeError(this, { prop: 'defaultReplicationFactor', value: this.defaultReplicationFactor, rule: `above brokerCount (${this.brokerCount})`, fix: 'pass the values the existing cluster really uses' });
    }
    checkInsync(this, 'minInsyncReplicas', this.minInsyncReplicas, this.defaultReplicationFactor, 'defaultReplicationFactor');
    this.brokerStorageSize = attrs.brokerStorageSize;
    const addr = clusterAddresses(attrs.clusterName, attrs.namespace);
    this.bootstrapServers = addr.bootstrapServers;
    this.caCertificate = addr.caCertificate;
    this.networkPeer = addr.networkPeer;
  }
}
