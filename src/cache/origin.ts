import { IObjectStore, NetworkPeer, SecretKeyReference } from '../core';
import { Endpoints, S3Rules } from '../core/validate';

/** Options of {@link CacheOrigin.fromUrl} and {@link CacheOrigin.fromUrls}. */
export interface CacheOriginOptions {
  /**
   * `Host` header sent to the origin (virtual hosts, S3 endpoints and presigned URLs depend on it).
   * @default - host (and port, when not the scheme's default) of the first URL
   */
  readonly hostHeader?: string;
  /**
   * Verify the certificate of an `https` origin (and send SNI).
   * @default true
   */
  readonly verifyTls?: boolean;
  /**
   * CA certificate (PEM) that signs the origin's certificate, when it is not publicly trusted.
   * @default - the system CA bundle of the cache image
   */
  readonly caCertificate?: SecretKeyReference;
  /**
   * The origin's pods, when the origin runs in the cluster: the cache's NetworkPolicy then allows egress to exactly
   * these pods and ports.
   * @default - egress to the origin's address (an IP block for IP literals, any address for host names) on its ports
   */
  readonly networkPeer?: NetworkPeer;
}

/** Options of {@link CacheOrigin.fromObjectStore}. */
export interface ObjectStoreOriginOptions {
  /**
   * The bucket the cache serves: a cache request for `/a/b.mp4` fetches object `a/b.mp4` of this bucket.
   *
   * The cache fetches without signing, so the bucket (or the objects) must allow anonymous reads from the cache,
   * or clients send presigned URLs signed for the store's host (the cache forwards the store's `Host` header, so
   * signatures stay valid; use `cacheKey: '$uri'` so that differently signed URLs of one object share a cache entry).
   */
  readonly bucket: string;
}

/**
 * Where an edge cache fetches misses from: one or more equivalent HTTP(S) servers (a cloud origin, a regional cache,
 * an in-cluster service) or a bucket of an {@link IObjectStore}. Requests are balanced round-robin over the servers
 * with keep-alive HTTP/1.1 connections.
 */
export class CacheOrigin {
  /**
   * One origin URL: `http(s)://host[:port][/base/path]`. A request for `/x` is fetched from `<base path>/x`.
   * Host names are resolved when nginx starts.
   */
  public static fromUrl(url: string, options: CacheOriginOptions = {}): CacheOrigin {
    return CacheOrigin.fromUrls([url], options);
  }

  /**
   * Several equivalent origin servers (same scheme and base path), balanced round-robin; a failing server is
   * skipped for a while.
   */
  public static fromUrls(urls: string[], options: CacheOriginOptions = {}): CacheOrigin {
    if (urls.length === 0) {
      throw new Error('CacheOrigin: urls = []: at least one origin URL is needed; pass e.g. ["https://origin.example.com"]');
    }
    const parsed = urls.map((u) => CacheOrigin.parse(u));
    const first = parsed[0];
    for (const p of parsed.slice(1)) {
      if (p.scheme !== first.scheme || p.basePath !== first.basePath) {
        throw new Error(`CacheOrigin: urls = ${JSON.stringify(urls)}: all origin URLs must share scheme and base path ("${first.scheme}://…${first.basePath}"); use one CacheOrigin per kind of origin`);
      }
    }
    if (new Set(parsed.map((p) => p.server)).size !== parsed.length) {
      throw new Error(`CacheOrigin: urls = ${JSON.stringify(urls)}: an origin server is listed twice; list each host:port once`);
    }
    const hostHeader = options.hostHeader ?? first.hostHeader;
    CacheOrigin.assertHostHeader(hostHeader);
    return new CacheOrigin({
      scheme: first.scheme,
      servers: parsed.map((p) => p.server),
      hosts: parsed.map((p) => p.host),
      ports: [...new Set(parsed.map((p) => p.port))],
      basePath: first.basePath,
      hostHeader,
      verifyTls: options.verifyTls ?? true,
      caCertificate: options.caCertificate,
      networkPeer: options.networkPeer,
    });
  }

  /**
   * A bucket of an S3-compatible object store (MinIO, Ceph RGW, a cloud bucket), e.g. the site's store, so that a
   * blueprint can put an edge cache in front of it. Path-style stores are addressed as `endpoint/bucket/key`,
   * virtual-hosted ones as `bucket.endpoint/key`.
   */
  public static fromObjectStore(store: IObjectStore, options: ObjectStoreOriginOptions): CacheOrigin {
    S3Rules.checkBucket('CacheOrigin', 'bucket', options.bucket);
    const endpoint = CacheOrigin.parse(store.s3Endpoint);
    if (endpoint.basePath !== '/') {
      throw new Error(`CacheOrigin: s3Endpoint = "${store.s3Endpoint}": an object store endpoint has no path; use the store's scheme://host:port`);
    }
    const url = store.forcePathStyle
      ? `${endpoint.scheme}://${endpoint.hostHeader}/${options.bucket}/`
      : `${endpoint.scheme}://${options.bucket}.${endpoint.hostHeader}/`;
    const origin = CacheOrigin.fromUrl(url, { caCertificate: store.caCertificate, networkPeer: store.networkPeer });
    return new CacheOrigin({ ...origin.spec(), objectStore: store, bucket: options.bucket, bucketUrl: url.replace(/\/$/, '') });
  }

  private static parse(url: string): { scheme: string; server: string; host: string; port: number; basePath: string; hostHeader: string } {
    let u: URL | undefined;
    try {
      u = new URL(url);
    } catch {
      u = undefined;
    }
    const fix = 'use e.g. "https://origin.example.com" or "http://regional-cache.cdn.svc.cluster.local:8080/video/"';
    Endpoints.refuseCredentials('CacheOrigin', 'url', url, { credentialsProp: 'an object store origin (CacheOrigin.fromObjectStore), which signs requests with the store\'s credentials Secret' });
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') {
      throw new Error(`CacheOrigin: url = "${url}": must be an http(s) URL with a host; ${fix}`);
    }
    if (u.username || u.password || u.search || u.hash) {
      throw new Error(`CacheOrigin: url = "${url}": must not carry credentials, a query or a fragment; ${fix}`);
    }
    const scheme = u.protocol.slice(0, -1);
    const defaultPort = scheme === 'https' ? 443 : 80;
    const port = u.port ? Number(u.port) : defaultPort;
    const basePath = u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`;
    if (/[\s;{}"'\\#$]/.test(basePath)) {
      throw new Error(`CacheOrigin: url = "${url}": the path contains characters nginx cannot take literally; ${fix}`);
    }
    return {
      scheme,
      host: u.hostname,
      port,
      server: `${u.hostname}:${port}`,
      basePath,
      hostHeader: u.port ? `${u.hostname}:${u.port}` : u.hostname,
    };
  }

  private static assertHostHeader(value: string): void {
    if (!/^[A-Za-z0-9.\-[\]:]+$/.test(value)) {
      throw new Error(`CacheOrigin: hostHeader = "${value}": must be a host name or address with an optional port; use e.g. "origin.example.com"`);
    }
  }

  /** `http` or `https`. */
  public readonly scheme: string;
  /** The servers as `host:port`, in order. */
  public readonly servers: string[];
  /** Host names or addresses of the servers, in order. */
  public readonly hosts: string[];
  /** The distinct TCP ports of the servers. */
  public readonly ports: number[];
  /** Path prefix on the origin, always starting and ending with `/` (`/` when none). */
  public readonly basePath: string;
  /** `Host` header sent to the origin. */
  public readonly hostHeader: string;
  /** Whether an `https` origin's certificate is verified. */
  public readonly verifyTls: boolean;
  /**
   * CA certificate of a privately signed origin.
   * @default - system CA bundle
   */
  public readonly caCertificate?: SecretKeyReference;
  /**
   * The origin's pods, when in the cluster.
   * @default - not in the cluster (or unknown)
   */
  public readonly networkPeer?: NetworkPeer;
  /**
   * The object store, for origins made with {@link CacheOrigin.fromObjectStore}.
   * @default - not an object store origin
   */
  public readonly objectStore?: IObjectStore;
  /**
   * The bucket, for origins made with {@link CacheOrigin.fromObjectStore}.
   * @default - not an object store origin
   */
  public readonly bucket?: string;
  /**
   * URL of the bucket (`endpoint/bucket` or `bucket.endpoint`), for object store origins.
   * @default - not an object store origin
   */
  public readonly bucketUrl?: string;

  private constructor(spec: OriginSpec) {
    this.scheme = spec.scheme;
    this.servers = spec.servers;
    this.hosts = spec.hosts;
    this.ports = spec.ports;
    this.basePath = spec.basePath;
    this.hostHeader = spec.hostHeader;
    this.verifyTls = spec.verifyTls;
    this.caCertificate = spec.caCertificate;
    this.networkPeer = spec.networkPeer;
    this.objectStore = spec.objectStore;
    this.bucket = spec.bucket;
    this.bucketUrl = spec.bucketUrl;
  }

  /** A readable summary, e.g. `https://origin.example.com:443/video/`. */
  public toString(): string {
    return `${this.scheme}://${this.servers.join(',')}${this.basePath}`;
  }

  private spec(): OriginSpec {
    return {
      scheme: this.scheme,
      servers: this.servers,
      hosts: this.hosts,
      ports: this.ports,
      basePath: this.basePath,
      hostHeader: this.hostHeader,
      verifyTls: this.verifyTls,
      caCertificate: this.caCertificate,
      networkPeer: this.networkPeer,
    };
  }
}

interface OriginSpec {
  readonly scheme: string;
  readonly servers: string[];
  readonly hosts: string[];
  readonly ports: number[];
  readonly basePath: string;
  readonly hostHeader: string;
  readonly verifyTls: boolean;
  readonly caCertificate?: SecretKeyReference;
  readonly networkPeer?: NetworkPeer;
  readonly objectStore?: IObjectStore;
  readonly bucket?: string;
  readonly bucketUrl?: string;
}
