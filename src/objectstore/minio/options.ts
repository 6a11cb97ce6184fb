// Option types of MinioCluster props (root credentials, TLS, KES, drives' file system, provisioning Job).
import { Duration } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-30';
import { SecretKeyReference } from '../../core';

/** TLS for the S3 API and between servers. */
export interface MinioTlsOptions {
  /**
   * A `kubernetes.io/tls` Secret (e.g. from cert-manager) whose certificate covers `*.NAME-hl.NS.svc.<domain>`,
   * `NAME.NS.svc.<domain>` and any external names.
   */
  readonly secretName: string;
  /**
   * Key of the issuing CA in the same Secret, trusted by the servers and the provisioning Job and published as the
   * store's `caCertificate`. Set to `''` when the certificate is publicly trusted and the Secret has no CA.
   * @default 'ca.crt'
   */
  readonly caKey?: string;
}

/** Server-side encryption through MinIO KES (opt-in). */
export interface MinioKesOptions {
  /** KES endpoints, `https://host:7373`. */
  readonly endpoints: string[];
  /** Default key: encrypts IAM and configuration data and is the SSE-S3 and default SSE-KMS key. */
  readonly keyName: string;
  /**
   * API key for KES (exclusive with clientCertificateSecretName).
   * @default - none
   */
  readonly apiKey?: SecretKeyReference;
  /**
   * `kubernetes.io/tls` Secret holding MinIO's client certificate for KES mTLS (exclusive with apiKey).
   * @default - none
   */
  readonly clientCertificateSecretName?: string;
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
