// The generated redis.conf and start script, run by the real redis-server (Debian package) on loopback.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Size } from 'cdk8s';
import { Proc, RespClient, freePort, tempDir, waitFor } from './servers';
import { RedisCache, RedisCacheProps, RedisEvictionPolicy } from '../../src';
import { RedisCacheConfig } from '../../src/cache/redis/config';
import { chart, find, synth } from '../support/harness';
import { requireTools } from '../support/tools';

requireTools('redis-server');

const PASSWORD = 'p@ss "word" with \\ and $HOME';

interface Running {
  redis: Proc;
  port: number;
  dir: string;
  config: RedisCacheConfig;
  passwordFile: string;
}

/**
 * Build the construct, check its ConfigMap holds exactly the generator's container rendering, then start
 * redis-server through the generated start script with loopback paths.
 */
async function startRedis(props: RedisCacheProps, password: string | undefined = PASSWORD): Promise<Running> {
  const port = await freePort();
  const c = chart('edge');
  const cache = new RedisCache(c, 'l1', { ...props, port });
  const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  let manifests: any[];
  try {
    manifests = synth(c);
  } finally {
    spy.mockRestore();
  }
  const configMap = find(manifests, 'ConfigMap', 'l1-config');
  expect(configMap.data['redis.conf']).toBe(cache._config.render());
  expect(configMap.data['start.sh']).toBe(cache._config.startScript());

  const dir = tempDir('redis-cache');
  const passwordFile = path.join(dir, 'password');
  if (password !== undefined) fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const authConfigFile = path.join(dir, 'auth.conf');
  const configFile = path.join(dir, 'redis.conf');
  fs.writeFileSync(configFile, cache._config.render({ bind: '127.0.0.1', dataDirectory: dir, authConfigFile }));
  const script = path.join(dir, 'start.sh');
  fs.writeFileSync(script, cache._config.startScript({ configFile, passwordFile, authConfigFile }));
  const redis = new Proc(spawn('sh', [script], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await waitFor(async () => {
    if (redis.exited) throw new Error('exited');
    const client = await RespClient.connect(port);
    try {
      const reply = await client.call('PING');
      return reply === 'PONG' || (reply?.error ?? '').startsWith('NOAUTH');
    } finally {
      client.close();
    }
  }, () => `redis on ${port}: ${redis.output}`);
  return { redis, port, dir, config: cache._config, passwordFile };
}

async function stop(r: Running | undefined): Promise<void> {
  if (!r) return;
  await r.redis.stop();
  fs.rmSync(r.dir, { recursive: true, force: true });
}

async function authed(r: Running): Promise<RespClient> {
  const client = await RespClient.connect(r.port);
  expect(await client.call('AUTH', PASSWORD)).toBe('OK');
  return client;
}

describe('RedisCache on real redis-server: defaults with a password', () => {
  let r: Running | undefined;
  const maxMemory = Size.mebibytes(8);
  beforeAll(async () => {
    r = await startRedis({ maxMemory, password: { name: 'redis-auth', key: 'password' } });
  });
  afterAll(async () => stop(r));

  test('auth is required, the wrong password is refused, the right one works', async () => {
    const anonymous = await RespClient.connect(r!.port);
    expect((await anonymous.call('GET', 'x')).error).toMatch(/^NOAUTH/);
    expect((await anonymous.call('AUTH', 'wrong')).error).toMatch(/^WRONGPASS/);
    anonymous.close();
    const client = await authed(r!);
    expect(await client.call('PING')).toBe('PONG');
    client.close();
  });

  test('the password reached redis only through the include file, never the config or the command line', async () => {
    const text = r!.config.render();
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain('include /run/redis/auth.conf');
    const cmdline = fs.readFileSync(`/proc/${r!.redis.child.pid}/cmdline`, 'utf8');
    expect(cmdline).not.toContain('p@ss');
    // Written with umask 077: no access for group or others.
    expect((fs.statSync(path.join(r!.dir, 'auth.conf')).mode % 0o100)).toBe(0);
  });

  test('CONFIG GET maxmemory and maxmemory-policy match the props; persistence and protected mode as generated', async () => {
    const client = await authed(r!);
    expect(await client.call('CONFIG', 'GET', 'maxmemory')).toEqual(['maxmemory', String(8 * 1024 * 1024)]);
    expect(await client.call('CONFIG', 'GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
    expect(await client.call('CONFIG', 'GET', 'save')).toEqual(['save', '']);
    expect(await client.call('CONFIG', 'GET', 'appendonly')).toEqual(['appendonly', 'no']);
    expect(await client.call('CONFIG', 'GET', 'protected-mode')).toEqual(['protected-mode', 'yes']);
    client.close();
  });

  test('writing well past maxmemory evicts keys instead of failing', async () => {
    const client = await authed(r!);
    const value = 'v'.repeat(64 * 1024);
    const n = 512; // 32 MiB of values into an 8 MiB cache
    const replies = [];
    for (let i = 0; i < n; i++) replies.push(await client.call('SET', `key:${i}`, value));
    expect(replies.filter((x) => x !== 'OK')).toEqual([]);
    // Read both counters atomically (eviction may run again before any later command).
    expect(await client.call('MULTI')).toBe('OK');
    await client.call('DBSIZE');
    await client.call('INFO', 'stats');
    const [size, stats] = await client.call('EXEC');
    const evicted = Number(/evicted_keys:(\d+)/.exec(String(stats))?.[1]);
    expect(evicted).toBeGreaterThan(0);
    expect(size).toBeLessThan(n);
    expect(size + evicted).toBe(n);
    // The newest key survives LRU eviction; the oldest went first.
    expect(await client.call('GET', `key:${n - 1}`)).toBe(value);
    expect(await client.call('GET', 'key:0')).toBeNull();
    const memory = String(await client.call('INFO', 'memory'));
    expect(Number(/used_memory:(\d+)/.exec(memory)?.[1])).toBeLessThanOrEqual(8 * 1024 * 1024 + 512 * 1024);
    client.close();
  });

  test('the generated probe succeeds with the password file and fails without it', () => {
    const probe = (passwordFile: string) => spawnSync('sh', ['-c', r!.config.probeScript({ passwordFile })], { encoding: 'utf8' });
    expect(probe(r!.passwordFile).status).toBe(0);
    const wrong = path.join(r!.dir, 'wrong');
    fs.writeFileSync(wrong, 'nope');
    expect(probe(wrong).status).not.toBe(0);
  });
});

describe('RedisCache on real redis-server: control and other policies', () => {
  test('with noeviction the same writes fail with OOM (so the eviction test can fail)', async () => {
    const r = await startRedis({ maxMemory: Size.mebibytes(8), evictionPolicy: RedisEvictionPolicy.NOEVICTION, password: { name: 'a', key: 'b' } });
    try {
      const client = await authed(r);
      const value = 'v'.repeat(64 * 1024);
      let oom = 0;
      for (let i = 0; i < 512; i++) {
        const reply = await client.call('SET', `key:${i}`, value);
        if (reply?.error?.startsWith('OOM')) oom++;
      }
      expect(oom).toBeGreaterThan(0);
      expect(await client.call('CONFIG', 'GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      client.close();
    } finally {
      await stop(r);
    }
  });

  test('allkeys-lfu and more samples are applied', async () => {
    const r = await startRedis({ maxMemory: Size.mebibytes(16), evictionPolicy: RedisEvictionPolicy.ALLKEYS_LFU, maxMemorySamples: 10, password: { name: 'a', key: 'b' } });
    try {
      const client = await authed(r);
      expect(await client.call('CONFIG', 'GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lfu']);
      expect(await client.call('CONFIG', 'GET', 'maxmemory-samples')).toEqual(['maxmemory-samples', '10']);
      expect(await client.call('CONFIG', 'GET', 'maxmemory')).toEqual(['maxmemory', String(16 * 1024 * 1024)]);
      client.close();
    } finally {
      await stop(r);
    }
  });

  test('the start script refuses an empty password file', async () => {
    const port = await freePort();
    const config = new RedisCacheConfig({ port, password: { name: 'a', key: 'b' } });
    const dir = tempDir('redis-empty');
    fs.writeFileSync(path.join(dir, 'password'), '\n');
    fs.writeFileSync(path.join(dir, 'redis.conf'), config.render({ bind: '127.0.0.1', dataDirectory: dir, authConfigFile: path.join(dir, 'auth.conf') }));
    const run = spawnSync('sh', ['-c', config.startScript({ configFile: path.join(dir, 'redis.conf'), passwordFile: path.join(dir, 'password'), authConfigFile: path.join(dir, 'auth.conf') })], { encoding: 'utf8', timeout: 10_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(run.stderr).toMatch(/password in .* is empty/);
    expect(run.status).toBe(1);
  });

  test('unauthenticated mode (explicitly asked for) serves without AUTH', async () => {
    const r = await startRedis({ allowUnauthenticated: true, maxMemory: Size.mebibytes(4) }, undefined);
    try {
      const client = await RespClient.connect(r.port);
      expect(await client.call('SET', 'a', 'b')).toBe('OK');
      expect(await client.call('CONFIG', 'GET', 'protected-mode')).toEqual(['protected-mode', 'no']);
      client.close();
    } finally {
      await stop(r);
    }
  });
});
