/**
 * A container image pinned to a tag or a digest.
 *
 * The static members are the library's catalog of default images: the one place to bump a version. Every construct
 * that runs a container takes an `image?: ContainerImage` prop defaulting to one of these.
 */
export class ContainerImage {
  /**
   * Ceph (used by RookCephCluster): Tentacle v20.2.4, the image Rook v1.20.6 deploys by default. Rook v1.20 also
   * runs Squid (v19), which reaches end of life on 2026-12-02.
   */
  public static readonly CEPH = new ContainerImage('quay.io/ceph/ceph', 'v20.2.4');
  /**
   * MinIO server, last community release. The community image is frozen (upstream unmaintained since 2026-02):
   * constructs warn when it is used and accept an AIStor or fork image instead.
   */
  public static readonly MINIO = new ContainerImage('quay.io/minio/minio', 'RELEASE.2025-09-07T16-13-09Z', true);
  /** MinIO client, used by provisioning Jobs (frozen like the server image). */
  public static readonly MINIO_MC = new ContainerImage('quay.io/minio/mc', 'RELEASE.2025-08-13T08-35-41Z', true);
  /** restic (official image), used by ResticBackup. */
  public static readonly RESTIC = new ContainerImage('docker.io/restic/restic', '0.18.1');
  /** rclone (official image), used by RcloneArchive and object replication. */
  public static readonly RCLONE = new ContainerImage('docker.io/rclone/rclone', '1.71.2');
  /** nginx built to run as a non-root user (listens on 8080), used by NginxEdgeCache. */
  public static readonly NGINX_UNPRIVILEGED = new ContainerImage('docker.io/nginxinc/nginx-unprivileged', '1.28.0-alpine');
  /** Redis (official image), used by RedisCache. */
  public static readonly REDIS = new ContainerImage('docker.io/library/redis', '7.4.6-alpine');
  /** curl (small HTTP client), used by cache warm-up and readiness waits. */
  public static readonly CURL = new ContainerImage('docker.io/curlimages/curl', '8.16.0');
  /** InfluxDB 2.x (official image), used by IoTSite. */
  public static readonly INFLUXDB = new ContainerImage('docker.io/library/influxdb', '2.7.12-alpine');
  /** Telegraf (official image), used by IoTSite ingest. */
  public static readonly TELEGRAF = new ContainerImage('docker.io/library/telegraf', '1.36.2-alpine');

  /**
   * An image given by repository and tag.
   * @throws when the tag is empty or `latest`
   */
  public static of(repository: string, tag: string): ContainerImage {
    return new ContainerImage(repository, tag);
  }

  /**
   * An image given as a full reference: `repo:tag`, `repo@sha256:…` or `repo:tag@sha256:…`.
   * @throws when the reference is neither pinned to a tag nor to a digest, or uses `latest`
   */
  public static fromReference(reference: string): ContainerImage {
    const parsed = ContainerImage.parse(reference);
    if (!parsed.pinned) {
      throw new Error(`ContainerImage: image = "${reference}": must be pinned to a tag or a sha256 digest (not tagless, not "latest"); use e.g. "${parsed.repository}:<version>" or "${parsed.repository}@sha256:<digest>"`);
    }
    return new ContainerImage(parsed.repository, parsed.tag, false, parsed.digest);
  }

  /** True when a reference names a tag other than `latest`, or a digest. */
  public static isPinned(reference: string): boolean {
    return ContainerImage.parse(reference).pinned;
  }

  private static parse(reference: string): { repository: string; tag?: string; digest?: string; pinned: boolean } {
    const [nameAndTag, digest] = reference.split('@', 2);
    const lastSlash = nameAndTag.lastIndexOf('/');
    const colon = nameAndTag.indexOf(':', lastSlash + 1);
    const repository = colon >= 0 ? nameAndTag.slice(0, colon) : nameAndTag;
    const tag = colon >= 0 ? nameAndTag.slice(colon + 1) : undefined;
    const digestOk = digest !== undefined && /^sha256:[a-f0-9]{64}$/.test(digest);
    const tagOk = tag !== undefined && tag.length > 0 && tag !== 'latest';
    return { repository, tag: tag || undefined, digest, pinned: digestOk || (digest === undefined && tagOk) };
  }

  /** Repository, e.g. `quay.io/minio/minio`. */
  public readonly repository: string;
  /** Tag, when pinned by tag. */
  public readonly tag?: string;
  /** Digest (`sha256:…`), when pinned by digest. */
  public readonly digest?: string;
  /** True for images whose upstream no longer publishes community builds; constructs warn when these are used. */
  public readonly frozenUpstream: boolean;

  private constructor(repository: string, tag?: string, frozenUpstream: boolean = false, digest?: string) {
    if ((tag === undefined || tag === '' || tag === 'latest') && digest === undefined) {
      throw new Error(`ContainerImage: image = "${repository}:${tag ?? ''}": must be pinned to a tag or a sha256 digest (not tagless, not "latest"); pass an explicit version`);
    }
    this.repository = repository;
    this.tag = tag;
    this.digest = digest;
    this.frozenUpstream = frozenUpstream;
  }

  /** The reference to put in a pod spec, e.g. `docker.io/restic/restic:0.18.1`. */
  public get reference(): string {
    return `${this.repository}${this.tag ? `:${this.tag}` : ''}${this.digest ? `@${this.digest}` : ''}`;
  }

  /** The tag (or the digest when there is no tag), suitable for an `app.kubernetes.io/version` label. */
  public get version(): string {
    return this.tag ?? this.digest!;
  }

  /** Same as `reference`. */
  public toString(): string {
    return this.reference;
  }
}
