import { IConstruct } from 'constructs';
import { edgeError } from '../../core';
import { S3Rules } from '../../core/validate';

/**
 * S3 bucket and key-prefix rules (the general-purpose bucket rules of AWS S3, which MinIO and Ceph RGW follow too).
 * Internal (not exported from the package).
 */
export class S3Names {
  /** Throws unless `bucket` is a valid S3 bucket name. */
  public static assertBucket(scope: IConstruct, prop: string, bucket: string): void {
    S3Rules.checkBucket(scope, prop, bucket);
  }

  /**
   * Throws unless `prefix` is a usable key prefix; returns it without a trailing slash (or undefined when empty).
   */
  public static normalizePrefix(scope: IConstruct, prop: string, prefix: string | undefined): string | undefined {
    if (prefix === undefined) return undefined;
    const trimmed = prefix.replace(/\/+$/, '');
    let problem: string | undefined;
    if (prefix.startsWith('/')) problem = 'must not start with "/"';
    else if (trimmed.split('/').some((s) => s === '')) problem = 'must not contain empty path segments ("//")';
    else if (trimmed.split('/').some((s) => s === '.' || s === '..')) problem = 'must not contain "." or ".." segments';
    else if (!/^[A-Za-z0-9!_.*'()/-]*$/.test(trimmed)) problem = "may only use letters, digits, '/' and the S3-safe characters ! - _ . * ' ( )";
    else if (Buffer.byteLength(trimmed) > 512) problem = 'is longer than 512 bytes (S3 keys end at 1024 bytes and the tool adds its own paths)';
    if (problem) {
      const fix = trimmed.replace(/^\/+/, '').replace(/\/{2,}/g, '/').replace(/[^A-Za-z0-9!_.*'()/-]/g, '-') || 'site-a/backups';
      throw edgeError(scope, { prop, value: prefix, rule: `not a valid S3 key prefix: it ${problem}`, fix: `use a prefix like "${fix}"` });
    }
    return trimmed === '' ? undefined : trimmed;
  }

  /** Why `bucket` is not a valid bucket name, or undefined. */
  public static bucketProblem(bucket: string): string | undefined {
    return S3Rules.bucketProblem(bucket);
  }

  private constructor() {}
}
