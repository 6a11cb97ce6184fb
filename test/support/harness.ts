import { App, Chart, Testing } from 'cdk8s';
import { conformanceErrors } from './conformance';
import { SecurityBaseline } from '../../src/core';

/**
 * The one synthesis helper every test uses: synthesizes a chart (or every chart of an app), then requires that every
 * object validates against the pinned upstream schemas (unknown fields rejected) and passes the SecurityBaseline
 * (annotated exceptions honoured). Returns the manifests.
 */
export function synth(scope: Chart | App): any[] {
  const manifests = Chart.isChart(scope) ? Testing.synth(scope) : (scope as App).charts.flatMap((c) => c.toJson());
  assertConformant(manifests);
  return manifests;
}

/** Throws listing every schema violation and SecurityBaseline finding in `manifests`. */
export function assertConformant(manifests: any[]): void {
  const problems = [
    ...conformanceErrors(manifests),
    ...SecurityBaseline.check(manifests).map((f) => `SecurityBaseline: ${f.message}`),
  ];
  if (problems.length > 0) {
    throw new Error(`${problems.length} conformance problem(s):\n  ${problems.join('\n  ')}`);
  }
}

/** The single object of `kind` named `name` (throws when there is not exactly one). */
export function find(manifests: any[], kind: string, name: string): any {
  const hits = manifests.filter((m) => m.kind === kind && m.metadata?.name === name);
  if (hits.length !== 1) {
    const names = manifests.filter((m) => m.kind === kind).map((m) => m.metadata?.name);
    throw new Error(`expected exactly one ${kind} "${name}", found ${hits.length}; ${kind} names present: ${JSON.stringify(names)}`);
  }
  return hits[0];
}

/** Every object of `kind`. */
export function findAll(manifests: any[], kind: string): any[] {
  return manifests.filter((m) => m.kind === kind);
}

/** A fresh chart in a fresh app (validation runs over the whole app, so tests never share one). */
export function chart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', namespace ? { namespace } : {});
}

/** Runs `fn` with console warnings silenced (tests that assert warnings read them through Warnings.collect). */
export function quietly<T>(fn: () => T): T {
  const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    return fn();
  } finally {
    spy.mockRestore();
  }
}
