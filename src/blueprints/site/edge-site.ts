import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Size, SizeRoundingBehavior } from 'cdk8s';
import { ServiceType } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { DataPath, Prerequisite } from './report';
import { SiteVeleroOptions } from './site-backup';
import { SiteInput } from './site-input';
import { ExtraFootprint, FlowSource, SiteNamespace } from './site-namespace';
import { SiteStoreOptions } from './site-store';
import { VeleroBackupLocation, VeleroSchedule } from '../../backup';
import { NginxEdgeCache } from '../../cache';
import { Redundancy } from '../../capacity';
import {
  edgeError, IGrantableObjectStore, KubeNames, NetworkPeer, ObjectStoreAccess, ObjectStoreConsumer, ObjectStoreGrant, ObjectStoreGrantOptions,
  ObjectStoreGrantStatements, IObjectStore, RequiredSecret, RequiredSecrets, S3Credentials, S3KeyUse, SecurityBaseline, Warnings,
} from '../../core';
import { Shape } from '../../core/validate';
import { MinioCluster } from '../../objectstore/minio';

/** Inputs of the prerequisites every site shares (`EdgeSite.sharedPrerequisites`). */
export interface SharedPrerequisiteOptions {
  /** The site's StorageClass. */
  readonly storageClassName: string;
  /** What kind of class it must be, e.g. `XFS LocalPV (e.g. OpenEBS LVM LocalPV 1.x)`. */
  readonly storageClassKind: string;
  /** The volumes on it, e.g. `MinIO drives and cache volumes`. */
  readonly volumes: string;
  /**
   * What needs a LAN address from a Service load balancer.
   * @default - nothing (no load balancer needed)
   */
  readonly loadBalancerFor?: string;
  /** Velero's location. */
  readonly velero: VeleroBackupLocation;
}

/** What {@link EdgeSite.addSiteStore} builds. */
export interface SiteStoreSpec {
  /** MinIO servers. */
  readonly servers: number;
  /** Drives per server. */
  readonly drivesPerServer: number;
  /** Size of each drive. */
  readonly driveSize: Size;
  /** StorageClass of the drives. */
  readonly storageClassName: string;
  /**
   * Pods allowed to reach the S3 API without a grant (e.g. an anonymous-read cache); granted consumers are added by
   * their grants.
   * @default - none
   */
  readonly clients?: FlowSource[];
  /**
   * Keep a persistent queue for bucket notifications.
   * @default true
   */
  readonly eventQueue?: boolean;
  /**
   * User overrides.
   * @default - MinioCluster defaults
   */
  readonly options?: SiteStoreOptions;
}

/** Where a site's Velero backups go when they are not site-local (a cloud or regional bucket). */
export interface SiteBackupTarget {
  /** The store. */
  readonly store: IObjectStore;
  /** The bucket (it must exist). */
  readonly bucket: string;
  /** Key prefix of the Velero location. */
  readonly prefix: string;
  /**
   * Take volume snapshots in the schedules (only for volumes whose CSI snapshots can be restored: not LVM LocalPV).
   * @default false
   */
  readonly snapshotVolumes?: boolean;
}

/** The Velero location and schedules of a site. */
export interface SiteVelero {
  /** The BackupStorageLocation. */
  readonly location: VeleroBackupLocation;
  /** Daily and weekly schedules of the site namespace. */
  readonly schedules: VeleroSchedule[];
}

/** Resources of the site's own applications in the site namespace (recorders, viewers, inference pods…). */
export interface SiteApplicationFootprint {
  /** Pods. */
  readonly pods: number;
  /** CPU requested, in cores. */
  readonly cpu: number;
  /** Memory requested (also counted as the memory limit). */
  readonly memory: Size;
}

/** Props every site blueprint accepts. */
export interface EdgeSiteProps {
  /** The site's name: its namespace, and the prefix of its cloud topics and archive paths (a DNS-1123 label). */
  readonly siteName: string;
  /**
   * Headroom of the namespace's ResourceQuota over the computed footprint (0.2 = 20 %).
   * @default 0.2
   */
  readonly quotaHeadroom?: number;
  /**
   * The site's own applications that run in the site namespace (the flows expect them there), added to the
   * ResourceQuota next to the library's parts.
   * @default - a per-blueprint estimate (video: from the cameras; model: from the clients; IoT: gateways and query
   * clients), shown as a default in the report
   */
  readonly applicationFootprint?: SiteApplicationFootprint;
  /**
   * Fail synthesis if any object of the site breaks the SecurityBaseline.
   * @default true
   */
  readonly enforceSecurityBaseline?: boolean;
  /**
   * Address ranges of the cloud endpoints (Kafka, S3) the site may reach over the WAN.
   * @default ['0.0.0.0/0'] - narrow it when the cloud's addresses are known
   */
  readonly wanCidrs?: string[];
  /**
   * Address ranges of the Kubernetes API server as pods reach it (the control-plane nodes' addresses behind the
   * `kubernetes` Service; `kubectl get endpoints kubernetes`), for the Strimzi entity operator's egress on 443/6443.
   * @default ['0.0.0.0/0'] - the API server's address is not known at synth: any address on those two ports
   */
  readonly apiServerCidrs?: string[];
}

/** Marks site blueprints; `instanceof` cannot tell them apart, because cdk8s' Chart answers it for every chart. */
const EDGE_SITE = Symbol.for('cdk8s-edge-storage.EdgeSite');

/**
 * Base of the site blueprints: a Chart whose namespace is the site, holding a {@link SiteNamespace} (restricted Pod
 * Security, default-deny NetworkPolicies plus the flows the site declares, LimitRange and ResourceQuota), the data
 * paths for the report, and the SecurityBaseline enforcement.
 */
export abstract class EdgeSite extends Chart {
  /** True when `x` is a site blueprint. */
  public static isEdgeSite(x: any): x is EdgeSite {
    return x !== null && typeof x === 'object' && (x as any)[EDGE_SITE] === true;
  }

  /**
   * Write `<site>.report.md` for every site blueprint of `app` into `outdir` (next to the synthesized manifests).
   * @returns the files written
   */
  public static writeReports(app: App, outdir?: string): string[] {
    const dir = outdir ?? app.outdir;
    fs.mkdirSync(dir, { recursive: true });
    return app.charts.filter((c) => EdgeSite.isEdgeSite(c)).map((c) => {
      const site = c as EdgeSite;
      const file = path.join(dir, `${site.siteName}.report.md`);
      fs.writeFileSync(file, site.report());
      return file;
    });
  }

  /** What needs a load balancer's LAN address when `cache`'s Service is a LoadBalancer (for `sharedPrerequisites`). */
  protected static cacheLanAddress(cache: NginxEdgeCache): string | undefined {
    return cache.serviceType === ServiceType.LOAD_BALANCER
      ? `LAN address of the ${cache.serviceName} cache (externalTrafficPolicy: Local keeps client addresses)` : undefined;
  }

  /** The planner's redundancy for a MinIO store's erasure layout (EC data+parity per set). */
  protected static storeRedundancy(store: MinioCluster): Redundancy {
    return Redundancy.erasureCoded(store.layout.setSize - store.layout.parity, store.layout.parity);
  }

  /** The site's name (also its namespace). */
  public readonly siteName: string;
  /** The site's namespace with its policies. */
  public readonly siteNamespace: SiteNamespace;
  /** Address ranges allowed for WAN egress. */
  public readonly wanCidrs: string[];
  /** Address ranges of the Kubernetes API server (egress of the operators that watch it). */
  public readonly apiServerCidrs: string[];
  private readonly paths: DataPath[] = [];
  private readonly _grants: ObjectStoreGrant[] = [];
  private readonly flowNames = new Set<string>();
  private siteStore?: MinioCluster;
  private readonly givenApplications?: SiteApplicationFootprint;
  /** The application footprint counted in the quota, and whether it was given or defaulted. */
  private applications?: { footprint: SiteApplicationFootprint; basis: string };

  protected constructor(scope: Construct, id: string, props: EdgeSiteProps) {
    super(scope, id, { namespace: props?.siteName });
    Shape.check(this, props);
    SiteInput.common(this, props);
    Object.defineProperty(this, EDGE_SITE, { value: true });
    if (!KubeNames.isDns1123Label(props.siteName) || props.siteName.length > 40) {
      throw edgeError(this, {
        prop: 'siteName',
        value: props.siteName,
        rule: 'must be a DNS-1123 label of at most 40 characters (it names the namespace and prefixes object names)',
        fix: `use a name like "${KubeNames.suggest(props.siteName, 40)}"`,
      });
    }
    this.siteName = props.siteName;
    this.wanCidrs = props.wanCidrs ?? ['0.0.0.0/0'];
    this.apiServerCidrs = props.apiServerCidrs ?? ['0.0.0.0/0'];
    this.siteNamespace = new SiteNamespace(this, 'Namespace', { name: props.siteName, quotaHeadroom: props.quotaHeadroom });
    this.givenApplications = props.applicationFootprint;
    if (props.enforceSecurityBaseline ?? true) {
      SecurityBaseline.enforce(this);
    }
  }

  /** The data paths recorded for the report's flowchart. */
  public get dataPaths(): DataPath[] {
    return [...this.paths];
  }

  /** The site's report in Markdown: capacity, components and images, prerequisites, data-path flowchart. */
  public abstract report(): string;

  /** What must be installed on the cluster. */
  public abstract prerequisites(): Prerequisite[];

  /**
   * The prerequisites every site shares, in report order: Kubernetes, the site's StorageClass (for `volumes`), the
   * Strimzi operator, a Service load balancer when `loadBalancerFor` names what needs a LAN address, Velero.
   */
  protected sharedPrerequisites(o: SharedPrerequisiteOptions): Prerequisite[] {
    const into = o.velero.locationName.endsWith('-store') ? 'the site store (siteLocal)' : `the cloud bucket ${o.velero.bucket}`;
    return [
      { component: 'Kubernetes', version: '1.30+', purpose: 'API versions emitted (NetworkPolicy enforcement needs a CNI that supports it)' },
      { component: `StorageClass "${o.storageClassName}"`, version: o.storageClassKind, purpose: o.volumes },
      { component: 'Strimzi operator', version: '1.x (kafka.strimzi.io/v1, KRaft)', purpose: 'Kafka, KafkaTopic, KafkaUser, KafkaMirrorMaker2' },
      ...(o.loadBalancerFor ? [{ component: 'Service load balancer', version: 'MetalLB, k3s ServiceLB, kube-vip… (or serviceType NODE_PORT)', purpose: o.loadBalancerFor }] : []),
      { component: 'Velero + AWS plugin', version: 'Velero 1.17–1.18, plugin 1.13–1.14 (kopia uploader)', purpose: `namespace backups into ${into} (Velero in "${o.velero.namespace}")` },
    ];
  }

  /** Every access grant the site made (who may do what on which store), for the report. */
  public get grants(): ObjectStoreGrant[] {
    return [...this._grants];
  }

  /** Every Secret the operator must create for the site (name, namespace, keys, who reads it). */
  public get requiredSecrets(): RequiredSecret[] {
    return RequiredSecrets.of(this);
  }

  /**
   * Grant `consumer` `access` to buckets of `store`: the store creates the consumer's user and least-privilege policy
   * and admits its pods (and records the grant's Secrets in the chart's `RequiredSecrets`, which the report lists);
   * the site adds the namespace flow consumer → store. Pass `grant.objectStore` to the consumer.
   */
  protected grant(
    store: IGrantableObjectStore, access: ObjectStoreAccess, consumer: ObjectStoreConsumer, options: ObjectStoreGrantOptions,
  ): ObjectStoreGrant {
    const g = access === ObjectStoreAccess.READ ? store.grantRead(consumer, options)
      : access === ObjectStoreAccess.WRITE ? store.grantWrite(consumer, options)
        : store.grantReadWrite(consumer, options);
    const flow = `${consumer.name}-store`;
    if (!this.flowNames.has(flow)) {
      this.flowNames.add(flow);
      if (g.storePeer) {
        this.allow(flow, consumer, g.storePeer);
      } else if (consumer.namespace === this.siteName) {
        const url = new URL(store.s3Endpoint);
        this.allowWan(flow, consumer, [url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80]);
      }
    }
    this._grants.push(g);
    return g;
  }

  /**
   * Velero backups of the site namespace: into `cloud` by default, or (with `options.siteLocal`) into the `velero`
   * bucket of the site store through a `velero` grant limited to the site's prefix.
   */
  protected addVeleroBackups(options: SiteVeleroOptions, cloud?: SiteBackupTarget): SiteVelero {
    const site = this.siteName;
    const ns = options.veleroNamespace ?? 'velero';
    const cred = options.veleroCredential;
    let location: VeleroBackupLocation;
    if (options.siteLocal) {
      const store = this.siteStore;
      if (!store) {
        throw edgeError(this, { prop: 'backup.siteLocal', value: true, rule: 'this site has no object store of its own', fix: 'leave siteLocal unset: backups go to the cloud store' });
      }
      if (!store.bucketNames.includes('velero')) store.addBucket('VeleroBucket', { name: 'velero' });
      const g = this.grant(store, ObjectStoreAccess.READ_WRITE, { name: 'velero', namespace: ns, podLabels: options.veleroPodLabels ?? {} }, {
        buckets: ['velero'],
        prefix: site,
        consumerCredential: { name: cred.name, namespace: ns, keys: [cred.key], purpose: `Velero: AWS credentials file ([default] aws_access_key_id / aws_secret_access_key) with the keys of Secret ${store.name}-velero` },
      });
      location = new VeleroBackupLocation(this, 'VeleroLocation', {
        name: `${site}-store`, namespace: ns, objectStore: g.objectStore, bucket: 'velero', prefix: site, credential: cred, grantedKeys: true, publicUrl: options.publicUrl,
      });
      Warnings.addFormatted(this, {
        prop: 'backup.siteLocal',
        value: true,
        rule: 'the backups live in the store they protect: they share the site\'s failure domain and a restore needs that store running',
        fix: 'leave siteLocal unset to back up to the cloud store',
      });
    } else {
      if (!cloud) {
        throw edgeError(this, { prop: 'backup', value: 'no cloud store', rule: 'backups go to a store outside the site by default', fix: 'name the cloud store and bucket for the backups, or set siteLocal: true (labs only)' });
      }
      location = new VeleroBackupLocation(this, 'VeleroLocation', {
        name: `${site}-cloud`, namespace: ns, objectStore: cloud.store, bucket: cloud.bucket, prefix: cloud.prefix, credential: cred, publicUrl: options.publicUrl,
      });
    }
    const host = new URL(location.apiObject.toJson().spec.config?.s3Url ?? 'https://s3.amazonaws.com').hostname;
    if (options.publicUrl === undefined && (/\.svc(\.cluster\.local)?$/.test(host) || !host.includes('.'))) {
      Warnings.addFormatted(this, {
        prop: 'backup.publicUrl',
        value: 'unset',
        rule: `the location's URL (host ${host}) is cluster-internal, so \`velero backup logs\` and \`describe --details\` cannot download from outside the cluster`,
        fix: 'set backup.publicUrl to an address of the store reachable from operators\' machines',
      });
    }
    const scope = {
      location,
      includedNamespaces: [site],
      namespace: ns,
      excludedResources: ['events', 'events.events.k8s.io'],
      // Objects only by default. The site volumes are LocalPV (LVM): CSI snapshots of them are thick (full size
      // reserved), cannot be restored and block resizing; a file-system copy of the drives would land in a store the
      // site already copies to. The data is protected by erasure coding, the cloud copies and the restic jobs instead.
      snapshotVolumes: (options.siteLocal ? undefined : cloud?.snapshotVolumes) ?? false,
      defaultVolumesToFsBackup: false,
    };
    const schedules = [VeleroSchedule.daily(this, `${site}-daily`, scope), VeleroSchedule.weekly(this, `${site}-weekly`, scope)];
    return { location, schedules };
  }

  /**
   * Adds to the entry of the keys of a store the site does not provision (a cloud bucket; the jobs that read them
   * record them) the IAM policy that allows exactly `uses` (what the site's jobs declare they do with those keys),
   * shown under "Key policies".
   */
  protected requireStoreKeys(store: IObjectStore, purpose: string, uses: S3KeyUse[]): void {
    store.credentials.requireIn(this, {
      namespace: this.siteName,
      purpose: `${purpose} on ${store.s3Endpoint}; give the keys only the IAM policy under "Key policies"`,
      policy: ObjectStoreGrantStatements.policyDocument(uses),
    });
  }

  /**
   * A policy or grant written before its workload existed (the workload needs the grant's keys, or the store the
   * workload reads from needs the policy) selected the pods by `declared`; the workload's own pods carry `actual`.
   * They must be the same labels, or the policy would silently admit nobody: fail the synthesis instead.
   */
  protected checkSelects(what: string, declared: { [key: string]: string }, actual: { [key: string]: string }): void {
    const same = JSON.stringify(Object.entries(declared).sort()) === JSON.stringify(Object.entries(actual).sort());
    if (!same) {
      throw new Error(`${this.node.path}: the ${what} was selected by ${JSON.stringify(declared)} before it existed, but its pods carry ${JSON.stringify(actual)}: `
        + 'derive both from the same name (a library defect: please report it)');
    }
  }

  /** Record a data path for the flowchart. */
  protected addDataPath(from: string, to: string, label: string): void {
    this.paths.push({ from, to, label });
  }

  /** Allow an in-cluster flow (see {@link SiteNamespace.allowFlow}). */
  protected allow(name: string, from: FlowSource, to: NetworkPeer): void {
    this.siteNamespace.allowFlow(name, from, to);
  }

  /** Allow WAN egress to the cloud on `ports`. */
  protected allowWan(name: string, from: FlowSource, ports: number[]): void {
    this.siteNamespace.allowWanEgress(name, from, ports, this.wanCidrs);
  }

  /**
   * The site's MinIO store (`store` in the site namespace) with the flows it needs internally (server peers,
   * provisioning Job).
   */
  protected addSiteStore(spec: SiteStoreSpec): MinioCluster {
    const o = spec.options ?? {};
    const store = new MinioCluster(this, 'Store', {
      name: 'store',
      namespace: this.siteName,
      servers: spec.servers,
      drivesPerServer: spec.drivesPerServer,
      driveSize: spec.driveSize,
      storageClassName: spec.storageClassName,
      parity: o.parity,
      image: o.image,
      resources: o.resources,
      tolerateServerLoss: o.tolerateServerLoss,
      eventQueue: spec.eventQueue,
      rootCredentials: o.rootCredentials ?? S3Credentials.fromSecretName(`${this.siteName}-store-root`),
      allowedClients: (spec.clients ?? []).map((c) => ({ ...c, ports: [] })),
    });
    this.allowStoreInternals(store);
    this.siteStore = store;
    return store;
  }

  /** Let a MinIO store's servers talk to each other and its provisioning Job reach them. */
  private allowStoreInternals(store: MinioCluster): void {
    const peer = store.serverNetworkPeer;
    this.allow('store-peers', { namespace: store.namespace, podLabels: store.podLabels }, peer);
    this.allow('provisioner-store', { namespace: store.namespace, podLabels: store.provisionerPodLabels }, peer);
  }

  /**
   * Count the site's applications in the quota: the given applicationFootprint, or `defaults` (described by `basis`).
   */
  protected addApplicationFootprint(defaults: SiteApplicationFootprint, basis: string): void {
    const given = this.givenApplications;
    const f = given ?? defaults;
    const bytes = f.memory.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
    if (!Number.isInteger(f.pods) || f.pods < 0 || !(f.cpu >= 0) || !(bytes >= 0)) {
      throw edgeError(this, { prop: 'applicationFootprint', value: `${f.pods} pods, ${f.cpu} CPU`, rule: 'pods must be a whole number ≥ 0 and CPU and memory ≥ 0', fix: 'give e.g. { pods: 4, cpu: 2, memory: Size.gibibytes(4) }' });
    }
    this.applications = { footprint: f, basis: given ? 'given (applicationFootprint)' : `default: ${basis}` };
    this.siteNamespace.addExtraFootprint({ description: 'site applications', pods: f.pods, cpuRequests: f.cpu, memoryRequests: bytes, memoryLimits: bytes });
  }

  /**
   * The site applications counted in the quota (given or defaulted), not pods the library emits.
   * @default - none counted
   */
  public get applicationFootprint(): SiteApplicationFootprint | undefined {
    return this.applications?.footprint;
  }

  /** The report line for the application footprint, if any. */
  protected applicationFootprintNote(): string[] {
    const a = this.applications;
    if (!a) return [];
    const gib = a.footprint.memory.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) / 2 ** 20;
    return [`Quota includes the site's applications: ${a.footprint.pods} pods, ${a.footprint.cpu} CPU, ${Number(gib.toFixed(2))} GiB memory (${a.basis})`];
  }

  /** Count operator-managed pods in the quota. */
  protected addFootprint(extra: ExtraFootprint): void {
    this.siteNamespace.addExtraFootprint(extra);
  }
}
