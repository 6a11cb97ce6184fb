import { Duration } from 'cdk8s';
import { invalid, Subject } from './subject';

/** Units a prop may have to count in whole numbers (the `Duration` factory of the same name builds one). */
export type WholeDurationUnit = 'days' | 'minutes' | 'seconds';

const UNIT_MILLIS: Record<WholeDurationUnit, number> = { days: 86_400_000, minutes: 60_000, seconds: 1_000 };

const HUMAN_UNITS: Array<[string, number]> = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1_000]];

/**
 * Durations that an upstream field counts in whole units (MinIO lifecycle days, InfluxDB bucket retention in days,
 * segment minutes). Internal (not exported from the package).
 */
export class Durations {
  /**
   * Checks that `value` is a Duration of a whole number of `unit`s, at least `min`, and returns that number. Any unit
   * may build it (`Duration.hours(48)` is 2 days); the refused value is shown readably (`1 day 12 hours`) and the fix
   * names the nearest accepted value (`use Duration.days(2)`), followed by `why`.
   */
  public static wholeUnits(subject: Subject, prop: string, value: unknown, unit: WholeDurationUnit, min: number, why: string): number {
    const factory = (n: number) => `Duration.${unit}(${n})`;
    if (!(value instanceof Duration)) {
      // A plain number (the props once took `retentionDays: 7`) is named in the fix with its unit.
      const near = typeof value === 'number' && Number.isFinite(value) ? Math.max(min, Math.ceil(value)) : min;
      throw invalid(subject, { prop, value: value === undefined ? 'undefined' : value, rule: 'must be a Duration', fix: `use ${factory(near)} (${why})` });
    }
    const amount = value.toMilliseconds({ integral: false }) / UNIT_MILLIS[unit];
    if (!Number.isInteger(amount) || amount < min) {
      const near = Number.isFinite(amount) ? Math.max(min, Math.ceil(amount)) : min;
      const shown = Durations.human(value, unit);
      throw invalid(subject, { prop, value: shown, rule: `must be a whole number of ${unit}, at least ${min}`, fix: `use ${factory(near)} (${why})` });
    }
    return amount;
  }

  /**
   * `d` as people say it, every part kept: `1 day 12 hours`, `4 minutes 30 seconds`, `0 days` (cdk8s'
   * `toHumanString()` keeps two parts and writes 25 hours as `1 day 60 minutes`).
   */
  public static human(d: Duration, zeroUnit: WholeDurationUnit = 'days'): string {
    let ms = d.toMilliseconds({ integral: false });
    if (!Number.isFinite(ms)) return `${ms} ${zeroUnit}`;
    if (ms === 0) return `0 ${zeroUnit}`;
    const parts: string[] = [];
    for (const [name, size] of HUMAN_UNITS) {
      const n = Math.floor(ms / size);
      if (n > 0) {
        parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
        ms -= n * size;
      }
    }
    if (ms > 0) parts.push(`${Number(ms.toPrecision(12))} milliseconds`);
    return parts.join(' ');
  }

  private constructor() {}
}
