import { Cron, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CronExpression } from './cron';
import { Format } from './format';
import { edgeError, Warnings } from '../../core';

/** A validated schedule. */
export interface CheckedSchedule {
  readonly expression: string;
  /** Longest time between two runs. */
  readonly maxGap: Duration;
  readonly maxGapMinutes: number;
}

/**
 * Validates schedules (errors for invalid or never-firing expressions, a warning for every-minute ones).
 * Internal (not exported from the package).
 */
export class ScheduleCheck {
  public static check(scope: IConstruct, prop: string, cron: Cron): CheckedSchedule {
    const expression = cron.expressionString;
    let parsed: CronExpression;
    try {
      parsed = CronExpression.parse(expression);
    } catch (e) {
      throw edgeError(scope, {
        prop,
        value: expression,
        rule: `not a valid cron expression: ${(e as Error).message}`,
        fix: 'use five fields, e.g. Cron.schedule({ minute: "0", hour: "2" }) for 02:00 daily',
      });
    }
    const gap = parsed.maxGapMinutes();
    if (gap === undefined) {
      throw edgeError(scope, {
        prop,
        value: expression,
        rule: 'never fires (no date matches the day-of-month and month fields)',
        fix: 'choose a day that exists in the month, e.g. day "1" or "28"',
      });
    }
    if (parsed.everyMinute) {
      Warnings.addFormatted(scope, {
        prop,
        value: expression,
        rule: 'the minute field is "*", so it runs every minute of each matching hour (Cron.schedule leaves unset fields as "*")',
        fix: 'set the minute, e.g. Cron.schedule({ minute: "0", hour: "2" })',
      });
    }
    return { expression, maxGap: Duration.minutes(gap), maxGapMinutes: gap };
  }

  /**
   * Throws unless `zone` is an IANA time zone name: the shape of one, and known to the time zone database of the
   * JavaScript runtime (ICU; it also knows the links such as `Asia/Calcutta`).
   */
  public static checkTimeZone(scope: IConstruct, prop: string, zone: string | undefined): void {
    if (zone === undefined) return;
    let known = true;
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      known = false;
    }
    if (!known || !/^(UTC|Etc\/[A-Za-z0-9+-]+|[A-Z][A-Za-z_-]+(\/[A-Za-z0-9_+-]+){1,2})$/.test(zone)) {
      throw edgeError(scope, { prop, value: zone, rule: 'not an IANA time zone name', fix: 'use e.g. "UTC" or "Europe/Berlin"' });
    }
  }

  /** Human form of a gap, e.g. `1d`. */
  public static describe(minutes: number): string {
    return Format.minutes(minutes);
  }

  private constructor() {}
}
