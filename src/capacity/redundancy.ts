import { ProblemList } from './problems';

/** How a storage system protects data. */
export enum RedundancyKind {
  /** One copy: a failed drive loses its data. */
  NONE = 'none',
  /** Erasure coding: data split into k data chunks plus m coding chunks. */
  ERASURE_CODED = 'erasure-coded',
  /** Full copies on n drives or hosts. */
  REPLICATED = 'replicated',
}

/**
 * The data-protection scheme a capacity estimate assumes, and its storage overhead (raw bytes per logical byte).
 *
 * - `Redundancy.erasureCoded(k, m)`: overhead (k+m)/k, survives m lost chunks (Ceph `dataChunks`/`codingChunks`,
 *   MinIO data/parity drives of an erasure set).
 * - `Redundancy.replicated(n)`: overhead n, survives n−1 lost copies (Ceph `size`, Longhorn `numberOfReplicas`).
 * - `Redundancy.NONE`: overhead 1 (a single LocalPV volume).
 */
export class Redundancy {
  /** A single copy (overhead 1, no failure tolerated). */
  public static readonly NONE = new Redundancy(RedundancyKind.NONE, 1, 0, 1);

  /**
   * Erasure coding with `dataChunks` (k) data and `codingChunks` (m) coding chunks.
   *
   * @param dataChunks k, an integer ≥ 1
   * @param codingChunks m, an integer ≥ 0 (0 means no protection)
   */
  public static erasureCoded(dataChunks: number, codingChunks: number): Redundancy {
    const problems = new ProblemList('Redundancy.erasureCoded');
    Redundancy.integerAtLeast(problems, 'dataChunks', dataChunks, 1, 'use k ≥ 1, e.g. 2 for EC 2+2 on four hosts');
    Redundancy.integerAtLeast(problems, 'codingChunks', codingChunks, 0, 'use m ≥ 0, e.g. 2 for EC 2+2 (m = 1 survives only one failure)');
    problems.throwIfAny();
    return new Redundancy(RedundancyKind.ERASURE_CODED, dataChunks, codingChunks, undefined);
  }

  /**
   * `replicas` full copies of the data.
   *
   * @param replicas n, an integer ≥ 1
   */
  public static replicated(replicas: number): Redundancy {
    const problems = new ProblemList('Redundancy.replicated');
    Redundancy.integerAtLeast(problems, 'replicas', replicas, 1, 'use n ≥ 1, e.g. 3 replicas (Ceph\'s default pool size)');
    problems.throwIfAny();
    return new Redundancy(RedundancyKind.REPLICATED, 1, replicas - 1, replicas);
  }

  private static integerAtLeast(problems: ProblemList, prop: string, value: unknown, min: number, fix: string): void {
    // Stryker disable next-line ConditionalExpression: Number.isSafeInteger is false for non-numbers too; typeof narrows the type
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      problems.add(prop, value, `must be an integer ≥ ${min}`, fix);
    }
  }

  /** The scheme. */
  public readonly kind: RedundancyKind;
  /** k for erasure coding; 1 for replication and none. */
  public readonly dataChunks: number;
  /** m for erasure coding; n−1 extra copies for replication; 0 for none. */
  public readonly codingChunks: number;
  /**
   * n for replication, 1 for none.
   *
   * @default - undefined for erasure coding
   */
  public readonly replicas?: number;
  /** Raw bytes stored per logical byte: (k+m)/k, n, or 1. */
  public readonly overhead: number;
  /** How many drives (chunks or copies) can be lost without losing data: m, n−1, or 0. */
  public readonly failuresTolerated: number;
  /** The fewest drives that can hold one stripe or all copies: k+m, n, or 1. */
  public readonly minimumDrives: number;
  /** Short text: `EC 2+2`, `3 replicas`, `none`. */
  public readonly description: string;

  private constructor(kind: RedundancyKind, dataChunks: number, codingChunks: number, replicas: number | undefined) {
    this.kind = kind;
    this.dataChunks = dataChunks;
    this.codingChunks = codingChunks;
    this.replicas = replicas;
    this.overhead = (dataChunks + codingChunks) / dataChunks;
    this.failuresTolerated = codingChunks;
    this.minimumDrives = dataChunks + codingChunks;
    switch (kind) {
      case RedundancyKind.ERASURE_CODED:
        this.description = `EC ${dataChunks}+${codingChunks}`;
        break;
      case RedundancyKind.REPLICATED:
        this.description = replicas === 1 ? '1 replica' : `${replicas} replicas`;
        break;
      default:
        this.description = 'none';
    }
  }

  /** Same as `description`. */
  public toString(): string {
    return this.description;
  }
}
