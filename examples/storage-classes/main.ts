/**
 * Storage classes for a small edge site: XFS hostpath for MinIO drives, an LVM block class for Ceph OSDs on PVCs,
 * ZFS for databases, and a replicated Longhorn class with scheduled snapshots and backups.
 */
import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import {
  HostPathLocalPvStorageClass, Filesystem, LonghornDataLocality, LonghornRecurringJob, LonghornRecurringTask,
  LonghornSnapshotType, LonghornStorageClass, LvmLocalPvStorageClass, ReclaimPolicy, SecurityBaseline,
  ZfsCompression, ZfsLocalPvStorageClass,
} from '../../src';

export function buildApp(app: App = new App()): App {
  const chart = new Chart(app, 'storage-classes');

  new HostPathLocalPvStorageClass(chart, 'local-xfs', {
    basePath: '/mnt/data/openebs',
    quota: { filesystem: Filesystem.XFS, hardLimitGracePercent: 5 },
  });

  const lvm = new LvmLocalPvStorageClass(chart, 'lvm-block', { volumeGroup: 'edge-vg', fsType: Filesystem.XFS, thinProvision: true });
  lvm.addSnapshotClass('lvm-snapshots');

  const zfs = new ZfsLocalPvStorageClass(chart, 'zfs-db', {
    poolName: 'tank/db',
    recordSize: Size.kibibytes(16),
    compression: ZfsCompression.LZ4,
    reclaimPolicy: ReclaimPolicy.RETAIN,
  });
  zfs.addSnapshotClass('zfs-snapshots');

  const hourly = new LonghornRecurringJob(chart, 'hourly-snapshot', {
    task: LonghornRecurringTask.SNAPSHOT, schedule: Cron.hourly(), retain: 24, groups: ['edge'],
  });
  new LonghornRecurringJob(chart, 'nightly-backup', {
    task: LonghornRecurringTask.BACKUP, schedule: Cron.schedule({ minute: '15', hour: '1' }), retain: 14, groups: ['edge'],
  });
  const longhorn = new LonghornStorageClass(chart, 'longhorn-edge', {
    numberOfReplicas: 2,
    expectedNodes: 3,
    dataLocality: LonghornDataLocality.BEST_EFFORT,
    staleReplicaTimeout: Duration.hours(24),
    diskSelector: ['ssd'],
    recurringJobs: [hourly],
    recurringJobGroups: ['edge'],
  });
  longhorn.addSnapshotClass('longhorn-backups', { type: LonghornSnapshotType.BACKUP });

  SecurityBaseline.enforce(app);
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
