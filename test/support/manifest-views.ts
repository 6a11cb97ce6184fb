/**
 * Readable views of synthesized manifests for tests that state a contract rather than snapshot a whole site:
 * - `flowTable`: every rule of every NetworkPolicy as "who may reach what, on which ports";
 * - `inventory`: every object as "Kind namespace/name".
 * Both are sorted, so the order objects or rules are emitted in does not matter (docs/design.md §6).
 */

/** Short names for label sets: a selector whose matchLabels equal one of them exactly is printed as the name. */
export interface Legend {
  readonly [name: string]: { readonly [key: string]: string };
}

const sameLabels = (a: { [key: string]: string }, b: { [key: string]: string }) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/** `k=v,k2=v2` of a label selector (sorted keys), or its legend name; `*` when it selects everything. */
function selectorText(selector: any, legend: Legend = {}): string {
  if (!selector) return '*';
  if (!(selector.matchExpressions ?? []).length && Object.keys(selector.matchLabels ?? {}).length > 0) {
    const named = Object.entries(legend).find(([, labels]) => sameLabels(labels, selector.matchLabels));
    if (named) return named[0];
  }
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`);
  const exprs = (selector.matchExpressions ?? []).map((e: any) => {
    const values = (e.values ?? []).slice().sort().join('|');
    return values ? `${e.key} ${e.operator} (${values})` : `${e.key} ${e.operator}`;
  }).sort();
  const all = [...labels, ...exprs];
  return all.length === 0 ? '*' : all.join(',');
}

/**
 * The namespace part of a peer: the name when the selector is `kubernetes.io/metadata.name=<ns>` alone, `*` for an
 * empty selector (every namespace), else `ns(<selector>)`.
 */
function namespaceText(selector: any): string {
  const labels = selector.matchLabels ?? {};
  const keys = Object.keys(labels);
  if (keys.length === 1 && keys[0] === 'kubernetes.io/metadata.name' && !(selector.matchExpressions ?? []).length) return labels[keys[0]];
  const text = selectorText(selector);
  return text === '*' ? '*' : `ns(${text})`;
}

/** A NetworkPolicy peer as text: `ns/selector`, or `cidr` / `cidr except a,b` for an ipBlock. */
function peerText(peer: any, policyNamespace: string, legend: Legend): string {
  if (peer.ipBlock) {
    const except: string[] = peer.ipBlock.except ?? [];
    return except.length > 0 ? `${peer.ipBlock.cidr} except ${except.join(',')}` : peer.ipBlock.cidr;
  }
  const ns = peer.namespaceSelector ? namespaceText(peer.namespaceSelector) : policyNamespace;
  return `${ns}/${selectorText(peer.podSelector, legend)}`;
}

/** `tcp/9000,udp/53` (protocol TCP when unset; `tcp/8000-8010` for an endPort range); `any port` without ports. */
function portsText(ports: any[] | undefined): string {
  if (!ports || ports.length === 0) return 'any port';
  return ports.map((p) => {
    const proto = String(p.protocol ?? 'TCP').toLowerCase();
    if (p.port === undefined) return `${proto}/any`;
    return p.endPort !== undefined ? `${proto}/${p.port}-${p.endPort}` : `${proto}/${p.port}`;
  }).join(',');
}

/** The policy types in force: as given, else Ingress plus Egress when there are egress rules (the API's default). */
function policyTypes(spec: any): string[] {
  if (spec.policyTypes) return spec.policyTypes;
  return ['Ingress', ...(spec.egress ? ['Egress'] : [])];
}

/**
 * One row per peer of every rule of every NetworkPolicy, sorted:
 * - `ingress <from> → <selected pods> <ports>` and `egress <selected pods> → <to> <ports>`;
 * - a rule without peers reaches or admits everything: `*` (any source or destination, in or outside the cluster);
 * - a policy type with no rules denies that direction: `ingress deny → <selected pods>`, `egress deny <selected pods> →`.
 * Pods are `namespace/k=v,…` (`*` for all pods; a label set of `legend` by its name), the namespace being the
 * policy's unless a namespaceSelector says otherwise; address blocks are their CIDR (`… except …`). When several
 * policies state the same row, it appears once with ` ×<count>` appended (e.g. a flow's ingress policy and the
 * store's own policy both admitting the cache).
 */
export function flowTable(manifests: any[], legend: Legend = {}): string[] {
  const rows: string[] = [];
  for (const m of manifests) {
    if (m.kind !== 'NetworkPolicy') continue;
    const ns = m.metadata?.namespace ?? 'default';
    const spec = m.spec ?? {};
    const selected = `${ns}/${selectorText(spec.podSelector, legend)}`;
    const types = policyTypes(spec);
    if (types.includes('Ingress')) {
      const rules: any[] = spec.ingress ?? [];
      if (rules.length === 0) rows.push(`ingress deny → ${selected}`);
      for (const rule of rules) {
        const peers: any[] = rule.from ?? [];
        const sources = peers.length === 0 ? ['*'] : peers.map((p) => peerText(p, ns, legend));
        for (const source of sources) rows.push(`ingress ${source} → ${selected} ${portsText(rule.ports)}`);
      }
    }
    if (types.includes('Egress')) {
      const rules: any[] = spec.egress ?? [];
      if (rules.length === 0) rows.push(`egress deny ${selected} →`);
      for (const rule of rules) {
        const peers: any[] = rule.to ?? [];
        const targets = peers.length === 0 ? ['*'] : peers.map((p) => peerText(p, ns, legend));
        for (const target of targets) rows.push(`egress ${selected} → ${target} ${portsText(rule.ports)}`);
      }
    }
  }
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row, (counts.get(row) ?? 0) + 1);
  return [...counts].map(([row, n]) => (n > 1 ? `${row} ×${n}` : row)).sort();
}

/** Every object as `Kind namespace/name` (`Kind name` when cluster-scoped), sorted. */
export function inventory(manifests: any[]): string[] {
  return manifests
    .map((m) => `${m.kind} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name}`)
    .sort();
}

/**
 * The workloads (`Kind name`, sorted) in `namespace` whose pod template carries every label of `labels`: which of the
 * emitted pods a flow-table selector stands for. Deployments, StatefulSets, DaemonSets, Jobs and CronJobs.
 */
export function workloadsSelectedBy(manifests: any[], namespace: string, labels: { readonly [key: string]: string }): string[] {
  return manifests.flatMap((m) => {
    if (m.metadata?.namespace !== namespace) return [];
    const template = m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template
      : ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(m.kind) ? m.spec?.template : undefined;
    const podLabels = template?.metadata?.labels ?? {};
    return template && Object.entries(labels).every(([k, v]) => podLabels[k] === v) ? [`${m.kind} ${m.metadata.name}`] : [];
  }).sort();
}

/**
 * The ingress Strimzi writes for each listener of each Kafka resource from its `networkPolicyPeers` (Strimzi's own
 * NetworkPolicy, not among the synthesized objects): `kafka-listener <peer> → <namespace>/<kafka name>:<listener>
 * tcp/<port>`, sorted; `*` when a listener has no peers (Strimzi then admits every source).
 */
export function kafkaListenerTable(manifests: any[], legend: Legend = {}): string[] {
  const rows: string[] = [];
  for (const m of manifests) {
    if (m.kind !== 'Kafka') continue;
    const ns = m.metadata?.namespace ?? 'default';
    for (const listener of m.spec?.kafka?.listeners ?? []) {
      const peers: any[] = listener.networkPolicyPeers ?? [];
      const sources = peers.length === 0 ? ['*'] : peers.map((p) => peerText(p, ns, legend));
      for (const source of sources) rows.push(`kafka-listener ${source} → ${ns}/${m.metadata.name}:${listener.name} tcp/${listener.port}`);
    }
  }
  return rows.sort();
}
