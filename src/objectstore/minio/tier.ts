import { Construct } from 'constructs';
import type { MinioCluster } from './cluster';
import { checkClusterProp } from './internal';
import { edgeError, IObjectStore, ObjectStoreFlavor, SecretReaders } from '../../core';
import { S3Rules, Shape } from '../../core/validate';

/** Options of {@link MinioCluster.addTier}. */
export interface MinioTierOptions {
  /**
   * Tier name, referenced by lifecycle transitions (MinIO stores it in upper case).
   * @default - the construct id in upper case
   */
  readonly name?: string;
  /** The remote store objects move to. Its credentials (by Secret reference) must be allowed to write `bucket`. */
  readonly target: IObjectStore;
  /** Bucket on the remote store. */
  readonly bucket: string;
  /**
   * Key prefix inside the remote bucket.
   * @default - none
   */
  readonly prefix?: string;
  /**
   * Region of the remote bucket.
   * @default - the target's region
   */
  readonly region?: string;
  /**
   * Storage class on the remote store (S3 targets only).
   * @default - the target's default
   */
  readonly storageClass?: string;
}

/** Props of {@link MinioTier}. */
export interface MinioTierProps extends MinioTierOptions {
  /** The cluster whose provisioning Job adds the tier. */
  readonly cluster: MinioCluster;
}

/**
 * A remote tier of a {@link MinioCluster} (`mc ilm tier add`), the destination of lifecycle transitions.
 * `cluster.addTier(id, options)` or `new MinioTier(scope, id, { cluster, ...options })`.
 */
export class MinioTier extends Construct {
  /** Tier name (upper case). */
  public readonly tierName: string;
  /** `minio` for MinIO targets, `s3` for anything else. */
  public readonly tierType: string;
  /** The remote store. */
  public readonly target: IObjectStore;
  /** Remote bucket. */
  public readonly bucket: string;
  /** Remote prefix, if any. */
  public readonly prefix?: string;
  /** Remote region. */
  public readonly region: string;
  /** Remote storage class, if any. */
  public readonly storageClass?: string;

  constructor(scope: Construct, id: string, props: MinioTierProps) {
    super(scope, id);
    Shape.check(this, props);
    checkClusterProp(this, props.cluster, 'tier', 'addTier');
    const options: MinioTierOptions = props;
    S3Rules.checkRegion(this, 'region', options.region);
    const name = options.name ?? id.toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9_-]{0,63}$/.test(name)) {
      throw edgeError(this, { prop: 'name', value: name, rule: 'tier names must be upper case: letters, digits, - and _, at most 64 characters', fix: `use "${name.toUpperCase().replace(/[^A-Z0-9_-]+/g, '-').replace(/^[^A-Z0-9]+/, '').slice(0, 64) || 'WARM'}"` });
    }
    S3Rules.checkBucket(this, 'bucket', options.bucket);
    if (options.storageClass !== undefined && options.target.flavor === ObjectStoreFlavor.MINIO) {
      throw edgeError(this, { prop: 'storageClass', value: options.storageClass, rule: 'MinIO tiers have no storage class', fix: 'drop storageClass' });
    }
    this.tierName = name;
    this.tierType = options.target.flavor === ObjectStoreFlavor.MINIO ? 'minio' : 's3';
    this.target = options.target;
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.region = options.region ?? options.target.region;
    this.storageClass = options.storageClass;
    SecretReaders.checkS3(this, 'target.credentials', options.target.credentials, 'the tier');
    options.target.credentials.requireIn(this, {
      namespace: props.cluster.namespace,
      purpose: `keys of ${options.target.s3Endpoint} (bucket ${options.bucket}), read by the provisioning Job of MinIO ${props.cluster.name} to add tier ${name}`,
    });
    props.cluster._registerTier(this);
  }
}
