// The one helper every building block builds its own least-privilege NetworkPolicy with. Internal: not re-exported
// from src/core/index.ts (jsii-invisible); building blocks import it by path.
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { NetworkPeer } from './interfaces';

/** Where a rule's traffic may come from or go to: pods (by namespace and labels) or an address block. */
export interface PolicyPeer {
  /** Namespace of the pods; omitted = the policy's own namespace. */
  readonly namespace?: string;
  /** Labels of the pods; omitted or empty = every pod of the namespace. */
  readonly podLabels?: { [key: string]: string };
  /** An address block instead of pods. */
  readonly cidr?: string;
}

/** Egress to addresses outside the cluster on some ports. */
export interface CidrEgress {
  readonly cidrs: string[];
  /** TCP ports; empty = every port. */
  readonly ports: number[];
}

/** What {@link leastPrivilegePolicy} builds. */
export interface LeastPrivilegePolicySpec {
  /** metadata.name. */
  readonly name: string;
  /** metadata.namespace (omitted = the chart's namespace). */
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  /** The pods the policy applies to. */
  readonly podLabels: { [key: string]: string };
  /**
   * Ingress rules: each lets `from` in on `ports`. No rules = no ingress at all. Pass `undefined` to leave ingress
   * unrestricted by this policy (the policy then only governs egress).
   */
  readonly ingress?: Array<{ from: PolicyPeer[]; ports: number[] }>;
  /**
   * Egress: DNS (kube-dns pods) always, plus these peers on their ports and these address blocks. Pass `undefined` to
   * leave egress unrestricted by this policy.
   */
  readonly egress?: { peers?: NetworkPeer[]; cidrs?: CidrEgress[]; extra?: k8s.NetworkPolicyEgressRule[] };
}

/** Selects pods for a NetworkPolicy rule: the peer's labels in the peer's namespace. */
export function peerSelector(namespace: string | undefined, podLabels: { [key: string]: string } | undefined): k8s.NetworkPolicyPeer {
  return {
    ...(namespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } } : {}),
    podSelector: podLabels && Object.keys(podLabels).length > 0 ? { matchLabels: { ...podLabels } } : {},
  };
}

/** The NetworkPolicy peer of a {@link PolicyPeer}. */
export function policyPeer(peer: PolicyPeer): k8s.NetworkPolicyPeer {
  return peer.cidr ? { ipBlock: { cidr: peer.cidr } } : peerSelector(peer.namespace, peer.podLabels);
}

/** TCP ports of a rule. */
export function tcpPorts(ports: number[]): k8s.NetworkPolicyPort[] {
  return ports.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }));
}

/** Egress to a known peer's pods on its ports. */
export function egressToPeer(peer: NetworkPeer): k8s.NetworkPolicyEgressRule {
  return { to: [peerSelector(peer.namespace, peer.podLabels)], ports: tcpPorts(peer.ports) };
}

/**
 * Egress to the cluster DNS: the kube-dns / CoreDNS pods (`k8s-app: kube-dns`) in `kube-system`, where kubeadm, k3s,
 * RKE2, MicroK8s and the managed services run them; a pod with that label elsewhere receives nothing.
 */
export function egressToDns(): k8s.NetworkPolicyEgressRule {
  return {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [
      { port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' },
      { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' },
    ],
  };
}

/** Egress to address blocks on some TCP ports (every port when none are given). */
export function egressToCidrs(e: CidrEgress): k8s.NetworkPolicyEgressRule {
  return { to: e.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ...(e.ports.length > 0 ? { ports: tcpPorts(e.ports) } : {}) };
}

/**
 * Ingress and egress rules of a least-privilege policy: ingress only from the declared peers on the listener ports,
 * egress only to DNS, the declared peers and address blocks. An empty `from` would match every source, so a rule
 * without peers is left out.
 */
export function leastPrivilegeSpec(spec: LeastPrivilegePolicySpec): k8s.NetworkPolicySpec {
  const types: string[] = [];
  if (spec.ingress !== undefined) types.push('Ingress');
  if (spec.egress !== undefined) types.push('Egress');
  return {
    podSelector: { matchLabels: { ...spec.podLabels } },
    policyTypes: types,
    ...(spec.ingress !== undefined
      ? { ingress: spec.ingress.filter((r) => r.from.length > 0).map((r) => ({ from: r.from.map(policyPeer), ports: tcpPorts(r.ports) })) }
      : {}),
    ...(spec.egress !== undefined
      ? {
        egress: [
          egressToDns(),
          ...(spec.egress.peers ?? []).map(egressToPeer),
          ...(spec.egress.cidrs ?? []).filter((c) => c.cidrs.length > 0).map(egressToCidrs),
          ...(spec.egress.extra ?? []),
        ],
      }
      : {}),
  };
}

/** Emits the least-privilege NetworkPolicy of a building block's pods. */
export function leastPrivilegePolicy(scope: Construct, id: string, spec: LeastPrivilegePolicySpec): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: spec.name, ...(spec.namespace ? { namespace: spec.namespace } : {}), labels: spec.labels },
    spec: leastPrivilegeSpec(spec),
  });
}

/**
 * Egress to an S3/HTTP endpoint: its pods when the store runs in the cluster (`networkPeer`), else its port on the
 * given address blocks (every address unless narrowed).
 */
export function endpointEgress(
  endpoint: string, networkPeer: NetworkPeer | undefined, cidrs: string[] | undefined,
): { peers: NetworkPeer[]; cidrs: CidrEgress[] } {
  if (networkPeer) return { peers: [networkPeer], cidrs: [] };
  return { peers: [], cidrs: [{ cidrs: cidrs ?? ['0.0.0.0/0', '::/0'], ports: [endpointPort(endpoint)] }] };
}

/** The TCP port of an http(s) URL (its explicit port, else 443 / 80). */
export function endpointPort(url: string): number {
  try {
    const u = new URL(url);
    return u.port ? Number(u.port) : (u.protocol === 'http:' ? 80 : 443);
  } catch {
    return 443;
  }
}
