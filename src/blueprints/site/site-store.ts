import { ContainerResources } from 'cdk8s-plus-30';
import { ContainerImage, S3Credentials } from '../../core';

/** Overrides for a site's MinIO store (the hot tier of the video and model sites). */
export interface SiteStoreOptions {
  /**
   * Erasure parity per set.
   * @default - MinIO's default for the set size (EC:2 for 4 drives)
   */
  readonly parity?: number;
  /**
   * Server image.
   * @default ContainerImage.MINIO
   */
  readonly image?: ContainerImage;
  /**
   * The MinIO root user and password (the root access keys; the servers get them as `MINIO_ROOT_USER` /
   * `MINIO_ROOT_PASSWORD`).
   * @default - S3Credentials.fromSecretName('<site>-store-root') (S3Credentials' default keys)
   */
  readonly rootCredentials?: S3Credentials;
  /**
   * Keep read/write quorum with one whole server down (MinIO rule); false only for labs.
   * @default true
   */
  readonly tolerateServerLoss?: boolean;
  /**
   * Server container resources.
   * @default - MinioCluster's defaults (500m CPU, 1Gi memory request, 2Gi limit)
   */
  readonly resources?: ContainerResources;
}
