// Where Strimzi's Secrets live, for consumers that mount them (module-internal; not re-exported from the package).
import { IConstruct } from 'constructs';
import { EdgeMessages } from './errors';
import { IEventTopic, KafkaClientCredentials, KafkaSecretCopies } from './interfaces';

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

/**
 * Errors for a consumer in `consumerNamespace` that mounts the topic's CA and/or the credentials' Secret while they
 * live in another namespace (a pod can only mount Secrets of its own namespace, so it never starts).
 */
export function kafkaSecretPlacementErrors(scope: IConstruct, options: {
  readonly prop: string;
  readonly consumerNamespace: string;
  readonly topic: IEventTopic;
  readonly credentials?: KafkaClientCredentials;
  readonly mountsCaCertificate: boolean;
  readonly copies?: KafkaSecretCopies;
  readonly copiesProp: string;
}): string[] {
  const errors: string[] = [];
  const kafkaNs = kafkaSecretNamespace(options.topic);
  const ns = options.consumerNamespace;
  const rule = (what: string, where: string) => `${what} is a Secret in namespace "${where}" (Strimzi writes the cluster CA and KafkaUser Secrets only in the Kafka cluster's namespace), and a pod mounts only Secrets of its own namespace "${ns}", so the pods never start`;
  const ca = options.topic.caCertificate;
  if (options.mountsCaCertificate && ca && kafkaNs && kafkaNs !== ns && !options.copies?.caCertificateSecretName) {
    errors.push(EdgeMessages.format(scope, {
      prop: `${options.prop}.topic.caCertificate`,
      value: ca.name,
      rule: rule('the cluster CA', kafkaNs),
      fix: `copy Secret "${ca.name}" into namespace "${ns}" (and keep it in sync: Strimzi renews the CA) and name the copy in ${options.copiesProp}.caCertificateSecretName, or run the consumer in namespace "${kafkaNs}"`,
    }));
  }
  const creds = options.credentials;
  const credNs = creds ? creds.namespace ?? kafkaNs : undefined;
  if (creds && credNs && credNs !== ns && !options.copies?.credentialsSecretName) {
    errors.push(EdgeMessages.format(scope, {
      prop: `${options.prop}.credentials`,
      value: creds.secretName,
      rule: rule(`KafkaUser "${creds.username}"'s Secret`, credNs),
      fix: `copy Secret "${creds.secretName}" into namespace "${ns}" (and keep it in sync: the User Operator rotates it) and name the copy in ${options.copiesProp}.credentialsSecretName, or run the consumer in namespace "${credNs}"`,
    }));
  }
  return errors;
}
