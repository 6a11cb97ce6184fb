import { Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { muteWarnings, warningsOf } from './fixtures';
import { CephPoolRecord } from '../../../src/storage/rook/common';
import { CephPlacement } from '../../../src/storage/rook/placement';
import { StorageLayout } from '../../../src/storage/rook/storage-layout';
import { chart } from '../../support/harness';

// The placement rules on their own, against layouts built directly (the cluster-level tests that reach them through
// pools are in block-pool.test.ts, filesystem.test.ts and object-store.test.ts).
muteWarnings();

const layoutOf = (hostCount: number, extra: object = {}) => StorageLayout.analyse(new Construct(chart(), 'layout'), {
  hosts: Array.from({ length: hostCount }, (_, i) => ({ name: `n${i + 1}`, devices: ['sdb'] })),
  ...extra,
});
const pool = (owner: Construct, over: Partial<CephPoolRecord>): CephPoolRecord => ({
  owner, poolName: 'p', prop: '', replicated: true, size: 3, failureDomain: 'host', ...over,
});
const ec = (owner: Construct, k: number, m: number, over: Partial<CephPoolRecord> = {}) =>
  pool(owner, { replicated: false, size: k + m, dataChunks: k, codingChunks: m, ...over });

describe('CephPlacement.checkPool', () => {
  let c: Chart;
  let owner: Construct;
  beforeEach(() => {
    c = chart();
    owner = new Construct(c, 'video');
  });

  test('an EC pool wider than the hosts fails, naming the cluster, its hosts and a profile that fits', () => {
    const ctx = { clusterName: 'edge', layout: layoutOf(4), autoDownOutSubtreeLimit: true };
    expect(() => CephPlacement.checkPool(ctx, ec(owner, 4, 2))).toThrow(/video.*needs at least 6 hosts with OSDs.*cluster "edge" has 4 \(n1, n2, n3, n4\).*add 2 host\(s\) with OSDs.*e\.g\. 2\+2/s);
  });

  test('k+m equal to the hosts is allowed with a no-self-healing warning that mentions the automatic subtree limit for 2+2', () => {
    CephPlacement.checkPool({ clusterName: 'edge', layout: layoutOf(4), autoDownOutSubtreeLimit: true }, ec(owner, 2, 2));
    expect(warningsOf(c)).toEqual([expect.stringMatching(/no self-healing.*the cluster gets cephConfig global\.mon_osd_down_out_subtree_limit/)]);
  });

  test('without the automatic limit the warning only suggests it', () => {
    CephPlacement.checkPool({ clusterName: 'edge', layout: layoutOf(4), autoDownOutSubtreeLimit: false }, ec(owner, 2, 2));
    expect(warningsOf(c)).toEqual([expect.stringMatching(/consider cephConfig global\.mon_osd_down_out_subtree_limit/)]);
  });

  test('a failure domain the library cannot count warns instead of failing', () => {
    CephPlacement.checkPool({ clusterName: 'edge', layout: layoutOf(3), autoDownOutSubtreeLimit: true }, pool(owner, { failureDomain: 'zone' }));
    expect(warningsOf(c)).toEqual([expect.stringMatching(/needs at least 3 zone buckets.*could not be checked/)]);
  });

  test('replicas over the OSD count fail for failureDomain osd', () => {
    const ctx = { clusterName: 'edge', layout: layoutOf(2), autoDownOutSubtreeLimit: true };
    expect(() => CephPlacement.checkPool(ctx, pool(owner, { failureDomain: 'osd' }))).toThrow(/needs at least 3 OSDs.*has 2.*lower replicas to 2, add OSDs/s);
  });
});

describe('CephPlacement.needsDownOutSubtreeLimit', () => {
  const owner = () => new Construct(chart(), 'p');
  test('only an EC pool with k+m = 4 and failureDomain host on exactly 4 counted hosts needs it', () => {
    expect(CephPlacement.needsDownOutSubtreeLimit(layoutOf(4), [ec(owner(), 2, 2)])).toBe(true);
    expect(CephPlacement.needsDownOutSubtreeLimit(layoutOf(4), [ec(owner(), 3, 1)])).toBe(true);
    expect(CephPlacement.needsDownOutSubtreeLimit(layoutOf(5), [ec(owner(), 2, 2)])).toBe(false);
    expect(CephPlacement.needsDownOutSubtreeLimit(layoutOf(4), [pool(owner(), { size: 4 })])).toBe(false);
    expect(CephPlacement.needsDownOutSubtreeLimit(layoutOf(4), [ec(owner(), 2, 2, { failureDomain: 'osd' })])).toBe(false);
    const inexact = layoutOf(4, { deviceSets: [{ name: 'any', count: 1, storageClassName: 'b', size: Size.gibibytes(10) }] });
    expect(inexact.crushHosts.exact).toBe(false);
    expect(CephPlacement.needsDownOutSubtreeLimit(inexact, [ec(owner(), 2, 2)])).toBe(false);
  });
});

describe('CephPlacement.deviceClassErrors', () => {
  test('all or none is fine; a mix names the first pool without a class and every pool on each side', () => {
    const o = new Construct(chart(), 'pools');
    const a = pool(o, { poolName: 'a', deviceClass: 'ssd' });
    const b = pool(o, { poolName: 'b' });
    const d = pool(o, { poolName: 'd', prop: 'metadataPool' });
    expect(CephPlacement.deviceClassErrors([a, { ...b, deviceClass: 'hdd' }])).toEqual([]);
    expect(CephPlacement.deviceClassErrors([b, d])).toEqual([]);
    const errors = CephPlacement.deviceClassErrors([a, b, d]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/deviceClass.*pool "b" has no deviceClass while "a" \(ssd\) has one.*Pools without deviceClass: "b", "d"/s);
  });
});
