import { Size, Testing } from 'cdk8s';
import { Bandwidth } from '../../src';
import { AT_LEAST_ONE_KIB, BandwidthFormat } from '../../src/core/bandwidth';

describe('Bandwidth', () => {
  test('each factory converts to bytes per second by its unit', () => {
    expect(Bandwidth.bytesPerSecond(1500).toBytesPerSecond()).toBe(1500);
    expect(Bandwidth.kibibytesPerSecond(3).toBytesPerSecond()).toBe(3 * 1024);
    expect(Bandwidth.mebibytesPerSecond(20).toBytesPerSecond()).toBe(20 * 2 ** 20);
    expect(Bandwidth.gibibytesPerSecond(2).toBytesPerSecond()).toBe(2 * 2 ** 30);
    expect(Bandwidth.megabytesPerSecond(100).toBytesPerSecond()).toBe(100 * 10 ** 6);
    // A bit is an eighth of a byte: 1 Mbit/s = 10^6 / 8 bytes/s.
    expect(Bandwidth.mbps(8).toBytesPerSecond()).toBe(10 ** 6);
    expect(Bandwidth.gbps(1).toBytesPerSecond()).toBe(10 ** 9 / 8);
  });

  test('the getters are the inverse conversions', () => {
    expect(Bandwidth.megabytesPerSecond(100).toMbps()).toBe(800);
    expect(Bandwidth.mbps(4).toMbps()).toBe(4);
    expect(Bandwidth.mebibytesPerSecond(1).toMbps()).toBeCloseTo(8.388608, 12);
    expect(Bandwidth.mebibytesPerSecond(5).toKibibytesPerSecond()).toBe(5120);
    expect(Bandwidth.kibibytesPerSecond(512).toMebibytesPerSecond()).toBe(0.5);
    // Fractions are kept: rounding is the renderer's business.
    expect(Bandwidth.bytesPerSecond(1536).toKibibytesPerSecond()).toBe(1.5);
  });

  test('toString says the rate as it was written', () => {
    expect(Bandwidth.mebibytesPerSecond(20).toString()).toBe('20 MiB/s');
    expect(Bandwidth.mbps(800).toString()).toBe('800 Mbit/s');
    expect(Bandwidth.kibibytesPerSecond(0.5).toString()).toBe('0.5 KiB/s');
    expect(`${Bandwidth.gbps(1)}`).toBe('1 Gbit/s');
  });

  test.each([
    ['zero', () => Bandwidth.mbps(0), /^Bandwidth.mbps\(0\): amount = 0: must be a positive, finite number; use e.g. Bandwidth.mbps\(10\), or leave the prop unset for no limit$/],
    ['negative', () => Bandwidth.mebibytesPerSecond(-5), /^Bandwidth.mebibytesPerSecond\(-5\): amount = -5: must be a positive/],
    ['NaN', () => Bandwidth.kibibytesPerSecond(NaN), /^Bandwidth.kibibytesPerSecond\(NaN\): amount = NaN: must be a positive, finite number/],
    ['infinite', () => Bandwidth.gbps(Infinity), /^Bandwidth.gbps\(Infinity\): amount = Infinity: must be a positive, finite number/],
    ['a string from plain JavaScript', () => Bandwidth.mbps('100' as any), /^Bandwidth.mbps\("100"\): amount = "100": must be a positive, finite number/],
  ])('refuses a rate that is %s', (_what, make, message) => {
    expect(make).toThrow(message);
  });

  test('refuses a rate too large to render as a whole number, and accepts the largest that does', () => {
    expect(() => Bandwidth.gbps(1e9)).toThrow(/^Bandwidth.gbps\(1000000000\): amount = 1000000000: is 125000000000000000 bytes\/s, above the largest rate the library renders exactly \(2\^53 − 1 bytes\/s/);
    expect(() => Bandwidth.bytesPerSecond(Number.MAX_SAFE_INTEGER + 2)).toThrow(/above the largest rate/);
    const largest = Bandwidth.bytesPerSecond(Number.MAX_SAFE_INTEGER);
    expect(BandwidthFormat.wholeBytesPerSecond(largest)).toBe(Number.MAX_SAFE_INTEGER);
    // Renders as digits, never in exponent notation.
    expect(BandwidthFormat.rcloneBwLimit(largest)).toBe(`${Math.floor(Number.MAX_SAFE_INTEGER / 1024)}K`);
    expect(BandwidthFormat.rcloneBwLimit(largest)).toMatch(/^\d+K$/);
    expect(String(BandwidthFormat.wholeBytesPerSecond(Bandwidth.gbps(10_000)))).toBe('1250000000000');
  });
});

describe('BandwidthFormat', () => {
  test('renders in whole units, rounding down so a limit is never exceeded', () => {
    expect(BandwidthFormat.rcloneBwLimit(Bandwidth.mebibytesPerSecond(20))).toBe('20480K');
    expect(BandwidthFormat.rcloneBwLimit(Bandwidth.bytesPerSecond(2047))).toBe('1K');
    expect(BandwidthFormat.rcloneBwLimit(Bandwidth.mbps(100))).toBe(`${Math.floor(12_500_000 / 1024)}K`);
    expect(BandwidthFormat.wholeKibibytesPerSecond(Bandwidth.kibibytesPerSecond(1.999))).toBe(1);
    expect(BandwidthFormat.wholeBytesPerSecond(Bandwidth.mbps(800))).toBe(100_000_000);
    expect(BandwidthFormat.wholeBytesPerSecond(Bandwidth.bytesPerSecond(0.5))).toBe(0);
  });

  test('check names the prop, refuses what would render as 0, and explains a Size or a number', () => {
    const c = Testing.chart();
    expect(BandwidthFormat.check(c, 'bandwidthLimit', undefined, AT_LEAST_ONE_KIB)).toBeUndefined();
    const ok = Bandwidth.kibibytesPerSecond(1);
    expect(BandwidthFormat.check(c, 'bandwidthLimit', ok, AT_LEAST_ONE_KIB)).toBe(ok);
    expect(() => BandwidthFormat.check(c, 'bandwidthLimit', Bandwidth.bytesPerSecond(1023), AT_LEAST_ONE_KIB))
      .toThrow(/^Chart "test": bandwidthLimit = "1023 B\/s": must be at least 1 KiB\/s \(the program takes whole KiB per second, so less would render as 0 = unlimited\); use e.g. Bandwidth.mebibytesPerSecond\(10\), or omit it for no limit$/);
    expect(() => BandwidthFormat.check(c, 'x.uploadBandwidthLimit', Size.mebibytes(20), AT_LEAST_ONE_KIB))
      .toThrow(/x.uploadBandwidthLimit = "Size of 20480 KiB": must be a Bandwidth \(a rate, not a number or a Size\); use Bandwidth.kibibytesPerSecond\(20480\)/);
    expect(() => BandwidthFormat.check(c, 'bandwidthLimitMbps', 800, AT_LEAST_ONE_KIB)).toThrow(/bandwidthLimitMbps = 800: must be a Bandwidth/);
  });
});
