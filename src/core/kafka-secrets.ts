// Where Strimzi's Secrets live, for consumers that mount them (module-internal; not re-exported from the package).
import { IConstruct } from 'constructs';
import { EdgeMessages } from './errors';
import { IEventTopic, KafkaSecretCopies } from './interfaces';
import { KafkaCredentials } from './secrets';

const STRIMZI_BOOTSTRAP = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)-kafka-bootstrap\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?:\d+$/;

/**
 * Namespace of the Secrets Strimzi writes for a topic's cluster (cluster CA, KafkaUser Secrets): the topic's
 * `secretNamespace`, else — when the topic's CA is Strimzi's `<cluster>-cluster-ca-cert` of the cluster its bootstrap
 * address `<cluster>-kafka-bootstrap.<namespace>.svc` names — that namespace; else unknown.
 */
export function kafkaSecretNamespace(topic: IEventTopic): string | undefined {
  if (topic.secretNamespace) return topic.secretNamespace;
  const first = topic.bootstrapServers.split(',')[0]?.trim() ?? '';
  const m = STRIMZI_BOOTSTRAP.exec(first);
  if (!m || !topic.caCertificate) return undefined;
  return topic.caCertificate.name === `${m[1]}-cluster-ca-cert` ? m[3] : undefined;
}

/** The credentials a consumer reads: the copy in its namespace when one is given, else the original. */
export function kafkaCredentialsRead(credentials?: KafkaCredentials, copies?: KafkaSecretCopies): KafkaCredentials | undefined {
  return credentials ? copies?.credentials ?? credentials : undefined;
}

/**
 * Errors for a consumer in `consumerNamespace` that mounts the topic's CA and/or the credentials' Secret while they
 * live in another namespace (a pod can only mount Secrets of its own namespace, so it never starts).
 */
export function kafkaSecretPlacementErrors(scope: IConstruct, options: {
  readonly prop: string;
  readonly consumerNamespace: string;
  readonly topic: IEventTopic;
  readonly credentials?: KafkaCredentials;
  readonly mountsCaCertificate: boolean;
  readonly copies?: KafkaSecretCopies;
  readonly copiesProp: string;
}): string[] {
  const errors: string[] = [];
  const kafkaNs = kafkaSecretNamespace(options.topic);
  const ns = options.consumerNamespace;
  const rule = (what: string, where: string) => `${what} is a Secret in namespace "${where}" (Strimzi writes the cluster CA and KafkaUser Secrets only in the Kafka cluster's namespace), and a pod mounts only Secrets of its own namespace "${ns}", so the pods never start`;
  const ca = options.topic.caCertificate;
  const caCopy = options.copies?.caCertificate;
  if (options.mountsCaCertificate && ca && kafkaNs && kafkaNs !== ns && !caCopy) {
    errors.push(EdgeMessages.format(scope, {
      prop: `${options.prop}.topic.caCertificate`,
      value: ca.name,
      rule: rule('the cluster CA', kafkaNs),
      fix: `copy Secret "${ca.name}" into namespace "${ns}" (and keep it in sync: Strimzi renews the CA) and name the copy in ${options.copiesProp}.caCertificate, or run the consumer in namespace "${kafkaNs}"`,
    }));
  }
  const creds = options.credentials;
  const copy = options.copies?.credentials;
  const credNs = creds ? creds.namespace ?? kafkaNs : undefined;
  if (creds && credNs && credNs !== ns && !copy) {
    errors.push(EdgeMessages.format(scope, {
      prop: `${options.prop}.credentials`,
      value: creds.secretName,
      rule: rule(`KafkaUser "${creds.username}"'s Secret`, credNs),
      fix: `copy Secret "${creds.secretName}" into namespace "${ns}" (and keep it in sync: the User Operator rotates it) and pass the copy as ${options.copiesProp}.credentials (credentials.copiedTo("<copy>", "${ns}")), or run the consumer in namespace "${credNs}"`,
    }));
  }
  if (copy && creds && (copy.username !== creds.username || copy.authentication !== creds.authentication)) {
    errors.push(EdgeMessages.format(scope, {
      prop: `${options.copiesProp}.credentials`,
      value: `${copy.secretName} (${copy.username}, ${copy.authentication})`,
      rule: `a copy must hold the same user's credentials as ${options.prop}.credentials (${creds.username}, ${creds.authentication}), or the consumer logs in as someone else`,
      fix: `pass ${options.prop}.credentials.copiedTo("<copy>", "${ns}")`,
    }));
  }
  if (copy && !creds) {
    errors.push(EdgeMessages.format(scope, {
      prop: `${options.copiesProp}.credentials`,
      value: copy.secretName,
      rule: `is a copy of credentials, but ${options.prop}.credentials is not set, so nothing reads it`,
      fix: `set ${options.prop}.credentials to the original (the copy is read instead), or drop the copy`,
    }));
  }
  if (copy?.namespace !== undefined && copy.namespace !== ns) {
    errors.push(EdgeMessages.format(scope, {
      prop: `${options.copiesProp}.credentials`,
      value: `${copy.namespace}/${copy.secretName}`,
      rule: `the copy is in namespace "${copy.namespace}", but the consumer's pods run in "${ns}" and mount only Secrets of their own namespace`,
      fix: `copy the Secret into namespace "${ns}" and pass credentials.copiedTo("<copy>", "${ns}")`,
    }));
  }
  return errors;
}
