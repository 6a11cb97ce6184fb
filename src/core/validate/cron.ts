import { Cron } from 'cdk8s';
import { CronExpression } from './cron-expression';
import { invalid, Subject, warn } from './subject';

/** A schedule that passed {@link Schedules.check}. */
export interface CheckedCron {
  /** The expression as it is emitted. */
  readonly expression: string;
  /** Longest time between two runs, in minutes. */
  readonly maxGapMinutes: number;
}

const CRON_FIX = 'use five fields "minute hour day-of-month month day-of-week" with minute 0-59, hour 0-23, e.g. Cron.schedule({ minute: "0", hour: "2" }) for 02:00 daily';

/**
 * The one schedule validator. Kubernetes CronJobs, Velero Schedules and Longhorn RecurringJobs all parse their cron
 * strings with robfig/cron v3's standard parser, so one rule fits every consumer: five fields with ranges, lists,
 * steps, month/weekday names, or one of the `@yearly`…`@hourly` descriptors; no `TZ=` prefix (Kubernetes refuses it).
 */
export class Schedules {
  /**
   * Throws unless `cron` is a schedule every consumer accepts and that fires at least once; warns when the minute
   * field is `*` (a run every minute is rarely meant).
   */
  public static check(subject: Subject, prop: string, cron: Cron | string): CheckedCron {
    const expression = Schedules.expressionOf(subject, prop, cron);
    let parsed: CronExpression;
    try {
      parsed = CronExpression.parse(expression);
    } catch (e) {
      throw invalid(subject, { prop, value: expression, rule: `not a valid cron expression: ${(e as Error).message}`, fix: CRON_FIX });
    }
    const gap = parsed.maxGapMinutes();
    if (gap === undefined) {
      throw invalid(subject, {
        prop,
        value: expression,
        rule: 'never fires (no date matches the day-of-month and month fields)',
        fix: 'choose a day that exists in the month, e.g. day "1" or "28"',
      });
    }
    if (parsed.everyMinute) {
      warn(subject, {
        prop,
        value: expression,
        rule: 'the minute field is "*", so it runs every minute of each matching hour (Cron.schedule leaves unset fields as "*")',
        fix: 'set the minute, e.g. Cron.schedule({ minute: "0", hour: "2" })',
      });
    }
    return { expression, maxGapMinutes: gap };
  }

  private static expressionOf(subject: Subject, prop: string, cron: Cron | string): string {
    if (typeof cron === 'string') return cron;
    const text = (cron as any)?.expressionString;
    if (typeof text !== 'string') {
      throw invalid(subject, { prop, value: cron === undefined ? 'undefined' : cron, rule: 'must be a cdk8s Cron', fix: 'pass e.g. Cron.schedule({ minute: "0", hour: "2" })' });
    }
    return text;
  }

  private constructor() {}
}

let supportedZones: Set<string> | undefined;
/** Top-level zone names of the IANA database besides Area/Location ones (backward links included). */
const TOP_LEVEL_ZONES = new Set([
  'UTC', 'UCT', 'GMT', 'GMT0', 'GMT+0', 'GMT-0', 'Greenwich', 'Universal', 'Zulu', 'CET', 'CST6CDT', 'EET', 'EST',
  'EST5EDT', 'HST', 'MET', 'MST', 'MST7MDT', 'PST8PDT', 'WET', 'Cuba', 'Egypt', 'Eire', 'GB', 'GB-Eire', 'Hongkong',
  'Iceland', 'Iran', 'Israel', 'Jamaica', 'Japan', 'Kwajalein', 'Libya', 'NZ', 'NZ-CHAT', 'Navajo', 'PRC', 'Poland',
  'Portugal', 'ROC', 'ROK', 'Singapore', 'Turkey', 'W-SU',
]);
/** Areas of the IANA database (the backward-compatible ones included). */
const AREAS = new Set(['Africa', 'America', 'Antarctica', 'Arctic', 'Asia', 'Atlantic', 'Australia', 'Brazil', 'Canada', 'Chile', 'Etc', 'Europe', 'Indian', 'Mexico', 'Pacific', 'US']);

/**
 * IANA time zones as the Kubernetes API server checks them (Go's `time.LoadLocation`: the zone must exist in the
 * tz database, names are case-sensitive, `Local` is refused).
 */
export class TimeZones {
  /** Why `zone` is not an IANA time zone, or undefined when it is one. */
  public static problem(zone: string): { rule: string; fix: string } | undefined {
    const zones = TimeZones.supported();
    if (zones.has(zone) || zone === 'UTC' || zone === 'Etc/UTC') return undefined;
    const fix = (name?: string) => name ? `use "${name}"` : 'use an IANA name such as "UTC" or "Europe/Berlin" (Region/City, case as in the tz database)';
    const sameIgnoringCase = [...zones, 'UTC', 'Etc/UTC'].find((z) => z.toLowerCase() === zone.toLowerCase());
    if (sameIgnoringCase) return { rule: 'not an IANA time zone name: names are case-sensitive', fix: fix(sameIgnoringCase) };
    let canonical: string | undefined;
    try {
      canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      canonical = undefined;
    }
    const parts = zone.split('/');
    const shapeOk = parts.length === 1 ? TOP_LEVEL_ZONES.has(zone) : AREAS.has(parts[0]) && parts.slice(1).every((p) => /^[A-Z][A-Za-z0-9_+-]*$/.test(p));
    if (canonical !== undefined && shapeOk) return undefined;
    if (canonical !== undefined) return { rule: 'not an IANA time zone name: not in the tz database the API server looks names up in', fix: fix(canonical) };
    return { rule: 'not an IANA time zone name: no such zone in the tz database', fix: fix() };
  }

  /** Throws unless `zone` (when given) names a zone of the IANA database. */
  public static check(subject: Subject, prop: string, zone: string | undefined): void {
    if (zone === undefined) return;
    if (typeof zone !== 'string') {
      throw invalid(subject, { prop, value: zone, rule: 'must be a string', fix: 'use an IANA name such as "Europe/Berlin"' });
    }
    const p = TimeZones.problem(zone);
    if (p) throw invalid(subject, { prop, value: zone, rule: p.rule, fix: p.fix });
  }

  private static supported(): Set<string> {
    supportedZones ??= new Set((Intl as any).supportedValuesOf?.('timeZone') ?? []);
    return supportedZones;
  }

  private constructor() {}
}
