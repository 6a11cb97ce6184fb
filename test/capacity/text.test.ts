import { Duration, Size } from 'cdk8s';
import { DecimalSize, Redundancy } from '../../src/capacity';
import { PlannerError, renderValue } from '../../src/capacity/problems';
import {
  ceilTo, exactNumber, floorTo, formatBytes, formatBytesExact, formatNumber, parseSize, plainNumber, SIZE_UNITS_TEXT, sizeArgumentUp, sizeProblem,
} from '../../src/capacity/text';

// The planner's internal text helpers (shared with the CLI), each expected value worked out by hand.

describe('size input text', () => {
  test('a number and a case-sensitive unit, decimal or binary', () => {
    expect(parseSize('16TB')).toBe(16e12);
    expect(parseSize(' 2.5GiB ')).toBe(2.5 * 2 ** 30);
    expect(parseSize('.5 kB')).toBe(500);
    expect(parseSize('3.MB')).toBe(3e6);
    expect(parseSize('7KB')).toBe(7e3);
    expect(parseSize('1PiB')).toBe(2 ** 50);
    expect(parseSize('abc')).toBeUndefined();
    expect(parseSize('16')).toBeUndefined();
  });

  test('every problem is named with its fix', () => {
    expect(sizeProblem('16TB')).toBeUndefined();
    expect(sizeProblem('1,000GB')).toBe(`not a size; write a number and a unit without thousands separators, e.g. 16TB or 2.5GiB; units: ${SIZE_UNITS_TEXT}`);
    expect(sizeProblem('-1GB')).toMatch(/^not a size; write a number/);
    expect(sizeProblem('16')).toBe(`not a size: it has no unit, and a bare number is ambiguous; add one, e.g. 16GB; units: ${SIZE_UNITS_TEXT}`);
    expect(sizeProblem('3Gb')).toBe(`not a size: "Gb" is not a size unit ("Gb" would be bits, not bytes); units are case-sensitive: ${SIZE_UNITS_TEXT}; did you mean 3GB?`);
    expect(sizeProblem('3gib')).toBe(`not a size: "gib" is not a size unit ("gib" would be bits, not bytes); units are case-sensitive: ${SIZE_UNITS_TEXT}; did you mean 3GiB?`);
    expect(sizeProblem('3tB')).toBe(`not a size: "tB" is not a size unit; units are case-sensitive: ${SIZE_UNITS_TEXT}; did you mean 3TB?`);
    expect(sizeProblem('3xB')).toBe(`not a size: "xB" is not a size unit; units are case-sensitive: ${SIZE_UNITS_TEXT}`);
    expect(SIZE_UNITS_TEXT).toBe('B, kB (or KB), MB, GB, TB, PB (powers of 1000) or KiB, MiB, GiB, TiB, PiB (powers of 1024)');
  });

  test('sizeArgumentUp: largest decimal unit up to PB, two decimals rounded up, never below the bytes', () => {
    expect(sizeArgumentUp(17.781e12)).toBe('17.79TB'); // ⌈1778.1⌉ hundredths
    expect(sizeArgumentUp(17.781e12, 2)).toBe('17.81TB');
    expect(sizeArgumentUp(17.79e12)).toBe('17.79TB');
    expect(sizeArgumentUp(999)).toBe('999B');
    expect(sizeArgumentUp(1_000)).toBe('1kB');
    expect(sizeArgumentUp(5e18)).toBe('5000PB');
    expect(sizeArgumentUp(0)).toBe('0');
    expect(sizeArgumentUp(-5)).toBe('-5');
    expect(sizeArgumentUp(Infinity)).toBe('Infinity');
    for (const bytes of [0.29e12, 1.1e9, 4.35e15, 123_456_789]) {
      const text = sizeArgumentUp(bytes);
      expect(parseSize(text)!).toBeGreaterThanOrEqual(bytes);
      expect(parseSize(text)! - bytes).toBeLessThan(parseSize(text)! / 100);
    }
  });
});

describe('number text', () => {
  test('plainNumber: no exponent, round-trips', () => {
    expect(plainNumber(1e21)).toBe('1000000000000000000000');
    expect(plainNumber(1.5e21)).toBe('1500000000000000000000');
    expect(plainNumber(1.5e-7)).toBe('0.00000015');
    expect(plainNumber(-1e-7)).toBe('-0.0000001');
    expect(plainNumber(1602.4)).toBe('1602.4');
    expect(plainNumber(NaN)).toBe('NaN');
    for (const v of [1e21, 1.5e-7, 2.5e-10, 9.87654321e25]) expect(Number(plainNumber(v))).toBe(v);
  });

  test('exactNumber: plainNumber with thousands separators in the integer part only', () => {
    expect(exactNumber(1602.4)).toBe('1,602.4');
    expect(exactNumber(1234.56789)).toBe('1,234.56789');
    expect(exactNumber(-1234)).toBe('-1,234');
    expect(exactNumber(1e21)).toBe('1,000,000,000,000,000,000,000');
    expect(exactNumber(Infinity)).toBe('Infinity');
  });

  test('floorTo and ceilTo ignore floating-point noise', () => {
    expect(floorTo(6.9999999999, 2)).toBe(7);
    expect(floorTo(1.239, 2)).toBe(1.23);
    expect(floorTo(1.239, 0)).toBe(1);
    expect(ceilTo(1.231, 2)).toBe(1.24);
    expect(ceilTo(1.2300000001, 2)).toBe(1.23);
    expect(ceilTo(0.1 + 0.2, 1)).toBe(0.3);
  });

  test('formatBytes rounds to nearest, up or down', () => {
    expect(formatBytes(1_234)).toBe('1.23 kB');
    expect(formatBytes(1_234, 'up')).toBe('1.24 kB');
    expect(formatBytes(1_236, 'down')).toBe('1.23 kB');
    expect(formatBytes(17.79e12, 'up')).toBe('17.79 TB'); // 1779.0000000000002 hundredths is noise, not 17.80
    expect(formatBytes(17.79e12, 'down')).toBe('17.79 TB');
  });

  test('formatBytesExact: decimal when short, else a whole binary unit, never rounded', () => {
    expect(formatBytesExact(16e12)).toBe('16 TB');
    expect(formatBytesExact(8 * 2 ** 40)).toBe('8 TiB');
    expect(formatBytesExact(-8 * 2 ** 40)).toBe('-8 TiB');
    expect(formatBytesExact(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(formatBytesExact(2 ** 50)).toBe('1 PiB');
    expect(formatBytesExact(1_234)).toBe('1.234 kB');
    expect(formatBytesExact(123_456_789)).toBe('123.456789 MB');
    expect(formatBytesExact(Infinity)).toBe('Infinity');
  });
});

describe('planner messages', () => {
  test('values are rendered as the user gave them', () => {
    expect(renderValue(-1)).toBe('-1');
    expect(renderValue('4')).toBe('"4"');
    expect(renderValue(undefined)).toBe('undefined');
    expect(renderValue(null)).toBe('null');
    expect(renderValue(Size.gibibytes(1))).toBe('1.07 GB');
    expect(renderValue(Duration.minutes(90))).toBe('90 min');
    // Sizes and durations that are not whole KiB or whole seconds render too.
    expect(renderValue(DecimalSize.gigabytes(3))).toBe('3 GB');
    expect(renderValue(Duration.millis(1500))).toBe('1.5 s');
    expect(renderValue(Redundancy.erasureCoded(2, 1))).toBe('EC 2+1');
    expect(renderValue({ a: 1 })).toBe('{"a":1}');
    expect(renderValue(() => 1)).toBe('() => 1');
    const loop: any = {};
    loop.self = loop;
    expect(renderValue(loop)).toBe('[object Object]');
  });

  test('one line per problem: source, prop, value, rule and fix', () => {
    const e = new PlannerError('CapacityPlanner.video', [
      { prop: 'cameras', value: '0', rule: 'must be a positive integer', fix: 'give the number of cameras' },
      { prop: 'fillTarget', value: '2', rule: 'must be a number in (0, 1]', fix: 'use 0.85' },
    ]);
    expect(e.message).toBe('CapacityPlanner.video: cameras = 0: must be a positive integer; give the number of cameras\nCapacityPlanner.video: fillTarget = 2: must be a number in (0, 1]; use 0.85');
    expect(e.name).toBe('PlannerError');
    expect(e.problems).toHaveLength(2);
  });
});

/** Number and size text at the edges the mutation run found unchecked. */
describe('capacity text: edges', () => {
  test('formatNumber: non-finite values by name, small negatives keep their sign', () => {
    expect([NaN, Infinity, -Infinity].map((v) => formatNumber(v))).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect(formatNumber(-0.5)).toBe('-0.5');
    expect(formatNumber(-0.001)).toBe('0');
  });

  test('formatBytes: floating-point noise does not move a rounded figure, and exabytes are the largest unit', () => {
    // 17.79 × 10^12 computed with noise either side of it
    const above = 17.79e12 * (1 + 1e-15);
    const below = 17.79e12 * (1 - 1e-15);
    expect(formatBytes(above, 'up')).toBe('17.79 TB');
    expect(formatBytes(below, 'down')).toBe('17.79 TB');
    expect(formatBytes(1e18)).toBe('1 EB');
    expect(formatBytes(1e21)).toBe('1,000 EB');
  });

  test('formatBytesExact: binary units only for whole binary sizes, decimal otherwise; signs and the largest unit', () => {
    expect(formatBytesExact(8 * 2 ** 30)).toBe('8 GiB');
    expect(formatBytesExact(3 * 2 ** 20)).toBe('3 MiB');
    expect(formatBytesExact(2 ** 39)).toBe('512 GiB'); // 0.5 TiB: the largest unit with a whole value ≥ 1
    expect(formatBytesExact(1.5e12)).toBe('1.5 TB');
    expect(formatBytesExact(-1.5e12)).toBe('-1.5 TB');
    expect(formatBytesExact(-8 * 2 ** 30)).toBe('-8 GiB');
    expect(formatBytesExact(1e21)).toBe('1,000 EB');
  });

  test('plainNumber and exactNumber write exponent forms out in full', () => {
    expect(plainNumber(1.234e21)).toBe('1234000000000000000000');
    expect(plainNumber(1e300)).toBe('1' + '0'.repeat(300));
    expect(plainNumber(1.5e-7)).toBe('0.00000015');
    expect(plainNumber(-2.5e-8)).toBe('-0.000000025');
    expect(exactNumber(1.234e21)).toBe('1,234,000,000,000,000,000,000');
    expect([NaN, Infinity].map(plainNumber)).toEqual(['NaN', 'Infinity']);
    expect(exactNumber(-Infinity)).toBe('-Infinity');
  });

  test('sizes may start with a point; bit units get a hint only when the whole unit is one', () => {
    expect(sizeProblem('.25GB')).toBeUndefined();
    expect(parseSize('.25GB')).toBe(0.25e9);
    expect(sizeProblem('3Mb')).toContain('("Mb" would be bits, not bytes)');
    expect(sizeProblem('3Mbx')).not.toContain('bits');
    expect(sizeProblem('3xMb')).not.toContain('bits');
  });
});
