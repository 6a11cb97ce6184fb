import { Cron, Duration } from 'cdk8s';
import {
  LonghornDataLocality, Filesystem, LonghornRecurringJob, LonghornRecurringTask, LonghornSnapshotType, LonghornStorageClass,
  VolumeBindingMode, Warnings,
} from '../../src';
import { chart, find, synth } from '../support/harness';

describe('LonghornStorageClass', () => {
  test('defaults: 2 replicas, not the default class', () => {
    const c = chart();
    new LonghornStorageClass(c, 'longhorn-edge');
    const m = synth(c);
    expect(m).toMatchSnapshot();
    const sc = find(m, 'StorageClass', 'longhorn-edge');
    expect(sc.provisioner).toBe('driver.longhorn.io');
    expect(sc.parameters).toEqual({ numberOfReplicas: '2', staleReplicaTimeout: '2880', dataLocality: 'disabled', fsType: 'ext4' });
    expect(sc.volumeBindingMode).toBe('Immediate');
    expect(sc.allowVolumeExpansion).toBe(true);
    expect(sc.metadata.annotations).toBeUndefined();
  });

  test('custom: locality, selectors, recurring jobs and groups, snapshot + backup classes', () => {
    const c = chart();
    const snap = new LonghornRecurringJob(c, 'hourly-snap', { task: LonghornRecurringTask.SNAPSHOT, schedule: Cron.hourly(), retain: 24, concurrency: 2, groups: ['edge'], labels: { tier: 'hot' } });
    new LonghornRecurringJob(c, 'nightly-backup', { task: LonghornRecurringTask.BACKUP, schedule: Cron.schedule({ minute: '30', hour: '2' }), retain: 14, groups: ['edge'], parameters: { 'full-backup-interval': '7' } });
    new LonghornRecurringJob(c, 'weekly-trim', { task: LonghornRecurringTask.FILESYSTEM_TRIM, schedule: Cron.weekly(), namespace: 'storage' });
    const sc = new LonghornStorageClass(c, 'Edge', {
      name: 'longhorn-edge-ssd',
      numberOfReplicas: 3,
      expectedNodes: 3,
      dataLocality: LonghornDataLocality.BEST_EFFORT,
      staleReplicaTimeout: Duration.hours(2),
      diskSelector: ['ssd', 'fast'],
      nodeSelector: ['storage'],
      fsType: Filesystem.XFS,
      recurringJobGroups: ['edge'],
      recurringJobs: [snap],
      volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
      isDefault: true,
    });
    sc.addSnapshotClass('longhorn-snap');
    sc.addSnapshotClass('longhorn-backup', { type: LonghornSnapshotType.BACKUP });
    const m = synth(c);
    expect(m).toMatchSnapshot();
    expect(find(m, 'StorageClass', 'longhorn-edge-ssd').parameters).toEqual({
      numberOfReplicas: '3',
      staleReplicaTimeout: '120',
      dataLocality: 'best-effort',
      fsType: 'xfs',
      diskSelector: 'ssd,fast',
      nodeSelector: 'storage',
      recurringJobSelector: '[{"name":"edge","isGroup":true},{"name":"hourly-snap","isGroup":false}]',
    });
    expect(find(m, 'VolumeSnapshotClass', 'longhorn-snap').parameters).toEqual({ type: 'snap' });
    expect(find(m, 'VolumeSnapshotClass', 'longhorn-backup').parameters).toEqual({ type: 'bak' });
    expect(find(m, 'RecurringJob', 'hourly-snap').spec).toEqual({ name: 'hourly-snap', task: 'snapshot', cron: '0 * * * *', retain: 24, concurrency: 2, groups: ['edge'], labels: { tier: 'hot' } });
    expect(find(m, 'RecurringJob', 'nightly-backup').spec.cron).toBe('30 2 * * *');
    expect(find(m, 'RecurringJob', 'weekly-trim').spec).toMatchObject({ task: 'filesystem-trim', retain: 0, groups: [] });
    expect(find(m, 'RecurringJob', 'weekly-trim').metadata.namespace).toBe('storage');
  });

  test('strict-local with one replica is fine and does not warn', () => {
    const c = chart();
    new LonghornStorageClass(c, 'local', { numberOfReplicas: 1, dataLocality: LonghornDataLocality.STRICT_LOCAL });
    expect(find(synth(c), 'StorageClass', 'local').parameters.dataLocality).toBe('strict-local');
    expect(Warnings.collect(c)).toEqual([]);
  });

  test('one replica without strict-local warns', () => {
    const c = chart();
    new LonghornStorageClass(c, 'single', { numberOfReplicas: 1 });
    synth(c);
    expect(Warnings.collect(c)).toEqual(['[WARNING] LonghornStorageClass "test/single": numberOfReplicas = 1: a single replica loses the volume when its node or disk fails; use 2 or more replicas unless the application replicates itself']);
  });

  test('fails if replicas exceed expectedNodes', () => {
    expect(() => new LonghornStorageClass(chart(), 'x', { numberOfReplicas: 3, expectedNodes: 2 }))
      .toThrow(/^LonghornStorageClass "test\/x": numberOfReplicas = 3: Longhorn places each replica on a different node, but expectedNodes is 2.*; use at most 2 replicas, or add nodes$/);
  });
  test.each([0, -1, 1.5])('fails if numberOfReplicas is %s', (n) => {
    expect(() => new LonghornStorageClass(chart(), 'x', { numberOfReplicas: n })).toThrow(/numberOfReplicas = .*must be a positive integer/);
  });
  test('fails if strict-local has more than one replica', () => {
    expect(() => new LonghornStorageClass(chart(), 'x', { dataLocality: LonghornDataLocality.STRICT_LOCAL })).toThrow(/numberOfReplicas = 2: dataLocality strict-local .*requires exactly 1 replica/);
  });
  test('fails if staleReplicaTimeout is not whole minutes', () => {
    expect(() => new LonghornStorageClass(chart(), 'x', { staleReplicaTimeout: Duration.seconds(90) })).toThrow(/staleReplicaTimeout = "1.5 min": must be a whole number of minutes/);
  });
});

describe('LonghornRecurringJob', () => {
  test('fails if retain is out of range for the task', () => {
    expect(() => new LonghornRecurringJob(chart(), 'x', { task: LonghornRecurringTask.SNAPSHOT, schedule: Cron.daily(), retain: 0 }))
      .toThrow(/LonghornRecurringJob "test\/x": retain = 0: a snapshot job must keep between 1 and 100 items; use e.g. retain: 7/);
    expect(() => new LonghornRecurringJob(chart(), 'x', { task: LonghornRecurringTask.BACKUP, schedule: Cron.daily(), retain: 101 })).toThrow(/retain = 101/);
    expect(() => new LonghornRecurringJob(chart(), 'x', { task: LonghornRecurringTask.FILESYSTEM_TRIM, schedule: Cron.daily(), retain: 3 })).toThrow(/a filesystem-trim job keeps nothing/);
  });
  test('fails on bad concurrency, names and groups', () => {
    expect(() => new LonghornRecurringJob(chart(), 'x', { task: LonghornRecurringTask.SNAPSHOT, schedule: Cron.daily(), concurrency: 0 })).toThrow(/concurrency = 0: must be a positive integer/);
    expect(() => new LonghornRecurringJob(chart(), 'Snap_Job', { task: LonghornRecurringTask.SNAPSHOT, schedule: Cron.daily() })).toThrow(/name = "Snap_Job": must be a DNS-1123 label/);
    expect(() => new LonghornRecurringJob(chart(), 'x', { task: LonghornRecurringTask.SNAPSHOT, schedule: Cron.daily(), groups: ['Edge Group'] })).toThrow(/groups = "Edge Group"/);
  });
});
