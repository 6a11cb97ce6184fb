// Issue 18 item 2 (one-key Secrets): the blocks themselves record the Secret keys their pods read, so a plain cdk8s
// Chart (no site blueprint) lists them with RequiredSecrets.of(chart), in the namespace the pods read them in.
import { Cron, Duration, Size } from 'cdk8s';
import {
  BackupSource, CacheOrigin, ContainerImage, InfluxDb, NginxEdgeCache, RedisCache, RequiredSecret, RequiredSecrets, ResticBackup,
  ResticRepository, TelegrafIngest, VeleroBackupLocation,
} from '../../src';
import { chart, synth } from '../support/harness';

/** Every `name/key` a manifest reads from a Secret: env `secretKeyRef`, Secret volume items, Velero's Secret refs. */
function referencedKeys(manifests: any[]): string[] {
  const out = new Set<string>();
  const walk = (v: any) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    if (v.secretKeyRef) out.add(`${v.secretKeyRef.namespace ?? ''}${v.secretKeyRef.name}/${v.secretKeyRef.key}`);
    if (v.secret?.secretName) for (const i of v.secret.items ?? [{ key: '*' }]) out.add(`${v.secret.secretName}/${i.key}`);
    if (v.credential?.name && v.credential.key) out.add(`${v.credential.name}/${v.credential.key}`);
    if (v.caCertRef?.name) out.add(`${v.caCertRef.name}/${v.caCertRef.key}`);
    Object.values(v).forEach(walk);
  };
  manifests.forEach((m) => walk(m.spec ?? {}));
  return [...out].sort();
}

const listedKeys = (secrets: RequiredSecret[]) => secrets.flatMap((s) => s.keys.map((k) => `${s.name}/${k}`)).sort();
const entry = (secrets: RequiredSecret[], name: string) => secrets.find((s) => s.name === name)!;

describe('RequiredSecrets.of(chart) without a site: each block records the one-key Secrets its pods read', () => {
  test('nginx cache: origin token, viewers\' htpasswd and origin CA, in the chart\'s namespace, with how to create them', () => {
    const c = chart('edge');
    new NginxEdgeCache(c, 'cache', {
      origin: CacheOrigin.fromUrl('https://origin.example.com', { caCertificate: { name: 'origin-ca', key: 'ca.pem' } }),
      originToken: { name: 'origin-token', key: 'token' },
      viewerCredentials: { name: 'viewers', key: 'htpasswd' },
    });
    const secrets = RequiredSecrets.of(c);
    expect(listedKeys(secrets)).toEqual(referencedKeys(synth(c)));
    expect(listedKeys(secrets)).toEqual(['origin-ca/ca.pem', 'origin-token/token', 'viewers/htpasswd']);
    expect(secrets.every((s) => s.namespace === 'edge')).toBe(true);
    expect(entry(secrets, 'origin-token').purpose).toMatch(/kubectl -n edge create secret generic origin-token --from-literal=token="\$\(openssl rand -hex 32\)"/);
    expect(entry(secrets, 'viewers').purpose).toMatch(/htpasswd .*--from-file=htpasswd=htpasswd/);
    expect(entry(secrets, 'origin-ca').purpose).toContain('https://origin.example.com');
  });

  test('a cache without a token, viewers or CA records nothing', () => {
    const c = chart('edge');
    new NginxEdgeCache(c, 'cache', { origin: CacheOrigin.fromUrl('http://origin.example.com') });
    expect(RequiredSecrets.of(c)).toEqual([]);
    expect(referencedKeys(synth(c))).toEqual([]);
  });

  test('restic backup: the repository password and the dump step\'s token, merged with InfluxDB\'s admin Secret', () => {
    const c = chart('site-b');
    const influx = new InfluxDb(c, 'influx', { namespace: 'site-b', storageClassName: 'local', volumeSize: Size.gibibytes(5), retention: Duration.days(7), adminSecretName: 'influx-admin' });
    new ResticBackup(c, 'restic', {
      source: BackupSource.fromDump({ image: ContainerImage.INFLUXDB, script: 'true', secretEnv: { INFLUX_TOKEN: influx.token }, sizeLimit: Size.gibibytes(1) }),
      repository: ResticRepository.fromClaimName('backups'),
      password: { name: 'restic-password', key: 'password' },
      schedule: Cron.daily(),
    });
    const secrets = RequiredSecrets.of(c);
    expect(listedKeys(secrets)).toEqual(referencedKeys(synth(c)));
    const admin = entry(secrets, 'influx-admin');
    expect(admin.keys).toEqual([InfluxDb.ADMIN_USERNAME_KEY, InfluxDb.ADMIN_PASSWORD_KEY, InfluxDb.ADMIN_TOKEN_KEY]);
    // Both readers are named in one entry: InfluxDB's setup and the restic dump step.
    expect(admin.purpose).toMatch(/first-start setup.*; read as INFLUX_TOKEN by the dump step of restic backup restic/);
    expect(entry(secrets, 'restic-password').purpose).toMatch(/losing it loses the backups/);
  });

  test('Telegraf and Redis: the write token (with the influx commands for its bucket), the sensors\' token, the Redis password', () => {
    const c = chart('iot');
    new TelegrafIngest(c, 'telegraf', {
      namespace: 'iot',
      influxUrl: 'http://influxdb.iot.svc:8086',
      influxToken: { name: 'tg-write', key: 'token' },
      organization: 'plant',
      bucket: 'line-3',
      token: { name: 'sensor-token', key: 'token' },
    });
    new RedisCache(c, 'redis', { password: { name: 'redis-auth', key: 'pw' } });
    const secrets = RequiredSecrets.of(c);
    expect(listedKeys(secrets)).toEqual(referencedKeys(synth(c)));
    expect(listedKeys(secrets)).toEqual(['redis-auth/pw', 'sensor-token/token', 'tg-write/token']);
    expect(entry(secrets, 'tg-write').purpose).toContain('influx bucket find --org plant --name line-3');
    expect(entry(secrets, 'redis-auth').purpose).toContain('requirepass');
  });

  test('Velero location: its credentials file (with the key policy unless the keys are a grant\'s) and CA, in Velero\'s namespace', () => {
    const c = chart('apps');
    const loc = new VeleroBackupLocation(c, 'loc', {
      bucket: 'backups', prefix: 'site-c', s3Url: 'https://s3.example.com', credential: { name: 'velero-s3', key: 'cloud' }, caCertificate: { name: 's3-ca', key: 'ca.crt' },
    });
    const secrets = RequiredSecrets.of(c);
    expect(listedKeys(secrets)).toEqual(referencedKeys(synth(c)));
    expect(secrets.map((s) => s.namespace)).toEqual(['velero', 'velero']);
    expect(entry(secrets, 'velero-s3').policy).toBe(loc.keyPolicy);
    const granted = chart('apps');
    new VeleroBackupLocation(granted, 'loc', { bucket: 'backups', s3Url: 'https://s3.example.com', credential: { name: 'velero-s3', key: 'cloud' }, grantedKeys: true });
    expect(RequiredSecrets.of(granted)[0].policy).toBeUndefined();
    expect(RequiredSecrets.of(granted)[0].purpose).not.toContain('Key policies');
  });
});

test('InfluxDb: adminSecretName must be a Secret name (it is listed for the operator and read by secretKeyRef)', () => {
  expect(() => new InfluxDb(chart('n'), 'influx', { namespace: 'n', storageClassName: 'sc', volumeSize: Size.gibibytes(1), retention: Duration.days(7), adminSecretName: 'Influx_Admin' }))
    .toThrow(/InfluxDb "test\/influx": adminSecretName = "Influx_Admin"/);
});
