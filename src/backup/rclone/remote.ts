import { IPersistentVolumeClaim } from 'cdk8s-plus-30';
import { IObjectStore, SecretKeyReference } from '../../core';

/** Options for {@link RcloneRemote.s3}. */
export interface RcloneS3RemoteOptions {
  /** Bucket of the archive (rclone is told not to create it: the job's keys rarely may). */
  readonly bucket: string;
  /**
   * Key prefix inside the bucket, e.g. `archive/site-a`.
   * @default - the bucket root
   */
  readonly prefix?: string;
  /**
   * S3 storage class for uploaded objects, e.g. `STANDARD_IA`, `GLACIER_IR`, `DEEP_ARCHIVE` (AWS) — leave unset for
   * MinIO and Ceph unless they define classes.
   * @default - the bucket's default class
   */
  readonly storageClass?: string;
}

/** Options for {@link RcloneRemote.fromConfigSecret}. */
export interface RcloneConfigSecretOptions {
  /** The Secret key holding an `rclone.conf` (same namespace as the job), e.g. `{ name: 'rclone-config', key: 'rclone.conf' }`. */
  readonly config: SecretKeyReference;
  /** Name of the remote (a `[section]` of the config file) to archive to. */
  readonly remote: string;
  /**
   * Path on the remote (bucket/prefix, folder…).
   * @default - the remote's root
   */
  readonly path?: string;
}

/** Options for {@link RcloneRemote.fromClaimName}. */
export interface RcloneClaimRemoteOptions {
  /**
   * Directory inside the claim.
   * @default - the claim's root
   */
  readonly path?: string;
}

/** How the destination is reached. @internal */
export interface RcloneRemoteConfig {
  readonly kind: 's3' | 'secret' | 'claim';
  readonly store?: IObjectStore;
  readonly bucket?: string;
  readonly prefix?: string;
  readonly storageClass?: string;
  readonly config?: SecretKeyReference;
  readonly remote?: string;
  readonly path?: string;
  readonly claimName?: string;
}

/**
 * The cold side of an {@link RcloneArchive}: an S3 bucket of an object store, any rclone remote configured in a
 * Secret (`rclone.conf`), or a directory on another volume.
 */
export class RcloneRemote {
  /** A bucket of `store`, configured through `RCLONE_CONFIG_ARCHIVE_*` variables (keys from the store's Secret). */
  public static s3(store: IObjectStore, options: RcloneS3RemoteOptions): RcloneRemote {
    return new RcloneRemote({ kind: 's3', store, bucket: options.bucket, prefix: options.prefix, storageClass: options.storageClass });
  }

  /**
   * A remote defined in an `rclone.conf` kept in a Secret (any backend: S3, Azure Blob, GCS, SFTP…). The job copies
   * the file to a writable directory, so backends that refresh tokens work.
   */
  public static fromConfigSecret(options: RcloneConfigSecretOptions): RcloneRemote {
    return new RcloneRemote({ kind: 'secret', config: options.config, remote: options.remote, path: options.path });
  }

  /** A directory on a PersistentVolumeClaim (e.g. a large, slow disk or an NFS share), given by name. */
  public static fromClaimName(claimName: string, options: RcloneClaimRemoteOptions = {}): RcloneRemote {
    return new RcloneRemote({ kind: 'claim', claimName, path: options.path });
  }

  /** A directory on a cdk8s-plus PersistentVolumeClaim. */
  public static fromClaim(claim: IPersistentVolumeClaim, options: RcloneClaimRemoteOptions = {}): RcloneRemote {
    return RcloneRemote.fromClaimName(claim.name, options);
  }

  /** @internal */
  public readonly _config: RcloneRemoteConfig;

  private constructor(config: RcloneRemoteConfig) {
    this._config = config;
  }
}
