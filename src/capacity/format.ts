import { Size, SizeRoundingBehavior } from 'cdk8s';
import { formatBytes, formatNumber, formatSeconds } from './text';

/**
 * Human formatting in decimal (SI) units, as the planner reports them: 1 kB = 1000 B, 1 TB = 10^12 B,
 * 1 Mbps = 10^6 bit/s.
 */
export class CapacityFormat {
  /** `30240000000000` → `30.24 TB` (largest unit with a value ≥ 1, at most two decimals, rounded to nearest). */
  public static bytes(bytes: number): string {
    return formatBytes(bytes);
  }

  /** `400` → `400 Mbps`; `1200` → `1,200 Mbps` (at most two decimals). */
  public static mbps(mbps: number): string {
    return `${formatNumber(mbps)} Mbps`;
  }

  /**
   * `28800` → `28,800`; `0.850` → `0.85` (thousands separators, decimals trimmed).
   *
   * @param maxDecimals at most this many decimals (default 2)
   */
  public static number(value: number, maxDecimals?: number): string {
    return formatNumber(value, maxDecimals ?? 2);
  }

  /** Seconds as `24 h`, `90 min` or `45 s`. */
  public static seconds(seconds: number): string {
    return formatSeconds(seconds);
  }

  private constructor() {}
}

/**
 * cdk8s `Size` only has binary constructors (KiB … PiB). Drives and models are sized in decimal units, so these
 * build a `Size` from decimal amounts (16 TB = 16 × 10^12 bytes) and read any `Size` back as bytes.
 */
export class DecimalSize {
  /** `amount` bytes. */
  public static bytes(amount: number): Size {
    return Size.kibibytes(amount / 1024);
  }

  /** `amount` × 10^6 bytes. */
  public static megabytes(amount: number): Size {
    return DecimalSize.bytes(amount * 1e6);
  }

  /** `amount` × 10^9 bytes. */
  public static gigabytes(amount: number): Size {
    return DecimalSize.bytes(amount * 1e9);
  }

  /** `amount` × 10^12 bytes. */
  public static terabytes(amount: number): Size {
    return DecimalSize.bytes(amount * 1e12);
  }

  /** `amount` × 10^15 bytes. */
  public static petabytes(amount: number): Size {
    return DecimalSize.bytes(amount * 1e15);
  }

  /** The number of bytes in `size`, whatever unit it was built with. */
  public static toBytes(size: Size): number {
    return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
  }

  private constructor() {}
}
