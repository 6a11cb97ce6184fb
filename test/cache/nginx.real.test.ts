// The generated nginx.conf, run by the real nginx (Debian package) on loopback against a small Node origin.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Cron, Duration, Size } from 'cdk8s';
import { Origin, Proc, TinyDns, freePort, nginxRuntime, nginxTest, pattern, request, startNginx, tempDir, waitFor } from './servers';
import { CacheOrigin, CacheStaleCondition, ExternalObjectStore, NginxCacheOptions, NginxEdgeCache, S3Credentials } from '../../src';
import { NginxCacheConfig } from '../../src/cache/nginx/config';
import { chart, find, synth } from '../support/harness';
import { requireTools } from '../support/tools';

requireTools('nginx');

/**
 * Build the construct, check that its ConfigMap holds exactly `config.render()`, and return the generator the
 * construct used, so the test runs the same configuration with loopback paths.
 */
function generatorOf(props: NginxCacheOptions): NginxCacheConfig {
  const c = chart('edge');
  const cache = new NginxEdgeCache(c, 'cache', props);
  const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined); // e.g. verifyTls: false
  let manifests: any[];
  try {
    manifests = synth(c);
  } finally {
    spy.mockRestore();
  }
  const configMap = find(manifests, 'ConfigMap', 'cache-config');
  expect(configMap.data['nginx.conf']).toBe(cache._config.render());
  return cache._config;
}

interface Running {
  origin: Origin;
  nginx: Proc;
  port: number;
  prefix: string;
  url: (p: string) => string;
}

async function run(options: (originPort: number, port: number) => NginxCacheOptions, setup: (o: Origin) => void): Promise<Running> {
  const origin = new Origin();
  setup(origin);
  await origin.start();
  const port = await freePort();
  const prefix = tempDir('nginx-cache');
  const config = generatorOf(options(origin.port, port));
  const nginx = await startNginx(config.render(nginxRuntime(prefix)), prefix, port);
  return { origin, nginx, port, prefix, url: (p: string) => `http://127.0.0.1:${port}${p}` };
}

async function shutdown(r: Running | undefined): Promise<void> {
  if (!r) return;
  await r.nginx.stop();
  await r.origin.stop().catch(() => undefined);
  fs.rmSync(r.prefix, { recursive: true, force: true });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('nginx -t accepts every shape of generated config', () => {
  const prefix = tempDir('nginx-t');
  afterAll(() => fs.rmSync(prefix, { recursive: true, force: true }));
  const store = new ExternalObjectStore({ s3Endpoint: 'http://127.0.0.1:9000', credentials: S3Credentials.fromSecretName('s3') });
  test.each([
    ['defaults', { origin: CacheOrigin.fromUrl('http://127.0.0.1:8081') }],
    ['slice, custom key, validity and stale list', {
      origin: CacheOrigin.fromUrls(['http://127.0.0.1:8081/video/', 'http://127.0.0.2:8081/video/']),
      sliceSize: Size.mebibytes(4),
      cacheKey: '$host$uri$slice_range',
      validity: [{ statusCodes: [200], duration: Duration.hours(12) }, { duration: Duration.minutes(1) }],
      useStale: [CacheStaleCondition.ERROR, CacheStaleCondition.HTTP_503],
      minUses: 2,
      inactive: Duration.days(3),
      bypassLocations: ['/api/', '/live'],
      cacheStatusHeader: false,
      ignoreOriginCacheHeaders: true,
      cacheLock: false,
      originKeepalive: 0,
    }],
    ['https origin with verification', { origin: CacheOrigin.fromUrl('https://127.0.0.1:8443/'), revalidate: false, useStale: [] }],
    ['https origin without verification', { origin: CacheOrigin.fromUrl('https://127.0.0.1:8443', { verifyTls: false, hostHeader: 'origin.example.com' }) }],
    ['object store origin', { origin: CacheOrigin.fromObjectStore(store, { bucket: 'videos' }), cacheKey: '$uri', expectedObjects: 500000 }],
  ] as Array<[string, NginxCacheOptions]>)('%s', (name, options) => {
    const dir = path.join(prefix, name.replace(/[^a-z]+/g, '-'));
    fs.mkdirSync(dir, { recursive: true });
    const runtime = { ...nginxRuntime(dir), trustedCertificate: '/etc/ssl/certs/ca-certificates.crt' };
    fs.writeFileSync(path.join(dir, 'nginx.conf'), generatorOf(options).render(runtime));
    const [status, output] = nginxTest(path.join(dir, 'nginx.conf'), dir);
    expect(output).toMatch(/test is successful/);
    expect(status).toBe(0);
  });
});

describe('NginxEdgeCache on real nginx: whole objects', () => {
  let r: Running | undefined;
  const body = pattern(200_000);
  beforeAll(async () => {
    r = await run((originPort, port) => ({
      origin: CacheOrigin.fromUrl(`http://127.0.0.1:${originPort}/content/`),
      port,
      bypassLocations: ['/api/'],
      cacheVolumeSize: Size.mebibytes(256),
    }), (o) => {
      o.set('/content/a.bin', { body });
      for (let i = 0; i < 6; i++) o.set(`/content/seq/${i}`, { body: pattern(1000 + i) });
      o.set('/content/api/status', { body: Buffer.from('{"ok":true}') });
      o.set('/content/slow.bin', { body: pattern(50_000), delayMs: 400 });
    });
  });
  afterAll(async () => shutdown(r));

  test('first GET is a MISS, the second a HIT, and the origin sees one request', async () => {
    const first = await request(r!.url('/a.bin'));
    const second = await request(r!.url('/a.bin'));
    expect([first.status, first.headers['x-cache-status']]).toEqual([200, 'MISS']);
    expect([second.status, second.headers['x-cache-status']]).toEqual([200, 'HIT']);
    expect(first.body.equals(body)).toBe(true);
    expect(second.body.equals(body)).toBe(true);
    expect(r!.origin.hits('/content/a.bin')).toHaveLength(1);
  });

  test('misses go to the origin over keep-alive HTTP/1.1 with the origin Host header and base path', async () => {
    for (let i = 0; i < 6; i++) {
      expect((await request(r!.url(`/seq/${i}`))).headers['x-cache-status']).toBe('MISS');
    }
    const seen = r!.origin.requests.filter((q) => q.path.startsWith('/content/seq/'));
    expect(seen.map((q) => q.path)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `/content/seq/${i}`));
    expect(new Set(seen.map((q) => q.httpVersion))).toEqual(new Set(['1.1']));
    expect(new Set(seen.map((q) => q.headers.host))).toEqual(new Set([`127.0.0.1:${r!.origin.port}`]));
    // Six sequential misses over at most one connection per worker (2 workers): the connections were reused.
    expect(new Set(seen.map((q) => q.socket)).size).toBeLessThanOrEqual(2);
  });

  test('bypass locations are proxied every time and never cached', async () => {
    const a = await request(r!.url('/api/status'));
    const b = await request(r!.url('/api/status'));
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.headers['x-cache-status']).toBe('BYPASS');
    expect(r!.origin.hits('/content/api/status')).toHaveLength(2);
  });

  test('N concurrent misses for one key reach the origin once (cache lock)', async () => {
    const n = 12;
    const responses = await Promise.all(Array.from({ length: n }, () => request(r!.url('/slow.bin'))));
    expect(responses.map((x) => x.status)).toEqual(Array(n).fill(200));
    expect(responses.every((x) => x.body.equals(pattern(50_000)))).toBe(true);
    expect(r!.origin.hits('/content/slow.bin')).toHaveLength(1);
    expect(responses.filter((x) => x.headers['x-cache-status'] === 'MISS')).toHaveLength(1);
  });

  test('the health endpoint answers without touching the origin', async () => {
    const before = r!.origin.requests.length;
    const h = await request(r!.url(NginxCacheConfig.HEALTH_PATH));
    expect([h.status, h.body.toString()]).toEqual([200, 'ok\n']);
    expect(r!.origin.requests.length).toBe(before);
  });
});

describe('NginxEdgeCache on real nginx: control without the lock, and min uses', () => {
  let r: Running | undefined;
  beforeAll(async () => {
    r = await run((originPort, port) => ({
      origin: CacheOrigin.fromUrl(`http://127.0.0.1:${originPort}`),
      port,
      cacheLock: false,
      minUses: 2,
      cacheVolumeSize: Size.mebibytes(256),
    }), (o) => {
      o.set('/slow.bin', { body: pattern(50_000), delayMs: 400 });
      o.set('/m.bin', { body: pattern(10) });
    });
  });
  afterAll(async () => shutdown(r));

  test('without the lock, concurrent misses all reach the origin (so the lock test can fail)', async () => {
    const n = 12;
    await Promise.all(Array.from({ length: n }, () => request(r!.url('/slow.bin'))));
    expect(r!.origin.hits('/slow.bin').length).toBeGreaterThan(1);
  });

  test('minUses 2 caches an object on its second request', async () => {
    const statuses: Array<string | string[] | undefined> = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(r!.url('/m.bin'))).headers['x-cache-status']);
    expect(statuses).toEqual(['MISS', 'MISS', 'HIT']);
    expect(r!.origin.hits('/m.bin')).toHaveLength(2);
  });
});

describe('NginxEdgeCache on real nginx: slices for range requests', () => {
  let r: Running | undefined;
  const slice = 1024 * 1024;
  const big = pattern(5 * slice + 123);
  beforeAll(async () => {
    r = await run((originPort, port) => ({
      origin: CacheOrigin.fromUrl(`http://127.0.0.1:${originPort}/`),
      port,
      sliceSize: Size.mebibytes(1),
      cacheVolumeSize: Size.mebibytes(256),
    }), (o) => o.set('/video.mp4', { body: big }));
  });
  afterAll(async () => shutdown(r));

  test('a Range request returns 206 with the right bytes and fetches only the slices it covers', async () => {
    const res = await request(r!.url('/video.mp4'), { Range: 'bytes=1500000-2600000' });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 1500000-2600000/${big.length}`);
    expect(res.body.equals(big.subarray(1500000, 2600001))).toBe(true);
    expect(r!.origin.hits('/video.mp4').map((q) => q.headers.range)).toEqual([
      `bytes=${slice}-${2 * slice - 1}`,
      `bytes=${2 * slice}-${3 * slice - 1}`,
    ]);
  });

  test('the slices are cached: the same and an overlapping range are HITs without origin requests', async () => {
    const again = await request(r!.url('/video.mp4'), { Range: 'bytes=1500000-2600000' });
    const inside = await request(r!.url('/video.mp4'), { Range: 'bytes=1100000-1200000' });
    expect([again.status, again.headers['x-cache-status']]).toEqual([206, 'HIT']);
    expect([inside.status, inside.headers['x-cache-status']]).toEqual([206, 'HIT']);
    expect(inside.body.equals(big.subarray(1100000, 1200001))).toBe(true);
    expect(r!.origin.hits('/video.mp4')).toHaveLength(2);
  });

  test('a full GET fetches only the missing slices and stores one cache file per slice', async () => {
    const full = await request(r!.url('/video.mp4'));
    expect(full.status).toBe(200);
    expect(full.body.equals(big)).toBe(true);
    expect(r!.origin.hits('/video.mp4')).toHaveLength(6);
    // One file per slice (waiting until nginx has renamed the last one into place).
    await waitFor(async () => filesUnder(path.join(r!.prefix, 'cache')).length === 6, () => `cache files: ${filesUnder(path.join(r!.prefix, 'cache')).length}`, 50);
  });
});

describe('NginxEdgeCache on real nginx: stale copies when the origin is down', () => {
  let r: Running | undefined;
  beforeAll(async () => {
    r = await run((originPort, port) => ({
      origin: CacheOrigin.fromUrl(`http://127.0.0.1:${originPort}`),
      port,
      cacheVolumeSize: Size.mebibytes(256),
    }), (o) => {
      // Already expired when stored (absolute expiry in 1970), so the next request must revalidate.
      o.set('/expired.bin', { body: pattern(3000), headers: { 'X-Accel-Expires': '@1' } });
      o.set('/never-requested.bin', { body: pattern(10) });
    });
  });
  afterAll(async () => shutdown(r));

  test('with the origin stopped, a cached but expired object is served STALE', async () => {
    const first = await request(r!.url('/expired.bin'));
    expect([first.status, first.headers['x-cache-status']]).toEqual([200, 'MISS']);
    await r!.origin.stop();
    const stale = await request(r!.url('/expired.bin'));
    expect([stale.status, stale.headers['x-cache-status']]).toEqual([200, 'STALE']);
    expect(stale.body.equals(pattern(3000))).toBe(true);
    // Control: what was never cached fails while the origin is down.
    expect((await request(r!.url('/never-requested.bin'))).status).toBe(502);
  });
});

describe('NginxEdgeCache on real nginx: an origin host name that stops resolving', () => {
  // The origin is a host name only our tiny DNS server knows. The cache fills while it answers; then DNS goes away
  // (its port is closed) and the cache pod "restarts": the new nginx must load the same config and serve stale.
  const dns = new TinyDns({ 'origin.edge-test': '127.0.0.1' });
  const origin = new Origin();
  const prefix = tempDir('nginx-dns');
  let nginx: Proc | undefined;
  let port = 0;
  let config: NginxCacheConfig;
  afterAll(async () => {
    await nginx?.stop();
    await origin.stop().catch(() => undefined);
    await dns.stop();
    fs.rmSync(prefix, { recursive: true, force: true });
  });

  test('the config loads and expired objects are served STALE while the origin name does not resolve', async () => {
    origin.set('/media/expired.bin', { body: pattern(4000), headers: { 'X-Accel-Expires': '@1' } });
    origin.set('/media/b c.bin', { body: pattern(100) });
    await origin.start();
    await dns.start();
    port = await freePort();
    config = generatorOf({ origin: CacheOrigin.fromUrl(`http://origin.edge-test:${origin.port}/media/`), port, cacheVolumeSize: Size.mebibytes(256) });
    const runtime = { ...nginxRuntime(prefix), resolver: `127.0.0.1:${dns.port}` };
    nginx = await startNginx(config.render(runtime), prefix, port);
    const first = await request(`http://127.0.0.1:${port}/expired.bin`);
    expect([first.status, first.headers['x-cache-status']]).toEqual([200, 'MISS']);
    expect(first.body.equals(pattern(4000))).toBe(true);
    expect((await request(`http://127.0.0.1:${port}/b%20c.bin`)).status).toBe(200);
    expect(origin.hits('/media/expired.bin')).toHaveLength(1);
    expect(dns.queries).toContain('origin.edge-test/1');

    // DNS outage and a restart: a fresh nginx with the same config and cache directory.
    await nginx.stop();
    await dns.stop();
    nginx = await startNginx(config.render(runtime), prefix, port);
    const stale = await request(`http://127.0.0.1:${port}/expired.bin`);
    expect([stale.status, stale.headers['x-cache-status']]).toEqual([200, 'STALE']);
    expect(stale.body.equals(pattern(4000))).toBe(true);
    expect(origin.hits('/media/expired.bin')).toHaveLength(1);
  });

  test('the container writes the resolver include from /etc/resolv.conf and nginx -t accepts it', () => {
    const dir = path.join(prefix, 'resolv');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'resolv.conf'), 'search edge.svc.cluster.local svc.cluster.local\nnameserver 10.43.0.10\nnameserver fd00::a\noptions ndots:5\n');
    const include = path.join(dir, 'resolver.conf');
    const script = NginxCacheConfig.resolverScript(path.join(dir, 'resolv.conf'), include);
    const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(include, 'utf8')).toMatch(/^resolver 10\.43\.0\.10 \[fd00::a\] valid=\d+s;/);
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, config.render({ ...nginxRuntime(dir), resolverFile: include }));
    const [status, output] = nginxTest(conf, dir);
    expect(output).toMatch(/test is successful/);
    expect(status).toBe(0);
    // Without any nameserver the script fails with one line instead of writing an empty resolver.
    fs.writeFileSync(path.join(dir, 'resolv.conf'), 'search x\n');
    const empty = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
    expect(empty.status).not.toBe(0);
    expect(empty.stderr).toMatch(/no nameserver/);
  });
});

describe('cache warm-up script against real nginx and an S3 listing', () => {
  let r: Running | undefined;
  const keys = ['today/a.mp4', 'today/b c.mp4', 'today/x&y.mp4', 'today/é.mp4', 'today/deep/d.mp4', 'yesterday/old.mp4'];
  let cronJob: any;
  let configMap: any;
  let cacheOrigin: Origin;
  beforeAll(async () => {
    cacheOrigin = new Origin();
    for (const k of keys) cacheOrigin.set(`/videos/${k}`, { body: pattern(1000 + k.length) });
    cacheOrigin.set('/videos/playlist.m3u8', { body: Buffer.from('#EXTM3U\n') });
    cacheOrigin.bucket('videos', keys);
    await cacheOrigin.start();
    const port = await freePort();
    const prefix = tempDir('nginx-warm');
    const store = new ExternalObjectStore({ s3Endpoint: `http://127.0.0.1:${cacheOrigin.port}`, credentials: S3Credentials.fromSecretName('s3') });
    const c = chart('edge');
    const cache = new NginxEdgeCache(c, 'cache', { origin: CacheOrigin.fromObjectStore(store, { bucket: 'videos' }), port, cacheVolumeSize: Size.mebibytes(256) });
    cache.addWarmUp('warmup', { schedule: Cron.daily(), paths: ['/playlist.m3u8'], prefixes: ['today/'], concurrency: 2, requestsPerSecond: 50 });
    const manifests = synth(c);
    cronJob = find(manifests, 'CronJob', 'cache-warmup');
    configMap = find(manifests, 'ConfigMap', 'cache-warmup');
    const nginx = await startNginx(cache._config.render(nginxRuntime(prefix)), prefix, port);
    r = { origin: cacheOrigin, nginx, port, prefix, url: (p: string) => `http://127.0.0.1:${port}${p}` };
  });
  afterAll(async () => shutdown(r));

  test('the script passes shellcheck', () => {
    const dir = tempDir('warmup-sc');
    fs.writeFileSync(path.join(dir, 'warmup.sh'), configMap.data['warmup.sh']);
    const sc = spawnSync('shellcheck', ['-s', 'sh', path.join(dir, 'warmup.sh')], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(sc.stdout + sc.stderr).toBe('');
    expect(sc.status).toBe(0);
  });

  test('the CronJob\'s script lists the prefix (paged, signed), requests every object through the cache, and they become HITs', async () => {
    const dir = tempDir('warmup');
    for (const [name, text] of Object.entries<string>(configMap.data)) fs.writeFileSync(path.join(dir, name), text);
    const container = cronJob.spec.jobTemplate.spec.template.spec.containers[0];
    const env: { [key: string]: string } = {};
    for (const e of container.env) if (e.value !== undefined) env[e.name] = e.value;
    expect(container.env.find((e: any) => e.name === 'AWS_SECRET_ACCESS_KEY').valueFrom.secretKeyRef).toEqual({ name: 's3', key: 'AWS_SECRET_ACCESS_KEY' });
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('sh', [path.join(dir, 'warmup.sh')], {
        env: {
          PATH: process.env.PATH,
          ...env,
          // Loopback instead of the cluster DNS names; test credentials instead of the Secret.
          CACHE_URL: r!.url(''),
          WARMUP_DIR: dir,
          TMPDIR: dir,
          AWS_ACCESS_KEY_ID: 'AKTEST',
          AWS_SECRET_ACCESS_KEY: 'secret"with\\quote',
        },
      });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
      child.on('exit', (code) => resolve({ code, out }));
    });
    expect(result.out).toMatch(/warm-up: 6 request\(s\), 0 failed/);
    expect(result.code).toBe(0);
    const lists = cacheOrigin.requests.filter((q) => q.path === '/videos/' && q.url.includes('list-type=2'));
    expect(lists).toHaveLength(3); // 5 keys under today/, 2 per page
    expect(String(lists[0].headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKTEST\/\d{8}\/us-east-1\/s3\/aws4_request/);
    for (const k of [...keys.filter((key) => key.startsWith('today/')), 'playlist.m3u8']) {
      const res = await request(r!.url(`/${k.split('/').map(encodeURIComponent).join('/')}`));
      expect([k, res.status, res.headers['x-cache-status']]).toEqual([k, 200, 'HIT']);
      expect(cacheOrigin.hits(`/videos/${k}`)).toHaveLength(1);
    }
    expect(cacheOrigin.hits('/videos/yesterday/old.mp4')).toHaveLength(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
