import { IConstruct } from 'constructs';
import { edgeError } from './errors';
import { IObjectStore, NetworkPeer } from './interfaces';
import { KubeNames } from './names';
import { RequiredSecret, S3Credentials } from './secrets';
import { S3Rules } from './validate/s3';

/** What a grant lets a consumer do with the objects of its buckets. */
export enum ObjectStoreAccess {
  /** List and download objects. */
  READ = 'read',
  /** Upload objects (no listing, no download, no delete): e.g. recorders and cameras. */
  WRITE = 'write',
  /** List, download, upload and delete objects (no bucket administration). */
  READ_WRITE = 'read-write',
}

/** The pods a grant is for. */
export interface ObjectStoreConsumer {
  /**
   * Short name of the consumer (a DNS-1123 label of at most 30 characters): names its store user, policy, key Secret
   * and network flow, so it must be unique among the consumers of one store.
   */
  readonly name: string;
  /** Namespace of the consumer's pods (where they read their keys). */
  readonly namespace: string;
  /** Labels of the consumer's pods. Empty labels admit every pod of the namespace. */
  readonly podLabels: { [key: string]: string };
}

/** Options of a grant. */
export interface ObjectStoreGrantOptions {
  /** Buckets the consumer may use (and nothing else). */
  readonly buckets: string[];
  /**
   * Key prefix inside each bucket the grant is limited to (e.g. a site or tenant folder).
   * @default - the whole bucket
   */
  readonly prefix?: string;
  /**
   * Name of the Secret holding the consumer's keys (under S3Credentials' default keys).
   * @default - `<store name>-<consumer name>`
   */
  readonly secretName?: string;
  /**
   * Where the consumer itself reads its keys when that is not the key Secret (e.g. Velero's AWS credentials file),
   * for the report's list of Secrets.
   * @default - the key Secret, in the consumer's namespace
   */
  readonly consumerCredential?: RequiredSecret;
}

/** The result of a grant: what was created and what the consumer (and the operator) need to know. */
export interface ObjectStoreGrant {
  /** Who was granted. */
  readonly consumer: ObjectStoreConsumer;
  /** What they may do. */
  readonly access: ObjectStoreAccess;
  /** On which buckets. */
  readonly buckets: string[];
  /**
   * The key prefix the grant is limited to.
   * @default - the whole bucket
   */
  readonly prefix?: string;
  /** Name of the store's policy for this grant (MinIO policy or RGW bucket-policy statement id). */
  readonly policyName: string;
  /** The keys the consumer signs with (a Secret in the consumer's namespace). */
  readonly credentials: S3Credentials;
  /** The store as this consumer sees it: same endpoint, the consumer's own keys. Pass this to the consumer. */
  readonly objectStore: IObjectStore;
  /**
   * The store's pods (the network flow consumer → store goes there).
   * @default - the store is outside the cluster: the consumer needs WAN egress to its endpoint
   */
  readonly storePeer?: NetworkPeer;
  /**
   * Secrets the operator must create for this grant (empty when an operator writes them, e.g. Rook); the store also
   * records them in its chart's `RequiredSecrets`.
   */
  readonly requiredSecrets: RequiredSecret[];
  /** One line for reports: who may do what where. */
  readonly description: string;
}

/**
 * An object store that creates per-consumer identities: each grant makes a store user with a least-privilege policy
 * (only the named buckets, only the actions of the access), the Secret reference its keys come from, and admits the
 * consumer's pods at the store's network policy. Implemented by `MinioCluster` and `RookCephObjectStore`.
 */
export interface IGrantableObjectStore extends IObjectStore {
  /** Every grant made so far. */
  readonly grants: ObjectStoreGrant[];
  /** Let `consumer` list and download objects of `options.buckets`. */
  grantRead(consumer: ObjectStoreConsumer, options: ObjectStoreGrantOptions): ObjectStoreGrant;
  /** Let `consumer` upload objects to `options.buckets` (no listing, no download, no delete). */
  grantWrite(consumer: ObjectStoreConsumer, options: ObjectStoreGrantOptions): ObjectStoreGrant;
  /** Let `consumer` list, download, upload and delete objects of `options.buckets`. */
  grantReadWrite(consumer: ObjectStoreConsumer, options: ObjectStoreGrantOptions): ObjectStoreGrant;
}

/** Where and how one program uses a set of S3 keys: the unit a key policy is built from. */
export interface S3KeyUse {
  /** Bucket. */
  readonly bucket: string;
  /**
   * Key prefix inside the bucket (a folder: `site-a` covers `site-a/…`).
   * @default - the whole bucket
   */
  readonly prefix?: string;
  /** What the program does there. */
  readonly access: ObjectStoreAccess;
}

/** One policy statement in the library's neutral form (MinIO policies and IAM JSON are rendered from it). */
export interface ObjectStorePolicyStatement {
  /** S3 actions. */
  readonly actions: string[];
  /** Resource ARNs. */
  readonly resources: string[];
  /**
   * IAM conditions.
   * @default - none
   */
  readonly conditions?: { [operator: string]: { [key: string]: string[] } };
}

/**
 * The IAM statements of each access level (the AWS/MinIO/RGW policy grammar).
 *
 * Internal (not exported from the package; the building blocks import it from `src/core`).
 */
export class ObjectStoreGrantStatements {
  /** Bucket-level actions of an access level (resource `arn:aws:s3:::BUCKET`). */
  public static bucketActions(access: ObjectStoreAccess): string[] {
    switch (access) {
      case ObjectStoreAccess.READ: return ['s3:GetBucketLocation', 's3:ListBucket'];
      case ObjectStoreAccess.WRITE: return ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'];
      default: return ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:ListBucketVersions'];
    }
  }

  /** Object-level actions of an access level (resource `arn:aws:s3:::BUCKET/PREFIX*`). */
  public static objectActions(access: ObjectStoreAccess): string[] {
    switch (access) {
      case ObjectStoreAccess.READ: return ['s3:GetObject'];
      case ObjectStoreAccess.WRITE: return ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
      default: return ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
    }
  }

  /**
   * Checks what every store's grant needs: a consumer name that can name a user, policy and Secret (DNS-1123 label of
   * at most 30 characters), a namespace, and at least one valid bucket name.
   */
  public static checkRequest(store: IConstruct, consumer: ObjectStoreConsumer, options: ObjectStoreGrantOptions): void {
    KubeNames.assertDns1123Label(store, 'consumer.name', consumer.name, 30);
    KubeNames.assertDns1123Label(store, `consumer "${consumer.name}" namespace`, consumer.namespace);
    if (options.buckets.length === 0) {
      throw edgeError(store, { prop: `grant to "${consumer.name}": buckets`, value: [], rule: 'a grant names the buckets it allows (least privilege)', fix: 'list the buckets the consumer needs' });
    }
    options.buckets.forEach((b, i) => S3Rules.checkBucket(store, `grant to "${consumer.name}": buckets[${i}]`, b));
  }

  /**
   * The statements that allow `access` on `buckets` under `prefix` and nothing else: bucket-level actions, the listing
   * actions limited to the prefix by an `s3:prefix` condition (only those take it: MinIO rejects a policy where
   * ListBucketMultipartUploads has it), object actions on `bucket/prefix*`.
   */
  public static statements(access: ObjectStoreAccess, buckets: string[], prefix?: string): ObjectStorePolicyStatement[] {
    const p = ObjectStoreGrantStatements.normalisePrefix(prefix);
    const bucketArns = buckets.map((b) => `arn:aws:s3:::${b}`);
    const isList = (a: string) => a === 's3:ListBucket' || a === 's3:ListBucketVersions';
    const bucketActions = ObjectStoreGrantStatements.bucketActions(access);
    const listActions = bucketActions.filter(isList);
    return [
      { actions: bucketActions.filter((a) => !isList(a)), resources: bucketArns },
      ...(listActions.length > 0 ? [{ actions: listActions, resources: bucketArns, ...(p ? { conditions: { StringLike: { 's3:prefix': [`${p}*`] } } } : {}) }] : []),
      { actions: ObjectStoreGrantStatements.objectActions(access), resources: buckets.map((b) => `arn:aws:s3:::${b}/${p}*`) },
    ];
  }

  /**
   * The IAM policy document (JSON) for keys the operator creates on a store the library does not provision (a cloud
   * bucket): the union of what each use needs, nothing more. AWS IAM, MinIO and Ceph RGW accept this grammar.
   */
  public static policyDocument(uses: S3KeyUse[]): string {
    const statements = uses.flatMap((u) => ObjectStoreGrantStatements.statements(u.access, [u.bucket], u.prefix));
    const seen = new Set<string>();
    const unique = statements.filter((st) => {
      const key = JSON.stringify(st);
      return !seen.has(key) && seen.add(key) !== undefined;
    });
    return JSON.stringify({
      Version: '2012-10-17',
      Statement: unique.map((st) => ({ Effect: 'Allow', Action: st.actions, Resource: st.resources, ...(st.conditions ? { Condition: st.conditions } : {}) })),
    }, undefined, 2);
  }

  /** Normalised prefix (`a/b/`), or '' for the whole bucket. */
  public static normalisePrefix(prefix?: string): string {
    const p = (prefix ?? '').replace(/^\/+|\/+$/g, '');
    return p ? `${p}/` : '';
  }

  private constructor() {}
}
