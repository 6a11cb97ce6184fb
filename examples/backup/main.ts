/**
 * Backup and archive for one edge site ("site-a"), all into a regional S3-compatible store:
 *
 * - Velero: a BackupStorageLocation on the regional store (checksumAlgorithm "" is set for it automatically),
 *   daily backups of the site namespace kept 30 days and weekly backups kept 90 days, volumes via kopia.
 * - restic: the NVR's index volume every 6 hours, 30 dailies + 8 weeklies + 12 monthlies, 2% of the data read back
 *   on each check.
 * - rclone: recording segments older than 30 days moved to the archive bucket at night, 50 MiB/s at most.
 *
 * Secrets the cluster must hold (the library never emits credentials):
 * - velero/velero-regional-s3 (key "cloud"): AWS-style credentials file for Velero;
 * - site-a/regional-s3 (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): keys for restic and rclone;
 * - site-a/restic-password (key "password"): the restic repository password.
 */
import { App, Chart, Cron, Duration } from 'cdk8s';
import {
  Bandwidth, BackupSource, ExternalObjectStore, ObjectStoreFlavor, RcloneArchive, RcloneMode, RcloneRemote, ResticBackup, ResticRepository,
  VeleroBackupLocation, VeleroSchedule, S3Credentials,
} from '../../src';

export function buildApp(app: App = new App()): App {
  const regional = new ExternalObjectStore({
    s3Endpoint: 'https://s3.region-1.example.com',
    credentials: S3Credentials.fromSecretName('regional-s3'),
    flavor: ObjectStoreFlavor.MINIO,
  });

  const velero = new Chart(app, 'velero', { namespace: 'velero' });
  const location = new VeleroBackupLocation(velero, 'site-a', {
    objectStore: regional,
    bucket: 'edge-velero',
    prefix: 'site-a',
    credential: { name: 'velero-regional-s3', key: 'cloud' },
    isDefault: true,
  });
  const scope = { location, includedNamespaces: ['site-a'], excludedResources: ['events', 'events.events.k8s.io'], defaultVolumesToFsBackup: true };
  VeleroSchedule.daily(velero, 'site-a-daily', scope);
  VeleroSchedule.weekly(velero, 'site-a-weekly', scope);

  const site = new Chart(app, 'site-a', { namespace: 'site-a' });
  new ResticBackup(site, 'nvr-index-backup', {
    source: BackupSource.fromClaimName('recordings', { path: 'index' }),
    repository: ResticRepository.s3(regional, { bucket: 'edge-restic', prefix: 'site-a' }),
    password: { name: 'restic-password', key: 'password' },
    host: 'site-a',
    retention: { keepDaily: 30, keepWeekly: 8, keepMonthly: 12 },
    schedule: Cron.schedule({ minute: '0', hour: '*/6' }),
    checkReadDataPercent: 2,
    uploadBandwidthLimit: Bandwidth.mebibytesPerSecond(20),
    fsGroup: 1000,
    // The recordings volume is ReadWriteOnce: run next to the NVR pod that mounts it.
    colocateWithPodLabels: { 'app.kubernetes.io/name': 'nvr' },
  });
  new RcloneArchive(site, 'recordings-archive', {
    source: BackupSource.fromClaimName('recordings', { path: 'segments' }),
    destination: RcloneRemote.s3(regional, { bucket: 'edge-archive', prefix: 'site-a/recordings' }),
    mode: RcloneMode.MOVE,
    minAge: Duration.days(30),
    excludes: ['*.part'],
    bandwidthLimit: Bandwidth.mebibytesPerSecond(50),
    schedule: Cron.schedule({ minute: '30', hour: '2' }),
    fsGroup: 1000,
    colocateWithPodLabels: { 'app.kubernetes.io/name': 'nvr' },
  });
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
