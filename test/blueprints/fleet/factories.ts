// Test-only site factories for the Fleet tests, made of plain L1 objects built with the foundation helpers so every
// object validates against the pinned schemas and passes the SecurityBaseline. Also loaded by worker threads
// (Fleet.synthParallel), so everything a factory needs comes from JSON-like constructor arguments.
import { isMainThread, threadId } from 'worker_threads';
import { App, Chart, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ContainerImage, FleetSiteFile, IFleetValidator, ISiteFactory, Warnings } from '../../../src';
import { EdgeLabels, Resources, RestrictedSecurity } from '../../../src/core';

/** How a test site misbehaves. */
export type SiteFault =
  | 'throw' // buildSite throws like a construct rejecting its props
  | 'insecure' // a container without resources / probes (SecurityBaseline)
  | 'invalid' // a construct validation fails at synth
  | 'duplicate' // two charts emit the same object
  | 'empty' // builds no chart
  | 'no-objects' // builds a chart without objects
  // The next three only in worker threads (Fleet.synthParallel): they would end or block the test process itself.
  | 'exit' // calls process.exit(3)
  | 'oom' // allocates until the worker's heap is exhausted
  | 'hang'; // never returns

export interface TestFleetOptions {
  /** Site names. Default: site-a … site-e. */
  readonly sites?: string[];
  /** Faulty sites. */
  readonly faults?: { [site: string]: SiteFault };
  /** Sites built as two charts, `<site>-apps` depending on `<site>-base` (cdk8s then prefixes file names with an index). */
  readonly multiChart?: string[];
  /** Add a REPORT.md (FleetSiteFile) to every site. */
  readonly report?: boolean;
  /** Replicas of every web Deployment (to change the output between runs). */
  readonly replicas?: number;
  /** Sites whose chart records a warning (legal but risky input). */
  readonly warn?: string[];
}

/** Namespace, ConfigMap, Deployment, Service, NetworkPolicy: a small site that passes every check. */
export class SmallSite extends Construct {
  constructor(scope: Construct, id: string, site: string, replicas: number, insecure: boolean = false) {
    super(scope, id);
    const labels = EdgeLabels.standard({ name: 'web', instance: `${site}-web`, version: ContainerImage.NGINX_UNPRIVILEGED.version });
    const selector = EdgeLabels.selector({ name: 'web', instance: `${site}-web` });
    const meta = { name: `${site}-web`, namespace: site, labels };
    new k8s.KubeConfigMap(this, 'Config', { metadata: meta, data: { 'site.txt': `site ${site}\n` } });
    new k8s.KubeDeployment(this, 'Web', {
      metadata: meta,
      spec: {
        replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: RestrictedSecurity.podSecurityContext(),
            containers: [{
              name: 'web',
              image: ContainerImage.NGINX_UNPRIVILEGED.reference,
              ports: [{ containerPort: 8080 }],
              securityContext: RestrictedSecurity.containerSecurityContext(),
              ...(insecure ? {} : {
                resources: Resources.toKube({ cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(64) } }),
                readinessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromNumber(8080) } },
                livenessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromNumber(8080) } },
              }),
              volumeMounts: [{ name: 'config', mountPath: '/usr/share/nginx/html' }, { name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'config', configMap: { name: `${site}-web` } }, { name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: meta,
      spec: { selector, ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(8080) }] },
    });
    new k8s.KubeNetworkPolicy(this, 'Policy', {
      metadata: meta,
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(8080) }] }],
      },
    });
  }
}

function namespace(scope: Construct, site: string): k8s.KubeNamespace {
  return new k8s.KubeNamespace(scope, 'Namespace', { metadata: { name: site, labels: { 'app.kubernetes.io/part-of': EdgeLabels.PART_OF } } });
}

/** A configurable fleet of small sites, some of them faulty. */
export class TestFleetFactory implements ISiteFactory {
  private readonly options: TestFleetOptions;

  constructor(options: TestFleetOptions = {}) {
    this.options = options;
  }

  public siteNames(): string[] {
    return this.options.sites ?? ['site-a', 'site-b', 'site-c', 'site-d', 'site-e'];
  }

  public buildSite(app: App, site: string): void {
    const fault = this.options.faults?.[site];
    const replicas = this.options.replicas ?? 2;
    if (fault === 'empty') return;
    if (fault === 'exit' || fault === 'oom' || fault === 'hang') {
      if (isMainThread) throw new Error(`fault "${fault}" is only for worker threads`);
      if (fault === 'exit') process.exit(3);
      const hoard: number[][] = [];
      // eslint-disable-next-line no-constant-condition
      while (true) {
        if (fault === 'oom') hoard.push(new Array(1_000_000).fill(1));
      }
    }
    if (fault === 'throw') {
      throw new Error(`SmallSite "${site}": replicas = -1: must be at least 1; use 1 or more`);
    }
    if (this.options.multiChart?.includes(site) || fault === 'duplicate') {
      const base = new Chart(app, `${site}-base`, { disableResourceNameHashes: true });
      namespace(base, site);
      const apps = new Chart(app, `${site}-apps`, { disableResourceNameHashes: true });
      new SmallSite(apps, 'Web', site, replicas);
      apps.addDependency(base);
      if (fault === 'duplicate') new SmallSite(base, 'Web', site, replicas);
    } else {
      const chart = new Chart(app, site, { disableResourceNameHashes: true });
      if (fault !== 'no-objects') {
        namespace(chart, site);
        new SmallSite(chart, 'Web', site, replicas, fault === 'insecure');
      }
      if (this.options.warn?.includes(site)) {
        Warnings.addFormatted(chart, { prop: 'replicas', value: replicas, rule: 'fewer than 3 replicas cannot survive a node drain during an upgrade', fix: 'use 3 replicas' });
      }
      if (fault === 'invalid') {
        chart.node.addValidation({ validate: () => [`SmallSite "${site}": cameras = 0: must be at least 1; add cameras`] });
      }
    }
    if (this.options.report) {
      FleetSiteFile.report(app, `# Site ${site}\n\nReplicas: ${replicas}\n`);
    }
  }
}

/** The factory as a plain object export. */
export const defaultFactory: ISiteFactory = new TestFleetFactory();

/** A function export returning a factory. */
export function makeFactory(options: TestFleetOptions): ISiteFactory {
  return new TestFleetFactory(options);
}

/** Site names that depend on the thread (a non-deterministic factory: workers disagree). */
export const threadDependent: ISiteFactory = {
  siteNames: () => (threadId % 2 === 0 ? ['site-a', 'site-b'] : ['site-a']),
  buildSite: (app: App, site: string) => new TestFleetFactory().buildSite(app, site),
};

/** A validator that rejects Services of type ClusterIP without a name port (an organisation's rule). */
export class NamedPortsValidator implements IFleetValidator {
  public validate(site: string, manifests: any[]): string[] {
    return manifests
      .filter((m) => m.kind === 'Service' && (m.spec?.ports ?? []).some((p: any) => !p.name))
      .map((m) => `${site}: Service "${m.metadata.name}": every port needs a name (organisation rule)`);
  }
}

/** A factory whose siteNames() returns undefined (a broken inventory). */
export const undefinedNames: ISiteFactory = {
  siteNames: () => undefined as any,
  buildSite: (app: App, site: string) => new TestFleetFactory().buildSite(app, site),
};

/** Not a factory (for the error message test). */
export const notAFactory = { hello: 'world' };
