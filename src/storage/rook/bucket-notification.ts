import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { RookCephObjectBucket } from './object-bucket';
import { EdgeLabels, edgeError, IEventTopic, KafkaAuthentication, KafkaCredentials, KubeNames, ObjectEvent, RequiredSecrets, SecretReaders, Warnings } from '../../core';
import { EnumSubset, Patterns, Shape } from '../../core/validate';

/** The object events RGW can notify about (its S3 event types). */
const RGW_EVENTS: string[] = [
  ObjectEvent.OBJECT_CREATED, ObjectEvent.OBJECT_CREATED_PUT, ObjectEvent.OBJECT_CREATED_POST, ObjectEvent.OBJECT_CREATED_COPY,
  ObjectEvent.OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD, ObjectEvent.OBJECT_REMOVED, ObjectEvent.OBJECT_REMOVED_DELETE,
  ObjectEvent.OBJECT_REMOVED_DELETE_MARKER_CREATED, ObjectEvent.LIFECYCLE_EXPIRATION_CURRENT,
  ObjectEvent.LIFECYCLE_EXPIRATION_NONCURRENT, ObjectEvent.LIFECYCLE_TRANSITION_CURRENT, ObjectEvent.OBJECT_SYNCED,
];

/** Which acknowledgement RGW waits for before a notification counts as delivered. */
export enum CephKafkaAckLevel {
  /** Sent is enough. */
  NONE = 'none',
  /** The broker acknowledged it. */
  BROKER = 'broker',
}

/** Options of {@link RookCephObjectBucket.addKafkaNotification}. */
export interface CephKafkaNotificationOptions {
  /**
   * The Kafka topic. The CephBucketTopic is named after `topic.topicName` (RGW publishes to the Kafka topic of that
   * name), so the name must also be a valid Kubernetes name. RGW connects to the first bootstrap server.
   */
  readonly topic: IEventTopic;
  /**
   * How RGW authenticates to Kafka. Only SCRAM-SHA-512 is possible (CephBucketTopic cannot present a client
   * certificate). The Secret must be in the bucket's namespace and hold the password under `passwordKey` and the user
   * name under `usernameKey` (Strimzi's KafkaUser Secret has no user-name key: copy it into the bucket namespace and
   * add one): pass `user.credentials.copiedTo('<copy>', '<bucket namespace>')`. RGW must receive the password over
   * TLS: the object store needs TLS or `allowNotificationSecretsInCleartext`.
   * @default - no authentication
   */
  readonly credentials?: KafkaCredentials;
  /**
   * Key of the Secret holding the user name.
   * @default 'username'
   */
  readonly usernameKey?: string;
  /**
   * Key of the Secret holding the password.
   * @default KafkaCredentials.PASSWORD_KEY
   */
  readonly passwordKey?: string;
  /**
   * Events that fire the notification. RGW notifies about object creation and removal (as families or single
   * operations), lifecycle expiry and transition steps and multisite sync; `OBJECT_ACCESSED`, `REPLICATION` and
   * `LIFECYCLE` are refused.
   * @default [ObjectEvent.OBJECT_CREATED]
   */
  readonly events?: ObjectEvent[];
  /**
   * Only objects whose key starts with this.
   * @default - any key
   */
  readonly keyPrefix?: string;
  /**
   * Only objects whose key ends with this (e.g. `.mp4`).
   * @default - any key
   */
  readonly keySuffix?: string;
  /**
   * Only objects whose key matches this regular expression.
   * @default - any key
   */
  readonly keyRegex?: string;
  /**
   * Only objects carrying all these metadata values (`x-amz-meta-…` names).
   * @default - no metadata filter
   */
  readonly metadataFilters?: { [name: string]: string };
  /**
   * Only objects carrying all these tags.
   * @default - no tag filter
   */
  readonly tagFilters?: { [name: string]: string };
  /**
   * Queue notifications in RGW and retry until Kafka acknowledges them (asynchronous), instead of sending them inside
   * the S3 request. Recommended at the edge, where the link to Kafka may drop.
   * @default true
   */
  readonly persistent?: boolean;
  /**
   * Acknowledgement RGW waits for.
   * @default CephKafkaAckLevel.BROKER
   */
  readonly ackLevel?: CephKafkaAckLevel;
  /**
   * Opaque data added to every event (e.g. the site name).
   * @default - none
   */
  readonly opaqueData?: string;
  /**
   * Do not verify the brokers' TLS certificate (only when the CA cannot be given to RGW).
   * @default false
   */
  readonly skipTlsVerify?: boolean;
  /**
   * Name of the CephBucketNotification (at most 43 characters: it is also part of a label key on the claim).
   * @default - `<claim name>-<id>`
   */
  readonly name?: string;
}

/** Props of {@link RookCephKafkaBucketNotification}. */
export interface RookCephKafkaBucketNotificationProps extends CephKafkaNotificationOptions {
  /** The bucket whose events are published. */
  readonly bucket: RookCephObjectBucket;
}

/**
 * Bucket notifications to Kafka: a CephBucketTopic (Kafka endpoint, shared per namespace and topic name), a
 * CephBucketNotification (events and filters), and the `bucket-notification-<name>` label on the bucket's claim.
 */
export class RookCephKafkaBucketNotification extends Construct {
  /** The CephBucketNotification (escape hatch). */
  public readonly apiObject: ApiObject;
  /** The CephBucketTopic (escape hatch; may be shared with other notifications). */
  public readonly topicObject: ApiObject;
  /** Name of the CephBucketNotification. */
  public readonly notificationName: string;
  /** Name of the CephBucketTopic (= the Kafka topic). */
  public readonly topicName: string;
  /** Namespace of topic, notification and claim. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: RookCephKafkaBucketNotificationProps) {
    super(scope, id);
    Shape.check(this, props);
    const bucket = props.bucket;
    const store = bucket.store;
    this.namespace = bucket.namespace;
    this.notificationName = props.name ?? `${bucket.claimName}-${id}`;
    KubeNames.assertDns1123Label(this, props.name !== undefined ? 'name' : 'id', this.notificationName, 43);

    this.topicName = props.topic.topicName;
    if (!KubeNames.isDns1123Subdomain(this.topicName)) {
      throw edgeError(this, {
        prop: 'topic.topicName',
        value: this.topicName,
        rule: 'RGW publishes to the Kafka topic named like the CephBucketTopic, so the topic name must also be a Kubernetes name (lowercase letters, digits, "-", ".")',
        fix: `name the Kafka topic e.g. "${KubeNames.suggest(this.topicName.replace(/_/g, '-'), 253)}"`,
      });
    }
    const broker = props.topic.bootstrapServers.split(',').map((s) => s.trim()).filter((s) => s.length > 0)[0];
    if (broker === undefined || !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(broker)) {
      throw edgeError(this, { prop: 'topic.bootstrapServers', value: props.topic.bootstrapServers, rule: 'must be host:port[,host:port…]', fix: 'use e.g. "events-kafka-bootstrap.kafka.svc:9093"' });
    }

    (props.events ?? []).forEach((e, i) => EnumSubset.check(this, `events[${i}]`, e, RGW_EVENTS, 'ObjectEvent', ObjectEvent,
      'RGW does not notify about this event'));
    const events = [...new Set(props.events ?? [ObjectEvent.OBJECT_CREATED])];
    if (events.length === 0) {
      throw edgeError(this, { prop: 'events', value: [], rule: 'an empty list means "every event" to RGW, which is rarely intended', fix: 'list the events, e.g. [ObjectEvent.OBJECT_CREATED]' });
    }

    const tls = props.topic.caCertificate !== undefined;
    SecretReaders.checkKafka(this, 'credentials', props.credentials);
    const creds = props.credentials;
    if (creds && creds.authentication === KafkaAuthentication.TLS) {
      throw edgeError(this, { prop: 'credentials.authentication', value: creds.authentication, rule: 'CephBucketTopic cannot present a Kafka client certificate (mutual TLS)', fix: 'give RGW a KafkaUser with SCRAM-SHA-512 authentication' });
    }
    if (creds) {
      if (creds.writtenBy !== undefined) {
        throw edgeError(this, {
          prop: 'credentials',
          value: `${creds.namespace}/${creds.secretName}`,
          rule: `the Rook operator reads the user name and the password from one Secret in namespace "${this.namespace}", and the Secret Strimzi's User Operator writes for KafkaUser "${creds.username}" has no user-name key`,
          fix: `copy it into namespace "${this.namespace}", add the key "${props.usernameKey ?? 'username'}" = "${creds.username}", and pass credentials.copiedTo("<copy>", "${this.namespace}")`,
        });
      }
      if (creds.namespace !== undefined && creds.namespace !== this.namespace) {
        throw edgeError(this, {
          prop: 'credentials',
          value: `${creds.namespace}/${creds.secretName}`,
          rule: `the Rook operator reads the Secret from the bucket's namespace "${this.namespace}"`,
          fix: `copy the Secret into namespace "${this.namespace}" and pass credentials.copiedTo("<copy>", "${this.namespace}")`,
        });
      }
      if (!store.tlsEnabled && !store.allowsNotificationSecretsInCleartext) {
        throw edgeError(this, {
          prop: 'credentials',
          value: creds.username,
          rule: `the Rook operator creates the topic through object store "${store.storeName}" over plain HTTP, and RGW refuses Kafka passwords sent in clear text`,
          fix: 'give the object store tls, or set allowNotificationSecretsInCleartext: true on it (the password then crosses the cluster network unencrypted)',
        });
      }
      if (!tls) {
        Warnings.addFormatted(this, { prop: 'credentials', value: creds.username, rule: `topic "${this.topicName}" has no TLS listener: RGW expects use-ssl together with a user and password`, fix: 'use a TLS listener (IEventTopic.caCertificate) for authenticated notifications' });
      }
    }
    if (tls && !store.caBundleSecretName && !props.skipTlsVerify) {
      throw edgeError(this, {
        prop: 'topic.caCertificate',
        value: `${props.topic.caCertificate!.name}/${props.topic.caCertificate!.key}`,
        rule: `RGW verifies the brokers' certificate against its own trust store, and object store "${store.storeName}" has no caBundleSecretName`,
        fix: `copy the brokers' CA into a Secret in namespace "${store.namespace}" under key "cabundle" and pass its name as caBundleSecretName to the object store (or set skipTlsVerify: true, not recommended)`,
      });
    }
    if (props.skipTlsVerify) {
      Warnings.addFormatted(this, { prop: 'skipTlsVerify', value: true, rule: 'RGW will accept any certificate from the brokers (machine-in-the-middle possible)', fix: 'give the object store caBundleSecretName with the brokers\' CA instead' });
    }

    const usernameKey = props.usernameKey ?? 'username';
    const passwordKey = props.passwordKey ?? KafkaCredentials.PASSWORD_KEY;
    if (creds) {
      RequiredSecrets.add(this, {
        name: creds.secretName,
        namespace: this.namespace,
        keys: [usernameKey, passwordKey],
        purpose: `Rook operator: SCRAM login of bucket topic ${this.topicName} as ${creds.username} (a copy of the KafkaUser's Secret with the user name added under ${usernameKey})`,
      });
    }
    const kafka: any = {
      uri: `kafka://${broker}`,
      useSSL: tls,
      ackLevel: props.ackLevel ?? CephKafkaAckLevel.BROKER,
      ...(props.skipTlsVerify ? { disableVerifySSL: true } : {}),
      ...(creds ? {
        mechanism: 'SCRAM-SHA-512',
        userSecretRef: { name: creds.secretName, key: usernameKey },
        passwordSecretRef: { name: creds.secretName, key: passwordKey },
      } : {}),
    };
    const topicSpec = {
      objectStoreName: store.storeName,
      objectStoreNamespace: store.namespace,
      persistent: props.persistent ?? true,
      ...(props.opaqueData !== undefined ? { opaqueData: props.opaqueData } : {}),
      endpoint: { kafka },
    };
    const signature = JSON.stringify(topicSpec);
    this.topicObject = store._topic(this, this.namespace, this.topicName, signature, (topicScope, topicId) => new ApiObject(topicScope, topicId, {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephBucketTopic',
      metadata: {
        name: this.topicName,
        namespace: this.namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: store.storeName, component: 'bucket-topic' }),
      },
      spec: topicSpec,
    } as any));

    const keyFilters = [
      ...(props.keyPrefix !== undefined ? [{ name: 'prefix', value: props.keyPrefix }] : []),
      ...(props.keySuffix !== undefined ? [{ name: 'suffix', value: props.keySuffix }] : []),
      ...(props.keyRegex !== undefined ? [{ name: 'regex', value: props.keyRegex }] : []),
    ];
    Patterns.check(this, 'keyRegex', props.keyRegex, 'ecmascript', '\\.mp4$');
    for (const f of keyFilters) {
      if (f.value.length === 0) {
        throw edgeError(this, { prop: `key${f.name[0].toUpperCase()}${f.name.slice(1)}`, value: '', rule: 'an empty filter matches everything', fix: 'omit it' });
      }
    }
    const pairs = (m?: { [name: string]: string }) => Object.entries(m ?? {}).map(([name, value]) => ({ name, value }));
    const filter = {
      ...(keyFilters.length > 0 ? { keyFilters } : {}),
      ...(pairs(props.metadataFilters).length > 0 ? { metadataFilters: pairs(props.metadataFilters) } : {}),
      ...(pairs(props.tagFilters).length > 0 ? { tagFilters: pairs(props.tagFilters) } : {}),
    };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephBucketNotification',
      metadata: {
        name: this.notificationName,
        namespace: this.namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: this.notificationName, component: 'bucket-notification' }),
      },
      spec: {
        topic: this.topicName,
        events,
        ...(Object.keys(filter).length > 0 ? { filter } : {}),
      },
    } as any);
    bucket.apiObject.metadata.addLabel(`bucket-notification-${this.notificationName}`, this.notificationName);
  }
}
