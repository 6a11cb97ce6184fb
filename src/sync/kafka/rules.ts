// Module-internal helpers shared by the Kafka constructs (not re-exported from the package).
import { IConstruct } from 'constructs';
import { STRIMZI_CLUSTER_LABEL } from './strimzi';
import { edgeError, NetworkPeer, SecretKeyReference } from '../../core';

/** Name of the internal TLS listener every cluster of this module exposes. */
export const TLS_LISTENER_NAME = 'tls';
/** Port of the internal TLS listener every cluster of this module exposes. */
export const TLS_LISTENER_PORT = 9093;

/** `min.insync.replicas` derived for a replication factor: 2 from 3 replicas up, else 1. */
export function derivedMinInsyncReplicas(replicationFactor: number): number {
  return replicationFactor >= 3 ? 2 : 1;
}

/** Replication factor derived for a broker count: min(3, brokers). */
export function derivedReplicationFactor(brokers: number): number {
  return Math.min(3, brokers);
}

/** Client-facing addresses of a Strimzi cluster (bootstrap service, cluster CA secret, broker pods). */
export function clusterAddresses(clusterName: string, namespace: string):
{ bootstrapServers: string; caCertificate: SecretKeyReference; networkPeer: NetworkPeer } {
  return {
    bootstrapServers: `${clusterName}-kafka-bootstrap.${namespace}.svc:${TLS_LISTENER_PORT}`,
    caCertificate: { name: `${clusterName}-cluster-ca-cert`, key: 'ca.crt' },
    networkPeer: {
      namespace,
      podLabels: { [STRIMZI_CLUSTER_LABEL]: clusterName, 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' },
      ports: [TLS_LISTENER_PORT],
    },
  };
}

/**
 * The acks=all rule shared by clusters and topics: `min.insync.replicas` must stay below the replica count (equal
 * blocks every write while one broker is down; above blocks them always). A single replica can only have 1.
 */
export function checkInsync(scope: IConstruct, prop: string, minIsr: number, replicas: number, replicasProp: string): void {
  if (minIsr > replicas) {
    throw edgeError(scope, {
      prop,
      value: minIsr,
      rule: `above ${replicasProp} (${replicas}): acks=all producers can never be acknowledged`,
      fix: `use ${derivedMinInsyncReplicas(replicas)}`,
    });
  }
  if (replicas > 1 && minIsr >= replicas) {
    throw edgeError(scope, {
      prop,
      value: minIsr,
      rule: `equal to ${replicasProp} (${replicas}): with acks=all, losing one broker blocks every write`,
      fix: `use ${replicas - 1} or less (${derivedMinInsyncReplicas(replicas)} is the usual choice)`,
    });
  }
}

/** Legal Kafka topic name: 1–249 of [a-zA-Z0-9._-], not "." or "..". */
export function isKafkaTopicName(name: string): boolean {
  return /^[a-zA-Z0-9._-]{1,249}$/.test(name) && name !== '.' && name !== '..';
}

/** Escape a literal for a Java regular expression (MirrorMaker2 patterns; Kafka names only need `.` escaped). */
export function regexLiteral(s: string): string {
  return s.replace(/[.\\+*?^$()[\]{}|]/g, (c) => `\\${c}`);
}

/** The constructs in the whole app, in tree order (for app-wide rules). */
export function allConstructs(scope: IConstruct): IConstruct[] {
  return scope.node.root.node.findAll();
}

/** The formatted start of an error message: `<Class> "<path>"`. */
export function label(scope: IConstruct): string {
  return `${scope.constructor.name} "${scope.node.path}"`;
}
