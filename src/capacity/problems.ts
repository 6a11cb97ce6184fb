// Internal validation helpers of the capacity planner. Not re-exported from src/capacity/index.ts (so invisible to
// jsii); the CLI imports them directly to map planner props to its flags.
import { Duration, SizeRoundingBehavior } from 'cdk8s';
import { exactNumber, formatBytes, formatSeconds } from './text';

/** The units the planner reads a Duration in: its figures and reports count days, minutes or seconds. */
export type DurationUnit = 'days' | 'min' | 's';

const UNIT_MILLIS: Record<DurationUnit, number> = { days: 86_400_000, min: 60_000, s: 1_000 };
/** cdk8s `Duration.unitLabel()` of each unit. */
const UNIT_LABEL: Record<DurationUnit, string> = { days: 'days', min: 'minutes', s: 'seconds' };

/**
 * The amount of `d` in `unit`, not rounded. Exact for a Duration built in that unit (`Duration.days(0.37)` is 0.37
 * days, not 0.37 × 86,400,000 ms ÷ 86,400,000), and the nearest double otherwise (`Duration.hours(36)` is 1.5 days).
 */
export function durationIn(d: Duration, unit: DurationUnit): number {
  if (d.unitLabel() === UNIT_LABEL[unit]) {
    return unit === 'days' ? d.toDays({ integral: false }) : unit === 'min' ? d.toMinutes({ integral: false }) : d.toSeconds({ integral: false });
  }
  return d.toMilliseconds({ integral: false }) / UNIT_MILLIS[unit];
}

/** `7 days`, `5 min`, `10 s`: an amount as the planner's reports show it. */
export function formatAmount(amount: number, unit: DurationUnit): string {
  return `${exactNumber(amount)} ${unit}`;
}

/** One rejected input: the prop, its value (already rendered), the rule it breaks and the fix. */
export interface PlannerProblem {
  readonly prop: string;
  readonly value: string;
  readonly rule: string;
  readonly fix: string;
}

/**
 * Thrown by the planner for bad input. The message has one line per problem:
 * `CapacityPlanner.video: cameras = 0: must be a positive integer; give the number of cameras that record`.
 */
export class PlannerError extends Error {
  public static line(source: string, p: PlannerProblem): string {
    return `${source}: ${p.prop} = ${p.value}: ${p.rule}; ${p.fix}`;
  }

  public constructor(public readonly source: string, public readonly problems: PlannerProblem[]) {
    super(problems.map((p) => PlannerError.line(source, p)).join('\n'));
    this.name = 'PlannerError';
  }
}

/** Renders a value for a message: numbers as JS prints them (NaN, Infinity, -1), strings quoted. */
export function renderValue(value: unknown): string {
  if (typeof value === 'number') {
    return String(value);
  }
  const v = value as any;
  if (typeof v?.toKibibytes === 'function') {
    return formatBytes(v.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024); // cdk8s Size
  }
  if (typeof v?.toSeconds === 'function') {
    return formatSeconds(v.toSeconds({ integral: false })); // cdk8s Duration
  }
  if (typeof v?.description === 'string') {
    return v.description; // Redundancy
  }
  // Strings quoted; undefined (which JSON cannot write) and values JSON refuses (cycles, BigInt) as String() writes them.
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Collects problems for one planner call and throws them together. */
export class ProblemList {
  private readonly problems: PlannerProblem[] = [];

  public constructor(private readonly source: string) {}

  /** Adds a problem; `shown` replaces the rendered value (e.g. a Duration in the unit the rule counts in). */
  public add(prop: string, value: unknown, rule: string, fix: string, shown?: string): void {
    this.problems.push({ prop, value: shown ?? renderValue(value), rule, fix });
  }

  /** A whole number > 0 (and a safe integer). Returns whether it passed. */
  public positiveInteger(prop: string, value: unknown, fix: string): boolean {
    // Stryker disable next-line ConditionalExpression: Number.isSafeInteger is false for non-numbers too; typeof narrows the type
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      this.add(prop, value, 'must be a positive integer', fix);
      return false;
    }
    return true;
  }

  /** A finite number > 0. Returns whether it passed. */
  public positiveNumber(prop: string, value: unknown, fix: string): boolean {
    // Stryker disable next-line ConditionalExpression: Number.isFinite is false for non-numbers too; typeof narrows the type
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      this.add(prop, value, 'must be a finite number greater than 0', fix);
      return false;
    }
    return true;
  }

  /**
   * A Duration longer than 0 (and finite). Returns its amount in `unit` (see {@link durationIn}), or NaN when it
   * failed; the value is shown in `unit` (`retention = 0 days`).
   */
  public positiveDuration(prop: string, value: unknown, unit: DurationUnit, fix: string): number {
    const amount = value instanceof Duration ? durationIn(value, unit) : NaN;
    if (!(Number.isFinite(amount) && amount > 0)) {
      const isDuration = value instanceof Duration;
      this.add(prop, value, isDuration ? 'must be a finite time longer than 0' : 'must be a Duration longer than 0', fix,
        isDuration ? formatAmount(amount, unit) : undefined);
      return NaN;
    }
    return amount;
  }

  /** A finite number in [min, max] (`minExclusive` makes the lower bound open, `maxExclusive` the upper). */
  public inRange(prop: string, value: unknown, min: number, max: number,
    opts: { minExclusive?: boolean; maxExclusive?: boolean }, fix: string): boolean {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: Number.isFinite is false for non-numbers, and NaN fails the bounds
    const ok = typeof value === 'number' && Number.isFinite(value)
      && (opts.minExclusive ? value > min : value >= min)
      && (opts.maxExclusive ? value < max : value <= max);
    if (!ok) {
      const range = `${opts.minExclusive ? '(' : '['}${min}, ${max}${opts.maxExclusive ? ')' : ']'}`;
      this.add(prop, value, `must be a number in ${range}`, fix);
    }
    return ok;
  }

  public get length(): number {
    return this.problems.length;
  }

  public throwIfAny(): void {
    if (this.problems.length > 0) {
      throw new PlannerError(this.source, [...this.problems]);
    }
  }
}
