import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';

/**
 * Formatting helpers shared by the backup constructs. Internal (not exported from the package).
 */
export class Format {
  /**
   * A duration the way Go's `time.Duration.String()` prints it, which is how Velero stores `metav1.Duration`
   * fields: `720h0m0s`, `1h30m0s`, `5m0s`, `45s`.
   */
  public static goDuration(duration: Duration): string {
    const total = Math.round(duration.toSeconds({ integral: false }));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    if (h > 0) return `${h}h${m}m${s}s`;
    if (m > 0) return `${m}m${s}s`;
    return `${s}s`;
  }

  /** Whole seconds of a duration (fractions are rounded). */
  public static seconds(duration: Duration): number {
    return Math.round(duration.toSeconds({ integral: false }));
  }

  /**
   * A duration for restic's `--keep-within` (units y, m, d, h; the smallest is one hour): whole days as `30d`,
   * otherwise whole hours as `36h`. Returns undefined for less than one hour.
   */
  public static resticDuration(duration: Duration): string | undefined {
    const hours = Math.floor(duration.toSeconds({ integral: false }) / 3600);
    if (hours < 1) return undefined;
    return hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
  }

  /** A duration for rclone's `--min-age` (suffixes d, h, m, s): the largest unit that divides it. */
  public static rcloneDuration(duration: Duration): string {
    const s = Math.round(duration.toSeconds({ integral: false }));
    if (s % 86400 === 0) return `${s / 86400}d`;
    if (s % 3600 === 0) return `${s / 3600}h`;
    if (s % 60 === 0) return `${s / 60}m`;
    return `${s}s`;
  }

  /** A size in whole KiB (rounded up). */
  public static kibibytes(size: Size): number {
    return Math.ceil(size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }));
  }

  /** Quotes a word for a POSIX shell: bare when it is made of safe characters, else in single quotes. */
  public static shellQuote(word: string): string {
    if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
    return `'${word.replace(/'/g, '\'\\\'\'')}'`;
  }

  /** Human form of a duration in minutes: `1d`, `6h`, `1d12h`, `45m`. */
  public static minutes(total: number): string {
    const d = Math.floor(total / 1440);
    const h = Math.floor((total % 1440) / 60);
    const m = total % 60;
    return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : ''].join('') || '0m';
  }

  private constructor() {}
}
