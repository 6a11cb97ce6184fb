import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { muteWarnings, warningsOf } from './fixtures';
import { StorageLayout } from '../../../src/storage/rook/storage-layout';
import { chart } from '../../support/harness';

// The storage-layout maths on its own: what StorageLayout.analyse counts from hosts and device sets, and when it says
// it could not count. (The cluster-level behaviour built on it is in cluster.test.ts and block-pool.test.ts.)
muteWarnings();

const set = (name: string, count: number, extra: object = {}) => ({ name, count, storageClassName: 'local-block', size: Size.gibibytes(100), ...extra });

describe('StorageLayout.analyse', () => {
  test('hosts with device lists: every device times osdsPerDevice is an OSD, every host a CRUSH host and a node', () => {
    const layout = StorageLayout.analyse(new Construct(chart(), 'c'), {
      hosts: [{ name: 'a', devices: ['sdb', 'sdc'], osdsPerDevice: 2 }, { name: 'b', devices: ['nvme0n1'] }],
    });
    expect(layout.osds).toMatchObject({ count: 2 * 2 + 1, exact: true, unknown: [] });
    expect(layout.crushHosts).toMatchObject({ count: 2, exact: true });
    expect(layout.nodes).toMatchObject({ count: 2, exact: true });
    expect(layout.nodeNames).toEqual(['a', 'b']);
  });

  test('a host that selects devices by filter is a known host with an unknown number of OSDs', () => {
    const layout = StorageLayout.analyse(new Construct(chart(), 'c'), {
      hosts: [{ name: 'a', devices: ['sdb'] }, { name: 'b', deviceFilter: '^sd[b-d]' }],
    });
    expect(layout.osds.count).toBe(1);
    expect(layout.osds.exact).toBe(false);
    expect(layout.osds.unknown).toEqual([expect.stringContaining('host "b" selects devices by filter')]);
    expect(layout.crushHosts).toMatchObject({ count: 2, exact: true });
  });

  test('non-portable sets with nodes add those nodes as hosts; their OSD count is the set count', () => {
    const layout = StorageLayout.analyse(new Construct(chart(), 'c'), {
      hosts: [{ name: 'a', devices: ['sdb'] }],
      deviceSets: [set('fast', 3, { nodes: ['a', 'b', 'c'] })],
    });
    expect(layout.osds).toMatchObject({ count: 1 + 3, exact: true });
    expect(layout.crushHosts).toMatchObject({ count: 3, exact: true }); // node a carries both kinds: one CRUSH host
    expect(layout.nodeNames).toEqual(['a', 'b', 'c']);
  });

  test('portable sets: each PVC is its own CRUSH host, the nodes stay what they are, and it warns', () => {
    const c = chart();
    const layout = StorageLayout.analyse(new Construct(c, 'c'), { deviceSets: [set('cloud', 4, { portable: true, nodes: ['x', 'y'] })] });
    expect(layout.crushHosts).toMatchObject({ count: 4, exact: true });
    expect(layout.nodes).toMatchObject({ count: 2, exact: true });
    expect(warningsOf(c)).toEqual([expect.stringContaining('deviceSets[0].portable')]);
  });

  test('a set without nodes makes the host and node counts inexact and says which set', () => {
    const layout = StorageLayout.analyse(new Construct(chart(), 'c'), {
      hosts: [{ name: 'a', devices: ['sdb'] }],
      deviceSets: [set('anywhere', 2)],
    });
    expect(layout.crushHosts).toMatchObject({ count: 1, exact: false });
    expect(layout.nodes.exact).toBe(false);
    expect(layout.crushHosts.unknown).toEqual([expect.stringContaining('device set "anywhere" has no nodes')]);
    expect(layout.osds).toMatchObject({ count: 3, exact: true });
  });

  test('failureDomains: host and osd are counted, anything else cannot be', () => {
    const layout = StorageLayout.analyse(new Construct(chart(), 'c'), { hosts: [{ name: 'a', devices: ['sdb', 'sdc'] }] });
    expect(layout.failureDomains('host')).toBe(layout.crushHosts);
    expect(layout.failureDomains('osd')).toBe(layout.osds);
    expect(layout.failureDomains('zone')).toMatchObject({ count: 0, exact: false, noun: 'zone buckets', unknown: [expect.stringContaining('"zone"')] });
  });

  test('fails on the cluster construct when there is no storage at all', () => {
    expect(() => StorageLayout.analyse(new Construct(chart(), 'ceph'), {})).toThrow(/ceph.*hosts\/deviceSets.*needs storage/s);
  });
});
