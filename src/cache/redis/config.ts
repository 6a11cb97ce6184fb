import { Duration, Size } from 'cdk8s';
import { SecretKeyReference } from '../../core';
import { Problem, bytesOf, humanSize, isIntIn, millisOf, plainMessage } from '../internal';

/** What Redis evicts when `maxmemory` is reached (`maxmemory-policy`). */
export enum RedisEvictionPolicy {
  /** Evict the least recently used keys, any key (the usual choice for a cache). */
  ALLKEYS_LRU = 'allkeys-lru',
  /** Evict the least frequently used keys, any key. */
  ALLKEYS_LFU = 'allkeys-lfu',
  /** Evict random keys. */
  ALLKEYS_RANDOM = 'allkeys-random',
  /** Evict the least recently used keys among those with a TTL; keys without TTL are never evicted. */
  VOLATILE_LRU = 'volatile-lru',
  /** Evict the least frequently used keys among those with a TTL. */
  VOLATILE_LFU = 'volatile-lfu',
  /** Evict random keys among those with a TTL. */
  VOLATILE_RANDOM = 'volatile-random',
  /** Evict the keys with the nearest expiry. */
  VOLATILE_TTL = 'volatile-ttl',
  /** Evict nothing: writes fail with an OOM error when memory is full (not a cache). */
  NOEVICTION = 'noeviction',
}

/** Whether Redis keeps its data across restarts. */
export enum RedisPersistence {
  /** Memory only: a restart starts empty (the normal case for an L1 cache). */
  NONE = 'none',
  /** Periodic snapshots (RDB) on a volume. */
  RDB = 'rdb',
  /** Append-only file, fsync every second, on a volume. */
  AOF = 'aof',
}

/** What the Redis cache does. Shared by the internal generator `RedisCacheConfig` and {@link RedisCacheProps}. */
export interface RedisCacheOptions {
  /**
   * Memory for data (`maxmemory`); beyond it Redis evicts per `evictionPolicy`.
   * @default Size.mebibytes(256)
   */
  readonly maxMemory?: Size;
  /**
   * Eviction policy.
   * @default RedisEvictionPolicy.ALLKEYS_LRU
   */
  readonly evictionPolicy?: RedisEvictionPolicy;
  /**
   * Keys sampled per eviction (`maxmemory-samples`): more is closer to true LRU/LFU and costs CPU.
   * @default 5
   */
  readonly maxMemorySamples?: number;
  /**
   * Persistence.
   * @default RedisPersistence.NONE
   */
  readonly persistence?: RedisPersistence;
  /**
   * Port Redis listens on.
   * @default 6379
   */
  readonly port?: number;
  /**
   * The password (`requirepass`), from a Secret. Required unless `allowUnauthenticated` is set.
   * @default - none
   */
  readonly password?: SecretKeyReference;
  /**
   * Run without a password (protected mode off), relying on the NetworkPolicy alone.
   * @default false
   */
  readonly allowUnauthenticated?: boolean;
  /**
   * The TTL clients should set on their keys (published in the client ConfigMap as `CACHE_DEFAULT_TTL_SECONDS`;
   * Redis itself has no default TTL). The L1 tier keeps hot data for minutes.
   * @default Duration.minutes(5)
   */
  readonly defaultTtl?: Duration;
}

/** Where the rendered configuration listens and keeps files. Defaults are the container's paths. */
export interface RedisRenderOptions {
  /**
   * `bind` addresses.
   * @default '* -::*' (every IPv4 and, when available, IPv6 address)
   */
  readonly bind?: string;
  /**
   * Working directory (snapshots, AOF).
   * @default '/data'
   */
  readonly dataDirectory?: string;
  /**
   * File the start script writes `requirepass` into and the configuration includes.
   * @default '/run/redis/auth.conf'
   */
  readonly authConfigFile?: string;
}

/** Where the start script finds things. Defaults are the container's paths. */
export interface RedisStartOptions {
  /**
   * The configuration file (the ConfigMap's `redis.conf`).
   * @default '/etc/redis/redis.conf'
   */
  readonly configFile?: string;
  /**
   * The password file (the mounted Secret key).
   * @default '/etc/redis-auth/password'
   */
  readonly passwordFile?: string;
  /**
   * File the script writes `requirepass` into (must match the configuration's include).
   * @default '/run/redis/auth.conf'
   */
  readonly authConfigFile?: string;
  /**
   * The redis-server binary.
   * @default 'redis-server'
   */
  readonly redisServer?: string;
}

/** Options of {@link RedisCacheConfig.probeScript}. */
export interface RedisProbeOptions {
  /**
   * The password file.
   * @default '/etc/redis-auth/password'
   */
  readonly passwordFile?: string;
  /**
   * Host to ping.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * The redis-cli binary.
   * @default 'redis-cli'
   */
  readonly redisCli?: string;
}

const SAFE_PATH = /^[A-Za-z0-9_./-]+$/;

/**
 * The redis.conf and start-script generator of {@link RedisCache}: a plain class, so tests run the very text that goes
 * into the ConfigMap.
 *
 * The password never appears in the manifest, the environment or the process list: the Secret is mounted as a file,
 * the start script writes `requirepass "<password>"` into a file on a memory-backed emptyDir, and `redis.conf`
 * `include`s that file.
 *
 * Internal (not exported from the package; the library's files and the tests import it by path).
 */
export class RedisCacheConfig {
  /** Every rule `options` break. */
  public static problems(options: RedisCacheOptions): Problem[] {
    const out: Problem[] = [];
    if (options.maxMemory !== undefined && !(bytesOf(options.maxMemory) >= 1024 * 1024)) {
      out.push({ prop: 'maxMemory', value: humanSize(options.maxMemory), rule: 'must be at least 1 MiB', fix: 'give the cache memory, e.g. Size.mebibytes(256)' });
    }
    if (options.defaultTtl !== undefined && !(millisOf(options.defaultTtl) >= 1000)) {
      out.push({ prop: 'defaultTtl', value: options.defaultTtl.toHumanString(), rule: 'must be at least one second (Redis TTLs are whole seconds)', fix: 'use e.g. Duration.minutes(5)' });
    }
    if (options.port !== undefined && !isIntIn(options.port, 1024, 65535)) {
      out.push({ prop: 'port', value: options.port, rule: 'must be a whole number from 1024 to 65535 (Redis runs unprivileged)', fix: 'use 6379' });
    }
    if (options.maxMemorySamples !== undefined && !isIntIn(options.maxMemorySamples, 1, 64)) {
      out.push({ prop: 'maxMemorySamples', value: options.maxMemorySamples, rule: 'must be a whole number from 1 to 64', fix: 'use 5 (or 10 for closer to true LRU)' });
    }
    if (options.password === undefined && options.allowUnauthenticated !== true) {
      out.push({ prop: 'password', value: 'none', rule: 'a cache reachable over the network needs a password', fix: 'pass password: { name: "<secret>", key: "<key>" }, or set allowUnauthenticated: true to rely on the NetworkPolicy alone' });
    }
    if (options.password !== undefined && options.allowUnauthenticated === true) {
      out.push({ prop: 'allowUnauthenticated', value: true, rule: 'contradicts the password that is also given', fix: 'remove one of them' });
    }
    if (options.password !== undefined && (!options.password.name || !options.password.key)) {
      out.push({ prop: 'password', value: options.password, rule: 'needs a Secret name and key', fix: 'pass { name: "<secret>", key: "<key>" }' });
    }
    return out;
  }

  /** Legal but risky choices in `options`. */
  public static warnings(options: RedisCacheOptions): Problem[] {
    const out: Problem[] = [];
    const policy = options.evictionPolicy ?? RedisEvictionPolicy.ALLKEYS_LRU;
    if (policy === RedisEvictionPolicy.NOEVICTION) {
      out.push({ prop: 'evictionPolicy', value: policy, rule: 'a full cache then rejects writes with OOM errors instead of evicting old keys', fix: 'use RedisEvictionPolicy.ALLKEYS_LRU (or ALLKEYS_LFU) for a cache' });
    } else if (policy.startsWith('volatile-')) {
      out.push({ prop: 'evictionPolicy', value: policy, rule: 'evicts only keys with a TTL: if clients write keys without one, a full cache rejects writes with OOM errors', fix: 'make sure every client sets a TTL (CACHE_DEFAULT_TTL_SECONDS), or use an allkeys-* policy' });
    }
    if (options.allowUnauthenticated === true) {
      out.push({ prop: 'allowUnauthenticated', value: true, rule: 'any pod the NetworkPolicy lets in can read, change and flush the cache', fix: 'give a password from a Secret' });
    }
    return out;
  }

  private static assertPath(prop: string, value: string): void {
    if (!SAFE_PATH.test(value)) {
      throw new Error(`RedisCacheConfig: ${prop} = "${value}": must be a plain path (letters, digits, '_', '.', '/', '-'); use e.g. "/run/redis/auth.conf"`);
    }
  }

  /** The options, validated. */
  public readonly options: RedisCacheOptions;
  /** `maxmemory`. */
  public readonly maxMemory: Size;
  /** `maxmemory-policy`. */
  public readonly evictionPolicy: RedisEvictionPolicy;
  /** Persistence. */
  public readonly persistence: RedisPersistence;
  /** The port. */
  public readonly port: number;
  /** Whether a password is required. */
  public readonly authenticated: boolean;

  /** @throws when the options break a rule (message: `RedisCacheConfig: <prop> = <value>: <rule>; <fix>`) */
  constructor(options: RedisCacheOptions) {
    const problems = RedisCacheConfig.problems(options);
    if (problems.length > 0) throw new Error(plainMessage('RedisCacheConfig', problems[0]));
    this.options = options;
    this.maxMemory = options.maxMemory ?? Size.mebibytes(256);
    this.evictionPolicy = options.evictionPolicy ?? RedisEvictionPolicy.ALLKEYS_LRU;
    this.persistence = options.persistence ?? RedisPersistence.NONE;
    this.port = options.port ?? 6379;
    this.authenticated = options.password !== undefined;
  }

  /** The redis.conf text. With no options: the text for the container (what the ConfigMap holds). */
  public render(runtime: RedisRenderOptions = {}): string {
    const authFile = runtime.authConfigFile ?? '/run/redis/auth.conf';
    const dataDir = runtime.dataDirectory ?? '/data';
    RedisCacheConfig.assertPath('authConfigFile', authFile);
    RedisCacheConfig.assertPath('dataDirectory', dataDir);
    const persistence: string[] = {
      [RedisPersistence.NONE]: ['# Pure cache: no snapshots, no append-only file.', 'save ""', 'appendonly no'],
      [RedisPersistence.RDB]: ['save 3600 1 300 100 60 10000', 'stop-writes-on-bgsave-error no', 'dbfilename dump.rdb', 'appendonly no'],
      [RedisPersistence.AOF]: ['save ""', 'appendonly yes', 'appendfsync everysec', 'appendfilename "appendonly.aof"'],
    }[this.persistence];
    return [
      '# Redis L1 cache (generated by cdk8s-edge-storage; edit the construct, not this file)',
      `bind ${runtime.bind ?? '* -::*'}`,
      `port ${this.port}`,
      // With a password, protected mode changes nothing for clients but stays on as a guard; without one it would
      // refuse every non-loopback client, so it is off only when unauthenticated access was asked for explicitly.
      `protected-mode ${this.authenticated ? 'yes' : 'no'}`,
      'daemonize no',
      'supervised no',
      'loglevel notice',
      'logfile ""',
      'timeout 0',
      'tcp-keepalive 300',
      'databases 16',
      `dir ${dataDir}`,
      '',
      `maxmemory ${bytesOf(this.maxMemory)}`,
      `maxmemory-policy ${this.evictionPolicy}`,
      `maxmemory-samples ${this.options.maxMemorySamples ?? 5}`,
      'lazyfree-lazy-eviction yes',
      'lazyfree-lazy-expire yes',
      '',
      ...persistence,
      ...(this.authenticated ? ['', '# requirepass, written at start-up from the mounted Secret (never in this file).', `include ${authFile}`] : []),
      '',
    ].join('\n');
  }

  /** The start script (`/bin/sh`): writes the `requirepass` include from the password file, then execs redis-server. */
  public startScript(options: RedisStartOptions = {}): string {
    const configFile = options.configFile ?? '/etc/redis/redis.conf';
    const passwordFile = options.passwordFile ?? '/etc/redis-auth/password';
    const authFile = options.authConfigFile ?? '/run/redis/auth.conf';
    const server = options.redisServer ?? 'redis-server';
    for (const [prop, value] of [['configFile', configFile], ['passwordFile', passwordFile], ['authConfigFile', authFile], ['redisServer', server]]) {
      RedisCacheConfig.assertPath(prop, value);
    }
    return [
      '#!/bin/sh',
      '# Starts the Redis L1 cache (generated by cdk8s-edge-storage).',
      'set -eu',
      ...(this.authenticated ? [
        '# The password comes from the mounted Secret and goes into a file the configuration includes, so it is never',
        '# in the manifest, the environment or the process list.',
        'umask 077',
        `password="$(cat '${passwordFile}')"`,
        'if [ -z "$password" ]; then',
        `  echo "redis: the password in ${passwordFile} is empty" >&2`,
        '  exit 1',
        'fi',
        'if [ "$(printf \'%s\' "$password" | wc -l)" -gt 0 ]; then',
        '  echo "redis: the password must be a single line" >&2',
        '  exit 1',
        'fi',
        'escaped="$(printf \'%s\' "$password" | sed -e \'s/\\\\/\\\\\\\\/g\' -e \'s/"/\\\\"/g\')"',
        `printf 'requirepass "%s"\\n' "$escaped" > '${authFile}'`,
        'unset password escaped',
      ] : []),
      `exec ${server} '${configFile}'`,
      '',
    ].join('\n');
  }

  /** The probe script (`/bin/sh -c`): succeeds only when an authenticated PING answers PONG. */
  public probeScript(options: RedisProbeOptions = {}): string {
    const passwordFile = options.passwordFile ?? '/etc/redis-auth/password';
    const cli = options.redisCli ?? 'redis-cli';
    const host = options.host ?? '127.0.0.1';
    RedisCacheConfig.assertPath('passwordFile', passwordFile);
    RedisCacheConfig.assertPath('redisCli', cli);
    if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new Error(`RedisCacheConfig: host = "${host}": must be a host name or address; use "127.0.0.1"`);
    const ping = `${cli} -h ${host} -p ${this.port} ping | grep -qx PONG`;
    return this.authenticated ? `REDISCLI_AUTH="$(cat '${passwordFile}')" ${ping}` : ping;
  }
}
