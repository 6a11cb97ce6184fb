import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct } from 'constructs';
import type { MinioCluster } from './cluster';
import { checkClusterProp, replicationRuleId } from './internal';
import { LifecycleRule, MinioLifecycle } from './lifecycle';
import { MC_EVENT_NAMES } from './provisioning';
import { Bandwidth, BandwidthFormat, edgeError, IEventTopic, IObjectStore, KafkaCredentials, KafkaSecretCopies, ObjectEvent, RequiredSecrets, SecretKeyReference, SecretReaders, ValidationMessageOptions, Warnings } from '../../core';
import { kafkaCredentialsRead } from '../../core/kafka-secrets';
import { EnumSubset, KeyNames, S3Rules, Shape } from '../../core/validate';

/** Object-lock retention mode. */
export enum ObjectLockMode {
  /** Users with `s3:BypassGovernanceRetention` may still delete or shorten retention. */
  GOVERNANCE = 'GOVERNANCE',
  /** Nobody, not even root, can delete a locked version before its retention ends. */
  COMPLIANCE = 'COMPLIANCE',
}

/** Default retention applied to new objects of an object-locked bucket. */
export interface BucketRetention {
  /** Lock mode. */
  readonly mode: ObjectLockMode;
  /** Retention period (whole days, at least 1). */
  readonly period: Duration;
}

/** Anonymous (unauthenticated) access to a bucket (`mc anonymous set`). */
export enum BucketAnonymousAccess {
  /** Private: only authenticated users. */
  NONE = 'none',
  /** Anyone may read objects. */
  DOWNLOAD = 'download',
  /** Anyone may write objects. */
  UPLOAD = 'upload',
  /** Anyone may read and write objects. */
  PUBLIC = 'public',
}

/** Default server-side encryption of a bucket (needs KES on the cluster). */
export enum BucketEncryption {
  /** SSE-S3: objects encrypted with keys derived from the cluster's default KES key. */
  SSE_S3 = 'sse-s3',
  /** SSE-KMS: objects encrypted with a named KES key. */
  SSE_KMS = 'sse-kms',
}

/** Publish bucket events to a Kafka topic. */
export interface BucketNotification {
  /** The topic (e.g. a Strimzi KafkaTopic from the sync module, or any object implementing IEventTopic). */
  readonly topic: IEventTopic;
  /**
   * How MinIO authenticates to the brokers, e.g. the `credentials` of an `EdgeKafkaUser` or what
   * `EdgeKafkaTopic.grantProduce` returns.
   * @default - no authentication
   */
  readonly credentials?: KafkaCredentials;
  /**
   * Events to publish. MinIO subscribes by event family: `OBJECT_CREATED` (PUT, POST, COPY, multipart complete),
   * `OBJECT_REMOVED` (DELETE, delete marker created), `OBJECT_ACCESSED` (GET, HEAD), `REPLICATION` and `LIFECYCLE`
   * (ILM transitions and expiries); other members are refused.
   * @default [ObjectEvent.OBJECT_CREATED, ObjectEvent.OBJECT_REMOVED]
   */
  readonly events?: ObjectEvent[];
  /**
   * Only objects whose key starts with this.
   * @default - all keys
   */
  readonly prefix?: string;
  /**
   * Only objects whose key ends with this, e.g. `.mp4`.
   * @default - all keys
   */
  readonly suffix?: string;
  /**
   * ID of the MinIO Kafka target (upper-case letters and digits); notifications to the same topic with the same
   * credentials share one target.
   * @default - derived from the topic name
   */
  readonly targetId?: string;
  /**
   * Copies of the topic's CA Secret and of the credentials' Secret in the MinIO namespace, mounted instead of the
   * originals. Strimzi writes them in the Kafka namespace only; a MinIO in another namespace is rejected at synth
   * without copies. The operator creates the copies and keeps them in sync.
   * @default - the originals are mounted (they must be in the MinIO namespace)
   */
  readonly secretCopies?: KafkaSecretCopies;
}

/** Server-side replication of a bucket to a bucket on another S3 endpoint (`mc replicate add`). */
export interface BucketReplication {
  /** The remote store. Its credentials (by Secret reference) must be allowed to write to `bucket`. */
  readonly target: IObjectStore;
  /** The remote bucket; it must exist and have versioning enabled. */
  readonly bucket: string;
  /**
   * Replication rule ID.
   * @default `to-<bucket>`
   */
  readonly id?: string;
  /**
   * Rule priority (unique per bucket).
   * @default - position in the bucket's replication list, starting at 1
   */
  readonly priority?: number;
  /**
   * Replicate deletes and delete markers too. Off by default: an edge site's lifecycle expiry would otherwise hide
   * objects in the archive.
   * @default false
   */
  readonly replicateDeletes?: boolean;
  /**
   * Also copy objects that existed before the rule.
   * @default true
   */
  readonly replicateExistingObjects?: boolean;
  /**
   * Replicate synchronously (a write waits for the remote copy).
   * @default false
   */
  readonly synchronous?: boolean;
  /**
   * Bandwidth limit for this target, rendered as whole bytes per second for `mc replicate --bandwidth`. MinIO refuses
   * limits below 100 MB/s (`Bandwidth.megabytesPerSecond(100)` = `Bandwidth.mbps(800)`) for a remote target, so this
   * cannot throttle a slow WAN link: use `ObjectReplication`'s `bandwidthLimit` (rclone) or traffic shaping for that.
   * @default - unlimited
   */
  readonly bandwidthLimit?: Bandwidth;
  /**
   * Storage class of the copies on the target.
   * @default - the target's default
   */
  readonly storageClass?: string;
}

/** Options of {@link MinioCluster.addBucket}. */
export interface MinioBucketOptions {
  /**
   * Bucket name (S3 rules: 3–63 characters: lower case, digits, '.', '-'; starts and ends with a letter or digit; not an
   * IP address; no reserved prefix or suffix).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Keep object versions.
   * @default - true when objectLock or replication is set, otherwise false (an unversioned bucket is left as is)
   */
  readonly versioning?: boolean;
  /**
   * Create the bucket with object lock (WORM). Object lock can only be chosen when the bucket is created.
   * @default false
   */
  readonly objectLock?: boolean;
  /**
   * Default retention of new objects (requires objectLock).
   * @default - none
   */
  readonly retention?: BucketRetention;
  /**
   * Hard quota: writes fail once the bucket holds this much.
   * @default - no quota
   */
  readonly quota?: Size;
  /**
   * Anonymous access.
   * @default BucketAnonymousAccess.NONE
   */
  readonly anonymousAccess?: BucketAnonymousAccess;
  /**
   * A Secret key holding a token (letters, digits and `._~-`, e.g. `openssl rand -hex 32`): anonymous object reads
   * (GET/HEAD) are allowed only when the request's `Referer` header is this token — for a cache that cannot sign S3
   * requests (nginx; NginxCacheOptions.originToken). Every other anonymous request is refused. The token is a shared
   * secret sent in clear over plain HTTP: keep the store's NetworkPolicy limited to its consumers.
   * Cannot be combined with anonymousAccess.
   * @default - none
   */
  readonly readToken?: SecretKeyReference;
  /**
   * Default server-side encryption (requires `kes` on the cluster).
   * @default - none
   */
  readonly encryption?: BucketEncryption;
  /**
   * KES key for SSE-KMS.
   * @default - the cluster's default KES key
   */
  readonly encryptionKey?: string;
  /**
   * Lifecycle rules; the bucket's ILM configuration is replaced by exactly these on every provisioning run.
   * @default - the bucket's lifecycle is left untouched
   */
  readonly lifecycle?: LifecycleRule[];
  /**
   * Kafka notifications.
   * @default - none
   */
  readonly notifications?: BucketNotification[];
  /**
   * Replication to remote buckets.
   * @default - none
   */
  readonly replication?: BucketReplication[];
}

/** Props of {@link MinioBucket}. */
export interface MinioBucketProps extends MinioBucketOptions {
  /** The cluster whose provisioning Job creates and configures the bucket. */
  readonly cluster: MinioCluster;
}

/**
 * A bucket of a {@link MinioCluster}, created and configured by the cluster's provisioning Job:
 * `cluster.addBucket(id, options)` or `new MinioBucket(scope, id, { cluster, ...options })`.
 */
export class MinioBucket extends Construct {
  /** The least bandwidth limit MinIO accepts for a remote target, in bytes per second (100 MB/s). */
  public static readonly MIN_REPLICATION_BANDWIDTH_BYTES = 100_000_000;

  /** Whole bytes per second (rounded down) for a replication limit: what `mc replicate --bandwidth` takes. */
  public static replicationBandwidthBytes(limit: Bandwidth): number {
    return BandwidthFormat.wholeBytesPerSecond(limit);
  }

  /** True when `name` is a valid S3 bucket name (the library's one bucket-name rule). */
  public static isValidName(name: string): boolean {
    return S3Rules.bucketProblem(name) === undefined;
  }

  /** The bucket name. */
  public readonly bucketName: string;
  /** Whether the bucket is versioned (explicitly, or implied by object lock or replication). */
  public readonly versioned: boolean;
  /** Whether the bucket is created with object lock. */
  public readonly objectLock: boolean;
  /** Default retention, if any. */
  public readonly retention?: BucketRetention;
  /** Hard quota, if any. */
  public readonly quota?: Size;
  /** Anonymous access. */
  public readonly anonymousAccess: BucketAnonymousAccess;
  /** The read token, if anonymous reads need one. */
  public readonly readToken?: SecretKeyReference;
  /** Default encryption, if any. */
  public readonly encryption?: BucketEncryption;
  /** KES key for SSE-KMS, if given. */
  public readonly encryptionKey?: string;

  private _lifecycle?: LifecycleRule[];
  private readonly cluster: MinioCluster;
  private readonly _notifications: BucketNotification[];
  private readonly _replication: BucketReplication[];

  constructor(scope: Construct, id: string, props: MinioBucketProps) {
    super(scope, id);
    Shape.check(this, props);
    checkClusterProp(this, props.cluster, 'bucket', 'addBucket');
    this.cluster = props.cluster;
    const options: MinioBucketOptions = props;
    KeyNames.checkSecretRef(this, 'readToken', options.readToken);
    this.cluster = props.cluster;
    this.bucketName = options.name ?? id;
    S3Rules.checkBucket(this, 'name', this.bucketName);
    this.objectLock = options.objectLock ?? false;
    const replication = options.replication ?? [];
    if (options.versioning === false && (this.objectLock || replication.length > 0)) {
      throw edgeError(this, { prop: 'versioning', value: false, rule: `${this.objectLock ? 'object lock' : 'replication'} needs a versioned bucket`, fix: 'remove versioning: false (it is then enabled automatically)' });
    }
    this.versioned = options.versioning ?? (this.objectLock || replication.length > 0);
    if (options.retention) {
      if (!this.objectLock) {
        throw edgeError(this, { prop: 'retention', value: options.retention.mode, rule: 'default retention needs a bucket created with object lock', fix: 'set objectLock: true' });
      }
      const days = options.retention.period.toDays({ integral: false });
      if (!Number.isInteger(days) || days < 1) {
        throw edgeError(this, { prop: 'retention.period', value: options.retention.period.toHumanString(), rule: 'must be a whole number of days, at least 1', fix: `use Duration.days(${Math.max(1, Math.ceil(days))})` });
      }
    }
    this.retention = options.retention;
    if (options.quota && options.quota.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) <= 0) {
      throw edgeError(this, { prop: 'quota', value: '0', rule: 'must be positive', fix: 'use e.g. Size.gibibytes(100), or leave quota unset' });
    }
    this.quota = options.quota;
    this.anonymousAccess = options.anonymousAccess ?? BucketAnonymousAccess.NONE;
    if (options.readToken && this.anonymousAccess !== BucketAnonymousAccess.NONE) {
      throw edgeError(this, { prop: 'anonymousAccess', value: this.anonymousAccess, rule: 'cannot be combined with readToken (the token policy replaces the anonymous policy)', fix: 'drop anonymousAccess to let only token holders read' });
    }
    this.readToken = options.readToken;
    if (this.readToken) {
      const t = this.readToken;
      RequiredSecrets.addKey(this, t, {
        namespace: this.cluster.namespace,
        purpose: `read token of bucket ${this.bucketName}: MinIO ${this.cluster.name}'s provisioning Job lets anonymous reads in only with it as Referer `
          + `(letters, digits and ._~- only, e.g. openssl rand -hex 32, under key ${t.key})`,
      });
    }
    if (this.anonymousAccess !== BucketAnonymousAccess.NONE) {
      Warnings.addFormatted(this, {
        prop: 'anonymousAccess',
        value: this.anonymousAccess,
        rule: `anyone who can reach the store may ${this.anonymousAccess === BucketAnonymousAccess.DOWNLOAD ? 'read' : this.anonymousAccess === BucketAnonymousAccess.UPLOAD ? 'write' : 'read and write'} every object of ${this.bucketName} without credentials`,
        fix: 'keep it only for public content; otherwise grant readers access (grantRead) or, for a cache that cannot sign, use readToken',
      });
    }
    if (options.encryptionKey !== undefined && options.encryption !== BucketEncryption.SSE_KMS) {
      throw edgeError(this, { prop: 'encryptionKey', value: options.encryptionKey, rule: 'only applies to SSE-KMS', fix: 'set encryption: BucketEncryption.SSE_KMS or drop encryptionKey' });
    }
    this.encryption = options.encryption;
    this.encryptionKey = options.encryptionKey;
    this._lifecycle = options.lifecycle ? [...options.lifecycle] : undefined;
    this._notifications = [];
    this._replication = [];
    for (const n of options.notifications ?? []) this.addNotification(n);
    for (const r of replication) this.addReplication(r);
    if (this._lifecycle) {
      this.throwIfAny(MinioLifecycle.check(this._lifecycle, this.versioned));
      this.warnAboutLifecycle(this._lifecycle);
    }
    props.cluster._registerBucket(this);
  }

  /** Lifecycle rules (undefined when the bucket's lifecycle is left untouched). */
  public get lifecycle(): LifecycleRule[] | undefined {
    return this._lifecycle ? [...this._lifecycle] : undefined;
  }

  /** Kafka notifications. */
  public get notifications(): BucketNotification[] {
    return [...this._notifications];
  }

  /** Replication rules. */
  public get replication(): BucketReplication[] {
    return [...this._replication];
  }

  /** Add a lifecycle rule (turns lifecycle management on for this bucket). */
  public addLifecycleRule(rule: LifecycleRule): void {
    const rules = [...(this._lifecycle ?? []), rule];
    this.throwIfAny(MinioLifecycle.check(rules, this.versioned));
    this._lifecycle = rules;
    this.warnAboutLifecycle(rules);
  }

  /** Publish events of this bucket to a Kafka topic. */
  public addNotification(notification: BucketNotification): void {
    const at = `notifications[${this._notifications.length}]`;
    const events = notification.events ?? [ObjectEvent.OBJECT_CREATED, ObjectEvent.OBJECT_REMOVED];
    if (events.length === 0) {
      throw edgeError(this, { prop: `${at}.events`, value: [], rule: 'must name at least one event', fix: 'use e.g. [ObjectEvent.OBJECT_CREATED]' });
    }
    events.forEach((e, i) => EnumSubset.check(this, `${at}.events[${i}]`, e, Object.keys(MC_EVENT_NAMES), 'ObjectEvent', ObjectEvent,
      'MinIO subscribes to event families only (created, removed, accessed, replication, lifecycle)'));
    if (notification.targetId !== undefined && !/^[A-Z0-9]{1,32}$/.test(notification.targetId)) {
      throw edgeError(this, { prop: `${at}.targetId`, value: notification.targetId, rule: 'must be 1–32 upper-case letters or digits (it becomes an environment-variable suffix)', fix: `use "${notification.targetId.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 32) || 'EVENTS'}"` });
    }
    SecretReaders.checkKafka(this, `${at}.credentials`, notification.credentials);
    SecretReaders.checkKafka(this, `${at}.secretCopies.credentials`, notification.secretCopies?.credentials);
    if (!notification.topic.topicName || !notification.topic.bootstrapServers) {
      throw edgeError(this, { prop: `${at}.topic`, value: notification.topic.topicName ?? '', rule: 'needs a topic name and bootstrap servers', fix: 'pass a topic with topicName and bootstrapServers' });
    }
    this._notifications.push({ ...notification, events });
    // The servers read the credentials (or their copy) and the copied CA; the placement rules are checked at synth.
    const purpose = `MinIO ${this.cluster.node.id}: Kafka notifications of bucket ${this.bucketName} to topic ${notification.topic.topicName}`;
    const read = kafkaCredentialsRead(notification.credentials, notification.secretCopies);
    read?.requireIn(this.cluster, { namespace: this.cluster.namespace, purpose: `${purpose}, as ${read.username}` });
    const caCopy = notification.secretCopies?.caCertificate;
    if (caCopy) RequiredSecrets.addKey(this.cluster, caCopy, { namespace: this.cluster.namespace, purpose: `${purpose}: copy of the brokers' CA` });
  }

  /** Replicate this bucket to a remote bucket (versioning is enabled on this bucket by the Job). */
  public addReplication(replication: BucketReplication): void {
    const at = `replication[${this._replication.length}]`;
    if (!this.versioned) {
      throw edgeError(this, { prop: at, value: replication.bucket, rule: 'replication needs a versioned bucket', fix: 'pass replication in addBucket options (versioning is then implied) or set versioning: true' });
    }
    S3Rules.checkBucket(this, `${at}.bucket`, replication.bucket);
    if (replication.priority !== undefined && (!Number.isInteger(replication.priority) || replication.priority < 1)) {
      throw edgeError(this, { prop: `${at}.priority`, value: replication.priority, rule: 'must be a whole number of at least 1', fix: 'use 1, 2, …' });
    }
    const minBytes = MinioBucket.MIN_REPLICATION_BANDWIDTH_BYTES;
    BandwidthFormat.check(this, `${at}.bandwidthLimit`, replication.bandwidthLimit, {
      bytesPerSecond: minBytes,
      rule: `is below the 100 MB/s = ${minBytes * 8 / 1_000_000} Mbit/s MinIO accepts for a remote target ("Bandwidth limit for remote target must be at least 100MBps")`,
      fix: 'use at least Bandwidth.megabytesPerSecond(100) (= Bandwidth.mbps(800)), or leave it unset and throttle the WAN elsewhere (ObjectReplication bandwidthLimit, traffic shaping)',
    });
    if (replication.id !== undefined && !/^[A-Za-z0-9._-]{1,255}$/.test(replication.id)) {
      throw edgeError(this, { prop: `${at}.id`, value: replication.id, rule: "must be 1–255 letters, digits, '.', '_' or '-'", fix: 'use e.g. "to-archive"' });
    }
    let url: URL | undefined;
    try {
      url = new URL(replication.target.s3Endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw edgeError(this, { prop: `${at}.target.s3Endpoint`, value: replication.target.s3Endpoint, rule: 'must be an http(s) URL', fix: 'use e.g. "https://s3.example.com"' });
    }
    SecretReaders.checkS3(this, `${at}.target.credentials`, replication.target.credentials, 'the replication target');
    this._replication.push(replication);
    const ids = this._replication.map((r) => replicationRuleId(r));
    const priorities = this._replication.map((r, i) => r.priority ?? i + 1);
    if (new Set(ids).size !== ids.length || new Set(priorities).size !== priorities.length) {
      this._replication.pop();
      throw edgeError(this, { prop: `${at}`, value: replication.bucket, rule: 'replication rule IDs and priorities must be unique per bucket', fix: 'set distinct id and priority' });
    }
    if (replication.target.caCertificate) {
      RequiredSecrets.addKey(this, replication.target.caCertificate, {
        namespace: this.cluster.namespace,
        purpose: `CA certificate the servers of MinIO ${this.cluster.name} verify the replication target ${replication.target.s3Endpoint} with`,
      });
    }
    replication.target.credentials.requireIn(this, {
      namespace: this.cluster.namespace,
      purpose: `keys of ${replication.target.s3Endpoint} (bucket ${replication.bucket}), read by the provisioning Job of MinIO ${this.cluster.name} to set up replication of ${this.bucketName}`,
    });
  }

  /** Records the lifecycle warnings of `rules` (give a deleteMarkerExpiration rule in the same call to avoid one). */
  private warnAboutLifecycle(rules: LifecycleRule[]): void {
    for (const w of MinioLifecycle.warnings(rules, this.versioned)) Warnings.addFormatted(this, w);
  }

  private throwIfAny(problems: ValidationMessageOptions[]): void {
    if (problems.length > 0) throw edgeError(this, problems[0]);
  }
}
