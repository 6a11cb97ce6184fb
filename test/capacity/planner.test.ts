import { Duration, Size } from 'cdk8s';
import {
  CapacityEstimate,
  CapacityFormat,
  CapacityPlanner,
  CapacityWorkload,
  DecimalSize,
  Redundancy,
  RedundancyKind,
} from '../../src';

// Every expected figure below is worked out by hand in the comment next to it (decimal units: 1 TB = 10^12 B,
// 1 Mbps = 10^6 bit/s). Floating-point results are compared with a relative tolerance of 1e-12.

function expectClose(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  const tolerance = Math.max(Math.abs(expected) * 1e-12, 1e-9);
  if (Math.abs((actual as number) - expected) > tolerance) {
    throw new Error(`expected ${actual} to be within ${tolerance} of ${expected}`);
  }
}

interface Expected {
  readonly logical: number;
  readonly raw: number;
  readonly provisioned: number;
  readonly overhead: number;
  readonly daily?: number;
  readonly ingestMbps?: number;
  readonly segmentsPerDay?: number;
  readonly segmentBytes?: number;
  readonly objectsRetained?: number;
  readonly pointsPerDay?: number;
  readonly transfer: number;
  readonly windowSeconds: number;
  readonly wanMbps: number;
}

function expectEstimate(e: CapacityEstimate, x: Expected): void {
  expectClose(e.logicalBytes, x.logical);
  expectClose(e.rawBytes, x.raw);
  expectClose(e.provisionedBytes, x.provisioned);
  expectClose(e.overhead, x.overhead);
  expectClose(e.transferBytes, x.transfer);
  expect(e.transferWindowSeconds).toBe(x.windowSeconds);
  expectClose(e.wanMbps, x.wanMbps);
  for (const [key, value] of [
    ['dailyBytes', x.daily],
    ['ingestMbps', x.ingestMbps],
    ['segmentsPerDay', x.segmentsPerDay],
    ['segmentBytes', x.segmentBytes],
    ['objectsRetained', x.objectsRetained],
    ['pointsPerDay', x.pointsPerDay],
  ] as const) {
    if (value === undefined) {
      expect((e as any)[key]).toBeUndefined();
    } else {
      expectClose((e as any)[key], value);
    }
  }
}

describe('Redundancy', () => {
  test.each([
    // [label, redundancy, kind, overhead = (k+m)/k or n, failures tolerated, minimum drives, description]
    ['EC 2+2', Redundancy.erasureCoded(2, 2), RedundancyKind.ERASURE_CODED, 2, 2, 4, 'EC 2+2'], // 4/2
    ['EC 4+2', Redundancy.erasureCoded(4, 2), RedundancyKind.ERASURE_CODED, 1.5, 2, 6, 'EC 4+2'], // 6/4
    ['EC 8+3', Redundancy.erasureCoded(8, 3), RedundancyKind.ERASURE_CODED, 1.375, 3, 11, 'EC 8+3'], // 11/8
    ['EC 3+1', Redundancy.erasureCoded(3, 1), RedundancyKind.ERASURE_CODED, 4 / 3, 1, 4, 'EC 3+1'], // 4/3
    ['EC 6+0', Redundancy.erasureCoded(6, 0), RedundancyKind.ERASURE_CODED, 1, 0, 6, 'EC 6+0'], // 6/6
    ['3 replicas', Redundancy.replicated(3), RedundancyKind.REPLICATED, 3, 2, 3, '3 replicas'],
    ['1 replica', Redundancy.replicated(1), RedundancyKind.REPLICATED, 1, 0, 1, '1 replica'],
    ['none', Redundancy.NONE, RedundancyKind.NONE, 1, 0, 1, 'none'],
  ])('%s', (_label, r, kind, overhead, tolerated, minDrives, description) => {
    expect(r.kind).toBe(kind);
    expectClose(r.overhead, overhead as number);
    expect(r.failuresTolerated).toBe(tolerated);
    expect(r.minimumDrives).toBe(minDrives);
    expect(r.description).toBe(description);
    expect(String(r)).toBe(description);
  });

  test('replicas is set for replication only', () => {
    expect(Redundancy.replicated(3).replicas).toBe(3);
    expect(Redundancy.erasureCoded(2, 2).replicas).toBeUndefined();
  });

  test.each([
    [() => Redundancy.erasureCoded(0, 2), /^Redundancy\.erasureCoded: dataChunks = 0: must be an integer ≥ 1; use k ≥ 1/],
    [() => Redundancy.erasureCoded(2, -1), /^Redundancy\.erasureCoded: codingChunks = -1: must be an integer ≥ 0/],
    [() => Redundancy.erasureCoded(2.5, 1), /dataChunks = 2\.5: must be an integer/],
    [() => Redundancy.erasureCoded(NaN, 1), /dataChunks = NaN: must be an integer/],
    [() => Redundancy.erasureCoded(2, Infinity), /codingChunks = Infinity: must be an integer/],
    [() => Redundancy.replicated(0), /^Redundancy\.replicated: replicas = 0: must be an integer ≥ 1/],
    [() => Redundancy.replicated(-3), /replicas = -3/],
  ])('fails if chunks or replicas are out of range (%#)', (fn, message) => {
    expect(fn).toThrow(message);
  });

  test('reports both bad chunks at once', () => {
    expect(() => Redundancy.erasureCoded(0, -1)).toThrow(/dataChunks = 0[\s\S]*\n[\s\S]*codingChunks = -1/);
  });
});

describe('CapacityPlanner.video', () => {
  test.each([
    {
      name: '100 cameras × 4 Mbps × 7 days, defaults (EC 2+2, fill 0.85, 5 min segments, 24 h window)',
      props: { cameras: 100, bitrateMbps: 4 as number, retention: Duration.days(7) },
      // one camera: 4e6 / 8 = 500,000 B/s × 86,400 s = 43.2e9 B/day; × 100 cameras = 4.32e12 B/day
      // logical = 4.32e12 × 7 = 30.24e12; raw = × (2+2)/2 = 60.48e12; provisioned = 60.48e12 / 0.85 = 71.152941176470588e12
      // segments/day = 100 × 1,440 / 5 = 28,800; segment = 500,000 B/s × 300 s = 150e6 B
      // retained = 100 × ⌈7 × 1,440 / 5⌉ = 100 × 2,016 = 201,600
      // WAN = 4.32e12 × 8 / 86,400 s = 400e6 bit/s = 400 Mbps (= ingest)
      expected: {
        logical: 30.24e12,
        raw: 60.48e12,
        provisioned: 60.48e12 / 0.85,
        overhead: 2,
        daily: 4.32e12,
        ingestMbps: 400,
        segmentsPerDay: 28_800,
        segmentBytes: 150e6,
        objectsRetained: 201_600,
        transfer: 4.32e12,
        windowSeconds: 86_400,
        wanMbps: 400,
      },
    },
    {
      name: '1 camera × 2 Mbps × 1 day, no redundancy, fill 1',
      props: { cameras: 1, bitrateMbps: 2, retention: Duration.days(1), redundancy: Redundancy.NONE, fillTarget: 1 },
      // 2e6 / 8 = 250,000 B/s × 86,400 = 21.6e9 B; raw = provisioned = 21.6e9
      // segments/day = 1,440 / 5 = 288; segment = 250,000 × 300 = 75e6; retained = ⌈1,440 / 5⌉ = 288
      // WAN = 21.6e9 × 8 / 86,400 = 2e6 bit/s = 2 Mbps
      expected: {
        logical: 21.6e9,
        raw: 21.6e9,
        provisioned: 21.6e9,
        overhead: 1,
        daily: 21.6e9,
        ingestMbps: 2,
        segmentsPerDay: 288,
        segmentBytes: 75e6,
        objectsRetained: 288,
        transfer: 21.6e9,
        windowSeconds: 86_400,
        wanMbps: 2,
      },
    },
    {
      name: '16 cameras × 8 Mbps × 30 days, EC 4+2, fill 0.8, 10 min segments, 8 h archive window',
      props: {
        cameras: 16,
        bitrateMbps: 8,
        retention: Duration.days(30),
        redundancy: Redundancy.erasureCoded(4, 2),
        fillTarget: 0.8,
        segmentDuration: Duration.minutes(10),
        archiveWindow: Duration.hours(8),
      },
      // 8e6 / 8 = 1e6 B/s × 86,400 = 86.4e9 B/day/camera; × 16 = 1.3824e12 B/day; × 30 = 41.472e12 logical
      // raw = × 6/4 = 62.208e12; provisioned = / 0.8 = 77.76e12; ingest = 16 × 8 = 128 Mbps
      // segments/day = 16 × 1,440 / 10 = 2,304; segment = 1e6 × 600 = 600e6; retained = 16 × ⌈30 × 144⌉ = 69,120
      // WAN = 1.3824e12 × 8 / 28,800 s = 11.0592e12 / 28,800 = 384e6 bit/s = 384 Mbps
      expected: {
        logical: 41.472e12,
        raw: 62.208e12,
        provisioned: 77.76e12,
        overhead: 1.5,
        daily: 1.3824e12,
        ingestMbps: 128,
        segmentsPerDay: 2_304,
        segmentBytes: 600e6,
        objectsRetained: 69_120,
        transfer: 1.3824e12,
        windowSeconds: 28_800,
        wanMbps: 384,
      },
    },
    {
      name: '3 cameras × 2.5 Mbps × 0.5 days, 3 replicas, 7 min segments',
      props: {
        cameras: 3,
        bitrateMbps: 2.5,
        retention: Duration.days(0.5),
        redundancy: Redundancy.replicated(3),
        segmentDuration: Duration.minutes(7),
      },
      // 2.5e6 / 8 = 312,500 B/s × 86,400 = 27e9 B/day/camera; × 3 = 81e9 B/day; × 0.5 = 40.5e9 logical
      // raw = × 3 = 121.5e9; provisioned = 121.5e9 / 0.85 = 142.94117647058824e9; ingest = 7.5 Mbps
      // segments/day = 3 × 1,440 / 7 = 617.142857…; segment = 312,500 × 420 = 131.25e6
      // retained = 3 × ⌈0.5 × 1,440 / 7⌉ = 3 × ⌈102.857⌉ = 3 × 103 = 309; WAN = 81e9 × 8 / 86,400 = 7.5 Mbps
      expected: {
        logical: 40.5e9,
        raw: 121.5e9,
        provisioned: 121.5e9 / 0.85,
        overhead: 3,
        daily: 81e9,
        ingestMbps: 7.5,
        segmentsPerDay: 4_320 / 7,
        segmentBytes: 131.25e6,
        objectsRetained: 309,
        transfer: 81e9,
        windowSeconds: 86_400,
        wanMbps: 7.5,
      },
    },
  ])('$name', ({ props, expected }) => {
    const e = CapacityPlanner.video(props);
    expect(e.workload).toBe(CapacityWorkload.VIDEO);
    expectEstimate(e, expected);
  });

  test('records inputs, defaults and parameters', () => {
    const e = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7) });
    expect(e.redundancy.description).toBe('EC 2+2');
    expect(e.fillTarget).toBe(0.85);
    expect(e.parameters).toEqual({
      cameras: 100, bitrateMbps: 4, retentionDays: 7, segmentMinutes: 5, archiveWindowSeconds: 86_400, fillTarget: 0.85,
    });
    const basis = Object.fromEntries(e.inputs.map((l) => [l.label, l.basis]));
    expect(basis).toEqual({
      'Cameras': 'input',
      'Bitrate per camera': 'input',
      'Retention': 'input',
      'Segment length': 'default',
      'Redundancy': 'default',
      'Fill target': 'default',
      'Archive window': 'default',
    });
    const results = Object.fromEntries(e.results.map((l) => [l.label, l]));
    expect(results['Logical data']).toEqual({ label: 'Logical data', value: '30.24 TB', basis: '100 cameras × 4 Mbps ÷ 8 × 86,400 s × 7 days' });
    expect(results['Raw (after redundancy)'].value).toBe('60.48 TB');
    expect(results['Provisioned (at fill target)'].value).toBe('71.15 TB');
    expect(results['Segments per day'].value).toBe('28,800');
    expect(results['Segment size'].value).toBe('150 MB');
    expect(results['WAN to archive a day']).toEqual({ label: 'WAN to archive a day', value: '400 Mbps', basis: '4.32 TB × 8 ÷ 24 h' });
  });

  test('toMarkdown renders a table with inputs, results and formula', () => {
    const md = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7) }).toMarkdown();
    expect(md).toContain('| Quantity | Value | Basis |\n| --- | ---: | --- |\n| Cameras | 100 | input |');
    expect(md).toContain('| Segment length | 5 min | default |');
    expect(md).toContain('| Provisioned (at fill target) | 71.15 TB | raw ÷ 0.85 |');
    expect(md).toContain('Formula: logical = cameras × bitrateMbps × 10^6 ÷ 8 × 86,400 × retentionDays');
    expect(md).not.toContain('Warning');
  });

  test('toPlainObject keeps unrounded numbers and drops undefined fields', () => {
    const o = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7) }).toPlainObject();
    expect(o.workload).toBe('video');
    expect(o.logicalBytes).toBe(30.24e12);
    expect(o.inputs.redundancy).toBe('EC 2+2');
    expect(o.redundancy).toEqual({ kind: 'erasure-coded', dataChunks: 2, codingChunks: 2, overhead: 2, failuresTolerated: 2, description: 'EC 2+2' });
    expect('pointsPerDay' in o).toBe(false);
  });

  const valid = { cameras: 100, bitrateMbps: 4, retention: Duration.days(7) };
  test.each([
    [{ cameras: 0 }, 'cameras = 0: must be a positive integer; give the number of cameras'],
    [{ cameras: -5 }, 'cameras = -5: must be a positive integer'],
    [{ cameras: 2.5 }, 'cameras = 2.5: must be a positive integer'],
    [{ cameras: NaN }, 'cameras = NaN: must be a positive integer'],
    [{ cameras: '100' as any }, 'cameras = "100": must be a positive integer'],
    [{ cameras: undefined as any }, 'cameras = undefined: must be a positive integer'],
    [{ bitrateMbps: 0 }, 'bitrateMbps = 0: must be a finite number greater than 0'],
    [{ bitrateMbps: Infinity }, 'bitrateMbps = Infinity: must be a finite number greater than 0'],
    [{ bitrateMbps: NaN }, 'bitrateMbps = NaN'],
    [{ retention: Duration.days(0) }, 'retention = 0 days: must be a finite time longer than 0; give how long recordings are kept, e.g. 7 days'],
    [{ retention: Duration.hours(0) }, 'retention = 0 days: must be a finite time longer than 0'],
    [{ retention: 7 as any }, 'retention = 7: must be a Duration longer than 0; give how long recordings are kept'],
    [{ retention: undefined as any }, 'retention = undefined: must be a Duration longer than 0'],
    [{ segmentDuration: Duration.minutes(0) }, 'segmentDuration = 0 min: must be a finite time longer than 0; use the recorder\'s segment length, e.g. 5 min'],
    [{ segmentDuration: Duration.minutes(1441) }, 'segmentDuration = 1,441 min: must be at most one day (1440 min)'],
    [{ segmentDuration: Duration.hours(25) }, 'segmentDuration = 1,500 min: must be at most one day (1440 min)'],
    [{ segmentDuration: 5 as any }, 'segmentDuration = 5: must be a Duration longer than 0'],
    [{ fillTarget: 0 }, 'fillTarget = 0: must be a number in (0, 1]'],
    [{ fillTarget: 1.01 }, 'fillTarget = 1.01: must be a number in (0, 1]'],
    [{ fillTarget: NaN }, 'fillTarget = NaN: must be a number in (0, 1]'],
    [{ fillTarget: -0.5 }, 'fillTarget = -0.5'],
    [{ archiveWindow: Duration.hours(25) }, 'archiveWindow = 25 h: must be at most 24 hours'],
    [{ archiveWindow: Duration.seconds(0) }, 'archiveWindow = 0 s: must be a Duration longer than 0'],
    [{ redundancy: { overhead: 2 } as any }, 'redundancy = {"overhead":2}: must be a Redundancy'],
  ])('fails if %j', (bad, message) => {
    expect(() => CapacityPlanner.video({ ...valid, ...bad })).toThrow(`CapacityPlanner.video: ${message}`);
  });

  test('lists every bad prop in one error, one per line', () => {
    let message = '';
    try {
      CapacityPlanner.video({ cameras: 0, bitrateMbps: NaN, retention: Duration.days(Infinity), fillTarget: 2 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/^CapacityPlanner\.video: cameras = 0: /),
      expect.stringMatching(/^CapacityPlanner\.video: bitrateMbps = NaN: /),
      expect.stringMatching(/^CapacityPlanner\.video: retention = Infinity days: /),
      expect.stringMatching(/^CapacityPlanner\.video: fillTarget = 2: /),
    ]);
  });

  test('fails if the result overflows', () => {
    expect(() => CapacityPlanner.video({ cameras: Number.MAX_SAFE_INTEGER, bitrateMbps: 1e300, retention: Duration.days(1e10) }))
      .toThrow(/provisionedBytes = Infinity: is too large to compute/);
  });
});

describe('CapacityPlanner.iot', () => {
  test.each([
    {
      name: '10,000 sensors every 10 s for 30 days, defaults (100 B/point, 10:1, no redundancy, fill 0.85)',
      props: { sensors: 10_000, sampleInterval: Duration.seconds(10 as number), retention: Duration.days(30) },
      // points/day = 10,000 × 86,400 / 10 = 86.4e6; logical = 86.4e6 × 30 × 100 / 10 = 25.92e9
      // raw = 25.92e9 (overhead 1); provisioned = 25.92e9 / 0.85 = 30.494117647058824e9
      // stored/day = 86.4e6 × 100 / 10 = 864e6; ingest = 10,000 × 100 B × 8 / 10 s = 800,000 bit/s = 0.8 Mbps
      // WAN ships points uncompressed: 86.4e6 × 100 = 8.64e9 B/day × 8 / 86,400 = 0.8 Mbps
      expected: {
        logical: 25.92e9,
        raw: 25.92e9,
        provisioned: 25.92e9 / 0.85,
        overhead: 1,
        daily: 864e6,
        ingestMbps: 0.8,
        pointsPerDay: 86.4e6,
        transfer: 8.64e9,
        windowSeconds: 86_400,
        wanMbps: 0.8,
      },
    },
    {
      name: '500 sensors every 1 s for 7 days, 50 B/point, 5:1, 3 replicas, fill 0.5, 6 h window',
      props: {
        sensors: 500,
        sampleInterval: Duration.seconds(1),
        retention: Duration.days(7),
        bytesPerPoint: 50,
        compressionRatio: 5,
        redundancy: Redundancy.replicated(3),
        fillTarget: 0.5,
        archiveWindow: Duration.hours(6),
      },
      // points/day = 500 × 86,400 = 43.2e6; logical = 43.2e6 × 7 × 50 / 5 = 3.024e9
      // raw = × 3 = 9.072e9; provisioned = / 0.5 = 18.144e9; stored/day = 43.2e6 × 10 = 432e6
      // ingest = 500 × 50 × 8 / 1 = 200,000 bit/s = 0.2 Mbps
      // WAN = 43.2e6 × 50 = 2.16e9 B × 8 / 21,600 s = 800,000 bit/s = 0.8 Mbps
      expected: {
        logical: 3.024e9,
        raw: 9.072e9,
        provisioned: 18.144e9,
        overhead: 3,
        daily: 432e6,
        ingestMbps: 0.2,
        pointsPerDay: 43.2e6,
        transfer: 2.16e9,
        windowSeconds: 21_600,
        wanMbps: 0.8,
      },
    },
    {
      name: '1 sensor every minute for a year, uncompressed, EC 3+1, fill 1',
      props: {
        sensors: 1,
        sampleInterval: Duration.seconds(60),
        retention: Duration.days(365),
        compressionRatio: 1,
        redundancy: Redundancy.erasureCoded(3, 1),
        fillTarget: 1,
      },
      // points/day = 86,400 / 60 = 1,440; logical = 1,440 × 365 × 100 / 1 = 52.56e6
      // raw = 52.56e6 × 4/3 = 70.08e6 = provisioned; stored/day = 144,000; ingest = 100 × 8 / 60 = 13.333… bit/s
      // WAN = 144,000 B × 8 / 86,400 = 13.333… bit/s = 1.3333e-5 Mbps
      expected: {
        logical: 52.56e6,
        raw: 70.08e6,
        provisioned: 70.08e6,
        overhead: 4 / 3,
        daily: 144_000,
        ingestMbps: 800 / 60 / 1e6,
        pointsPerDay: 1_440,
        transfer: 144_000,
        windowSeconds: 86_400,
        wanMbps: 800 / 60 / 1e6,
      },
    },
  ])('$name', ({ props, expected }) => {
    const e = CapacityPlanner.iot(props);
    expect(e.workload).toBe(CapacityWorkload.IOT);
    expectEstimate(e, expected);
  });

  test('defaults are recorded as defaults', () => {
    const e = CapacityPlanner.iot({ sensors: 10_000, sampleInterval: Duration.seconds(10), retention: Duration.days(30) });
    expect(e.redundancy).toBe(Redundancy.NONE);
    expect(e.parameters.bytesPerPoint).toBe(100);
    expect(e.parameters.compressionRatio).toBe(10);
    expect(e.inputs.find((l) => l.label === 'Compression ratio')).toEqual({ label: 'Compression ratio', value: '10:1', basis: 'default' });
    expect(e.warnings).toEqual([]);
  });

  const valid = { sensors: 10_000, sampleInterval: Duration.seconds(10), retention: Duration.days(30) };
  test.each([
    [{ sensors: 0 }, 'sensors = 0: must be a positive integer'],
    [{ sensors: 1.5 }, 'sensors = 1.5: must be a positive integer'],
    [{ sampleInterval: Duration.seconds(0) }, 'sampleInterval = 0 s: must be a finite time longer than 0; give the time between two points of one sensor, e.g. 10 s'],
    [{ sampleInterval: Duration.seconds(NaN) }, 'sampleInterval = NaN s: must be a finite time longer than 0'],
    [{ sampleInterval: 10 as any }, 'sampleInterval = 10: must be a Duration longer than 0'],
    [{ retention: Duration.days(Infinity) }, 'retention = Infinity days: must be a finite time longer than 0; give how long points are kept, e.g. 30 days'],
    [{ bytesPerPoint: 0 }, 'bytesPerPoint = 0: must be a finite number greater than 0'],
    [{ compressionRatio: 0.5 }, 'compressionRatio = 0.5: must be a finite number ≥ 1'],
    [{ compressionRatio: NaN }, 'compressionRatio = NaN: must be a finite number ≥ 1'],
    [{ fillTarget: 1.5 }, 'fillTarget = 1.5: must be a number in (0, 1]'],
    [{ archiveWindow: Duration.days(2) }, 'archiveWindow = 48 h: must be at most 24 hours'],
  ])('fails if %j', (bad, message) => {
    expect(() => CapacityPlanner.iot({ ...valid, ...bad })).toThrow(`CapacityPlanner.iot: ${message}`);
  });
});

describe('CapacityPlanner.models', () => {
  test.each([
    {
      name: '50 models × 10 versions × 3 GB, 30% dedup, EC 2+2, fill 1 (the seed example)',
      props: { models: 50, versionsRetained: 10, averageModelSize: DecimalSize.gigabytes(3), dedupRatio: 0.3, fillTarget: 1 },
      // logical = 50 × 10 × 3e9 × 0.7 = 1.05e12; raw = × 2 = 2.1e12 = provisioned (fill 1)
      // objects = 500; one release = 50 × 3e9 × 0.7 = 105e9; WAN = 105e9 × 8 / 3,600 s = 233.333… Mbps
      expected: {
        logical: 1.05e12,
        raw: 2.1e12,
        provisioned: 2.1e12,
        overhead: 2,
        objectsRetained: 500,
        transfer: 105e9,
        windowSeconds: 3_600,
        wanMbps: 840e9 / 3_600 / 1e6,
      },
    },
    {
      name: '4 models × 3 versions × 2 GiB, defaults (no dedup, EC 2+2, fill 0.85, 1 h)',
      props: { models: 4, versionsRetained: 3, averageModelSize: Size.gibibytes(2) },
      // 2 GiB = 2 × 1,073,741,824 = 2,147,483,648 B; logical = 12 × 2,147,483,648 = 25,769,803,776
      // raw = 51,539,607,552; provisioned = 51,539,607,552 / 0.85 = 60,634,832,414.1176…
      // one release = 4 × 2,147,483,648 = 8,589,934,592 B; WAN = × 8 / 3,600 / 1e6 = 19.0887…
      expected: {
        logical: 25_769_803_776,
        raw: 51_539_607_552,
        provisioned: 51_539_607_552 / 0.85,
        overhead: 2,
        objectsRetained: 12,
        transfer: 8_589_934_592,
        windowSeconds: 3_600,
        wanMbps: 68_719_476_736 / 3_600 / 1e6,
      },
    },
    {
      name: '1 model × 1 version × 500 MB, 50% dedup, no redundancy, fill 0.5, 10 min window',
      props: {
        models: 1,
        versionsRetained: 1,
        averageModelSize: DecimalSize.megabytes(500),
        dedupRatio: 0.5,
        redundancy: Redundancy.NONE,
        fillTarget: 0.5,
        distributionWindow: Duration.minutes(10),
      },
      // logical = 500e6 × 0.5 = 250e6 = raw; provisioned = 250e6 / 0.5 = 500e6
      // WAN = 250e6 × 8 / 600 s = 3.333… Mbps
      expected: {
        logical: 250e6,
        raw: 250e6,
        provisioned: 500e6,
        overhead: 1,
        objectsRetained: 1,
        transfer: 250e6,
        windowSeconds: 600,
        wanMbps: 2_000e6 / 600 / 1e6,
      },
    },
  ])('$name', ({ props, expected }) => {
    const e = CapacityPlanner.models(props);
    expect(e.workload).toBe(CapacityWorkload.MODELS);
    expectEstimate(e, expected);
  });

  const valid = { models: 50, versionsRetained: 10, averageModelSize: DecimalSize.gigabytes(3) };
  test.each([
    [{ models: 0 }, 'models = 0: must be a positive integer'],
    [{ versionsRetained: 0 }, 'versionsRetained = 0: must be a positive integer'],
    [{ versionsRetained: 2.5 }, 'versionsRetained = 2.5'],
    [{ averageModelSize: Size.gibibytes(0) }, 'averageModelSize = 0 B: must be a Size larger than 0'],
    [{ averageModelSize: 3e9 as any }, 'averageModelSize = 3000000000: must be a Size larger than 0'],
    [{ dedupRatio: 1 }, 'dedupRatio = 1: must be a number in [0, 1)'],
    [{ dedupRatio: -0.1 }, 'dedupRatio = -0.1: must be a number in [0, 1)'],
    [{ dedupRatio: NaN }, 'dedupRatio = NaN'],
    [{ distributionWindow: Duration.seconds(0) }, 'distributionWindow = 0 s: must be a Duration longer than 0'],
  ])('fails if %j', (bad, message) => {
    expect(() => CapacityPlanner.models({ ...valid, ...bad })).toThrow(`CapacityPlanner.models: ${message}`);
  });

  test('a distribution window may exceed a day', () => {
    // 105e9 B × 8 / (2 × 86,400 s) = 4.8611… Mbps
    const e = CapacityPlanner.models({ ...valid, dedupRatio: 0.3, distributionWindow: Duration.days(2) });
    expectClose(e.wanMbps, 840e9 / 172_800 / 1e6);
  });
});

describe('warnings', () => {
  test.each([
    ['fill target above nearfull', () => CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(1), fillTarget: 0.9 }), /fillTarget 0\.9 is above Ceph's nearfull ratio \(0\.85/],
    ['no redundancy for video', () => CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(1), redundancy: Redundancy.NONE }), /^no redundancy: one lost drive loses data/],
    ['no redundancy for models', () => CapacityPlanner.models({ models: 1, versionsRetained: 1, averageModelSize: Size.gibibytes(1), redundancy: Redundancy.NONE }), /^no redundancy/],
    ['EC k+0', () => CapacityPlanner.iot({ sensors: 1, sampleInterval: Duration.seconds(1), retention: Duration.days(1), redundancy: Redundancy.erasureCoded(4, 0) }), /^EC 4\+0 tolerates no failure/],
    ['1 replica', () => CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(1), redundancy: Redundancy.replicated(1) }), /^1 replica tolerates no failure/],
    ['m = 1', () => CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(1), redundancy: Redundancy.erasureCoded(2, 1) }), /^EC 2\+1 tolerates one failure only/],
    ['2 replicas', () => CapacityPlanner.models({ models: 1, versionsRetained: 1, averageModelSize: Size.gibibytes(1), redundancy: Redundancy.replicated(2) }), /^2 replicas tolerates one failure only/],
  ])('%s', (_name, make, pattern) => {
    const e = make();
    expect(e.warnings).toEqual([expect.stringMatching(pattern)]);
    expect(e.toMarkdown()).toContain('> Warning: ');
  });

  test('defaults warn about nothing', () => {
    expect(CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(1) }).warnings).toEqual([]);
    expect(CapacityPlanner.models({ models: 1, versionsRetained: 1, averageModelSize: Size.gibibytes(1) }).warnings).toEqual([]);
  });
});

describe('CapacityPlanner.hardware', () => {
  test.each([
    {
      name: '4 servers × 1 × 16 TB, EC 2+2, fill 0.85',
      props: { servers: 4, driveSize: DecimalSize.terabytes(16), redundancy: Redundancy.erasureCoded(2, 2) },
      // raw = 4 × 16e12 = 64e12; usable = 64e12 / 2 = 32e12; storable = 32e12 × 0.85 = 27.2e12
      raw: 64e12,
      usable: 32e12,
      storable: 27.2e12,
      description: '4 servers × 1 drive × 16 TB',
    },
    {
      name: '3 servers × 4 × 8 TiB, 3 replicas, fill 0.8',
      props: { servers: 3, drivesPerServer: 4, driveSize: Size.tebibytes(8), redundancy: Redundancy.replicated(3), fillTarget: 0.8 },
      // 8 TiB = 8 × 2^40 = 8,796,093,022,208 B; raw = 12 × that = 105,553,116,266,496
      // usable = raw / 3 = 35,184,372,088,832; storable = × 0.8 = 28,147,497,671,065.6
      raw: 105_553_116_266_496,
      usable: 35_184_372_088_832,
      storable: 28_147_497_671_065.6,
      description: '3 servers × 4 drives × 8 TiB',
    },
    {
      name: '1 server × 1 × 500 GB, defaults (no redundancy, fill 0.85)',
      props: { servers: 1, driveSize: DecimalSize.gigabytes(500) },
      // raw = usable = 500e9; storable = 425e9
      raw: 500e9,
      usable: 500e9,
      storable: 425e9,
      description: '1 server × 1 drive × 500 GB',
    },
  ])('$name', ({ props, raw, usable, storable, description }) => {
    const hw = CapacityPlanner.hardware(props);
    expectClose(hw.rawBytes, raw);
    expectClose(hw.usableBytes, usable);
    expectClose(hw.storableBytes, storable);
    expect(hw.description).toBe(description);
    expect(hw.drives).toBe(props.servers * (props.drivesPerServer ?? 1));
  });

  test.each([
    [{ servers: 0, driveSize: DecimalSize.terabytes(1) }, 'CapacityPlanner.hardware: servers = 0: must be a positive integer'],
    [{ servers: 4, drivesPerServer: 0, driveSize: DecimalSize.terabytes(1) }, 'drivesPerServer = 0: must be a positive integer'],
    [{ servers: 4, driveSize: Size.gibibytes(0) }, 'driveSize = 0 B: must be a Size larger than 0'],
    [{ servers: 4, driveSize: DecimalSize.terabytes(1), fillTarget: 0 }, 'fillTarget = 0: must be a number in (0, 1]'],
    [{ servers: 2, driveSize: DecimalSize.terabytes(1), redundancy: Redundancy.erasureCoded(2, 2) },
      'servers × drivesPerServer = 2: EC 2+2 needs at least 4 drives to place one stripe or all copies'],
    [{ servers: 1, drivesPerServer: 2, driveSize: DecimalSize.terabytes(1), redundancy: Redundancy.replicated(3) },
      'servers × drivesPerServer = 2: 3 replicas needs at least 3 drives'],
  ])('fails if %#', (props, message) => {
    expect(() => CapacityPlanner.hardware(props)).toThrow(message);
  });
});

describe('CapacityPlanner.fit', () => {
  const video = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7) });

  test('too small: needed vs available and the options', () => {
    const fit = CapacityPlanner.fit(video, { servers: 4, driveSize: DecimalSize.terabytes(16) });
    // needed 30.24e12 logical; 4 × 16 TB at EC 2+2 and 0.85 holds 27.2e12
    // needed raw = 30.24e12 × 2 / 0.85 = 71.152941…e12; shortfall = 71.152941…e12 − 64e12 = 7.152941…e12
    expect(fit.fits).toBe(false);
    expectClose(fit.neededBytes, 30.24e12);
    expectClose(fit.availableBytes, 27.2e12);
    expectClose(fit.neededRawBytes, 60.48e12 / 0.85);
    expectClose(fit.availableRawBytes, 64e12);
    expectClose(fit.shortfallRawBytes, 60.48e12 / 0.85 - 64e12);
    expectClose(fit.utilization, 30.24 / 32); // 0.945
    expect(fit.summary).toBe('30.24 TB of data needs 71.15 TB of raw disk at EC 2+2, fill target 0.85, '
      + 'but 4 servers × 1 drive × 16 TB = 64 TB raw holds only 27.2 TB');
    // drives per server: ⌈71.15 / (4 × 16)⌉ = ⌈1.11⌉ = 2; larger drives: 71.1529 / 4 = 17.788 → 17.79 TB (rounded up)
    // servers: ⌈71.15 / 16⌉ = ⌈4.447⌉ = 5; ratio = 27.2 / 30.24 = 0.89947
    // retention: 7 × 0.89947 = 6.296 → 6 days; bitrate: 4 × 0.89947 = 3.5979 → 3.59 Mbps
    expect(fit.options).toEqual([
      'add drives: 2 drives per server (8 × 16 TB = 128 TB raw)',
      'use larger drives: at least 17.79 TB each (4 drives)',
      'add servers: 5 servers with 1 × 16 TB each',
      'shorten retention: retention at most 6 days (now 7 days)',
      'lower the bitrate: bitrateMbps at most 3.59 per camera (now 4)',
    ]);
  });

  test('every suggested option fits', () => {
    const fit = CapacityPlanner.fit(video, { servers: 4, driveSize: DecimalSize.terabytes(16) });
    expect(fit.options).toHaveLength(5);
    expect(CapacityPlanner.fit(video, { servers: 4, drivesPerServer: 2, driveSize: DecimalSize.terabytes(16) }).fits).toBe(true);
    expect(CapacityPlanner.fit(video, { servers: 4, driveSize: DecimalSize.terabytes(17.79) }).fits).toBe(true);
    expect(CapacityPlanner.fit(video, { servers: 5, driveSize: DecimalSize.terabytes(16) }).fits).toBe(true);
    const hw = { servers: 4, driveSize: DecimalSize.terabytes(16) };
    expect(CapacityPlanner.fit(CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(6) }), hw).fits).toBe(true);
    expect(CapacityPlanner.fit(CapacityPlanner.video({ cameras: 100, bitrateMbps: 3.59, retention: Duration.days(7) }), hw).fits).toBe(true);
    // and one step beyond each does not: 17.78 TB drives, 3.6 Mbps
    expect(CapacityPlanner.fit(video, { servers: 4, driveSize: DecimalSize.terabytes(17.78) }).fits).toBe(false);
    expect(CapacityPlanner.fit(CapacityPlanner.video({ cameras: 100, bitrateMbps: 3.6, retention: Duration.days(7) }), hw).fits).toBe(false);
  });

  test('fits: no options, utilization reported', () => {
    const fit = CapacityPlanner.fit(video, { servers: 4, drivesPerServer: 2, driveSize: DecimalSize.terabytes(16) });
    // 8 × 16 TB = 128e12 raw; usable 64e12; storable 54.4e12 ≥ 30.24e12; utilization = 30.24 / 64 = 0.4725
    expect(fit.fits).toBe(true);
    expect(fit.options).toEqual([]);
    expect(fit.shortfallRawBytes).toBe(0);
    expectClose(fit.utilization, 0.4725);
    expect(fit.summary).toBe('30.24 TB of data fits on 4 servers × 2 drives × 16 TB (128 TB raw, 54.4 TB storable at EC 2+2, '
      + 'fill target 0.85); it fills 47.3% of the usable capacity');
  });

  test('an exact fit fits, one byte less does not', () => {
    const e = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7), redundancy: Redundancy.NONE, fillTarget: 1 });
    // needed 30.24e12 = 2 drives × 15.12e12
    expect(CapacityPlanner.fit(e, { servers: 2, driveSize: DecimalSize.terabytes(15.12) }).fits).toBe(true);
    expect(CapacityPlanner.fit(e, { servers: 2, driveSize: DecimalSize.bytes(15.12e12 - 1024) }).fits).toBe(false);
  });

  test('hardware redundancy and fill target override the estimate\'s', () => {
    const fit = CapacityPlanner.fit(video, {
      servers: 4, driveSize: DecimalSize.terabytes(16), redundancy: Redundancy.replicated(3), fillTarget: 0.5,
    });
    // 64e12 / 3 = 21.333e12 usable × 0.5 = 10.667e12 storable
    expectClose(fit.hardware.storableBytes, 64e12 / 3 * 0.5);
    expect(fit.hardware.redundancy.description).toBe('3 replicas');
    expect(fit.fits).toBe(false);
  });

  test('IoT options: shorter retention and a longer sample interval', () => {
    const iot = CapacityPlanner.iot({ sensors: 10_000, sampleInterval: Duration.seconds(10), retention: Duration.days(30) });
    const fit = CapacityPlanner.fit(iot, { servers: 1, driveSize: DecimalSize.gigabytes(20) });
    // needed 25.92e9; storable 20e9 × 0.85 = 17e9; ratio = 17 / 25.92 = 0.655864…
    // needed raw = 25.92e9 / 0.85 = 30.494e9 → 2 drives per server, drives ≥ 30.5 GB, 2 servers
    // retention 30 × 0.6559 = 19.68 → 19; interval 10 / 0.6559 = 15.247 → 15.3 s
    expect(fit.fits).toBe(false);
    expect(fit.options).toEqual([
      'add drives: 2 drives per server (2 × 20 GB = 40 GB raw)',
      'use larger drives: at least 30.5 GB each (1 drives)',
      'add servers: 2 servers with 1 × 20 GB each',
      'shorten retention: retention at most 19 days (now 30 days)',
      'sample less often: sampleInterval at least 15.3 s (now 10 s)',
    ]);
  });

  test('model options: fewer versions', () => {
    const models = CapacityPlanner.models({
      models: 50, versionsRetained: 10, averageModelSize: DecimalSize.gigabytes(3), dedupRatio: 0.3, fillTarget: 1,
    });
    const fit = CapacityPlanner.fit(models, { servers: 4, driveSize: DecimalSize.gigabytes(500) });
    // 4 × 500 GB = 2e12 raw / 2 = 1e12 storable (fill 1) < 1.05e12; ratio 0.952 → ⌊9.52⌋ = 9 versions
    expect(fit.fits).toBe(false);
    expect(fit.options[fit.options.length - 1]).toBe('keep fewer versions: versionsRetained at most 9 (now 10)');
  });

  test('short retentions are floored to hundredths of a day', () => {
    const e = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(1), redundancy: Redundancy.NONE, fillTarget: 1 });
    // needed 4.32e12; hardware 1 × 1 TB holds 1e12: ratio 0.2315 → 0.23 days
    const fit = CapacityPlanner.fit(e, { servers: 1, driveSize: DecimalSize.terabytes(1) });
    expect(fit.options).toContain('shorten retention: retention at most 0.23 days (now 1 days)');
  });

  test('toPlainObject carries the hardware', () => {
    const o = CapacityPlanner.fit(video, { servers: 4, driveSize: DecimalSize.terabytes(16) }).toPlainObject();
    expect(o.fits).toBe(false);
    expect(o.hardware).toMatchObject({ servers: 4, drivesPerServer: 1, drives: 4, driveBytes: 16e12, rawBytes: 64e12, usableBytes: 32e12, redundancy: 'EC 2+2' });
    expect(o.options).toHaveLength(5);
  });

  test('fails with the fit source on bad hardware', () => {
    expect(() => CapacityPlanner.fit(video, { servers: 3, driveSize: DecimalSize.terabytes(16) }))
      .toThrow('CapacityPlanner.fit: servers × drivesPerServer = 3: EC 2+2 needs at least 4 drives');
  });
});

describe('CapacityFormat and DecimalSize', () => {
  test.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [1500, '1.5 kB'],
    [150e6, '150 MB'],
    [30.24e12, '30.24 TB'],
    [60.48e12 / 0.85, '71.15 TB'],
    [999.996e9, '1 TB'],
    [1e18, '1 EB'],
    [2.5e21, '2,500 EB'],
    [-2e9, '-2 GB'],
  ])('bytes(%d) = %s', (bytes, text) => expect(CapacityFormat.bytes(bytes)).toBe(text));

  test('numbers, bandwidth and durations', () => {
    expect(CapacityFormat.number(28_800)).toBe('28,800');
    expect(CapacityFormat.number(0.85)).toBe('0.85');
    expect(CapacityFormat.number(4 / 3, 4)).toBe('1.3333');
    expect(CapacityFormat.mbps(1_200)).toBe('1,200 Mbps');
    expect(CapacityFormat.mbps(233.3333)).toBe('233.33 Mbps');
    expect(CapacityFormat.seconds(86_400)).toBe('24 h');
    expect(CapacityFormat.seconds(5_400)).toBe('90 min');
    expect(CapacityFormat.seconds(45)).toBe('45 s');
  });

  test.each([
    ['1234 B', DecimalSize.bytes(1234), 1234],
    ['500 MB', DecimalSize.megabytes(500), 500e6],
    ['3 GB', DecimalSize.gigabytes(3), 3e9],
    ['16 TB', DecimalSize.terabytes(16), 16e12],
    ['1.5 PB', DecimalSize.petabytes(1.5), 1.5e15],
    ['1 GiB', Size.gibibytes(1), 1_073_741_824], // 2^30
    ['14.5 TiB', Size.tebibytes(14.5), 15_942_918_602_752], // 14.5 × 1,099,511,627,776
  ])('toBytes(%s) = %d', (_name, size, bytes) => expect(DecimalSize.toBytes(size)).toBe(bytes));
});

describe('the seed\'s calculator examples (docs/capacity.md)', () => {
  test('video: 100 cameras × 7 days; 63.62 TB is not reachable with EC 2+2 in decimal units', () => {
    // At the seed's mid-range 4 Mbps: 30.24 TB logical, 60.48 TB raw at EC 2+2, 71.15 TB provisioned at 0.85.
    const mid = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7), redundancy: Redundancy.erasureCoded(2, 2) });
    expect(CapacityFormat.bytes(mid.rawBytes)).toBe('60.48 TB');
    expect(CapacityFormat.bytes(mid.provisionedBytes)).toBe('71.15 TB');
    // 63.62 reappears only when 5 Mbps, overhead 1.5 (EC 4+2, not the seed's 2+2) and fill 0.85 are divided by
    // 10^6 × 2^20 (megabytes turned into "TB" by dividing by 1024 twice):
    // 100 × 5e6 / 8 × 604,800 = 37.8e12 × 1.5 / 0.85 = 66.705882e12 / 1,048,576e6 = 63.6157
    const seed = CapacityPlanner.video({ cameras: 100, bitrateMbps: 5, retention: Duration.days(7), redundancy: Redundancy.erasureCoded(4, 2) });
    expect((seed.provisionedBytes / (1e6 * 2 ** 20)).toFixed(2)).toBe('63.62');
    expect(CapacityFormat.bytes(seed.provisionedBytes)).toBe('66.71 TB');
  });

  test('video: the seed\'s 50 TB of raw disk at EC 2+2 holds 4.9 days at 4 Mbps, not 7', () => {
    const mid = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7) });
    const fit = CapacityPlanner.fit(mid, { servers: 4, driveSize: DecimalSize.terabytes(12.5) });
    // 50e12 / 2 × 0.85 = 21.25e12 storable; 21.25e12 / 4.32e12 per day = 4.92 days; bitrate 4 × 21.25 / 30.24 = 2.81
    expectClose(fit.availableBytes, 21.25e12);
    expect(fit.fits).toBe(false);
    expect(fit.options).toEqual(expect.arrayContaining([
      'add servers: 6 servers with 1 × 12.5 TB each',
      'shorten retention: retention at most 4 days (now 7 days)',
      'lower the bitrate: bitrateMbps at most 2.81 per camera (now 4)',
    ]));
  });

  test('IoT: the nearest round reading of the seed gives 31.10 GB, not 29.07', () => {
    // 10,000 × 86,400 points/day (1 s) × 30 × 12 B / 10 = 31.104e9 B
    const e = CapacityPlanner.iot({
      sensors: 10_000, sampleInterval: Duration.seconds(1), retention: Duration.days(30), bytesPerPoint: 12, fillTarget: 1,
    });
    expectClose(e.logicalBytes, 31.104e9);
    expect(CapacityFormat.bytes(e.provisionedBytes)).toBe('31.1 GB');
  });

  test('IoT: 10K sensors × 30 days at the defaults', () => {
    // 10,000 × 8,640 points/day × 30 = 2.592e9 points × 100 B / 10 = 25.92 GB logical; / 0.85 = 30.49 GB
    const e = CapacityPlanner.iot({ sensors: 10_000, sampleInterval: Duration.seconds(10), retention: Duration.days(30) });
    expect(CapacityFormat.bytes(e.logicalBytes)).toBe('25.92 GB');
    expect(CapacityFormat.bytes(e.provisionedBytes)).toBe('30.49 GB');
  });

  test('models: 50 × 10 versions = 2.1 TB with 3 GB models, 30% dedup and EC 2+2 (or 2 GB and 3 replicas)', () => {
    const ec = CapacityPlanner.models({
      models: 50, versionsRetained: 10, averageModelSize: DecimalSize.gigabytes(3), dedupRatio: 0.3, fillTarget: 1,
    });
    expect(CapacityFormat.bytes(ec.rawBytes)).toBe('2.1 TB');
    const rep = CapacityPlanner.models({
      models: 50,
      versionsRetained: 10,
      averageModelSize: DecimalSize.gigabytes(2),
      dedupRatio: 0.3,
      redundancy: Redundancy.replicated(3),
      fillTarget: 1,
    });
    expect(CapacityFormat.bytes(rep.rawBytes)).toBe('2.1 TB');
    expect(CapacityFormat.bytes(ec.provisionedBytes)).toBe('2.1 TB');
    // At the default fill target 0.85 the disk to buy is 2.1 / 0.85 = 2.47 TB.
    const defaultFill = CapacityPlanner.models({ models: 50, versionsRetained: 10, averageModelSize: DecimalSize.gigabytes(3), dedupRatio: 0.3 });
    expect(CapacityFormat.bytes(defaultFill.provisionedBytes)).toBe('2.47 TB');
  });
});

describe('issue 19: advice at exact-fit edges, finite figures, exact inputs', () => {
  // 1 model × 1 version × 1.00000001 TB, no redundancy, fill 1: needs 1.00000001 TB raw on 1 server × 1 drive × 1 TB.
  const edgeEstimate = () => CapacityPlanner.models({
    models: 1, versionsRetained: 1, averageModelSize: DecimalSize.bytes(1.00000001e12), redundancy: Redundancy.NONE, fillTarget: 1,
  });
  const edge = () => CapacityPlanner.fit(edgeEstimate(), { servers: 1, driveSize: DecimalSize.terabytes(1) });

  test('advice just past an exact fit never repeats the current hardware, and each suggestion fits', () => {
    const fit = edge();
    expect(fit.fits).toBe(false);
    expect(fit.options).toEqual([
      'add drives: 2 drives per server (2 × 1 TB = 2 TB raw)',
      'use larger drives: at least 1.01 TB each (1 drives)',
      'add servers: 2 servers with 1 × 1 TB each',
    ]);
    const hw = { servers: 1, drivesPerServer: 1, driveSize: DecimalSize.terabytes(1) };
    for (const s of fit.suggestions) {
      expect(s.value).not.toBe(s.current);
      const changed = { ...hw, [s.prop]: s.prop === 'driveSize' ? DecimalSize.bytes(s.value) : s.value };
      expect(CapacityPlanner.fit(edgeEstimate(), changed).fits).toBe(true);
    }
    expect(fit.suggestions.map((s) => [s.prop, s.text, s.currentText, s.atMost])).toEqual([
      ['drivesPerServer', '2', '1', false],
      ['driveSize', '1.01TB', '1 TB', false],
      ['servers', '2', '1', false],
    ]);
  });

  test('workload advice is verified with the planner itself: the printed value fits', () => {
    // 100 cameras × 4 Mbps × 7 days = 30.24 TB logical; EC 2+2, fill 0.85 on 4 × 16 TB: storable 27.2 TB.
    const estimate = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7) });
    const fit = CapacityPlanner.fit(estimate, { servers: 4, driveSize: DecimalSize.terabytes(16) });
    const byProp = Object.fromEntries(fit.suggestions.map((s) => [s.prop, s]));
    expect(byProp.retention.text).toBe('6');
    expect(byProp.bitrateMbps.text).toBe('3.59');
    // retention's value counts days: set back as Duration.days(text).
    const typed = { retention: Duration.days(Number(byProp.retention.text)), bitrateMbps: Number(byProp.bitrateMbps.text) };
    for (const prop of ['retention', 'bitrateMbps'] as const) {
      const changed = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7), [prop]: typed[prop] });
      expect(CapacityPlanner.fit(changed, { servers: 4, driveSize: DecimalSize.terabytes(16) }).fits).toBe(true);
    }
  });

  test('fails if any figure overflows, not only the provisioned bytes', () => {
    expect(() => CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(1), segmentDuration: Duration.minutes(1e-320) }))
      .toThrow(/CapacityPlanner.video: segmentsPerDay = Infinity: is too large to compute/);
    const estimate = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7) });
    expect(() => CapacityPlanner.fit(estimate, { servers: 4, driveSize: DecimalSize.terabytes(16), fillTarget: 1e-320 }))
      .toThrow(/CapacityPlanner.fit: neededRawBytes = Infinity: is too large to compute/);
    expect(() => CapacityPlanner.fit(estimate, { servers: 9e15, drivesPerServer: 9e15, driveSize: DecimalSize.terabytes(16) }))
      .toThrow(/CapacityPlanner.fit: servers × drivesPerServer = .*: must be at most 9007199254740991 drives to be counted exactly/);
  });

  test('inputs are shown as given, not rounded', () => {
    const e = CapacityPlanner.video({ cameras: 3, bitrateMbps: 0.123456, retention: Duration.days(7), fillTarget: 0.00001 });
    const row = (label: string) => e.inputs.find((l) => l.label === label)!.value;
    expect(row('Fill target')).toBe('0.00001');
    expect(row('Bitrate per camera')).toBe('0.123456 Mbps');
    const m = CapacityPlanner.models({ models: 1, versionsRetained: 1, averageModelSize: DecimalSize.bytes(3456789012) });
    expect(m.inputs.find((l) => l.label === 'Average model size')!.value).toBe('3.456789012 GB');
  });
});

describe('CapacityPlanner.iot time-series engine memory (InfluxData single-node sizing guidance)', () => {
  const GIB = 2 ** 30;
  test('low load (< 5,000 writes/s, < 100,000 series): 2–4 GB RAM', () => {
    const e = CapacityPlanner.iot({ sensors: 12_000, sampleInterval: Duration.seconds(5), retention: Duration.days(90) });
    expect(e.writesPerSecond).toBe(12_000 / 5);
    expect(e.seriesCardinality).toBe(12_000);
    expect(e.memoryRequestBytes).toBe(2 * GIB);
    expect(e.memoryLimitBytes).toBe(4 * GIB);
    expect(e.results.map((r) => r.label)).toContain('Time-series memory (request–limit)');
  });

  test('moderate load: 8–32 GB once writes/s or series pass the low tier', () => {
    const bySeries = CapacityPlanner.iot({ sensors: 200_000, sampleInterval: Duration.seconds(60), retention: Duration.days(7) });
    expect(bySeries.writesPerSecond).toBeLessThan(5_000);
    expect([bySeries.memoryRequestBytes, bySeries.memoryLimitBytes]).toEqual([8 * GIB, 32 * GIB]);
    const byWrites = CapacityPlanner.iot({ sensors: 50_000, sampleInterval: Duration.seconds(1), retention: Duration.days(7) });
    expect([byWrites.memoryRequestBytes, byWrites.memoryLimitBytes]).toEqual([8 * GIB, 32 * GIB]);
  });

  test('high load: 32 GB and more; beyond one node a warning', () => {
    const high = CapacityPlanner.iot({ sensors: 2_000_000, sampleInterval: Duration.seconds(10), retention: Duration.days(7) });
    expect(high.memoryRequestBytes).toBe(32 * GIB);
    expect(high.warnings.join('\n')).not.toMatch(/single node/);
    const tooMuch = CapacityPlanner.iot({ sensors: 12_000_000, sampleInterval: Duration.seconds(10), retention: Duration.days(1) });
    expect(tooMuch.warnings.join('\n')).toMatch(/single InfluxDB node .*10,000,000 series/);
  });

  test('the other workloads leave it undefined', () => {
    expect(CapacityPlanner.video({ cameras: 10, bitrateMbps: 4, retention: Duration.days(7) }).memoryRequestBytes).toBeUndefined();
  });
});

/**
 * Edges, advice branches and the text a user reads (written against the mutation run of src/capacity). Every figure
 * is worked out by hand in the comment beside it.
 */
describe('capacity: limits at both edges', () => {
  const video = (extra: object) => () => CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(1), ...extra });

  test('segmentDuration: 1440 min (one day) is accepted, anything above is not', () => {
    expect(CapacityPlanner.video({
      cameras: 2, bitrateMbps: 1, retention: Duration.days(1), segmentDuration: Duration.minutes(1_440),
    }).segmentsPerDay).toBe(2); // 2 × 1440 ÷ 1440
    expect(CapacityPlanner.video({
      cameras: 2, bitrateMbps: 1, retention: Duration.days(1), segmentDuration: Duration.days(1),
    }).segmentsPerDay).toBe(2);
    expect(video({ segmentDuration: Duration.minutes(1_440.5) })).toThrow('CapacityPlanner.video: segmentDuration = 1,440.5 min: must be at most one day (1440 min); use the recorder\'s segment length, e.g. 5 min');
  });

  test('archiveWindow: 24 h is accepted, one second more is not; the model distribution window has no such limit', () => {
    const day = CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(1), archiveWindow: Duration.hours(24) });
    expect(day.transferWindowSeconds).toBe(86_400);
    expect(video({ archiveWindow: Duration.seconds(86_401) })).toThrow(
      'CapacityPlanner.video: archiveWindow = 86,401 s: must be at most 24 hours: a day\'s data must leave before the next day\'s is complete, or the backlog grows forever; use at most Duration.hours(24)');
    expect(() => CapacityPlanner.iot({ sensors: 1, sampleInterval: Duration.seconds(1), retention: Duration.days(1), archiveWindow: Duration.seconds(86_401) })).toThrow(/archiveWindow = 86,401 s: must be at most 24 hours/);
    const twoDays = CapacityPlanner.models({
      models: 1, versionsRetained: 1, averageModelSize: DecimalSize.gigabytes(1), distributionWindow: Duration.hours(48),
    });
    expect(twoDays.transferWindowSeconds).toBe(172_800);
  });

  test('a window that is not a Duration is refused like a zero one', () => {
    expect(video({ archiveWindow: 3600 as any })).toThrow('CapacityPlanner.video: archiveWindow = 3600: must be a Duration longer than 0; use e.g. Duration.hours(8)');
  });

  test('fillTarget: 1 is accepted, 0 and above 1 are not; above 0.85 warns', () => {
    const full = CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(1), fillTarget: 1 });
    expect(full.fillTarget).toBe(1);
    expect(full.warnings).toContain('fillTarget 1 is above Ceph\'s nearfull ratio (0.85; backfill stops at 0.90, writes at 0.95): after a drive failure there may be no room to rebuild its data');
    expect(CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(1), fillTarget: 0.85 }).warnings).toEqual([]);
    expect(video({ fillTarget: 0 })).toThrow('CapacityPlanner.video: fillTarget = 0: must be a number in (0, 1]; use a fraction such as 0.85 (Ceph warns nearfull at 0.85)');
    expect(video({ fillTarget: 1.01 })).toThrow(/fillTarget = 1\.01: must be a number in \(0, 1\]/);
  });

  test('dedupRatio: 0 is accepted, 1 is not; compressionRatio: 1 is accepted, below 1 is not', () => {
    const m = (dedupRatio: number) => () =>
      CapacityPlanner.models({ models: 1, versionsRetained: 1, averageModelSize: DecimalSize.gigabytes(1), dedupRatio });
    expect(m(0)().logicalBytes).toBe(1e9);
    expect(m(1)).toThrow('CapacityPlanner.models: dedupRatio = 1: must be a number in [0, 1); use 0 (no dedup) up to below 1, e.g. 0.3 for 30% saved');
    expect(m(-0.1)).toThrow(/dedupRatio = -0\.1: must be a number in \[0, 1\)/);
    const i = (compressionRatio: number) => () => CapacityPlanner.iot({
      sensors: 1, sampleInterval: Duration.seconds(1), retention: Duration.days(1), compressionRatio,
    });
    expect(i(1)().logicalBytes).toBe(8_640_000); // 86,400 points × 100 B ÷ 1
    expect(i(0.99)).toThrow('CapacityPlanner.iot: compressionRatio = 0.99: must be a finite number ≥ 1 (uncompressed ÷ stored size); use e.g. 10 for InfluxDB TSM, or 1 for no compression');
    expect(i(Infinity)).toThrow(/compressionRatio = Infinity: /);
  });

  test('counts must be positive safe integers; sizes must be positive Sizes', () => {
    expect(() => CapacityPlanner.models({ models: 1.5, versionsRetained: 0, averageModelSize: DecimalSize.bytes(0) })).toThrow([
      'CapacityPlanner.models: models = 1.5: must be a positive integer; give the number of distinct models, e.g. 50',
      'CapacityPlanner.models: versionsRetained = 0: must be a positive integer; give the versions kept per model (current plus rollback targets), e.g. 10',
      'CapacityPlanner.models: averageModelSize = 0 B: must be a Size larger than 0; give the average size of one model version, e.g. DecimalSize.gigabytes(3)',
    ].join('\n'));
    expect(() => CapacityPlanner.models({ models: 1, versionsRetained: 1, averageModelSize: 3 as any })).toThrow(/averageModelSize = 3: must be a Size larger than 0/);
    expect(() => CapacityPlanner.video({ cameras: 2 ** 53, bitrateMbps: 1, retention: Duration.days(1) })).toThrow(/cameras = 9007199254740992: must be a positive integer/);
  });

  test('hardware: the redundancy must fit on the drives; exactly enough drives is accepted', () => {
    const hw = (servers: number) => () =>
      CapacityPlanner.hardware({ servers, driveSize: DecimalSize.terabytes(1), redundancy: Redundancy.erasureCoded(2, 2) });
    expect(hw(4)().rawBytes).toBe(4e12);
    expect(hw(3)).toThrow('CapacityPlanner.hardware: servers × drivesPerServer = 3: EC 2+2 needs at least 4 drives to place one stripe or all copies; add drives or servers, or use a redundancy with fewer chunks or copies');
    expect(CapacityPlanner.hardware({ servers: 1, driveSize: DecimalSize.terabytes(1) }).description).toBe('1 server × 1 drive × 1 TB');
    expect(CapacityPlanner.hardware({ servers: 2, drivesPerServer: 3, driveSize: DecimalSize.terabytes(1) }).description).toBe('2 servers × 3 drives × 1 TB');
    expect(() => CapacityPlanner.hardware({ servers: 2 ** 30, drivesPerServer: 2 ** 30, driveSize: DecimalSize.terabytes(1) })).toThrow(
      /servers × drivesPerServer = 1152921504606847000: must be at most 9007199254740991 drives to be counted exactly/);
  });
});

describe('capacity: every line of the IoT and model estimates', () => {
  test('IoT at the defaults: 10,000 sensors every 10 s for 30 days', () => {
    const e = CapacityPlanner.iot({ sensors: 10_000, sampleInterval: Duration.seconds(10), retention: Duration.days(30) });
    expect(e.inputs).toEqual([
      { label: 'Sensors', value: '10,000', basis: 'input' },
      { label: 'Sample interval', value: '10 s', basis: 'input' },
      { label: 'Retention', value: '30 days', basis: 'input' },
      { label: 'Bytes per point (uncompressed)', value: '100 B', basis: 'default' },
      { label: 'Compression ratio', value: '10:1', basis: 'default' },
      { label: 'Redundancy', value: 'none (overhead 1)', basis: 'default' },
      { label: 'Fill target', value: '0.85', basis: 'default' },
      { label: 'Archive window', value: '24 h', basis: 'default' },
    ]);
    // 10,000 × 86,400 ÷ 10 = 86.4e6 points/day; × 100 B ÷ 10 = 864 MB stored/day; 8.64 GB uncompressed/day
    // → 8.64e9 × 8 ÷ 86,400 s = 0.8 Mbps; ingest 10,000 × 100 × 8 ÷ 10 = 0.8 Mbps; 1,000 writes/s → low tier.
    expect(e.results.slice(3)).toEqual([
      { label: 'Points per day', value: '86,400,000', basis: '10,000 sensors × 86,400 s ÷ 10 s' },
      { label: 'Ingest (uncompressed)', value: '0.8 Mbps', basis: '10,000 × 100 B × 8 ÷ 10 s' },
      { label: 'Stored per day', value: '864 MB', basis: 'points per day × 100 B ÷ 10' },
      { label: 'WAN to ship a day (uncompressed)', value: '0.8 Mbps', basis: '8.64 GB × 8 ÷ 24 h' },
      { label: 'Writes per second', value: '1,000', basis: '10,000 series ÷ 10 s' },
      { label: 'Time-series memory (request–limit)', value: '2–4 GiB', basis: 'InfluxData single-node sizing, low load (< 5,000 writes/s and < 100,000 series)' },
    ]);
    expect(e.warnings).toEqual([]);
  });

  test('IoT at high load: one memory figure, the high-tier basis, and the single-node warning', () => {
    // 2,000,000 sensors every 2 s: 1,000,000 writes/s over 2,000,000 series.
    const e = CapacityPlanner.iot({
      sensors: 2_000_000, sampleInterval: Duration.seconds(2), retention: Duration.days(1), redundancy: Redundancy.replicated(2),
    });
    expect(e.results.find((l) => l.label === 'Time-series memory (request–limit)')).toEqual({
      label: 'Time-series memory (request–limit)', value: '32 GiB', basis: 'InfluxData single-node sizing, high load (> 250,000 writes/s or > 1,000,000 series)',
    });
    expect(e.warnings).toEqual([
      '2 replicas tolerates one failure only: a second failure during recovery loses data',
      '1,000,000 writes/s over 2,000,000 series is beyond what InfluxData\'s sizing guidance expects of a single InfluxDB node (750,000 field writes/s, 10,000,000 series); split the sensors over several sites or buckets, sample less often, or use a clustered time-series store',
    ]);
  });

  test('IoT tier edges: 5,000 writes/s is moderate, 4,999 low; exactly 750,000 writes/s does not warn', () => {
    const tierOf = (sensors: number) => CapacityPlanner.iot({
      sensors, sampleInterval: Duration.seconds(1), retention: Duration.days(1),
    }).memoryRequestBytes;
    expect(tierOf(4_999)).toBe(2 * 2 ** 30);
    expect(tierOf(5_000)).toBe(8 * 2 ** 30);
    expect(tierOf(249_999)).toBe(8 * 2 ** 30);
    expect(tierOf(250_000)).toBe(32 * 2 ** 30);
    const single = (sensors: number, interval: number) =>
      CapacityPlanner.iot({ sensors, sampleInterval: Duration.seconds(interval), retention: Duration.days(1) }).warnings.length;
    expect(single(750_000, 1)).toBe(0);
    expect(single(750_001, 1)).toBe(1);
    expect(single(10_000_000, 100)).toBe(0); // 100,000 writes/s, exactly 10,000,000 series
    expect(single(10_000_001, 100)).toBe(1);
  });

  test('models: every input and result line, with a distribution window and dedup', () => {
    // 50 models × 10 versions × 3 GB × (1 − 0.2) = 1.2 TB logical; one release 50 × 3 GB × 0.8 = 120 GB;
    // WAN 120e9 × 8 ÷ 7,200 s = 133.33 Mbps.
    const e = CapacityPlanner.models({
      models: 50,
      versionsRetained: 10,
      averageModelSize: DecimalSize.gigabytes(3),
      dedupRatio: 0.2,
      distributionWindow: Duration.hours(2),
      redundancy: Redundancy.replicated(3),
      fillTarget: 0.8,
    });
    expect(e.inputs).toEqual([
      { label: 'Models', value: '50', basis: 'input' },
      { label: 'Versions retained', value: '10', basis: 'input' },
      { label: 'Average model size', value: '3 GB', basis: 'input' },
      { label: 'Dedup ratio', value: '0.2', basis: 'input' },
      { label: 'Redundancy', value: '3 replicas (overhead 3)', basis: 'input' },
      { label: 'Fill target', value: '0.8', basis: 'input' },
      { label: 'Distribution window', value: '2 h', basis: 'input' },
    ]);
    expect(e.results).toEqual([
      { label: 'Logical data', value: '1.2 TB', basis: '50 models × 10 versions × 3 GB × (1 − 0.2)' },
      expect.objectContaining({ label: 'Raw (after redundancy)', value: '3.6 TB' }),
      expect.objectContaining({ label: 'Provisioned (at fill target)', value: '4.5 TB' }),
      { label: 'Objects retained', value: '500', basis: '50 models × 10 versions' },
      { label: 'One release of every model', value: '120 GB', basis: '50 × 3 GB × (1 − 0.2)' },
      { label: 'WAN to pull a release', value: '133.33 Mbps', basis: '120 GB × 8 ÷ 2 h' },
    ]);
    expect(e.warnings).toEqual([]);
    expect(CapacityPlanner.models({ models: 1, versionsRetained: 1, averageModelSize: DecimalSize.gigabytes(1) }).inputs.map((l) => l.basis))
      .toEqual(['input', 'input', 'input', 'default', 'default', 'default', 'default']);
  });

  test('redundancy warnings: none on a replicated store, EC k+0, one failure tolerated', () => {
    const w = (redundancy: Redundancy) =>
      CapacityPlanner.models({ models: 1, versionsRetained: 1, averageModelSize: DecimalSize.gigabytes(1), redundancy }).warnings;
    expect(w(Redundancy.NONE)).toEqual(['no redundancy: one lost drive loses data; use Redundancy.erasureCoded(2, 2) or Redundancy.replicated(3)']);
    expect(w(Redundancy.erasureCoded(4, 0))).toEqual(['EC 4+0 tolerates no failure: one lost drive loses data']);
    expect(w(Redundancy.replicated(1))).toEqual(['1 replica tolerates no failure: one lost drive loses data']);
    expect(w(Redundancy.erasureCoded(2, 1))).toEqual(['EC 2+1 tolerates one failure only: a second failure during recovery loses data']);
    expect(w(Redundancy.erasureCoded(2, 2))).toEqual([]);
    expect(() => CapacityPlanner.models({ models: 1, versionsRetained: 1, averageModelSize: DecimalSize.gigabytes(1), redundancy: 'EC 2+2' as any })).toThrow(
      'CapacityPlanner.models: redundancy = "EC 2+2": must be a Redundancy; use Redundancy.erasureCoded(k, m), Redundancy.replicated(n) or Redundancy.NONE');
  });

  test('Redundancy: the smallest valid k, m and n, and the errors below them', () => {
    expect(Redundancy.erasureCoded(1, 0).overhead).toBe(1);
    expect(Redundancy.replicated(1).minimumDrives).toBe(1);
    expect(() => Redundancy.erasureCoded(0, -1)).toThrow([
      'Redundancy.erasureCoded: dataChunks = 0: must be an integer ≥ 1; use k ≥ 1, e.g. 2 for EC 2+2 on four hosts',
      'Redundancy.erasureCoded: codingChunks = -1: must be an integer ≥ 0; use m ≥ 0, e.g. 2 for EC 2+2 (m = 1 survives only one failure)',
    ].join('\n'));
    expect(() => Redundancy.replicated(0)).toThrow('Redundancy.replicated: replicas = 0: must be an integer ≥ 1; use n ≥ 1, e.g. 3 replicas (Ceph\'s default pool size)');
    expect(() => Redundancy.replicated(1.5)).toThrow(/replicas = 1\.5: /);
    expect(String(Redundancy.erasureCoded(4, 2))).toBe('EC 4+2');
  });
});

describe('capacity: number and size text', () => {
  test('thousands separators and trailing zeros', () => {
    expect(CapacityFormat.number(1_234_567.5)).toBe('1,234,567.5');
    expect(CapacityFormat.number(1_000)).toBe('1,000');
    expect(CapacityFormat.number(999)).toBe('999');
    expect(CapacityFormat.number(100)).toBe('100');
    expect(CapacityFormat.number(2.004)).toBe('2');
    expect(CapacityFormat.number(2.105)).toBe('2.1'); // 2.105 is 2.10499… in binary: rounds to 2.10, shown 2.1
    expect(CapacityFormat.number(-1_234.5)).toBe('-1,234.5');
    expect(CapacityFormat.number(-0.001)).toBe('0');
    expect(CapacityFormat.number(-0.5, 0)).toBe('-1'); // toFixed rounds half away from zero
    expect(CapacityFormat.number(1_234.5678, 3)).toBe('1,234.568');
    expect(CapacityFormat.number(Infinity)).toBe('Infinity');
    expect(CapacityFormat.number(NaN)).toBe('NaN');
  });

  test('bytes: the largest unit with a value of at least 1, rounding carried into the next unit', () => {
    expect(CapacityFormat.bytes(999)).toBe('999 B');
    expect(CapacityFormat.bytes(1_000)).toBe('1 kB');
    expect(CapacityFormat.bytes(1_500_000)).toBe('1.5 MB');
    expect(CapacityFormat.bytes(999_996_000_000)).toBe('1 TB'); // 999.996 GB rounds to 1000 GB
    expect(CapacityFormat.bytes(999_994_000_000)).toBe('999.99 GB');
    expect(CapacityFormat.bytes(-2_500)).toBe('-2.5 kB');
    expect(CapacityFormat.bytes(2e21)).toBe('2,000 EB'); // no unit above EB
    expect(CapacityFormat.bytes(Infinity)).toBe('Infinity');
  });

  test('seconds: whole hours, then whole minutes, else seconds', () => {
    expect(CapacityFormat.seconds(3_600)).toBe('1 h');
    expect(CapacityFormat.seconds(90_000)).toBe('25 h');
    expect(CapacityFormat.seconds(3_599)).toBe('3,599 s');
    expect(CapacityFormat.seconds(60)).toBe('1 min');
    expect(CapacityFormat.seconds(59)).toBe('59 s');
    expect(CapacityFormat.seconds(1_800)).toBe('30 min');
    expect(CapacityFormat.seconds(0.25)).toBe('0.25 s');
  });

  test('DecimalSize builds decimal units', () => {
    expect(DecimalSize.toBytes(DecimalSize.megabytes(2))).toBe(2e6);
    expect(DecimalSize.toBytes(DecimalSize.bytes(512))).toBe(512);
  });
});

/** What the capacity mutation run found unchecked: lines, origins, advice as data, messages and overflow guards. */
describe('capacity: what the mutation run found unchecked', () => {
  const hw16 = { servers: 4, driveSize: DecimalSize.terabytes(16) };
  const line = (e: CapacityEstimate, label: string) => [...e.inputs, ...e.results].find((l) => l.label === label);

  test('every line of a video estimate with all inputs given', () => {
    const e = CapacityPlanner.video({
      cameras: 100, bitrateMbps: 4, retention: Duration.days(30), segmentDuration: Duration.minutes(5), archiveWindow: Duration.hours(8),
    });
    expect(line(e, 'Retention')).toEqual({ label: 'Retention', value: '30 days', basis: 'input' });
    expect(line(e, 'Segment length')).toEqual({ label: 'Segment length', value: '5 min', basis: 'input' });
    expect(line(e, 'Archive window')).toEqual({ label: 'Archive window', value: '8 h', basis: 'input' });
    // 100 × 4 = 400 Mbps; 400e6 ÷ 8 × 86,400 = 4.32e12 B/day; 100 × 1,440 ÷ 5 = 28,800 segments/day;
    // 4e6 ÷ 8 × 300 s = 150e6 B per segment; ⌈30 × 1,440 ÷ 5⌉ = 8,640 per camera → 864,000; 4.32e12 × 8 ÷ 28,800 s = 1,200 Mbps
    expect(e.results.slice(3)).toEqual([
      { label: 'Ingest', value: '400 Mbps', basis: '100 cameras × 4 Mbps' },
      { label: 'Data per day', value: '4.32 TB', basis: '100 × 4 Mbps ÷ 8 × 86,400 s' },
      { label: 'Segments per day', value: '28,800', basis: '100 cameras × 1,440 min ÷ 5 min' },
      { label: 'Segment size', value: '150 MB', basis: '4 Mbps ÷ 8 × 300 s' },
      { label: 'Segments retained', value: '864,000', basis: '100 cameras × ⌈30 days × 1,440 ÷ 5⌉' },
      { label: 'WAN to archive a day', value: '1,200 Mbps', basis: '4.32 TB × 8 ÷ 8 h' },
    ]);
    expect(e.wanMbps).toBe(1200);
    expect(e.results[1].basis).toBe('logical × 2 (EC 2+2)');
    // 4.32e12 × 30 = 129.6e12 logical; × 2 ÷ 0.85 provisioned
    expectClose(e.provisionedBytes, 129.6e12 * 2 / 0.85);
    // Left at their defaults, the same lines say so.
    const defaults = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(30) });
    expect(line(defaults, 'Segment length')?.basis).toBe('default');
    expect(line(defaults, 'Archive window')).toEqual({ label: 'Archive window', value: '24 h', basis: 'default' });
  });

  test('Durations in any unit count as their days, minutes and seconds (Duration.hours(36) is 1.5 days), and read back exactly', () => {
    const hours = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.hours(36), segmentDuration: Duration.seconds(90) });
    const days = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(1.5), segmentDuration: Duration.minutes(1.5) });
    expect(hours.parameters).toEqual(days.parameters);
    expect(hours.parameters.retentionDays).toBe(1.5);
    expect(hours.parameters.segmentMinutes).toBe(1.5);
    expect(line(hours, 'Retention')).toEqual({ label: 'Retention', value: '1.5 days', basis: 'input' });
    expect(line(hours, 'Segment length')).toEqual({ label: 'Segment length', value: '1.5 min', basis: 'input' });
    expect(hours.logicalBytes).toBe(6.48e12); // 4.32e12 B/day × 1.5
    expect(hours.segmentBytes).toBe(45e6); // 500,000 B/s × 90 s
    const iot = CapacityPlanner.iot({ sensors: 10, sampleInterval: Duration.millis(500), retention: Duration.minutes(2_880) });
    expect(iot.parameters.sampleIntervalSeconds).toBe(0.5);
    expect(iot.parameters.retentionDays).toBe(2);
    expect(line(iot, 'Sample interval')).toEqual({ label: 'Sample interval', value: '0.5 s', basis: 'input' });
    expect(iot.pointsPerDay).toBe(1_728_000); // 10 × 86,400 ÷ 0.5
    // An amount in the unit counted is taken as it is, not through milliseconds: × 86,400,000 ÷ 86,400,000 (or × 1,000
    // ÷ 1,000) does not give these doubles back, and the CLI's round trip of typed values relies on exact figures.
    expect(56.6569232174583 * 86_400_000 / 86_400_000).not.toBe(56.6569232174583);
    expect(CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(56.6569232174583) })
      .parameters.retentionDays).toBe(56.6569232174583);
    expect(70.07306809471659 * 1_000 / 1_000).not.toBe(70.07306809471659);
    expect(CapacityPlanner.iot({ sensors: 1, sampleInterval: Duration.seconds(70.07306809471659), retention: Duration.days(1) })
      .parameters.sampleIntervalSeconds).toBe(70.07306809471659);
  });

  test('IoT inputs given are marked as input; the formula and logical basis name every input', () => {
    const e = CapacityPlanner.iot({
      sensors: 1_000,
      sampleInterval: Duration.seconds(60),
      retention: Duration.days(10),
      bytesPerPoint: 200,
      compressionRatio: 5,
      archiveWindow: Duration.hours(6),
    });
    expect(line(e, 'Bytes per point (uncompressed)')).toEqual({ label: 'Bytes per point (uncompressed)', value: '200 B', basis: 'input' });
    expect(line(e, 'Compression ratio')).toEqual({ label: 'Compression ratio', value: '5:1', basis: 'input' });
    expect(line(e, 'Archive window')).toEqual({ label: 'Archive window', value: '6 h', basis: 'input' });
    expect(e.results[0].basis).toBe('1,000 sensors × 86,400 s ÷ 60 s × 10 days × 200 B ÷ 5');
    for (const input of ['sensors', 'sampleIntervalSeconds', 'retentionDays', 'bytesPerPoint', 'compressionRatio', 'fillTarget']) {
      expect(e.formula).toContain(input);
    }
    const models = CapacityPlanner.models({ models: 2, versionsRetained: 3, averageModelSize: DecimalSize.gigabytes(1) });
    for (const input of ['models', 'versionsRetained', 'averageModelSize', 'dedupRatio', 'fillTarget']) {
      expect(models.formula).toContain(input);
    }
  });

  test('the IoT memory tier changes at 100,000 series exactly, and names the moderate tier', () => {
    // 100 s between points: 1,000 writes/s at 100,000 sensors, well below the 5,000 writes/s edge.
    const at = (sensors: number) => CapacityPlanner.iot({ sensors, sampleInterval: Duration.seconds(100), retention: Duration.days(1) });
    expect(at(99_999).memoryRequestBytes).toBe(2 * 2 ** 30);
    expect(at(100_000).memoryRequestBytes).toBe(8 * 2 ** 30);
    expect(line(at(100_000), 'Time-series memory (request–limit)')?.basis).toMatch(/^InfluxData single-node sizing, moderate load /);
  });

  test('suggestions carry the prop, the value as text, the current value and the direction', () => {
    const video = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7) });
    const fit = CapacityPlanner.fit(video, hw16);
    const data = fit.suggestions.map(({ description, ...rest }) => rest);
    expect(data).toEqual([
      { change: 'add drives', prop: 'drivesPerServer', value: 2, text: '2', current: 1, currentText: '1', atMost: false },
      { change: 'use larger drives', prop: 'driveSize', value: 17.79e12, text: '17.79TB', current: 16e12, currentText: '16 TB', atMost: false },
      { change: 'add servers', prop: 'servers', value: 5, text: '5', current: 4, currentText: '4', atMost: false },
      { change: 'shorten retention', prop: 'retention', value: 6, text: '6', current: 7, currentText: '7', atMost: true },
      { change: 'lower the bitrate', prop: 'bitrateMbps', value: 3.59, text: '3.59', current: 4, currentText: '4', atMost: true },
    ]);
    expect(fit.toPlainObject().suggestions).toEqual(fit.suggestions);

    const iotEstimate = CapacityPlanner.iot({ sensors: 10_000, sampleInterval: Duration.seconds(10), retention: Duration.days(30) });
    const iot = CapacityPlanner.fit(iotEstimate, { servers: 1, driveSize: DecimalSize.gigabytes(20) });
    expect(iot.suggestions.slice(3).map(({ description, ...rest }) => rest)).toEqual([
      { change: 'shorten retention', prop: 'retention', value: 19, text: '19', current: 30, currentText: '30', atMost: true },
      { change: 'sample less often', prop: 'sampleInterval', value: 15.3, text: '15.3', current: 10, currentText: '10', atMost: false },
    ]);
    const modelEstimate = CapacityPlanner.models({
      models: 50, versionsRetained: 10, averageModelSize: DecimalSize.gigabytes(3), dedupRatio: 0.3, fillTarget: 1,
    });
    const models = CapacityPlanner.fit(modelEstimate, { servers: 4, driveSize: DecimalSize.gigabytes(500) });
    expect(models.suggestions[models.suggestions.length - 1]).toMatchObject({ change: 'keep fewer versions', prop: 'versionsRetained', value: 9, text: '9', current: 10, atMost: true });

    const fits = CapacityPlanner.fit(video, { ...hw16, drivesPerServer: 2 });
    expect(fits.suggestions).toEqual([]);
    expect(fits.toPlainObject().suggestions).toEqual([]);
  });

  test('a shortfall too large to count drives or servers for leaves those suggestions out', () => {
    // 10^9 cameras at 10^5 Mbps: 10^20 bit/s ÷ 8 × 86,400 = 1.08e24 B/day, × 10^5 days = 1.08e29 B on
    // 1 × 1 GB: 1.08e20 drives or servers, beyond 2^53. Retention and bitrate would have to fall to about 10^-21 of
    // theirs, which rounds to 0 at two decimals: no valid value either. Only larger drives are left.
    const huge = CapacityPlanner.video({ cameras: 1e9, bitrateMbps: 1e5, retention: Duration.days(1e5), redundancy: Redundancy.NONE, fillTarget: 1 });
    const fit = CapacityPlanner.fit(huge, { servers: 1, driveSize: DecimalSize.gigabytes(1) });
    expect(fit.suggestions.map((s) => s.prop)).toEqual(['driveSize']);
    expect(fit.suggestions[0].value).toBeGreaterThanOrEqual(huge.logicalBytes);
  });

  test('every planner message ends with a fix', () => {
    const messages = [
      () => CapacityPlanner.video({ cameras: 0, bitrateMbps: 0, retention: Duration.days(0), segmentDuration: Duration.minutes(0) }),
      () => CapacityPlanner.iot({
        sensors: 0, sampleInterval: Duration.seconds(0), retention: Duration.days(0), bytesPerPoint: 0, compressionRatio: 0,
      }),
      () => CapacityPlanner.models({ models: 0, versionsRetained: 0, averageModelSize: 'big' as any }),
      () => CapacityPlanner.hardware({ servers: 0, drivesPerServer: 0, driveSize: 'big' as any }),
    ].flatMap((fn) => {
      try {
        fn();
      } catch (e) {
        return (e as Error).message.split('\n');
      }
      throw new Error('no error');
    });
    expect(messages).toHaveLength(15); // 4 video, 5 IoT, 3 model and 3 hardware props
    for (const m of messages) expect(m).toMatch(/^CapacityPlanner\.\w+: [\w ×]+ = [^:]+: [^;]+; \S.{9,}$/);
  });

  test('a prop that failed its own check adds no second problem', () => {
    expect(() => CapacityPlanner.video({
      cameras: 1, bitrateMbps: 1, retention: Duration.days(1), segmentDuration: Duration.minutes(Infinity),
    })).toThrow(
      /^CapacityPlanner\.video: segmentDuration = Infinity min: must be a finite time longer than 0; [^\n]+$/);
    expect(() => CapacityPlanner.hardware({ servers: 0, driveSize: DecimalSize.terabytes(1) })).toThrow(
      /^CapacityPlanner\.hardware: servers = 0: must be a positive integer; [^\n]+$/);
    const small = CapacityPlanner.video({ cameras: 1, bitrateMbps: 1, retention: Duration.days(1) });
    expect(() => CapacityPlanner.fit(small, { servers: 4, drivesPerServer: 0, driveSize: DecimalSize.terabytes(1) })).toThrow(
      /^CapacityPlanner\.fit: drivesPerServer = 0: must be a positive integer; [^\n]+$/);
  });

  test('overflowing hardware and fits are refused with the figure that overflows', () => {
    expect(() => CapacityPlanner.hardware({ servers: 2, driveSize: DecimalSize.bytes(1e308) })).toThrow(
      /^CapacityPlanner\.hardware: rawBytes = Infinity: is too large to compute \(the inputs overflow a double\); check servers, drivesPerServer and driveSize/m);
    expect(() => CapacityPlanner.hardware({ servers: 2 ** 27, drivesPerServer: 2 ** 27, driveSize: DecimalSize.terabytes(1) })).toThrow(
      `CapacityPlanner.hardware: servers × drivesPerServer = ${2 ** 54}: must be at most ${Number.MAX_SAFE_INTEGER} drives to be counted exactly; check servers and drivesPerServer`);
    const video = CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7) });
    expect(() => CapacityPlanner.fit(video, { ...hw16, fillTarget: 1e-300 })).toThrow(
      /^CapacityPlanner\.fit: neededRawBytes = Infinity: is too large to compute \(the inputs overflow a double\); check the hardware/m);
    // The provisioned figure alone can overflow: logical 30.24e12 fits in a double, ÷ 1e-300 does not.
    expect(() => CapacityPlanner.video({ cameras: 100, bitrateMbps: 4, retention: Duration.days(7), fillTarget: 1e-300 })).toThrow(
      /^CapacityPlanner\.video: provisionedBytes = Infinity: is too large to compute[^\n]*$/);
  });

  test('a window of a fraction of a second is taken as given', () => {
    const e = CapacityPlanner.video({ cameras: 1, bitrateMbps: 8, retention: Duration.days(1), archiveWindow: Duration.millis(1500) });
    expect(e.transferWindowSeconds).toBe(1.5);
  });

  test('Markdown: escaped pipes, the formula, the units note and each warning, ending in a newline', () => {
    const e = CapacityPlanner.video({ cameras: 10, bitrateMbps: 4, retention: Duration.days(7), redundancy: Redundancy.replicated(2) });
    expect(e.warnings).toHaveLength(1);
    e.inputs.push({ label: 'a|b', value: '1', basis: 'c|d' });
    const md = e.toMarkdown();
    expect(md).toContain('| a\\|b | 1 | c\\|d |');
    expect(md.endsWith(`\n\nFormula: ${e.formula}\n\nDecimal units: 1 TB = 10^12 bytes, 1 Mbps = 10^6 bit/s.\n\n> Warning: ${e.warnings[0]}\n`)).toBe(true);
    expect(e.toPlainObject().warnings).toEqual(e.warnings);
  });
});
