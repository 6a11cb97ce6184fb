import { SizeRoundingBehavior } from 'cdk8s';
import { IConstruct } from 'constructs';
import { edgeError, ValidationMessageOptions } from './errors';

/** The largest rate a `Bandwidth` holds: 2^53 − 1 bytes per second (≈ 9 PB/s), so every rendering is a whole number. */
const MAX_BYTES_PER_SECOND = Number.MAX_SAFE_INTEGER;

/**
 * A data rate: the one type of every bandwidth limit, quota and expected rate the library takes (docs/design.md §3).
 *
 * Create it in the unit you think in — `Bandwidth.mbps(100)` (network links, 10^6 bit/s) or
 * `Bandwidth.mebibytesPerSecond(20)` (2^20 bytes/s) — and each construct renders it in the unit its program takes
 * (rclone `--bwlimit`, restic `--limit-upload`, `mc replicate --bandwidth`, curl `--limit-rate`, Kafka quotas).
 * A rate must be positive and finite; constructs add their own lower bounds (most tools cannot limit below 1 KiB/s).
 */
export class Bandwidth {
  /** A rate in bytes per second. */
  public static bytesPerSecond(amount: number): Bandwidth {
    return new Bandwidth('bytesPerSecond', amount, 1, 'B/s');
  }

  /** A rate in kibibytes per second (2^10 bytes/s). */
  public static kibibytesPerSecond(amount: number): Bandwidth {
    return new Bandwidth('kibibytesPerSecond', amount, 1024, 'KiB/s');
  }

  /** A rate in mebibytes per second (2^20 bytes/s). */
  public static mebibytesPerSecond(amount: number): Bandwidth {
    return new Bandwidth('mebibytesPerSecond', amount, 1024 ** 2, 'MiB/s');
  }

  /** A rate in gibibytes per second (2^30 bytes/s). */
  public static gibibytesPerSecond(amount: number): Bandwidth {
    return new Bandwidth('gibibytesPerSecond', amount, 1024 ** 3, 'GiB/s');
  }

  /** A rate in megabytes per second (10^6 bytes/s, the unit MinIO's messages call "MBps"). */
  public static megabytesPerSecond(amount: number): Bandwidth {
    return new Bandwidth('megabytesPerSecond', amount, 1_000_000, 'MB/s');
  }

  /** A rate in megabits per second (10^6 bit/s = 125,000 bytes/s), the unit network links are sold in. */
  public static mbps(amount: number): Bandwidth {
    return new Bandwidth('mbps', amount, 1_000_000 / 8, 'Mbit/s');
  }

  /** A rate in gigabits per second (10^9 bit/s = 125,000,000 bytes/s). */
  public static gbps(amount: number): Bandwidth {
    return new Bandwidth('gbps', amount, 1_000_000_000 / 8, 'Gbit/s');
  }

  private readonly bytes: number;

  private constructor(factory: string, private readonly amount: number, factor: number, private readonly unit: string) {
    if (typeof amount !== 'number' || !Number.isFinite(amount) || !(amount > 0)) {
      const shown = typeof amount === 'string' ? JSON.stringify(amount) : String(amount);
      throw new Error(`Bandwidth.${factory}(${shown}): amount = ${shown}: must be a positive, finite number; use e.g. Bandwidth.${factory}(10), or leave the prop unset for no limit`);
    }
    this.bytes = amount * factor;
    if (!(this.bytes <= MAX_BYTES_PER_SECOND)) {
      throw new Error(`Bandwidth.${factory}(${amount}): amount = ${amount}: is ${this.bytes} bytes/s, above the largest rate the library renders exactly (2^53 − 1 bytes/s ≈ 9 PB/s); use a realistic rate, or leave the prop unset for no limit`);
    }
  }

  /** The rate in bytes per second (not rounded). */
  public toBytesPerSecond(): number {
    return this.bytes;
  }

  /** The rate in kibibytes per second (not rounded). */
  public toKibibytesPerSecond(): number {
    return this.bytes / 1024;
  }

  /** The rate in mebibytes per second (not rounded). */
  public toMebibytesPerSecond(): number {
    return this.bytes / 1024 ** 2;
  }

  /** The rate in megabits per second (10^6 bit/s, not rounded). */
  public toMbps(): number {
    return this.bytes * 8 / 1_000_000;
  }

  /** The rate as it was written: `20 MiB/s`, `800 Mbit/s`. */
  public toString(): string {
    return `${this.amount} ${this.unit}`;
  }
}

/**
 * Renders a {@link Bandwidth} the way each program takes it, always rounding down (a limit is never exceeded), and
 * checks a construct's `Bandwidth` prop against that program's lower bound, naming the prop.
 *
 * Internal (not exported from the package; the building blocks import it from `src/core`).
 */
export class BandwidthFormat {
  /** Whole bytes per second (`mc replicate --bandwidth`, curl `--limit-rate`, Kafka `producerByteRate`). */
  public static wholeBytesPerSecond(rate: Bandwidth): number {
    return Math.floor(rate.toBytesPerSecond());
  }

  /** Whole KiB per second (restic `--limit-upload` and `--limit-download` take KiB/s). */
  public static wholeKibibytesPerSecond(rate: Bandwidth): number {
    return Math.floor(rate.toBytesPerSecond() / 1024);
  }

  /** rclone `--bwlimit` text: whole KiB/s with the `K` suffix (rclone's size suffixes are binary: `1M` = 1 MiB/s). */
  public static rcloneBwLimit(rate: Bandwidth): string {
    return `${BandwidthFormat.wholeKibibytesPerSecond(rate)}K`;
  }

  /**
   * Checks the `Bandwidth` a user passed as `prop` of `construct`: it must be a `Bandwidth` (plain JavaScript, or a
   * `Size` from before the type existed) and at least the minimum. Returns it, or undefined when unset.
   */
  public static check(construct: IConstruct, prop: string, value: unknown, min: BandwidthMinimum): Bandwidth | undefined {
    const problem = BandwidthFormat.problem(prop, value, min);
    if (problem) throw edgeError(construct, problem);
    return value as Bandwidth | undefined;
  }

  /** What is wrong with `value` given as `prop` (see {@link BandwidthFormat.check}), or undefined. */
  public static problem(prop: string, value: unknown, min: BandwidthMinimum): ValidationMessageOptions | undefined {
    if (value === undefined) return undefined;
    if (!(value instanceof Bandwidth)) {
      const kib = typeof (value as any)?.toKibibytes === 'function' ? (value as any).toKibibytes({ rounding: SizeRoundingBehavior.NONE }) : undefined;
      return {
        prop,
        value: kib !== undefined ? `Size of ${kib} KiB` : (typeof value === 'object' ? String(value) : value),
        rule: 'must be a Bandwidth (a rate, not a number or a Size)',
        fix: kib !== undefined ? `use Bandwidth.kibibytesPerSecond(${kib}), or e.g. Bandwidth.mebibytesPerSecond(20)` : 'use e.g. Bandwidth.mebibytesPerSecond(20) or Bandwidth.mbps(100)',
      };
    }
    if (value.toBytesPerSecond() < min.bytesPerSecond) {
      return { prop, value: value.toString(), rule: min.rule, fix: min.fix };
    }
    return undefined;
  }

  private constructor() {}
}

/** The lower bound a consumer of a {@link Bandwidth} enforces. Internal. */
export interface BandwidthMinimum {
  /** The least rate the program accepts (or that renders above 0), in bytes per second. */
  readonly bytesPerSecond: number;
  /** The rule a lower rate breaks, e.g. `must be at least 1 KiB/s (rclone --bwlimit takes whole KiB/s)`. */
  readonly rule: string;
  /** What to do instead. */
  readonly fix: string;
}

/** The bound of programs that take whole KiB per second (rclone, restic). Internal. */
export const AT_LEAST_ONE_KIB: BandwidthMinimum = {
  bytesPerSecond: 1024,
  rule: 'must be at least 1 KiB/s (the program takes whole KiB per second, so less would render as 0 = unlimited)',
  fix: 'use e.g. Bandwidth.mebibytesPerSecond(10), or omit it for no limit',
};

/** No bound beyond what `Bandwidth` itself requires (positive): for rates that only feed checks. Internal. */
export const ANY_POSITIVE: BandwidthMinimum = { bytesPerSecond: 0, rule: 'must be positive', fix: 'omit it' };
