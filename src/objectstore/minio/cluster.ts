// The MinioCluster construct and its props. Its parts live beside it and get a MinioClusterRef (internal.ts), never
// the class: server.ts (Services, StatefulSet, PDB, NetworkPolicy, env, certificates), provisioner.ts (plan, ConfigMap,
// Job), notifications.ts (Kafka targets), checks.ts (prop checks, warnings, synth-time rules); options.ts holds the
// option types of the props. Buckets, policies and tiers (bucket.ts, policy.ts, tier.ts) register themselves here.
import { ApiObject, Chart, Size } from 'cdk8s';
import { ContainerResources, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { MinioBucket, MinioBucketOptions } from './bucket';
import { MinioClusterChecks } from './checks';
import { MinioErasureLayout } from './erasure';
import { API_PORT, CONSOLE_PORT, MINIO_APP, MinioClusterRef, minioWorkload, PROVISIONER_COMPONENT, SERVER_COMPONENT } from './internal';
import { kafkaTargets } from './notifications';
import { MinioKesOptions, MinioProvisioningOptions } from './options';
import { MinioPolicy, MinioPolicyOptions } from './policy';
import { MinioProvisioner } from './provisioner';
import { MinioServer } from './server';
import { MinioTier, MinioTierOptions } from './tier';
import {
  ContainerImage, edgeError, ExternalObjectStore, Filesystem, IGrantableObjectStore, KubeNames, NetworkPeer, ObjectStoreAccess,
  ObjectStoreConsumer, ObjectStoreFlavor, ObjectStoreGrant, ObjectStoreGrantOptions, ObjectStoreGrantStatements, RequiredSecret,
  RequiredSecrets, RestrictedSecurity, S3Credentials, SecretKeyReference, SecretReaders, TlsCredentials,
} from '../../core';
import { KeyNames, S3Rules, Shape } from '../../core/validate';
import { RestrictedWorkload } from '../../core/workload';

/** Props of {@link MinioCluster}. */
export interface MinioClusterProps {
  /** Size of each drive (PersistentVolumeClaim). */
  readonly driveSize: Size;
  /**
   * The root user and password: the root access keys, from a Secret (never given as values). The servers and the
   * provisioning Job read them as `MINIO_ROOT_USER` / `MINIO_ROOT_PASSWORD`; the password needs at least 8 characters.
   */
  readonly rootCredentials: S3Credentials;
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
   * File system of the drives, when known: MinIO recommends XFS; ext4 is warned about (a class name containing "ext4"
   * counts too when this is unset).
   * @default - unknown
   */
  readonly driveFilesystem?: Filesystem;
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
  readonly clientCredentials?: S3Credentials;
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
   * TLS for the S3 API and between servers, e.g. `TlsCredentials.fromSecretName('store-tls', { caCertificateKey:
   * 'ca.crt' })` for a cert-manager Secret. The certificate must cover `*.NAME-hl.NS.svc.<domain>`,
   * `NAME.NS.svc.<domain>` and any external names. Its CA (`caCertificateKey`) is trusted by the servers and the
   * provisioning Job and published as the store's `caCertificate`; without one, the certificate must be publicly
   * trusted.
   * @default - plain HTTP
   */
  readonly tls?: TlsCredentials;
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
   * @default 65532
   */
  readonly runAsUser?: number;
}

/**
 * A distributed MinIO pool on core Kubernetes objects (no operator): a StatefulSet of `servers` × `drivesPerServer`
 * PVCs, headless and client Services, a PodDisruptionBudget derived from the write quorum, a NetworkPolicy, and a
 * provisioning Job (mc) for buckets, lifecycle, notifications, replication, tiers, policies and users.
 *
 * The erasure layout is checked at synth with MinIO's own arithmetic ({@link MinioErasureLayout}).
 */
export class MinioCluster extends Construct implements IGrantableObjectStore {
  /**
   * The labels that select the server pods of the cluster named `name` (the `name` prop, else the construct id), for a
   * policy written where the cluster is not built (another app or chart); with the cluster at hand use `podLabels`.
   */
  public static podLabelsFor(name: string): { [key: string]: string } {
    return RestrictedWorkload.podLabelsOf(MINIO_APP, name, SERVER_COMPONENT);
  }

  /** The labels that select the provisioning Job's pods of the cluster named `name`; see `podLabelsFor`. */
  public static provisionerPodLabelsFor(name: string): { [key: string]: string } {
    return RestrictedWorkload.podLabelsOf(MINIO_APP, name, PROVISIONER_COMPONENT);
  }

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
  public readonly credentials: S3Credentials;
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
  /** The root user and password (root access keys). */
  public readonly rootCredentials: S3Credentials;
  /** The labels that select the server pods (see `podLabelsFor`). */
  public readonly podLabels: { [key: string]: string };
  /** The StatefulSet (escape hatch). */
  public readonly apiObject: ApiObject;

  private readonly _buckets: MinioBucket[] = [];
  private readonly _policies: MinioPolicy[] = [];
  private readonly _tiers: MinioTier[] = [];
  private readonly _grants: ObjectStoreGrant[] = [];
  /** What the parts (server, provisioner, notifications, checks) need of this cluster. */
  private readonly ref: MinioClusterRef;
  private provisioner?: MinioProvisioner;

  constructor(scope: Construct, id: string, props: MinioClusterProps) {
    super(scope, id);
    Shape.check(this, props);
    S3Rules.checkRegion(this, 'region', props.region);
    SecretReaders.checkS3(this, 'rootCredentials', props.rootCredentials, 'the MinIO servers and the provisioning Job');
    if (props.clientCredentials !== undefined) SecretReaders.checkS3(this, 'clientCredentials', props.clientCredentials, 'the store\'s clients');
    KeyNames.checkSecretRef(this, 'kes.apiKey', props.kes?.apiKey);
    this.name = props.name ?? id;
    KubeNames.assertDns1123Label(this, 'name', this.name, 40);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (!namespace) {
      throw edgeError(this, { prop: 'namespace', value: '', rule: 'the servers\' DNS names (NAME-i.NAME-hl.NAMESPACE.svc) need a namespace', fix: 'set namespace on the chart or on the MinioCluster' });
    }
    KubeNames.assertDns1123Label(this, 'namespace', namespace);
    this.namespace = namespace;
    if (props.kes?.apiKey) {
      RequiredSecrets.addKey(this, props.kes.apiKey, { namespace, purpose: `KES API key the servers of MinIO ${this.name} authenticate to ${props.kes.endpoints.join(', ')} with (kes identity new)` });
    }
    if (props.kes?.caCertificate) {
      RequiredSecrets.addKey(this, props.kes.caCertificate, { namespace, purpose: `CA certificate the servers of MinIO ${this.name} verify KES (${props.kes.endpoints.join(', ')}) with` });
    }
    const clusterDomain = props.clusterDomain ?? 'cluster.local';

    const servers = props.servers ?? 4;
    const drivesPerServer = props.drivesPerServer ?? 1;
    this.layout = MinioErasureLayout.of({ servers, drivesPerServer, parity: props.parity });
    const tolerate = props.tolerateServerLoss ?? true;
    const problems = this.layout.violations(tolerate);
    if (problems.length > 0) throw edgeError(this, problems[0]);
    MinioClusterChecks.checkProps(this, props);

    const scheme = props.tls ? 'https' : 'http';
    this.port = API_PORT;
    this.consolePort = props.console ? CONSOLE_PORT : undefined;
    this.headlessServiceName = `${this.name}-hl`;
    this.serviceName = this.name;
    this.s3Endpoint = `${scheme}://${this.serviceName}.${this.namespace}.svc.${clusterDomain}:${API_PORT}`;
    this.region = props.region ?? 'us-east-1';
    this.forcePathStyle = true;
    this.flavor = ObjectStoreFlavor.MINIO;
    this.rootCredentials = props.rootCredentials;
    this.credentials = props.clientCredentials ?? props.rootCredentials;
    this.rootCredentials.requireIn(this, { namespace: this.namespace, purpose: `MinIO root user and password of ${this.name} (the servers and the provisioning Job)` });
    this.caCertificate = props.tls?.caCertificate;
    props.tls?.requireIn(this, { namespace: this.namespace, purpose: `MinIO ${this.name}: server certificate (S3 API and server-to-server TLS)${props.tls.caCertificateKey ? '; the provisioning Job trusts its CA' : ''}` });
    props.kes?.clientCertificate?.requireIn(this, { namespace: this.namespace, purpose: `MinIO ${this.name}: client certificate for KES (mutual TLS)` });
    this.image = props.image ?? ContainerImage.MINIO;
    const server = minioWorkload(this.name, this.namespace, SERVER_COMPONENT, this.image);
    const mcImage = props.mcImage ?? ContainerImage.MINIO_MC;
    this.podLabels = server.podLabels;
    const peerPorts = [API_PORT, ...(props.console ? [CONSOLE_PORT] : [])];
    this.serverNetworkPeer = { namespace: this.namespace, podLabels: { ...this.podLabels }, ports: peerPorts };
    this.networkPeer = this.serverNetworkPeer;

    this.ref = {
      scope: this,
      props,
      name: this.name,
      namespace: this.namespace,
      clusterDomain,
      scheme,
      s3Endpoint: this.s3Endpoint,
      headlessServiceName: this.headlessServiceName,
      serviceName: this.serviceName,
      layout: this.layout,
      image: this.image,
      mcImage,
      eventQueue: props.eventQueue ?? true,
      runAsUser: props.runAsUser ?? RestrictedSecurity.DEFAULT_UID,
      server,
      provisioner: minioWorkload(this.name, this.namespace, PROVISIONER_COMPONENT, mcImage),
      caCertificate: this.caCertificate,
      buckets: this._buckets,
      policies: this._policies,
      tiers: this._tiers,
      grants: this._grants,
    };

    MinioClusterChecks.warn(this.ref, tolerate);
    this.apiObject = MinioServer.create(this.ref);
    this.node.addValidation({ validate: () => MinioClusterChecks.treeErrors(this.ref) });
  }

  /** Add a bucket (created and configured by the provisioning Job). */
  public addBucket(id: string, options: MinioBucketOptions = {}): MinioBucket {
    return new MinioBucket(this, id, { ...options, cluster: this });
  }

  /** Add an IAM policy, attached to the given users and groups. */
  public addPolicy(id: string, options: MinioPolicyOptions): MinioPolicy {
    return new MinioPolicy(this, id, { ...options, cluster: this });
  }

  /** Add a remote tier for lifecycle transitions. */
  public addTier(id: string, options: MinioTierOptions): MinioTier {
    return new MinioTier(this, id, { ...options, cluster: this });
  }

  /**
   * Registers a bucket made with `new MinioBucket(scope, id, { cluster })` or addBucket. Called by the bucket.
   * @internal
   */
  public _registerBucket(bucket: MinioBucket): void {
    this._buckets.push(bucket);
    this.ensureProvisioner();
  }

  /**
   * Registers a policy made with `new MinioPolicy(scope, id, { cluster, … })` or addPolicy. Called by the policy.
   * @internal
   */
  public _registerPolicy(policy: MinioPolicy): void {
    this._policies.push(policy);
    this.ensureProvisioner();
  }

  /**
   * Registers a tier made with `new MinioTier(scope, id, { cluster, … })` or addTier. Called by the tier.
   * @internal
   */
  public _registerTier(tier: MinioTier): void {
    this._tiers.push(tier);
    if (tier.target.caCertificate) {
      RequiredSecrets.addKey(this, tier.target.caCertificate, { namespace: this.namespace, purpose: `CA certificate the servers of MinIO ${this.name} verify the tier ${tier.target.s3Endpoint} with` });
    }
    this.ensureProvisioner();
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
    const credentials = S3Credentials.fromSecretName(secretName);
    const statements = ObjectStoreGrantStatements.statements(access, options.buckets, prefix);
    const policyName = `${consumer.name}-${access}`;
    const where = `${options.buckets.join(', ')}${prefix ? ` (under ${prefix})` : ''}`;
    const userPurpose = `keys of the MinIO user of ${consumer.name} (${access} on ${where}); the provisioning Job creates the user from them`;
    const policy = this.addPolicy(`grant-${consumer.name}-${access}`, { name: policyName, statements });
    policy._attachToUser(credentials, userPurpose);
    const keys = credentials.keys;
    const requiredSecrets: RequiredSecret[] = [
      { name: secretName, namespace: this.namespace, keys, purpose: userPurpose },
    ];
    if (options.consumerCredential) {
      requiredSecrets.push(options.consumerCredential);
    } else if (consumer.namespace !== this.namespace) {
      requiredSecrets.push({ name: secretName, namespace: consumer.namespace, keys, purpose: `the same keys, read by ${consumer.name}` });
    }
    for (const s of requiredSecrets) RequiredSecrets.add(this, s);
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
    return `${this.name}-${index}.${this.headlessServiceName}.${this.namespace}.svc.${this.ref.clusterDomain}`;
  }

  /** The `minio server` volume argument with MinIO's three-dot ellipsis. */
  public get serverVolumesArg(): string {
    return MinioServer.volumesArg(this.ref);
  }

  /** Name of the provisioning Job (it carries a hash of its content), or undefined when nothing is provisioned. */
  public get provisioningJobName(): string | undefined {
    return this.provisioner?.jobName;
  }

  /** Name of the provisioning ConfigMap (script, lifecycle and policy JSON), or undefined when nothing is provisioned. */
  public get provisioningConfigMapName(): string | undefined {
    return this.provisioner?.configMapName;
  }

  /** The provisioning script (what the Job runs), or undefined when nothing is provisioned. */
  public get provisioningScript(): string | undefined {
    return this.provisioner?.rendered().script;
  }

  /** The provisioning steps, one line per mc operation, in order (empty when nothing is provisioned). */
  public get provisioningCommands(): string[] {
    return this.provisioner ? this.provisioner.rendered().steps.map((s) => s.command) : [];
  }

  /** Kafka target IDs (`MINIO_NOTIFY_KAFKA_*_<ID>`) by the bucket notifications that use them. */
  public get kafkaTargetIds(): string[] {
    return [...new Set(kafkaTargets(this.ref).map((t) => t.id))];
  }

  /** Labels of the provisioning Job's pods (for NetworkPolicies that let them reach the servers). */
  public get provisionerPodLabels(): { [key: string]: string } {
    return this.ref.provisioner.podLabels;
  }

  private ensureProvisioner(): void {
    if (!this.provisioner) this.provisioner = new MinioProvisioner(this.ref);
  }
}
