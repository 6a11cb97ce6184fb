/**
 * A parsed five-field cron expression, as Kubernetes CronJobs and Velero Schedules accept it (both use the
 * robfig/cron v3 standard parser): minute hour day-of-month month day-of-week, with `*`, `?`, lists, ranges, steps,
 * month and weekday names, and the `@yearly`/`@monthly`/`@weekly`/`@daily`/`@hourly` descriptors.
 *
 * Internal helper (not exported from the package); `Schedules` in ./cron.ts is the validator built on it.
 */
export class CronExpression {
  /** Parses `expression`; throws an Error whose message says what is wrong. */
  public static parse(expression: string): CronExpression {
    const text = expression.trim();
    if (/^(CRON_)?TZ=/.test(text)) {
      throw new Error('a time zone prefix is not allowed in the schedule; use the timeZone prop (CronJobs) or a UTC schedule');
    }
    const descriptor = DESCRIPTORS[text.toLowerCase()];
    const source = descriptor ?? text;
    if (source.startsWith('@')) {
      throw new Error(`unknown descriptor "${text}" (known: ${Object.keys(DESCRIPTORS).join(', ')}); use five fields: minute hour day-of-month month day-of-week`);
    }
    const parts = source.split(/\s+/);
    if (parts.length !== 5) {
      throw new Error(`has ${parts.length} field(s), needs 5: minute hour day-of-month month day-of-week`);
    }
    const fields = FIELDS.map((f, i) => parseField(parts[i], f));
    return new CronExpression(text, parts, fields);
  }

  /** The expression as given. */
  public readonly expression: string;
  /** The five raw fields (descriptors expanded). */
  public readonly fields: string[];
  private readonly sets: Array<Set<number>>;

  private constructor(expression: string, fields: string[], sets: Array<Set<number>>) {
    this.expression = expression;
    this.fields = fields;
    this.sets = sets;
  }

  /** True when the minute field is `*` (fires every minute of each matching hour). */
  public get everyMinute(): boolean {
    return this.fields[0] === '*';
  }

  /**
   * The longest time between two consecutive runs, in minutes, over the five calendar years 2025–2029 (with the
   * leap year 2028, so yearly schedules see their 366-day gap), or undefined when the expression never fires
   * (e.g. 30 February). An expression that fires once in the window (29 February) reports the whole window.
   */
  public maxGapMinutes(): number | undefined {
    const [minutes, hours, doms, months, dows] = this.sets;
    const domRestricted = !isWildcard(this.fields[2]);
    const dowRestricted = !isWildcard(this.fields[4]);
    const times: number[] = [];
    for (const h of [...hours].sort((a, b) => a - b)) {
      for (const m of [...minutes].sort((a, b) => a - b)) times.push(h * 60 + m);
    }
    const start = Date.UTC(2025, 0, 1);
    const days = Math.round((Date.UTC(2030, 0, 1) - start) / 86_400_000);
    let first: number | undefined;
    let previous: number | undefined;
    let maxGap = 0;
    for (let d = 0; d < days; d++) {
      const date = new Date(start + d * 86_400_000);
      const domOk = doms.has(date.getUTCDate());
      const dowOk = dows.has(date.getUTCDay());
      // robfig/cron: when both day fields are restricted, either may match; otherwise both must.
      const dayOk = months.has(date.getUTCMonth() + 1) && (domRestricted && dowRestricted ? domOk || dowOk : domOk && dowOk);
      if (!dayOk) continue;
      for (const t of times) {
        const at = d * 1440 + t;
        if (previous !== undefined) maxGap = Math.max(maxGap, at - previous);
        first ??= at;
        previous = at;
      }
    }
    if (first === undefined || previous === undefined) return undefined;
    if (first === previous) return days * 1440;
    return maxGap;
  }
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: string[];
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const DESCRIPTORS: { [key: string]: string } = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function isWildcard(field: string): boolean {
  return field === '*' || field === '?';
}

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + spec.min;
  if (!/^\d+$/.test(text)) {
    throw new Error(`${spec.name} field: "${text}" is not a number${spec.names ? ` or a name (${spec.names.join(',')})` : ''}`);
  }
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new Error(`${spec.name} field: ${value} is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

function parseField(field: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    if (item === '') throw new Error(`${spec.name} field "${field}" has an empty list item`);
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) throw new Error(`${spec.name} field: "${item}" has more than one step`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw new Error(`${spec.name} field: step "${stepText}" must be a positive number`);
      step = Number(stepText);
    }
    let low: number;
    let high: number;
    if (range === '*' || range === '?') {
      if (range === '?' && spec.name !== 'day-of-month' && spec.name !== 'day-of-week') {
        throw new Error(`${spec.name} field: "?" is only allowed for day-of-month and day-of-week`);
      }
      low = spec.min;
      high = spec.max;
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined || a === '' || b === '') throw new Error(`${spec.name} field: "${range}" is not a range like 1-5`);
      low = parseValue(a, spec);
      high = parseValue(b, spec);
      if (low > high) throw new Error(`${spec.name} field: range "${range}" runs backwards`);
    } else {
      low = parseValue(range, spec);
      high = stepText !== undefined ? spec.max : low;
    }
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return values;
}
