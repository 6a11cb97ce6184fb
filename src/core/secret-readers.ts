// Module-internal helpers of the constructs that make pods read Secrets (re-exported from src/core for the building
// blocks, not from the package).
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { KafkaCredentials, S3Credentials, TlsCredentials } from './secrets';
import { invalid, Subject } from './validate/subject';

/** Checks and namespaces of Secret readers. */
export class SecretReaders {
  /**
   * Throws unless `value` is an {@link S3Credentials} (JavaScript callers may pass anything, e.g. the former
   * `{ secretName }` object); `what` says who reads the keys.
   */
  public static checkS3(subject: Subject, prop: string, value: unknown, what: string): S3Credentials {
    if (value instanceof S3Credentials) return value;
    throw SecretReaders.refused(subject, prop, value, `S3 access keys for ${what} come only from a Secret, as an S3Credentials`,
      'pass S3Credentials.fromSecretName("<secret>") or S3Credentials.fromSecret(secret)');
  }

  /** Throws unless `value` is undefined or a {@link KafkaCredentials} (not a look-alike plain object). */
  public static checkKafka(subject: Subject, prop: string, value: unknown): void {
    if (value === undefined || value instanceof KafkaCredentials) return;
    throw SecretReaders.refused(subject, prop, value, 'must be a KafkaCredentials',
      'pass KafkaCredentials.fromSecretName("<Secret>", { username: "<user>" }), KafkaCredentials.fromKafkaUser(…), or an EdgeKafkaUser\'s credentials');
  }

  /** Throws unless `value` is undefined or a {@link TlsCredentials} (not a look-alike plain object). */
  public static checkTls(subject: Subject, prop: string, value: unknown): void {
    if (value === undefined || value instanceof TlsCredentials) return;
    throw SecretReaders.refused(subject, prop, value, 'must be a TlsCredentials',
      'pass TlsCredentials.fromSecretName("<kubernetes.io/tls Secret>") or TlsCredentials.fromSecret(secret)');
  }

  /** Namespace of the pods `scope` creates: `namespace` when given, else the chart's, else `default`. */
  public static namespaceOf(scope: IConstruct, namespace?: string): string {
    return namespace ?? Chart.of(scope).namespace ?? 'default';
  }

  private static refused(subject: Subject, prop: string, value: unknown, rule: string, fix: string): Error {
    const shown = value === undefined || value === null ? String(value) : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return invalid(subject, { prop, value: shown, rule, fix });
  }

  private constructor() {}
}
