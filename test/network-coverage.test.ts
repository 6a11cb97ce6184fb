// Every replicated workload in every example has a PodDisruptionBudget; every pod the library emits in the backup
// and kafka-sync examples (and in every other example) is selected by at least one NetworkPolicy of its namespace.
import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { synth } from './support/harness';

const examplesDir = path.resolve(__dirname, '..', 'examples');
const examples = fs.readdirSync(examplesDir).filter((n) => fs.existsSync(path.join(examplesDir, n, 'main.ts'))).sort();

beforeAll(() => {
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
});
afterAll(() => {
  delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
});

function manifestsOf(name: string): any[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(examplesDir, name, 'main.ts'));
  return synth(mod.buildApp(Testing.app()) as App);
}

/** Does a label selector (matchLabels only, as the library emits) select these labels? */
function selects(selector: any, labels: { [k: string]: string }): boolean {
  const match = selector?.matchLabels ?? {};
  return Object.entries(match).every(([k, v]) => labels[k] === v) && !(selector?.matchExpressions?.length > 0);
}

/** Pod templates: Deployments, StatefulSets, Jobs, CronJobs. */
interface Workload { kind: string; name: string; namespace: string; labels: { [k: string]: string }; replicas?: number }
function podTemplates(manifests: any[]): Workload[] {
  return manifests.flatMap((m) => {
    const withTemplate = ['Deployment', 'StatefulSet', 'Job', 'DaemonSet'].includes(m.kind);
    const tpl = m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template : (withTemplate ? m.spec.template : undefined);
    if (!tpl) return [];
    return [{ kind: m.kind, name: m.metadata.name, namespace: m.metadata.namespace, labels: tpl.metadata?.labels ?? {}, replicas: m.spec.replicas }];
  });
}

describe.each(examples)('examples/%s', (name) => {
  const manifests = manifestsOf(name);

  test('every Deployment/StatefulSet with more than one replica has a PodDisruptionBudget over its pods', () => {
    const replicated = podTemplates(manifests).filter((w) => (w.kind === 'Deployment' || w.kind === 'StatefulSet') && (w.replicas ?? 1) > 1);
    const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
    const missing = replicated.filter((w) => !pdbs.some((p) => p.metadata.namespace === w.namespace && selects(p.spec.selector, w.labels)))
      .map((w) => `${w.kind} ${w.namespace}/${w.name}`);
    expect(missing).toEqual([]);
  });

  test('every pod the library emits is selected by a NetworkPolicy of its namespace', () => {
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const uncovered = podTemplates(manifests)
      .filter((w) => !policies.some((p) => p.metadata.namespace === w.namespace && selects(p.spec.podSelector, w.labels)))
      .map((w) => `${w.kind} ${w.namespace}/${w.name}`);
    expect(uncovered).toEqual([]);
  });
});
