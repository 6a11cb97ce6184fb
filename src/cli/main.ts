// The `cdk8s-edge-storage` command line. Not re-exported from src/index.ts: it is a program, not library API.
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { Duration, Size } from 'cdk8s';
import { CapacityEstimate, CapacityFit, CapacityLine, CapacityPlanner, DecimalSize, Redundancy } from '../capacity';
import { PlannerError, PlannerProblem } from '../capacity/problems';
import { exactNumber, formatBytes, formatBytesExact, formatNumber, parseSize as parseSizeText, sizeProblem, SIZE_UNITS_TEXT } from '../capacity/text';

/** Where the CLI writes (process.stdout / process.stderr, or a buffer in tests). */
export interface CliStream {
  write(text: string): unknown;
}

/** Exit codes. */
export const EXIT_OK = 0;
/** The plan does not fit the given hardware, or an unexpected failure. */
export const EXIT_FAILURE = 1;
/** Bad command line: unknown command or flag, missing or malformed value, value rejected by the planner. */
export const EXIT_USAGE = 2;

const BIN = 'cdk8s-edge-storage';
const WORKLOADS = ['video', 'iot', 'models'] as const;
type Workload = typeof WORKLOADS[number];

type Kind = 'int' | 'number' | 'size' | 'duration';

interface FlagSpec {
  /** Flag name without dashes. */
  readonly flag: string;
  /** Planner prop it sets (also used to map planner problems back to the flag). */
  readonly prop: string;
  readonly kind: Kind;
  /** For a number that the planner takes as a Duration: the unit the number counts (`--retention-days 7` → 7 days). */
  readonly unit?: 'days' | 'minutes' | 'seconds';
  readonly required?: boolean;
  readonly placeholder: string;
  readonly help: string;
}

const WORKLOAD_FLAGS: Record<Workload, FlagSpec[]> = {
  video: [
    { flag: 'cameras', prop: 'cameras', kind: 'int', required: true, placeholder: 'N', help: 'cameras recording continuously' },
    { flag: 'bitrate-mbps', prop: 'bitrateMbps', kind: 'number', required: true, placeholder: 'MBPS', help: 'average bitrate of one camera in Mbps (10^6 bit/s)' },
    { flag: 'retention-days', prop: 'retention', kind: 'number', unit: 'days', required: true, placeholder: 'DAYS', help: 'days of recordings kept on the site' },
    { flag: 'segment-minutes', prop: 'segmentDuration', kind: 'number', unit: 'minutes', placeholder: 'MIN', help: 'length of one recorded segment (object) (default 5)' },
    { flag: 'archive-window', prop: 'archiveWindow', kind: 'duration', placeholder: 'DURATION', help: 'time per day to archive a day of video to the cloud, at most 24h (default 24h)' },
  ],
  iot: [
    { flag: 'sensors', prop: 'sensors', kind: 'int', required: true, placeholder: 'N', help: 'sensors (series) reporting' },
    { flag: 'sample-interval-seconds', prop: 'sampleInterval', kind: 'number', unit: 'seconds', required: true, placeholder: 'S', help: 'seconds between two points of one sensor' },
    { flag: 'retention-days', prop: 'retention', kind: 'number', unit: 'days', required: true, placeholder: 'DAYS', help: 'days of points kept on the site' },
    { flag: 'bytes-per-point', prop: 'bytesPerPoint', kind: 'number', placeholder: 'B', help: 'uncompressed size of one point (default 100)' },
    { flag: 'compression-ratio', prop: 'compressionRatio', kind: 'number', placeholder: 'R', help: 'uncompressed ÷ stored size, at least 1 (default 10)' },
    { flag: 'archive-window', prop: 'archiveWindow', kind: 'duration', placeholder: 'DURATION', help: 'time per day to ship a day of points to the cloud, at most 24h (default 24h)' },
  ],
  models: [
    { flag: 'models', prop: 'models', kind: 'int', required: true, placeholder: 'N', help: 'distinct models served by the site' },
    { flag: 'versions-retained', prop: 'versionsRetained', kind: 'int', required: true, placeholder: 'N', help: 'versions kept per model (current plus rollback targets)' },
    { flag: 'average-model-size', prop: 'averageModelSize', kind: 'size', required: true, placeholder: 'SIZE', help: 'average size of one model version, e.g. 3GB or 2.5GiB' },
    { flag: 'dedup-ratio', prop: 'dedupRatio', kind: 'number', placeholder: 'R', help: 'fraction saved by dedup, in [0, 1) (default 0)' },
    { flag: 'distribution-window', prop: 'distributionWindow', kind: 'duration', placeholder: 'DURATION', help: 'time to pull one new version of every model (default 1h)' },
  ],
};

const REDUNDANCY_DEFAULT: Record<Workload, string> = { video: 'EC 2+2', iot: 'none', models: 'EC 2+2' };

const COMMON_FLAGS: FlagSpec[] = [
  { flag: 'fill-target', prop: 'fillTarget', kind: 'number', placeholder: 'F', help: 'highest fraction of raw capacity to fill, in (0, 1] (default 0.85)' },
];

const HARDWARE_FLAGS: FlagSpec[] = [
  { flag: 'servers', prop: 'servers', kind: 'int', placeholder: 'N', help: 'storage servers: with --drive-size, check the plan fits' },
  { flag: 'drives-per-server', prop: 'drivesPerServer', kind: 'int', placeholder: 'N', help: 'data drives per server (default 1)' },
  { flag: 'drive-size', prop: 'driveSize', kind: 'size', placeholder: 'SIZE', help: 'size of one drive, e.g. 16TB or 14.5TiB' },
];

/** Maps planner problem props that are not a single flag. */
const EXTRA_PROP_FLAGS: Record<string, string> = {
  'redundancy': '--ec/--replicas/--no-redundancy',
  'servers × drivesPerServer': '--servers × --drives-per-server',
  'dataChunks': '--ec K',
  'codingChunks': '--ec M',
  'replicas': '--replicas',
};

class UsageError extends Error {}

/**
 * Runs the CLI with `argv` (without the node and script paths). Writes results to `out`, errors and usage to `err`,
 * and returns the exit code: 0 success, 1 the plan does not fit the given hardware, 2 bad command line.
 */
export function main(argv: string[], out: CliStream, err: CliStream): number {
  try {
    return run(argv, out);
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    err.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_FAILURE;
  }
}

function run(argv: string[], out: CliStream): number {
  const [command, workload, ...rest] = argv;
  if (command === undefined) {
    throw new UsageError(`missing command\n\n${topUsage()}`);
  }
  if (command === '-h' || command === '--help' || command === 'help') {
    out.write(topUsage());
    return EXIT_OK;
  }
  if (command === '--version' || command === '-v') {
    out.write(`${version()}\n`);
    return EXIT_OK;
  }
  if (command !== 'plan') {
    throw new UsageError(`unknown command ${JSON.stringify(command)}; expected "plan"\n\n${topUsage()}`);
  }
  if (workload === undefined) {
    throw new UsageError(`missing workload; expected ${WORKLOADS.join(', ')}\n\n${topUsage()}`);
  }
  if (workload === '-h' || workload === '--help') {
    out.write(topUsage());
    return EXIT_OK;
  }
  if (!(WORKLOADS as readonly string[]).includes(workload)) {
    throw new UsageError(`unknown workload ${JSON.stringify(workload)}; expected ${WORKLOADS.join(', ')}\n\n${topUsage()}`);
  }
  return plan(workload as Workload, rest, out);
}

function plan(workload: Workload, args: string[], out: CliStream): number {
  const specs = [...WORKLOAD_FLAGS[workload], ...COMMON_FLAGS, ...HARDWARE_FLAGS];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    'ec': { type: 'string' },
    'replicas': { type: 'string' },
    'no-redundancy': { type: 'boolean' },
    'json': { type: 'boolean' },
    'help': { type: 'boolean', short: 'h' },
  };
  for (const s of specs) {
    options[s.flag] = { type: 'string' };
  }
  // A value that starts with a dash (`--cameras -1`) would read as a flag: attach it (`--cameras=-1`) so the planner
  // can say what is wrong with it.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    const next = args[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && next.startsWith('-') && !/^--?[a-z]/i.test(next)) {
      joined.push(`${args[i]}=${next}`);
      i++;
    } else {
      joined.push(args[i]);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options, allowPositionals: false, strict: true, tokens: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]}\n\n${workloadUsage(workload)}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    out.write(workloadUsage(workload));
    return EXIT_OK;
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind === 'option') {
      if (seen.has(t.name)) {
        throw new UsageError(`--${t.name} given more than once\n\n${workloadUsage(workload)}`);
      }
      seen.add(t.name);
    }
  }

  const props: Record<string, unknown> = {};
  const hardware: Record<string, unknown> = {};
  const missing = specs.filter((s) => s.required && values[s.flag] === undefined).map((s) => `--${s.flag}`);
  if (missing.length > 0) {
    throw new UsageError(`missing required flag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}\n\n${workloadUsage(workload)}`);
  }
  for (const s of specs) {
    const raw = values[s.flag];
    if (typeof raw === 'string') {
      (HARDWARE_FLAGS.includes(s) ? hardware : props)[s.prop] = convert(s, raw);
    }
  }

  const redundancyFlags = ['ec', 'replicas', 'no-redundancy'].filter((f) => values[f] !== undefined);
  if (redundancyFlags.length > 1) {
    throw new UsageError(`${redundancyFlags.map((f) => `--${f}`).join(' and ')} exclude each other; give one\n\n${workloadUsage(workload)}`);
  }
  const problems = new CliProblems(specs);
  const redundancy = problems.guard(() => redundancyOf(values));

  const hardwareGiven = ['servers', 'drive-size', 'drives-per-server'].filter((f) => values[f] !== undefined);
  if (hardwareGiven.length > 0 && (values.servers === undefined || values['drive-size'] === undefined)) {
    throw new UsageError(`--servers and --drive-size go together (to check the plan fits the hardware)\n\n${workloadUsage(workload)}`);
  }

  const estimate = problems.guard(() => estimateOf(workload, { ...props, redundancy }));
  const fit = estimate && hardwareGiven.length > 0
    ? problems.guard(() => CapacityPlanner.fit(estimate, hardware as any))
    : undefined;
  problems.throwIfAny(workload);
  if (!estimate) {
    throw new Error('internal error: no estimate');
  }

  if (values.json) {
    const data: Record<string, unknown> = { ...estimate.toPlainObject() };
    if (fit) {
      data.fit = fit.toPlainObject();
    }
    const bad = nonFinite(data, '');
    if (bad) {
      throw new Error(`internal error: ${bad} is not a finite number; please report the command line`);
    }
    out.write(`${JSON.stringify(data, null, 2)}\n`);
  } else {
    out.write(renderText(workload, estimate, fit, specs));
  }
  return fit && !fit.fits ? EXIT_FAILURE : EXIT_OK;
}

function estimateOf(workload: Workload, props: Record<string, unknown>): CapacityEstimate {
  switch (workload) {
    case 'video':
      return CapacityPlanner.video(props as any);
    case 'iot':
      return CapacityPlanner.iot(props as any);
    default:
      return CapacityPlanner.models(props as any);
  }
}

function redundancyOf(values: Record<string, string | boolean | undefined>): Redundancy | undefined {
  if (values['no-redundancy']) {
    return Redundancy.NONE;
  }
  if (typeof values.ec === 'string') {
    const m = /^(\d+)\+(\d+)$/.exec(values.ec.trim());
    if (!m) {
      throw new UsageError(`--ec ${JSON.stringify(values.ec)}: must be K+M with whole numbers, e.g. 2+2 (2 data + 2 coding chunks)`);
    }
    return Redundancy.erasureCoded(Number(m[1]), Number(m[2]));
  }
  if (typeof values.replicas === 'string') {
    return Redundancy.replicated(parseNumber('replicas', values.replicas));
  }
  return undefined;
}

/** Collects planner problems from several calls and reports them with flag names. */
class CliProblems {
  private readonly problems: PlannerProblem[] = [];
  public constructor(private readonly specs: FlagSpec[]) {}

  public guard<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof PlannerError) {
        this.problems.push(...e.problems);
        return undefined;
      }
      throw e;
    }
  }

  public throwIfAny(workload: Workload): void {
    if (this.problems.length === 0) {
      return;
    }
    const lines = this.problems.map((p) => `${this.flagOf(p.prop)} = ${p.value}: ${p.rule}; ${p.fix}`);
    throw new UsageError(`${lines.join('\nerror: ')}\n\nRun '${BIN} plan ${workload} --help' for the flags.`);
  }

  private flagOf(prop: string): string {
    const spec = this.specs.find((s) => s.prop === prop);
    return spec ? `--${spec.flag}` : EXTRA_PROP_FLAGS[prop] ?? prop;
  }
}

/** The path of the first number in `data` that is not finite (JSON would print it as null), if any. */
function nonFinite(data: unknown, where: string): string | undefined {
  if (typeof data === 'number') {
    return Number.isFinite(data) ? undefined : where || 'a value';
  }
  if (data !== null && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      const found = nonFinite(v, where ? `${where}.${k}` : k);
      if (found) {
        return found;
      }
    }
  }
  return undefined;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(flag: string, raw: string): number {
  const text = raw.trim();
  if (!NUMBER.test(text)) {
    const grouped = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(text);
    throw new UsageError(`--${flag} ${JSON.stringify(raw)}: not a number${grouped ? `; write it without thousands separators: ${text.replace(/,/g, '')}` : '; use digits with an optional decimal point, e.g. 4 or 2.5'}`);
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new UsageError(`--${flag} ${JSON.stringify(raw)}: is too large to compute with; use a realistic value`);
  }
  return value;
}

function parseSize(flag: string, raw: string): Size {
  const problem = sizeProblem(raw);
  if (problem !== undefined) {
    throw new UsageError(`--${flag} ${JSON.stringify(raw)}: ${problem}`);
  }
  const bytes = parseSizeText(raw)!;
  if (!Number.isFinite(bytes)) {
    throw new UsageError(`--${flag} ${JSON.stringify(raw)}: is too large to compute with; use a realistic size`);
  }
  return DecimalSize.bytes(bytes);
}

const DURATION_UNITS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, min: 60, s: 1 };

function parseDuration(flag: string, raw: string): Duration {
  const text = raw.trim();
  if (/^P/i.test(text)) {
    try {
      return Duration.parse(text.toUpperCase());
    } catch {
      throw new UsageError(`--${flag} ${JSON.stringify(raw)}: not an ISO 8601 duration such as PT8H`);
    }
  }
  const parts = /^(?:\d+(?:\.\d+)?(?:d|h|min|m|s))+$/.test(text) ? text.match(/\d+(?:\.\d+)?(?:d|h|min|m|s)/g) ?? [] : [];
  if (parts.length === 0) {
    throw new UsageError(`--${flag} ${JSON.stringify(raw)}: not a duration; use e.g. 8h, 90m, 1h30m, 1d or PT8H`);
  }
  let seconds = 0;
  for (const part of parts) {
    const [, amount, unit] = /^(\d+(?:\.\d+)?)(d|h|min|m|s)$/.exec(part)!;
    seconds += Number(amount) * DURATION_UNITS[unit];
  }
  return Duration.seconds(seconds);
}

function convert(spec: FlagSpec, raw: string): unknown {
  switch (spec.kind) {
    case 'size':
      return parseSize(spec.flag, raw);
    case 'duration':
      return parseDuration(spec.flag, raw);
    default: {
      const value = parseNumber(spec.flag, raw);
      return spec.unit === undefined ? value : durationOf(spec, raw, value);
    }
  }
}

/** A number flag the planner takes as a Duration (`--retention-days 1.5` → `Duration.days(1.5)`, exact in that unit). */
function durationOf(spec: FlagSpec, raw: string, value: number): Duration {
  if (value < 0) {
    // cdk8s refuses a negative Duration outright; say so in the flag's terms.
    throw new UsageError(`--${spec.flag} ${JSON.stringify(raw)}: must be greater than 0 (${spec.help})`);
  }
  switch (spec.unit) {
    case 'days':
      return Duration.days(value);
    case 'minutes':
      return Duration.minutes(value);
    default:
      return Duration.seconds(value);
  }
}

/**
 * Rewrites planner prop names in advice (`fillTarget 0.95 is above…`, `retention at most 6 days`) as the CLI's flags
 * (`--fill-target 0.95 is above…`, `--retention-days at most 6 days`). A prop that is also a plain word (`retention`)
 * is rewritten only where it stands for the prop (before `at most`, `at least` or `=`), never in prose ("shorten
 * retention").
 */
function flagify(text: string, specs: FlagSpec[]): string {
  return specs.filter((s) => s.prop !== s.flag).reduce((t, s) => {
    const word = /^[a-z]+$/.test(s.prop);
    return t.replace(new RegExp(`\\b${s.prop}\\b${word ? '(?= (?:at most|at least|=) )' : ''}`, 'g'), `--${s.flag}`);
  }, text);
}

/** {@link flagify} with the flags of `workload` (for tests). */
export function flagifyFor(workload: 'video' | 'iot' | 'models', text: string): string {
  return flagify(text, [...WORKLOAD_FLAGS[workload], ...COMMON_FLAGS, ...HARDWARE_FLAGS]);
}

function renderText(workload: Workload, estimate: CapacityEstimate, fit: CapacityFit | undefined, specs: FlagSpec[]): string {
  const lines: string[] = [`Capacity plan: ${workload} (decimal units: 1 TB = 10^12 bytes, 1 Mbps = 10^6 bit/s)`, ''];
  const table = (title: string, rows: CapacityLine[]) => {
    lines.push(title);
    const lw = Math.max(...rows.map((r) => r.label.length));
    const vw = Math.max(...rows.map((r) => r.value.length));
    for (const r of rows) {
      lines.push(`  ${r.label.padEnd(lw)}  ${r.value.padStart(vw)}  ${r.basis}`.trimEnd());
    }
    lines.push('');
  };
  table('Inputs', estimate.inputs);
  table('Results', estimate.results);
  if (fit) {
    const hw = fit.hardware;
    table(`Hardware: ${hw.description}`, [
      { label: 'Raw', value: formatBytes(hw.rawBytes), basis: `${hw.drives} drives × ${formatBytesExact(hw.driveBytes)}` },
      { label: 'Usable', value: formatBytes(hw.usableBytes), basis: `raw ÷ ${formatNumber(hw.redundancy.overhead, 4)} (${hw.redundancy.description})` },
      { label: 'Storable', value: formatBytes(hw.storableBytes), basis: `usable × ${exactNumber(hw.fillTarget)} fill target` },
      { label: 'Needed', value: formatBytes(fit.neededBytes), basis: `${formatNumber(fit.utilization * 100, 1)}% of usable` },
    ]);
    lines.push(fit.fits ? `FITS: ${fit.summary}` : `DOES NOT FIT: ${fit.summary}`);
    if (fit.suggestions.length > 0) {
      // Each option is a flag and a value that can be pasted back as is (and fits: the planner verified it).
      lines.push('Options:', ...fit.suggestions.map((o) => {
        const flag = specs.find((x) => x.prop === o.prop)?.flag ?? o.prop;
        return `  - ${o.change}: --${flag} ${o.text} (${o.atMost ? 'or less' : 'or more'}; now ${o.currentText})`;
      }));
    }
    lines.push('');
  }
  if (estimate.warnings.length > 0) {
    lines.push('Warnings:', ...estimate.warnings.map((w) => `  - ${flagify(w, specs)}`), '');
  }
  return lines.join('\n');
}

function topUsage(): string {
  return [
    `Usage: ${BIN} plan <video|iot|models> [flags]`,
    '',
    'Estimate the storage and bandwidth an edge site needs (decimal units: 1 TB = 10^12 bytes).',
    '',
    'Workloads:',
    '  video    continuous camera recording (cameras × bitrate × retention)',
    '  iot      sensor time series (sensors ÷ interval × retention × point size ÷ compression)',
    '  models   AI model versions (models × versions × size × (1 − dedup))',
    '',
    `Run '${BIN} plan <workload> --help' for its flags.`,
    '',
    'Exit codes: 0 ok, 1 the plan does not fit the hardware given, 2 bad command line.',
    '',
  ].join('\n');
}

function workloadUsage(workload: Workload): string {
  const example: Record<Workload, string> = {
    video: '--cameras 100 --bitrate-mbps 4 --retention-days 7 --ec 2+2 --fill-target 0.85',
    iot: '--sensors 10000 --sample-interval-seconds 10 --retention-days 30',
    models: '--models 50 --versions-retained 10 --average-model-size 3GB --dedup-ratio 0.3',
  };
  const rows: Array<[string, string]> = [
    ...WORKLOAD_FLAGS[workload].map((s): [string, string] => [`--${s.flag} ${s.placeholder}`, `${s.help}${s.required ? ' (required)' : ''}`]),
    ['--ec K+M', `erasure coding with K data and M coding chunks (default ${REDUNDANCY_DEFAULT[workload]})`],
    ['--replicas N', 'N full copies instead of erasure coding'],
    ['--no-redundancy', 'a single copy'],
    ...[...COMMON_FLAGS, ...HARDWARE_FLAGS].map((s): [string, string] => [`--${s.flag} ${s.placeholder}`, s.help]),
    ['--json', 'print JSON (unrounded numbers) instead of a table'],
    ['-h, --help', 'show this help'],
  ];
  const w = Math.max(...rows.map(([f]) => f.length));
  return [
    `Usage: ${BIN} plan ${workload} [flags]`,
    '',
    'Flags:',
    ...rows.map(([f, h]) => `  ${f.padEnd(w)}  ${h}`),
    '',
    `Sizes: a number and a unit, e.g. 16TB, 3GB, 500GiB; units are case-sensitive (Gb would be bits): ${SIZE_UNITS_TEXT}.`,
    'Numbers: digits without thousands separators (1602.4, not 1,602.4). Durations: 8h, 90m, 1h30m, 1d, PT8H.',
    'Exit codes: 0 ok, 1 the plan does not fit the hardware given, 2 bad command line.',
    '',
    'Example:',
    `  ${BIN} plan ${workload} ${example[workload]}`,
    '',
  ].join('\n');
}

/** The package version (lib/cli/bin.js and src/cli/main.ts both sit two levels below package.json). */
function version(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
