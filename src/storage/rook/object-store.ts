import { ApiObject, Lazy } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ReclaimPolicy } from '../storage-class';
import { RbdStorageClasses } from './block-pool';
import type { RookCephCluster } from './cluster';
import { CephErasureCodedPoolOptions, CephFailureDomain, CephReplicatedPoolOptions, PoolSpecs, RookNames } from './common';
import { RookCephObjectBucket, RookCephObjectBucketOptions } from './object-bucket';
import { RookCephObjectStoreUser, RookCephObjectStoreUserOptions } from './object-store-user';
import {
  EdgeLabels, edgeError, EdgeMessages, ExternalObjectStore, IGrantableObjectStore, KubeNames, NetworkPeer, ObjectStoreAccess,
  ObjectStoreConsumer, ObjectStoreFlavor, ObjectStoreGrant, ObjectStoreGrantOptions, ObjectStoreGrantStatements,
  RequiredSecrets, S3Credentials, SecretKeyReference, SecretReaders, TlsCredentials,
} from '../../core';
import { KeyNames, S3Rules, Shape } from '../../core/validate';

/** The bucket StorageClass (ObjectBucketClaims) of an object store. */
export interface CephBucketStorageClassOptions {
  /**
   * StorageClass name (cluster-scoped).
   * @default - `ceph-bucket-<object store id>`
   */
  readonly name?: string;
  /**
   * What happens to the bucket and its objects when the ObjectBucketClaim is deleted.
   * @default ReclaimPolicy.DELETE
   */
  readonly reclaimPolicy?: ReclaimPolicy;
}

/** Options of {@link RookCephCluster.addObjectStore}. */
export interface RookCephObjectStoreOptions {
  /**
   * Object store name (CephObjectStore name; the RGW Service is `rook-ceph-rgw-<name>`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Failure domain of every pool that does not set its own.
   * @default CephFailureDomain.HOST
   */
  readonly failureDomain?: CephFailureDomain;
  /**
   * Device class of every pool that does not set its own.
   * @default - none
   */
  readonly deviceClass?: string;
  /**
   * Options of the metadata pools (index, logs, `.rgw.root`): always replicated, RGW needs omap.
   * @default - 3 replicas
   */
  readonly metadataPool?: CephReplicatedPoolOptions;
  /**
   * A replicated data pool. Give this or `erasureCodedDataPool`.
   * @default - 3 replicas, unless erasureCodedDataPool is given
   */
  readonly dataPool?: CephReplicatedPoolOptions;
  /**
   * An erasure-coded data pool (the only RGW pool that may be erasure-coded).
   * @default - a replicated data pool
   */
  readonly erasureCodedDataPool?: CephErasureCodedPoolOptions;
  /**
   * HTTP port of the RGW Service (the pods listen on 8080).
   * @default - 80 without TLS; no HTTP port when `tls` is given
   */
  readonly port?: number;
  /**
   * HTTPS port (pods and Service). Needs `tls`.
   * @default - 443 when `tls` is given
   */
  readonly securePort?: number;
  /**
   * The RGW TLS certificate: a `kubernetes.io/tls` Secret in the cluster namespace, e.g.
   * `TlsCredentials.fromSecretName('rgw-tls')` (Rook's `gateway.sslCertificateRef` takes only the Secret name and
   * mounts the standard keys of that Secret type, so other key names are refused).
   * @default - no TLS
   */
  readonly tls?: TlsCredentials;
  /**
   * CA certificate clients need to trust the TLS endpoint (passed on through `IObjectStore.caCertificate`).
   * @default - the CA in the `tls` Secret (its `caCertificateKey`), if any; else none (publicly trusted, or no TLS)
   */
  readonly caCertificate?: SecretKeyReference;
  /**
   * Secret in the cluster namespace whose key `cabundle` holds extra CAs RGW trusts for its outgoing connections
   * (e.g. Kafka brokers receiving bucket notifications). A name, not a key reference: Rook's `gateway.caBundleRef`
   * always reads the key `cabundle`.
   * @default - system CAs only
   */
  readonly caBundleSecretName?: string;
  /**
   * RGW pods.
   * @default 2
   */
  readonly instances?: number;
  /**
   * RGW requests and limits.
   * @default - none
   */
  readonly resources?: ContainerResources;
  /**
   * PriorityClass of the RGW pods.
   * @default - none
   */
  readonly priorityClassName?: string;
  /**
   * Keep the pools (and all objects) when the CephObjectStore is deleted.
   * @default true
   */
  readonly preservePoolsOnDelete?: boolean;
  /**
   * The bucket StorageClass.
   * @default - `ceph-bucket-<id>`, Delete
   */
  readonly bucketStorageClass?: CephBucketStorageClassOptions;
  /**
   * S3 credentials that `IObjectStore` consumers use (a Secret in the consumer's namespace).
   * @default - a CephObjectStoreUser `<name>-client` in the cluster namespace; Rook writes its keys to the Secret
   * `rook-ceph-object-user-<name>-<name>-client` (keys `AccessKey`, `SecretKey`). Consumers in other namespaces should
   * use `addUser(id, { namespace })` or `addBucket` instead.
   */
  readonly credentials?: S3Credentials;
  /**
   * Region name clients sign with.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Let RGW accept Kafka credentials for bucket-notification topics over plain HTTP
   * (`rgw_allow_notification_secrets_in_cleartext`). Needed for SCRAM-authenticated notifications when the store has
   * no TLS: the Rook operator creates topics over the in-cluster HTTP endpoint.
   * @default false
   */
  readonly allowNotificationSecretsInCleartext?: boolean;
}

/** Props of {@link RookCephObjectStore}. */
export interface RookCephObjectStoreProps extends RookCephObjectStoreOptions {
  /** The cluster the object store lives in. */
  readonly cluster: RookCephCluster;
}

/**
 * A Ceph RADOS Gateway object store (`CephObjectStore`): replicated metadata pools, a replicated or erasure-coded data
 * pool, RGW pods, and a bucket StorageClass for ObjectBucketClaims. Implements `IObjectStore` so backup, archive and
 * sync constructs can use it as their S3 backend.
 *
 * In-cluster endpoint: `http://rook-ceph-rgw-<name>.<namespace>.svc:<port>` (or `https://…:<securePort>` with TLS).
 */
export class RookCephObjectStore extends Construct implements IGrantableObjectStore {
  /** The CephObjectStore (escape hatch). */
  public readonly apiObject: ApiObject;
  /** The cluster. */
  public readonly cluster: RookCephCluster;
  /** Object store name. */
  public readonly storeName: string;
  /** Namespace (the cluster's). */
  public readonly namespace: string;
  /** The RGW Service name. */
  public readonly serviceName: string;
  /** HTTP Service port, if any. */
  public readonly port?: number;
  /** HTTPS port, if TLS is configured. */
  public readonly securePort?: number;
  /** Whether RGW serves TLS. */
  public readonly tlsEnabled: boolean;
  public readonly s3Endpoint: string;
  public readonly region: string;
  public readonly forcePathStyle: boolean;
  public readonly credentials: S3Credentials;
  public readonly flavor: ObjectStoreFlavor;
  public readonly caCertificate?: SecretKeyReference;
  public readonly networkPeer?: NetworkPeer;
  /** The bucket StorageClass name (for ObjectBucketClaims). */
  public readonly bucketStorageClassName: string;
  /** The user created for `credentials` when none were given. */
  public readonly defaultUser?: RookCephObjectStoreUser;
  /** Whether Kafka credentials may be sent to RGW over plain HTTP. */
  public readonly allowsNotificationSecretsInCleartext: boolean;
  /** Name of the Secret holding CAs RGW trusts for outgoing connections, if any. */
  public readonly caBundleSecretName?: string;

  private readonly userNamespaces = new Set<string>();
  private readonly _buckets: RookCephObjectBucket[] = [];
  private readonly _grants: ObjectStoreGrant[] = [];
  private readonly topics = new Map<string, { construct: ApiObject; signature: string }>();

  constructor(scope: Construct, id: string, props: RookCephObjectStoreProps) {
    super(scope, id);
    Shape.check(this, props);
    S3Rules.checkRegion(this, 'region', props.region);
    KeyNames.checkSecretRef(this, 'caCertificate', props.caCertificate);
    if (props.credentials !== undefined) SecretReaders.checkS3(this, 'credentials', props.credentials, 'the store\'s clients');
    const cluster = props.cluster;
    this.cluster = cluster;
    this.namespace = cluster.namespace;
    this.storeName = RookNames.label(this, props.name !== undefined ? 'name' : 'id', props.name ?? id, 40);
    this.serviceName = `rook-ceph-rgw-${this.storeName}`;
    this.caBundleSecretName = props.caBundleSecretName;
    this.allowsNotificationSecretsInCleartext = props.allowNotificationSecretsInCleartext ?? false;

    if (props.dataPool && props.erasureCodedDataPool) {
      throw edgeError(this, { prop: 'dataPool/erasureCodedDataPool', value: 'both', rule: 'an object store has one data pool', fix: 'give either dataPool (replicated) or erasureCodedDataPool' });
    }
    if ((props.metadataPool as any)?.dataChunks !== undefined || (props.metadataPool as any)?.codingChunks !== undefined) {
      throw edgeError(this, { prop: 'metadataPool', value: 'erasure-coded', rule: 'RGW keeps bucket indexes and logs in omap, which erasure-coded pools lack: only the data pool may be erasure-coded', fix: 'move the erasure-coding options to erasureCodedDataPool' });
    }
    const inherit = { failureDomain: props.failureDomain, deviceClass: props.deviceClass };
    const metadata: CephReplicatedPoolOptions = { ...inherit, ...(props.metadataPool ?? {}) };
    PoolSpecs.validate(this, 'metadataPool', metadata, false);
    const ec: CephErasureCodedPoolOptions | undefined = props.erasureCodedDataPool ? { ...inherit, ...props.erasureCodedDataPool } : undefined;
    const data: CephReplicatedPoolOptions | undefined = ec ? undefined : { ...inherit, ...(props.dataPool ?? {}) };
    if (ec) PoolSpecs.validate(this, 'erasureCodedDataPool', ec, true);
    if (data) PoolSpecs.validate(this, 'dataPool', data, false);

    // Ports and TLS.
    SecretReaders.checkTls(this, 'tls', props.tls);
    this.tlsEnabled = props.tls !== undefined;
    const tls = props.tls;
    if (tls && (tls.certificateKey !== TlsCredentials.CERTIFICATE_KEY || tls.privateKeyKey !== TlsCredentials.PRIVATE_KEY_KEY)) {
      throw edgeError(this, {
        prop: 'tls',
        value: `${tls.secretName} (keys ${tls.certificateKey}, ${tls.privateKeyKey})`,
        rule: `Rook mounts the RGW certificate from the fixed keys ${TlsCredentials.CERTIFICATE_KEY} and ${TlsCredentials.PRIVATE_KEY_KEY} of a kubernetes.io/tls Secret; other key names are never read`,
        fix: `store the certificate in a kubernetes.io/tls Secret and pass TlsCredentials.fromSecretName("${tls.secretName}")`,
      });
    }
    if (props.caBundleSecretName !== undefined) KubeNames.assertDns1123Subdomain(this, 'caBundleSecretName', props.caBundleSecretName);
    if (props.securePort !== undefined && !this.tlsEnabled) {
      throw edgeError(this, { prop: 'securePort', value: props.securePort, rule: 'RGW can only serve HTTPS with a certificate', fix: 'set tls to the Secret holding the certificate (TlsCredentials.fromSecretName), or drop securePort' });
    }
    tls?.requireIn(this, { namespace: cluster.namespace, purpose: `RGW of object store ${this.storeName}: HTTPS certificate (gateway.sslCertificateRef; type kubernetes.io/tls)` });
    if (props.caBundleSecretName) {
      RequiredSecrets.add(this, { name: props.caBundleSecretName, namespace: cluster.namespace, keys: ['cabundle'], purpose: `RGW of object store ${this.storeName}: CAs it trusts for outgoing connections, e.g. Kafka brokers of bucket notifications (gateway.caBundleRef)` });
    }
    this.port = props.port ?? (this.tlsEnabled ? undefined : 80);
    this.securePort = this.tlsEnabled ? props.securePort ?? 443 : undefined;
    for (const [prop, value] of [['port', this.port], ['securePort', this.securePort]] as Array<[string, number | undefined]>) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= 65535)) {
        throw edgeError(this, { prop, value, rule: 'must be a TCP port (1–65535)', fix: prop === 'port' ? 'use 80' : 'use 443' });
      }
    }
    if (this.port !== undefined && this.port === this.securePort) {
      throw edgeError(this, { prop: 'port/securePort', value: this.port, rule: 'HTTP and HTTPS need different ports', fix: 'use 80 and 443' });
    }
    const instances = props.instances ?? 2;
    if (!Number.isInteger(instances) || instances < 1) {
      throw edgeError(this, { prop: 'instances', value: instances, rule: 'must be at least 1 RGW pod', fix: 'use 2 for availability' });
    }

    // Pools.
    const record = (prop: string, poolName: string, opts: CephReplicatedPoolOptions) => cluster._registerPool({
      owner: this,
      poolName,
      prop,
      replicated: true,
      size: opts.replicas ?? 3,
      failureDomain: (opts.failureDomain ?? CephFailureDomain.HOST).value,
      deviceClass: opts.deviceClass,
    });
    record('metadataPool', `${this.storeName}.rgw.*`, metadata);
    if (data) record('dataPool', `${this.storeName}.rgw.buckets.data`, data);
    if (ec) {
      const k = ec.dataChunks ?? 2;
      const m = ec.codingChunks ?? 2;
      cluster._registerPool({
        owner: this,
        poolName: `${this.storeName}.rgw.buckets.data`,
        prop: 'erasureCodedDataPool',
        replicated: false,
        size: k + m,
        dataChunks: k,
        codingChunks: m,
        failureDomain: (ec.failureDomain ?? CephFailureDomain.HOST).value,
        deviceClass: ec.deviceClass,
      });
    }

    const rgwConfig = this.allowsNotificationSecretsInCleartext ? { rgw_allow_notification_secrets_in_cleartext: 'true' } : undefined;
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephObjectStore',
      metadata: {
        name: this.storeName,
        namespace: cluster.namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: this.storeName, component: 'object-store' }),
      },
      spec: {
        metadataPool: PoolSpecs.replicated(metadata),
        dataPool: ec ? PoolSpecs.erasureCoded(ec) : PoolSpecs.replicated(data!),
        preservePoolsOnDelete: props.preservePoolsOnDelete ?? true,
        allowUsersInNamespaces: Lazy.any({ produce: () => (this.userNamespaces.size > 0 ? [...this.userNamespaces].sort() : undefined) }),
        gateway: {
          ...(this.port !== undefined ? { port: this.port } : {}),
          ...(this.securePort !== undefined ? { securePort: this.securePort, sslCertificateRef: tls!.secretName } : {}),
          ...(props.caBundleSecretName ? { caBundleRef: props.caBundleSecretName } : {}),
          instances,
          ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
          ...(props.resources ? { resources: RookNames.resources(props.resources) } : {}),
          ...(rgwConfig ? { rgwConfig } : {}),
          placement: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{
                weight: 100,
                podAffinityTerm: {
                  labelSelector: { matchExpressions: [{ key: 'rook_object_store', operator: 'In', values: [this.storeName] }] },
                  topologyKey: 'kubernetes.io/hostname',
                },
              }],
            },
          },
        },
      },
    } as any);

    // IObjectStore.
    const host = `${this.serviceName}.${this.namespace}.svc`;
    this.s3Endpoint = this.tlsEnabled ? `https://${host}:${this.securePort}` : `http://${host}:${this.port}`;
    this.region = props.region ?? 'us-east-1';
    this.forcePathStyle = true;
    this.flavor = ObjectStoreFlavor.CEPH_RGW;
    this.caCertificate = props.caCertificate ?? tls?.caCertificate;
    const podPorts = [
      ...(this.port !== undefined ? [cluster.hostNetwork ? this.port : 8080] : []),
      ...(this.securePort !== undefined ? [this.securePort] : []),
    ];
    this.networkPeer = { namespace: this.namespace, podLabels: { app: 'rook-ceph-rgw', rook_object_store: this.storeName }, ports: podPorts };

    // Bucket StorageClass.
    const scOpts = props.bucketStorageClass ?? {};
    this.bucketStorageClassName = scOpts.name ?? `ceph-bucket-${id}`;
    KubeNames.assertDns1123Subdomain(this, scOpts.name !== undefined ? 'bucketStorageClass.name' : 'id', this.bucketStorageClassName);
    RbdStorageClasses.storageClass(this, cluster, this.bucketStorageClassName, cluster.bucketProvisioner, {
      objectStoreName: this.storeName,
      objectStoreNamespace: this.namespace,
    }, { reclaimPolicy: scOpts.reclaimPolicy }, 'BucketStorageClass');

    if (props.credentials) {
      this.credentials = props.credentials;
    } else {
      this.defaultUser = new RookCephObjectStoreUser(this, 'client', { store: this, name: `${this.storeName}-client` });
      this.credentials = this.defaultUser.credentials;
    }
    this.node.addValidation({ validate: () => this.validateGrants() });
  }

  /** An RGW user (CephObjectStoreUser) whose keys Rook writes to a Secret in `namespace`. */
  public addUser(id: string, options: RookCephObjectStoreUserOptions = {}): RookCephObjectStoreUser {
    return new RookCephObjectStoreUser(this, id, { ...options, store: this });
  }

  /** A bucket (ObjectBucketClaim on the bucket StorageClass). */
  public addBucket(id: string, options: RookCephObjectBucketOptions = {}): RookCephObjectBucket {
    const bucket = new RookCephObjectBucket(this, id, { ...options, store: this });
    this._buckets.push(bucket);
    return bucket;
  }

  /**
   * Let `consumer` list and download objects of `options.buckets` (buckets added with addBucket): an RGW user
   * (CephObjectStoreUser in the consumer's namespace; Rook writes its keys there, so no Secret to create) and a
   * statement for it in each bucket's policy (the ObjectBucketClaim's `additionalConfig.bucketPolicy`, which the
   * Rook operator applies only when `ROOK_OBC_ALLOW_ADDITIONAL_CONFIG_FIELDS` allows `bucketPolicy`).
   */
  public grantRead(consumer: ObjectStoreConsumer, options: ObjectStoreGrantOptions): ObjectStoreGrant {
    return this.grant(ObjectStoreAccess.READ, consumer, options);
  }

  /** Let `consumer` upload objects to `options.buckets`; see grantRead. */
  public grantWrite(consumer: ObjectStoreConsumer, options: ObjectStoreGrantOptions): ObjectStoreGrant {
    return this.grant(ObjectStoreAccess.WRITE, consumer, options);
  }

  /** Let `consumer` list, download, upload and delete objects of `options.buckets`; see grantRead. */
  public grantReadWrite(consumer: ObjectStoreConsumer, options: ObjectStoreGrantOptions): ObjectStoreGrant {
    return this.grant(ObjectStoreAccess.READ_WRITE, consumer, options);
  }

  /** Every grant made so far. */
  public get grants(): ObjectStoreGrant[] {
    return [...this._grants];
  }

  /**
   * The bucket-policy statements the grants give on `bucketName` (IAM JSON).
   * @internal
   */
  public _grantStatements(bucketName: string): any[] {
    const out: any[] = [];
    for (const g of this._grants) {
      if (!g.buckets.includes(bucketName)) continue;
      const principal = { AWS: [`arn:aws:iam:::user/${(g as any)._rgwUser}`] };
      const prefix = g.prefix ?? '';
      const listActions = ObjectStoreGrantStatements.bucketActions(g.access).filter((a) => a === 's3:ListBucket' || a === 's3:ListBucketVersions');
      const otherBucketActions = ObjectStoreGrantStatements.bucketActions(g.access).filter((a) => !(listActions as string[]).includes(a));
      out.push({ Sid: `${g.policyName}-bucket`, Effect: 'Allow', Principal: principal, Action: otherBucketActions, Resource: [`arn:aws:s3:::${bucketName}`] });
      if (listActions.length > 0) {
        out.push({
          Sid: `${g.policyName}-list`,
          Effect: 'Allow',
          Principal: principal,
          Action: listActions,
          Resource: [`arn:aws:s3:::${bucketName}`],
          ...(prefix ? { Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } } } : {}),
        });
      }
      out.push({ Sid: `${g.policyName}-objects`, Effect: 'Allow', Principal: principal, Action: ObjectStoreGrantStatements.objectActions(g.access), Resource: [`arn:aws:s3:::${bucketName}/${prefix}*`] });
    }
    return out;
  }

  private grant(access: ObjectStoreAccess, consumer: ObjectStoreConsumer, options: ObjectStoreGrantOptions): ObjectStoreGrant {
    ObjectStoreGrantStatements.checkRequest(this, consumer, options);
    if (options.secretName !== undefined) {
      throw edgeError(this, { prop: `grant to "${consumer.name}": secretName`, value: options.secretName, rule: 'Rook writes the keys of an RGW user to its own Secret (rook-ceph-object-user-<store>-<user>)', fix: 'leave secretName unset' });
    }
    if (this._grants.some((g) => g.consumer.name === consumer.name)) {
      throw edgeError(this, { prop: 'consumer.name', value: consumer.name, rule: 'already has a grant on this store (one RGW user per consumer)', fix: 'grant once, listing all its buckets' });
    }
    const user = new RookCephObjectStoreUser(this, `grant-${consumer.name}`, { store: this, namespace: consumer.namespace, name: `${this.storeName}-${consumer.name}` });
    const prefix = ObjectStoreGrantStatements.normalisePrefix(options.prefix);
    const where = `${options.buckets.join(', ')}${prefix ? ` (under ${prefix})` : ''}`;
    const grant: ObjectStoreGrant & { _rgwUser: string } = {
      consumer: { name: consumer.name, namespace: consumer.namespace, podLabels: { ...consumer.podLabels } },
      access,
      buckets: [...options.buckets],
      prefix: prefix || undefined,
      policyName: `${consumer.name}-${access}`,
      credentials: user.credentials,
      objectStore: new ExternalObjectStore({
        s3Endpoint: this.s3Endpoint,
        credentials: user.credentials,
        region: this.region,
        forcePathStyle: this.forcePathStyle,
        flavor: this.flavor,
        caCertificate: this.caCertificate,
        networkPeer: this.networkPeer,
      }),
      storePeer: this.networkPeer,
      requiredSecrets: options.consumerCredential ? [options.consumerCredential] : [],
      description: `${consumer.name} (${consumer.namespace}) may ${access === ObjectStoreAccess.READ_WRITE ? 'read and write' : access} ${where} on Ceph RGW ${this.storeName} as RGW user ${user.userName} (bucket policy; the Rook operator must allow the OBC field bucketPolicy)`,
      _rgwUser: user.userName,
    };
    for (const secret of grant.requiredSecrets) RequiredSecrets.add(this, secret);
    this._grants.push(grant);
    return grant;
  }

  private validateGrants(): string[] {
    const names = new Set(this._buckets.map((b) => b.bucketName));
    const out: string[] = [];
    for (const g of this._grants) {
      for (const b of g.buckets) {
        if (!names.has(b)) {
          out.push(EdgeMessages.format(this, { prop: `grant to "${g.consumer.name}": buckets`, value: b, rule: 'is not a bucket added with addBucket on this store (its policy is where the grant lives)', fix: `add it with store.addBucket("…", { bucketName: "${b}" })` }));
        }
      }
    }
    return out;
  }

  /**
   * Lets CephObjectStoreUsers live in `namespace` (`allowUsersInNamespaces`).
   * @internal
   */
  public _allowUserNamespace(namespace: string): void {
    if (namespace !== this.namespace) this.userNamespaces.add(namespace);
  }

  /**
   * The CephBucketTopic for `topicName` in `namespace`, created on first use; a second request with different settings
   * is an error (topics are shared by name within a namespace).
   * @internal
   */
  public _topic(owner: Construct, namespace: string, topicName: string, signature: string,
    create: (scope: Construct, id: string) => ApiObject): ApiObject {
    const key = `${namespace}/${topicName}`;
    const existing = this.topics.get(key);
    if (existing) {
      if (existing.signature !== signature) {
        throw edgeError(owner, {
          prop: 'topic',
          value: topicName,
          rule: `namespace "${namespace}" already has a CephBucketTopic "${topicName}" on object store "${this.storeName}" with different endpoint settings (topics are shared by name)`,
          fix: 'use the same topic options (credentials, persistence, ack level, TLS) for every notification to this topic in this namespace',
        });
      }
      return existing.construct;
    }
    const obj = create(this, `topic-${namespace}-${topicName}`);
    this.topics.set(key, { construct: obj, signature });
    return obj;
  }
}
