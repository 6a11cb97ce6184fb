import { Chart } from 'cdk8s';
import { CephHost, RookCephCluster, RookCephClusterProps, Warnings } from '../../../src';
import { chart } from '../../support/harness';

/** `n` hosts named node-1…node-n, each with the given devices. */
export function hosts(n: number, devices: string[] = ['sdb']): CephHost[] {
  return Array.from({ length: n }, (_, i) => ({ name: `node-${i + 1}`, devices }));
}

/** A fresh chart with a cluster on `n` hosts (one device each unless props say otherwise). */
export function clusterOn(n: number, props: RookCephClusterProps = {}): { chart: Chart; cluster: RookCephCluster } {
  const c = chart();
  const cluster = new RookCephCluster(c, 'ceph', { hosts: hosts(n), ...props });
  return { chart: c, cluster };
}

/** Warnings recorded anywhere in the chart. */
export function warningsOf(c: Chart): string[] {
  return Warnings.collect(c);
}

/** Keeps warning output out of the test log (warnings are asserted through Warnings.collect). */
export function muteWarnings(): void {
  let spy: jest.SpyInstance | undefined;
  beforeEach(() => {
    spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => spy?.mockRestore());
}
