import { invalid, Subject } from './subject';

/**
 * S3 names: regions as MinIO checks them (its config accepts `^[a-zA-Z][a-zA-Z0-9_-]+$`, e.g. `us-east-1`,
 * `us_east`, `helloWorld`) and bucket names as MinIO, Ceph RGW and AWS S3 all accept them.
 */
export class S3Rules {
  /** Why `region` is not a region MinIO (and the S3 clients the library configures) accept, or undefined. */
  public static regionProblem(region: string): string | undefined {
    if (typeof region !== 'string') return 'must be a string';
    if (!/^[a-zA-Z][a-zA-Z0-9_-]+$/.test(region)) return "must start with a letter and have at least two characters of letters, digits, '-' and '_' (MinIO's rule)";
    return undefined;
  }

  /** Throws unless `region` (when given) is a valid region name. */
  public static checkRegion(subject: Subject, prop: string, region: string | undefined): void {
    if (region === undefined) return;
    const problem = S3Rules.regionProblem(region);
    if (problem) {
      const suggestion = String(region).trim().replace(/[^a-zA-Z0-9_-]+/g, '-').replace(/^[^a-zA-Z]+/, '').replace(/-+$/, '');
      const fix = suggestion.length >= 2 && suggestion !== region && !S3Rules.regionProblem(suggestion) ? `use "${suggestion}"` : 'use e.g. "us-east-1"';
      throw invalid(subject, { prop, value: region, rule: `not a valid S3 region: ${problem}`, fix });
    }
  }

  /** Why `bucket` is not a valid bucket name, or undefined. */
  public static bucketProblem(bucket: string): string | undefined {
    if (typeof bucket !== 'string') return 'must be a string';
    if (bucket.length < 3 || bucket.length > 63) return `must be 3-63 characters long (is ${bucket.length})`;
    if (!/^[a-z0-9.-]+$/.test(bucket)) return 'may only contain lowercase letters, digits, dots and hyphens';
    if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket)) return 'must begin and end with a letter or digit';
    if (bucket.includes('..')) return 'must not contain two adjacent dots';
    if (bucket.includes('.-') || bucket.includes('-.')) return 'must not have a dot next to a hyphen';
    if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return 'must not look like an IP address';
    for (const p of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (bucket.startsWith(p)) return `must not start with the reserved prefix "${p}"`;
    for (const s of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) if (bucket.endsWith(s)) return `must not end with the reserved suffix "${s}"`;
    return undefined;
  }

  /** A valid bucket name close to `bucket` and different from it. */
  public static suggestBucket(bucket: string): string {
    const base = String(bucket).toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/\.{2,}/g, '.').replace(/(\.-|-\.)+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 63).replace(/[^a-z0-9]+$/, '');
    const candidates = [
      base,
      base.replace(/\./g, '-'),
      base.replace(/^(xn--|sthree-|amzn-s3-demo-)+/, '').replace(/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)+$/, ''),
      base.length > 0 && base.length < 3 ? `${base}-bucket` : '',
      'edge-bucket',
      'edge-bucket-1',
    ];
    return candidates.find((c) => c !== bucket && !S3Rules.bucketProblem(c))!;
  }

  /**
   * Throws unless `bucket` is a valid bucket name. The fix is `fix` when given, else a suggested name that is itself
   * valid and differs from `bucket`.
   */
  public static checkBucket(subject: Subject, prop: string, bucket: string, fix?: string): void {
    const problem = S3Rules.bucketProblem(bucket);
    if (problem) {
      throw invalid(subject, { prop, value: bucket, rule: `not a valid S3 bucket name: ${problem}`, fix: fix ?? `use a name like "${S3Rules.suggestBucket(bucket)}"` });
    }
  }

  private constructor() {}
}
