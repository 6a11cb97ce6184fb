import { ApiObject, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { RookNames } from './common';
import type { RookCephObjectStore } from './object-store';
import { EdgeLabels, edgeError, IObjectStore, NetworkPeer, ObjectStoreFlavor, Resources, S3Credentials, SecretKeyReference } from '../../core';
import { Shape } from '../../core/validate';

/** Options of {@link RookCephObjectStore.addUser}. */
export interface RookCephObjectStoreUserOptions {
  /**
   * Namespace of the CephObjectStoreUser, and so of the Secret Rook writes its keys to. The object store allows it
   * automatically.
   * @default - the cluster namespace
   */
  readonly namespace?: string;
  /**
   * User name (the CephObjectStoreUser's name).
   * @default - `<store name>-<id>`
   */
  readonly name?: string;
  /**
   * Display name in RGW.
   * @default - the user name
   */
  readonly displayName?: string;
  /**
   * Maximum number of buckets.
   * @default - RGW's default (1000)
   */
  readonly maxBuckets?: number;
  /**
   * Maximum total size of the user's objects.
   * @default - no quota
   */
  readonly maxSize?: Size;
  /**
   * Maximum number of objects.
   * @default - no quota
   */
  readonly maxObjects?: number;
}

/** Props of {@link RookCephObjectStoreUser}. */
export interface RookCephObjectStoreUserProps extends RookCephObjectStoreUserOptions {
  /** The object store. */
  readonly store: RookCephObjectStore;
}

/**
 * An RGW user (`CephObjectStoreUser`). Rook writes its access keys to the Secret
 * `rook-ceph-object-user-<store>-<user>` (keys `AccessKey`, `SecretKey`, `Endpoint`) in the user's namespace.
 * Implements `IObjectStore` with those credentials.
 */
export class RookCephObjectStoreUser extends Construct implements IObjectStore {
  /** The CephObjectStoreUser (escape hatch). */
  public readonly apiObject: ApiObject;
  /** User name. */
  public readonly userName: string;
  /** Namespace of the user and its Secret. */
  public readonly namespace: string;
  public readonly s3Endpoint: string;
  public readonly region: string;
  public readonly forcePathStyle: boolean;
  /** The keys Rook writes to the Secret `rook-ceph-object-user-<store>-<user>` (keys `AccessKey`, `SecretKey`). */
  public readonly credentials: S3Credentials;
  public readonly flavor: ObjectStoreFlavor;
  public readonly caCertificate?: SecretKeyReference;
  public readonly networkPeer?: NetworkPeer;

  constructor(scope: Construct, id: string, props: RookCephObjectStoreUserProps) {
    super(scope, id);
    Shape.check(this, props);
    const store = props.store;
    this.namespace = RookNames.label(this, 'namespace', props.namespace ?? store.namespace);
    this.userName = RookNames.label(this, props.name !== undefined ? 'name' : 'id', props.name ?? `${store.storeName}-${id}`);
    const secretName = `rook-ceph-object-user-${store.storeName}-${this.userName}`;
    for (const [prop, value] of [['maxBuckets', props.maxBuckets], ['maxObjects', props.maxObjects]] as Array<[string, number | undefined]>) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
        throw edgeError(this, { prop, value, rule: 'must be a positive whole number', fix: 'omit it for no limit' });
      }
    }
    store._allowUserNamespace(this.namespace);
    const quotas = {
      ...(props.maxBuckets !== undefined ? { maxBuckets: props.maxBuckets } : {}),
      ...(props.maxObjects !== undefined ? { maxObjects: props.maxObjects } : {}),
      ...(props.maxSize !== undefined ? { maxSize: Resources.sizeString(props.maxSize) } : {}),
    };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephObjectStoreUser',
      metadata: {
        name: this.userName,
        namespace: this.namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: this.userName, component: 'object-store-user' }),
      },
      spec: {
        store: store.storeName,
        displayName: props.displayName ?? this.userName,
        ...(this.namespace !== store.namespace ? { clusterNamespace: store.namespace } : {}),
        ...(Object.keys(quotas).length > 0 ? { quotas } : {}),
      },
    } as any);
    this.s3Endpoint = store.s3Endpoint;
    this.region = store.region;
    this.forcePathStyle = store.forcePathStyle;
    this.flavor = store.flavor;
    this.caCertificate = store.caCertificate;
    this.networkPeer = store.networkPeer;
    this.credentials = S3Credentials.fromOperatorSecret(secretName, `Rook (CephObjectStoreUser ${this.userName} in ${this.namespace})`, { accessKeyIdKey: 'AccessKey', secretAccessKeyKey: 'SecretKey' });
  }
}
