import { createHash } from 'crypto';
import { ApiObject, Chart, Duration, Lazy, Size, SizeRoundingBehavior } from 'cdk8s';
import { ContainerResources, Cpu, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { BucketNotification, MinioBucket, MinioBucketOptions } from './bucket';
import { MinioErasureLayout } from './erasure';
import { replicationRuleId } from './internal';
import { MinioLifecycle } from './lifecycle';
import { MinioPolicy, MinioPolicyOptions } from './policy';
import { MinioProvisioningScript, PlanBucket, PlanCredential, ProvisioningPlan, ProvisioningStep } from './provisioning';
import { MinioTier, MinioTierOptions } from './tier';
import {
  ContainerImage, EdgeLabels, EdgeMessages, edgeError, ExternalObjectStore, IGrantableObjectStore, IObjectStore, KafkaAuthentication,
  KafkaClientCredentials, KubeNames, NetworkPeer, ObjectStoreAccess, ObjectStoreConsumer, ObjectStoreFlavor, ObjectStoreGrant,
  ObjectStoreGrantOptions, ObjectStoreGrantStatements, RequiredSecret, Resources, RestrictedSecurity, S3CredentialsReference,
  SecretKeyReference, ValidationMessageOptions, Warnings,
} from '../../core';
import { kafkaSecretPlacementErrors } from '../../core/kafka-secrets';
import { CidrEgress, endpointEgress, leastPrivilegeSpec } from '../../core/network-policy';
import { KeyNames, S3Rules, Shape } from '../../core/validate';

/**
 * The Secret holding MinIO's root user and password: keys `rootUser` and `rootPassword` by default, passed to the servers
 * as the environment variables `MINIO_ROOT_USER` / `MINIO_ROOT_PASSWORD`.
 */
export interface MinioRootCredentials {
  /** Secret name (same namespace as the cluster). */
  readonly secretName: string;
  /**
   * Key of the root user name.
   * @default 'rootUser'
   */
  readonly userKey?: string;
  /**
   * Key of the root password (at least 8 characters).
   * @default 'rootPassword'
   */
  readonly passwordKey?: string;
}

/** TLS for the S3 API and between servers. */
export interface MinioTlsOptions {
  /**
   * A `kubernetes.io/tls` Secret (e.g. from cert-manager) whose certificate covers `*.NAME-hl.NS.svc.<domain>`,
   * `NAME.NS.svc.<domain>` and any external names.
   */
  readonly secretName: string;
  /**
   * Key of the issuing CA in the same Secret, trusted by the servers and the provisioning Job and published as the
   * store's `caCertificate`. Set to `''` when the certificate is publicly trusted and the Secret has no CA.
   * @default 'ca.crt'
   */
  readonly caKey?: string;
}

/** Server-side encryption through MinIO KES (opt-in). */
export interface MinioKesOptions {
  /** KES endpoints, `https://host:7373`. */
  readonly endpoints: string[];
  /** Default key: encrypts IAM and configuration data and is the SSE-S3 and default SSE-KMS key. */
  readonly keyName: string;
  /**
   * API key for KES (exclusive with clientCertificateSecretName).
   * @default - none
   */
  readonly apiKey?: SecretKeyReference;
  /**
   * `kubernetes.io/tls` Secret holding MinIO's client certificate for KES mTLS (exclusive with apiKey).
   * @default - none
   */
  readonly clientCertificateSecretName?: string;
  /**
   * CA that signed the KES server certificate.
   * @default - the system trust store
   */
  readonly caCertificate?: SecretKeyReference;
}

/** File system of the drives' volumes, when known. */
export enum DriveFilesystem {
  /** XFS: what MinIO recommends. */
  XFS = 'xfs',
  /** ext4: works, but MinIO recommends XFS (warned). */
  EXT4 = 'ext4',
  /** Anything else. */
  OTHER = 'other',
}

/** Settings of the provisioning Job. */
export interface MinioProvisioningOptions {
  /**
   * Delete the finished Job after this long (it is idempotent: re-applying the manifests re-runs it harmlessly).
   * @default Duration.hours(24)
   */
  readonly ttlAfterFinished?: Duration;
  /**
   * Give up (fail the Job) after this long, including the wait for the cluster.
   * @default Duration.minutes(30)
   */
  readonly activeDeadline?: Duration;
  /**
   * Pod retries by Kubernetes (exponential back-off 10s, 20s, 40s … 6m).
   * @default 6
   */
  readonly backoffLimit?: number;
  /**
   * Attempts per step inside the script (pause doubling from 2s up to 60s).
   * @default 10
   */
  readonly attemptsPerStep?: number;
  /**
   * Resources of the mc container.
   * @default - 50m CPU, 64Mi memory request, 256Mi limit
   */
  readonly resources?: ContainerResources;
}

/** Props of {@link MinioCluster}. */
export interface MinioClusterProps {
  /** Size of each drive (PersistentVolumeClaim). */
  readonly driveSize: Size;
  /** The Secret with the root user and password. Never given as values. */
  readonly rootCredentials: MinioRootCredentials;
  /**
   * Name of the StatefulSet and client Service (pods are NAME-0 … NAME-(servers-1); headless Service NAME-hl).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace.
   * @default - the chart's namespace (one is required: it is part of the servers' DNS names)
   */
  readonly namespace?: string;
  /**
   * Servers (pods), one per node.
   * @default 4
   */
  readonly servers?: number;
  /**
   * Drives (PVCs) per server.
   * @default 1
   */
  readonly drivesPerServer?: number;
  /**
   * StorageClass of the drives, ideally an XFS local-PV class.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * File system of the drives, when known (ext4 is warned about; a class name containing "ext4" counts too).
   * @default - unknown
   */
  readonly driveFilesystem?: DriveFilesystem;
  /**
   * Parity drives per erasure set (`MINIO_STORAGE_CLASS_STANDARD=EC:N`).
   * @default - MinIO's default for the set size: 2–3 drives EC:1, 4–5 EC:2, 6–7 EC:3, 8+ EC:4
   */
  readonly parity?: number;
  /**
   * Require the layout to keep read and write quorum with one whole server down.
   * @default true
   */
  readonly tolerateServerLoss?: boolean;
  /**
   * Keys clients of this store (backup, sync, apps) should use, published as the store's credentials. Create the user
   * with `addPolicy(…, { users: [thisReference] })`.
   * @default - the root credentials (fine for a lab; give production clients their own user)
   */
  readonly clientCredentials?: S3CredentialsReference;
  /**
   * Server image. The community image is frozen upstream (see docs); pass an AIStor or fork build to move on.
   * @default ContainerImage.MINIO
   */
  readonly image?: ContainerImage;
  /**
   * mc image of the provisioning Job.
   * @default ContainerImage.MINIO_MC
   */
  readonly mcImage?: ContainerImage;
  /**
   * Server container resources.
   * @default - 500m CPU, 1Gi memory request, 2Gi memory limit
   */
  readonly resources?: ContainerResources;
  /**
   * TLS from a certificate Secret.
   * @default - plain HTTP
   */
  readonly tls?: MinioTlsOptions;
  /**
   * Serve the web console on port 9001 (client Service and NetworkPolicy include it).
   * @default false
   */
  readonly console?: boolean;
  /**
   * Serve Prometheus metrics without a bearer token (`MINIO_PROMETHEUS_AUTH_TYPE=public`).
   * @default false
   */
  readonly publicMetrics?: boolean;
  /**
   * Pods allowed to reach the S3 API (and the console). The servers themselves and the provisioning Job are always
   * allowed. A peer with empty podLabels admits its whole namespace.
   * @default - none
   */
  readonly allowedClients?: NetworkPeer[];
  /**
   * Region the store reports (`MINIO_SITE_REGION`).
   * @default - none set; clients sign with 'us-east-1'
   */
  readonly region?: string;
  /**
   * Cluster DNS domain.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Node label that separates servers (one server per value).
   * @default 'kubernetes.io/hostname'
   */
  readonly failureDomainKey?: string;
  /**
   * Force one server per failure domain (required anti-affinity). When false, spreading is only preferred: two
   * servers on one node defeat the server-loss arithmetic (warned).
   * @default true
   */
  readonly oneServerPerNode?: boolean;
  /**
   * Node selector for the servers.
   * @default - none
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Tolerations for the servers (e.g. dedicated storage nodes).
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Priority class of the servers.
   * @default - none
   */
  readonly priorityClassName?: string;
  /**
   * Give every server a small volume for the notification queue (`MINIO_NOTIFY_KAFKA_QUEUE_DIR`), so events
   * survive restarts and broker outages. Volume claim templates are immutable: keep it on if notifications may be
   * added later.
   * @default true
   */
  readonly eventQueue?: boolean;
  /**
   * Size of the notification queue volume.
   * @default Size.gibibytes(1)
   */
  readonly eventQueueSize?: Size;
  /**
   * Most events queued per Kafka target while the brokers are unreachable.
   * @default 100000
   */
  readonly eventQueueLimit?: number;
  /**
   * KES for server-side encryption (opt-in, one-way: MinIO then encrypts its IAM and config data with it).
   * @default - no KES
   */
  readonly kes?: MinioKesOptions;
  /**
   * Remote tiers configured out of band that lifecycle rules may transition to (besides those added with addTier).
   * @default - none
   */
  readonly existingTiers?: string[];
  /**
   * Provisioning Job settings.
   * @default - see MinioProvisioningOptions
   */
  readonly provisioning?: MinioProvisioningOptions;
  /**
   * UID (and GID) of the servers and the Job.
   * @default RestrictedSecurity.DEFAULT_UID
   */
  readonly runAsUser?: number;
}

const API_PORT = 9000;
const CONSOLE_PORT = 9001;
const CERTS_DIR = '/etc/minio/certs';
const QUEUE_DIR = '/var/minio/events';

interface KafkaTarget {
  readonly id: string;
  readonly notification: BucketNotification;
  readonly bucketPath: string;
}

/** A projected-volume item of the certs volume. */
interface CertItem { readonly secret: string; readonly key: string; readonly path: string }

interface CredentialEnv {
  readonly users: Map<string, PlanCredential>;
  readonly tiers: Map<MinioTier, PlanCredential>;
  readonly remotes: Map<IObjectStore, PlanCredential>;
  readonly env: k8s.EnvVar[];
  readonly readTokens: Map<string, string>;
}

/** The Kafka target ID of a notification: its targetId, or the topic name in upper-case letters and digits. */
function derivedTargetId(n: BucketNotification): string {
  if (n.targetId) return n.targetId;
  const base = n.topic.topicName.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 32);
  return base.length > 0 ? base : 'EVENTS';
}

/** What must be equal for two notifications to share a Kafka target. */
function targetKey(n: BucketNotification): string {
  const c: KafkaClientCredentials | undefined = n.credentials;
  const auth = c ? [c.authentication, c.username, c.secretName] : null;
  return JSON.stringify([n.topic.topicName, n.topic.bootstrapServers, n.topic.caCertificate ?? null, auth, n.secretCopies ?? null]);
}

/**
 * A distributed MinIO pool on core Kubernetes objects (no operator): a StatefulSet of `servers` × `drivesPerServer`
 * PVCs, headless and client Services, a PodDisruptionBudget derived from the write quorum, a NetworkPolicy, and a
 * provisioning Job (mc) for buckets, lifecycle, notifications, replication, tiers, policies and users.
 *
 * The erasure layout is checked at synth with MinIO's own arithmetic ({@link MinioErasureLayout}).
 */
export class MinioCluster extends Construct implements IGrantableObjectStore {
  /** Name of the StatefulSet, client Service, PDB and NetworkPolicy. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** Headless Service (stable server DNS names). */
  public readonly headlessServiceName: string;
  /** Client Service. */
  public readonly serviceName: string;
  /** S3 API port. */
  public readonly port: number;
  /** Console port, when the console is on. */
  public readonly consolePort?: number;
  /** `http(s)://NAME.NS.svc.<domain>:9000`. */
  public readonly s3Endpoint: string;
  /** Signing region. */
  public readonly region: string;
  /** Always true (path-style addressing). */
  public readonly forcePathStyle: boolean;
  /** Keys for clients (see `clientCredentials`). */
  public readonly credentials: S3CredentialsReference;
  /** Always MINIO. */
  public readonly flavor: ObjectStoreFlavor;
  /** CA of the TLS certificate, when TLS with a CA is on. */
  public readonly caCertificate?: SecretKeyReference;
  /** The servers, for clients' NetworkPolicies (always set; same as serverNetworkPeer). */
  public readonly networkPeer?: NetworkPeer;
  /** The servers, for clients' NetworkPolicies. */
  public readonly serverNetworkPeer: NetworkPeer;
  /** The erasure layout (set size, parity, quorums, tolerated server failures). */
  public readonly layout: MinioErasureLayout;
  /** Server image. */
  public readonly image: ContainerImage;
  /** Root credentials Secret. */
  public readonly rootCredentials: MinioRootCredentials;
  /** Labels selecting the server pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** The StatefulSet (escape hatch). */
  public readonly statefulSet: ApiObject;

  private readonly props: MinioClusterProps;
  private readonly scheme: string;
  private readonly mcImage: ContainerImage;
  private readonly clusterDomain: string;
  private readonly eventQueue: boolean;
  private readonly runAsUser: number;
  private readonly _buckets: MinioBucket[] = [];
  private readonly _policies: MinioPolicy[] = [];
  private readonly _tiers: MinioTier[] = [];
  private readonly _grants: ObjectStoreGrant[] = [];
  private provisioner?: ProvisioningJob;

  constructor(scope: Construct, id: string, props: MinioClusterProps) {
    super(scope, id);
    Shape.check(this, props);
    S3Rules.checkRegion(this, 'region', props.region);
    KeyNames.checkSecretKey(this, 'rootCredentials.userKey', props.rootCredentials?.userKey);
    KeyNames.checkSecretKey(this, 'rootCredentials.passwordKey', props.rootCredentials?.passwordKey);
    KeyNames.checkSecretKey(this, 'clientCredentials.accessKeyIdKey', props.clientCredentials?.accessKeyIdKey);
    KeyNames.checkSecretKey(this, 'clientCredentials.secretAccessKeyKey', props.clientCredentials?.secretAccessKeyKey);
    KeyNames.checkSecretRef(this, 'kes.apiKey', props.kes?.apiKey);
    this.props = props;
    this.name = props.name ?? id;
    KubeNames.assertDns1123Label(this, 'name', this.name, 40);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (!namespace) {
      throw edgeError(this, { prop: 'namespace', value: '', rule: 'the servers\' DNS names (NAME-i.NAME-hl.NAMESPACE.svc) need a namespace', fix: 'set namespace on the chart or on the MinioCluster' });
    }
    KubeNames.assertDns1123Label(this, 'namespace', namespace);
    this.namespace = namespace;
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';

    const servers = props.servers ?? 4;
    const drivesPerServer = props.drivesPerServer ?? 1;
    this.layout = MinioErasureLayout.of({ servers, drivesPerServer, parity: props.parity });
    const tolerate = props.tolerateServerLoss ?? true;
    const problems = this.layout.violations(tolerate);
    if (problems.length > 0) throw edgeError(this, problems[0]);
    if (Resources.bytes(props.driveSize) <= 0) {
      throw edgeError(this, { prop: 'driveSize', value: '0', rule: 'must be positive', fix: 'use e.g. Size.tebibytes(1)' });
    }
    if (!props.rootCredentials.secretName) {
      throw edgeError(this, { prop: 'rootCredentials.secretName', value: '', rule: 'the root user and password come only from a Secret', fix: 'create a Secret with rootUser and rootPassword and pass its name' });
    }
    if (props.storageClassName !== undefined) KubeNames.assertDns1123Subdomain(this, 'storageClassName', props.storageClassName);
    if (props.tls && !props.tls.secretName) {
      throw edgeError(this, { prop: 'tls.secretName', value: '', rule: 'TLS needs the certificate Secret', fix: 'pass the name of a kubernetes.io/tls Secret' });
    }
    if (props.eventQueueSize && Resources.bytes(props.eventQueueSize) <= 0) {
      throw edgeError(this, { prop: 'eventQueueSize', value: '0', rule: 'must be positive', fix: 'use e.g. Size.gibibytes(1)' });
    }
    if (props.eventQueueLimit !== undefined && (!Number.isInteger(props.eventQueueLimit) || props.eventQueueLimit < 1)) {
      throw edgeError(this, { prop: 'eventQueueLimit', value: props.eventQueueLimit, rule: 'must be a whole number of at least 1', fix: 'use e.g. 100000' });
    }
    const prov = props.provisioning ?? {};
    if (prov.backoffLimit !== undefined && (!Number.isInteger(prov.backoffLimit) || prov.backoffLimit < 0)) {
      throw edgeError(this, { prop: 'provisioning.backoffLimit', value: prov.backoffLimit, rule: 'must be a whole number of at least 0', fix: 'use e.g. 6' });
    }
    if (prov.attemptsPerStep !== undefined && (!Number.isInteger(prov.attemptsPerStep) || prov.attemptsPerStep < 1)) {
      throw edgeError(this, { prop: 'provisioning.attemptsPerStep', value: prov.attemptsPerStep, rule: 'must be a whole number of at least 1', fix: 'use e.g. 10' });
    }
    this.checkKes(props.kes);
    for (const [i, peer] of (props.allowedClients ?? []).entries()) {
      KubeNames.assertDns1123Label(this, `allowedClients[${i}].namespace`, peer.namespace);
    }

    this.scheme = props.tls ? 'https' : 'http';
    this.port = API_PORT;
    this.consolePort = props.console ? CONSOLE_PORT : undefined;
    this.headlessServiceName = `${this.name}-hl`;
    this.serviceName = this.name;
    this.s3Endpoint = `${this.scheme}://${this.serviceName}.${this.namespace}.svc.${this.clusterDomain}:${API_PORT}`;
    this.region = props.region ?? 'us-east-1';
    this.forcePathStyle = true;
    this.flavor = ObjectStoreFlavor.MINIO;
    this.rootCredentials = props.rootCredentials;
    this.credentials = props.clientCredentials ?? {
      secretName: props.rootCredentials.secretName,
      accessKeyIdKey: props.rootCredentials.userKey ?? 'rootUser',
      secretAccessKeyKey: props.rootCredentials.passwordKey ?? 'rootPassword',
    };
    const caKey = props.tls ? props.tls.caKey ?? 'ca.crt' : undefined;
    this.caCertificate = props.tls && caKey ? { name: props.tls.secretName, key: caKey } : undefined;
    this.image = props.image ?? ContainerImage.MINIO;
    this.mcImage = props.mcImage ?? ContainerImage.MINIO_MC;
    this.eventQueue = props.eventQueue ?? true;
    this.runAsUser = props.runAsUser ?? RestrictedSecurity.DEFAULT_UID;
    this.selectorLabels = { ...EdgeLabels.selector({ name: 'minio', instance: this.name }), 'app.kubernetes.io/component': 'server' };
    const peerPorts = [API_PORT, ...(props.console ? [CONSOLE_PORT] : [])];
    this.serverNetworkPeer = { namespace: this.namespace, podLabels: { ...this.selectorLabels }, ports: peerPorts };
    this.networkPeer = this.serverNetworkPeer;

    this.warn(tolerate);

    const labels = this.labels('server');
    new k8s.KubeService(this, 'Headless', {
      metadata: { name: this.headlessServiceName, namespace: this.namespace, labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: this.selectorLabels,
        ports: [{ name: this.scheme, port: API_PORT, targetPort: k8s.IntOrString.fromNumber(API_PORT) }],
      },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName, namespace: this.namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [
          { name: this.scheme, port: API_PORT, targetPort: k8s.IntOrString.fromNumber(API_PORT) },
          ...(props.console ? [{ name: 'console', port: CONSOLE_PORT, targetPort: k8s.IntOrString.fromNumber(CONSOLE_PORT) }] : []),
        ],
      },
    });
    this.statefulSet = this.createStatefulSet(labels);
    new k8s.KubePodDisruptionBudget(this, 'Budget', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        selector: { matchLabels: this.selectorLabels },
        maxUnavailable: k8s.IntOrString.fromNumber(
          Math.min(this.layout.serverFailuresToleratedForWrites, this.layout.serverFailuresToleratedForReads, servers),
        ),
      },
    });
    this.createNetworkPolicy(labels);
    this.node.addValidation({ validate: () => this.validateTree() });
  }

  /** Add a bucket (created and configured by the provisioning Job). */
  public addBucket(id: string, options: MinioBucketOptions = {}): MinioBucket {
    const bucket = new MinioBucket(this, id, options);
    this._buckets.push(bucket);
    this.ensureProvisioner();
    return bucket;
  }

  /** Add an IAM policy, attached to the given users and groups. */
  public addPolicy(id: string, options: MinioPolicyOptions): MinioPolicy {
    const policy = new MinioPolicy(this, id, options);
    this._policies.push(policy);
    this.ensureProvisioner();
    return policy;
  }

  /** Add a remote tier for lifecycle transitions. */
  public addTier(id: string, options: MinioTierOptions): MinioTier {
    const tier = new MinioTier(this, id, options);
    this._tiers.push(tier);
    this.ensureProvisioner();
    return tier;
  }

  /**
   * Let `consumer` list and download objects of `options.buckets`: a MinIO user (created by the provisioning Job from
   * the keys in the grant's Secret) with a policy naming only those buckets, and the consumer's pods admitted by the
   * store's NetworkPolicy.
   */
  public grantRead(consumer: ObjectStoreConsumer, options: ObjectStoreGrantOptions): ObjectStoreGrant {
    return this.grant(ObjectStoreAccess.READ, consumer, options);
  }

  /** Let `consumer` upload objects to `options.buckets` (no listing, download or delete); see grantRead. */
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

  private grant(access: ObjectStoreAccess, consumer: ObjectStoreConsumer, options: ObjectStoreGrantOptions): ObjectStoreGrant {
    ObjectStoreGrantStatements.checkRequest(this, consumer, options);
    const same = this._grants.find((g) => g.consumer.name === consumer.name);
    if (same && (same.consumer.namespace !== consumer.namespace || JSON.stringify(same.consumer.podLabels) !== JSON.stringify(consumer.podLabels))) {
      throw edgeError(this, { prop: 'consumer.name', value: consumer.name, rule: `is already granted to other pods (${same.consumer.namespace}, ${JSON.stringify(same.consumer.podLabels)})`, fix: 'give every consumer its own name' });
    }
    if (this._grants.some((g) => g.consumer.name === consumer.name && g.access === access)) {
      throw edgeError(this, { prop: 'consumer.name', value: consumer.name, rule: `already has a ${access} grant on this store`, fix: 'grant once, listing all its buckets' });
    }
    const prefix = ObjectStoreGrantStatements.normalisePrefix(options.prefix);
    const secretName = options.secretName ?? `${this.name}-${consumer.name}`;
    KubeNames.assertDns1123Subdomain(this, `grant to "${consumer.name}": secretName`, secretName);
    const credentials: S3CredentialsReference = { secretName };
    const statements = ObjectStoreGrantStatements.statements(access, options.buckets, prefix);
    const policyName = `${consumer.name}-${access}`;
    this.addPolicy(`grant-${consumer.name}-${access}`, { name: policyName, statements, users: [credentials] });
    const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
    const where = `${options.buckets.join(', ')}${prefix ? ` (under ${prefix})` : ''}`;
    const requiredSecrets: RequiredSecret[] = [
      { name: secretName, namespace: this.namespace, keys, purpose: `keys of the MinIO user of ${consumer.name} (${access} on ${where}); the provisioning Job creates the user from them` },
    ];
    if (options.consumerCredential) {
      requiredSecrets.push(options.consumerCredential);
    } else if (consumer.namespace !== this.namespace) {
      requiredSecrets.push({ name: secretName, namespace: consumer.namespace, keys, purpose: `the same keys, read by ${consumer.name}` });
    }
    const grant: ObjectStoreGrant = {
      consumer: { name: consumer.name, namespace: consumer.namespace, podLabels: { ...consumer.podLabels } },
      access,
      buckets: [...options.buckets],
      prefix: prefix || undefined,
      policyName,
      credentials,
      objectStore: new ExternalObjectStore({
        s3Endpoint: this.s3Endpoint,
        credentials,
        region: this.region,
        forcePathStyle: true,
        flavor: ObjectStoreFlavor.MINIO,
        caCertificate: this.caCertificate,
        networkPeer: this.serverNetworkPeer,
      }),
      storePeer: this.serverNetworkPeer,
      requiredSecrets,
      description: `${consumer.name} (${consumer.namespace}) may ${access === ObjectStoreAccess.READ_WRITE ? 'read and write' : access} ${where} on MinIO ${this.name} as policy ${policyName}`,
    };
    this._grants.push(grant);
    return grant;
  }

  /** The buckets added so far. */
  public get buckets(): MinioBucket[] {
    return [...this._buckets];
  }

  /** Names of the buckets added so far. */
  public get bucketNames(): string[] {
    return this._buckets.map((b) => b.bucketName);
  }

  /** The policies added so far. */
  public get policies(): MinioPolicy[] {
    return [...this._policies];
  }

  /** The tiers added so far. */
  public get tiers(): MinioTier[] {
    return [...this._tiers];
  }

  /** DNS name of server `index` (`NAME-i.NAME-hl.NS.svc.<domain>`). */
  public serverHost(index: number): string {
    return `${this.name}-${index}.${this.headlessServiceName}.${this.namespace}.svc.${this.clusterDomain}`;
  }

  /** The `minio server` volume argument with MinIO's three-dot ellipsis. */
  public get serverVolumesArg(): string {
    const { servers, drivesPerServer } = this.layout;
    const host = servers > 1 ? `${this.name}-{0...${servers - 1}}` : `${this.name}-0`;
    const drives = drivesPerServer > 1 ? `/data{0...${drivesPerServer - 1}}` : '/data0';
    return `${this.scheme}://${host}.${this.headlessServiceName}.${this.namespace}.svc.${this.clusterDomain}${drives}`;
  }

  /** Name of the provisioning Job (it carries a hash of its content), or undefined when nothing is provisioned. */
  public get provisioningJobName(): string | undefined {
    return this.provisioner ? `${this.name}-provision-${this.contentHash()}` : undefined;
  }

  /** Name of the provisioning ConfigMap (script, lifecycle and policy JSON), or undefined when nothing is provisioned. */
  public get provisioningConfigMapName(): string | undefined {
    return this.provisioner ? `${this.name}-provision` : undefined;
  }

  /** The provisioning script (what the Job runs), or undefined when nothing is provisioned. */
  public get provisioningScript(): string | undefined {
    return this.provisioner ? this.rendered().script : undefined;
  }

  /** The provisioning steps, one line per mc operation, in order (empty when nothing is provisioned). */
  public get provisioningCommands(): string[] {
    return this.provisioner ? this.rendered().steps.map((s: ProvisioningStep) => s.command) : [];
  }

  /** Kafka target IDs (`MINIO_NOTIFY_KAFKA_*_<ID>`) by the bucket notifications that use them. */
  public get kafkaTargetIds(): string[] {
    return [...new Set(this.kafkaTargets().map((t) => t.id))];
  }

  // ---------------------------------------------------------------- objects

  private labels(component: string): { [key: string]: string } {
    return EdgeLabels.standard({ name: 'minio', instance: this.name, component, version: component === 'server' ? this.image.version : this.mcImage.version });
  }

  private createStatefulSet(labels: { [key: string]: string }): ApiObject {
    const props = this.props;
    const { servers, drivesPerServer } = this.layout;
    const drives = Array.from({ length: drivesPerServer }, (_, i) => `data${i}`);
    const probe = (path: string, period: number, failures: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromNumber(API_PORT), scheme: this.scheme.toUpperCase() },
      periodSeconds: period,
      timeoutSeconds: 5,
      failureThreshold: failures,
    });
    const affinityTerm = { labelSelector: { matchLabels: this.selectorLabels }, topologyKey: props.failureDomainKey ?? 'kubernetes.io/hostname' };
    const claim = (name: string, size: Size): k8s.KubePersistentVolumeClaimProps => ({
      metadata: { name, labels: this.selectorLabels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
        resources: { requests: { storage: Resources.quantity(size) } },
      },
    });
    return new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        serviceName: this.headlessServiceName,
        replicas: servers,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: this.selectorLabels },
        // MinIO refuses peers with a different binary or MINIO_* environment, and /minio/health/ready answers before the
        // object layer is up: pods are replaced only when deleted, all together (see docs/minio.md, "Changing the servers").
        updateStrategy: { type: 'OnDelete' },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: RestrictedSecurity.podSecurityContext({ runAsUser: this.runAsUser }),
            affinity: {
              podAntiAffinity: props.oneServerPerNode === false
                ? { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: affinityTerm }] }
                : { requiredDuringSchedulingIgnoredDuringExecution: [affinityTerm] },
            },
            ...(props.nodeSelector ? { nodeSelector: props.nodeSelector } : {}),
            ...(props.tolerations ? { tolerations: props.tolerations } : {}),
            ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
            containers: [{
              name: 'minio',
              image: this.image.reference,
              command: ['minio'],
              args: [
                'server',
                '--address', `:${API_PORT}`,
                '--console-address', `:${CONSOLE_PORT}`,
                '--certs-dir', CERTS_DIR,
                this.serverVolumesArg,
              ],
              ports: [
                { name: this.scheme, containerPort: API_PORT },
                ...(props.console ? [{ name: 'console', containerPort: CONSOLE_PORT }] : []),
              ],
              env: Lazy.any({ produce: () => this.serverEnv() }),
              readinessProbe: probe('/minio/health/ready', 10, 3),
              livenessProbe: probe('/minio/health/live', 10, 6),
              startupProbe: probe('/minio/health/live', 5, 60),
              resources: Resources.toKube(
                { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) } },
                props.resources,
              ),
              securityContext: RestrictedSecurity.containerSecurityContext(),
              volumeMounts: Lazy.any({
                produce: () => [
                  ...drives.map((d) => ({ name: d, mountPath: `/${d}` })),
                  ...(this.eventQueue ? [{ name: 'events', mountPath: QUEUE_DIR }] : []),
                  { name: 'certs', mountPath: CERTS_DIR, readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              }),
            }],
            volumes: Lazy.any({
              produce: () => [
                { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
                { name: 'certs', projected: { defaultMode: 0o440, sources: this.certSources() } },
              ],
            }),
          },
        },
        volumeClaimTemplates: [
          ...drives.map((d) => claim(d, props.driveSize)),
          ...(this.eventQueue ? [claim('events', props.eventQueueSize ?? Size.gibibytes(1))] : []),
        ],
      },
    });
  }

  private createNetworkPolicy(labels: { [key: string]: string }): void {
    const console = this.props.console ?? false;
    // Ingress only: the servers' own egress (peers, KES, notification targets, remote tiers and replication
    // targets) is left to the namespace's policies. Lazy: grants made after construction admit their consumers.
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: Lazy.any({
        produce: () => leastPrivilegeSpec({
          name: this.name,
          labels,
          podLabels: this.selectorLabels,
          ingress: [
            // Server-to-server traffic (same port as the S3 API).
            { from: [{ podLabels: this.selectorLabels }], ports: [API_PORT] },
            // The provisioning Job.
            { from: [{ podLabels: this.provisionerSelector() }], ports: [API_PORT] },
            ...[...(this.props.allowedClients ?? []), ...this.grantPeers()].map((peer) => ({
              from: [{ namespace: peer.namespace, podLabels: peer.podLabels }],
              ports: console ? [API_PORT, CONSOLE_PORT] : [API_PORT],
            })),
          ],
        }),
      }) as unknown as k8s.NetworkPolicySpec,
    });
  }

  /** The consumers of grants, once each (for the store's NetworkPolicy). */
  private grantPeers(): Array<{ namespace: string; podLabels: { [key: string]: string } }> {
    const seen = new Set<string>();
    const out: Array<{ namespace: string; podLabels: { [key: string]: string } }> = [];
    for (const g of this._grants) {
      const key = JSON.stringify([g.consumer.namespace, g.consumer.podLabels]);
      const allowed = (this.props.allowedClients ?? []).some((p) => JSON.stringify([p.namespace, p.podLabels]) === key);
      if (seen.has(key) || allowed) continue;
      seen.add(key);
      out.push({ namespace: g.consumer.namespace, podLabels: g.consumer.podLabels });
    }
    return out;
  }

  /** Labels of the provisioning Job's pods (for NetworkPolicies that let them reach the servers). */
  public get provisionerPodLabels(): { [key: string]: string } {
    return this.provisionerSelector();
  }

  private provisionerSelector(): { [key: string]: string } {
    return { ...EdgeLabels.selector({ name: 'minio', instance: this.name }), 'app.kubernetes.io/component': 'provisioner' };
  }

  private ensureProvisioner(): void {
    if (this.provisioner) return;
    const configMapName = `${this.name}-provision`;
    const labels = this.labels('provisioner');
    new k8s.KubeConfigMap(this, 'ProvisioningConfig', {
      metadata: { name: configMapName, namespace: this.namespace, labels },
      data: Lazy.any({ produce: () => this.configFiles() }),
    });
    const prov = this.props.provisioning ?? {};
    const caFile = this.caCertificate ? '/etc/minio-ca/ca.crt' : undefined;
    // The Job talks to its own servers and to the remote stores it configures (replication targets, tiers); nothing
    // talks to it.
    new k8s.KubeNetworkPolicy(this, 'ProvisioningNetworkPolicy', {
      metadata: { name: `${this.name}-provision`, namespace: this.namespace, labels },
      spec: Lazy.any({
        produce: () => leastPrivilegeSpec({
          name: `${this.name}-provision`,
          labels,
          podLabels: this.provisionerSelector(),
          ingress: [],
          egress: this.remoteStores().reduce(
            (acc, store) => {
              const e = endpointEgress(store.s3Endpoint, store.networkPeer, undefined);
              return { peers: [...acc.peers, ...e.peers], cidrs: [...acc.cidrs, ...e.cidrs] };
            },
            { peers: [{ namespace: this.namespace, podLabels: this.selectorLabels, ports: [API_PORT] }], cidrs: [] as CidrEgress[] },
          ),
        }),
      }),
    });
    this.provisioner = new ProvisioningJob(this, 'Provisioning', () => this.provisioningJobName!, {
      metadata: { name: `${this.name}-provision`, namespace: this.namespace, labels },
      spec: {
        backoffLimit: prov.backoffLimit ?? 6,
        activeDeadlineSeconds: (prov.activeDeadline ?? Duration.minutes(30)).toSeconds(),
        ttlSecondsAfterFinished: (prov.ttlAfterFinished ?? Duration.hours(24)).toSeconds(),
        template: {
          metadata: { labels: { ...labels, ...this.provisionerSelector() } },
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: RestrictedSecurity.podSecurityContext({ runAsUser: this.runAsUser }),
            containers: [{
              name: 'mc',
              image: this.mcImage.reference,
              command: ['/bin/sh', '/config/provision.sh'],
              env: Lazy.any({ produce: () => this.jobEnv(caFile) }),
              resources: Resources.toKube(
                { cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) } },
                prov.resources,
              ),
              securityContext: RestrictedSecurity.containerSecurityContext(),
              volumeMounts: [
                { name: 'config', mountPath: '/config', readOnly: true },
                { name: 'home', mountPath: '/tmp' },
                ...(caFile ? [{ name: 'ca', mountPath: '/etc/minio-ca', readOnly: true }] : []),
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: configMapName, defaultMode: 0o444 } },
              { name: 'home', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
              ...(this.caCertificate ? [{ name: 'ca', secret: { secretName: this.caCertificate.name, items: [{ key: this.caCertificate.key, path: 'ca.crt' }] } }] : []),
            ],
          },
        },
      },
    });
  }

  // ---------------------------------------------------------------- environment and files

  private serverEnv(): k8s.EnvVar[] {
    const props = this.props;
    const env: k8s.EnvVar[] = [
      ...this.rootEnv(),
      { name: 'MINIO_STORAGE_CLASS_STANDARD', value: this.layout.storageClass },
      { name: 'MINIO_BROWSER', value: props.console ? 'on' : 'off' },
      { name: 'MINIO_PROMETHEUS_AUTH_TYPE', value: props.publicMetrics ? 'public' : 'jwt' },
      ...(props.region ? [{ name: 'MINIO_SITE_REGION', value: props.region }] : []),
    ];
    const seen = new Set<string>();
    for (const t of this.kafkaTargets()) {
      if (seen.has(t.id)) continue;
      seen.add(t.id);
      const n = t.notification;
      const v = (key: string, value: string) => env.push({ name: `MINIO_NOTIFY_KAFKA_${key}_${t.id}`, value });
      v('ENABLE', 'on');
      v('BROKERS', n.topic.bootstrapServers);
      v('TOPIC', n.topic.topicName);
      if (this.eventQueue) {
        v('QUEUE_DIR', QUEUE_DIR);
        v('QUEUE_LIMIT', String(props.eventQueueLimit ?? 100000));
      }
      if (n.topic.caCertificate) v('TLS', 'on');
      const c = n.credentials;
      if (c?.authentication === KafkaAuthentication.SCRAM_SHA_512) {
        v('SASL', 'on');
        v('SASL_MECHANISM', 'sha512');
        v('SASL_USERNAME', c.username);
        env.push({ name: `MINIO_NOTIFY_KAFKA_SASL_PASSWORD_${t.id}`, valueFrom: { secretKeyRef: { name: n.secretCopies?.credentialsSecretName ?? c.secretName, key: 'password' } } });
      } else if (c?.authentication === KafkaAuthentication.TLS) {
        v('CLIENT_TLS_CERT', `${CERTS_DIR}/kafka-${t.id.toLowerCase()}/user.crt`);
        v('CLIENT_TLS_KEY', `${CERTS_DIR}/kafka-${t.id.toLowerCase()}/user.key`);
      }
    }
    const kes = props.kes;
    if (kes) {
      env.push({ name: 'MINIO_KMS_KES_ENDPOINT', value: kes.endpoints.join(',') });
      env.push({ name: 'MINIO_KMS_KES_KEY_NAME', value: kes.keyName });
      if (kes.apiKey) env.push({ name: 'MINIO_KMS_KES_API_KEY', valueFrom: { secretKeyRef: { name: kes.apiKey.name, key: kes.apiKey.key } } });
      if (kes.clientCertificateSecretName) {
        env.push({ name: 'MINIO_KMS_KES_CERT_FILE', value: `${CERTS_DIR}/kes/client.crt` });
        env.push({ name: 'MINIO_KMS_KES_KEY_FILE', value: `${CERTS_DIR}/kes/client.key` });
      }
      if (kes.caCertificate) env.push({ name: 'MINIO_KMS_KES_CAPATH', value: `${CERTS_DIR}/CAs/kes-ca.crt` });
    }
    return env;
  }

  private rootEnv(): k8s.EnvVar[] {
    const r = this.props.rootCredentials;
    return [
      { name: 'MINIO_ROOT_USER', valueFrom: { secretKeyRef: { name: r.secretName, key: r.userKey ?? 'rootUser' } } },
      { name: 'MINIO_ROOT_PASSWORD', valueFrom: { secretKeyRef: { name: r.secretName, key: r.passwordKey ?? 'rootPassword' } } },
    ];
  }

  /** Items of the projected certs volume: TLS pair, CAs (TLS, Kafka, KES, remotes), client certificates. */
  private certSources(): k8s.VolumeProjection[] {
    const items: CertItem[] = [];
    const tls = this.props.tls;
    if (tls) {
      items.push({ secret: tls.secretName, key: 'tls.crt', path: 'public.crt' });
      items.push({ secret: tls.secretName, key: 'tls.key', path: 'private.key' });
      if (this.caCertificate) items.push({ secret: this.caCertificate.name, key: this.caCertificate.key, path: 'CAs/ca.crt' });
    }
    const seen = new Set<string>();
    for (const t of this.kafkaTargets()) {
      if (seen.has(t.id)) continue;
      seen.add(t.id);
      const dir = `kafka-${t.id.toLowerCase()}`;
      const ca = t.notification.topic.caCertificate;
      const copies = t.notification.secretCopies;
      if (ca) items.push({ secret: copies?.caCertificateSecretName ?? ca.name, key: ca.key, path: `CAs/${dir}.crt` });
      const c = t.notification.credentials;
      if (c?.authentication === KafkaAuthentication.TLS) {
        const secret = copies?.credentialsSecretName ?? c.secretName;
        items.push({ secret, key: 'user.crt', path: `${dir}/user.crt` });
        items.push({ secret, key: 'user.key', path: `${dir}/user.key` });
      }
    }
    const kes = this.props.kes;
    if (kes?.caCertificate) items.push({ secret: kes.caCertificate.name, key: kes.caCertificate.key, path: 'CAs/kes-ca.crt' });
    if (kes?.clientCertificateSecretName) {
      items.push({ secret: kes.clientCertificateSecretName, key: 'tls.crt', path: 'kes/client.crt' });
      items.push({ secret: kes.clientCertificateSecretName, key: 'tls.key', path: 'kes/client.key' });
    }
    this.remoteStores().forEach((store, i) => {
      if (store.caCertificate) items.push({ secret: store.caCertificate.name, key: store.caCertificate.key, path: `CAs/remote-${i + 1}.crt` });
    });
    // Group by Secret, preserving first-seen order; drop exact duplicates.
    const bySecret = new Map<string, Array<{ key: string; path: string }>>();
    for (const it of items) {
      const list = bySecret.get(it.secret) ?? [];
      if (!list.some((x) => x.path === it.path)) list.push({ key: it.key, path: it.path });
      bySecret.set(it.secret, list);
    }
    return [
      // MinIO creates <certs-dir>/CAs at start-up and exits when it cannot; this item guarantees the directory
      // exists in the read-only volume (the file is not PEM and is ignored).
      { downwardApi: { items: [{ path: 'CAs/pod-name', fieldRef: { fieldPath: 'metadata.name' } }] } },
      ...[...bySecret.entries()].map(([name, list]) => ({ secret: { name, items: list } })),
    ];
  }

  private remoteStores(): IObjectStore[] {
    const stores: IObjectStore[] = [];
    for (const t of this._tiers) if (!stores.includes(t.target)) stores.push(t.target);
    for (const b of this._buckets) for (const r of b.replication) if (!stores.includes(r.target)) stores.push(r.target);
    return stores;
  }

  private kafkaTargets(): KafkaTarget[] {
    const out: KafkaTarget[] = [];
    for (const b of this._buckets) {
      for (const n of b.notifications) {
        out.push({ id: derivedTargetId(n), notification: n, bucketPath: b.node.path });
      }
    }
    return out;
  }


  private arn(targetId: string): string {
    return `arn:minio:sqs:${this.props.region ?? ''}:${targetId}:kafka`;
  }

  /** Every Secret-backed credential the Job needs, as environment variables. */
  private credentialEnv(): CredentialEnv {
    const env: k8s.EnvVar[] = [];
    const add = (prefix: string, c: S3CredentialsReference, label: string): PlanCredential => {
      const accessEnv = `${prefix}_ACCESS_KEY`;
      const secretEnv = `${prefix}_SECRET_KEY`;
      env.push({ name: accessEnv, valueFrom: { secretKeyRef: { name: c.secretName, key: c.accessKeyIdKey ?? 'AWS_ACCESS_KEY_ID' } } });
      env.push({ name: secretEnv, valueFrom: { secretKeyRef: { name: c.secretName, key: c.secretAccessKeyKey ?? 'AWS_SECRET_ACCESS_KEY' } } });
      return { accessEnv, secretEnv, label };
    };
    const keyOf = (c: S3CredentialsReference) => `${c.secretName}/${c.accessKeyIdKey ?? 'AWS_ACCESS_KEY_ID'}/${c.secretAccessKeyKey ?? 'AWS_SECRET_ACCESS_KEY'}`;
    const users = new Map<string, PlanCredential>();
    for (const p of this._policies) {
      for (const c of [...p.users, ...p.groups.flatMap((g) => g.members)]) {
        const k = keyOf(c);
        if (!users.has(k)) users.set(k, add(`USER_${users.size + 1}`, c, `user from Secret ${c.secretName}`));
      }
    }
    const remotes = new Map<IObjectStore, PlanCredential>();
    const tiers = new Map<MinioTier, PlanCredential>();
    for (const store of this.remoteStores()) {
      remotes.set(store, add(`REMOTE_${remotes.size + 1}`, store.credentials, `keys of ${store.s3Endpoint}`));
    }
    for (const t of this._tiers) tiers.set(t, remotes.get(t.target)!);
    const readTokens = new Map<string, string>();
    for (const b of this._buckets) {
      if (!b.readToken) continue;
      const name = `READ_TOKEN_${readTokens.size + 1}`;
      env.push({ name, valueFrom: { secretKeyRef: { name: b.readToken.name, key: b.readToken.key } } });
      readTokens.set(b.bucketName, name);
    }
    return { users, tiers, remotes, env, readTokens };
  }

  private jobEnv(caFile: string | undefined): k8s.EnvVar[] {
    return [
      { name: 'MINIO_ENDPOINT', value: this.s3Endpoint },
      ...this.rootEnv(),
      { name: 'HOME', value: '/tmp' },
      { name: 'MC_CONFIG_DIR', value: '/tmp/.mc' },
      { name: 'PROVISION_MAX_ATTEMPTS', value: String(this.props.provisioning?.attemptsPerStep ?? 10) },
      ...(caFile ? [{ name: 'SSL_CERT_FILE', value: caFile }] : []),
      ...this.credentialEnv().env,
    ];
  }

  private plan(): ProvisioningPlan {
    const creds = this.credentialEnv();
    const keyOf = (c: S3CredentialsReference) => `${c.secretName}/${c.accessKeyIdKey ?? 'AWS_ACCESS_KEY_ID'}/${c.secretAccessKeyKey ?? 'AWS_SECRET_ACCESS_KEY'}`;
    const buckets: PlanBucket[] = this._buckets.map((b) => ({
      name: b.bucketName,
      objectLock: b.objectLock,
      versioning: b.versioned,
      retention: b.retention ? { mode: b.retention.mode, days: b.retention.period.toDays() } : undefined,
      quotaBytes: b.quota ? b.quota.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024 : undefined,
      anonymous: b.anonymousAccess,
      readTokenEnv: creds.readTokens.get(b.bucketName),
      encryption: b.encryption ? { type: b.encryption, key: b.encryption === 'sse-kms' ? b.encryptionKey ?? this.props.kes?.keyName : undefined } : undefined,
      ilmFile: b.lifecycle ? `ilm-${b.bucketName}.json` : undefined,
      events: b.notifications.map((n) => ({
        arn: this.arn(derivedTargetId(n)),
        events: n.events ?? [],
        prefix: n.prefix,
        suffix: n.suffix,
      })),
      replication: b.replication.map((r, i) => {
        const url = new URL(r.target.s3Endpoint);
        const replicate = [...(r.replicateDeletes ? ['delete', 'delete-marker'] : []), ...(r.replicateExistingObjects ?? true ? ['existing-objects'] : [])];
        return {
          id: replicationRuleId(r),
          priority: r.priority ?? i + 1,
          scheme: url.protocol.replace(':', ''),
          hostPort: url.host,
          bucket: r.bucket,
          credential: creds.remotes.get(r.target)!,
          // `mc replicate add` enables metadata sync whatever --replicate says, and `mc replicate update` disables
          // whatever --replicate leaves out: list it always, so a re-run's update keeps the rule as add made it (it
          // also keeps the list non-empty, which add requires). One-way, it replicates nothing extra.
          replicate: [...replicate, 'metadata-sync'].join(','),
          synchronous: r.synchronous ?? false,
          bandwidthBytes: r.bandwidthLimitMbps !== undefined ? MinioBucket.replicationBandwidthBytes(r.bandwidthLimitMbps) : undefined,
          storageClass: r.storageClass,
        };
      }),
    }));
    return {
      source: this.node.path,
      tiers: this._tiers.map((t) => ({
        name: t.tierName,
        type: t.tierType,
        endpoint: t.target.s3Endpoint,
        bucket: t.bucket,
        prefix: t.prefix,
        region: t.region,
        storageClass: t.storageClass,
        credential: creds.tiers.get(t)!,
      })),
      buckets,
      users: [...creds.users.values()],
      policies: this._policies.map((p) => ({
        name: p.policyName,
        file: `policy-${p.policyName}.json`,
        users: p.users.map((u) => creds.users.get(keyOf(u))!),
        groups: p.groups.map((g) => ({ name: g.name, members: g.members.map((m) => creds.users.get(keyOf(m))!) })),
      })),
    };
  }

  private rendered() {
    return MinioProvisioningScript.render(this.plan());
  }

  private configFiles(): { [key: string]: string } {
    const files: { [key: string]: string } = { 'provision.sh': this.rendered().script };
    for (const b of this._buckets) {
      if (b.lifecycle) files[`ilm-${b.bucketName}.json`] = JSON.stringify(MinioLifecycle.toIlmJson(b.lifecycle), undefined, 2) + '\n';
    }
    for (const p of this._policies) files[`policy-${p.policyName}.json`] = JSON.stringify(p.document, undefined, 2) + '\n';
    return files;
  }

  private contentHash(): string {
    const content = JSON.stringify({
      files: this.configFiles(),
      env: this.jobEnv(this.caCertificate ? '/etc/minio-ca/ca.crt' : undefined),
      image: this.mcImage.reference,
      endpoint: this.s3Endpoint,
    });
    return createHash('sha256').update(content).digest('hex').slice(0, 8);
  }

  // ---------------------------------------------------------------- checks

  private checkKes(kes: MinioKesOptions | undefined): void {
    if (!kes) return;
    if (kes.endpoints.length === 0) {
      throw edgeError(this, { prop: 'kes.endpoints', value: [], rule: 'KES needs at least one endpoint', fix: 'pass e.g. ["https://kes.kes.svc.cluster.local:7373"]' });
    }
    for (const e of kes.endpoints) {
      if (!/^https:\/\/[^/\s,]+$/.test(e)) {
        throw edgeError(this, { prop: 'kes.endpoints', value: e, rule: 'must be an https URL with host and optional port (KES only speaks TLS)', fix: 'use e.g. "https://kes.kes.svc.cluster.local:7373"' });
      }
    }
    if (!kes.keyName) {
      throw edgeError(this, { prop: 'kes.keyName', value: '', rule: 'MinIO needs a default KES key', fix: 'create a key on KES and pass its name' });
    }
    if ((kes.apiKey === undefined) === (kes.clientCertificateSecretName === undefined)) {
      throw edgeError(this, { prop: 'kes', value: kes.apiKey ? 'apiKey and clientCertificateSecretName' : 'neither apiKey nor clientCertificateSecretName', rule: 'MinIO authenticates to KES with exactly one of an API key or a client certificate', fix: 'set exactly one of apiKey and clientCertificateSecretName' });
    }
  }

  private warn(tolerate: boolean): void {
    const props = this.props;
    const frozen = [this.image, this.mcImage].filter((i) => i.frozenUpstream);
    if (frozen.length > 0) {
      Warnings.addFormatted(this, {
        prop: frozen.includes(this.image) ? 'image' : 'mcImage',
        value: frozen.map((i) => i.reference).join(', '),
        rule: 'the MinIO community images are frozen (upstream unmaintained since 2026-02: no new community builds or security fixes)',
        fix: 'pass image/mcImage to use an AIStor or maintained fork build',
      });
    }
    if (props.driveFilesystem === DriveFilesystem.EXT4 || (props.driveFilesystem === undefined && /ext4/i.test(props.storageClassName ?? ''))) {
      Warnings.addFormatted(this, { prop: 'driveFilesystem', value: 'ext4', rule: 'MinIO recommends XFS for its drives (ext4 is slower and less tested with erasure coding)', fix: 'use an XFS local-PV StorageClass' });
    }
    if (!tolerate && !this.layout.toleratesServerLoss) {
      Warnings.addFormatted(this, {
        prop: 'tolerateServerLoss',
        value: false,
        rule: `${this.layout.servers} servers × ${this.layout.drivesPerServer} drives at ${this.layout.storageClass} lose write quorum with one server down, so the PodDisruptionBudget allows no voluntary disruption (node drains block)`,
        fix: this.layout.violations(true)[0]?.fix ?? 'add parity or servers',
      });
    }
    if (props.oneServerPerNode === false) {
      Warnings.addFormatted(this, { prop: 'oneServerPerNode', value: false, rule: 'two servers on one node fail together, which the one-server-loss arithmetic does not cover', fix: 'keep oneServerPerNode on when there are enough nodes' });
    }
    if (props.kes) {
      Warnings.addFormatted(this, { prop: 'kes', value: props.kes.keyName, rule: 'with KES on, MinIO encrypts its IAM and configuration data with this key; KES cannot be turned off later and MinIO will not start without it', fix: 'make sure KES and its key store are backed up and highly available' });
    }
  }

  private validateTree(): string[] {
    const fmt = (c: Construct, o: ValidationMessageOptions) => EdgeMessages.format(c, o);
    const out: string[] = [];
    const dup = <T>(items: T[], key: (t: T) => string, what: string, construct: (t: T) => Construct) => {
      const seen = new Map<string, T>();
      for (const it of items) {
        const k = key(it);
        if (seen.has(k)) out.push(fmt(construct(it), { prop: 'name', value: k, rule: `another ${what} of the cluster (${construct(seen.get(k)!).node.path}) has this name`, fix: `give every ${what} its own name` }));
        seen.set(k, it);
      }
    };
    dup(this._buckets, (b) => b.bucketName, 'bucket', (b) => b);
    dup(this._policies, (p) => p.policyName, 'policy', (p) => p);
    dup(this._tiers, (t) => t.tierName, 'tier', (t) => t);

    const names = new Set(this.bucketNames);
    for (const g of this._grants) {
      for (const b of g.buckets) {
        if (!names.has(b)) {
          out.push(fmt(this, { prop: `grant to "${g.consumer.name}": buckets`, value: b, rule: 'is not a bucket of this cluster (the policy would name a bucket nobody creates)', fix: `add it with cluster.addBucket("…", { name: "${b}" }) or grant an existing bucket` }));
        }
      }
    }
    const tiers = new Set([...this._tiers.map((t) => t.tierName), ...(this.props.existingTiers ?? [])]);
    for (const b of this._buckets) {
      for (const tier of MinioLifecycle.tiersOf(b.lifecycle ?? [])) {
        if (!tiers.has(tier)) {
          out.push(fmt(b, { prop: 'lifecycle', value: tier, rule: 'transitions to a tier the cluster does not have (MinIO rejects the lifecycle import)', fix: `add it with cluster.addTier("${tier.toLowerCase()}", …) or list it in existingTiers` }));
        }
      }
      if (b.encryption && !this.props.kes) {
        out.push(fmt(b, { prop: 'encryption', value: b.encryption, rule: 'server-side encryption needs KES on the cluster', fix: 'set kes on the MinioCluster or drop encryption' }));
      }
      if (b.notifications.length > 0 && !this.eventQueue) {
        out.push(fmt(b, { prop: 'notifications', value: b.notifications.length, rule: 'notifications need the event queue volume so events survive restarts and broker outages', fix: 'set eventQueue: true on the cluster (before the first deployment: volume claim templates are immutable)' }));
      }
      // Strimzi's Secrets live in the Kafka namespace; the servers can mount them only from their own.
      for (const [j, n] of b.notifications.entries()) {
        out.push(...kafkaSecretPlacementErrors(b, {
          prop: `notifications[${j}]`,
          consumerNamespace: this.namespace,
          topic: n.topic,
          credentials: n.credentials,
          mountsCaCertificate: true,
          copies: n.secretCopies,
          copiesProp: `notifications[${j}].secretCopies`,
        }));
      }
      // Overlapping subscriptions to one target are rejected by MinIO.
      const ns = b.notifications;
      for (let i = 0; i < ns.length; i++) {
        for (let j = i + 1; j < ns.length; j++) {
          const a = ns[i];
          const c = ns[j];
          const sameTarget = derivedTargetId(a) === derivedTargetId(c);
          const eventsOverlap = (a.events ?? []).some((e) => (c.events ?? []).includes(e));
          const pa = a.prefix ?? '';
          const pc = c.prefix ?? '';
          const sa = a.suffix ?? '';
          const sc = c.suffix ?? '';
          const prefixesOverlap = pa.startsWith(pc) || pc.startsWith(pa);
          const suffixesOverlap = sa.endsWith(sc) || sc.endsWith(sa);
          if (sameTarget && eventsOverlap && prefixesOverlap && suffixesOverlap) {
            out.push(fmt(b, { prop: `notifications[${j}]`, value: `${pc}*${sc}`, rule: `overlaps notifications[${i}] (${pa}*${sa}) on the same Kafka target for the same events, which MinIO rejects`, fix: 'use disjoint prefixes/suffixes or events, or merge the two' }));
          }
        }
      }
    }
    // One Kafka target ID must mean one topic/broker/credential combination.
    const targets = new Map<string, KafkaTarget>();
    for (const t of this.kafkaTargets()) {
      const prev = targets.get(t.id);
      if (prev && targetKey(prev.notification) !== targetKey(t.notification)) {
        out.push(EdgeMessages.format(this, { prop: 'targetId', value: t.id, rule: `is used by notifications to different topics, brokers or credentials (${prev.bucketPath} and ${t.bucketPath})`, fix: 'set a distinct targetId on one of them' }));
      }
      if (!prev) targets.set(t.id, t);
    }
    return out;
  }

}

/** The provisioning Job; its name carries a hash of its content, which is only known at synth. */
class ProvisioningJob extends k8s.KubeJob {
  constructor(scope: Construct, id: string, private readonly nameAtSynth: () => string, props: k8s.KubeJobProps) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    json.metadata.name = this.nameAtSynth();
    return json;
  }
}
