import { execSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { flagifyFor, main } from '../../src/cli/main';

// These tests run the BUILT command line (lib/cli/bin.js, what the package's `cdk8s-edge-storage` bin points at).
// beforeAll compiles first when lib/ is missing or older than any source file. Expected figures are worked out by
// hand in the comments (decimal units: 1 TB = 10^12 B, 1 Mbps = 10^6 bit/s).

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'lib', 'cli', 'bin.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : entry.name.endsWith('.ts') ? fs.statSync(full).mtimeMs : 0);
  }
  return newest;
}

beforeAll(() => {
  const stale = !fs.existsSync(BIN) || fs.statSync(BIN).mtimeMs < newestSource(path.join(ROOT, 'src'));
  if (stale) {
    execSync('npx projen compile', { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
  }
}, 300_000);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(...args: string[]): any {
  const r = cli(...args, '--json');
  expect(r.stderr).toBe('');
  return { ...JSON.parse(r.stdout), exitCode: r.code };
}

function expectClose(actual: number, expected: number): void {
  const tolerance = Math.abs(expected) * 1e-12;
  if (Math.abs(actual - expected) > tolerance) {
    throw new Error(`expected ${actual} to be within ${tolerance} of ${expected}`);
  }
}

const VIDEO = ['plan', 'video', '--cameras', '100', '--bitrate-mbps', '4', '--retention-days', '7'];

describe('help and usage', () => {
  test('--help prints the usage on stdout and exits 0', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Usage: cdk8s-edge-storage plan <video|iot|models> [flags]');
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 the plan does not fit the hardware given, 2 bad command line.');
  });

  test.each([
    ['video', ['--cameras N', '--bitrate-mbps MBPS', '--retention-days DAYS', '--segment-minutes MIN', '--archive-window DURATION']],
    ['iot', ['--sensors N', '--sample-interval-seconds S', '--retention-days DAYS', '--bytes-per-point B', '--compression-ratio R', '--archive-window DURATION']],
    ['models', ['--models N', '--versions-retained N', '--average-model-size SIZE', '--dedup-ratio R', '--distribution-window DURATION']],
  ])('plan %s --help lists its flags', (workload, flags) => {
    const r = cli('plan', workload, '--help');
    expect(r.code).toBe(0);
    for (const flag of [...flags, '--ec K+M', '--replicas N', '--no-redundancy', '--fill-target F', '--servers N', '--drives-per-server N', '--drive-size SIZE', '--json']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain(`Usage: cdk8s-edge-storage plan ${workload} [flags]`);
  });

  test('-h works after other flags', () => {
    const r = cli('plan', 'iot', '--sensors', '5', '-h');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: cdk8s-edge-storage plan iot [flags]');
  });

  test('--version prints the package version', () => {
    const r = cli('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
});

describe('bad command lines exit 2 with usage on stderr', () => {
  test.each([
    ['no arguments', [], /^error: missing command\n\nUsage: cdk8s-edge-storage plan/],
    ['unknown command', ['frobnicate'], /^error: unknown command "frobnicate"; expected "plan"\n\nUsage:/],
    ['missing workload', ['plan'], /^error: missing workload; expected video, iot, models/],
    ['unknown workload', ['plan', 'audio'], /^error: unknown workload "audio"; expected video, iot, models/],
    ['unknown flag', [...VIDEO, '--bogus'], /^error: Unknown option '--bogus'\n\nUsage: cdk8s-edge-storage plan video \[flags\]/],
    ['unknown short flag', [...VIDEO, '-x'], /^error: Unknown option '-x'/],
    ['flag without value', ['plan', 'video', '--bitrate-mbps', '4', '--retention-days', '7', '--cameras'], /^error: Option '--cameras <value>' argument missing/],
    ['value starting with a dash', ['plan', 'video', '--cameras', '-4', '--bitrate-mbps', '4', '--retention-days', '7'], /^error: --cameras = -4: must be a positive integer; give the number of cameras that record/],
    ['value on a boolean', [...VIDEO, '--json=yes'], /^error: Option '--json' does not take an argument/],
    ['positional argument', [...VIDEO, 'extra'], /^error: Unexpected argument 'extra'/],
    ['missing required flags', ['plan', 'video', '--cameras', '100'], /^error: missing required flags --bitrate-mbps, --retention-days\n\nUsage: cdk8s-edge-storage plan video/],
    ['missing required flag (models)', ['plan', 'models', '--models', '5', '--versions-retained', '2'], /^error: missing required flag --average-model-size\n/],
    ['flag given twice', [...VIDEO, '--cameras', '5'], /^error: --cameras given more than once/],
    ['two redundancies', [...VIDEO, '--ec', '2+2', '--replicas', '3'], /^error: --ec and --replicas exclude each other; give one/],
    ['redundancy and none', [...VIDEO, '--replicas', '3', '--no-redundancy'], /^error: --replicas and --no-redundancy exclude each other/],
    ['hardware without drive size', [...VIDEO, '--servers', '4'], /^error: --servers and --drive-size go together/],
    ['drives per server alone', [...VIDEO, '--drives-per-server', '2'], /^error: --servers and --drive-size go together/],
  ])('%s', (_name, args, stderr) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
  });

  test.each([
    ['not a number', ['--cameras', 'abc'], 'error: --cameras "abc": not a number'],
    ['hex is not a number', ['--bitrate-mbps', '0x10'], 'error: --bitrate-mbps "0x10": not a number'],
    ['Infinity is not a number', ['--retention-days', 'Infinity'], 'error: --retention-days "Infinity": not a number'],
    ['bad --ec', ['--ec', '2x2'], 'error: --ec "2x2": must be K+M with whole numbers, e.g. 2+2'],
    ['bad size', ['--servers', '4', '--drive-size', '16 furlongs'], 'error: --drive-size "16 furlongs": not a size'],
    ['bad duration', ['--archive-window', 'soon'], 'error: --archive-window "soon": not a duration; use e.g. 8h, 90m, 1h30m, 1d or PT8H'],
    ['bad ISO duration', ['--archive-window', 'P1Y'], 'error: --archive-window "P1Y": not an ISO 8601 duration'],
    ['thousands separators', ['--retention-days', '1,602.4'], 'error: --retention-days "1,602.4": not a number; write it without thousands separators: 1602.4'],
    // The planner takes a Duration, which cannot be negative: the flag says so before the planner is asked.
    ['negative days', ['--retention-days', '-1'], 'error: --retention-days "-1": must be greater than 0 (days of recordings kept on the site)'],
    ['negative minutes', ['--segment-minutes', '-5'], 'error: --segment-minutes "-5": must be greater than 0 (length of one recorded segment'],
    ['bits are not bytes', ['--servers', '4', '--drive-size', '3Gb'],
      'error: --drive-size "3Gb": not a size: "Gb" is not a size unit ("Gb" would be bits, not bytes); units are case-sensitive: B, kB'],
    ['lowercase unit', ['--servers', '4', '--drive-size', '16tb'], 'error: --drive-size "16tb": not a size: "tb" is not a size unit ("tb" would be bits'],
    ['size without a unit', ['--servers', '4', '--drive-size', '16000000000000'],
      'error: --drive-size "16000000000000": not a size: it has no unit, and a bare number is ambiguous; add one, e.g. 16000000000000GB; units: B, kB (or KB)'],
  ])('malformed value: %s', (_name, extra, stderr) => {
    const args = [...VIDEO];
    for (let i = 0; i < extra.length; i += 2) {
      const at = args.indexOf(extra[i]);
      if (at >= 0) {
        args[at + 1] = extra[i + 1];
      } else {
        args.push(extra[i], extra[i + 1]);
      }
    }
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(stderr)).toBe(true);
  });

  test('values the planner rejects are reported by flag, all at once', () => {
    const r = cli('plan', 'video', '--cameras', '0', '--bitrate-mbps', '4', '--retention-days', '7', '--fill-target', '1.5', '--ec', '0+2');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      'error: --ec K = 0: must be an integer ≥ 1; use k ≥ 1, e.g. 2 for EC 2+2 on four hosts',
      'error: --cameras = 0: must be a positive integer; give the number of cameras that record, e.g. 100',
      'error: --fill-target = 1.5: must be a number in (0, 1]; use a fraction such as 0.85 (Ceph warns nearfull at 0.85)',
      '',
      "Run 'cdk8s-edge-storage plan video --help' for the flags.",
      '',
    ]);
  });

  test.each([
    ['fractional cameras', ['plan', 'video', '--cameras', '2.5', '--bitrate-mbps', '4', '--retention-days', '7'], 'error: --cameras = 2.5: must be a positive integer'],
    ['archive window over a day', [...VIDEO, '--archive-window', '25h'], 'error: --archive-window = 25 h: must be at most 24 hours'],
    ['zero retention', ['plan', 'video', '--cameras', '1', '--bitrate-mbps', '4', '--retention-days', '0'], 'error: --retention-days = 0 days: must be a finite time longer than 0; give how long recordings are kept, e.g. 7 days'],
    ['segment over a day', [...VIDEO, '--segment-minutes', '1441'], 'error: --segment-minutes = 1,441 min: must be at most one day (1440 min)'],
    ['zero sample interval', ['plan', 'iot', '--sensors', '1', '--sample-interval-seconds', '0', '--retention-days', '1'], 'error: --sample-interval-seconds = 0 s: must be a finite time longer than 0'],
    ['compression below 1', ['plan', 'iot', '--sensors', '1', '--sample-interval-seconds', '1', '--retention-days', '1', '--compression-ratio', '0.5'], 'error: --compression-ratio = 0.5: must be a finite number ≥ 1'],
    ['dedup of 1', ['plan', 'models', '--models', '1', '--versions-retained', '1', '--average-model-size', '1GB', '--dedup-ratio', '1'], 'error: --dedup-ratio = 1: must be a number in [0, 1)'],
    ['zero-size model', ['plan', 'models', '--models', '1', '--versions-retained', '1', '--average-model-size', '0GB'], 'error: --average-model-size = 0 B: must be a Size larger than 0'],
    ['zero replicas', [...VIDEO, '--replicas', '0'], 'error: --replicas = 0: must be an integer ≥ 1'],
    ['too few drives for EC 2+2', [...VIDEO, '--servers', '3', '--drive-size', '16TB'], 'error: --servers × --drives-per-server = 3: EC 2+2 needs at least 4 drives'],
  ])('planner rejects %s', (_name, args, stderr) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(stderr);
  });
});

describe('JSON output', () => {
  test('video with the issue\'s flags', () => {
    const o = json(...VIDEO, '--ec', '2+2', '--fill-target', '0.85');
    // 100 × 4e6 / 8 = 50e6 B/s × 86,400 = 4.32e12 B/day × 7 = 30.24e12 logical; × 2 = 60.48e12; / 0.85 = 71.1529e12
    expect(o.exitCode).toBe(0);
    expect(o.workload).toBe('video');
    expect(o.logicalBytes).toBe(30.24e12);
    expect(o.rawBytes).toBe(60.48e12);
    expectClose(o.provisionedBytes, 60.48e12 / 0.85);
    expect(o.overhead).toBe(2);
    expect(o.fillTarget).toBe(0.85);
    expect(o.ingestMbps).toBe(400); // 100 × 4
    expect(o.dailyBytes).toBe(4.32e12);
    expect(o.segmentsPerDay).toBe(28_800); // 100 × 1,440 / 5
    expect(o.segmentBytes).toBe(150e6); // 500,000 B/s × 300 s
    expect(o.objectsRetained).toBe(201_600); // 100 × 2,016
    expect(o.transferWindowSeconds).toBe(86_400);
    expect(o.wanMbps).toBe(400); // 4.32e12 × 8 / 86,400 / 1e6
    expect(o.inputs).toEqual({ cameras: 100, bitrateMbps: 4, retentionDays: 7, segmentMinutes: 5, archiveWindowSeconds: 86_400, fillTarget: 0.85, redundancy: 'EC 2+2' });
    expect(o.warnings).toEqual([]);
    expect(o.fit).toBeUndefined();
  });

  test('video with replicas, segment length and an ISO archive window', () => {
    const o = json('plan', 'video', '--cameras', '16', '--bitrate-mbps', '8', '--retention-days', '30', '--replicas', '3',
      '--segment-minutes', '10', '--archive-window', 'PT8H');
    // 16 × 1e6 B/s × 86,400 = 1.3824e12/day × 30 = 41.472e12; × 3 = 124.416e12; / 0.85 = 146.3717647e12
    // WAN = 1.3824e12 × 8 / 28,800 s = 384 Mbps; segments/day = 16 × 144 = 2,304
    expect(o.logicalBytes).toBe(41.472e12);
    expectClose(o.rawBytes, 124.416e12);
    expectClose(o.provisionedBytes, 124.416e12 / 0.85);
    expect(o.redundancy).toMatchObject({ kind: 'replicated', replicas: 3, overhead: 3 });
    expect(o.transferWindowSeconds).toBe(28_800);
    expectClose(o.wanMbps, 384);
    expect(o.segmentsPerDay).toBe(2_304);
  });

  test('iot with every flag', () => {
    const o = json('plan', 'iot', '--sensors', '500', '--sample-interval-seconds', '1', '--retention-days', '7', '--bytes-per-point', '50',
      '--compression-ratio', '5', '--replicas', '3', '--fill-target', '0.5', '--archive-window', '6h');
    // points/day = 500 × 86,400 = 43.2e6; logical = 43.2e6 × 7 × 50 / 5 = 3.024e9; raw × 3 = 9.072e9; / 0.5 = 18.144e9
    // ingest = 500 × 50 × 8 / 1 s = 0.2 Mbps; WAN = 2.16e9 B × 8 / 21,600 s = 0.8 Mbps
    expectClose(o.logicalBytes, 3.024e9);
    expectClose(o.rawBytes, 9.072e9);
    expectClose(o.provisionedBytes, 18.144e9);
    expect(o.pointsPerDay).toBe(43.2e6);
    expectClose(o.ingestMbps, 0.2);
    expectClose(o.transferBytes, 2.16e9);
    expectClose(o.wanMbps, 0.8);
    expect(o.inputs).toMatchObject({ bytesPerPoint: 50, compressionRatio: 5, archiveWindowSeconds: 21_600 });
  });

  test('iot defaults: 100 B/point, 10:1, no redundancy', () => {
    const o = json('plan', 'iot', '--sensors', '10000', '--sample-interval-seconds', '10', '--retention-days', '30');
    // 10,000 × 8,640 × 30 × 100 / 10 = 25.92e9; provisioned = 25.92e9 / 0.85
    expect(o.logicalBytes).toBe(25.92e9);
    expect(o.overhead).toBe(1);
    expect(o.redundancy.kind).toBe('none');
    expectClose(o.provisionedBytes, 25.92e9 / 0.85);
  });

  test('models with a decimal size, dedup and a 30 min window', () => {
    const o = json('plan', 'models', '--models', '50', '--versions-retained', '10', '--average-model-size', '3GB', '--dedup-ratio', '0.3',
      '--fill-target', '1', '--distribution-window', '30m');
    // 50 × 10 × 3e9 × 0.7 = 1.05e12; × 2 (EC 2+2) = 2.1e12 = provisioned; one release = 105e9 × 8 / 1,800 s = 466.67 Mbps
    expectClose(o.logicalBytes, 1.05e12);
    expectClose(o.rawBytes, 2.1e12);
    expectClose(o.provisionedBytes, 2.1e12);
    expect(o.objectsRetained).toBe(500);
    expectClose(o.wanMbps, 840e9 / 1_800 / 1e6);
    expect(o.inputs.averageModelSizeBytes).toBe(3e9);
    expect(o.warnings).toEqual([expect.stringContaining('fillTarget 1 is above Ceph\'s nearfull ratio')]);
  });

  test('binary sizes and compound durations', () => {
    const o = json('plan', 'models', '--models', '1', '--versions-retained', '1', '--average-model-size', '2GiB', '--no-redundancy',
      '--distribution-window', '1h30m');
    expect(o.logicalBytes).toBe(2_147_483_648); // 2 × 2^30
    expect(o.overhead).toBe(1);
    expect(o.transferWindowSeconds).toBe(5_400);
  });

  test('hardware that does not fit: exit 1, fit details', () => {
    const o = json(...VIDEO, '--servers', '4', '--drive-size', '16TB');
    // 4 × 16 TB = 64e12 raw / 2 = 32e12 usable × 0.85 = 27.2e12 < 30.24e12
    expect(o.exitCode).toBe(1);
    expect(o.fit.fits).toBe(false);
    expect(o.fit.hardware).toMatchObject({ servers: 4, drivesPerServer: 1, driveBytes: 16e12, rawBytes: 64e12, usableBytes: 32e12 });
    expectClose(o.fit.availableBytes, 27.2e12);
    expect(o.fit.neededBytes).toBe(30.24e12);
    expect(o.fit.options).toHaveLength(5);
  });

  test('hardware that fits: exit 0', () => {
    const o = json(...VIDEO, '--servers', '4', '--drives-per-server', '2', '--drive-size', '14.5TiB');
    // 8 × 14.5 × 2^40 = 127,543,348,822,016 raw / 2 × 0.85 = 54.2059e12 ≥ 30.24e12
    expect(o.exitCode).toBe(0);
    expect(o.fit.fits).toBe(true);
    expect(o.fit.hardware.driveBytes).toBe(15_942_918_602_752);
    expect(o.fit.hardware.rawBytes).toBe(127_543_348_822_016);
  });
});

describe('table output', () => {
  test('video prints inputs, results and formulas', () => {
    const r = cli(...VIDEO);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Capacity plan: video (decimal units: 1 TB = 10^12 bytes, 1 Mbps = 10^6 bit/s)');
    const row = (label: string) => lines.find((l) => l.trimStart().startsWith(label))?.replace(/\s+/g, ' ').trim();
    expect(row('Cameras')).toBe('Cameras 100 input');
    expect(row('Segment length')).toBe('Segment length 5 min default');
    expect(row('Logical data')).toBe('Logical data 30.24 TB 100 cameras × 4 Mbps ÷ 8 × 86,400 s × 7 days');
    expect(row('Raw (after redundancy)')).toBe('Raw (after redundancy) 60.48 TB logical × 2 (EC 2+2)');
    expect(row('Provisioned (at fill target)')).toBe('Provisioned (at fill target) 71.15 TB raw ÷ 0.85');
    expect(row('Ingest')).toBe('Ingest 400 Mbps 100 cameras × 4 Mbps');
    expect(row('Segments per day')).toBe('Segments per day 28,800 100 cameras × 1,440 min ÷ 5 min');
    expect(row('WAN to archive a day')).toBe('WAN to archive a day 400 Mbps 4.32 TB × 8 ÷ 24 h');
  });

  test('a plan that does not fit lists the options with flag names and exits 1', () => {
    const r = cli(...VIDEO, '--servers', '4', '--drive-size', '16TB');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DOES NOT FIT: 30.24 TB of data needs 71.15 TB of raw disk at EC 2+2, fill target 0.85, '
      + 'but 4 servers × 1 drive × 16 TB = 64 TB raw holds only 27.2 TB');
    // Each option is a flag and a value to paste back: drives per server ⌈71.15 / (4 × 16)⌉ = 2; larger drives
    // 71.1529 / 4 = 17.788 → 17.79TB (rounded up); servers ⌈71.15 / 16⌉ = 5; retention ⌊7 × 27.2 / 30.24⌋ = 6;
    // bitrate ⌊4 × 0.8995⌋ to 0.01 = 3.59.
    expect(r.stdout).toContain([
      'Options:',
      '  - add drives: --drives-per-server 2 (or more; now 1)',
      '  - use larger drives: --drive-size 17.79TB (or more; now 16 TB)',
      '  - add servers: --servers 5 (or more; now 4)',
      '  - shorten retention: --retention-days 6 (or less; now 7)',
      '  - lower the bitrate: --bitrate-mbps 3.59 (or less; now 4)',
      '',
    ].join('\n'));
  });

  test('a plan that fits says so', () => {
    const r = cli(...VIDEO, '--servers', '4', '--drives-per-server', '2', '--drive-size', '16TB');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^FITS: 30\.24 TB of data fits on 4 servers × 2 drives × 16 TB/m);
    expect(r.stdout).not.toContain('Options:');
  });

  test('warnings are printed', () => {
    const r = cli(...VIDEO, '--no-redundancy', '--fill-target', '0.95');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Warnings:\n  - --fill-target 0.95 is above Ceph\'s nearfull ratio');
    expect(r.stdout).toContain('  - no redundancy: one lost drive loses data');
  });
});

describe('flags that count a Duration', () => {
  test('fractional days, minutes and seconds reach the planner as given', () => {
    // 1 camera × 8 Mbps = 1e6 B/s × 86,400 s × 1.5 days = 129.6e9 B; segments of 1.5 min = 90 s × 1e6 B/s = 90e6 B
    const video = json('plan', 'video', '--cameras', '1', '--bitrate-mbps', '8', '--retention-days', '1.5', '--segment-minutes', '1.5', '--no-redundancy');
    expect(video.inputs).toMatchObject({ retentionDays: 1.5, segmentMinutes: 1.5 });
    expect(video.logicalBytes).toBe(129.6e9);
    expect(video.segmentBytes).toBe(90e6);
    // 10 sensors every 0.5 s = 20 points/s × 86,400 = 1,728,000 points/day
    const iot = json('plan', 'iot', '--sensors', '10', '--sample-interval-seconds', '0.5', '--retention-days', '2');
    expect(iot.inputs).toMatchObject({ sampleIntervalSeconds: 0.5, retentionDays: 2 });
    expect(iot.pointsPerDay).toBe(1_728_000);
  });

  test('planner prop names in advice become flags; the word "retention" in prose stays', () => {
    expect(flagifyFor('video', 'shorten retention: retention at most 6 days; fillTarget 0.95 is above; segmentDuration = 2 min'))
      .toBe('shorten retention: --retention-days at most 6 days; --fill-target 0.95 is above; --segment-minutes = 2 min');
    expect(flagifyFor('iot', 'sample less often: sampleInterval at least 15.3 s')).toBe('sample less often: --sample-interval-seconds at least 15.3 s');
  });
});

describe('main() in process', () => {
  function capture(argv: string[]): Run {
    let stdout = '';
    let stderr = '';
    const code = main(argv, { write: (s: string) => (stdout += s) }, { write: (s: string) => (stderr += s) });
    return { code, stdout, stderr };
  }

  test('writes to the streams it is given and returns the exit code', () => {
    expect(capture(['--help'])).toMatchObject({ code: 0, stderr: '' });
    expect(capture(['plan', 'video', '--cameras', '1'])).toMatchObject({ code: 2, stdout: '' });
    const ok = capture([...VIDEO, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).logicalBytes).toBe(30.24e12);
  });

  test('gives the same answer as the built CLI', () => {
    const args = ['plan', 'iot', '--sensors', '10000', '--sample-interval-seconds', '10', '--retention-days', '30', '--servers', '1', '--drive-size', '20GB'];
    const inProcess = capture(args);
    const built = cli(...args);
    expect(inProcess).toEqual({ code: built.code, stdout: built.stdout, stderr: built.stderr });
    expect(built.code).toBe(1); // 25.92 GB needed, 17 GB storable on one 20 GB volume at 0.85
  });
});

describe('issue 19: advice that can be pasted back', () => {
  /** The CLI in this process (the same code as the built bin), for many runs. */
  function run(args: string[]): { code: number; out: string; err: string } {
    let out = '';
    let err = '';
    const code = main(args, { write: (t: string) => { out += t; } }, { write: (t: string) => { err += t; } });
    return { code, out, err };
  }

  /** A seeded PRNG (Park–Miller, exact in doubles): the same scenarios on every run. */
  function prng(seed: number): () => number {
    let x = (seed % 2147483646) + 1;
    return () => {
      x = (x * 48271) % 2147483647;
      return (x - 1) / 2147483646;
    };
  }

  /** Replaces (or adds) `--flag value` in `args`. */
  function withFlag(args: string[], flag: string, value: string): string[] {
    const out = [...args];
    const at = out.indexOf(flag);
    if (at >= 0) out[at + 1] = value; else out.push(flag, value);
    return out;
  }

  /** The first non-finite number or null in parsed JSON, if any. */
  function badNumber(data: unknown, where = ''): string | undefined {
    if (data === null) return `${where} = null`;
    if (typeof data === 'number') return Number.isFinite(data) ? undefined : `${where} = ${data}`;
    if (typeof data === 'object') {
      for (const [k, v] of Object.entries(data as object)) {
        const found = badNumber(v, `${where}.${k}`);
        if (found) return found;
      }
    }
    return undefined;
  }

  const OPTION = /^ {2}- ([a-z ]+): (--[a-z-]+) (\S+) \((or less|or more); now (.+)\)$/;

  test('an exact-fit edge: the advice changes the hardware and fits when pasted back (it repeated 1 drive, 1 TB, 1 server)', () => {
    const args = ['plan', 'models', '--models', '1', '--versions-retained', '1', '--average-model-size', '1.00000001TB',
      '--no-redundancy', '--fill-target', '1', '--servers', '1', '--drive-size', '1TB'];
    const r = run(args);
    expect(r.code).toBe(1);
    const options = r.out.split('\n').filter((l) => OPTION.test(l));
    expect(options).toEqual([
      '  - add drives: --drives-per-server 2 (or more; now 1)',
      '  - use larger drives: --drive-size 1.01TB (or more; now 1 TB)',
      '  - add servers: --servers 2 (or more; now 1)',
    ]);
    for (const line of options) {
      const [, , flag, value] = OPTION.exec(line)!;
      expect(run(withFlag(args, flag, value)).code).toBe(0);
    }
  });

  test('inputs are shown as given: --fill-target 0.00001 is not shown as 0', () => {
    const r = run([...VIDEO, '--fill-target', '0.00001', '--no-redundancy']);
    expect(r.out).toMatch(/^ {2}Fill target +0\.00001 +input$/m);
  });

  test('advice round-trips for 3000 random scenarios: every option parses back and fits; every --json number is finite (seeded)', () => {
    const random = prng(1919);
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
    const decimal = (lo: number, hi: number, decimals: number) => Math.max(lo, Number((lo + random() * (hi - lo)).toFixed(decimals)));
    const logInt = (lo: number, hi: number) => Math.max(lo, Math.round(Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo)))));
    const units = ['GB', 'TB', 'GiB', 'TiB', 'MB', 'kB', 'KB', 'PB', 'B'];
    let notFitting = 0;
    let optionsChecked = 0;
    for (let i = 0; i < 3000; i++) {
      const workload = pick(['video', 'iot', 'models'] as const);
      let args: string[];
      if (workload === 'video') {
        args = ['plan', 'video', '--cameras', String(logInt(1, 5000)), '--bitrate-mbps', String(decimal(0.1, 40, pick([0, 1, 2, 3]))),
          '--retention-days', String(decimal(0.5, 400, pick([0, 0, 1, 2])))];
        if (random() < 0.3) args.push('--segment-minutes', String(decimal(0.5, 60, 1)));
      } else if (workload === 'iot') {
        args = ['plan', 'iot', '--sensors', String(logInt(1, 200000)), '--sample-interval-seconds', String(decimal(0.1, 600, pick([0, 1, 2]))),
          '--retention-days', String(decimal(0.5, 1000, pick([0, 1])))];
        if (random() < 0.3) args.push('--compression-ratio', String(decimal(1, 30, 1)));
      } else {
        args = ['plan', 'models', '--models', String(logInt(1, 500)), '--versions-retained', String(logInt(1, 50)),
          '--average-model-size', `${decimal(0.1, 900, pick([0, 1, 2, 3]))}${pick(['MB', 'GB', 'GiB', 'TB'])}`];
        if (random() < 0.3) args.push('--dedup-ratio', String(decimal(0, 0.9, 2)));
      }
      const redundancy = pick([[], ['--no-redundancy'], ['--ec', '2+1'], ['--ec', '4+2'], ['--replicas', '3'], ['--replicas', '2']]);
      args.push(...redundancy);
      if (random() < 0.5) args.push('--fill-target', String(pick([decimal(0.3, 1, 2), decimal(0.5, 0.95, 5), 1, 0.00001])));
      // The drives one stripe or all copies need (the default for video and models is EC 2+2).
      const minDrives = redundancy[0] === '--ec' ? redundancy[1].split('+').map(Number).reduce((a, b) => a + b)
        : redundancy[0] === '--replicas' ? Number(redundancy[1])
          : redundancy.length === 0 && workload !== 'iot' ? 4 : 1;
      const dps = logInt(1, 24);
      const servers = Math.max(Math.ceil(minDrives / dps), logInt(1, 16));
      // Drive size: random, or at an exact-fit edge (the raw bytes needed per drive, nudged by a hair either way).
      const plan = run([...args, '--json']);
      args.push('--servers', String(servers), '--drives-per-server', String(dps));
      expect({ args, err: plan.err }).toEqual({ args, err: '' });
      const estimate = JSON.parse(plan.out);
      expect({ args, bad: badNumber(estimate) }).toEqual({ args, bad: undefined });
      let driveSize: string;
      if (random() < 0.5) {
        driveSize = `${decimal(0.01, 999, pick([0, 1, 2]))}${pick(units)}`;
      } else {
        const perDrive = estimate.provisionedBytes / (servers * dps) * pick([1, 1 - 1e-13, 1 + 1e-13, 1 - 1e-9, 1 + 1e-9, 1 - 1e-6]);
        driveSize = perDrive < 1e21 ? `${Math.max(1, perDrive).toFixed(3)}B` : `${(perDrive / 1e12).toFixed(3)}TB`;
      }
      args.push('--drive-size', driveSize);

      const text = run(args);
      expect({ args, code: text.code, err: text.err }).toEqual({ args, code: text.code === 0 ? 0 : 1, err: '' });
      const asJson = run([...args, '--json']);
      expect({ args, bad: badNumber(JSON.parse(asJson.out)) }).toEqual({ args, bad: undefined });
      if (text.code === 0) continue;
      notFitting++;
      const advice = text.out.split('\n').filter((l) => OPTION.test(l));
      expect({ args, count: advice.length > 0 }).toEqual({ args, count: true });
      for (const line of advice) {
        const [, , flag, value] = OPTION.exec(line)!;
        const now = args.indexOf(flag) >= 0 ? args[args.indexOf(flag) + 1] : undefined;
        expect({ args, line, same: value === now }).toEqual({ args, line, same: false });
        const pasted = withFlag(args, flag, value);
        const again = run(pasted);
        expect({ pasted, code: again.code, err: again.err }).toEqual({ pasted, code: 0, err: '' });
        optionsChecked++;
      }
    }
    // The seed produces plenty of plans that do not fit, and advice for each.
    expect(notFitting).toBeGreaterThan(500);
    expect(optionsChecked).toBeGreaterThan(notFitting * 3);
  });
});
