import { IPersistentVolumeClaim } from 'cdk8s-plus-30';
import { IObjectStore, ObjectStoreAccess, S3KeyUse, SecretKeyReference } from '../../core';

/** Options for {@link ResticRepository.s3}. */
export interface ResticS3RepositoryOptions {
  /** Bucket holding the repository (it must exist; restic does not create buckets with `init`). */
  readonly bucket: string;
  /**
   * Key prefix of the repository inside the bucket, e.g. `restic/site-a`.
   * @default - the bucket root
   */
  readonly prefix?: string;
}

/** HTTP basic-auth login of a restic REST server (rest-server `--htpasswd-file`), by Secret key references. */
export interface ResticRestCredentials {
  /** The user name, e.g. `{ name: 'rest-auth', key: 'username' }` (same namespace as the job). */
  readonly username: SecretKeyReference;
  /** The password, e.g. `{ name: 'rest-auth', key: 'password' }`. */
  readonly password: SecretKeyReference;
}

/** Options for {@link ResticRepository.rest}. */
export interface ResticRestRepositoryOptions {
  /**
   * HTTP basic-auth credentials, passed as `RESTIC_REST_USERNAME`/`RESTIC_REST_PASSWORD` (restic ≥ 0.16; the default
   * image is 0.18.1).
   * @default - no authentication
   */
  readonly credentials?: ResticRestCredentials;
  /**
   * CA certificate (PEM) of a privately signed server.
   * @default - system trust store
   */
  readonly caCertificate?: SecretKeyReference;
}

/** Options for {@link ResticRepository.fromClaimName}. */
export interface ResticClaimRepositoryOptions {
  /**
   * Directory of the repository inside the claim.
   * @default 'restic'
   */
  readonly path?: string;
}

/** How a repository is reached. @internal */
export interface ResticRepositoryConfig {
  readonly kind: 's3' | 'rest' | 'claim' | 'secret';
  readonly store?: IObjectStore;
  readonly bucket?: string;
  readonly prefix?: string;
  readonly url?: string;
  readonly restCredentials?: ResticRestCredentials;
  readonly caCertificate?: SecretKeyReference;
  readonly claimName?: string;
  readonly path?: string;
  readonly secret?: SecretKeyReference;
}

/**
 * Where a {@link ResticBackup} keeps its repository: S3 (MinIO, Ceph RGW, a cloud bucket), a restic REST server,
 * a directory on another volume, or a repository URL held in a Secret.
 */
export class ResticRepository {
  /**
   * A repository in an S3 bucket of `store` (access keys from the store's credentials Secret, which must be in the
   * job's namespace).
   */
  public static s3(store: IObjectStore, options: ResticS3RepositoryOptions): ResticRepository {
    return new ResticRepository({ kind: 's3', store, bucket: options.bucket, prefix: options.prefix, caCertificate: store.caCertificate });
  }

  /** A repository on a restic REST server, e.g. `https://backup.example.com:8000/site-a/`. */
  public static rest(url: string, options: ResticRestRepositoryOptions = {}): ResticRepository {
    return new ResticRepository({ kind: 'rest', url, restCredentials: options.credentials, caCertificate: options.caCertificate });
  }

  /** A repository in a directory of a PersistentVolumeClaim (NFS share, second disk), given by name. */
  public static fromClaimName(claimName: string, options: ResticClaimRepositoryOptions = {}): ResticRepository {
    return new ResticRepository({ kind: 'claim', claimName, path: options.path ?? 'restic' });
  }

  /** A repository in a directory of a cdk8s-plus PersistentVolumeClaim. */
  public static fromClaim(claim: IPersistentVolumeClaim, options: ResticClaimRepositoryOptions = {}): ResticRepository {
    return ResticRepository.fromClaimName(claim.name, options);
  }

  /**
   * A repository whose location (any restic repository string, e.g. `rest:https://user:pass@host/`) is kept in a
   * Secret key, for locations that embed credentials.
   */
  public static fromSecret(location: SecretKeyReference): ResticRepository {
    return new ResticRepository({ kind: 'secret', secret: location });
  }

  /** @internal */
  public readonly _config: ResticRepositoryConfig;

  private constructor(config: ResticRepositoryConfig) {
    this._config = config;
  }

  /**
   * What restic does with the store's keys (S3 repositories only): list, read, write and delete (locks, prune) under
   * the repository's prefix. Empty for other repository kinds.
   */
  public get keyUses(): S3KeyUse[] {
    const c = this._config;
    return c.kind === 's3' && c.bucket ? [{ bucket: c.bucket, prefix: c.prefix, access: ObjectStoreAccess.READ_WRITE }] : [];
  }
}
