// Internal number formatting shared by the planner and the CLI. Not re-exported from src/capacity/index.ts.

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Thousands separators, at most `maxDecimals` decimals, trailing zeros trimmed: 28800 → `28,800`, 0.850 → `0.85`. */
export function formatNumber(value: number, maxDecimals: number = 2): string {
  // NaN and ±Infinity come through toFixed as their names, with the sign restored below.
  const [int, frac] = Math.abs(value).toFixed(maxDecimals).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = frac ? frac.replace(/0+$/, '') : '';
  // Stryker disable next-line EqualityOperator: for 0 (and -0) the integer and fraction are empty, so `<=` shows no sign either
  const negative = value < 0 && (Number(int) > 0 || fraction !== '');
  return `${negative ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/**
 * Decimal bytes with at most two decimals in the largest unit whose value is ≥ 1: 30.24e12 → `30.24 TB`.
 * `up` never shows less than `bytes` (for "at least" advice), `down` never more.
 */
// Stryker disable next-line StringLiteral: any default other than 'up' or 'down' rounds to nearest
export function formatBytes(bytes: number, rounding: 'nearest' | 'up' | 'down' = 'nearest'): string {
  if (!Number.isFinite(bytes)) {
    return String(bytes);
  }
  let unit = 0;
  let value = Math.abs(bytes);
  // Stryker disable next-line EqualityOperator: exactly 1000 of a unit stays in it here, and the carry below shows it as 1 of the next
  while (value >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const scaled = value * 100;
  // Ignore floating-point noise (17.790000000000003) before rounding up or down.
  // Stryker disable next-line EqualityOperator: a difference of exactly 1e-6 does not occur at these magnitudes
  const clean = Math.abs(scaled - Math.round(scaled)) < 1e-6 ? Math.round(scaled) : scaled;
  const hundredths = rounding === 'up' ? Math.ceil(clean) : rounding === 'down' ? Math.floor(clean) : Math.round(clean);
  let shown = hundredths / 100;
  if (shown >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    // 999.996 GB rounds to 1000 GB: show 1 TB.
    shown /= 1000;
    unit++;
  }
  return `${bytes < 0 ? '-' : ''}${formatNumber(shown)} ${DECIMAL_UNITS[unit]}`;
}

/** A duration in seconds, not rounded (up to 12 significant digits): 86400 → `24 h`, 5400 → `90 min`, 0.001 → `0.001 s`. */
export function formatSeconds(seconds: number): string {
  const exact = (x: number) => exactNumber(Number(x.toPrecision(12)));
  if (seconds >= 3600 && seconds % 3600 === 0) {
    return `${exact(seconds / 3600)} h`;
  }
  if (seconds >= 60 && seconds % 60 === 0) {
    return `${exact(seconds / 60)} min`;
  }
  return `${exact(seconds)} s`;
}

/**
 * Bytes in the largest decimal unit whose value is ≥ 1, not rounded (up to 12 significant digits): for inputs. A whole
 * number of a binary unit that has no short decimal form is shown in that unit (8 TiB, not 8.79609302221 TB).
 */
export function formatBytesExact(bytes: number): string {
  if (!Number.isFinite(bytes)) {
    return String(bytes);
  }
  const decimal = formatBytesDecimalExact(bytes);
  if (/\.\d{4,}/.test(decimal)) {
    for (const unit of ['PiB', 'TiB', 'GiB', 'MiB', 'KiB']) {
      const value = Math.abs(bytes) / SIZE_UNITS[unit];
      if (value >= 1 && Number.isInteger(value * 100)) {
        // Stryker disable next-line EqualityOperator: 0 bytes has a short decimal form and never reaches this line
        return `${bytes < 0 ? '-' : ''}${exactNumber(value)} ${unit}`;
      }
    }
  }
  return decimal;
}

function formatBytesDecimalExact(bytes: number): string {
  let unit = 0;
  let value = Math.abs(bytes);
  while (value >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // Stryker disable next-line EqualityOperator: 0 bytes shows no sign either way
  return `${bytes < 0 ? '-' : ''}${exactNumber(Number(value.toPrecision(12)))} ${DECIMAL_UNITS[unit]}`;
}

/** Floors `value` to `decimals` decimals, ignoring floating-point noise (6.9999999999 → 7 at 2 decimals). */
export function floorTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const scaled = value * f;
  // Stryker disable next-line EqualityOperator: a difference of exactly 1e-6 does not occur at these magnitudes
  const clean = Math.abs(scaled - Math.round(scaled)) < 1e-6 ? Math.round(scaled) : scaled;
  return Math.floor(clean) / f;
}

/** Ceils `value` to `decimals` decimals, ignoring floating-point noise. */
export function ceilTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const scaled = value * f;
  // Stryker disable next-line EqualityOperator: a difference of exactly 1e-6 does not occur at these magnitudes
  const clean = Math.abs(scaled - Math.round(scaled)) < 1e-6 ? Math.round(scaled) : scaled;
  return Math.ceil(clean) / f;
}

/**
 * `value` as a plain decimal that parses back to exactly `value` with `Number()`: the shortest round-trip digits, no
 * exponent, no thousands separators (`1602.4`, `0.00001`, `16000000000000`). For figures meant to be typed back.
 */
export function plainNumber(value: number): string {
  // JavaScript writes an exponent only below 1e-6 (`1.5e-7`) and from 1e21 (`1.234e+21`), always with one digit
  // before the point; NaN and ±Infinity do not match and are returned as they are.
  const text = String(value);
  const m = /(-?)(\d)(?:\.(\d+))?e([+-]\d+)/.exec(text);
  if (!m) {
    return text;
  }
  const [, sign, int, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = int + frac;
  // Small: 0.000000… then the digits. Large: the digits then zeros (17 significant digits at most, the point ≥ 22).
  const out = exp < 0 ? `0.${'0'.repeat(-exp - 1)}${digits}` : digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${out}`;
}

/** `value` exactly (see {@link plainNumber}), with thousands separators in the integer part: for showing inputs. */
export function exactNumber(value: number): string {
  const text = plainNumber(value);
  const [int, frac] = text.split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac !== undefined ? `.${frac}` : ''}`;
}

/**
 * Size units accepted as input, case-sensitive: `B` is a byte and `b` a bit, so `3Gb` (gigabits) is not `3GB`.
 * Decimal units are powers of 1000, binary units (`KiB`…) powers of 1024.
 */
export const SIZE_UNITS: { readonly [unit: string]: number } = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  PB: 1e15,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  PiB: 2 ** 50,
};

/** The accepted units, for messages. */
export const SIZE_UNITS_TEXT = 'B, kB (or KB), MB, GB, TB, PB (powers of 1000) or KiB, MiB, GiB, TiB, PiB (powers of 1024)';

/** A number (`16`, `2.5`, `.5`) and an optional unit. */
const SIZE_TEXT = /^(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]*)$/;

/** Why `text` is not a size (undefined when it is one). */
export function sizeProblem(text: string): string | undefined {
  const m = SIZE_TEXT.exec(text.trim());
  if (!m) {
    return `not a size; write a number and a unit without thousands separators, e.g. 16TB or 2.5GiB; units: ${SIZE_UNITS_TEXT}`;
  }
  const unit = m[2];
  if (unit === '') {
    return `not a size: it has no unit, and a bare number is ambiguous; add one, e.g. ${m[1]}GB; units: ${SIZE_UNITS_TEXT}`;
  }
  if (SIZE_UNITS[unit] === undefined) {
    const bits = /^[kmgtpKMGTP]i?b$/.test(unit) ? ` ("${unit}" would be bits, not bytes)` : '';
    const hint = Object.keys(SIZE_UNITS).find((u) => u.toLowerCase() === unit.toLowerCase());
    return `not a size: "${unit}" is not a size unit${bits}; units are case-sensitive: ${SIZE_UNITS_TEXT}${hint ? `; did you mean ${m[1]}${hint}?` : ''}`;
  }
  return undefined;
}

/** The bytes in `text` (a number and a case-sensitive unit, see {@link SIZE_UNITS}), or undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  if (sizeProblem(text) !== undefined) {
    return undefined;
  }
  const m = SIZE_TEXT.exec(text.trim())!;
  return Number(m[1]) * SIZE_UNITS[m[2]];
}

/**
 * `bytes` as size input text (`17.79TB`): the largest decimal unit up to PB whose value is ≥ 1, at most two decimals,
 * rounded up, plus `extraHundredths` steps of 0.01. {@link parseSize} of the result is never less than `bytes`.
 */
export function sizeArgumentUp(bytes: number, extraHundredths: number = 0): string {
  if (!Number.isFinite(bytes) || bytes <= 0) {
    return String(bytes);
  }
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let unit = 0;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: past PB the next unit is undefined, the quotient NaN, and the loop stops anyway
  while (unit < units.length - 1 && bytes / SIZE_UNITS[units[unit + 1]] >= 1) {
    unit++;
  }
  const factor = SIZE_UNITS[units[unit]];
  let hundredths = Math.ceil((bytes / factor) * 100) + extraHundredths;
  let text = `${plainNumber(hundredths / 100)}${units[unit]}`;
  while (parseSize(text)! < bytes) {
    hundredths++;
    text = `${plainNumber(hundredths / 100)}${units[unit]}`;
  }
  return text;
}
