import { Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { EdgeKafkaCluster } from './cluster';
import { KafkaAuthentication, NetworkPeer, SecretKeyReference } from '../../core';

/**
 * A Strimzi-managed Kafka cluster that topics, users and MirrorMaker2 attach to: an {@link EdgeKafkaCluster} or an
 * existing cluster imported with {@link EdgeKafkaCluster.fromClusterAttributes}.
 */
export interface IKafkaCluster extends IConstruct {
  /** The `Kafka` resource's name (the `strimzi.io/cluster` label of its topics and users). */
  readonly clusterName: string;
  /** Namespace of the `Kafka` resource; its Topic and User Operators watch only this namespace. */
  readonly namespace: string;
  /** Number of brokers. */
  readonly brokerCount: number;
  /** How clients authenticate on the internal TLS listener. */
  readonly authentication: KafkaAuthentication;
  /** In-cluster bootstrap address of the TLS listener, `<cluster>-kafka-bootstrap.<namespace>.svc:9093`. */
  readonly bootstrapServers: string;
  /** The cluster CA certificate clients must trust: Secret `<cluster>-cluster-ca-cert`, key `ca.crt`. */
  readonly caCertificate: SecretKeyReference;
  /** The broker pods, for producers' and consumers' NetworkPolicies. */
  readonly networkPeer: NetworkPeer;
  /** `default.replication.factor` of the brokers: the replicas of a topic that does not say. */
  readonly defaultReplicationFactor: number;
  /** `min.insync.replicas` of the brokers. */
  readonly minInsyncReplicas: number;
  /**
   * Size of each broker's data volume, for disk-usage checks of topics that declare a write rate.
   * @default - unknown: disk usage is not checked
   */
  readonly brokerStorageSize?: Size;
}
