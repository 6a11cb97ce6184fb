// Module-internal helpers of the constructs that make pods read Secrets (re-exported from src/core for the building
// blocks, not from the package).
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { S3Credentials } from './secrets';
import { invalid, Subject } from './validate/subject';

/** Checks and namespaces of Secret readers. */
export class SecretReaders {
  /**
   * Throws unless `value` is an {@link S3Credentials} (JavaScript callers may pass anything, e.g. the former
   * `{ secretName }` object); `what` says who reads the keys.
   */
  public static checkS3(subject: Subject, prop: string, value: unknown, what: string): S3Credentials {
    if (!(value instanceof S3Credentials)) {
      const shown = value === undefined || value === null ? String(value) : typeof value === 'object' ? JSON.stringify(value) : String(value);
      throw invalid(subject, {
        prop,
        value: shown,
        rule: `S3 access keys for ${what} come only from a Secret, as an S3Credentials`,
        fix: 'pass S3Credentials.fromSecretName("<secret>") or S3Credentials.fromSecret(secret)',
      });
    }
    return value;
  }

  /** Namespace of the pods `scope` creates: `namespace` when given, else the chart's, else `default`. */
  public static namespaceOf(scope: IConstruct, namespace?: string): string {
    return namespace ?? Chart.of(scope).namespace ?? 'default';
  }

  private constructor() {}
}
