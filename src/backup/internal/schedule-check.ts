import { Cron, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Format } from './format';
import { Schedules, TimeZones } from '../../core/validate';

/** A validated schedule. */
export interface CheckedSchedule {
  readonly expression: string;
  /** Longest time between two runs. */
  readonly maxGap: Duration;
  readonly maxGapMinutes: number;
}

/**
 * Schedules of the backup constructs, with the gap as a Duration (the rules live in core/validate `Schedules`).
 * Internal (not exported from the package).
 */
export class ScheduleCheck {
  public static check(scope: IConstruct, prop: string, cron: Cron): CheckedSchedule {
    const checked = Schedules.check(scope, prop, cron);
    return { expression: checked.expression, maxGap: Duration.minutes(checked.maxGapMinutes), maxGapMinutes: checked.maxGapMinutes };
  }

  /** Throws unless `zone` names an IANA time zone (see `TimeZones`). */
  public static checkTimeZone(scope: IConstruct, prop: string, zone: string | undefined): void {
    TimeZones.check(scope, prop, zone);
  }

  /** Human form of a gap, e.g. `1d`. */
  public static describe(minutes: number): string {
    return Format.minutes(minutes);
  }

  private constructor() {}
}
