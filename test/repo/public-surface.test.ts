/**
 * The package exports what users compose; the generators, renderers and helpers behind the constructs stay internal
 * and are imported by path (docs/design.md §2). Each entry names the file that keeps the class, so the list cannot
 * go stale silently: a renamed or deleted internal fails the second test.
 */
import * as path from 'path';
import * as lib from '../../src';

const INTERNAL: { [name: string]: string } = {
  NginxCacheConfig: 'cache/nginx/config',
  CacheWarmUpScript: 'cache/nginx/warm-up-script',
  RedisCacheConfig: 'cache/redis/config',
  ResticScript: 'backup/restic/script',
  RcloneScript: 'backup/rclone/script',
  ModelReleaseScript: 'sync/model-release/release-script',
  MinioLifecycle: 'objectstore/minio/lifecycle',
  SiteReport: 'blueprints/site/report',
  WorkloadFootprint: 'blueprints/site/footprint',
  KafkaSiteWiring: 'blueprints/site/kafka-wiring',
  KubeNames: 'core/names',
  EdgeLabels: 'core/labels',
  Resources: 'core/resources',
  RestrictedSecurity: 'core/security',
  RcloneEnv: 'core/rclone',
  EdgeMessages: 'core/errors',
  edgeError: 'core/errors',
  ObjectStoreGrantStatements: 'core/grants',
  RestrictedWorkload: 'core/workload',
};

test('the package does not export the internal generators and helpers', () => {
  const exported = Object.keys(lib).filter((name) => name in INTERNAL);
  expect(exported).toEqual([]);
});

test('each internal class still lives where tests import it from', () => {
  const missing = Object.entries(INTERNAL)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    .filter(([name, file]) => !(name in require(path.join(__dirname, '..', '..', 'src', file))))
    .map(([name, file]) => `${name} (src/${file}.ts)`);
  expect(missing).toEqual([]);
});

test('the constructs users compose are exported', () => {
  // A sample across the folders, so an index file that drops its public part fails here, not at a user's import.
  const expected = ['NginxEdgeCache', 'RedisCache', 'ResticBackup', 'RcloneArchive', 'ModelReleaseSync', 'MinioCluster',
    'EdgeSite', 'Fleet', 'CapacityPlanner', 'Warnings', 'SecurityBaseline', 'ContainerImage', 'RcloneMode',
    'RedisEvictionPolicy', 'ObjectStoreAccess'];
  expect(expected.filter((name) => !(name in lib))).toEqual([]);
});
