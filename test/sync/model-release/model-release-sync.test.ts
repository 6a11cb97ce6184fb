import { Cron } from 'cdk8s';
import { Bandwidth, ExternalObjectStore, ModelReleaseSync, ObjectStoreFlavor, S3Credentials } from '../../../src';
import { ModelReleaseScript } from '../../../src/sync/model-release/release-script';
import { chart, find, synth } from '../../support/harness';

const cloud = new ExternalObjectStore({ s3Endpoint: 'https://s3.eu-west-1.amazonaws.com', region: 'eu-west-1', flavor: ObjectStoreFlavor.AWS_S3, credentials: S3Credentials.fromSecretName('cloud-models-ro') });
const edge = new ExternalObjectStore({
  s3Endpoint: 'http://store.site-a.svc:9000', flavor: ObjectStoreFlavor.MINIO, credentials: S3Credentials.fromSecretName('store-client'), caCertificate: { name: 'store-ca', key: 'ca.crt' },
});

test('defaults: a 5-minute CronJob running the verified-promotion script with both remotes from Secrets', () => {
  const c = chart();
  const sync = new ModelReleaseSync(c, 'Models', { namespace: 'site-a', source: cloud, sourceBucket: 'releases', target: edge, targetBucket: 'models', models: ['detector'], versionsRetained: 3 });
  const m = synth(c);
  expect(m).toMatchSnapshot();
  const cron = find(m, 'CronJob', 'model-release');
  expect(cron.spec.schedule).toBe('*/5 * * * *');
  expect(cron.spec.concurrencyPolicy).toBe('Forbid');
  // Forbid: a hung run would block every later one, so runs have a deadline.
  expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(6 * 3600);
  // Releases are verified in place: the scratch volume only holds small lists, and is capped.
  expect(cron.spec.jobTemplate.spec.template.spec.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
  const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
  const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
  expect(env.RCLONE_CONFIG_CLOUD_PROVIDER).toBe('AWS');
  expect(env.RCLONE_CONFIG_CLOUD_FORCE_PATH_STYLE).toBe('false');
  expect(env.RCLONE_CONFIG_EDGE_PROVIDER).toBe('Minio');
  expect(env.RCLONE_CONFIG_EDGE_ACCESS_KEY_ID).toEqual({ secretKeyRef: { name: 'store-client', key: 'AWS_ACCESS_KEY_ID' } });
  expect(env.RCLONE_CA_CERT).toBe('/etc/rclone-ca/ca.crt');
  expect(find(m, 'ConfigMap', 'model-release-script').data['release.sh']).toBe(sync.script);
  expect(sync.script).toBe(ModelReleaseScript.render({
    source: 'cloud:releases', target: 'edge:models', models: ['detector'], versionsRetained: 3, rcloneFlags: ['--retries', '5', '--low-level-retries', '10'],
  }));
});

test('custom: schedule, bandwidth limit, pins', () => {
  const c = chart();
  new ModelReleaseSync(c, 'Models', {
    namespace: 'site-a',
    name: 'releases',
    source: cloud,
    sourceBucket: 'releases',
    target: edge,
    targetBucket: 'models',
    models: ['detector', 'ocr'],
    versionsRetained: 2,
    pinned: { ocr: 'v7' },
    schedule: Cron.schedule({ minute: '0', hour: '*/1' }),
    bandwidthLimit: Bandwidth.mebibytesPerSecond(5),
  });
  const m = synth(c);
  expect(m).toMatchSnapshot();
  const script = find(m, 'ConfigMap', 'releases-script').data['release.sh'];
  expect(script).toContain("'--bwlimit' '5120K'");
  expect(script).toContain("'ocr') echo 'v7' ;;");
  expect(find(m, 'CronJob', 'releases').spec.schedule).toBe('0 */1 * * *');
});

test('fails on no models, bad retention and bad pins', () => {
  const base = { namespace: 'n', source: cloud, sourceBucket: 'r', target: edge, targetBucket: 'm', versionsRetained: 2 };
  expect(() => new ModelReleaseSync(chart(), 'x', { ...base, models: [] })).toThrow(/ModelReleaseSync "test\/x": models = \[\]: at least one model/);
  expect(() => new ModelReleaseSync(chart(), 'x', { ...base, models: ['a'], versionsRetained: 0 })).toThrow(/versionsRetained = 0: must be a positive integer/);
  expect(() => new ModelReleaseSync(chart(), 'x', { ...base, models: ['a'], pinned: { b: 'v1' } })).toThrow(/pinned.b = "v1": must pin a managed model/);
  expect(() => new ModelReleaseSync(chart(), 'x', { ...base, models: ['a'], pinned: { a: '../x' } })).toThrow(/pinned.a = "..\/x"/);
  expect(() => new ModelReleaseSync(chart(), 'x', { ...base, models: ['Bad_Model'] })).toThrow(/models = "Bad_Model"/);
  // Below 1 KiB/s rclone's --bwlimit would round to 0 (= unlimited); it used to be raised to 1K silently.
  expect(() => new ModelReleaseSync(chart(), 'x', { ...base, models: ['a'], bandwidthLimit: Bandwidth.bytesPerSecond(512) })).toThrow(/ModelReleaseSync "test\/x": bandwidthLimit = "512 B\/s": must be at least 1 KiB\/s/);
});

test('discovery mode: no model list, a planned count; fails on bad counts, both given, duplicates, reserved pins', () => {
  const base = { namespace: 'n', source: cloud, sourceBucket: 'r', target: edge, targetBucket: 'm', versionsRetained: 2 };
  const c = chart();
  const sync = new ModelReleaseSync(c, 'x', { ...base, models: [], discoverUpTo: 12, pinned: { anything: 'v2' } });
  expect(sync.script).toContain('LIMIT=12');
  expect(sync.script).toContain("MODELS=''");
  expect(() => new ModelReleaseSync(chart(), 'x', { ...base, models: [], discoverUpTo: 0 })).toThrow(/discoverUpTo = 0: must be a positive integer/);
  expect(() => new ModelReleaseSync(chart(), 'x', { ...base, models: ['a'], discoverUpTo: 3 })).toThrow(/discoverUpTo = 3: only applies when models is empty/);
  expect(() => new ModelReleaseSync(chart(), 'x', { ...base, models: ['a', 'a'] })).toThrow(/models = "a": is listed twice/);
  expect(() => new ModelReleaseSync(chart(), 'x', { ...base, models: ['a'], pinned: { a: 'current' } })).toThrow(/pinned.a = "current": .*not current\/history\/release/);
  expect(() => new ModelReleaseSync(chart(), 'x', { ...base, models: [], discoverUpTo: 2, pinned: { Bad: 'v1' } })).toThrow(/pinned.Bad = "v1"/);
});
