// Kafka notification targets of a MinioCluster: which targets the buckets' notifications need, the servers'
// `MINIO_NOTIFY_KAFKA_*` environment and certificates for them, and the rules MinIO applies to them.
// This file is not re-exported from the package.
import { k8s } from 'cdk8s-plus-30';
import type { BucketNotification, MinioBucket } from './bucket';
import { CERTS_DIR, CertItem, certItemsOf, MinioClusterRef, QUEUE_DIR } from './internal';
import { EdgeMessages, KafkaAuthentication, KafkaCredentials } from '../../core';
import { kafkaCredentialsRead, kafkaSecretPlacementErrors } from '../../core/kafka-secrets';

/** One bucket notification and the Kafka target it publishes to. */
export interface KafkaTarget {
  readonly id: string;
  readonly notification: BucketNotification;
  readonly bucketPath: string;
}

/** The Kafka target ID of a notification: its targetId, or the topic name in upper-case letters and digits. */
export function derivedTargetId(n: BucketNotification): string {
  if (n.targetId) return n.targetId;
  const base = n.topic.topicName.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 32);
  return base.length > 0 ? base : 'EVENTS';
}

/** What must be equal for two notifications to share a Kafka target. */
function targetKey(n: BucketNotification): string {
  const c: KafkaCredentials | undefined = n.credentials;
  const auth = c ? [c.authentication, c.username, c.secretName] : null;
  const copy = n.secretCopies?.credentials;
  const copies = [n.secretCopies?.caCertificate ?? null, copy ? [copy.authentication, copy.username, copy.secretName] : null];
  return JSON.stringify([n.topic.topicName, n.topic.bootstrapServers, n.topic.caCertificate ?? null, auth, copies]);
}

/** The ARN `mc event add` subscribes a bucket to (`arn:minio:sqs:<region>:<target>:kafka`). */
export function kafkaTargetArn(ref: MinioClusterRef, targetId: string): string {
  return `arn:minio:sqs:${ref.props.region ?? ''}:${targetId}:kafka`;
}

/** Every bucket notification with its target, in bucket order. */
export function kafkaTargets(ref: MinioClusterRef): KafkaTarget[] {
  const out: KafkaTarget[] = [];
  for (const b of ref.buckets) {
    for (const n of b.notifications) {
      out.push({ id: derivedTargetId(n), notification: n, bucketPath: b.node.path });
    }
  }
  return out;
}

/** The first notification of each target ID. */
function distinctTargets(ref: MinioClusterRef): KafkaTarget[] {
  const seen = new Set<string>();
  return kafkaTargets(ref).filter((t) => {
    if (seen.has(t.id)) return false;
    seen.add(t.id);
    return true;
  });
}

/** The servers' `MINIO_NOTIFY_KAFKA_*_<ID>` variables, per target. */
export function kafkaServerEnv(ref: MinioClusterRef): k8s.EnvVar[] {
  const env: k8s.EnvVar[] = [];
  for (const t of distinctTargets(ref)) {
    const n = t.notification;
    const v = (key: string, value: string) => env.push({ name: `MINIO_NOTIFY_KAFKA_${key}_${t.id}`, value });
    v('ENABLE', 'on');
    v('BROKERS', n.topic.bootstrapServers);
    v('TOPIC', n.topic.topicName);
    if (ref.eventQueue) {
      v('QUEUE_DIR', QUEUE_DIR);
      v('QUEUE_LIMIT', String(ref.props.eventQueueLimit ?? 100000));
    }
    if (n.topic.caCertificate) v('TLS', 'on');
    const c = kafkaCredentialsRead(n.credentials, n.secretCopies);
    const password = c?.passwordEnv(`MINIO_NOTIFY_KAFKA_SASL_PASSWORD_${t.id}`);
    if (c && password) {
      v('SASL', 'on');
      v('SASL_MECHANISM', 'sha512');
      v('SASL_USERNAME', c.username);
      env.push(password);
    } else if (c?.authentication === KafkaAuthentication.TLS) {
      const [certificate, key] = c.items();
      const dir = `${CERTS_DIR}/kafka-${t.id.toLowerCase()}`;
      v('CLIENT_TLS_CERT', `${dir}/${certificate.path}`);
      v('CLIENT_TLS_KEY', `${dir}/${key.path}`);
    }
  }
  return env;
}

/** Items of the certs volume for the targets: the brokers' CA and, for mutual TLS, the client certificate. */
export function kafkaCertItems(ref: MinioClusterRef): CertItem[] {
  const items: CertItem[] = [];
  for (const t of distinctTargets(ref)) {
    const dir = `kafka-${t.id.toLowerCase()}`;
    const ca = t.notification.topic.caCertificate;
    const copies = t.notification.secretCopies;
    const caRead = copies?.caCertificate ?? ca;
    if (ca && caRead) items.push({ secret: caRead.name, key: caRead.key, path: `CAs/${dir}.crt` });
    const c = kafkaCredentialsRead(t.notification.credentials, copies);
    if (c) items.push(...certItemsOf(c.secretName, c.items(), dir));
  }
  return items;
}

/** Problems of one bucket's notifications: Secrets the servers cannot mount, subscriptions MinIO rejects. */
export function bucketNotificationErrors(ref: MinioClusterRef, b: MinioBucket): string[] {
  const out: string[] = [];
  // Strimzi's Secrets live in the Kafka namespace; the servers can mount them only from their own.
  for (const [j, n] of b.notifications.entries()) {
    out.push(...kafkaSecretPlacementErrors(b, {
      prop: `notifications[${j}]`,
      consumerNamespace: ref.namespace,
      topic: n.topic,
      credentials: n.credentials,
      mountsCaCertificate: true,
      copies: n.secretCopies,
      copiesProp: `notifications[${j}].secretCopies`,
    }));
  }
  // Overlapping subscriptions to one target are rejected by MinIO.
  const ns = b.notifications;
  for (let i = 0; i < ns.length; i++) {
    for (let j = i + 1; j < ns.length; j++) {
      const a = ns[i];
      const c = ns[j];
      const sameTarget = derivedTargetId(a) === derivedTargetId(c);
      const eventsOverlap = (a.events ?? []).some((e) => (c.events ?? []).includes(e));
      const pa = a.prefix ?? '';
      const pc = c.prefix ?? '';
      const sa = a.suffix ?? '';
      const sc = c.suffix ?? '';
      const prefixesOverlap = pa.startsWith(pc) || pc.startsWith(pa);
      const suffixesOverlap = sa.endsWith(sc) || sc.endsWith(sa);
      if (sameTarget && eventsOverlap && prefixesOverlap && suffixesOverlap) {
        out.push(EdgeMessages.format(b, { prop: `notifications[${j}]`, value: `${pc}*${sc}`, rule: `overlaps notifications[${i}] (${pa}*${sa}) on the same Kafka target for the same events, which MinIO rejects`, fix: 'use disjoint prefixes/suffixes or events, or merge the two' }));
      }
    }
  }
  return out;
}

/** One Kafka target ID must mean one topic/broker/credential combination. */
export function targetIdErrors(ref: MinioClusterRef): string[] {
  const out: string[] = [];
  const targets = new Map<string, KafkaTarget>();
  for (const t of kafkaTargets(ref)) {
    const prev = targets.get(t.id);
    if (prev && targetKey(prev.notification) !== targetKey(t.notification)) {
      out.push(EdgeMessages.format(ref.scope, { prop: 'targetId', value: t.id, rule: `is used by notifications to different topics, brokers or credentials (${prev.bucketPath} and ${t.bucketPath})`, fix: 'set a distinct targetId on one of them' }));
    }
    if (!prev) targets.set(t.id, t);
  }
  return out;
}
