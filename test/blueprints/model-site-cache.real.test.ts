import { Duration } from 'cdk8s';
import { build } from './model-site-support';
import { CacheOrigin, ModelDistributionSite } from '../../src';
import { NginxCacheConfig } from '../../src/cache/nginx/config';
import { freePort, nginxRuntime, Origin, Proc, request, startNginx, tempDir } from '../cache/servers';
import { requireTools } from '../support/tools';

requireTools('nginx');

// The site's cache options, run by the real nginx against a local origin standing in for the model bucket.
describe('ModelDistributionSite cache with the real nginx', () => {
  let origin: Origin;
  let nginx: Proc | undefined;
  beforeEach(async () => {
    origin = new Origin();
    await origin.start();
  });
  afterEach(async () => {
    await nginx?.stop();
    nginx = undefined;
    await origin.stop();
  });

  async function serve(site: ModelDistributionSite): Promise<string> {
    const port = await freePort();
    const prefix = tempDir('model-cache');
    const config = new NginxCacheConfig({ ...site.cache._config.options, origin: CacheOrigin.fromUrl(`http://127.0.0.1:${origin.port}/models/`), port });
    nginx = await startNginx(config.render(nginxRuntime(prefix)), prefix, port);
    return `http://127.0.0.1:${port}`;
  }

  test('named models: version files are cached, pointers always come from the store', async () => {
    const { site } = build();
    const weights = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    origin.set('/models/detector/current', { body: Buffer.from('v1\n'), headers: { ETag: '"v1"' } });
    origin.set('/models/detector/v1/model.onnx', { body: weights });
    const url = await serve(site);

    let r = await request(`${url}/detector/current`);
    expect(r.body.toString()).toBe('v1\n');
    expect(r.headers['x-cache-status']).toBe('BYPASS');
    // Promotion in the store is visible at once.
    origin.set('/models/detector/current', { body: Buffer.from('v2\n'), headers: { ETag: '"v2"' } });
    r = await request(`${url}/detector/current`);
    expect(r.body.toString()).toBe('v2\n');
    expect(origin.hits('/models/detector/current')).toHaveLength(2);

    const first = await request(`${url}/detector/v1/model.onnx`);
    const second = await request(`${url}/detector/v1/model.onnx`);
    expect(first.headers['x-cache-status']).toBe('MISS');
    expect(second.headers['x-cache-status']).toBe('HIT');
    expect(Buffer.compare(second.body, weights)).toBe(0);
    expect(origin.hits('/models/detector/v1/model.onnx')).toHaveLength(1);
    // A resumed download (range request) is served from the cached slice.
    const tail = await request(`${url}/detector/v1/model.onnx`, { Range: 'bytes=3145728-' });
    expect(tail.status).toBe(206);
    expect(tail.body.length).toBe(17);
    expect(origin.hits('/models/detector/v1/model.onnx')).toHaveLength(1);
  }, 30_000);

  test('counted models: a pointer is served from the cache at most `validity` long, then revalidated', async () => {
    const { site } = build({ discoverUpTo: 2, cache: { validity: Duration.seconds(1) } });
    origin.set('/models/ocr/current', { body: Buffer.from('v1\n'), headers: { ETag: '"v1"' } });
    const url = await serve(site);
    expect((await request(`${url}/ocr/current`)).body.toString()).toBe('v1\n');
    origin.set('/models/ocr/current', { body: Buffer.from('v2\n'), headers: { ETag: '"v2"' } });
    const cached = await request(`${url}/ocr/current`);
    expect(cached.headers['x-cache-status']).toBe('HIT');
    expect(cached.body.toString()).toBe('v1\n');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const fresh = await request(`${url}/ocr/current`);
    expect(fresh.body.toString()).toBe('v2\n');
    expect(origin.hits('/models/ocr/current')).toHaveLength(2);
  }, 30_000);
});
