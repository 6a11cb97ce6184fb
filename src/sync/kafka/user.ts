import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { IKafkaCluster } from './cluster-ref';
import { allConstructs, label } from './rules';
import { KafkaUserAcl, KafkaUserSpec, STRIMZI_API_VERSION, STRIMZI_CLUSTER_LABEL } from './strimzi';
import { Bandwidth, BandwidthFormat, EdgeLabels, edgeError, IEventTopic, KafkaAuthentication, KafkaCredentials, KubeNames } from '../../core';
import { Shape } from '../../core/validate';

/** Kafka resource types an ACL rule can name. */
export enum KafkaAclResourceType {
  /** A topic. */
  TOPIC = 'topic',
  /** A consumer group. */
  GROUP = 'group',
  /** The cluster itself. */
  CLUSTER = 'cluster',
  /** A transactional id. */
  TRANSACTIONAL_ID = 'transactionalId',
}

/** How an ACL rule's resource name matches. */
export enum KafkaAclPatternType {
  /** The exact name. */
  LITERAL = 'literal',
  /** Every name starting with the given string. */
  PREFIX = 'prefix',
}

/** Kafka ACL operations (Strimzi `KafkaUser` v1 `operations`). */
export enum KafkaAclOperation {
  /** Consume (topics), join (groups). */
  READ = 'Read',
  /** Produce. */
  WRITE = 'Write',
  /** Create topics. */
  CREATE = 'Create',
  /** Delete topics, records, groups. */
  DELETE = 'Delete',
  /** Add partitions. */
  ALTER = 'Alter',
  /** Metadata, offsets. Implied by Read, Write, Delete and Alter. */
  DESCRIBE = 'Describe',
  /** Inter-broker actions. */
  CLUSTER_ACTION = 'ClusterAction',
  /** Change configs. */
  ALTER_CONFIGS = 'AlterConfigs',
  /** Read configs. */
  DESCRIBE_CONFIGS = 'DescribeConfigs',
  /** Idempotent produce (implied by Write on a topic since Kafka 3.0). */
  IDEMPOTENT_WRITE = 'IdempotentWrite',
  /** Every operation. */
  ALL = 'All',
}

/** Whether an ACL rule allows or denies. */
export enum KafkaAclPermission {
  /** Allow the operations. */
  ALLOW = 'allow',
  /** Deny the operations (deny wins over allow). */
  DENY = 'deny',
}

/** One ACL rule of a {@link EdgeKafkaUser}. */
export interface KafkaAclRule {
  /** The kind of resource. */
  readonly resourceType: KafkaAclResourceType;
  /**
   * The resource's name (or prefix). Required for everything but `CLUSTER`.
   * @default - none (cluster rules)
   */
  readonly resourceName?: string;
  /**
   * How `resourceName` matches.
   * @default KafkaAclPatternType.LITERAL
   */
  readonly patternType?: KafkaAclPatternType;
  /** The operations. */
  readonly operations: KafkaAclOperation[];
  /**
   * Allow or deny.
   * @default KafkaAclPermission.ALLOW
   */
  readonly permission?: KafkaAclPermission;
  /**
   * Client host the rule applies to.
   * @default - any host
   */
  readonly host?: string;
}

/** Options of a {@link EdgeKafkaUser} created with `EdgeKafkaCluster.addUser`. */
export interface KafkaUserOptions {
  /**
   * The user name: the `KafkaUser` name, the SCRAM user name or certificate CN, and the name of the Secret the User
   * Operator writes the password or certificate into.
   * @default - the construct id
   */
  readonly username?: string;
  /**
   * How the user authenticates; must match the cluster's listener.
   * @default - the cluster's authentication
   */
  readonly authentication?: KafkaAuthentication;
  /**
   * ACL rules (more can be added with `addAcl`, `allowProduce`, `allowConsume`).
   * @default - none yet; at least one is required by synth
   */
  readonly acls?: KafkaAclRule[];
  /**
   * Produce quota per broker (Kafka `producer_byte_rate`, whole bytes per second rounded down; at least 1 byte/s).
   * @default - unlimited
   */
  readonly producerByteRate?: Bandwidth;
  /**
   * Fetch quota per broker (Kafka `consumer_byte_rate`, whole bytes per second rounded down; at least 1 byte/s).
   * @default - unlimited
   */
  readonly consumerByteRate?: Bandwidth;
}

/** Props of {@link EdgeKafkaUser}. */
export interface EdgeKafkaUserProps extends KafkaUserOptions {
  /** The cluster the user belongs to (the user is created in its namespace). */
  readonly cluster: IKafkaCluster;
}

/** Keys of the Secret the Strimzi User Operator writes for a `KafkaUser` (named after the user). */
export class KafkaUserSecretKeys {
  /** SCRAM-SHA-512 password. */
  public static readonly PASSWORD = KafkaCredentials.PASSWORD_KEY;
  /** Ready-made JAAS line for Java clients (SCRAM). */
  public static readonly SASL_JAAS_CONFIG = 'sasl.jaas.config';
  /** Client certificate, PEM (mutual TLS). */
  public static readonly USER_CRT = KafkaCredentials.CERTIFICATE_KEY;
  /** Client private key, PEM (mutual TLS). */
  public static readonly USER_KEY = KafkaCredentials.PRIVATE_KEY_KEY;
  /** The clients CA certificate, PEM (mutual TLS). */
  public static readonly CA_CRT = 'ca.crt';

  private constructor() {}
}

const VALID_OPERATIONS: { [type: string]: KafkaAclOperation[] } = {
  [KafkaAclResourceType.TOPIC]: [KafkaAclOperation.READ, KafkaAclOperation.WRITE, KafkaAclOperation.CREATE, KafkaAclOperation.DELETE,
    KafkaAclOperation.ALTER, KafkaAclOperation.DESCRIBE, KafkaAclOperation.ALTER_CONFIGS, KafkaAclOperation.DESCRIBE_CONFIGS, KafkaAclOperation.ALL],
  [KafkaAclResourceType.GROUP]: [KafkaAclOperation.READ, KafkaAclOperation.DESCRIBE, KafkaAclOperation.DELETE, KafkaAclOperation.ALL],
  [KafkaAclResourceType.CLUSTER]: [KafkaAclOperation.CREATE, KafkaAclOperation.CLUSTER_ACTION, KafkaAclOperation.DESCRIBE_CONFIGS,
    KafkaAclOperation.ALTER_CONFIGS, KafkaAclOperation.IDEMPOTENT_WRITE, KafkaAclOperation.ALTER, KafkaAclOperation.DESCRIBE, KafkaAclOperation.ALL],
  [KafkaAclResourceType.TRANSACTIONAL_ID]: [KafkaAclOperation.DESCRIBE, KafkaAclOperation.WRITE, KafkaAclOperation.ALL],
};

/**
 * A Strimzi `KafkaUser` (v1) with simple-authorization ACLs. The User Operator creates the SCRAM password or client
 * certificate in a Secret named after the user, in the cluster's namespace: {@link EdgeKafkaUser.credentials} points
 * at it, for producers such as MinIO or Ceph bucket notifications.
 */
export class EdgeKafkaUser extends Construct {
  /** The user name (also the Secret name). */
  public readonly username: string;
  /** The cluster. */
  public readonly cluster: IKafkaCluster;
  /** How the user authenticates. */
  public readonly authentication: KafkaAuthentication;
  /**
   * What a client needs to log in as this user: the Secret the User Operator writes (pass it to MinIO notifications,
   * Telegraf, … instead of re-typing the name; `copiedTo` for a copy in another namespace).
   */
  public readonly credentials: KafkaCredentials;
  /** The `KafkaUser` resource (escape hatch). */
  public readonly apiObject: ApiObject;
  private readonly acls: KafkaAclRule[] = [];

  constructor(scope: Construct, id: string, props: EdgeKafkaUserProps) {
    super(scope, id);
    Shape.check(this, props);
    this.cluster = props.cluster;
    this.username = props.username ?? id;
    this.authentication = props.authentication ?? props.cluster.authentication;
    // The name becomes a Secret name and, for mutual TLS, the certificate CN (at most 64 characters).
    KubeNames.assertDns1123Subdomain(this, 'username', this.username);
    if (this.authentication === KafkaAuthentication.TLS && this.username.length > 64) {
      throw edgeError(this, { prop: 'username', value: this.username, rule: 'mutual-TLS user names become the certificate CN, which is limited to 64 characters', fix: 'use a shorter username' });
    }
    if (this.authentication !== props.cluster.authentication) {
      throw edgeError(this, {
        prop: 'authentication',
        value: this.authentication,
        rule: `cluster "${props.cluster.clusterName}" authenticates clients with ${props.cluster.authentication} on its TLS listener, so this user could never log in`,
        fix: `omit authentication (or use ${props.cluster.authentication})`,
      });
    }
    this.credentials = KafkaCredentials.fromKafkaUser(this.username, { namespace: props.cluster.namespace, authentication: this.authentication });
    for (const rule of props.acls ?? []) this.addAcl(rule);

    const rate = (prop: string, given?: Bandwidth): number | undefined => {
      const quota = BandwidthFormat.check(this, prop, given, {
        bytesPerSecond: 1, rule: 'must be at least 1 byte/s (Kafka quotas are whole bytes per second)', fix: 'use e.g. Bandwidth.mebibytesPerSecond(1), or omit it for no quota',
      });
      return quota === undefined ? undefined : BandwidthFormat.wholeBytesPerSecond(quota);
    };
    const producerByteRate = rate('producerByteRate', props.producerByteRate);
    const consumerByteRate = rate('consumerByteRate', props.consumerByteRate);

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'KafkaUser',
      metadata: {
        name: this.username,
        namespace: props.cluster.namespace,
        labels: { ...EdgeLabels.standard({ name: 'kafka-user', instance: this.username, component: 'event-client' }), [STRIMZI_CLUSTER_LABEL]: props.cluster.clusterName },
      },
      // Rendered at synth so rules added after construction are included.
      spec: Lazy.any({
        produce: (): KafkaUserSpec => ({
          authentication: { type: this.authentication },
          authorization: { type: 'simple', acls: this.acls.map((r) => renderAcl(r)) },
          ...(producerByteRate !== undefined || consumerByteRate !== undefined ? {
            quotas: {
              ...(producerByteRate !== undefined ? { producerByteRate } : {}),
              ...(consumerByteRate !== undefined ? { consumerByteRate } : {}),
            },
          } : {}),
        }),
      }),
    } as any);
    this.node.addValidation({ validate: () => this.validateTree() });
  }

  /** Add an ACL rule. */
  public addAcl(rule: KafkaAclRule): void {
    const name = rule.resourceName;
    if (rule.resourceType === KafkaAclResourceType.CLUSTER) {
      if (name !== undefined) {
        throw edgeError(this, { prop: 'acl.resourceName', value: name, rule: 'cluster rules name no resource', fix: 'omit resourceName for resourceType CLUSTER' });
      }
    } else if (name === undefined || name.length === 0) {
      throw edgeError(this, { prop: 'acl.resourceName', value: name ?? '', rule: `a ${rule.resourceType} rule must name its resource`, fix: 'pass resourceName (with patternType PREFIX for a prefix)' });
    }
    if (rule.operations.length === 0) {
      throw edgeError(this, { prop: 'acl.operations', value: [], rule: 'an ACL rule needs at least one operation', fix: 'list the operations to allow' });
    }
    const invalid = rule.operations.filter((op) => !VALID_OPERATIONS[rule.resourceType].includes(op));
    if (invalid.length > 0) {
      throw edgeError(this, {
        prop: 'acl.operations',
        value: invalid,
        rule: `Kafka does not apply ${invalid.join(', ')} to ${rule.resourceType} resources`,
        fix: `use some of ${VALID_OPERATIONS[rule.resourceType].join(', ')}`,
      });
    }
    this.acls.push(rule);
  }

  /** Allow producing to `topic` (Write and Describe on that topic only). The topic must live on this user's cluster. */
  public allowProduce(topic: IEventTopic): void {
    this.assertSameCluster(topic);
    const operations = [KafkaAclOperation.WRITE, KafkaAclOperation.DESCRIBE];
    this.addAcl({ resourceType: KafkaAclResourceType.TOPIC, resourceName: topic.topicName, operations });
  }

  /** Allow consuming `topic` in consumer group `group` (Read and Describe on the topic, Read on the group). */
  public allowConsume(topic: IEventTopic, group: string): void {
    this.assertSameCluster(topic);
    if (group.length === 0) {
      throw edgeError(this, { prop: 'group', value: group, rule: 'a consumer needs a consumer group name', fix: 'pass the group id the consumer uses' });
    }
    const operations = [KafkaAclOperation.READ, KafkaAclOperation.DESCRIBE];
    this.addAcl({ resourceType: KafkaAclResourceType.TOPIC, resourceName: topic.topicName, operations });
    this.addAcl({ resourceType: KafkaAclResourceType.GROUP, resourceName: group, operations: [KafkaAclOperation.READ] });
  }

  /** The ACL rules so far. */
  public get aclRules(): KafkaAclRule[] {
    return [...this.acls];
  }

  private assertSameCluster(topic: IEventTopic): void {
    if (topic.bootstrapServers !== this.cluster.bootstrapServers) {
      throw edgeError(this, {
        prop: 'topic',
        value: topic.topicName,
        rule: `the topic lives on ${topic.bootstrapServers}, but this user belongs to ${this.cluster.bootstrapServers}`,
        fix: 'create the user on the topic\'s cluster',
      });
    }
  }

  private validateTree(): string[] {
    const errors: string[] = [];
    if (this.acls.length === 0) {
      errors.push(`${label(this)}: acls = []: with simple authorization a user without ACL rules can do nothing; call allowProduce()/allowConsume()/addAcl() or remove the user`);
    }
    const all = allConstructs(this);
    const clash = all.find((c) => c instanceof EdgeKafkaUser && c !== this && c.cluster.namespace === this.cluster.namespace
      && c.username === this.username && all.indexOf(c) < all.indexOf(this));
    if (clash) {
      errors.push(`${label(this)}: username = "${this.username}": ${clash.node.path} already defines a KafkaUser of that name in namespace "${this.cluster.namespace}"; give one of them another username (or one user with both ACLs)`);
    }
    return errors;
  }
}

function renderAcl(r: KafkaAclRule): KafkaUserAcl {
  return {
    type: r.permission ?? KafkaAclPermission.ALLOW,
    resource: {
      type: r.resourceType,
      ...(r.resourceName !== undefined ? { name: r.resourceName, patternType: r.patternType ?? KafkaAclPatternType.LITERAL } : {}),
    },
    operations: [...r.operations],
    ...(r.host !== undefined ? { host: r.host } : {}),
  };
}
