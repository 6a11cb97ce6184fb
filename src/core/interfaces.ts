import { SecretReaders } from './secret-readers';
import { KafkaCredentials, S3Credentials, SecretKeyReference } from './secrets';
import { Endpoints, KeyNames, S3Rules, Shape } from './validate';

/** Which S3 implementation sits behind an endpoint (decides compatibility switches such as Velero's checksums). */
export enum ObjectStoreFlavor {
  /** Amazon S3 itself. */
  AWS_S3 = 'aws-s3',
  /** MinIO (or an AIStor/fork image). */
  MINIO = 'minio',
  /** Ceph RADOS Gateway. */
  CEPH_RGW = 'ceph-rgw',
  /** Another S3-compatible service. */
  GENERIC_S3 = 'generic-s3',
}

/** Pods a NetworkPolicy must allow traffic to (or from). */
export interface NetworkPeer {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels selecting the pods. */
  readonly podLabels: { [key: string]: string };
  /** TCP ports the pods listen on. */
  readonly ports: number[];
}

/**
 * An S3-compatible object store reachable from the cluster: MinIO, Ceph RGW, or an external endpoint
 * ({@link ExternalObjectStore}). Backup, archive, sync and blueprints take this instead of a concrete class.
 */
export interface IObjectStore {
  /** S3 endpoint URL, e.g. `http://store.site-a.svc.cluster.local:9000`. */
  readonly s3Endpoint: string;
  /** Region name to sign requests with (`us-east-1` for most S3-compatible stores). */
  readonly region: string;
  /** Use path-style addressing (`endpoint/bucket/key`); required by most in-cluster stores. */
  readonly forcePathStyle: boolean;
  /** Access keys for clients of this store. */
  readonly credentials: S3Credentials;
  /** The implementation behind the endpoint. */
  readonly flavor: ObjectStoreFlavor;
  /**
   * CA certificate (PEM) that signs the endpoint's TLS certificate, when it is not publicly trusted.
   * @default - no extra CA
   */
  readonly caCertificate?: SecretKeyReference;
  /**
   * The store's pods, for NetworkPolicies of its clients.
   * @default - outside the cluster: clients need egress to the endpoint's address instead
   */
  readonly networkPeer?: NetworkPeer;
}

/** Props of {@link ExternalObjectStore}. */
export interface ExternalObjectStoreProps {
  /** S3 endpoint URL (`http://` or `https://`, host, optional port). */
  readonly s3Endpoint: string;
  /** Access keys, by Secret reference. */
  readonly credentials: S3Credentials;
  /**
   * Signing region.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Path-style addressing.
   * @default - false for AWS S3, true otherwise
   */
  readonly forcePathStyle?: boolean;
  /**
   * The implementation behind the endpoint.
   * @default ObjectStoreFlavor.GENERIC_S3
   */
  readonly flavor?: ObjectStoreFlavor;
  /**
   * CA certificate for a privately signed endpoint.
   * @default - none
   */
  readonly caCertificate?: SecretKeyReference;
  /**
   * In-cluster pods serving the endpoint, if any.
   * @default - none
   */
  readonly networkPeer?: NetworkPeer;
}

/** An object store given by endpoint (a cloud bucket service or a store managed elsewhere). */
export class ExternalObjectStore implements IObjectStore {
  public readonly s3Endpoint: string;
  public readonly region: string;
  public readonly forcePathStyle: boolean;
  public readonly credentials: S3Credentials;
  public readonly flavor: ObjectStoreFlavor;
  public readonly caCertificate?: SecretKeyReference;
  public readonly networkPeer?: NetworkPeer;

  constructor(props: ExternalObjectStoreProps) {
    const label = 'ExternalObjectStore';
    Shape.check(label, props, { required: ['s3Endpoint', 'credentials'], strings: ['s3Endpoint', 'region'] });
    Endpoints.refuseCredentials(label, 's3Endpoint', props.s3Endpoint, { credentialsProp: 'credentials (S3Credentials from a Secret with the access keys)' });
    S3Rules.checkRegion(label, 'region', props.region);
    SecretReaders.checkS3(label, 'credentials', props.credentials, 'the store\'s clients');
    KeyNames.checkSecretRef(label, 'caCertificate', props.caCertificate);
    let url: URL | undefined;
    try {
      url = new URL(props.s3Endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.replace(/\/$/, '') !== '') {
      throw new Error(`ExternalObjectStore: s3Endpoint = "${props.s3Endpoint}": must be an http(s) URL with host and optional port and no path; use e.g. "https://s3.example.com" or "http://minio.ns.svc.cluster.local:9000"`);
    }
    this.s3Endpoint = props.s3Endpoint.replace(/\/$/, '');
    this.flavor = props.flavor ?? ObjectStoreFlavor.GENERIC_S3;
    this.region = props.region ?? 'us-east-1';
    this.forcePathStyle = props.forcePathStyle ?? this.flavor !== ObjectStoreFlavor.AWS_S3;
    this.credentials = props.credentials;
    this.caCertificate = props.caCertificate;
    this.networkPeer = props.networkPeer;
  }
}

/**
 * Copies of Strimzi's Secrets in a consumer's own namespace, which the operator creates and keeps in sync (e.g. with
 * a Secret-replication controller, or `kubectl get secret … -o yaml` edited and applied there). A pod can only mount
 * Secrets of its own namespace, while Strimzi writes the cluster CA and KafkaUser Secrets in the Kafka namespace only.
 */
export interface KafkaSecretCopies {
  /**
   * Copy of the cluster CA certificate (the topic's `caCertificate`) in the consumer's namespace.
   * @default - the consumer mounts the topic's CA Secret itself (it must be in the consumer's namespace)
   */
  readonly caCertificate?: SecretKeyReference;
  /**
   * Copy of the KafkaUser's Secret in the consumer's namespace, e.g. `credentials.copiedTo('minio-kafka-user', 'minio')`
   * (same user, same authentication, same keys).
   * @default - the consumer mounts the credentials' Secret itself (it must be in the consumer's namespace)
   */
  readonly credentials?: KafkaCredentials;
}

/**
 * A Kafka topic that producers (MinIO/Ceph bucket notifications, telemetry) publish events to. Implemented by the
 * sync module's topics; blueprints connect producers to it.
 */
export interface IEventTopic {
  /** The Kafka topic name. */
  readonly topicName: string;
  /** Bootstrap servers, `host:port[,host:port]`. */
  readonly bootstrapServers: string;
  /**
   * CA certificate of the brokers' TLS listener.
   * @default - plain-text listener
   */
  readonly caCertificate?: SecretKeyReference;
  /**
   * Namespace of the CA Secret and of the cluster's KafkaUser Secrets (the Kafka cluster's namespace for Strimzi).
   * Consumers in another namespace are rejected at synth unless they name copies (`secretCopies`).
   * @default - for a Strimzi bootstrap address `<cluster>-kafka-bootstrap.<ns>.svc` with CA `<cluster>-cluster-ca-cert`,
   * `<ns>`; else unknown (not checked)
   */
  readonly secretNamespace?: string;
  /**
   * The brokers' pods, for producers' NetworkPolicies.
   * @default - unknown
   */
  readonly networkPeer?: NetworkPeer;
}
