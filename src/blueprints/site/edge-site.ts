import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { DataPath, Prerequisite } from './report';
import { SiteInput } from './site-input';
import { ExtraFootprint, FlowSource, SiteNamespace } from './site-namespace';
import { SiteStoreOptions } from './site-store';
import { Redundancy } from '../../capacity';
import { edgeError, KubeNames, NetworkPeer, SecurityBaseline } from '../../core';
import { Shape } from '../../core/validate';
import { MinioCluster } from '../../objectstore/minio';

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
  /** Pods allowed to reach the S3 API. */
  readonly clients: FlowSource[];
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
   * Fail synthesis if any object of the site breaks the SecurityBaseline.
   * @default true
   */
  readonly enforceSecurityBaseline?: boolean;
  /**
   * Address ranges of the cloud endpoints (Kafka, S3) the site may reach over the WAN.
   * @default ['0.0.0.0/0'] - narrow it when the cloud's addresses are known
   */
  readonly wanCidrs?: string[];
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
  private readonly paths: DataPath[] = [];

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
    this.siteNamespace = new SiteNamespace(this, 'Namespace', { name: props.siteName, quotaHeadroom: props.quotaHeadroom });
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
      rootCredentials: { secretName: o.rootCredentialsSecretName ?? `${this.siteName}-store-root` },
      clientCredentials: { secretName: o.clientCredentialsSecretName ?? `${this.siteName}-store-client` },
      allowedClients: spec.clients.map((c) => ({ ...c, ports: [] })),
    });
    this.allowStoreInternals(store);
    return store;
  }

  /** Let a MinIO store's servers talk to each other and its provisioning Job reach them. */
  private allowStoreInternals(store: MinioCluster): void {
    const peer = store.serverNetworkPeer;
    this.allow('store-peers', { namespace: store.namespace, podLabels: store.selectorLabels }, peer);
    this.allow('provisioner-store', { namespace: store.namespace, podLabels: store.provisionerPodLabels }, peer);
  }

  /** Count operator-managed pods in the quota. */
  protected addFootprint(extra: ExtraFootprint): void {
    this.siteNamespace.addExtraFootprint(extra);
  }
}
