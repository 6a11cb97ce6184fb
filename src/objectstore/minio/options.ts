// Option types of MinioCluster props (root credentials, KES, drives' file system, provisioning Job).
import { Duration } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-30';
import { SecretKeyReference, TlsCredentials } from '../../core';

/** Server-side encryption through MinIO KES (opt-in). */
export interface MinioKesOptions {
  /** KES endpoints, `https://host:7373`. */
  readonly endpoints: string[];
  /** Default key: encrypts IAM and configuration data and is the SSE-S3 and default SSE-KMS key. */
  readonly keyName: string;
  /**
   * API key for KES (exclusive with clientCertificate).
   * @default - none
   */
  readonly apiKey?: SecretKeyReference;
  /**
   * MinIO's client certificate and key for KES mTLS, e.g. `TlsCredentials.fromSecretName('minio-kes-client')` for a
   * `kubernetes.io/tls` Secret (exclusive with apiKey).
   * @default - none
   */
  readonly clientCertificate?: TlsCredentials;
  /**
   * CA that signed the KES server certificate.
   * @default - the system trust store
   */
  readonly caCertificate?: SecretKeyReference;
}

/** Settings of the provisioning Job. */
export interface MinioProvisioningOptions {
  /**
   * Delete the finished Job after this long (it is idempotent: re-applying the manifests re-runs it harmlessly).
   * @default Duration.hours(24)
   */
  readonly ttlAfterFinished?: Duration;
  /**
   * Give up (fail the Job) after this long, including the wait for the cluster.
   * @default Duration.minutes(30)
   */
  readonly activeDeadline?: Duration;
  /**
   * Pod retries by Kubernetes (exponential back-off 10s, 20s, 40s … 6m).
   * @default 6
   */
  readonly backoffLimit?: number;
  /**
   * Attempts per step inside the script (pause doubling from 2s up to 60s).
   * @default 10
   */
  readonly attemptsPerStep?: number;
  /**
   * Resources of the mc container.
   * @default - 50m CPU, 64Mi memory request, 256Mi limit
   */
  readonly resources?: ContainerResources;
}
