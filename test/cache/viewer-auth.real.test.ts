// Private playback (issue 14, defect 9), proven with the real programs: the real nginx runs exactly the configuration
// the NginxEdgeCache ConfigMap holds (loopback paths substituted), viewers need basic-auth credentials from an htpasswd
// file, and a real MinIO, provisioned by the real mc through the store's provisioning Job, refuses anonymous reads of
// the bucket unless they carry the cache's origin token, which only the cache adds.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Size } from 'cdk8s';
import { Origin, Proc, freePort, nginxRuntime, request, startNginx, tempDir } from './servers';
import {
  CacheOrigin, ExternalObjectStore, MinioCluster, MinioPolicyStatements, NginxCacheOptions, NginxEdgeCache,
  ViewerAuthentication, S3Credentials,
} from '../../src';
import { NginxCacheConfig } from '../../src/cache/nginx/config';
import { chart, find, synth } from '../support/harness';
import { MinioTestCluster, s3KeysOf, s3SecretValues, SecretValues } from '../support/minio';
import { requireTools } from '../support/tools';

const [, opensslBin, mcBin] = requireTools('nginx', 'openssl', 'mc', 'minio', 'unshare', 'setpriv', 'mkfs.ext4');

jest.setTimeout(300_000);
process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';

const VIEWERS = { name: 'playback-viewers', key: 'htpasswd' };
const TOKEN = { name: 'playback-origin-token', key: 'token' };
const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

/** Build the construct; return its generator after checking the ConfigMap holds exactly `render()`, and the manifests. */
function build(props: NginxCacheOptions): { config: NginxCacheConfig; manifests: any[] } {
  const c = chart('site');
  const cache = new NginxEdgeCache(c, 'cache', props);
  const manifests = synth(c);
  expect(find(manifests, 'ConfigMap', 'cache-config').data['nginx.conf']).toBe(cache._config.render());
  return { config: cache._config, manifests };
}

/** An htpasswd line as the docs tell the operator to make it (`openssl passwd -6`, SHA-512 crypt). */
function htpasswdLine(user: string, password: string): string {
  const r = spawnSync(opensslBin, ['passwd', '-6', '-stdin'], { input: password, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl passwd failed: ${r.stderr}`);
  return `${user}:${r.stdout.trim()}\n`;
}

/**
 * Run the container's start-up lines for the origin token, taken from the synthesized Deployment's command, with
 * the token env the kubelet would set from the Secret, writing the include file under `prefix`.
 */
function writeTokenFile(manifests: any[], token: string, prefix: string): { status: number | null; stderr: string; file: string } {
  const container = find(manifests, 'Deployment', 'cache').spec.template.spec.containers[0];
  expect(container.env).toContainEqual({ name: NginxCacheConfig.ORIGIN_TOKEN_ENV, valueFrom: { secretKeyRef: TOKEN } });
  const file = path.join(prefix, 'origin-token.conf');
  // Only the token lines: the script's `exec nginx` would start the container's nginx.
  const script = container.command[2].split('\n').filter((l: string) => !l.startsWith('exec nginx')).join('\n')
    .split(NginxCacheConfig.ORIGIN_TOKEN_FILE).join(file);
  const r = spawnSync('sh', ['-c', script], { env: { PATH: process.env.PATH, [NginxCacheConfig.ORIGIN_TOKEN_ENV]: token }, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, file };
}

describe('viewers authenticate at the cache (basic auth, htpasswd from a Secret)', () => {
  let origin: Origin | undefined;
  let nginx: Proc | undefined;
  let prefix: string | undefined;

  afterAll(async () => {
    await nginx?.stop();
    await origin?.stop().catch(() => undefined);
    if (prefix) fs.rmSync(prefix, { recursive: true, force: true });
  });

  test('no credentials or wrong ones: 401 and the origin is never asked; the right ones: 200; health stays open', async () => {
    origin = new Origin();
    origin.set('/cam-1/seg-0001.ts', { body: Buffer.from('segment one') });
    await origin.start();
    const port = await freePort();
    prefix = tempDir('viewer-auth');
    const { config, manifests } = build({ origin: CacheOrigin.fromUrl(`http://127.0.0.1:${origin.port}`), port, viewerCredentials: VIEWERS });
    expect(config.viewerAuthentication).toBe(ViewerAuthentication.BASIC);
    // The pod mounts the Secret's key read-only as the file the configuration names.
    const pod = find(manifests, 'Deployment', 'cache').spec.template.spec;
    const volume = pod.volumes.find((v: any) => v.secret?.secretName === VIEWERS.name);
    expect(volume.secret.items).toEqual([{ key: VIEWERS.key, path: 'htpasswd' }]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: volume.name, mountPath: NginxCacheConfig.VIEWERS_DIRECTORY, readOnly: true });

    const htpasswd = path.join(prefix, 'htpasswd');
    fs.writeFileSync(htpasswd, htpasswdLine('operator', 'right-password'));
    nginx = await startNginx(config.render({ ...nginxRuntime(prefix), viewerCredentialsFile: htpasswd }), prefix, port);
    const url = `http://127.0.0.1:${port}/cam-1/seg-0001.ts`;

    expect((await request(url)).status).toBe(401);
    expect((await request(url, basic('operator', 'wrong-password'))).status).toBe(401);
    expect((await request(url, basic('intruder', 'right-password'))).status).toBe(401);
    expect(origin.requests.length).toBe(0);
    const ok = await request(url, basic('operator', 'right-password'));
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('segment one');
    // The viewer's credentials stay at the cache.
    expect(origin.requests.map((r) => r.headers.authorization)).toEqual([undefined]);
    expect((await request(`http://127.0.0.1:${port}${NginxCacheConfig.HEALTH_PATH}`)).status).toBe(200);
    // A cached copy is no way around it.
    expect((await request(url)).status).toBe(401);
  });
});

describe('the store serves the recordings to the cache only (token-conditioned anonymous read on the real MinIO)', () => {
  const rootKeys = S3Credentials.fromSecretName('minio-root');
  const writerKeys = S3Credentials.fromSecretName('writer-keys');
  const token = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
  // Stand-ins for the operator's Secrets, under the key names the credentials objects give.
  const secrets: SecretValues = {
    ...s3SecretValues(rootKeys, 'edge-root', 'edge-root-password-1'),
    [TOKEN.name]: { [TOKEN.key]: token },
    ...s3SecretValues(writerKeys, 'writer-user', 'writer-secret-key-1'),
  };
  const c = chart('site');
  const store = new MinioCluster(c, 'store', { driveSize: Size.gibibytes(10), rootCredentials: rootKeys });
  store.addBucket('recordings', { readToken: TOKEN });
  store.addPolicy('writer', { statements: MinioPolicyStatements.readWrite(['recordings']), users: [writerKeys] });
  const manifests = synth(c);
  const job = find(manifests, 'Job', store.provisioningJobName!);

  let cluster: MinioTestCluster | undefined;
  let nginx: Proc | undefined;
  let prefix: string | undefined;
  beforeAll(async () => {
    cluster = await MinioTestCluster.start({ manifests, secrets });
  });
  afterAll(async () => {
    await nginx?.stop();
    await cluster?.stop();
    if (prefix) fs.rmSync(prefix, { recursive: true, force: true });
  });

  test('anonymous GETs are refused, the same GET with the token is served, and the cache (with it) serves viewers', async () => {
    const run = cluster!.runPod(job.spec.template, `${job.metadata.name}-a`);
    if (run.status !== 0) throw new Error(`provisioning exited ${run.status}:\n${run.stdout}${run.stderr}`);
    // A recorder writes a segment with its own keys.
    const body = Buffer.alloc(3 * 1024 * 1024 + 17, 'cctv');
    const segment = path.join(cluster!.hostsFile + '.seg');
    fs.writeFileSync(segment, body);
    const put = spawnSync(mcBin, ['--no-color', 'cp', segment, 'w/recordings/cam-1/seg-0001.ts'], {
      encoding: 'utf8', env: { PATH: process.env.PATH, MC_CONFIG_DIR: `${cluster!.hostsFile}.mc`, MC_HOST_w: cluster!.mcHost(s3KeysOf(secrets, writerKeys).accessKeyId, s3KeysOf(secrets, writerKeys).secretAccessKey) },
    });
    fs.rmSync(segment, { force: true });
    expect(put.stderr).toBe('');
    expect(put.status).toBe(0);

    const objectUrl = `${cluster!.servers[0].url}/recordings/cam-1/seg-0001.ts`;
    expect((await request(objectUrl)).status).toBe(403);
    expect((await request(objectUrl, { Referer: 'not-the-token' })).status).toBe(403);
    expect((await request(`${cluster!.servers[0].url}/recordings/`)).status).toBe(403); // no anonymous listing
    const direct = await request(objectUrl, { Referer: token });
    expect(direct.status).toBe(200);
    expect(direct.body.equals(body)).toBe(true);

    // The cache in front of it, with the token from the Secret, and viewers authenticating.
    const port = await freePort();
    prefix = tempDir('viewer-origin');
    const origin = new ExternalObjectStore({ s3Endpoint: cluster!.servers[0].url, forcePathStyle: true, credentials: S3Credentials.fromSecretName('unused') });
    const built = build({
      origin: CacheOrigin.fromObjectStore(origin, { bucket: 'recordings' }), port, sliceSize: Size.mebibytes(1), originToken: TOKEN, viewerCredentials: VIEWERS,
    });
    expect(built.config.viewerAuthentication).toBe(ViewerAuthentication.BASIC);
    const bad = writeTokenFile(built.manifests, 'bad token"; proxy_pass http://x', prefix);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('origin token');
    const tokenFile = writeTokenFile(built.manifests, token, prefix);
    expect(tokenFile.status).toBe(0);
    const htpasswd = path.join(prefix, 'htpasswd');
    fs.writeFileSync(htpasswd, htpasswdLine('operator', 'right-password'));
    const conf = built.config.render({ ...nginxRuntime(prefix), viewerCredentialsFile: htpasswd, originTokenFile: tokenFile.file });
    nginx = await startNginx(conf, prefix, port);
    const url = `http://127.0.0.1:${port}/cam-1/seg-0001.ts`;
    expect((await request(url)).status).toBe(401);
    // A viewer's own Referer cannot replace the cache's token: the cache overrides it.
    const viaCache = await request(url, { ...basic('operator', 'right-password'), Referer: 'viewer-page' });
    expect(viaCache.status).toBe(200);
    expect(viaCache.body.equals(body)).toBe(true);
    const range = await request(url, { ...basic('operator', 'right-password'), Range: 'bytes=2097150-2097153' });
    expect(range.status).toBe(206);
    expect(range.body.equals(body.subarray(2097150, 2097154))).toBe(true);
  });
});
