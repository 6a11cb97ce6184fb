// Internal number formatting shared by the planner and the CLI. Not re-exported from src/capacity/index.ts.

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Thousands separators, at most `maxDecimals` decimals, trailing zeros trimmed: 28800 → `28,800`, 0.850 → `0.85`. */
export function formatNumber(value: number, maxDecimals: number = 2): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  const [int, frac] = Math.abs(value).toFixed(maxDecimals).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = frac ? frac.replace(/0+$/, '') : '';
  const negative = value < 0 && (Number(int) > 0 || fraction !== '');
  return `${negative ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/**
 * Decimal bytes with at most two decimals in the largest unit whose value is ≥ 1: 30.24e12 → `30.24 TB`.
 * `up` never shows less than `bytes` (for "at least" advice), `down` never more.
 */
export function formatBytes(bytes: number, rounding: 'nearest' | 'up' | 'down' = 'nearest'): string {
  if (!Number.isFinite(bytes)) {
    return String(bytes);
  }
  let unit = 0;
  let value = Math.abs(bytes);
  while (value >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const scaled = value * 100;
  // Ignore floating-point noise (17.790000000000003) before rounding up or down.
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

/** A duration in seconds: 86400 → `24 h`, 5400 → `90 min`, 45 → `45 s`. */
export function formatSeconds(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) {
    return `${formatNumber(seconds / 3600)} h`;
  }
  if (seconds >= 60 && seconds % 60 === 0) {
    return `${formatNumber(seconds / 60)} min`;
  }
  return `${formatNumber(seconds)} s`;
}

/** Floors `value` to `decimals` decimals, ignoring floating-point noise (6.9999999999 → 7 at 2 decimals). */
export function floorTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const scaled = value * f;
  const clean = Math.abs(scaled - Math.round(scaled)) < 1e-6 ? Math.round(scaled) : scaled;
  return Math.floor(clean) / f;
}

/** Ceils `value` to `decimals` decimals, ignoring floating-point noise. */
export function ceilTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const scaled = value * f;
  const clean = Math.abs(scaled - Math.round(scaled)) < 1e-6 ? Math.round(scaled) : scaled;
  return Math.ceil(clean) / f;
}
