import { k8s } from 'cdk8s-plus-30';
import { IObjectStore, ObjectStoreFlavor } from './interfaces';

/** Options for {@link RcloneEnv.s3Remote}. */
export interface RcloneRemoteEnvOptions {
  /**
   * Skip rclone's bucket existence check/creation (the job writes into an existing bucket and needs no bucket-level
   * permissions).
   * @default true
   */
  readonly noCheckBucket?: boolean;
  /**
   * S3 storage class for uploads (e.g. `STANDARD_IA`, `GLACIER_IR`).
   * @default - the bucket's default
   */
  readonly storageClass?: string;
}

/**
 * rclone remotes configured purely through environment variables (`RCLONE_CONFIG_<NAME>_*`), so no config file with
 * keys is ever rendered: access keys come from the store's Secret by `secretKeyRef`.
 *
 * Internal (not exported from the package; the building blocks import it from `src/core`).
 */
export class RcloneEnv {
  /** rclone's `provider` value for a store flavor. */
  public static provider(flavor: ObjectStoreFlavor): string {
    switch (flavor) {
      case ObjectStoreFlavor.AWS_S3: return 'AWS';
      case ObjectStoreFlavor.MINIO: return 'Minio';
      case ObjectStoreFlavor.CEPH_RGW: return 'Ceph';
      default: return 'Other';
    }
  }

  /** Environment defining the S3 remote `remote` (upper-cased in variable names) for `store`. */
  public static s3Remote(remote: string, store: IObjectStore, options: RcloneRemoteEnvOptions = {}): k8s.EnvVar[] {
    const p = `RCLONE_CONFIG_${remote.toUpperCase()}_`;
    return [
      { name: `${p}TYPE`, value: 's3' },
      { name: `${p}PROVIDER`, value: RcloneEnv.provider(store.flavor) },
      { name: `${p}ENV_AUTH`, value: 'false' },
      ...store.credentials.env({ accessKeyId: `${p}ACCESS_KEY_ID`, secretAccessKey: `${p}SECRET_ACCESS_KEY` }),
      { name: `${p}ENDPOINT`, value: store.s3Endpoint },
      { name: `${p}REGION`, value: store.region },
      { name: `${p}FORCE_PATH_STYLE`, value: String(store.forcePathStyle) },
      ...(options.noCheckBucket ?? true ? [{ name: `${p}NO_CHECK_BUCKET`, value: 'true' }] : []),
      ...(options.storageClass ? [{ name: `${p}STORAGE_CLASS`, value: options.storageClass }] : []),
    ];
  }

  private constructor() {}
}
