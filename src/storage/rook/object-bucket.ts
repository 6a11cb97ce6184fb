import { ApiObject, Lazy, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { CephKafkaNotificationOptions, RookCephKafkaBucketNotification } from './bucket-notification';
import { RookNames } from './common';
import type { RookCephObjectStore } from './object-store';
import { EdgeLabels, edgeError, IObjectStore, NetworkPeer, ObjectStoreFlavor, Resources, S3Credentials, SecretKeyReference } from '../../core';
import { S3Rules, Shape } from '../../core/validate';

/** Options of {@link RookCephObjectStore.addBucket}. */
export interface RookCephObjectBucketOptions {
  /**
   * Namespace of the ObjectBucketClaim: Rook writes the bucket's credentials (Secret) and endpoint (ConfigMap), named
   * after the claim, there. Notifications on the bucket live there too.
   * @default - the cluster namespace
   */
  readonly namespace?: string;
  /**
   * Bucket name (3–63 lowercase letters, digits, '-', '.'); unique within the object store.
   * @default - the construct id
   */
  readonly bucketName?: string;
  /**
   * Name of the ObjectBucketClaim (and of the Secret/ConfigMap Rook creates).
   * @default - the construct id
   */
  readonly claimName?: string;
  /**
   * Bucket quota: maximum objects.
   * @default - no quota
   */
  readonly maxObjects?: number;
  /**
   * Bucket quota: maximum size.
   * @default - no quota
   */
  readonly maxSize?: Size;
}

/** Props of {@link RookCephObjectBucket}. */
export interface RookCephObjectBucketProps extends RookCephObjectBucketOptions {
  /** The object store. */
  readonly store: RookCephObjectStore;
}

/**
 * A bucket provisioned through an `ObjectBucketClaim` on the object store's bucket StorageClass. Rook creates a Secret
 * and a ConfigMap named after the claim in its namespace (the access keys under S3Credentials' default keys;
 * `BUCKET_HOST`, `BUCKET_NAME`, `BUCKET_PORT`). Implements `IObjectStore` with the bucket's own credentials.
 */
export class RookCephObjectBucket extends Construct implements IObjectStore {
  /** The ObjectBucketClaim (escape hatch). */
  public readonly apiObject: ApiObject;
  /** The object store. */
  public readonly store: RookCephObjectStore;
  /** Bucket name. */
  public readonly bucketName: string;
  /** Claim name (also the Secret and ConfigMap name). */
  public readonly claimName: string;
  /** Namespace of the claim. */
  public readonly namespace: string;
  public readonly s3Endpoint: string;
  public readonly region: string;
  public readonly forcePathStyle: boolean;
  /** The bucket's keys, which Rook writes to the Secret named after the claim. */
  public readonly credentials: S3Credentials;
  public readonly flavor: ObjectStoreFlavor;
  public readonly caCertificate?: SecretKeyReference;
  public readonly networkPeer?: NetworkPeer;

  constructor(scope: Construct, id: string, props: RookCephObjectBucketProps) {
    super(scope, id);
    Shape.check(this, props);
    const store = props.store;
    this.store = store;
    this.namespace = RookNames.label(this, 'namespace', props.namespace ?? store.namespace);
    this.claimName = RookNames.label(this, props.claimName !== undefined ? 'claimName' : 'id', props.claimName ?? id);
    this.bucketName = props.bucketName ?? id;
    S3Rules.checkBucket(this, props.bucketName !== undefined ? 'bucketName' : 'id', this.bucketName);
    if (props.maxObjects !== undefined && !(Number.isInteger(props.maxObjects) && props.maxObjects >= 1)) {
      throw edgeError(this, { prop: 'maxObjects', value: props.maxObjects, rule: 'must be a positive whole number', fix: 'omit it for no limit' });
    }
    const additionalConfig = {
      ...(props.maxObjects !== undefined ? { maxObjects: String(props.maxObjects) } : {}),
      ...(props.maxSize !== undefined ? { maxSize: Resources.sizeString(props.maxSize) } : {}),
    };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'objectbucket.io/v1alpha1',
      kind: 'ObjectBucketClaim',
      metadata: {
        name: this.claimName,
        namespace: this.namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: this.claimName, component: 'bucket' }),
      },
      spec: {
        storageClassName: store.bucketStorageClassName,
        bucketName: this.bucketName,
        additionalConfig: Lazy.any({
          produce: () => {
            const statements = store._grantStatements(this.bucketName);
            const all: { [key: string]: string } = {
              ...additionalConfig,
              ...(statements.length > 0 ? { bucketPolicy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) } : {}),
            };
            return Object.keys(all).length > 0 ? all : undefined;
          },
        }),
      },
    } as any);
    this.s3Endpoint = store.s3Endpoint;
    this.region = store.region;
    this.forcePathStyle = store.forcePathStyle;
    this.flavor = store.flavor;
    this.caCertificate = store.caCertificate;
    this.networkPeer = store.networkPeer;
    this.credentials = S3Credentials.fromOperatorSecret(this.claimName, `Rook (ObjectBucketClaim ${this.claimName} in ${this.namespace})`);
  }

  /**
   * Publish this bucket's events to a Kafka topic: a CephBucketTopic (named after the Kafka topic, shared by all
   * buckets of the namespace) and a CephBucketNotification attached to the claim by label.
   */
  public addKafkaNotification(id: string, options: CephKafkaNotificationOptions): RookCephKafkaBucketNotification {
    return new RookCephKafkaBucketNotification(this, id, { ...options, bucket: this });
  }
}
