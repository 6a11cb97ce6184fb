// Real tier (issue 13, VideoSurveillanceSite items 4, 5, 7 and the restic variant): the site's archive, playback and
// backup data paths, run with the programs the site configures and driven only by what the library synthesized.
//
// The README's example site (examples/video-surveillance/main.ts, its cloud archive store pointed at a loopback "cloud"
// MinIO) runs its store from the StatefulSet (4 MinIO servers) and its provisioning Job's pod; a recorder PUTs
// segments with the recorder grant's keys. Then:
// - the archive CronJob's pod (its script, args, env, user and mounts; busybox applets and rclone as in the image,
//   though the command's /bin/sh is the host's) copies them to the cloud bucket under the site's prefix, and a second
//   run copies nothing;
// - Velero's cloud keys, given exactly the IAM policy the site report prints, can do what Velero does under the
//   location's prefix and nothing outside it;
// - the playback cache (the real nginx with the ConfigMap's nginx.conf, loopback paths substituted, and the
//   container's own start-up lines for the resolver and the origin token) answers a viewer's range request MISS then
//   HIT, caching 4 MiB slices, and still plays a cached segment with every store server stopped.
// The variant with site-local Velero and restic claims: the restic CronJob's script backs a claim's files up into
// the cloud bucket under the site's restic prefix (`restic snapshots` lists it), and the site store's velero grant
// lets Velero work under its prefix only.
//
// The cloud keys (archive job and restic; Velero) are created as the operator would, with exactly the IAM policy the
// site report prints under "Key policies", so the runs above also prove those policies are enough.
//
// Test-side stand-ins: the Secret values (an operator's, and Strimzi's for the Kafka user), the cloud endpoint, loopback addresses for Service names (the
// MinIO pods' hosts file; a DNS server for nginx; server 0's address for mc), and temp folders for the mounts of the
// two containers run directly, as root (nginx, restic).
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  CLOUD_KEYS, CLOUD_ROOT, cloudManifests, exampleProps, exampleSite, ImageLikeBin, Keys, keysOf, mcAs, McResult, objectsUnder, operatorCreatesKeys,
  parseCredentialsFile, RESTIC_PASSWORD, siteSecrets, startProvisioned,
} from './video-site-archive-support';
import { VideoSurveillanceSite } from '../../src';
import { NginxCacheConfig } from '../../src/cache/nginx/config';
import { explainNginxFailure, nginxRuntime, nginxTest, pattern, Proc, request, TinyDns, waitFor } from '../cache/servers';
import { find } from '../support/harness';
import { MinioTestCluster, s3SecretValues, SecretValues } from '../support/minio';
import { reportKeyPolicy } from '../support/site-report';
import { requireTools } from '../support/tools';

const [nginxBin, opensslBin] = requireTools('nginx', 'openssl', 'minio', 'mc', 'rclone', 'restic', 'busybox', 'unshare', 'setpriv', 'mkfs.ext4');

jest.setTimeout(300_000);
// The loopback http endpoints warn by design (tested elsewhere); keep the output readable.
process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';

const ARCHIVE_BUCKET = exampleProps('http://127.0.0.1:9').cloud.archiveBucket;
const OTHER_BUCKET = 'other-fleet';
// The cloud MinIO's root keys, stored under the key names its rootCredentials give.
const cloudRootSecrets = s3SecretValues(CLOUD_ROOT, 'cloud-root', 'cloud-root-password-1');
const cloudKeys: Keys = { AWS_ACCESS_KEY_ID: 'store-0417-archive', AWS_SECRET_ACCESS_KEY: 'cloud-archive-secret-1' };
const cloudVeleroKeys: Keys = { AWS_ACCESS_KEY_ID: 'store-0417-velero', AWS_SECRET_ACCESS_KEY: 'cloud-velero-secret-1' };
const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

let cloud: MinioTestCluster | undefined;
let bin: ImageLikeBin | undefined;
let work = '';
beforeAll(async () => {
  work = fs.mkdtempSync('/var/tmp/video-archive-test-');
  bin = new ImageLikeBin();
  const manifests = cloudManifests(ARCHIVE_BUCKET, OTHER_BUCKET);
  const job = manifests.find((m) => m.kind === 'Job');
  ({ cluster: cloud } = await startProvisioned(manifests, cloudRootSecrets, job.metadata.name));
  console.log(`cloud MinIO up in ${cloud.startMillis} ms at ${cloud.servers[0].url}`);
});
afterAll(async () => {
  await cloud?.stop();
  bin?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const cloudUrl = () => cloud!.servers[0].url;
const mcDir = (name: string) => path.join(work, `mc-${name}`);
const cloudAsRoot = () => mcAs(cloudUrl(), keysOf(cloudRootSecrets, CLOUD_ROOT), mcDir('cloud-root'));

function expectOk(r: McResult): void {
  expect({ ok: r.ok, out: r.ok ? '' : r.out }).toEqual({ ok: true, out: '' });
}
/** MinIO refused the request with AccessDenied (mc's output is shown otherwise). */
function expectDenied(r: McResult, what: string): void {
  expect({ what, ok: r.ok, denied: r.denied, out: r.denied ? '' : r.out }).toEqual({ what, ok: false, denied: true, out: '' });
}

/**
 * What Velero's AWS plugin does in its location, as S3 requests through mc: list under `<prefix>/` with a delimiter
 * (location validation, backup sync), upload backup metadata (single PUT) and a tarball large enough for a multipart
 * upload, read and HEAD them back, delete them (backup deletion). All under the prefix; all must succeed.
 */
function expectVeleroWorks(mc: ReturnType<typeof mcAs>, bucket: string, prefix: string): void {
  const root = `s/${bucket}/${prefix}/`;
  const meta = `${root}backups/nightly-1/velero-backup.json`;
  const tarball = `${root}backups/nightly-1/nightly-1.tar.gz`;
  const big = path.join(work, 'tarball');
  const bytes = crypto.randomBytes(17 * 1024 * 1024); // above mc's 16 MiB part size: a multipart upload
  fs.writeFileSync(big, bytes);
  expectOk(mc(['pipe', meta], '{"kind":"Backup"}'));
  expectOk(mc(['cp', big, tarball]));
  const top = mc(['ls', root]);
  expectOk(top);
  expect(top.out).toContain('"key":"backups/"');
  expect(Object.keys(objectsUnder(mc, root)).sort()).toEqual(['backups/nightly-1/nightly-1.tar.gz', 'backups/nightly-1/velero-backup.json']);
  const cat = mc(['cat', meta]);
  expect(cat).toMatchObject({ ok: true, out: '{"kind":"Backup"}' });
  const stat = mc(['stat', tarball]);
  expectOk(stat);
  expect(JSON.parse(stat.out.trim().split('\n')[0]).size).toBe(bytes.length);
  expectOk(mc(['rm', meta]));
  expectOk(mc(['rm', tarball]));
  expect(objectsUnder(mc, root)).toEqual({});
  fs.rmSync(big);
}

describe('the README example site: archive to the cloud, Velero cloud keys, playback cache', () => {
  let site: VideoSurveillanceSite;
  let manifests: any[];
  let secrets: SecretValues;
  let store: MinioTestCluster | undefined;
  let nginx: Proc | undefined;
  let dns: TinyDns | undefined;
  const segments: Array<{ key: string; body: Buffer }> = [
    { key: 'cam-001/2026-12-05/07-00.mp4', body: pattern(9 * 1024 * 1024 + 17) }, // three 4 MiB slices
    { key: 'cam-001/2026-12-05/07-05.mp4', body: crypto.randomBytes(300 * 1024) },
    { key: 'cam-002/2026-12-05/07-00.mp4', body: crypto.randomBytes(1024 * 1024) },
    { key: 'cam-002/2026-12-05/07-05.mp4', body: Buffer.from('a short segment') },
  ];

  beforeAll(async () => {
    ({ site, manifests } = exampleSite(cloudUrl()));
    secrets = siteSecrets(site, cloudKeys, cloudVeleroKeys);
    operatorCreatesKeys(cloudAsRoot(), work, 'archive-keys', reportKeyPolicy(site.report(), CLOUD_KEYS, site.siteName), cloudKeys);
    let provisioning: string;
    ({ cluster: store, provisioning } = await startProvisioned(manifests, secrets, site.store.provisioningJobName!));
    console.log(`site store (4 servers) up in ${store.startMillis} ms; provisioning:\n${provisioning.trim().split('\n').slice(-5).join('\n')}`);
    // A recorder writes its segments with the keys of the recorder grant's Secret.
    const rec = site.recorderGrants[0];
    const mc = mcAs(store.servers[0].url, keysOf(secrets, rec.credentials), mcDir('recorder'));
    for (const s of segments) expectOk(mc(['pipe', `s/${site.recordings.bucketName}/${s.key}`], s.body));
  });
  afterAll(async () => {
    await nginx?.stop();
    await dns?.stop();
    await store?.stop();
  });

  /** Runs the archive CronJob's pod (its template, as the Job controller would) and returns its log lines. */
  function runArchive(run: number): { copied: number; logs: any[]; copiedByRclone: string[] } {
    const cronJob = find(manifests, 'CronJob', site.archive.apiObject.name);
    const started = Date.now();
    const r = store!.runPod(cronJob.spec.jobTemplate.spec.template, `${cronJob.metadata.name}-manual-${run}`, { extraEnv: { PATH: bin!.path }, timeoutMs: 180_000 });
    const logs = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    if (r.status !== 0) throw new Error(`archive run ${run} exited ${r.status}:\n${r.stdout}${r.stderr}`);
    const summary = logs.map((l) => /copied (\d+), conflicts (\d+)/.exec(l.msg ?? '')).find((m) => m);
    if (!summary) throw new Error(`no summary line in:\n${r.stderr}`);
    // rclone's own per-object lines ("Copied (new)"), without the script's upload of its state file (state.new).
    const copiedByRclone = logs.filter((l) => /^Copied/.test(l.msg ?? '') && l.object !== 'state.new').map((l) => l.object);
    console.log(`archive run ${run}: ${summary[0]} in ${Date.now() - started} ms; rclone copied ${JSON.stringify(copiedByRclone)}`);
    return { copied: Number(summary[1]), logs, copiedByRclone };
  }

  test('4: the archive CronJob copies the segments under the site prefix of the cloud bucket; a second run copies nothing', () => {
    const prefix = `${site.siteName}/`; // the documented default archivePrefix: the site name
    const cloudMc = mcAs(cloudUrl(), cloudKeys, mcDir('cloud-keys'));
    expect(objectsUnder(cloudMc, `s/${ARCHIVE_BUCKET}/${prefix}`)).toEqual({});

    const first = runArchive(1);
    expect(first.copied).toBe(segments.length);
    expect(first.copiedByRclone.sort()).toEqual(segments.map((s) => s.key).sort());
    const after1 = objectsUnder(cloudMc, `s/${ARCHIVE_BUCKET}/${prefix}`);
    expect(Object.keys(after1).sort()).toEqual(segments.map((s) => s.key).sort());
    for (const s of segments) {
      const got = cloudMc(['cat', `s/${ARCHIVE_BUCKET}/${prefix}${s.key}`]);
      expect({ key: s.key, ok: got.ok, identical: got.stdout.equals(s.body) }).toEqual({ key: s.key, ok: true, identical: true });
    }

    const second = runArchive(2);
    expect(second.copied).toBe(0);
    expect(second.copiedByRclone).toEqual([]);
    // Nothing was rewritten: same ETags and modification times in the cloud.
    expect(objectsUnder(cloudMc, `s/${ARCHIVE_BUCKET}/${prefix}`)).toEqual(after1);
    // The report's policy for these keys allows that and no more.
    expectOk(cloudAsRoot()(['pipe', `s/${OTHER_BUCKET}/tenant-b/segment.mp4`], 'x'));
    expectDenied(cloudMc(['ls', `s/${ARCHIVE_BUCKET}/`]), 'list the archive bucket root');
    expectDenied(cloudMc(['ls', `s/${ARCHIVE_BUCKET}/other-site/`]), 'list another site\'s prefix');
    expectDenied(cloudMc(['pipe', `s/${ARCHIVE_BUCKET}/other-site/x.mp4`], 'x'), 'write under another site\'s prefix');
    expectDenied(cloudMc(['cat', `s/${OTHER_BUCKET}/tenant-b/segment.mp4`]), 'read another bucket');
    expectDenied(cloudMc(['admin', 'user', 'list', 's']), 'administer the store');
  });

  test('7: the cloud keys Velero uses, given exactly the policy the report prints, work under the location prefix and nowhere else', () => {
    const bsl = find(manifests, 'BackupStorageLocation', site.veleroLocation.locationName);
    const { bucket, prefix } = bsl.spec.objectStorage;
    expect(bsl.spec.config.s3Url).toBe(cloudUrl());
    expect(bucket).toBe(ARCHIVE_BUCKET);
    const policy = reportKeyPolicy(site.report(), bsl.spec.credential.name, bsl.metadata.namespace);
    expect(policy).toBe(site.veleroLocation.keyPolicy);

    // The operator's steps: a user with the keys of Velero's credentials file, and that policy, nothing more.
    const keys = parseCredentialsFile(secrets[bsl.spec.credential.name][bsl.spec.credential.key]);
    operatorCreatesKeys(cloudAsRoot(), work, 'store-0417-velero', policy, keys);
    expectOk(cloudAsRoot()(['pipe', `s/${OTHER_BUCKET}/tenant-b/backup.json`], '{}'));

    const velero = mcAs(bsl.spec.config.s3Url, keys, mcDir('cloud-velero'));
    expectVeleroWorks(velero, bucket, prefix);
    const archived = `s/${bucket}/${site.siteName}/${segments[0].key}`;
    expectDenied(velero(['ls', `s/${bucket}/`]), 'list the bucket root');
    expectDenied(velero(['ls', `s/${bucket}/${site.siteName}/`]), 'list the archive prefix');
    expectDenied(velero(['cat', archived]), 'read an archived segment');
    expectDenied(velero(['rm', archived]), 'delete an archived segment');
    expectDenied(velero(['pipe', `s/${bucket}/${site.siteName}/forged.mp4`], 'x'), 'write into the archive prefix');
    expectDenied(velero(['pipe', `s/${bucket}/${prefix}-other/backups/x.json`], '{}'), 'write under a sibling prefix');
    expectDenied(velero(['ls', `s/${OTHER_BUCKET}/`]), 'list another bucket');
    expectDenied(velero(['cat', `s/${OTHER_BUCKET}/tenant-b/backup.json`]), 'read another bucket');
    expectDenied(velero(['pipe', `s/${OTHER_BUCKET}/x.json`], '{}'), 'write another bucket');
    expectDenied(velero(['admin', 'user', 'list', 's']), 'administer the store');
    expect(cloudAsRoot()(['stat', archived]).ok).toBe(true); // the archived segment is still there
  });

  test('5: the playback cache serves a viewer\'s range request MISS then HIT in 4 MiB slices, and plays cached segments with the store stopped', async () => {
    const cm = find(manifests, 'ConfigMap', site.cache.configMapName);
    expect(cm.data['nginx.conf']).toBe(site.cache._config.render());
    const pod = find(manifests, 'StatefulSet', site.cache.apiObject.name).spec.template.spec;
    const container = pod.containers[0];
    const port: number = container.ports[0].containerPort;
    const prefix = fs.mkdtempSync(path.join(work, 'nginx-'));
    fs.mkdirSync(path.join(prefix, 'tmp'));

    // The origin is the store's Service name, resolved per request through the resolver the container writes from
    // /etc/resolv.conf: a DNS server on port 53 of a spare loopback address answers it with a store server's address.
    const block = store!.servers[0].address.split('.').slice(0, 3).join('.');
    const originHost = new URL(store!.serviceUrls[0]).hostname;
    dns = new TinyDns({ [originHost]: store!.servers[1].address });
    await dns.start(`${block}.53`, 53);
    const resolvConf = path.join(prefix, 'resolv.conf');
    fs.writeFileSync(resolvConf, `search store-0417.svc.cluster.local svc.cluster.local\nnameserver ${block}.53\noptions ndots:5\n`);

    // The container's start-up lines (all but `exec nginx`), with its token env from the Secret, writing under prefix.
    const resolverFile = path.join(prefix, 'resolver.conf');
    const tokenFile = path.join(prefix, 'origin-token.conf');
    const script = (container.command[2] as string).split('\n').filter((l) => !l.startsWith('exec nginx')).join('\n')
      .split('/etc/resolv.conf').join(resolvConf)
      .split(NginxCacheConfig.RESOLVER_FILE).join(resolverFile)
      .split(NginxCacheConfig.ORIGIN_TOKEN_FILE).join(tokenFile);
    const tokenRef = container.env.find((e: any) => e.name === NginxCacheConfig.ORIGIN_TOKEN_ENV).valueFrom.secretKeyRef;
    const startup = spawnSync(path.join(bin!.dir, 'sh'), ['-c', script], {
      encoding: 'utf8', env: { PATH: bin!.path, [NginxCacheConfig.ORIGIN_TOKEN_ENV]: secrets[tokenRef.name][tokenRef.key] },
    });
    expect({ status: startup.status, stderr: startup.stderr }).toEqual({ status: 0, stderr: '' });
    expect(fs.readFileSync(resolverFile, 'utf8')).toContain(`resolver ${block}.53`);

    // The viewers' htpasswd, made as the report tells the operator (openssl passwd -6).
    const hash = spawnSync(opensslBin, ['passwd', '-6', '-stdin'], { input: 'viewer-password-1', encoding: 'utf8' }).stdout.trim();
    const htpasswd = path.join(prefix, 'htpasswd');
    fs.writeFileSync(htpasswd, `operator:${hash}\n`);

    const listen = `${block}.80`;
    const conf = site.cache._config.render({
      ...nginxRuntime(prefix), listenAddress: listen, resolverFile, originTokenFile: tokenFile, viewerCredentialsFile: htpasswd,
    });
    const confFile = path.join(prefix, 'nginx.conf');
    fs.writeFileSync(confFile, conf);
    const [status, output] = nginxTest(confFile, prefix);
    if (status !== 0) throw new Error(`nginx -t failed:\n${explainNginxFailure(output, conf)}`);
    nginx = new Proc(spawn(nginxBin, ['-c', confFile, '-p', prefix, '-e', 'stderr'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const base = `http://${listen}:${port}`;
    await waitFor(async () => !nginx!.exited && (await request(`${base}${NginxCacheConfig.HEALTH_PATH}`)).status === 200, () => `nginx: ${nginx!.output}`);

    const seg = segments[0];
    const url = `${base}/${seg.key}`;
    const viewer = basic('operator', 'viewer-password-1');
    const slice = Number(/^\s*slice (\d+)m;/m.exec(conf)![1]) * 1024 * 1024;
    const cacheDir = path.join(prefix, 'cache');
    /** The slice ranges nginx has cached for this segment (the `KEY:` line of each cache file). */
    const cachedSlices = (): string[] => {
      const keys: string[] = [];
      const walk = (d: string) => {
        for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else keys.push(/\nKEY: ([^\n]*)\n/.exec(fs.readFileSync(p).toString('latin1'))?.[1] ?? '?');
        }
      };
      walk(cacheDir);
      return keys.filter((k) => k.includes(seg.key)).map((k) => k.slice(k.indexOf('bytes='))).sort();
    };
    const sliceRange = (i: number) => `bytes=${i * slice}-${(i + 1) * slice - 1}`;

    expect((await request(url)).status).toBe(401);
    expect((await request(url, basic('operator', 'wrong'))).status).toBe(401);

    const from = slice + 123_456;
    const range = { ...viewer, Range: `bytes=${from}-${from + 99}` };
    const miss = await request(url, range);
    expect({ status: miss.status, cache: miss.headers['x-cache-status'], range: miss.headers['content-range'] })
      .toEqual({ status: 206, cache: 'MISS', range: `bytes ${from}-${from + 99}/${seg.body.length}` });
    expect(miss.body.equals(seg.body.subarray(from, from + 100))).toBe(true);
    expect(cachedSlices()).toEqual([sliceRange(1)]); // only the slice holding the range was fetched
    const hit = await request(url, range);
    expect({ status: hit.status, cache: hit.headers['x-cache-status'] }).toEqual({ status: 206, cache: 'HIT' });
    expect(hit.body.equals(miss.body)).toBe(true);

    const whole = await request(url, viewer);
    expect(whole.status).toBe(200);
    expect(whole.body.equals(seg.body)).toBe(true);
    expect(cachedSlices()).toEqual([0, 1, 2].map(sliceRange)); // 9 MiB + 17 bytes: three slices
    console.log(`playback: range MISS then HIT; cached slices ${JSON.stringify(cachedSlices())}`);

    // Every store server stopped: the cached segment still plays (from the cache), an uncached one cannot.
    for (let i = 0; i < store!.servers.length; i++) await store!.stopServer(i);
    const offline = await request(url, viewer);
    expect({ status: offline.status, cache: offline.headers['x-cache-status'] }).toEqual({ status: 200, cache: 'HIT' });
    expect(offline.body.equals(seg.body)).toBe(true);
    const seek = await request(url, { ...viewer, Range: `bytes=${2 * slice}-${2 * slice + 9}` });
    expect({ status: seek.status, cache: seek.headers['x-cache-status'] }).toEqual({ status: 206, cache: 'HIT' });
    expect(seek.body.equals(seg.body.subarray(2 * slice, 2 * slice + 10))).toBe(true);
    const uncached = await request(`${base}/${segments[2].key}`, viewer);
    expect(uncached.status).toBeGreaterThanOrEqual(502);
    console.log(`store stopped: cached segment ${offline.status} ${offline.headers['x-cache-status']}, uncached segment ${uncached.status}`);
  });
});

describe('variant with restic claims and site-local Velero', () => {
  let site: VideoSurveillanceSite;
  let manifests: any[];
  let secrets: SecretValues;
  const siteVeleroKeys: Keys = { AWS_ACCESS_KEY_ID: 'site-velero', AWS_SECRET_ACCESS_KEY: 'site-velero-secret-1' };
  beforeAll(() => {
    ({ site, manifests } = exampleSite(cloudUrl(), { siteLocal: true, resticClaims: ['nvr-index'], resticPassword: RESTIC_PASSWORD }));
    secrets = siteSecrets(site, cloudKeys, siteVeleroKeys);
    // This site's policy for the cloud keys (archive + restic prefixes) replaces the first site's.
    operatorCreatesKeys(cloudAsRoot(), work, 'archive-restic-keys', reportKeyPolicy(site.report(), CLOUD_KEYS, site.siteName), cloudKeys);
  });

  test('6: the restic CronJob\'s script backs the claim up into the cloud bucket under the site\'s restic prefix; restic snapshots lists it', () => {
    const backup = site.resticBackups[0];
    const cronJob = find(manifests, 'CronJob', backup.name);
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    const container = pod.containers[0];
    expect(container.command).toEqual(['/bin/sh', '-c']);
    const script: string = container.args[0];
    // The env as the kubelet sets it (Secrets resolved).
    const env: { [k: string]: string } = {};
    for (const e of container.env) env[e.name] = e.value ?? secrets[e.valueFrom.secretKeyRef.name][e.valueFrom.secretKeyRef.key];
    expect(env.RESTIC_REPOSITORY).toBe(`s3:${cloudUrl()}/${ARCHIVE_BUCKET}/${site.siteName}-restic`);
    // The pod's mounts become temp folders: the claim (read-only in the pod), the cache and /tmp emptyDirs.
    const mountOf = (volume: (v: any) => boolean) => container.volumeMounts.find((m: any) => m.name === pod.volumes.find(volume).name).mountPath;
    const dirs: { [mountPath: string]: string } = {
      [mountOf((v) => v.persistentVolumeClaim?.claimName === 'nvr-index')]: path.join(work, 'restic-data'),
      [mountOf((v) => v.name === 'cache')]: path.join(work, 'restic-cache'),
      [mountOf((v) => v.name === 'tmp')]: path.join(work, 'restic-tmp'),
    };
    for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
    for (const [k, v] of Object.entries(env)) if (dirs[v]) env[k] = dirs[v];
    expect(Object.values(env)).not.toContain('/data');
    const data = env.BACKUP_SOURCE;
    const files: { [rel: string]: Buffer } = {
      'index/cam-001.json': Buffer.from('{"segments":288}'), 'index/cam-002.json': Buffer.from('{"segments":287}'), 'db/events.sqlite': crypto.randomBytes(256 * 1024),
    };
    for (const [rel, body] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(data, rel)), { recursive: true });
      fs.writeFileSync(path.join(data, rel), body);
    }

    const r = spawnSync(path.join(bin!.dir, 'sh'), ['-c', script], { encoding: 'utf8', env: { ...env, PATH: bin!.path }, timeout: 180_000 });
    expect({ status: r.status, out: r.status === 0 ? '' : `${r.stdout}${r.stderr}` }).toEqual({ status: 0, out: '' });
    const saved = /snapshot ([0-9a-f]{8,}) saved/.exec(`${r.stdout}${r.stderr}`);
    expect(saved).not.toBeNull();

    const restic = (args: string[]) => spawnSync('restic', args, { encoding: 'utf8', env: { ...env, PATH: bin!.path }, timeout: 120_000 });
    const list = restic(['snapshots', '--json']);
    expect(list.status).toBe(0);
    const snaps = JSON.parse(list.stdout);
    expect(snaps.map((s: any) => ({ id: s.short_id, host: s.hostname, tags: s.tags, paths: s.paths })))
      .toEqual([{ id: saved![1].slice(0, 8), host: site.siteName, tags: backup.tags, paths: [data] }]);
    // The repository lives under the site's restic prefix of the archive bucket, and restores the claim's files.
    const repo = Object.keys(objectsUnder(cloudAsRoot(), `s/${ARCHIVE_BUCKET}/${site.siteName}-restic/`));
    expect(repo).toContain('config');
    expect(repo.some((k) => k.startsWith('snapshots/'))).toBe(true);
    const target = path.join(work, 'restic-restore');
    expect(restic(['restore', 'latest', '--target', target]).status).toBe(0);
    for (const [rel, body] of Object.entries(files)) expect(fs.readFileSync(path.join(target, data, rel)).equals(body)).toBe(true);
    console.log(`restic: snapshot ${saved![1]} of ${Object.keys(files).length} files; repository objects under ${site.siteName}-restic/: ${repo.length}`);
  });

  test('7 (siteLocal): the site store\'s velero grant lets Velero work under its prefix of the velero bucket, and nowhere else', async () => {
    const bsl = find(manifests, 'BackupStorageLocation', site.veleroLocation.locationName);
    const { bucket, prefix } = bsl.spec.objectStorage;
    const { cluster } = await startProvisioned(manifests, secrets, site.store.provisioningJobName!);
    try {
      expect(cluster.serviceUrls).toContain(bsl.spec.config.s3Url); // the location names the store's Service
      const keys = parseCredentialsFile(secrets[bsl.spec.credential.name][bsl.spec.credential.key]);
      const url = cluster.servers[0].url; // the Service's name resolves to the servers; mc here uses server 0's address
      const rec = site.recorderGrants[0];
      expectOk(mcAs(url, keysOf(secrets, rec.credentials), mcDir('b-recorder'))(['pipe', `s/${site.recordings.bucketName}/cam-001/seg.mp4`], 'segment'));
      expectOk(mcAs(url, keysOf(secrets, site.store.rootCredentials), mcDir('b-root'))(['pipe', `s/${bucket}/other-site/backups/x.json`], '{}'));

      const velero = mcAs(url, keys, mcDir('b-velero'));
      expectVeleroWorks(velero, bucket, prefix);
      expectDenied(velero(['ls', `s/${bucket}/`]), 'list the bucket root');
      expectDenied(velero(['cat', `s/${bucket}/other-site/backups/x.json`]), 'read another site\'s backups');
      expectDenied(velero(['pipe', `s/${bucket}/other-site/backups/y.json`], '{}'), 'write another site\'s prefix');
      expectDenied(velero(['ls', `s/${site.recordings.bucketName}/`]), 'list the recordings');
      expectDenied(velero(['cat', `s/${site.recordings.bucketName}/cam-001/seg.mp4`]), 'read a recording');
      expectDenied(velero(['rm', `s/${site.recordings.bucketName}/cam-001/seg.mp4`]), 'delete a recording');
    } finally {
      await cluster.stop();
    }
  });
});
