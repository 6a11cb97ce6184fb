// The options of an nginx edge cache (what users set on NginxEdgeCache) and their enums; config.ts turns them into
// nginx.conf.
import { Duration, Size } from 'cdk8s';
import { SecretKeyReference } from '../../core/secrets';
import { CacheOrigin } from '../origin';

/** How the cache authenticates its clients (viewers). */
export enum ViewerAuthentication {
  /**
   * HTTP basic authentication against an htpasswd file (`auth_basic_user_file`) mounted read-only from a Secret.
   * Use it over TLS (an ingress or a TLS-terminating load balancer) where the network is not trusted.
   */
  BASIC = 'basic',
  /** No authentication: any client the NetworkPolicy admits reads every cached key. Only for public content. */
  NONE = 'none',
}

/** When nginx may answer from an expired (stale) cache entry (`proxy_cache_use_stale`). */
export enum CacheStaleCondition {
  /** The origin cannot be reached or the connection fails. */
  ERROR = 'error',
  /** The origin does not answer in time. */
  TIMEOUT = 'timeout',
  /** The origin answers with an empty or invalid header. */
  INVALID_HEADER = 'invalid_header',
  /** Another request is refreshing the entry (stale-while-revalidate; needed for background updates). */
  UPDATING = 'updating',
  /** The origin answers 500. */
  HTTP_500 = 'http_500',
  /** The origin answers 502. */
  HTTP_502 = 'http_502',
  /** The origin answers 503. */
  HTTP_503 = 'http_503',
  /** The origin answers 504. */
  HTTP_504 = 'http_504',
  /** The origin answers 403. */
  HTTP_403 = 'http_403',
  /** The origin answers 404. */
  HTTP_404 = 'http_404',
  /** The origin answers 429. */
  HTTP_429 = 'http_429',
}

/** How long responses with some status codes stay fresh (`proxy_cache_valid`). */
export interface CacheValidity {
  /**
   * HTTP status codes (100–599) this applies to.
   * @default - any status code (`any`)
   */
  readonly statusCodes?: number[];
  /** How long such responses are fresh when the origin sends no `Cache-Control`/`Expires` of its own. */
  readonly duration: Duration;
}

/**
 * What the nginx edge cache does. Shared by `NginxCacheConfig` (the internal generator) and
 * {@link NginxEdgeCacheProps} (the construct).
 */
export interface NginxCacheOptions {
  /** Where misses are fetched from. */
  readonly origin: CacheOrigin;
  /**
   * Size of the volume holding the cache (an `emptyDir` size limit, or the per-replica PVC size).
   * @default Size.gibibytes(10)
   */
  readonly cacheVolumeSize?: Size;
  /**
   * Most the cache may hold (`max_size`). nginx's cache manager only trims the cache after it has grown past this,
   * and files being written count too, so at least 10% of the volume must stay free.
   * @default - the cache volume size minus 10%
   */
  readonly maxSize?: Size;
  /**
   * Number of objects (not slices) you expect the cache to hold; sizes the keys zone (about 8,000 keys per MiB).
   * With `sliceSize` the slices are counted from the cache size instead, and each object adds at most one key for
   * its partial last slice.
   * @default - not given: no per-object keys
   */
  readonly expectedObjects?: number;
  /**
   * Shared-memory zone holding the cache keys and metadata (about 8,000 keys per MiB, nginx's figure). When it is
   * full, nginx evicts the least recently used entries even if the disk has room. With slicing every slice is a key.
   * @default - 25% more than the keys the cache can hold: `max_size / sliceSize + expectedObjects` when slicing,
   *   else `expectedObjects`; at least 10 MiB
   */
  readonly keysZoneSize?: Size;
  /**
   * Entries not requested for this long are removed, fresh or not (`inactive`).
   * @default Duration.days(7)
   */
  readonly inactive?: Duration;
  /**
   * Freshness per status code when the origin does not say (`proxy_cache_valid`).
   * @default - 200 and 206 for 1 day, 301 for 1 hour, 404 for 1 minute
   */
  readonly validity?: CacheValidity[];
  /**
   * The cache key (`proxy_cache_key`), in nginx variables. With `sliceSize` it must contain `$slice_range`.
   * @default '$request_uri' (plus '$slice_range' when slicing)
   */
  readonly cacheKey?: string;
  /**
   * Let only one request per key fetch a miss from the origin; the others wait for it (`proxy_cache_lock`).
   * @default true
   */
  readonly cacheLock?: boolean;
  /**
   * How long waiting requests wait for the lock holder before going to the origin themselves (uncached).
   * @default Duration.seconds(5)
   */
  readonly cacheLockTimeout?: Duration;
  /**
   * When stale entries may be served (`proxy_cache_use_stale`); an empty list turns stale serving off.
   * @default [ERROR, TIMEOUT, UPDATING, HTTP_500, HTTP_502, HTTP_503, HTTP_504]
   */
  readonly useStale?: CacheStaleCondition[];
  /**
   * Refresh expired entries in the background while serving the stale copy (`proxy_cache_background_update`).
   * Needs `UPDATING` in `useStale`; cannot be combined with `sliceSize`.
   * @default - true, or false when slicing
   */
  readonly backgroundUpdate?: boolean;
  /**
   * Revalidate expired entries with conditional requests (`If-Modified-Since`/`If-None-Match`).
   * @default true
   */
  readonly revalidate?: boolean;
  /**
   * Cache an object only after this many requests (`proxy_cache_min_uses`): keeps one-off requests out.
   * @default 1
   */
  readonly minUses?: number;
  /**
   * Fetch and cache large objects in slices of this size (`slice`), so that range requests (video seeking) fetch
   * only the slices they need. The slice range becomes part of the key and 206 responses are cached.
   * @default - no slicing: whole objects
   */
  readonly sliceSize?: Size;
  /**
   * Add an `X-Cache-Status` response header (HIT, MISS, EXPIRED, STALE, UPDATING, REVALIDATED, BYPASS).
   * @default true
   */
  readonly cacheStatusHeader?: boolean;
  /**
   * Port nginx listens on (unprivileged: 1024–65535).
   * @default 8080
   */
  readonly port?: number;
  /**
   * Path prefixes proxied to the origin without caching (APIs, live playlists), e.g. `/api/`.
   * @default - none
   */
  readonly bypassLocations?: string[];
  /**
   * Ignore the origin's `Cache-Control`/`Expires`/`X-Accel-Expires` and always use `validity`.
   * @default false
   */
  readonly ignoreOriginCacheHeaders?: boolean;
  /**
   * Idle keep-alive connections to the origin kept per worker. Only for origins given by IP address: a host-name
   * origin is re-resolved per request (so the cache starts during a DNS outage), which keeps no connection pool.
   * @default 32
   */
  readonly originKeepalive?: number;
  /**
   * Timeout for connecting to the origin.
   * @default Duration.seconds(5)
   */
  readonly originConnectTimeout?: Duration;
  /**
   * Timeout between two reads from the origin.
   * @default Duration.seconds(60)
   */
  readonly originReadTimeout?: Duration;
  /**
   * nginx worker processes.
   * @default 2
   */
  readonly workerProcesses?: number;
  /**
   * Connections per worker.
   * @default 1024
   */
  readonly workerConnections?: number;
  /**
   * How clients authenticate. BASIC needs `viewerCredentials`; NONE serves every key to any client the NetworkPolicy
   * admits and is warned about when the origin is private (`originToken`).
   * @default - ViewerAuthentication.BASIC when viewerCredentials or originToken is given, else ViewerAuthentication.NONE
   */
  readonly viewerAuthentication?: ViewerAuthentication;
  /**
   * Secret key holding an htpasswd file of the viewers (one `user:hash` line each), e.g. made with
   * `printf 'viewer:%s\n' "$(openssl passwd -6)" > htpasswd; kubectl create secret generic <name> --from-file=htpasswd`.
   * Mounted read-only; nginx reads it per request, so updated Secrets apply without a restart.
   * @default - none (required with ViewerAuthentication.BASIC)
   */
  readonly viewerCredentials?: SecretKeyReference;
  /**
   * Secret key holding the token a private origin admits the cache by: the cache sends it as the `Referer` header
   * of every origin request (overriding the client's), and the origin bucket allows anonymous reads only with it
   * (see MinioBucketOptions.readToken). Letters, digits and `._~-` only (e.g. `openssl rand -hex 32`).
   * @default - no token: the origin must be readable without one
   */
  readonly originToken?: SecretKeyReference;
}
