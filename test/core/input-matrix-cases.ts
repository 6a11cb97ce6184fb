// The input matrix (issue 16): realistic mistakes per construct family, each with a good value (the control). Shared
// by the fast-tier grading test (test/core/input-matrix.test.ts) and the real tier, which has the API server judge
// every control's manifests (test/conformance/input-controls.real.test.ts).
import { App, Chart, Cron, Duration, Size, Testing } from 'cdk8s';
import {
  BackupSource, CacheOrigin, DecimalSize, EdgeKafkaCluster, EdgeKafkaTopic, ExternalObjectStore, HostPathLocalPvStorageClass, IoTSite, IoTSiteProps,
  KafkaCredentials, KafkaSync, LonghornRecurringJob, LonghornRecurringTask, LonghornStorageClass, LvmLocalPvStorageClass, MinioCluster,
  ModelDistributionSite, ModelDistributionSiteProps, NginxEdgeCache, ObjectReplication, ObjectStoreFlavor, RcloneArchive, RcloneRemote, RedisCache,
  ResticBackup, ResticRepository, RookCephCluster, VeleroBackupLocation, VeleroSchedule, VideoSurveillanceSite, VideoSurveillanceSiteProps,
  S3Credentials,
} from '../../src';

/** One mistake: `build(bad)` must throw naming `construct`, `prop` and `shown`, with a fix; `build(good)` must synthesize. */
export interface MatrixCase {
  readonly family: string;
  readonly mistake: string;
  /** Class the message must start with (`Class "path"` or `Class:` for scope-less values). */
  readonly construct: string;
  /** The prop as the message must name it (`<prop> = `). */
  readonly prop: string;
  /** The value as the message must show it. */
  readonly shown: string;
  readonly bad: any;
  readonly good: any;
  readonly build: (value: any) => App;
}

const cron = (minute: string, hour: string, day = '*', month = '*', weekDay = '*') => Cron.schedule({ minute, hour, day, month, weekDay });

/** A copy of `obj` with `path` (dotted) set to `value` (objects along the path are copied, class instances kept). */
function withPath<T>(obj: T, path: string, value: any): T {
  const [head, ...rest] = path.split('.');
  const copy: any = Array.isArray(obj) ? [...(obj as any)] : { ...(obj as any) };
  copy[head] = rest.length === 0 ? value : withPath(copy[head] ?? {}, rest.join('.'), value);
  return copy;
}

function inChart(fn: (c: Chart) => void): App {
  const app = Testing.app();
  fn(new Chart(app, 'test', { namespace: 'edge' }));
  return app;
}

const cloudS3 = () => new ExternalObjectStore({ s3Endpoint: 'https://s3.eu-central-1.amazonaws.com', region: 'eu-central-1', flavor: ObjectStoreFlavor.AWS_S3, credentials: S3Credentials.fromSecretName('cloud-keys') });
const siteS3 = () => new ExternalObjectStore({ s3Endpoint: 'http://store-hl.site-a.svc.cluster.local:9000', flavor: ObjectStoreFlavor.MINIO, credentials: S3Credentials.fromSecretName('store-keys') });
const kafkaTarget = () => ({
  bootstrapServers: 'kafka.cloud.example.com:9093',
  caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
  credentials: KafkaCredentials.fromSecretName('cloud-kafka-user', { username: 'site-a-mm2' }),
});

const videoBase = (): VideoSurveillanceSiteProps => ({
  siteName: 'site-a',
  cameras: 20,
  bitrateMbps: 4,
  retention: Duration.days(7),
  driveSize: DecimalSize.terabytes(8),
  storageClassName: 'lvm-xfs',
  cloud: { kafka: kafkaTarget(), archive: cloudS3(), archiveBucket: 'video-archive' },
  backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' } },
});
const iotBase = (): IoTSiteProps => ({
  siteName: 'site-b',
  sensors: 10_000,
  retention: Duration.days(30),
  storageClassName: 'lvm-xfs',
  wanCidrs: ['198.51.100.0/24'],
  cloud: { kafka: kafkaTarget(), backupStore: cloudS3(), backupBucket: 'fleet-backups' },
  backup: { veleroCredential: { name: 'velero-site-b', key: 'cloud' } },
});
const modelBase = (): ModelDistributionSiteProps => ({
  siteName: 'site-c',
  models: ['detector', 'ocr'],
  versionsRetained: 3,
  averageModelSize: DecimalSize.gigabytes(3),
  driveSize: DecimalSize.terabytes(1),
  storageClassName: 'lvm-xfs',
  cloud: { releaseStore: cloudS3(), releaseBucket: 'fleet-models', kafka: kafkaTarget() },
  backup: { veleroCredential: { name: 'velero-site-c', key: 'cloud' }, bucket: 'site-c-backups' },
});

const video = (path: string) => (v: any) => { const app = Testing.app(); new VideoSurveillanceSite(app, 'site-a', withPath(videoBase(), path, v)); return app; };
const iot = (path: string) => (v: any) => { const app = Testing.app(); new IoTSite(app, 'site-b', withPath(iotBase(), path, v)); return app; };
const model = (path: string) => (v: any) => { const app = Testing.app(); new ModelDistributionSite(app, 'site-c', withPath(modelBase(), path, v)); return app; };
const modelDiscovering = (v: any) => { const app = Testing.app(); new ModelDistributionSite(app, 'site-c', { ...modelBase(), models: undefined, discoverUpTo: v }); return app; };

const longhornJob = (path: string) => (v: any) => inChart((c) => new LonghornRecurringJob(c, 'nightly', withPath({ task: LonghornRecurringTask.SNAPSHOT, schedule: cron('0', '2'), retain: 7 }, path, v) as any));
const warmUp = (path: string) => (v: any) => inChart((c) => {
  const cache = new NginxEdgeCache(c, 'cache', { origin: CacheOrigin.fromUrl('https://origin.example.com'), cacheVolumeSize: Size.gibibytes(10) });
  cache.addWarmUp('warm', withPath({ schedule: cron('0', '5'), timeZone: 'Europe/Berlin', paths: ['/videos/intro.mp4'] }, path, v) as any);
});
const edgeCache = (path: string) => (v: any) => inChart((c) => new NginxEdgeCache(c, 'cache', withPath({ origin: CacheOrigin.fromUrl('https://origin.example.com'), cacheVolumeSize: Size.gibibytes(10), allowedClients: [{ cidr: '10.20.0.0/16' }] }, path, v) as any));
const originUrl = (v: any) => inChart((c) => new NginxEdgeCache(c, 'cache', { origin: CacheOrigin.fromUrl(v), cacheVolumeSize: Size.gibibytes(10) }));
/** A cache in front of a private origin: viewers log in (htpasswd Secret) and the origin reads carry a token. */
const privateCache = (path: string) => (v: any) => inChart((c) => new NginxEdgeCache(c, 'cache', withPath({
  origin: CacheOrigin.fromUrl('https://origin.example.com'),
  cacheVolumeSize: Size.gibibytes(10),
  allowedClients: [{ cidr: '10.20.0.0/16' }],
  viewerCredentials: { name: 'viewers', key: 'htpasswd' },
  originToken: { name: 'origin-token', key: 'token' },
}, path, v) as any));
const redis = (path: string) => (v: any) => inChart((c) => new RedisCache(c, 'l1', withPath({ password: { name: 'redis-auth', key: 'password' }, allowedClients: [{ cidr: '10.20.0.0/16' }] }, path, v) as any));
const replication = (path: string) => (v: any) => inChart((c) => new ObjectReplication(c, 'archive', withPath({ source: siteS3(), sourceBucket: 'video', destination: cloudS3(), destinationBucket: 'fleet-video', schedule: cron('30', '1'), retries: 5 }, path, v) as any));
const restic = (path: string) => (v: any) => inChart((c) => new ResticBackup(c, 'restic', withPath({ source: BackupSource.fromClaimName('data'), repository: ResticRepository.s3(cloudS3(), { bucket: 'backups', prefix: 'site-a/restic' }), password: { name: 'restic', key: 'password' }, schedule: cron('0', '1'), timeZone: 'Europe/Berlin' }, path, v) as any));
const resticClaim = (v: any) => inChart((c) => new ResticBackup(c, 'restic', { source: BackupSource.fromClaimName(v), repository: ResticRepository.s3(cloudS3(), { bucket: 'backups' }), password: { name: 'restic', key: 'password' } }));
const rclone = (path: string) => (v: any) => inChart((c) => new RcloneArchive(c, 'archive', withPath({ source: BackupSource.fromClaimName('data'), destination: RcloneRemote.s3(cloudS3(), { bucket: 'archive' }), schedule: cron('0', '3') }, path, v) as any));
const veleroSchedule = (path: string) => (v: any) => inChart((c) => new VeleroSchedule(c, 'nightly', withPath({ schedule: cron('30', '1'), location: VeleroBackupLocation.fromLocationName(c, 'loc', 'default', 'edge') }, path, v) as any));
const veleroLocation = (path: string) => (v: any) => inChart((c) => new VeleroBackupLocation(c, 'cloud', withPath({ bucket: 'site-a-velero', credential: { name: 'velero-cloud', key: 'cloud' }, s3Url: 'https://s3.example.com', region: 'eu-central-1' }, path, v) as any));
const externalStore = (path: string) => (v: any) => inChart((c) => {
  const store = new ExternalObjectStore(withPath({ s3Endpoint: 'https://s3.example.com', region: 'eu-central-1', credentials: S3Credentials.fromSecretName('cloud-keys', { accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' }) }, path, v) as any);
  new VeleroBackupLocation(c, 'cloud', { bucket: 'site-a-velero', objectStore: store, credential: { name: 'velero-cloud', key: 'cloud' } });
});
const minio = (path: string) => (v: any) => inChart((c) => new MinioCluster(c, 'store', withPath({ driveSize: Size.gibibytes(100), rootCredentials: S3Credentials.fromSecretName('minio-root'), region: 'eu-central-1' }, path, v) as any));
/** `then` built with S3 keys named `v` (the factory runs inside the build, where the matrix expects the error). */
const s3Keys = (secretName: string, then: (keys: S3Credentials) => App) => (v: any) => then(S3Credentials.fromSecretName(secretName, v));
const minioBucket = (v: any) => inChart((c) => new MinioCluster(c, 'store', { driveSize: Size.gibibytes(100), rootCredentials: S3Credentials.fromSecretName('minio-root') }).addBucket('b', { name: v }));
const rookHosts = () => ['node-1', 'node-2', 'node-3'].map((name) => ({ name, devices: ['sdb'] }));
const rook = (path: string) => (v: any) => inChart((c) => new RookCephCluster(c, 'ceph', withPath({ hosts: rookHosts(), deviceFilter: '^sd[b-d]' }, path, v) as any));
const lvm = (path: string) => (v: any) => inChart((c) => new LvmLocalPvStorageClass(c, 'lvm', withPath({ volumeGroupPattern: 'lvmvg.*' }, path, v) as any));
const longhornClass = (path: string) => (v: any) => inChart((c) => new LonghornStorageClass(c, 'longhorn-edge', withPath({ numberOfReplicas: 2 }, path, v) as any));
const hostPath = (path: string) => (v: any) => inChart((c) => new HostPathLocalPvStorageClass(c, 'local-hostpath', withPath({ nodeAffinityLabels: ['kubernetes.io/hostname'] }, path, v) as any));
const kafkaTopic = (path: string) => (v: any) => inChart((c) => new EdgeKafkaTopic(c, 'events', withPath({ cluster: new EdgeKafkaCluster(c, 'kafka', {}), partitions: 3 }, path, v) as any));
const kafkaSync = (path: string) => (v: any) => inChart((c) => {
  const cluster = new EdgeKafkaCluster(c, 'kafka', {});
  const topic = new EdgeKafkaTopic(c, 'objects', { cluster });
  new KafkaSync(c, 'to-cloud', withPath({ source: cluster, site: 'site-a', target: kafkaTarget(), topics: [topic] }, path, v) as any);
});

const c = (family: string, mistake: string, construct: string, prop: string, shown: string, bad: any, good: any, build: MatrixCase['build']): MatrixCase =>
  ({ family, mistake, construct, prop, shown, bad, good, build });

export const MATRIX: MatrixCase[] = [
  // 1. Schedules and time zones ------------------------------------------------------------------------------
  c('schedule', 'hour 24 in a Longhorn job', 'LonghornRecurringJob', 'schedule', '0 24 * * *', cron('0', '24'), cron('0', '23'), longhornJob('schedule')),
  c('schedule', 'two values in the minute field', 'LonghornRecurringJob', 'schedule', '0 2 * * * *', Cron.schedule({ minute: '0 2' }), cron('0', '2'), longhornJob('schedule')),
  c('schedule', 'minute 60 in object replication', 'ObjectReplication', 'schedule', '60 * * * *', cron('60', '*'), cron('59', '*'), replication('schedule')),
  c('schedule', 'hour 24 in a cache warm-up', 'NginxCacheWarmUp', 'schedule', '0 24 * * *', cron('0', '24'), cron('0', '0'), warmUp('schedule')),
  c('schedule', 'weekday 7 in a warm-up', 'NginxCacheWarmUp', 'schedule', '0 5 * * 7', cron('0', '5', '*', '*', '7'), cron('0', '5', '*', '*', '0'), warmUp('schedule')),
  c('schedule', 'month 13 in restic', 'ResticBackup', 'schedule', '0 1 1 13 *', cron('0', '1', '1', '13'), cron('0', '1', '1', '12'), restic('schedule')),
  c('schedule', 'day 32 in rclone', 'RcloneArchive', 'schedule', '0 3 32 * *', cron('0', '3', '32'), cron('0', '3', '28'), rclone('schedule')),
  c('schedule', '30 February never fires (Velero)', 'VeleroSchedule', 'schedule', '0 1 30 2 *', cron('0', '1', '30', '2'), cron('0', '1', '28', '2'), veleroSchedule('schedule')),
  c('schedule', 'hour 24 in Velero', 'VeleroSchedule', 'schedule', '30 24 * * *', cron('30', '24'), cron('30', '1'), veleroSchedule('schedule')),
  c('schedule', 'unknown weekday name', 'RcloneArchive', 'schedule', '0 3 * * MOM', cron('0', '3', '*', '*', 'MOM'), cron('0', '3', '*', '*', 'MON'), rclone('schedule')),
  c('schedule', 'zero step', 'ObjectReplication', 'schedule', '*/0 * * * *', Cron.schedule({ minute: '*/0' }), Cron.schedule({ minute: '*/15' }), replication('schedule')),
  c('schedule', 'video archive at hour 24 (blueprint)', 'VideoSurveillanceSite', 'cloud.archiveSchedule', '15 24 * * *', cron('15', '24'), cron('15', '*'), video('cloud.archiveSchedule')),
  c('schedule', 'IoT restic at hour 25 (blueprint)', 'IoTSite', 'backup.resticSchedule', '0 25 * * *', cron('0', '25'), cron('0', '2'), iot('backup.resticSchedule')),
  c('schedule', 'model release every 5 min in month 0 (blueprint)', 'ModelDistributionSite', 'release.schedule', '*/5 * * 0 *', Cron.schedule({ minute: '*/5', month: '0' }), Cron.schedule({ minute: '*/5' }), model('release.schedule')),
  c('zone', 'a zone that does not exist (warm-up)', 'NginxCacheWarmUp', 'timeZone', 'Mars/Olympus_Mons', 'Mars/Olympus_Mons', 'Europe/Berlin', warmUp('timeZone')),
  c('zone', 'lower-case zone (warm-up)', 'NginxCacheWarmUp', 'timeZone', 'europe/berlin', 'europe/berlin', 'Europe/Berlin', warmUp('timeZone')),
  c('zone', 'misspelt zone (restic)', 'ResticBackup', 'timeZone', 'Europe/Berlinn', 'Europe/Berlinn', 'Europe/Berlin', restic('timeZone')),
  c('zone', 'an offset instead of a zone (restic)', 'ResticBackup', 'timeZone', 'UTC+1', 'UTC+1', 'Etc/UTC', restic('timeZone')),
  c('zone', '"Local" (rclone)', 'RcloneArchive', 'timeZone', 'Local', 'Local', 'UTC', rclone('timeZone')),
  c('zone', 'an ICU-only abbreviation (rclone)', 'RcloneArchive', 'timeZone', 'AET', 'AET', 'Australia/Sydney', rclone('timeZone')),

  // 2. Network addresses -------------------------------------------------------------------------------------
  c('cidr', 'WAN range without a prefix', 'VideoSurveillanceSite', 'wanCidrs[0]', '198.51.100.0', ['198.51.100.0'], ['198.51.100.0/24'], video('wanCidrs')),
  c('cidr', 'WAN octet above 255', 'VideoSurveillanceSite', 'wanCidrs[1]', '300.1.1.0/24', ['198.51.100.0/24', '300.1.1.0/24'], ['198.51.100.0/24', '203.0.113.0/24'], video('wanCidrs')),
  c('cidr', 'viewer range with prefix 33', 'VideoSurveillanceSite', 'cache.viewerCidrs[0]', '10.1.0.0/33', ['10.1.0.0/33'], ['10.1.0.0/24'], video('cache.viewerCidrs')),
  c('cidr', 'viewer range with three octets', 'VideoSurveillanceSite', 'cache.viewerCidrs[0]', '10.1.0/24', ['10.1.0/24'], ['10.1.0.0/24'], video('cache.viewerCidrs')),
  c('cidr', 'sensor LAN with a leading-zero octet', 'IoTSite', 'sensorCidrs[0]', '010.30.0.0/16', ['010.30.0.0/16'], ['10.30.0.0/16'], iot('sensorCidrs')),
  c('cidr', 'sensor LAN given as a host name', 'IoTSite', 'sensorCidrs[0]', 'sensors.lan/24', ['sensors.lan/24'], ['10.30.0.0/16'], iot('sensorCidrs')),
  c('cidr', 'IPv6 WAN with prefix 129', 'IoTSite', 'wanCidrs[0]', '2001:db8::/129', ['2001:db8::/129'], ['2001:db8::/32'], iot('wanCidrs')),
  c('cidr', 'restic egress range with prefix 40', 'ResticBackup', 'egressCidrs[0]', '203.0.113.0/40', ['203.0.113.0/40'], ['203.0.113.0/24'], restic('egressCidrs')),
  c('cidr', 'rclone egress range missing its prefix', 'RcloneArchive', 'egressCidrs[0]', '203.0.113.7', ['203.0.113.7'], ['203.0.113.7/32'], rclone('egressCidrs')),
  c('cidr', 'replication egress range with an octet of 256', 'ObjectReplication', 'egressCidrs[0]', '192.0.2.256/32', ['192.0.2.256/32'], ['192.0.2.0/24'], replication('egressCidrs')),
  c('cidr', 'IPv6 with a triple colon', 'ModelDistributionSite', 'cache.clientCidrs[0]', '2001:db8:::/48', ['2001:db8:::/48'], ['2001:db8::/48'], model('cache.clientCidrs')),
  c('cidr', 'model clients with an empty prefix', 'ModelDistributionSite', 'cache.clientCidrs[0]', '10.0.0.0/', ['10.0.0.0/'], ['10.0.0.0/8'], model('cache.clientCidrs')),
  c('cidr', 'cache client with two prefixes', 'NginxEdgeCache', 'allowedClients[0].cidr', '192.168.1.0/24/8', [{ cidr: '192.168.1.0/24/8' }], [{ cidr: '192.168.1.0/24' }], edgeCache('allowedClients')),
  c('cidr', 'cache client octet 256', 'NginxEdgeCache', 'allowedClients[0].cidr', '10.0.0.256/32', [{ cidr: '10.0.0.256/32' }], [{ cidr: '10.0.0.255/32' }], edgeCache('allowedClients')),
  c('cidr', 'Redis client without a prefix', 'RedisCache', 'allowedClients[0].cidr', '10.20.0.0', [{ cidr: '10.20.0.0' }], [{ cidr: '10.20.0.0/16' }], redis('allowedClients')),
  c('cidr', 'Redis client IPv6 prefix 200', 'RedisCache', 'allowedClients[0].cidr', 'fd00::/200', [{ cidr: 'fd00::/200' }], [{ cidr: 'fd00::/8' }], redis('allowedClients')),

  // 3. Names and keys ----------------------------------------------------------------------------------------
  c('names', 'Secret key with a space (Velero credential)', 'VeleroBackupLocation', 'credential.key', 'cloud credentials', { name: 'velero-cloud', key: 'cloud credentials' }, { name: 'velero-cloud', key: 'cloud' }, veleroLocation('credential')),
  c('names', 'Secret key with a slash (restic password)', 'ResticBackup', 'password.key', 'restic/password', { name: 'restic', key: 'restic/password' }, { name: 'restic', key: 'password' }, restic('password')),
  c('names', 'Secret name in capitals (restic password)', 'ResticBackup', 'password.name', 'Restic', { name: 'Restic', key: 'password' }, { name: 'restic', key: 'password' }, restic('password')),
  c('names', 'htpasswd Secret key with a space (viewer credentials)', 'NginxEdgeCache', 'viewerCredentials.key', 'viewer list', { name: 'viewers', key: 'viewer list' }, { name: 'viewers', key: 'htpasswd' }, edgeCache('viewerCredentials')),
  c('names', 'origin token Secret name with an underscore', 'NginxEdgeCache', 'originToken.name', 'origin_token', { name: 'origin_token', key: 'token' }, { name: 'origin-token', key: 'token' }, privateCache('originToken')),
  c('names', 'Secret key with a space (Redis password)', 'RedisCache', 'password.key', 'redis password', { name: 'redis-auth', key: 'redis password' }, { name: 'redis-auth', key: 'password' }, redis('password')),
  c('names', 'MinIO root user key with a space', 'S3Credentials.fromSecretName', 'keys.accessKeyIdKey', 'root user', { accessKeyIdKey: 'root user' }, { accessKeyIdKey: 'rootUser' }, s3Keys('minio-root', (k) => minio('rootCredentials')(k))),
  c('names', 'store access-key key with a colon', 'S3Credentials.fromSecretName', 'keys.accessKeyIdKey', 'aws:id', { accessKeyIdKey: 'aws:id' }, { accessKeyIdKey: 'aws-id' }, s3Keys('cloud-keys', (k) => externalStore('credentials')(k))),
  c('names', 'Velero credential key with a space (video blueprint)', 'VideoSurveillanceSite', 'backup.veleroCredential.key', 'cloud creds', { name: 'velero-site-a', key: 'cloud creds' }, { name: 'velero-site-a', key: 'cloud' }, video('backup.veleroCredential')),
  c('names', 'Velero credential key with a tilde (IoT blueprint)', 'IoTSite', 'backup.veleroCredential.key', 'cloud~1', { name: 'velero-site-b', key: 'cloud~1' }, { name: 'velero-site-b', key: 'cloud' }, iot('backup.veleroCredential')),
  c('names', 'Kafka CA key with a space (model blueprint)', 'ModelDistributionSite', 'cloud.kafka.caCertificate.key', 'ca crt', { ...kafkaTarget(), caCertificate: { name: 'cloud-kafka-ca', key: 'ca crt' } }, kafkaTarget(), model('cloud.kafka')),
  c('names', 'claim name with a space (restic)', 'ResticBackup', 'source.claimName', 'NVR Index', 'NVR Index', 'nvr-index', resticClaim),
  c('names', 'claim name in capitals (video blueprint)', 'VideoSurveillanceSite', 'backup.resticClaims[0]', 'NVR-Index', ['NVR-Index'], ['nvr-index'], (v) => video('backup')({ veleroCredential: { name: 'velero-site-a', key: 'cloud' }, resticClaims: v, resticPassword: { name: 'restic', key: 'password' } })),
  c('names', 'MinIO region with spaces', 'MinioCluster', 'region', 'us east 1', 'us east 1', 'us-east-1', minio('region')),
  c('names', 'MinIO region starting with a digit', 'MinioCluster', 'region', '1-edge', '1-edge', 'edge-1', minio('region')),
  c('names', 'store region with a leading hyphen', 'ExternalObjectStore', 'region', '-eu-central-1', '-eu-central-1', 'eu-central-1', externalStore('region')),
  c('names', 'Velero region with a dot', 'VeleroBackupLocation', 'region', 'eu.central', 'eu.central', 'eu-central-1', veleroLocation('region')),
  c('names', 'a glob as an LVM volume-group regex', 'LvmLocalPvStorageClass', 'volumeGroupPattern', '*vg', '*vg', '.*vg', lvm('volumeGroupPattern')),
  c('names', 'an unclosed group in an LVM regex', 'LvmLocalPvStorageClass', 'volumeGroupPattern', 'vg(', 'vg(', 'vg.*', lvm('volumeGroupPattern')),
  c('names', 'a glob as Rook deviceFilter', 'RookCephCluster', 'deviceFilter', '*', '*', '^sd[b-d]', rook('deviceFilter')),
  c('names', 'lookahead in Rook deviceFilter (Go RE2)', 'RookCephCluster', 'deviceFilter', '^sd(?!a)', '^sd(?!a)', '^sd[b-z]', rook('deviceFilter')),
  c('names', 'unclosed class in a host deviceFilter', 'RookCephCluster', 'hosts[0].deviceFilter', '^nvme[0-', [{ name: 'node-1', deviceFilter: '^nvme[0-' }, ...rookHosts().slice(1)], [{ name: 'node-1', deviceFilter: '^nvme[0-9]' }, ...rookHosts().slice(1)], rook('hosts')),
  c('names', 'bucket with capitals and underscore (Velero)', 'VeleroBackupLocation', 'bucket', 'Velero_Backups', 'Velero_Backups', 'velero-backups', veleroLocation('bucket')),
  c('names', 'bucket with a reserved prefix (MinIO)', 'MinioBucket', 'name', 'xn--videos', 'xn--videos', 'videos', minioBucket),
  c('names', 'bucket that looks like an IP (replication)', 'ObjectReplication', 'destinationBucket', '192.168.1.10', '192.168.1.10', 'fleet-archive', replication('destinationBucket')),
  c('names', 'archive bucket with capitals (video blueprint)', 'VideoSurveillanceSite', 'cloud.archiveBucket', 'Video_Archive', 'Video_Archive', 'video-archive', video('cloud.archiveBucket')),
  c('names', 'release bucket too short (model blueprint)', 'ModelDistributionSite', 'cloud.releaseBucket', 'ml', 'ml', 'fleet-models', model('cloud.releaseBucket')),
  c('names', 'backup bucket with ".-" (IoT blueprint)', 'IoTSite', 'cloud.backupBucket', 'fleet.-backups', 'fleet.-backups', 'fleet-backups', iot('cloud.backupBucket')),
  c('names', 'rclone bucket with a space', 'RcloneArchive', 'destination.bucket', 'my archive', RcloneRemote.s3(cloudS3(), { bucket: 'my archive' }), RcloneRemote.s3(cloudS3(), { bucket: 'my-archive' }), rclone('destination')),
  c('names', 'restic bucket with a reserved suffix', 'ResticBackup', 'repository.bucket', 'backups-s3alias', ResticRepository.s3(cloudS3(), { bucket: 'backups-s3alias' }), ResticRepository.s3(cloudS3(), { bucket: 'backups' }), restic('repository')),

  // 4. Credentials where none belong ------------------------------------------------------------------------
  c('credentials', 'user:password in an object store endpoint', 'ExternalObjectStore', 's3Endpoint', 'https://***@s3.example.com', 'https://admin:s3cret@s3.example.com', 'https://s3.example.com', externalStore('s3Endpoint')),
  c('credentials', 'user only in an object store endpoint', 'ExternalObjectStore', 's3Endpoint', 'http://***@minio.storage.svc:9000', 'http://minio@minio.storage.svc:9000', 'http://minio.storage.svc:9000', externalStore('s3Endpoint')),
  c('credentials', 'user:password in a cache origin', 'CacheOrigin', 'url', 'https://***@origin.example.com', 'https://cdn:pw@origin.example.com', 'https://origin.example.com', originUrl),
  c('credentials', 'user:password in a Velero s3Url', 'VeleroBackupLocation', 's3Url', 'http://***@minio.storage.svc.cluster.local:9000', 'http://minio:minio123@minio.storage.svc.cluster.local:9000', 'http://minio.storage.svc.cluster.local:9000', veleroLocation('s3Url')),
  c('credentials', 'user:password in a Velero publicUrl', 'VeleroBackupLocation', 'publicUrl', 'https://***@s3.example.com', 'https://a:b@s3.example.com', 'https://s3.example.com', veleroLocation('publicUrl')),
  c('credentials', 'user:password in Kafka bootstrap servers', 'KafkaSync', 'target.bootstrapServers', '***@kafka.cloud.example.com:9093', { ...kafkaTarget(), bootstrapServers: 'mm2:secret@kafka.cloud.example.com:9093' }, kafkaTarget(), kafkaSync('target')),
  c('credentials', 'a scheme in Kafka bootstrap servers', 'KafkaSync', 'target.bootstrapServers', 'https://kafka.cloud.example.com:9093', { ...kafkaTarget(), bootstrapServers: 'https://kafka.cloud.example.com:9093' }, kafkaTarget(), kafkaSync('target')),
  c('credentials', 'user:password in the video site\'s cloud Kafka', 'VideoSurveillanceSite', 'cloud.kafka.bootstrapServers', '***@kafka.cloud.example.com:9093', { ...kafkaTarget(), bootstrapServers: 'u:p@kafka.cloud.example.com:9093' }, kafkaTarget(), video('cloud.kafka')),
  c('credentials', 'user:password in the IoT site\'s cloud Kafka', 'IoTSite', 'cloud.kafka.bootstrapServers', '***@kafka.cloud.example.com:9093', { ...kafkaTarget(), bootstrapServers: 'u:p@kafka.cloud.example.com:9093' }, kafkaTarget(), iot('cloud.kafka')),
  c('credentials', 'user:password in the model site\'s cloud Kafka', 'ModelDistributionSite', 'cloud.kafka.bootstrapServers', '***@kafka.cloud.example.com:9093', { ...kafkaTarget(), bootstrapServers: 'u:p@kafka.cloud.example.com:9093' }, kafkaTarget(), model('cloud.kafka')),

  // 5. Shapes from plain JavaScript / JSON ------------------------------------------------------------------
  c('shape', 'cameras as a string', 'VideoSurveillanceSite', 'cameras', '"20"', '20', 20, video('cameras')),
  c('shape', 'undefined inside wanCidrs', 'VideoSurveillanceSite', 'wanCidrs[1]', 'undefined', ['198.51.100.0/24', undefined], ['198.51.100.0/24'], video('wanCidrs')),
  c('shape', 'null inside viewerCidrs', 'VideoSurveillanceSite', 'cache.viewerCidrs[0]', 'null', [null], ['10.1.0.0/24'], video('cache.viewerCidrs')),
  c('shape', 'cloud missing', 'VideoSurveillanceSite', 'cloud', 'undefined', undefined, videoBase().cloud, video('cloud')),
  c('shape', 'archive bucket missing', 'VideoSurveillanceSite', 'cloud.archiveBucket', 'undefined', undefined, 'video-archive', video('cloud.archiveBucket')),
  c('shape', 'retention null', 'VideoSurveillanceSite', 'retention', 'null', null, Duration.days(7), video('retention')),
  c('shape', 'sensors as a string', 'IoTSite', 'sensors', '"10000"', '10000', 10_000, iot('sensors')),
  c('shape', 'sensorCidrs as a string, not a list', 'IoTSite', 'sensorCidrs', '10.30.0.0/16', '10.30.0.0/16', ['10.30.0.0/16'], iot('sensorCidrs')),
  c('shape', 'null model name', 'ModelDistributionSite', 'models[1]', 'null', ['detector', null], ['detector', 'ocr'], model('models')),
  c('shape', 'versionsRetained as a string', 'ModelDistributionSite', 'versionsRetained', '"3"', '3', 3, model('versionsRetained')),
  c('shape', 'cache replicas as a string', 'NginxEdgeCache', 'replicas', '"2"', '2', 2, edgeCache('replicas')),
  c('shape', 'undefined cache client', 'NginxEdgeCache', 'allowedClients[0]', 'undefined', [undefined], [{ cidr: '10.20.0.0/16' }], edgeCache('allowedClients')),
  c('shape', 'MinIO servers null', 'MinioCluster', 'servers', 'null', null, 4, minio('servers')),
  c('shape', 'MinIO drivesPerServer as a string', 'MinioCluster', 'drivesPerServer', '"2"', '2', 2, minio('drivesPerServer')),
  c('shape', 'null Rook host', 'RookCephCluster', 'hosts[2]', 'null', [...rookHosts().slice(0, 2), null], rookHosts(), rook('hosts')),
  c('shape', 'Longhorn retain as a string', 'LonghornRecurringJob', 'retain', '"7"', '7', 7, longhornJob('retain')),
  c('shape', 'Longhorn schedule missing', 'LonghornRecurringJob', 'schedule', 'undefined', undefined, cron('0', '2'), longhornJob('schedule')),
  c('shape', 'Longhorn replicas as a string', 'LonghornStorageClass', 'numberOfReplicas', '"3"', '3', 3, longhornClass('numberOfReplicas')),
  c('shape', 'hostPath labels as a string', 'HostPathLocalPvStorageClass', 'nodeAffinityLabels', 'kubernetes.io/hostname', 'kubernetes.io/hostname', ['kubernetes.io/hostname'], hostPath('nodeAffinityLabels')),
  c('shape', 'topic partitions as a string', 'EdgeKafkaTopic', 'partitions', '"3"', '3', 3, kafkaTopic('partitions')),
  c('shape', 'replication retries NaN', 'ObjectReplication', 'retries', 'NaN', NaN, 5, replication('retries')),
  c('shape', 'Velero schedule missing', 'VeleroSchedule', 'schedule', 'undefined', undefined, cron('30', '1'), veleroSchedule('schedule')),
  c('shape', 'store credentials missing', 'ExternalObjectStore', 'credentials', 'undefined', undefined, S3Credentials.fromSecretName('cloud-keys'), externalStore('credentials')),
  c('shape', 'store credentials in the former { secretName } shape', 'ExternalObjectStore', 'credentials', '{"secretName":"cloud-keys"}', { secretName: 'cloud-keys' }, S3Credentials.fromSecretName('cloud-keys'), externalStore('credentials')),

  // 6. Blueprint-level messages -----------------------------------------------------------------------------
  c('blueprint', 'retention in fractional days (video)', 'VideoSurveillanceSite', 'retention', '7 days 12 hours', Duration.hours(180), Duration.days(8), video('retention')),
  c('blueprint', 'retention as a number of days (video)', 'VideoSurveillanceSite', 'retention', '7', 7, Duration.days(7), video('retention')),
  c('blueprint', 'segment length in fractional minutes (video)', 'VideoSurveillanceSite', 'segmentDuration', '4 minutes 30 seconds', Duration.seconds(270), Duration.minutes(5), video('segmentDuration')),
  c('blueprint', 'zero cameras', 'VideoSurveillanceSite', 'cameras', '0', 0, 1, video('cameras')),
  c('blueprint', 'fractional cameras', 'VideoSurveillanceSite', 'cameras', '2.5', 2.5, 3, video('cameras')),
  c('blueprint', 'negative bitrate', 'VideoSurveillanceSite', 'bitrateMbps', '-4', -4, 4, video('bitrateMbps')),
  c('blueprint', 'fractional servers', 'VideoSurveillanceSite', 'servers', '4.5', 4.5, 4, video('servers')),
  c('blueprint', 'fractional cache replicas', 'VideoSurveillanceSite', 'cache.replicas', '1.5', { replicas: 1.5 }, { replicas: 2 }, video('cache')),
  c('blueprint', 'retention under a day (IoT)', 'IoTSite', 'retention', '12 hours', Duration.hours(12), Duration.days(1), iot('retention')),
  c('blueprint', 'zero sensors', 'IoTSite', 'sensors', '0', 0, 100, iot('sensors')),
  c('blueprint', 'fractional Kafka partitions (IoT)', 'IoTSite', 'kafka.partitions', '2.5', { partitions: 2.5 }, { partitions: 3 }, iot('kafka')),
  c('blueprint', 'fractional versionsRetained', 'ModelDistributionSite', 'versionsRetained', '1.5', 1.5, 2, model('versionsRetained')),
  c('blueprint', 'zero models to discover', 'ModelDistributionSite', 'discoverUpTo', '0', 0, 2, modelDiscovering),
  c('blueprint', 'model bucket name with capitals', 'ModelDistributionSite', 'bucket.name', 'Models', { name: 'Models' }, { name: 'models' }, model('bucket')),
];
