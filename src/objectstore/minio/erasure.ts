import { ValidationMessageOptions } from '../../core';

/** Inputs of {@link MinioErasureLayout.of}. */
export interface MinioErasureLayoutProps {
  /** Number of MinIO servers (pods) in the pool. */
  readonly servers: number;
  /** Drives (PersistentVolumeClaims) per server. */
  readonly drivesPerServer: number;
  /**
   * Parity drives per erasure set (`EC:N`).
   * @default - MinIO's default for the erasure-set size (see {@link MinioErasureLayout.defaultParity})
   */
  readonly parity?: number;
}

/**
 * MinIO's erasure-coding arithmetic for one server pool, as the server computes it at start-up, so that a layout that
 * MinIO would refuse (or that would stop accepting writes when one server is down) fails at synth instead.
 *
 * What MinIO does (cmd/endpoint-ellipses.go, internal/config/storageclass in the MinIO server):
 * - The erasure-set size is chosen among 2…16. Candidates must divide the total drive count (servers × drives) and be
 *   symmetric with the server ellipsis (the candidate divides the server count or is a multiple of it); MinIO takes
 *   the largest such candidate. With one server there is no server ellipsis and the drive count takes its place.
 * - Drives are laid out drive-major (`server0/data0, server1/data0, …, server0/data1, …`) and cut into consecutive
 *   sets, so every set holds the same number of drives from each of its servers.
 * - Default parity by set size: 2–3 drives EC:1, 4–5 EC:2, 6–7 EC:3, 8 or more EC:4. Parity may not exceed half the set.
 * - Read quorum = data drives; write quorum = data drives, plus one when data equals parity.
 */
export class MinioErasureLayout {
  /** Smallest erasure set MinIO accepts. */
  public static readonly MIN_SET_SIZE = 2;
  /** Largest erasure set MinIO accepts. */
  public static readonly MAX_SET_SIZE = 16;
  /** Fewest drives this library accepts for a distributed MinIO pool. */
  public static readonly MIN_TOTAL_DRIVES = 4;

  /** The layout of `servers` × `drivesPerServer` at `parity` (never throws; see {@link violations}). */
  public static of(props: MinioErasureLayoutProps): MinioErasureLayout {
    return new MinioErasureLayout(props.servers, props.drivesPerServer, props.parity);
  }

  /** MinIO's default parity for an erasure set of `setSize` drives. */
  public static defaultParity(setSize: number): number {
    if (setSize <= 1) return 0;
    if (setSize <= 3) return 1;
    if (setSize <= 5) return 2;
    if (setSize <= 7) return 3;
    return 4;
  }

  /** Write quorum of a set: data drives, plus one when data drives equal parity drives. */
  public static writeQuorumOf(setSize: number, parity: number): number {
    const data = setSize - parity;
    return data === parity ? data + 1 : data;
  }

  /**
   * The erasure-set size MinIO picks for `servers` × `drivesPerServer` drives, or 0 when no size in 2–16 fits.
   */
  public static setSizeFor(servers: number, drivesPerServer: number): number {
    return MinioErasureLayout.candidateSetSizes(servers, drivesPerServer).slice(-1)[0] ?? 0;
  }

  /** Every erasure-set size MinIO would accept for the layout (ascending); the last one is the one it picks. */
  public static candidateSetSizes(servers: number, drivesPerServer: number): number[] {
    const total = servers * drivesPerServer;
    // The symmetry check runs against the first ellipsis of the argument: the server range when there is more than
    // one server, otherwise the drive range.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with one server, first = 1 and first = drives both reduce to "divides the total"
    const first = servers > 1 ? servers : drivesPerServer;
    const out: number[] = [];
    for (let size = MinioErasureLayout.MIN_SET_SIZE; size <= MinioErasureLayout.MAX_SET_SIZE; size++) {
      if (total % size !== 0) continue;
      // Stryker disable next-line EqualityOperator: when first = size both branches are true
      const symmetric = first > size ? first % size === 0 : size % first === 0;
      if (symmetric) out.push(size);
    }
    return out;
  }

  /** Servers in the pool. */
  public readonly servers: number;
  /** Drives per server. */
  public readonly drivesPerServer: number;
  /** servers × drivesPerServer. */
  public readonly totalDrives: number;
  /** Drives per erasure set (0 when no valid size exists). */
  public readonly setSize: number;
  /** Number of erasure sets. */
  public readonly setCount: number;
  /** Parity drives per set (the given parity or MinIO's default). */
  public readonly parity: number;
  /** True when parity was given rather than defaulted. */
  public readonly parityExplicit: boolean;
  /** Data drives per set. */
  public readonly dataDrives: number;
  /** Drives per set that must be online to read an object. */
  public readonly readQuorum: number;
  /** Drives per set that must be online to write an object. */
  public readonly writeQuorum: number;
  /** The most drives a single server contributes to one erasure set. */
  public readonly drivesPerServerInSet: number;
  /** How many servers may be down at once while every set keeps write quorum. */
  public readonly serverFailuresToleratedForWrites: number;
  /** How many servers may be down at once while every set keeps read quorum. */
  public readonly serverFailuresToleratedForReads: number;
  /** Fraction of raw capacity that holds data (data drives / set size). */
  public readonly usableFraction: number;

  private readonly sets: number[][];

  private constructor(servers: number, drivesPerServer: number, parity?: number) {
    this.servers = servers;
    this.drivesPerServer = drivesPerServer;
    this.totalDrives = servers * drivesPerServer;
    const shapeOk = Number.isInteger(servers) && servers >= 1 && Number.isInteger(drivesPerServer) && drivesPerServer >= 1;
    this.setSize = shapeOk ? MinioErasureLayout.setSizeFor(servers, drivesPerServer) : 0;
    this.setCount = this.setSize > 0 ? this.totalDrives / this.setSize : 0;
    this.parityExplicit = parity !== undefined;
    this.parity = parity ?? MinioErasureLayout.defaultParity(this.setSize);
    this.dataDrives = Math.max(0, this.setSize - this.parity);
    this.readQuorum = this.dataDrives;
    this.writeQuorum = MinioErasureLayout.writeQuorumOf(this.setSize, this.parity);
    this.usableFraction = this.setSize > 0 ? this.dataDrives / this.setSize : 0;

    // Drive-major expansion (how MinIO expands `http://host{0...S-1}/data{0...D-1}`), cut into consecutive sets;
    // each entry records which server a drive lives on.
    const order: number[] = [];
    // Stryker disable next-line ConditionalExpression,EqualityOperator: either setSize guard alone keeps a size-0 layout from being cut into sets
    if (this.setSize > 0) {
      for (let d = 0; d < drivesPerServer; d++) for (let s = 0; s < servers; s++) order.push(s);
    }
    this.sets = [];
    // Stryker disable next-line ConditionalExpression,EqualityOperator: either setSize guard alone keeps a size-0 layout from being cut into sets
    for (let i = 0; this.setSize > 0 && i < order.length; i += this.setSize) this.sets.push(order.slice(i, i + this.setSize));
    // Stryker disable next-line MethodExpression: every server of a set holds the same number of its drives, so min = max
    this.drivesPerServerInSet = Math.max(0, ...this.sets.map((set) => Math.max(...perServer(set))));
    this.serverFailuresToleratedForWrites = this.tolerated(this.writeQuorum);
    this.serverFailuresToleratedForReads = this.tolerated(this.readQuorum);
  }

  /** True when every erasure set keeps read and write quorum with any one server down. */
  public get toleratesServerLoss(): boolean {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: no sets tolerate 0; read quorum <= write quorum, so reads tolerate at least what writes do
    return this.setSize > 0 && this.serverFailuresToleratedForWrites >= 1 && this.serverFailuresToleratedForReads >= 1;
  }

  /** `EC:<parity>`, the value of `MINIO_STORAGE_CLASS_STANDARD`. */
  public get storageClass(): string {
    return `EC:${this.parity}`;
  }

  /**
   * The servers each drive of erasure set `index` lives on, in set order (for diagnostics and tests).
   */
  public membersOfSet(index: number): number[] {
    return [...(this.sets[index] ?? [])];
  }

  /**
   * Every rule the layout breaks, worded for {@link edgeError} (empty when MinIO will accept it).
   * @param tolerateServerLoss also require read and write quorum with one whole server down
   */
  public violations(tolerateServerLoss: boolean): ValidationMessageOptions[] {
    const shape = `${this.servers} servers × ${this.drivesPerServer} drives`;
    if (!Number.isInteger(this.servers) || this.servers < 1) {
      return [{ prop: 'servers', value: this.servers, rule: 'must be a whole number of at least 1', fix: 'use 4 or more servers' }];
    }
    if (!Number.isInteger(this.drivesPerServer) || this.drivesPerServer < 1) {
      return [{ prop: 'drivesPerServer', value: this.drivesPerServer, rule: 'must be a whole number of at least 1', fix: 'use 1 or more drives per server' }];
    }
    if (this.totalDrives < MinioErasureLayout.MIN_TOTAL_DRIVES) {
      return [{
        prop: 'servers × drivesPerServer',
        value: this.totalDrives,
        rule: `${shape} is fewer than the ${MinioErasureLayout.MIN_TOTAL_DRIVES} drives distributed erasure coding needs`,
        fix: 'use at least 4 servers × 1 drive (or more drives per server)',
      }];
    }
    if (this.setSize === 0) {
      return [{
        prop: 'servers × drivesPerServer',
        value: this.totalDrives,
        rule: `${shape}: MinIO needs an erasure-set size between ${MinioErasureLayout.MIN_SET_SIZE} and ${MinioErasureLayout.MAX_SET_SIZE} that divides the ${this.totalDrives} drives and divides (or is a multiple of) the ${this.servers > 1 ? `${this.servers} servers` : `${this.drivesPerServer} drives`}, and none does`,
        fix: `use ${this.nearbyLayouts()}`,
      }];
    }
    const maxParity = Math.floor(this.setSize / 2);
    if (!Number.isInteger(this.parity) || this.parity < 1) {
      return [{ prop: 'parity', value: this.parity, rule: 'must be a whole number of at least 1 (EC:0 keeps no redundancy)', fix: `use parity 1…${maxParity}, or leave it unset for MinIO's default EC:${MinioErasureLayout.defaultParity(this.setSize)}` }];
    }
    if (this.parity > maxParity) {
      return [{
        prop: 'parity',
        value: this.parity,
        rule: `must be at most half the erasure set (${this.setSize} drives, so at most ${maxParity})`,
        fix: `use parity 1…${maxParity}`,
      }];
    }
    if (tolerateServerLoss && !this.toleratesServerLoss) {
      return [this.serverLossViolation(shape)];
    }
    return [];
  }

  private serverLossViolation(shape: string): ValidationMessageOptions {
    const k = this.drivesPerServerInSet;
    const left = this.setSize - k;
    const sets = this.setCount === 1 ? '1 erasure set' : `${this.setCount} erasure sets`;
    const why = this.servers === 1
      ? `${shape}: a single server is a single point of failure, every drive goes down with it`
      : `${shape} form ${sets} of ${this.setSize} drives with ${k} drive${k === 1 ? '' : 's'} on each server; with one server down a set keeps ${left} drives, below the ${quorumWords(left, this.readQuorum, this.writeQuorum)} (EC:${this.parity} leaves ${this.dataDrives} data drives per set)`;
    const fixes: string[] = [];
    const parity = this.minimumParityForServerLoss();
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: a parity that fixes a server loss is at most the drives per server, below half the set whenever a fix exists
    if (parity !== undefined) fixes.push(`use parity ${parity} (EC:${parity})${parity < Math.floor(this.setSize / 2) ? ' or higher' : ''}`);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: one server never survives its own loss, so the search finds nothing either way
    const drives = this.servers > 1 ? this.maximumDrivesPerServerForServerLoss() : undefined;
    if (drives !== undefined) fixes.push(`use at most ${drives} drive${drives === 1 ? '' : 's'} per server`);
    if (this.servers < 4) fixes.push('add servers (4 or more)');
    fixes.push('or set tolerateServerLoss: false to accept losing writes while a server is down');
    return { prop: 'parity', value: this.parity, rule: why, fix: fixes.join(', ') };
  }


  /** The smallest parity (≤ half the set) that keeps quorum with one server down, if any. */
  private minimumParityForServerLoss(): number | undefined {
    // Stryker disable next-line EqualityOperator: half the set survives only where the drives-per-server parity, a smaller one, already does
    for (let p = 1; p <= Math.floor(this.setSize / 2); p++) {
      if (new MinioErasureLayout(this.servers, this.drivesPerServer, p).toleratesServerLoss) return p;
    }
    return undefined;
  }

  /** The most drives per server below the current count that tolerate one server loss at this parity (or the default). */
  private maximumDrivesPerServerForServerLoss(): number | undefined {
    for (let d = this.drivesPerServer - 1; d >= 1; d--) {
      const atParity = new MinioErasureLayout(this.servers, d, this.parityExplicit ? this.parity : undefined);
      if (atParity.violations(true).length === 0) return d;
    }
    return undefined;
  }

  private nearbyLayouts(): string {
    const options: string[] = [];
    // Stryker disable next-line EqualityOperator: one server fits every drive count 2-16, so two are found long before d reaches 1
    for (let d = this.drivesPerServer; d >= 1 && options.length < 2; d--) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the current count has no set size; d < 4 is never reached (see above)
      if (d !== this.drivesPerServer && MinioErasureLayout.setSizeFor(this.servers, d) > 0 && this.servers * d >= 4) options.push(`${this.servers} servers × ${d} drives`);
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,UpdateOperator: a server count with no set size is odd and above 16, so the next one is even and fits at the first step
    for (let s = this.servers + 1; s <= this.servers + 16 && options.length < 3; s++) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the first server count tried always fits (see above)
      if (MinioErasureLayout.setSizeFor(s, this.drivesPerServer) > 0) {
        options.push(`${s} servers × ${this.drivesPerServer} drives`);
        break;
      }
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: at least one layout is always found (see above)
    return options.length > 0 ? options.join(' or ') : 'a server count that 2–16 divides';
  }

  /** Max number of servers that may be down while every set keeps `quorum` drives (worst case choice of servers). */
  private tolerated(quorum: number): number {
    if (this.sets.length === 0 || quorum <= 0) return 0;
    let min = Number.MAX_SAFE_INTEGER;
    for (const set of this.sets) {
      // Stryker disable next-line all: every server of a set holds the same number of its drives, so the order does not matter
      const counts = perServer(set).sort((a, b) => b - a);
      const spare = set.length - quorum;
      let lost = 0;
      let t = 0;
      for (const c of counts) {
        if (lost + c > spare) break;
        lost += c;
        t++;
      }
      // Servers holding no drive of this set do not affect it, so the set's own servers decide.
      min = Math.min(min, t);
    }
    return Math.min(min, this.servers);
  }

}

/** How the set's remaining drives compare with its quorums, in words. */
function quorumWords(left: number, read: number, write: number): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: missing read quorum with read != write needs data = parity with one server, which gets the single-server message
  if (left < read && read === write) return `read and write quorum of ${write}`;
  // Stryker disable next-line all: unreachable (see above)
  if (left < read) return `read quorum of ${read} and the write quorum of ${write}`;
  return `write quorum of ${write}`;
}

/** Drives per server in one set (the set lists the server of each drive). */
function perServer(set: number[]): number[] {
  const m = new Map<number, number>();
  for (const s of set) m.set(s, (m.get(s) ?? 0) + 1);
  return [...m.values()];
}
