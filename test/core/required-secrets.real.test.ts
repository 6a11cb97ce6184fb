// Real tier for issue 18 item 2: an operator who only has a plain chart (no site blueprint) reads
// RequiredSecrets.of(chart), runs the "e.g." command each block recorded (real kubectl, openssl and sh, against a real
// kube-apiserver), and then every Secret key the synthesized pods read exists in their namespace with a usable value.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cron, Duration, Size } from 'cdk8s';
import {
  BackupSource, CacheOrigin, InfluxDb, NginxEdgeCache, RedisCache, RequiredSecret, RequiredSecrets, ResticBackup,
  ResticRepository, TelegrafIngest, VeleroBackupLocation,
} from '../../src';
import { NginxCacheConfig } from '../../src/cache/nginx/config';
import { shellcheck } from '../backup/support';
import { chart, synth } from '../support/harness';
import { KubeCluster } from '../support/kube';
import { requireTools } from '../support/tools';

requireTools('shellcheck');

/** Every `namespace/name/key` a pod (or Velero's location) reads from a Secret, taken from the manifests. */
function readKeys(manifests: any[]): string[] {
  const out = new Set<string>();
  for (const m of manifests) {
    const ns = m.metadata?.namespace ?? '';
    const walk = (v: any) => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!v || typeof v !== 'object') return;
      if (v.secretKeyRef) out.add(`${ns}/${v.secretKeyRef.name}/${v.secretKeyRef.key}`);
      if (v.secret?.secretName) for (const i of v.secret.items ?? []) out.add(`${ns}/${v.secret.secretName}/${i.key}`);
      if (v.credential?.name && v.credential.key) out.add(`${ns}/${v.credential.name}/${v.credential.key}`);
      Object.values(v).forEach(walk);
    };
    walk(m.spec ?? {});
  }
  return [...out].sort();
}

/** The command a purpose suggests: what follows its last "e.g. " (undefined when it names none). */
function suggested(s: RequiredSecret): string | undefined {
  const at = s.purpose.lastIndexOf('e.g. ');
  const command = at < 0 ? undefined : s.purpose.slice(at + 5);
  return command && /\bkubectl\b/.test(command) ? command : undefined;
}

let cluster: KubeCluster;
let work: string;

beforeAll(async () => {
  cluster = await KubeCluster.start();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-required-secrets-'));
  fs.writeFileSync(path.join(work, 'kubeconfig'), [
    'apiVersion: v1', 'kind: Config',
    'clusters: [{ name: t, cluster: { server: "' + cluster.url + '", insecure-skip-tls-verify: true } }]',
    'users: [{ name: t, user: { token: "' + cluster.token + '" } }]',
    'contexts: [{ name: t, context: { cluster: t, user: t } }]', 'current-context: t', '',
  ].join('\n'));
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('every Secret key the pods read exists after running the commands RequiredSecrets.of(chart) suggests', async () => {
  const c = chart('edge');
  new NginxEdgeCache(c, 'cache', {
    origin: CacheOrigin.fromUrl('http://origin.example.com'),
    originToken: { name: 'origin-token', key: 'token' },
    viewerCredentials: { name: 'viewers', key: 'htpasswd' },
  });
  new RedisCache(c, 'redis', { password: { name: 'redis-auth', key: 'pw' } });
  const influx = new InfluxDb(c, 'influx', { namespace: 'edge', storageClassName: 'local', volumeSize: Size.gibibytes(5), retention: Duration.days(7), adminSecretName: 'influx-admin' });
  new ResticBackup(c, 'restic', {
    source: BackupSource.fromClaimName('data'),
    repository: ResticRepository.fromClaimName('backups'),
    password: { name: 'restic-password', key: 'password' },
    schedule: Cron.daily(),
  });
  new TelegrafIngest(c, 'telegraf', {
    namespace: 'edge',
    influxUrl: influx.url,
    influxToken: { name: 'tg-write', key: 'token' },
    organization: 'edge',
    bucket: 'telemetry',
    token: { name: 'sensor-token', key: 'token' },
  });
  new VeleroBackupLocation(c, 'loc', { bucket: 'backups', s3Url: 'https://s3.example.com', credential: { name: 'velero-s3', key: 'cloud' } });
  const manifests = synth(c);
  const secrets = RequiredSecrets.of(c);

  // Telegraf's write token is minted by the influx CLI against a running InfluxDB (its command is checked by
  // test/lint/shellcheck.real.test.ts); every other entry suggests a command that needs only kubectl and openssl.
  const runnable = secrets.filter((s) => suggested(s) !== undefined);
  expect(secrets.filter((s) => !runnable.includes(s)).map((s) => s.name)).toEqual(['tg-write']);

  for (const ns of new Set(secrets.map((s) => s.namespace))) {
    expect((await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status).toBe(201);
  }
  // Stand-in for the operator's AWS credentials file (Velero's --from-file names it).
  fs.writeFileSync(path.join(work, 'credentials-velero'), '[default]\naws_access_key_id = stand-in\naws_secret_access_key = stand-in\n');
  for (const s of runnable) {
    const command = suggested(s)!;
    expect({ secret: s.name, findings: shellcheck(`#!/bin/sh\nset -eu\n${command}\n`) }).toEqual({ secret: s.name, findings: '' });
    // The operator types the viewer's password twice when openssl passwd asks (stand-in password on stdin).
    const run = spawnSync('/bin/sh', ['-eu', '-c', command], {
      cwd: work, input: 'viewer-password\nviewer-password\n', encoding: 'utf8', env: { ...process.env, KUBECONFIG: path.join(work, 'kubeconfig') },
    });
    expect({ secret: s.name, status: run.status, stderr: run.stderr.replace(/^(Verifying - )?Password: /gm, '').trim() }).toEqual({ secret: s.name, status: 0, stderr: '' });
  }

  const values = new Map<string, string>();
  for (const key of readKeys(manifests)) {
    const [ns, name, k] = key.split('/');
    if (name === 'tg-write') continue;
    const got = await cluster.request('GET', `/api/v1/namespaces/${ns}/secrets/${name}`);
    expect({ key, status: got.status }).toEqual({ key, status: 200 });
    const value = Buffer.from(got.body.data?.[k] ?? '', 'base64').toString('utf8');
    expect({ key, empty: value.trim() === '' }).toEqual({ key, empty: false });
    values.set(key, value);
  }
  // Every key the manifests read was listed (and created), and nothing else was listed.
  expect(readKeys(manifests).filter((k) => !k.includes('/tg-write/'))).toEqual([...values.keys()]);
  expect(secrets.flatMap((s) => s.keys.map((k) => `${s.namespace}/${s.name}/${k}`)).filter((k) => !k.includes('/tg-write/')).sort()).toEqual([...values.keys()]);

  // The values are what the readers accept: the cache's own start-up lines take the token (they refuse an empty one
  // or one with other characters) and write the header line; an htpasswd line in the SHA-512 crypt format nginx
  // reads; InfluxDB's admin keys from one Secret.
  const headerFile = path.join(work, 'origin-token.conf');
  const token = values.get('edge/origin-token/token')!;
  const startup = spawnSync('/bin/sh', ['-eu', '-c', NginxCacheConfig.originTokenScript(headerFile)], {
    encoding: 'utf8', env: { ...process.env, [NginxCacheConfig.ORIGIN_TOKEN_ENV]: token },
  });
  expect({ status: startup.status, stderr: startup.stderr }).toEqual({ status: 0, stderr: '' });
  expect(fs.readFileSync(headerFile, 'utf8')).toBe(`proxy_set_header Referer "${token}";\n`);
  expect(values.get('edge/viewers/htpasswd')).toMatch(/^viewer:\$6\$[^\n]+\n$/);
  expect(['username', 'password', 'token'].map((k) => values.has(`edge/influx-admin/${k}`))).toEqual([true, true, true]);
  expect(values.get('velero/velero-s3/cloud')).toContain('[default]');
  console.log(`RequiredSecrets.of(chart): ${secrets.length} Secrets listed, ${runnable.length} created with their suggested commands `
    + `(shellcheck clean), ${values.size} keys read by the pods found with values`);
}, 120_000);
