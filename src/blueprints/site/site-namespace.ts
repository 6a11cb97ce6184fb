import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { Footprint, WorkloadFootprint } from './footprint';
import { formatBytes, formatCpu } from './quantity';
import { EdgeLabels, edgeError, KubeNames, NetworkPeer } from '../../core';
import { egressToDns } from '../../core/network-policy';
import { Cidrs, Shape } from '../../core/validate';

/** Pods a flow starts from: in-cluster pods, or (for egress only) any address. */
export interface FlowSource {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels selecting the pods. */
  readonly podLabels: { [key: string]: string };
}

/** An allowed network flow, as recorded by {@link SiteNamespace.allowFlow}. */
export interface SiteFlow {
  /** Short name of the flow (becomes part of the NetworkPolicy names). */
  readonly name: string;
  /** Where traffic comes from. */
  readonly from: FlowSource;
  /**
   * In-cluster destination pods.
   * @default - a WAN flow (see cidrs)
   */
  readonly to?: NetworkPeer;
  /**
   * Destination CIDRs for WAN flows.
   * @default - an in-cluster flow (see to)
   */
  readonly cidrs?: string[];
  /** Destination TCP ports. */
  readonly ports: number[];
}

/** Resources used by workloads an operator creates in the namespace (Kafka brokers, MirrorMaker2…). */
export interface ExtraFootprint {
  /** What it is, for the report. */
  readonly description: string;
  /** Pods. */
  readonly pods: number;
  /** CPU requested, in cores. */
  readonly cpuRequests: number;
  /** Memory requested, in bytes. */
  readonly memoryRequests: number;
  /** Memory limit, in bytes. */
  readonly memoryLimits: number;
  /**
   * Storage requested by its claims, in bytes.
   * @default 0
   */
  readonly storageRequests?: number;
  /**
   * Claims.
   * @default 0
   */
  readonly claims?: number;
}

/** Props of {@link SiteNamespace}. */
export interface SiteNamespaceProps {
  /** The namespace name (a DNS-1123 label). */
  readonly name: string;
  /**
   * Headroom on top of the computed footprint in the ResourceQuota (0.2 = 20 %).
   * @default 0.2
   */
  readonly quotaHeadroom?: number;
  /**
   * Site name for labels.
   * @default - the namespace name
   */
  readonly siteName?: string;
}

/**
 * A site's namespace: Pod Security "restricted" enforced, default-deny NetworkPolicy for ingress and egress, DNS
 * egress, exactly the flows the site's data paths need (see {@link allowFlow}), and a LimitRange + ResourceQuota sized
 * at synth from the workloads in the namespace.
 */
export class SiteNamespace extends Construct {
  /** Namespace name. */
  public readonly name: string;
  /** The Namespace object (escape hatch). */
  public readonly apiObject: k8s.KubeNamespace;
  private readonly flows: SiteFlow[] = [];
  private readonly extras: ExtraFootprint[] = [];
  private readonly headroom: number;

  constructor(scope: Construct, id: string, props: SiteNamespaceProps) {
    super(scope, id);
    Shape.check(this, props);
    KubeNames.assertDns1123Label(this, 'name', props.name);
    this.name = props.name;
    this.headroom = props.quotaHeadroom ?? 0.2;
    if (!Number.isFinite(this.headroom) || this.headroom < 0 || this.headroom > 5) {
      throw edgeError(this, { prop: 'quotaHeadroom', value: this.headroom, rule: 'must be a fraction between 0 and 5', fix: 'use e.g. 0.2 for 20 % headroom' });
    }
    const labels = { ...EdgeLabels.standard({ name: 'edge-site', instance: props.siteName ?? props.name, component: 'namespace' }) };
    this.apiObject = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.30',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });
    // Namespaces are cluster-scoped: drop the metadata.namespace a namespaced chart would give every object.
    if (Chart.of(this).namespace) this.apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', namespace: this.name, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns', namespace: this.name, labels },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [egressToDns()],
      },
    });
    new k8s.KubeLimitRange(this, 'Limits', {
      metadata: { name: 'container-defaults', namespace: this.name, labels },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') },
          default: { memory: k8s.Quantity.fromString('256Mi') },
        }],
      },
    });
    new ApiObject(this, 'Quota', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'site-quota', namespace: this.name, labels },
      spec: { hard: Lazy.any({ produce: () => this.quotaHard() }) },
    });
  }

  /** Every flow allowed so far. */
  public get allowedFlows(): SiteFlow[] {
    return [...this.flows];
  }

  /**
   * Allow `from` pods to reach `to` pods on `to.ports`: an egress policy on the source (when it is in this
   * namespace) and an ingress policy on the destination (when it is in this namespace).
   */
  public allowFlow(name: string, from: FlowSource, to: NetworkPeer): void {
    KubeNames.assertDns1123Label(this, 'flow name', name, 40);
    this.flows.push({ name, from, to, ports: to.ports });
    const ports = to.ports.map((p) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(p) }));
    const labels = EdgeLabels.standard({ name: 'edge-site', instance: this.name, component: 'network-policy' });
    if (from.namespace === this.name) {
      new k8s.KubeNetworkPolicy(this, `egress-${name}`, {
        metadata: { name: `allow-${name}-egress`, namespace: this.name, labels },
        spec: {
          podSelector: { matchLabels: from.podLabels },
          policyTypes: ['Egress'],
          egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': to.namespace } }, podSelector: { matchLabels: to.podLabels } }], ports }],
        },
      });
    }
    if (to.namespace === this.name) {
      new k8s.KubeNetworkPolicy(this, `ingress-${name}`, {
        metadata: { name: `allow-${name}-ingress`, namespace: this.name, labels },
        spec: {
          podSelector: { matchLabels: to.podLabels },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': from.namespace } }, podSelector: { matchLabels: from.podLabels } }], ports }],
        },
      });
    }
  }

  /**
   * Allow `from` pods (in this namespace) to reach addresses outside the cluster (the cloud over the WAN).
   * @param cidrs destination ranges; narrow them to the cloud endpoints' addresses when known
   */
  public allowWanEgress(name: string, from: FlowSource, ports: number[], cidrs: string[] = ['0.0.0.0/0']): void {
    KubeNames.assertDns1123Label(this, 'flow name', name, 40);
    Cidrs.checkAll(this, `allowWanEgress(${name}).cidrs`, cidrs);
    this.flows.push({ name, from, cidrs, ports });
    new k8s.KubeNetworkPolicy(this, `wan-${name}`, {
      metadata: { name: `allow-${name}-wan`, namespace: this.name, labels: EdgeLabels.standard({ name: 'edge-site', instance: this.name, component: 'network-policy' }) },
      spec: {
        podSelector: { matchLabels: from.podLabels },
        policyTypes: ['Egress'],
        egress: [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: ports.map((p) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(p) })) }],
      },
    });
  }

  /** Count workloads an operator creates in the namespace (not visible as pod templates) in the quota. */
  public addExtraFootprint(extra: ExtraFootprint): void {
    this.extras.push(extra);
  }

  /** The computed peak demand of the namespace (pod templates here plus extra footprints), before headroom. */
  public footprint(): Footprint {
    const root = this.node.scope!;
    const manifests = root.node.findAll()
      .filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.node.path !== this.node.path + '/Quota')
      .map((o) => o.toJson())
      .filter((m) => m.metadata?.namespace === this.name);
    const f = WorkloadFootprint.of(manifests);
    const sum = (g: (e: ExtraFootprint) => number) => this.extras.reduce((a, e) => a + g(e), 0);
    return {
      pods: f.pods + sum((e) => e.pods),
      cpuRequests: f.cpuRequests + sum((e) => e.cpuRequests),
      cpuLimits: f.cpuLimits,
      memoryRequests: f.memoryRequests + sum((e) => e.memoryRequests),
      memoryLimits: f.memoryLimits + sum((e) => e.memoryLimits),
      storageRequests: f.storageRequests + sum((e) => e.storageRequests ?? 0),
      claims: f.claims + sum((e) => e.claims ?? 0),
    };
  }

  private quotaHard(): { [key: string]: string } {
    const f = this.footprint();
    const h = 1 + this.headroom;
    return {
      'pods': String(Math.ceil(f.pods * h) + 1),
      'requests.cpu': formatCpu(f.cpuRequests * h),
      'requests.memory': formatBytes(f.memoryRequests * h),
      'limits.memory': formatBytes(f.memoryLimits * h),
      'requests.storage': formatBytes(f.storageRequests * h),
      'persistentvolumeclaims': String(Math.ceil(f.claims * h) + 1),
    };
  }
}
