import { Duration, Size } from 'cdk8s';
import { NGINX_UNSAFE, Problem, bytesOf, humanSize, isIntIn, kibOf, millisOf, nginxDuration, nginxSize, plainMessage } from '../internal';
import { CacheOrigin } from '../origin';
import { CacheStaleCondition, NginxCacheOptions, ViewerAuthentication } from './options';

/**
 * Where the rendered configuration puts files and listens. The defaults are the paths in the unprivileged nginx
 * container; tests pass a temporary prefix and a loopback address instead.
 */
export interface NginxRenderOptions {
  /**
   * Address to listen on.
   * @default - all addresses
   */
  readonly listenAddress?: string;
  /**
   * Directory of the cache (on the cache volume).
   * @default '/var/cache/nginx/edge'
   */
  readonly cacheDirectory?: string;
  /**
   * Directory for request bodies and other temporary files (an emptyDir).
   * @default '/tmp'
   */
  readonly tempDirectory?: string;
  /**
   * The pid file.
   * @default '/tmp/nginx.pid'
   */
  readonly pidFile?: string;
  /**
   * Access log destination.
   * @default '/dev/stdout'
   */
  readonly accessLog?: string;
  /**
   * Error log destination.
   * @default 'stderr'
   */
  readonly errorLog?: string;
  /**
   * The `user` directive, only meaningful when the master runs as root (tests on a root shell); the container runs
   * as a non-root user and must not set it.
   * @default - no user directive
   */
  readonly user?: string;
  /**
   * CA bundle that verifies an https origin.
   * @default - '/etc/nginx/origin-ca/ca.crt' when the origin has a CA certificate, else '/etc/ssl/certs/ca-certificates.crt'
   */
  readonly trustedCertificate?: string;
  /**
   * DNS servers for an origin given by host name, as nginx `resolver` addresses (e.g. `127.0.0.1:5353`), written
   * into the configuration instead of including `resolverFile`.
   * @default - include `resolverFile`
   */
  readonly resolver?: string;
  /**
   * File holding the `resolver` line for an origin given by host name; the container writes it at start from
   * `/etc/resolv.conf` with {@link NginxCacheConfig.resolverScript}.
   * @default '/tmp/nginx-resolver.conf'
   */
  readonly resolverFile?: string;
  /**
   * The htpasswd file of the viewers (with ViewerAuthentication.BASIC).
   * @default '/etc/nginx/viewers/htpasswd' (mounted from viewerCredentials)
   */
  readonly viewerCredentialsFile?: string;
  /**
   * File holding the `proxy_set_header Referer` line with the origin token; the container writes it at start with
   * {@link NginxCacheConfig.originTokenScript}.
   * @default '/tmp/nginx-origin-token.conf'
   */
  readonly originTokenFile?: string;
}

/** Where the cache's health endpoint answers (used by the probes). */
const HEALTH_PATH = '/nginx-health';
const HEADROOM = 0.1;
const RESOLVER_FILE = '/tmp/nginx-resolver.conf';
const ORIGIN_TOKEN_FILE = '/tmp/nginx-origin-token.conf';
const VIEWERS_DIRECTORY = '/etc/nginx/viewers';
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** Whether an origin host is an IP literal (nginx then needs no DNS). */
const isAddress = (host: string) => IPV4.test(host) || host.startsWith('[');
const KEYS_PER_MIB = 8000;
const DEFAULT_STALE = [
  CacheStaleCondition.ERROR, CacheStaleCondition.TIMEOUT, CacheStaleCondition.UPDATING,
  CacheStaleCondition.HTTP_500, CacheStaleCondition.HTTP_502, CacheStaleCondition.HTTP_503, CacheStaleCondition.HTTP_504,
];

/**
 * The nginx.conf generator of {@link NginxEdgeCache}: a plain class, so tests run the very text that goes into the
 * ConfigMap. Construction validates the options (throwing with the library's message format); `render()` produces
 * the configuration for given paths.
 *
 * Internal (not exported from the package; the library's files and the tests import it by path).
 */
export class NginxCacheConfig {
  /** Path of the health endpoint served by nginx itself (never proxied or cached). */
  public static readonly HEALTH_PATH = HEALTH_PATH;
  /** Directory the ConfigMap is mounted at in the container. */
  public static readonly CONFIG_DIRECTORY = '/etc/nginx/edge';
  /** Mount path of the cache volume in the container. */
  public static readonly CACHE_MOUNT = '/var/cache/nginx';
  /** Mount path of the origin CA certificate, when the origin has one. */
  public static readonly ORIGIN_CA_DIRECTORY = '/etc/nginx/origin-ca';
  /** Fraction of the cache volume that must stay free above `max_size`. */
  public static readonly HEADROOM_FRACTION = HEADROOM;
  /** Keys per MiB of keys zone (nginx docs: one megabyte stores about 8 thousand keys). */
  public static readonly KEYS_PER_MIB = KEYS_PER_MIB;

  /** File the container writes the `resolver` line into (for origins given by host name). */
  public static readonly RESOLVER_FILE = RESOLVER_FILE;
  /** Where the container writes the origin token header line (see {@link NginxCacheConfig.originTokenScript}). */
  public static readonly ORIGIN_TOKEN_FILE = ORIGIN_TOKEN_FILE;
  /** Environment variable holding the origin token in the container. */
  public static readonly ORIGIN_TOKEN_ENV = 'EDGE_ORIGIN_TOKEN';
  /** Where the viewers' htpasswd Secret is mounted (file `htpasswd`). */
  public static readonly VIEWERS_DIRECTORY = VIEWERS_DIRECTORY;

  /**
   * Shell lines that write the origin token header line from `$EDGE_ORIGIN_TOKEN` into `out`, refusing an empty
   * token or one with characters that could break out of the nginx string.
   */
  public static originTokenScript(out: string = ORIGIN_TOKEN_FILE): string {
    const env = NginxCacheConfig.ORIGIN_TOKEN_ENV;
    return [
      `case "\${${env}:-}" in`,
      `  ''|*[!A-Za-z0-9._~-]*) echo "origin token (${env}) is empty or has characters other than letters, digits and ._~-" >&2; exit 1 ;;`,
      'esac',
      `printf 'proxy_set_header Referer "%s";\\n' "$${env}" > ${out}`,
    ].join('\n');
  }

  /** The viewer authentication `options` give or imply. */
  public static viewerAuthenticationFor(options: NginxCacheOptions): ViewerAuthentication {
    return options.viewerAuthentication
      ?? (options.viewerCredentials || options.originToken ? ViewerAuthentication.BASIC : ViewerAuthentication.NONE);
  }

  /**
   * POSIX shell that writes nginx's `resolver` line for the name servers in `resolvConf` into `out` (IPv6 addresses
   * bracketed) and fails with one line when there is none. nginx does not read `/etc/resolv.conf` itself, and the
   * cluster DNS address differs between distributions, so the container runs this before nginx.
   */
  public static resolverScript(resolvConf: string = '/etc/resolv.conf', out: string = RESOLVER_FILE): string {
    return [
      'servers=""',
      'while read -r key value rest; do',
      '  if [ "$key" = nameserver ] && [ -n "$value" ]; then',
      '    case "$value" in *:*) servers="$servers [$value]" ;; *) servers="$servers $value" ;; esac',
      '  fi',
      `done < '${resolvConf}'`,
      `if [ -z "$servers" ]; then echo 'nginx edge cache: no nameserver in ${resolvConf}; cannot resolve the origin host name' >&2; exit 1; fi`,
      `printf 'resolver%s valid=30s;\\n' "$servers" > '${out}'`,
    ].join('\n');
  }

  /**
   * Whether the origin is given by host name: nginx then resolves it per request through a `resolver` (so a pod
   * starts, and serves stale entries, while the name does not resolve) instead of once at start.
   */
  public static resolvesOrigin(origin: CacheOrigin): boolean {
    return origin.hosts.some((h) => !isAddress(h));
  }

  /** Every rule `options` break, as (prop, value, rule, fix). Empty when valid. */
  public static problems(options: NginxCacheOptions): Problem[] {
    const out: Problem[] = [];
    const positiveSize = (prop: string, s: Size | undefined) => {
      if (s !== undefined && !(bytesOf(s) > 0)) out.push({ prop, value: humanSize(s), rule: 'must be larger than zero', fix: `give a positive size, e.g. Size.gibibytes(${prop === 'cacheVolumeSize' ? 10 : 1})` });
    };
    const positiveDuration = (prop: string, d: Duration | undefined) => {
      if (d !== undefined && !(millisOf(d) > 0)) out.push({ prop, value: d.toHumanString(), rule: 'must be longer than zero', fix: 'give a positive duration, e.g. Duration.minutes(10)' });
    };
    positiveSize('cacheVolumeSize', options.cacheVolumeSize);
    positiveSize('maxSize', options.maxSize);
    positiveSize('keysZoneSize', options.keysZoneSize);
    positiveSize('sliceSize', options.sliceSize);
    positiveDuration('inactive', options.inactive);
    positiveDuration('cacheLockTimeout', options.cacheLockTimeout);
    positiveDuration('originConnectTimeout', options.originConnectTimeout);
    positiveDuration('originReadTimeout', options.originReadTimeout);
    if (out.length > 0) return out;

    const volume = options.cacheVolumeSize ?? Size.gibibytes(10);
    const limit = NginxCacheConfig.maxSizeLimit(volume);
    if (bytesOf(volume) < 64 * 1024 * 1024) {
      out.push({ prop: 'cacheVolumeSize', value: humanSize(volume), rule: 'must be at least 64 MiB', fix: 'give the cache a larger volume' });
    }
    if (options.maxSize && bytesOf(options.maxSize) > bytesOf(limit)) {
      out.push({
        prop: 'maxSize',
        value: humanSize(options.maxSize),
        rule: `must leave at least ${HEADROOM * 100}% of the ${humanSize(volume)} cache volume free (nginx trims the cache only after it grows past max_size, and files being written count too), so at most ${humanSize(limit)}`,
        fix: `lower maxSize to ${humanSize(limit)} or less, or raise cacheVolumeSize to at least ${humanSize(Size.kibibytes(Math.ceil(kibOf(options.maxSize) / (1 - HEADROOM))))}`,
      });
    }
    if (options.keysZoneSize && bytesOf(options.keysZoneSize) < 1024 * 1024) {
      out.push({ prop: 'keysZoneSize', value: humanSize(options.keysZoneSize), rule: 'must be at least 1 MiB', fix: 'use Size.mebibytes(1) or more (about 8,000 keys per MiB)' });
    }
    if (options.expectedObjects !== undefined && !isIntIn(options.expectedObjects, 1, Number.MAX_SAFE_INTEGER)) {
      out.push({ prop: 'expectedObjects', value: options.expectedObjects, rule: 'must be a positive whole number', fix: 'give the number of objects you expect the cache to hold' });
    }
    const seen = new Map<string, number>();
    (options.validity ?? []).forEach((v, i) => {
      if (!(millisOf(v.duration) > 0)) {
        out.push({ prop: `validity[${i}].duration`, value: v.duration.toHumanString(), rule: 'must be longer than zero', fix: 'give a positive duration, or leave the status code out so nginx does not cache it' });
      }
      if (v.statusCodes !== undefined && v.statusCodes.length === 0) {
        out.push({ prop: `validity[${i}].statusCodes`, value: [], rule: 'must list at least one status code', fix: 'list codes such as [200, 206], or leave statusCodes out to mean any status' });
      }
      for (const code of v.statusCodes ?? []) {
        if (!isIntIn(code, 100, 599)) {
          out.push({ prop: `validity[${i}].statusCodes`, value: code, rule: 'must be an HTTP status code (a whole number from 100 to 599)', fix: 'use codes such as 200, 206, 301 or 404' });
        }
      }
      for (const key of v.statusCodes?.map(String) ?? ['any']) {
        if (seen.has(key)) {
          out.push({ prop: `validity[${i}].statusCodes`, value: key === 'any' ? 'any' : Number(key), rule: `is already given in validity[${seen.get(key)}]`, fix: 'give each status code one duration' });
        }
        seen.set(key, i);
      }
    });
    if (options.cacheKey !== undefined && (options.cacheKey.length === 0 || NGINX_UNSAFE.test(options.cacheKey))) {
      out.push({ prop: 'cacheKey', value: options.cacheKey, rule: 'must be a non-empty nginx string without spaces, quotes, \';\', \'{\', \'}\', \'#\' or backslashes', fix: 'use variables such as "$request_uri" or "$host$uri$is_args$args"' });
    }
    if (options.sliceSize !== undefined) {
      if (options.backgroundUpdate === true) {
        out.push({ prop: 'backgroundUpdate', value: true, rule: 'cannot be combined with sliceSize: a background update of a sliced object refreshes only one slice and can mix slices of different versions', fix: 'remove backgroundUpdate (it defaults to false when slicing) or remove sliceSize' });
      }
      if (options.cacheKey !== undefined && !options.cacheKey.includes('$slice_range')) {
        out.push({ prop: 'cacheKey', value: options.cacheKey, rule: 'must contain $slice_range when sliceSize is set, or every slice of an object shares one cache entry', fix: `use "${options.cacheKey}$slice_range"` });
      }
      if (kibOf(options.sliceSize) * 1024 !== bytesOf(options.sliceSize)) {
        out.push({ prop: 'sliceSize', value: humanSize(options.sliceSize), rule: 'must be a whole number of KiB', fix: 'use e.g. Size.mebibytes(1)' });
      }
    }
    if (options.minUses !== undefined && !isIntIn(options.minUses, 1, 1_000_000)) {
      out.push({ prop: 'minUses', value: options.minUses, rule: 'must be a whole number of at least 1', fix: 'use 1 to cache on first use, or 2 to keep one-off requests out' });
    }
    if (options.port !== undefined && !isIntIn(options.port, 1024, 65535)) {
      out.push({ prop: 'port', value: options.port, rule: 'must be a whole number from 1024 to 65535 (the cache runs unprivileged and cannot bind lower ports)', fix: 'use 8080; the Service can still expose port 80' });
    }
    if (NginxCacheConfig.resolvesOrigin(options.origin) && options.origin.servers.length > 1) {
      out.push({
        prop: 'origin',
        value: options.origin.toString(),
        rule: 'lists several servers by host name: open-source nginx re-resolves a host name only for a single origin (a variable proxy_pass), and resolving names once at start would keep the cache from starting while DNS is down',
        fix: 'give one host name that resolves to all origin servers (a Service or DNS round robin), or list the servers by IP address',
      });
    }
    const auth = NginxCacheConfig.viewerAuthenticationFor(options);
    if (auth === ViewerAuthentication.BASIC && !options.viewerCredentials) {
      out.push({ prop: 'viewerCredentials', value: 'unset', rule: 'is required with basic viewer authentication (the htpasswd file nginx checks viewers against)', fix: 'give the Secret key holding the htpasswd file, or set viewerAuthentication: ViewerAuthentication.NONE for public content' });
    }
    if (auth === ViewerAuthentication.NONE && options.viewerCredentials) {
      out.push({ prop: 'viewerCredentials', value: options.viewerCredentials.name, rule: 'is unused: viewerAuthentication is NONE', fix: 'remove viewerCredentials or use ViewerAuthentication.BASIC' });
    }
    const locations = options.bypassLocations ?? [];
    locations.forEach((loc, i) => {
      if (!loc.startsWith('/') || loc === '/' || NGINX_UNSAFE.test(loc) || loc.includes('$')) {
        out.push({ prop: `bypassLocations[${i}]`, value: loc, rule: 'must be a path prefix other than "/" starting with "/", without spaces, quotes, \'$\', \';\', \'{\', \'}\', \'#\' or backslashes', fix: 'use e.g. "/api/"' });
      } else if (loc === HEALTH_PATH || locations.indexOf(loc) !== i) {
        out.push({ prop: `bypassLocations[${i}]`, value: loc, rule: loc === HEALTH_PATH ? 'is the cache\'s own health endpoint' : 'is listed twice', fix: 'list each prefix once and do not use the health path' });
      }
    });
    for (const [prop, value, min, max] of [
      ['originKeepalive', options.originKeepalive, 0, 10_000],
      ['workerProcesses', options.workerProcesses, 1, 64],
      ['workerConnections', options.workerConnections, 16, 1_000_000],
    ] as Array<[string, number | undefined, number, number]>) {
      if (value !== undefined && !isIntIn(value, min, max)) {
        out.push({ prop, value, rule: `must be a whole number from ${min} to ${max}`, fix: 'leave it out to use the default' });
      }
    }
    return out;
  }

  /** Legal but risky choices in `options`, as (prop, value, rule, fix). */
  public static warnings(options: NginxCacheOptions): Problem[] {
    const out: Problem[] = [];
    const keysZone = NginxCacheConfig.keysZoneFor(options);
    const capacity = Math.floor(kibOf(keysZone) / 1024 * KEYS_PER_MIB);
    const needed = NginxCacheConfig.keysNeeded(options);
    if (options.keysZoneSize && needed.slices > 0 && needed.keys > capacity) {
      out.push({
        prop: 'keysZoneSize',
        value: humanSize(options.keysZoneSize),
        rule: `holds about ${capacity} keys (8,000 per MiB) but the cache holds up to ${needed.slices} slices (max_size / sliceSize, every slice is a key)${options.expectedObjects ? ` plus up to ${options.expectedObjects} partial last slices` : ''}: nginx will evict entries while the disk still has room`,
        fix: `use at least Size.mebibytes(${Math.ceil(needed.keys / KEYS_PER_MIB)}), or leave keysZoneSize out to derive it`,
      });
    } else if (options.keysZoneSize && options.expectedObjects !== undefined && options.expectedObjects > capacity) {
      const neededMib = Math.ceil(options.expectedObjects / KEYS_PER_MIB);
      out.push({
        prop: 'keysZoneSize',
        value: humanSize(options.keysZoneSize),
        rule: `holds about ${capacity} keys (8,000 per MiB) but expectedObjects is ${options.expectedObjects}: nginx will evict entries while the disk still has room`,
        fix: `use at least Size.mebibytes(${neededMib}), or leave keysZoneSize out to derive it`,
      });
    }
    const stale = options.useStale ?? DEFAULT_STALE;
    if (options.backgroundUpdate === true && !stale.includes(CacheStaleCondition.UPDATING)) {
      out.push({ prop: 'backgroundUpdate', value: true, rule: 'has no effect unless useStale contains UPDATING (the stale copy is what clients get while the update runs)', fix: 'add CacheStaleCondition.UPDATING to useStale' });
    }
    if (options.origin.scheme === 'https' && !options.origin.verifyTls) {
      out.push({ prop: 'origin.verifyTls', value: false, rule: 'the cache accepts any certificate from the origin, so a man in the middle can fill the cache', fix: 'keep verification on and give the origin\'s caCertificate if it is privately signed' });
    }
    if (NginxCacheConfig.resolvesOrigin(options.origin) && options.originKeepalive !== undefined && options.originKeepalive > 0) {
      out.push({ prop: 'originKeepalive', value: options.originKeepalive, rule: 'has no effect for an origin given by host name: nginx re-resolves the name per request (variable proxy_pass), which keeps no idle connection pool', fix: 'leave originKeepalive out, or give the origin by IP address' });
    }
    if (options.viewerAuthentication === ViewerAuthentication.NONE && options.originToken) {
      out.push({ prop: 'viewerAuthentication', value: ViewerAuthentication.NONE, rule: 'the origin is private (originToken), yet the cache serves every key without authentication to any client the NetworkPolicy admits', fix: 'use ViewerAuthentication.BASIC with viewerCredentials unless the content is public' });
    }
    if (options.sliceSize && bytesOf(options.sliceSize) < 256 * 1024) {
      out.push({ prop: 'sliceSize', value: humanSize(options.sliceSize), rule: 'is below 256 KiB: every slice is a separate origin request and cache file', fix: 'use 1–8 MiB for video' });
    }
    return out;
  }

  /** The largest `max_size` a cache volume allows (volume minus the 10% headroom, rounded down). */
  public static maxSizeLimit(volume: Size): Size {
    const kib = kibOf(volume) * (1 - HEADROOM);
    // Round down to a readable unit: whole GiB from 10 GiB up, whole MiB below.
    const unit = kib >= 10 * 1024 * 1024 ? 1024 * 1024 : 1024;
    return Size.kibibytes(Math.floor(kib / unit) * unit);
  }

  /** The keys zone size `options` give or imply. */
  public static keysZoneFor(options: NginxCacheOptions): Size {
    if (options.keysZoneSize) return options.keysZoneSize;
    const keys = NginxCacheConfig.keysNeeded(options).keys;
    return Size.mebibytes(Math.max(10, Math.ceil(keys * 1.25 / KEYS_PER_MIB)));
  }

  /**
   * How many keys the cache can come to hold. With slicing every slice is its own key, so a full cache holds
   * `max_size / sliceSize` keys, plus at most one partial last slice per object (`expectedObjects`); without
   * slicing, `expectedObjects`.
   */
  private static keysNeeded(options: NginxCacheOptions): { keys: number; slices: number } {
    const objects = options.expectedObjects ?? 0;
    if (!options.sliceSize || !(bytesOf(options.sliceSize) > 0)) return { keys: objects, slices: 0 };
    const maxSize = options.maxSize ?? NginxCacheConfig.maxSizeLimit(options.cacheVolumeSize ?? Size.gibibytes(10));
    const slices = Math.floor(bytesOf(maxSize) / bytesOf(options.sliceSize));
    return { keys: slices + objects, slices };
  }

  /** The options, validated. */
  public readonly options: NginxCacheOptions;
  /** The cache volume size. */
  public readonly cacheVolumeSize: Size;
  /** `max_size`. */
  public readonly maxSize: Size;
  /** The keys zone size. */
  public readonly keysZoneSize: Size;
  /** The listen port. */
  public readonly port: number;
  /** Whether background updates are on. */
  public readonly backgroundUpdate: boolean;
  /** The cache key. */
  public readonly cacheKey: string;
  /** Requests needed before an object is cached. */
  public readonly minUses: number;
  /** How clients authenticate. */
  public readonly viewerAuthentication: ViewerAuthentication;

  /**
   * @throws when the options break a rule (message: `NginxCacheConfig: <prop> = <value>: <rule>; <fix>`)
   */
  constructor(options: NginxCacheOptions) {
    const problems = NginxCacheConfig.problems(options);
    if (problems.length > 0) throw new Error(plainMessage('NginxCacheConfig', problems[0]));
    this.options = options;
    this.cacheVolumeSize = options.cacheVolumeSize ?? Size.gibibytes(10);
    this.maxSize = options.maxSize ?? NginxCacheConfig.maxSizeLimit(this.cacheVolumeSize);
    this.keysZoneSize = NginxCacheConfig.keysZoneFor(options);
    this.port = options.port ?? 8080;
    this.backgroundUpdate = options.backgroundUpdate ?? options.sliceSize === undefined;
    this.cacheKey = options.cacheKey ?? (options.sliceSize ? '$request_uri$slice_range' : '$request_uri');
    this.minUses = options.minUses ?? 1;
    this.viewerAuthentication = NginxCacheConfig.viewerAuthenticationFor(options);
  }

  /** The nginx.conf text. With no options: the text for the container (what the ConfigMap holds). */
  public render(runtime: NginxRenderOptions = {}): string {
    const o = this.options;
    const origin = o.origin;
    const tmp = (runtime.tempDirectory ?? '/tmp').replace(/\/$/, '');
    const listen = runtime.listenAddress ? `${runtime.listenAddress}:${this.port}` : `${this.port}`;
    const https = origin.scheme === 'https';
    const upstream = 'edge_origin';
    const dynamic = NginxCacheConfig.resolvesOrigin(origin);
    const basic = this.viewerAuthentication === ViewerAuthentication.BASIC;
    // A host-name origin goes through a variable, so nginx resolves it per request (cached for `valid`) with the
    // resolver instead of once at start. A variable proxy_pass sends no URI part, so the base path is prepended by
    // a rewrite of the normalized URI.
    const passTo = (path: string) => (dynamic
      ? [...(origin.basePath === '/' ? [] : [`rewrite ^/(.*)$ ${origin.basePath}$1 break;`]), `proxy_pass ${origin.scheme}://$edge_origin;`]
      : [`proxy_pass ${origin.scheme}://${upstream}${path === '/' ? '' : path};`]);
    const stale = o.useStale ?? DEFAULT_STALE;
    const validity = o.validity ?? [
      { statusCodes: [200, 206], duration: Duration.days(1) },
      { statusCodes: [301], duration: Duration.hours(1) },
      { statusCodes: [404], duration: Duration.minutes(1) },
    ];
    const trusted = runtime.trustedCertificate
      ?? (origin.caCertificate ? `${NginxCacheConfig.ORIGIN_CA_DIRECTORY}/ca.crt` : '/etc/ssl/certs/ca-certificates.crt');

    const proxyCommon = [
      'proxy_http_version 1.1;',
      'proxy_set_header Connection "";',
      `proxy_set_header Host ${origin.hostHeader};`,
      'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      'proxy_set_header X-Forwarded-Proto $scheme;',
      `proxy_connect_timeout ${nginxDuration(o.originConnectTimeout ?? Duration.seconds(5))};`,
      `proxy_read_timeout ${nginxDuration(o.originReadTimeout ?? Duration.seconds(60))};`,
      'proxy_next_upstream error timeout;',
      // The viewer's credentials are for the cache: never pass them on (an S3 origin answers 400 to Basic).
      ...(basic ? ['proxy_set_header Authorization "";'] : []),
      ...(o.originToken ? [`include ${runtime.originTokenFile ?? ORIGIN_TOKEN_FILE};`] : []),
      ...(https ? [
        'proxy_ssl_server_name on;',
        `proxy_ssl_name ${origin.hostHeader.replace(/:\d+$/, '')};`,
        ...(origin.verifyTls ? ['proxy_ssl_verify on;', `proxy_ssl_trusted_certificate ${trusted};`, 'proxy_ssl_verify_depth 3;'] : ['proxy_ssl_verify off;']),
      ] : []),
    ];

    const cached = [
      ...(o.sliceSize ? [`slice ${nginxSize(o.sliceSize)};`, 'proxy_set_header Range $slice_range;'] : []),
      ...passTo(origin.basePath),
      ...proxyCommon,
      'proxy_cache edge_cache;',
      `proxy_cache_key ${this.cacheKey};`,
      ...validity.map((v) => `proxy_cache_valid ${v.statusCodes ? v.statusCodes.join(' ') : 'any'} ${nginxDuration(v.duration)};`),
      ...(o.sliceSize && !validity.some((v) => v.statusCodes === undefined || v.statusCodes.includes(206))
        ? [`proxy_cache_valid 206 ${nginxDuration(validity.find((v) => v.statusCodes?.includes(200))?.duration ?? Duration.days(1))};`] : []),
      `proxy_cache_lock ${o.cacheLock ?? true ? 'on' : 'off'};`,
      `proxy_cache_lock_timeout ${nginxDuration(o.cacheLockTimeout ?? Duration.seconds(5))};`,
      `proxy_cache_use_stale ${stale.length > 0 ? [...new Set(stale)].join(' ') : 'off'};`,
      `proxy_cache_background_update ${this.backgroundUpdate ? 'on' : 'off'};`,
      `proxy_cache_revalidate ${o.revalidate ?? true ? 'on' : 'off'};`,
      `proxy_cache_min_uses ${this.minUses};`,
      'proxy_cache_methods GET HEAD;',
      ...(o.ignoreOriginCacheHeaders ? ['proxy_ignore_headers Cache-Control Expires X-Accel-Expires;'] : []),
      ...(o.cacheStatusHeader ?? true ? ['add_header X-Cache-Status $upstream_cache_status always;'] : []),
    ];

    const lines: string[] = [
      `# nginx edge cache for ${origin.toString()} (generated by cdk8s-edge-storage; edit the construct, not this file)`,
      ...(runtime.user ? [`user ${runtime.user};`] : []),
      `worker_processes ${o.workerProcesses ?? 2};`,
      `pid ${runtime.pidFile ?? '/tmp/nginx.pid'};`,
      `error_log ${runtime.errorLog ?? 'stderr'} warn;`,
      'daemon off;',
      '',
      'events {',
      `    worker_connections ${o.workerConnections ?? 1024};`,
      '}',
      '',
      'http {',
      '    default_type application/octet-stream;',
      '    sendfile on;',
      '    tcp_nopush on;',
      '    keepalive_timeout 65s;',
      '    server_tokens off;',
      `    client_body_temp_path ${tmp}/client_temp;`,
      `    proxy_temp_path ${tmp}/proxy_temp;`,
      `    fastcgi_temp_path ${tmp}/fastcgi_temp;`,
      `    uwsgi_temp_path ${tmp}/uwsgi_temp;`,
      `    scgi_temp_path ${tmp}/scgi_temp;`,
      '    log_format edge_cache \'$remote_addr [$time_local] "$request" $status $body_bytes_sent \'',
      '                          \'cache=$upstream_cache_status upstream=$upstream_addr rt=$request_time urt=$upstream_response_time\';',
      `    access_log ${runtime.accessLog ?? '/dev/stdout'} edge_cache;`,
      '',
      ...(dynamic ? [
        runtime.resolver ? `    resolver ${runtime.resolver} valid=30s;` : `    include ${runtime.resolverFile ?? RESOLVER_FILE};`,
        '    resolver_timeout 5s;',
      ] : [
        `    upstream ${upstream} {`,
        ...origin.servers.map((s) => `        server ${s} max_fails=3 fail_timeout=10s;`),
        ...((o.originKeepalive ?? 32) > 0 ? [`        keepalive ${o.originKeepalive ?? 32};`] : []),
        '    }',
      ]),
      '',
      `    proxy_cache_path ${runtime.cacheDirectory ?? `${NginxCacheConfig.CACHE_MOUNT}/edge`} levels=1:2 keys_zone=edge_cache:${nginxSize(this.keysZoneSize)}`,
      `                     max_size=${nginxSize(this.maxSize)} inactive=${nginxDuration(o.inactive ?? Duration.days(7))} use_temp_path=off;`,
      '',
      '    server {',
      `        listen ${listen};`,
      ...(dynamic ? [`        set $edge_origin ${origin.servers[0]};`] : []),
      ...(basic ? [
        '        auth_basic "edge cache";',
        `        auth_basic_user_file ${runtime.viewerCredentialsFile ?? `${VIEWERS_DIRECTORY}/htpasswd`};`,
      ] : []),
      '',
      `        location = ${HEALTH_PATH} {`,
      ...(basic ? ['            auth_basic off;'] : []),
      '            access_log off;',
      '            default_type text/plain;',
      '            return 200 "ok\\n";',
      '        }',
      '',
      ...(o.bypassLocations ?? []).flatMap((loc) => [
        `        location ${loc} {`,
        ...passTo(origin.basePath === '/' ? '/' : origin.basePath + loc.slice(1)).map((l) => `            ${l}`),
        ...proxyCommon.map((l) => `            ${l}`),
        ...(o.cacheStatusHeader ?? true ? ['            add_header X-Cache-Status BYPASS always;'] : []),
        '        }',
        '',
      ]),
      '        location / {',
      ...cached.map((l) => `            ${l}`),
      '        }',
      '    }',
      '}',
      '',
    ];
    return lines.join('\n');
  }
}
