// Typed shapes of the Strimzi 1.x `kafka.strimzi.io/v1` fields this module emits (checked against the 1.2.0 CRDs).
// Internal to the module: not re-exported from the package.

import { RestrictedSecurity } from '../../core';
import { KafkaAuthentication, KafkaCredentials } from '../../core/secrets';

export const STRIMZI_API_VERSION = 'kafka.strimzi.io/v1';
export const STRIMZI_CLUSTER_LABEL = 'strimzi.io/cluster';

export interface StrimziSecurityContext {
  readonly runAsNonRoot: boolean;
  readonly allowPrivilegeEscalation: boolean;
  readonly capabilities: { readonly drop: string[] };
  readonly seccompProfile: { readonly type: string };
}

/**
 * Container security context for Strimzi-managed containers: the "restricted" fields of the library's one container
 * context that do not depend on the image's UID or file layout (the operator keeps choosing UID/fsGroup, Strimzi
 * images run as non-root, and Kafka writes below its image's own paths, so no read-only root filesystem).
 */
export function strimziContainerSecurityContext(): StrimziSecurityContext {
  const restricted = RestrictedSecurity.containerSecurityContext();
  return {
    runAsNonRoot: restricted.runAsNonRoot!,
    allowPrivilegeEscalation: restricted.allowPrivilegeEscalation!,
    capabilities: { drop: [...restricted.capabilities!.drop!] },
    seccompProfile: { type: restricted.seccompProfile!.type },
  };
}

export interface StrimziResources {
  readonly requests?: { [key: string]: string };
  readonly limits?: { [key: string]: string };
}

export interface KafkaListener {
  readonly name: string;
  readonly port: number;
  readonly type: 'internal';
  readonly tls: boolean;
  readonly authentication?: { readonly type: string };
  readonly networkPolicyPeers?: unknown;
}

export interface KafkaSpec {
  readonly kafka: {
    readonly version?: string;
    readonly metadataVersion?: string;
    readonly listeners: KafkaListener[];
    readonly authorization: { readonly type: 'simple' };
    readonly config: { [key: string]: string | number | boolean };
  };
  readonly entityOperator: {
    readonly topicOperator: { readonly resources: StrimziResources };
    readonly userOperator: { readonly resources: StrimziResources };
    readonly template: {
      readonly topicOperatorContainer: { readonly securityContext: StrimziSecurityContext };
      readonly userOperatorContainer: { readonly securityContext: StrimziSecurityContext };
    };
  };
}

export interface KafkaNodePoolSpec {
  readonly replicas: number;
  readonly roles: string[];
  readonly storage: {
    readonly type: 'jbod';
    readonly volumes: Array<{
      readonly id: number;
      readonly type: 'persistent-claim';
      readonly size: string;
      readonly class?: string;
      readonly deleteClaim: boolean;
      readonly kraftMetadata: 'shared';
    }>;
  };
  readonly resources: StrimziResources;
  readonly template: { readonly kafkaContainer: { readonly securityContext: StrimziSecurityContext } };
}

export interface KafkaTopicSpec {
  readonly topicName?: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly config: { [key: string]: string | number };
}

export interface KafkaUserAcl {
  readonly type: 'allow' | 'deny';
  readonly resource: { readonly type: string; readonly name?: string; readonly patternType?: string };
  readonly operations: string[];
  readonly host?: string;
}

export interface KafkaUserSpec {
  readonly authentication: { readonly type: string };
  readonly authorization: { readonly type: 'simple'; readonly acls: KafkaUserAcl[] };
  readonly quotas?: { readonly producerByteRate?: number; readonly consumerByteRate?: number };
}

export interface MirrorClusterAuthentication {
  readonly type: string;
  readonly username?: string;
  readonly passwordSecret?: { readonly secretName: string; readonly password: string };
  readonly certificateAndKey?: { readonly secretName: string; readonly certificate: string; readonly key: string };
}

/** Strimzi's client `authentication` (MirrorMaker2 clusters, Connect) logging in with `c`. */
export function strimziClientAuthentication(c: KafkaCredentials): MirrorClusterAuthentication {
  return c.authentication === KafkaAuthentication.TLS
    ? { type: 'tls', certificateAndKey: { secretName: c.secretName, certificate: KafkaCredentials.CERTIFICATE_KEY, key: KafkaCredentials.PRIVATE_KEY_KEY } }
    : { type: 'scram-sha-512', username: c.username, passwordSecret: { secretName: c.secretName, password: KafkaCredentials.PASSWORD_KEY } };
}

export interface MirrorClusterTls {
  readonly trustedCertificates: Array<{ readonly secretName: string; readonly certificate: string }>;
}

/** `sourceConnector` / `checkpointConnector` of a mirror. */
export interface MirrorConnectorSpec {
  readonly tasksMax: number;
  readonly autoRestart?: { readonly enabled: boolean; readonly maxRestarts?: number };
  readonly config: { [key: string]: string | number | boolean };
}

/** One entry of `KafkaMirrorMaker2.spec.mirrors`. */
export interface MirrorSpec {
  readonly source: {
    readonly alias: string;
    readonly bootstrapServers: string;
    readonly tls?: MirrorClusterTls;
    readonly authentication: MirrorClusterAuthentication;
  };
  readonly sourceConnector: MirrorConnectorSpec;
  readonly checkpointConnector?: MirrorConnectorSpec;
  readonly topicsPattern: string;
  readonly groupsPattern?: string;
}

export interface KafkaMirrorMaker2Spec {
  readonly version?: string;
  readonly replicas: number;
  readonly target: {
    readonly alias: string;
    readonly bootstrapServers: string;
    readonly groupId: string;
    readonly configStorageTopic: string;
    readonly statusStorageTopic: string;
    readonly offsetStorageTopic: string;
    readonly tls?: MirrorClusterTls;
    readonly authentication: MirrorClusterAuthentication;
    readonly config: { [key: string]: string | number | boolean };
  };
  readonly mirrors: MirrorSpec[];
  readonly resources: StrimziResources;
  readonly template: {
    readonly connectContainer: { readonly securityContext: StrimziSecurityContext };
  };
}

/** `ContainerResources`-derived requirements as plain strings (Strimzi's resources field). */
export function toStrimziResources(r: { requests?: { [k: string]: { value: any } }; limits?: { [k: string]: { value: any } } }): StrimziResources {
  const conv = (m?: { [k: string]: { value: any } }) => (m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v.value)])) : undefined);
  const requests = conv(r.requests);
  const limits = conv(r.limits);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}
