import { IConstruct } from 'constructs';

/** A place in an S3 store that one construct writes to. */
export interface S3Target {
  readonly endpoint: string;
  readonly bucket: string;
  readonly prefix?: string;
  /** What writes there, for messages: `restic repository`, `Velero location`… */
  readonly what: string;
}

const TARGET = Symbol.for('cdk8s-edge-storage.backup.s3-target');

/**
 * Records where backup constructs write in S3 so locations can refuse overlapping layouts (Velero rejects a
 * bucket/prefix holding foreign top-level directories). Internal (not exported from the package).
 */
export class S3Targets {
  public static register(scope: IConstruct, target: S3Target): void {
    (scope as any)[TARGET] = target;
  }

  public static of(scope: IConstruct): S3Target | undefined {
    return (scope as any)[TARGET];
  }

  /** Every other construct in the app whose S3 target overlaps `scope`'s. */
  public static overlapping(scope: IConstruct): Array<{ construct: IConstruct; target: S3Target }> {
    const mine = S3Targets.of(scope);
    if (!mine) return [];
    return scope.node.root.node.findAll()
      .filter((c) => c !== scope)
      .map((c) => ({ construct: c, target: S3Targets.of(c) }))
      .filter((e): e is { construct: IConstruct; target: S3Target } => e.target !== undefined && S3Targets.overlaps(mine, e.target));
  }

  /** Same endpoint and bucket, and one prefix contains the other (no prefix = the whole bucket). */
  public static overlaps(a: S3Target, b: S3Target): boolean {
    if (S3Targets.normalizeEndpoint(a.endpoint) !== S3Targets.normalizeEndpoint(b.endpoint) || a.bucket !== b.bucket) return false;
    const pa = a.prefix ? `${a.prefix}/` : '';
    const pb = b.prefix ? `${b.prefix}/` : '';
    return pa.startsWith(pb) || pb.startsWith(pa);
  }

  private static normalizeEndpoint(endpoint: string): string {
    return endpoint.toLowerCase().replace(/\/+$/, '');
  }

  private constructor() {}
}
