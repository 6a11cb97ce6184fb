// Every kind of shell script the library generates, checked by the real shellcheck (POSIX sh dialect), and the
// project's own set-up and CI scripts (bash).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Testing } from 'cdk8s';
import { buildApp as buildIotApp } from '../../examples/iot/main';
import {
  Bandwidth, BackupSource, ExternalObjectStore, IoTSite, KafkaCredentials, ObjectStoreFlavor, RcloneArchive,
  RcloneArchiveProps, RcloneMode, RcloneRemote, ResticBackup, ResticBackupProps, ResticRepository, MinioCluster,
  ObjectReplication, S3Credentials,
} from '../../src';
import { ModelReleaseScript } from '../../src/sync/model-release/release-script';
import { shellcheck } from '../backup/support';
import { base as minioBase, provisioned } from '../objectstore/minio/support';
import { chart, synth } from '../support/harness';
import { requireTools } from '../support/tools';

requireTools('shellcheck');

beforeAll(() => {
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
});
afterAll(() => {
  delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
});

test('shellcheck flags a broken script (the check is live)', () => {
  expect(shellcheck('#!/bin/sh\nfor f in $(ls *.txt); do echo $f; done\n')).toMatch(/SC2045|SC2086/);
});

test('ResticBackup: every script variant is clean', () => {
  const minio = new ExternalObjectStore({ s3Endpoint: 'http://minio.storage.svc.cluster.local:9000', credentials: S3Credentials.fromSecretName('minio-keys'), flavor: ObjectStoreFlavor.MINIO });
  const base: ResticBackupProps = {
    source: BackupSource.fromClaimName('media'),
    repository: ResticRepository.s3(minio, { bucket: 'backups', prefix: 'restic/site-a' }),
    password: { name: 'restic-password', key: 'password' },
  };
  const variants: Array<Partial<ResticBackupProps>> = [
    {},
    { retention: { keepWithin: Duration.days(3) }, excludes: ['*.tmp', "a'b", 'with space'], oneFileSystem: true, checkReadDataPercent: 10, uploadBandwidthLimit: Bandwidth.kibibytesPerSecond(512) },
    { repository: ResticRepository.rest('https://b.example.com/', { caCertificate: { name: 'ca', key: 'ca.crt' } }), check: false, prune: false },
    { repository: ResticRepository.fromClaimName('disk', { path: 'restic/site-a' }) },
  ];
  variants.forEach((v, i) => {
    const backup = new ResticBackup(chart(), `b${i}`, { ...base, ...v });
    expect({ variant: i, findings: shellcheck(backup.script) }).toEqual({ variant: i, findings: '' });
  });
});

test('IoTSite: the command the report gives for minting Telegraf\'s write-only InfluxDB token is clean', () => {
  const site = new IoTSite(Testing.app(), 'plant-7', {
    siteName: 'plant-7',
    sensors: 1000,
    retention: Duration.days(7),
    storageClassName: 'lvm-xfs',
    cloud: {
      kafka: {
        bootstrapServers: 'kafka.cloud.example.com:9093',
        caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
        credentials: KafkaCredentials.fromSecretName('cloud-kafka-user', { username: 'plant-7-mm2' }),
      },
      backupStore: new ExternalObjectStore({ s3Endpoint: 'https://s3.example.com', credentials: S3Credentials.fromSecretName('cloud-keys'), flavor: ObjectStoreFlavor.AWS_S3 }),
      backupBucket: 'fleet-backups',
    },
    backup: { veleroCredential: { name: 'velero-plant-7', key: 'cloud' } },
  });
  const secret = site.requiredSecrets.find((r) => r.name === 'plant-7-telegraf-influxdb-write')!;
  const command = secret.purpose.slice(secret.purpose.indexOf('): ') + 3);
  expect(command).toContain('influx auth create');
  expect(command).toContain('kubectl -n plant-7 create secret generic plant-7-telegraf-influxdb-write');
  expect(shellcheck(`#!/bin/sh\nset -eu\n${command}\n`)).toBe('');
});

test('RcloneArchive: every script variant is clean', () => {
  const cloud = new ExternalObjectStore({ s3Endpoint: 'https://s3.eu-central-1.amazonaws.com', credentials: S3Credentials.fromSecretName('cloud-keys'), flavor: ObjectStoreFlavor.AWS_S3, region: 'eu-central-1' });
  const base: RcloneArchiveProps = { source: BackupSource.fromClaimName('recordings'), destination: RcloneRemote.s3(cloud, { bucket: 'edge-archive', prefix: 'site-a' }) };
  const variants: Array<Partial<RcloneArchiveProps>> = [
    {},
    { mode: RcloneMode.MOVE, deleteEmptySourceDirs: true, includes: ['*.mp4', "it's"], excludes: ['a b/**'], bandwidthLimit: Bandwidth.kibibytesPerSecond(100) },
    { mode: RcloneMode.SYNC, checksum: false, dryRun: true },
    { destination: RcloneRemote.fromConfigSecret({ config: { name: 's', key: 'rclone.conf' }, remote: 'cold' }) },
  ];
  variants.forEach((v, i) => {
    const archive = new RcloneArchive(chart(), `a${i}`, { ...base, ...v });
    expect({ variant: i, findings: shellcheck(archive.script) }).toEqual({ variant: i, findings: '' });
  });
});

test('ObjectReplication: the sync program is clean', () => {
  const c = chart();
  const store = (endpoint: string, secretName: string) =>
    new ExternalObjectStore({ s3Endpoint: endpoint, credentials: S3Credentials.fromSecretName(secretName) });
  const rep = new ObjectReplication(c, 'video', {
    source: store('http://minio.site-a.svc:9000', 'edge'), sourceBucket: 'video', destination: store('https://s3.example.com', 'cloud'), destinationBucket: 'fleet', destinationPrefix: 'site-a',
  });
  expect(shellcheck(rep.script)).toBe('');
});

test('IoTSite: every script in its pods (the influx backup dump included) is clean', () => {
  const site = buildIotApp(new App()).charts[0] as IoTSite;
  const scripts = synth(site)
    .flatMap((m: any) => {
      const spec = m.spec?.jobTemplate?.spec?.template?.spec ?? m.spec?.template?.spec;
      return spec ? [...(spec.initContainers ?? []), ...(spec.containers ?? [])] : [];
    })
    .filter((c: any) => JSON.stringify(c.command) === JSON.stringify(['/bin/sh', '-c']))
    .map((c: any) => ({ container: c.name, script: c.args[0] as string }));
  expect(scripts.map((x) => x.container)).toContain('dump');
  expect(scripts.find((x) => x.container === 'dump')!.script).toBe(site.influxBackupScript);
  for (const x of scripts) {
    expect({ container: x.container, findings: shellcheck(x.script) }).toEqual({ container: x.container, findings: '' });
  }
});

test('ModelReleaseScript is clean', () => {
  const script = ModelReleaseScript.render({ source: 'cloud:models', target: 'edge:models', models: ['a'], versionsRetained: 3, pinned: { a: 'v1' }, rcloneFlags: ['--bwlimit', '10M'] });
  expect(shellcheck(script)).toBe('');
});

test('MinioCluster provisioning script: the full feature set and a single bucket are clean', () => {
  expect(shellcheck(provisioned().store.provisioningScript!)).toBe('');
  const store = new MinioCluster(chart('edge'), 'store', minioBase);
  store.addBucket('video');
  expect(shellcheck(store.provisioningScript!)).toBe('');
});

test("the project's own shell scripts (set-up, CI, bindings) are clean", () => {
  const root = path.resolve(__dirname, '..', '..');
  const files = ['.ci/run', 'scripts/test-tools.sh', ...fs.readdirSync(path.join(root, 'scripts')).filter((f) => f.endsWith('.sh')).map((f) => `scripts/${f}`),
    ...fs.readdirSync(path.join(root, 'scripts', 'tools')).filter((f) => f.endsWith('.sh')).map((f) => `scripts/tools/${f}`)];
  const r = spawnSync('shellcheck', ['-x', '--severity=style', ...new Set(files)], { cwd: root, encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`).toBe('');
  expect(r.status).toBe(0);
});
