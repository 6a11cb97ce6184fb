import { Duration, Size } from 'cdk8s';
import { CapacityEstimate, CapacityLine, CapacityWorkload } from './estimate';
import { DecimalSize } from './format';
import type { EstimateInit } from './init';
import { ProblemList } from './problems';
import { Redundancy, RedundancyKind } from './redundancy';
import { ceilTo, exactNumber, floorTo, formatBytes, formatBytesExact, formatNumber, formatSeconds, parseSize, plainNumber, sizeArgumentUp } from './text';

const SECONDS_PER_DAY = 86_400;
const MINUTES_PER_DAY = 1_440;
/** Ceph's default `mon_osd_nearfull_ratio`; also the planner's default fill target. */
const NEARFULL = 0.85;
const GIB = 2 ** 30;

/**
 * InfluxData's single-node (OSS) hardware sizing guidance, InfluxDB OSS v1 "Hardware sizing guidelines" (the TSM
 * engine InfluxDB 2.x still uses): load tiers by field writes per second and unique series, with the RAM each needs.
 * GB figures are taken as GiB (slightly more, never less).
 */
const INFLUX_TIERS: Array<{ name: string; maxWrites: number; maxSeries: number; ramGb: [number, number] }> = [
  { name: 'low', maxWrites: 5_000, maxSeries: 100_000, ramGb: [2, 4] },
  { name: 'moderate', maxWrites: 250_000, maxSeries: 1_000_000, ramGb: [8, 32] },
  { name: 'high', maxWrites: Infinity, maxSeries: Infinity, ramGb: [32, 32] },
];
/** Above either figure InfluxData says a single node may not cope (InfluxDB Enterprise / a cluster). */
const INFLUX_SINGLE_NODE = { maxWrites: 750_000, maxSeries: 10_000_000 };

/** Inputs of `CapacityPlanner.video`. */
export interface VideoCapacityProps {
  /** Cameras recording continuously (a positive integer). */
  readonly cameras: number;
  /** Average bitrate of one camera stream in Mbps (10^6 bit/s); 1080p H.264 is typically 2–8 Mbps. */
  readonly bitrateMbps: number;
  /** Days of recordings kept on the site (fractions allowed). */
  readonly retentionDays: number;
  /**
   * Length of one recorded segment (one object) in minutes, at most 1,440.
   *
   * @default 5
   */
  readonly segmentMinutes?: number;
  /**
   * How the object store protects the recordings.
   *
   * @default Redundancy.erasureCoded(2, 2) - EC 2+2 on a four-node object store
   */
  readonly redundancy?: Redundancy;
  /**
   * The highest fraction of raw capacity the data may fill, in (0, 1].
   *
   * @default 0.85
   */
  readonly fillTarget?: number;
  /**
   * Time allowed each day to archive that day's recordings to the cloud; sets `wanMbps`. At most 24 hours (a longer
   * window never catches up).
   *
   * @default Duration.hours(24) - archive continuously
   */
  readonly archiveWindow?: Duration;
}

/** Inputs of `CapacityPlanner.iot`. */
export interface IotCapacityProps {
  /** Sensors (series) reporting (a positive integer). */
  readonly sensors: number;
  /** Seconds between two points of one sensor. */
  readonly sampleIntervalSeconds: number;
  /** Days of points kept on the site (fractions allowed). */
  readonly retentionDays: number;
  /**
   * Size of one point as sent (uncompressed line protocol: measurement, tags, one field, timestamp), in bytes.
   *
   * @default 100
   */
  readonly bytesPerPoint?: number;
  /**
   * Uncompressed size ÷ stored size of the time-series engine (≥ 1).
   *
   * @default 10 - the seed's InfluxDB TSM figure (10:1)
   */
  readonly compressionRatio?: number;
  /**
   * How the volume is protected.
   *
   * @default Redundancy.NONE - one InfluxDB volume on a LocalPV class, protected by backups rather than replicas
   */
  readonly redundancy?: Redundancy;
  /**
   * The highest fraction of the volume the data may fill, in (0, 1].
   *
   * @default 0.85
   */
  readonly fillTarget?: number;
  /**
   * Time allowed each day to ship that day's points to the cloud; sets `wanMbps`. At most 24 hours.
   *
   * @default Duration.hours(24) - sync continuously
   */
  readonly archiveWindow?: Duration;
}

/** Inputs of `CapacityPlanner.models`. */
export interface ModelCapacityProps {
  /** Distinct models served by the site (a positive integer). */
  readonly models: number;
  /** Versions of each model kept (current plus rollback targets; a positive integer). */
  readonly versionsRetained: number;
  /** Average size of one model version (use `DecimalSize.gigabytes(3)` for decimal sizes). */
  readonly averageModelSize: Size;
  /**
   * Fraction of each version's bytes saved by deduplication or incremental storage, in [0, 1). MinIO stores every
   * object version in full, so leave it at 0 unless the store really deduplicates.
   *
   * @default 0
   */
  readonly dedupRatio?: number;
  /**
   * How the object store protects the models.
   *
   * @default Redundancy.erasureCoded(2, 2) - EC 2+2 on a four-node object store
   */
  readonly redundancy?: Redundancy;
  /**
   * The highest fraction of raw capacity the data may fill, in (0, 1].
   *
   * @default 0.85
   */
  readonly fillTarget?: number;
  /**
   * Time allowed to pull one new version of every model from the cloud; sets `wanMbps`.
   *
   * @default Duration.hours(1)
   */
  readonly distributionWindow?: Duration;
}

/** The disks a site has. */
export interface CapacityHardwareProps {
  /** Storage servers (a positive integer). */
  readonly servers: number;
  /**
   * Data drives per server (a positive integer).
   *
   * @default 1
   */
  readonly drivesPerServer?: number;
  /** Size of one drive (use `DecimalSize.terabytes(16)` for a drive sold as 16 TB). */
  readonly driveSize: Size;
  /**
   * How the drives protect data.
   *
   * @default - the estimate's redundancy in `CapacityPlanner.fit`; `Redundancy.NONE` in `CapacityPlanner.hardware`
   */
  readonly redundancy?: Redundancy;
  /**
   * The highest fraction of raw capacity the data may fill, in (0, 1].
   *
   * @default - the estimate's fill target in `CapacityPlanner.fit`; 0.85 in `CapacityPlanner.hardware`
   */
  readonly fillTarget?: number;
}

/** What a set of drives holds: raw, after redundancy, and below the fill target. */
export class HardwareCapacity {
  /** @internal */
  public static _create(servers: number, drivesPerServer: number, driveBytes: number, redundancy: Redundancy, fillTarget: number): HardwareCapacity {
    return new HardwareCapacity(servers, drivesPerServer, driveBytes, redundancy, fillTarget);
  }

  /** Storage servers. */
  public readonly servers: number;
  /** Data drives per server. */
  public readonly drivesPerServer: number;
  /** `servers × drivesPerServer`. */
  public readonly drives: number;
  /** Bytes per drive. */
  public readonly driveBytes: number;
  /** The redundancy applied. */
  public readonly redundancy: Redundancy;
  /** The fill target applied. */
  public readonly fillTarget: number;
  /** `drives × driveBytes`. */
  public readonly rawBytes: number;
  /** `rawBytes / overhead`: logical bytes that fit when the disks are 100 % full. */
  public readonly usableBytes: number;
  /** `usableBytes × fillTarget`: logical bytes that fit below the fill target. */
  public readonly storableBytes: number;
  /** `4 servers × 1 drive × 16 TB`. */
  public readonly description: string;

  private constructor(servers: number, drivesPerServer: number, driveBytes: number, redundancy: Redundancy, fillTarget: number) {
    this.servers = servers;
    this.drivesPerServer = drivesPerServer;
    this.drives = servers * drivesPerServer;
    this.driveBytes = driveBytes;
    this.redundancy = redundancy;
    this.fillTarget = fillTarget;
    this.rawBytes = this.drives * driveBytes;
    this.usableBytes = this.rawBytes / redundancy.overhead;
    this.storableBytes = this.usableBytes * fillTarget;
    this.description = `${servers} server${servers === 1 ? '' : 's'} × ${drivesPerServer} drive${drivesPerServer === 1 ? '' : 's'} × ${formatBytesExact(driveBytes)}`;
  }

  /** The hardware as plain JSON-ready data. */
  public toPlainObject(): { [key: string]: any } {
    return {
      servers: this.servers,
      drivesPerServer: this.drivesPerServer,
      drives: this.drives,
      driveBytes: this.driveBytes,
      redundancy: this.redundancy.description,
      fillTarget: this.fillTarget,
      rawBytes: this.rawBytes,
      usableBytes: this.usableBytes,
      storableBytes: this.storableBytes,
      description: this.description,
    };
  }
}

/** One change that makes an estimate fit (see {@link CapacityFit.suggestions}). */
export interface CapacityFitSuggestion {
  /** What to do, e.g. `add drives`, `use larger drives`, `shorten retention`. */
  readonly change: string;
  /**
   * The prop to change: `drivesPerServer`, `driveSize` or `servers` (of the hardware), or `retentionDays`,
   * `bitrateMbps`, `sampleIntervalSeconds`, `versionsRetained` (of the workload).
   */
  readonly prop: string;
  /** The new value (bytes for `driveSize`). With it the estimate fits, by the same test as `CapacityFit.fits`. */
  readonly value: number;
  /**
   * The new value as input text that reads back to exactly `value`: a plain decimal without thousands separators
   * (`1602.4`), or for `driveSize` a number with a case-sensitive unit (`17.79TB`).
   */
  readonly text: string;
  /** The current value (bytes for `driveSize`). */
  readonly current: number;
  /** The current value as text (a plain decimal, or a size such as `16 TB`). */
  readonly currentText: string;
  /** True when the value is an upper bound (any value up to it fits too), false when it is a lower bound. */
  readonly atMost: boolean;
  /** The change as a sentence (the entry of `CapacityFit.options`). */
  readonly description: string;
}

/** Whether an estimate fits on given hardware, and what to change when it does not. */
export class CapacityFit {
  /** @internal */
  public static _create(estimate: CapacityEstimate, hardware: HardwareCapacity): CapacityFit {
    return new CapacityFit(estimate, hardware);
  }

  /**
   * True when `neededBytes` fit in `availableBytes`. The one fit test: the verdict and every suggestion use it. A
   * relative tolerance keeps exact fits (e.g. 27.2 TB in 27.2 TB) from failing on floating-point noise.
   */
  private static fitsBytes(neededBytes: number, availableBytes: number): boolean {
    // Stryker disable next-line EqualityOperator: with the tolerance, `<` and `<=` differ only when needed is exactly available × (1 + 1e-12)
    return neededBytes <= availableBytes * (1 + 1e-12);
  }

  /**
   * The changes that make `estimate` fit on `hw`, each verified: its value, written as `text` and read back the way
   * the CLI reads it, makes the estimate fit by {@link CapacityFit.fitsBytes}, and differs from the current value.
   * A suggestion that cannot be verified within a few steps of its estimate (or is not finite) is left out.
   */
  private static suggestionsFor(estimate: CapacityEstimate, hw: HardwareCapacity, neededRaw: number, ratio: number): CapacityFitSuggestion[] {
    const out: CapacityFitSuggestion[] = [];
    const needed = estimate.logicalBytes;
    const fitsOn = (servers: number, drivesPerServer: number, driveBytes: number) => {
      // Only hardware the planner accepts as input (drives counted exactly, finite sizes).
      if (!Number.isSafeInteger(servers * drivesPerServer) || !Number.isFinite(servers * drivesPerServer * driveBytes)) return false;
      const candidate = HardwareCapacity._create(servers, drivesPerServer, driveBytes, hw.redundancy, hw.fillTarget);
      return Number.isFinite(candidate.storableBytes) && CapacityFit.fitsBytes(needed, candidate.storableBytes);
    };
    /** The smallest whole number from about `start` (> current) that fits. */
    const count = (start: number, current: number, fits: (n: number) => boolean): number | undefined => {
      if (!Number.isFinite(start) || start > Number.MAX_SAFE_INTEGER) return undefined;
      let n = Math.max(current + 1, Math.ceil(start) - 1);
      for (let step = 0; step < 4; step++, n++) {
        if (fits(n)) return n;
      }
      return undefined;
    };
    const add = (s: Omit<CapacityFitSuggestion, 'text' | 'currentText'> & { text?: string }) => {
      out.push({ ...s, text: s.text ?? plainNumber(s.value), currentText: s.prop === 'driveSize' ? formatBytes(s.current) : plainNumber(s.current) });
    };

    const drivesPerServer = count(neededRaw / (hw.servers * hw.driveBytes), hw.drivesPerServer, (d) => fitsOn(hw.servers, d, hw.driveBytes));
    if (drivesPerServer !== undefined) {
      add({
        change: 'add drives',
        prop: 'drivesPerServer',
        value: drivesPerServer,
        current: hw.drivesPerServer,
        atMost: false,
        description: `add drives: ${drivesPerServer} drives per server (${hw.servers * drivesPerServer} × ${formatBytes(hw.driveBytes)} = `
          + `${formatBytes(hw.servers * drivesPerServer * hw.driveBytes)} raw)`,
      });
    }
    for (let extra = 0; extra < 4; extra++) {
      const text = sizeArgumentUp(neededRaw / hw.drives, extra);
      const bytes = parseSize(text);
      if (bytes === undefined || !Number.isFinite(bytes)) break;
      if (bytes > hw.driveBytes && fitsOn(hw.servers, hw.drivesPerServer, bytes)) {
        add({
          change: 'use larger drives',
          prop: 'driveSize',
          value: bytes,
          text,
          current: hw.driveBytes,
          atMost: false,
          description: `use larger drives: at least ${formatBytes(bytes)} each (${hw.drives} drives)`,
        });
        break;
      }
    }
    const servers = count(neededRaw / (hw.drivesPerServer * hw.driveBytes), hw.servers, (n) => fitsOn(n, hw.drivesPerServer, hw.driveBytes));
    if (servers !== undefined) {
      add({
        change: 'add servers',
        prop: 'servers',
        value: servers,
        current: hw.servers,
        atMost: false,
        description: `add servers: ${servers} servers with ${hw.drivesPerServer} × ${formatBytes(hw.driveBytes)} each`,
      });
    }

    // Workload changes: re-estimate with the changed input, exactly as the planner computes it.
    const p = estimate.parameters;
    const refits = (prop: string, value: number): boolean => {
      try {
        const changed = CapacityPlanner._reestimate(estimate, prop, value);
        return Number.isFinite(changed.logicalBytes) && CapacityFit.fitsBytes(changed.logicalBytes, hw.storableBytes);
      } catch {
        return false;
      }
    };
    /** The first of up to four candidates (`start`, then `step` away from the current value) that fits. */
    const bounded = (prop: string, start: number, step: number, valid: (v: number) => boolean): number | undefined => {
      const decimals = step === 1 || step === -1 ? 0 : Math.abs(step) === 0.1 ? 1 : 2;
      let v = start;
      for (let i = 0; i < 4; i++, v = Number((v + step).toFixed(decimals))) {
        if (!Number.isFinite(v) || !valid(v)) return undefined;
        const typed = Number(plainNumber(v));
        if (typed !== p[prop] && refits(prop, typed)) return typed;
      }
      return undefined;
    };
    const retention = () => {
      const days = p.retentionDays;
      const whole = days * ratio >= 1;
      const max = bounded('retentionDays', whole ? Math.floor(days * ratio) : floorTo(days * ratio, 2), whole ? -1 : -0.01, (v) => v > 0);
      if (max !== undefined) {
        add({
          change: 'shorten retention',
          prop: 'retentionDays',
          value: max,
          current: days,
          atMost: true,
          description: `shorten retention: retentionDays at most ${plainNumber(max)} (now ${plainNumber(days)})`,
        });
      }
    };
    switch (estimate.workload) {
      case CapacityWorkload.VIDEO: {
        retention();
        const bitrate = bounded('bitrateMbps', floorTo(p.bitrateMbps * ratio, 2), -0.01, (v) => v > 0);
        if (bitrate !== undefined) {
          add({
            change: 'lower the bitrate',
            prop: 'bitrateMbps',
            value: bitrate,
            current: p.bitrateMbps,
            atMost: true,
            description: `lower the bitrate: bitrateMbps at most ${plainNumber(bitrate)} per camera (now ${plainNumber(p.bitrateMbps)})`,
          });
        }
        break;
      }
      case CapacityWorkload.IOT: {
        retention();
        const interval = bounded('sampleIntervalSeconds', ceilTo(p.sampleIntervalSeconds / ratio, 1), 0.1, () => true);
        if (interval !== undefined) {
          add({
            change: 'sample less often',
            prop: 'sampleIntervalSeconds',
            value: interval,
            current: p.sampleIntervalSeconds,
            atMost: false,
            description: `sample less often: sampleIntervalSeconds at least ${plainNumber(interval)} (now ${plainNumber(p.sampleIntervalSeconds)})`,
          });
        }
        break;
      }
      default: {
        const versions = bounded('versionsRetained', Math.floor(p.versionsRetained * ratio), -1, (v) => v >= 1);
        if (versions !== undefined) {
          add({
            change: 'keep fewer versions',
            prop: 'versionsRetained',
            value: versions,
            current: p.versionsRetained,
            atMost: true,
            description: `keep fewer versions: versionsRetained at most ${versions} (now ${p.versionsRetained})`,
          });
        }
      }
    }
    return out;
  }

  /** The hardware compared against. */
  public readonly hardware: HardwareCapacity;
  /** True when the estimate's logical bytes fit below the hardware's fill target. */
  public readonly fits: boolean;
  /** Logical bytes the workload needs (`estimate.logicalBytes`). */
  public readonly neededBytes: number;
  /** Logical bytes the hardware holds below its fill target (`hardware.storableBytes`). */
  public readonly availableBytes: number;
  /** Raw bytes needed with the hardware's redundancy and fill target. */
  public readonly neededRawBytes: number;
  /** Raw bytes the hardware has. */
  public readonly availableRawBytes: number;
  /** `max(0, neededRawBytes − availableRawBytes)`: the raw disk missing. */
  public readonly shortfallRawBytes: number;
  /** `neededBytes / hardware.usableBytes`: the fraction of usable capacity the data fills (compare with the fill target). */
  public readonly utilization: number;
  /** One sentence: needed vs available. */
  public readonly summary: string;
  /** Changes that would make the estimate fit (empty when it fits): more drives, larger drives, more servers, shorter retention, lower bitrate… */
  public readonly options: string[];
  /**
   * The same changes as `options`, as data: the prop to set and a value verified to make the estimate fit (written as
   * input text that reads back to exactly that value).
   */
  public readonly suggestions: CapacityFitSuggestion[];

  private constructor(estimate: CapacityEstimate, hw: HardwareCapacity) {
    this.hardware = hw;
    this.neededBytes = estimate.logicalBytes;
    this.availableBytes = hw.storableBytes;
    this.neededRawBytes = estimate.logicalBytes * hw.redundancy.overhead / hw.fillTarget;
    this.availableRawBytes = hw.rawBytes;
    this.fits = CapacityFit.fitsBytes(this.neededBytes, this.availableBytes);
    this.shortfallRawBytes = this.fits ? 0 : Math.max(0, this.neededRawBytes - this.availableRawBytes);
    this.utilization = this.neededBytes / hw.usableBytes;
    const how = `${hw.redundancy.description}, fill target ${exactNumber(hw.fillTarget)}`;
    if (this.fits) {
      this.summary = `${formatBytes(this.neededBytes)} of data fits on ${hw.description} (${formatBytes(hw.rawBytes)} raw, `
        + `${formatBytes(this.availableBytes)} storable at ${how}); it fills ${formatNumber(this.utilization * 100, 1)}% of the usable capacity`;
      this.options = [];
      this.suggestions = [];
    } else {
      this.summary = `${formatBytes(this.neededBytes)} of data needs ${formatBytes(this.neededRawBytes)} of raw disk at ${how}, `
        + `but ${hw.description} = ${formatBytes(hw.rawBytes)} raw holds only ${formatBytes(this.availableBytes)}`;
      this.suggestions = CapacityFit.suggestionsFor(estimate, hw, this.neededRawBytes, this.availableBytes / this.neededBytes);
      this.options = this.suggestions.map((x) => x.description);
    }
  }

  /** The comparison as plain JSON-ready data. */
  public toPlainObject(): { [key: string]: any } {
    return {
      fits: this.fits,
      neededBytes: this.neededBytes,
      availableBytes: this.availableBytes,
      neededRawBytes: this.neededRawBytes,
      availableRawBytes: this.availableRawBytes,
      shortfallRawBytes: this.shortfallRawBytes,
      utilization: this.utilization,
      summary: this.summary,
      options: [...this.options],
      suggestions: this.suggestions.map((x) => ({ ...x })),
      hardware: this.hardware.toPlainObject(),
    };
  }
}

/**
 * Storage and bandwidth arithmetic for the three edge workloads (pure math, decimal units: 1 TB = 10^12 bytes,
 * 1 Mbps = 10^6 bit/s).
 *
 * For every workload: `rawBytes = logicalBytes × overhead` (overhead (k+m)/k for EC k+m, n for n replicas, 1 for
 * none) and `provisionedBytes = rawBytes / fillTarget`.
 */
export class CapacityPlanner {
  /**
   * Continuous video recording: `logicalBytes = cameras × bitrateMbps × 10^6 / 8 × 86,400 × retentionDays`.
   */
  public static video(props: VideoCapacityProps): CapacityEstimate {
    const problems = new ProblemList('CapacityPlanner.video');
    const p = props ?? ({} as VideoCapacityProps);
    problems.positiveInteger('cameras', p.cameras, 'give the number of cameras that record, e.g. 100');
    problems.positiveNumber('bitrateMbps', p.bitrateMbps, 'give the average bitrate of one camera in Mbps, e.g. 4 for 1080p H.264');
    problems.positiveNumber('retentionDays', p.retentionDays, 'give the days of recordings to keep, e.g. 7');
    const segmentMinutes = p.segmentMinutes ?? 5;
    if (problems.positiveNumber('segmentMinutes', segmentMinutes, 'use the recorder\'s segment length, e.g. 5')) {
      if (segmentMinutes > MINUTES_PER_DAY) {
        problems.add('segmentMinutes', segmentMinutes, 'must be at most 1440 (one day)', 'use the recorder\'s segment length, e.g. 5');
      }
    }
    const redundancy = CapacityPlanner.redundancyOf(problems, p.redundancy, Redundancy.erasureCoded(2, 2));
    const fillTarget = CapacityPlanner.fillTargetOf(problems, p.fillTarget);
    const windowSeconds = CapacityPlanner.windowOf(problems, 'archiveWindow', p.archiveWindow, SECONDS_PER_DAY, true);
    problems.throwIfAny();

    const { cameras, bitrateMbps, retentionDays } = p;
    const dailyBytes = cameras * bitrateMbps * 1e6 / 8 * SECONDS_PER_DAY;
    const logicalBytes = dailyBytes * retentionDays;
    const segmentsPerCameraRetained = ceilTo(retentionDays * MINUTES_PER_DAY / segmentMinutes, 0);
    const n = (x: number) => exactNumber(x);
    const origin = (given: unknown) => (given === undefined ? 'default' : 'input');
    const inputs: CapacityLine[] = [
      { label: 'Cameras', value: n(cameras), basis: 'input' },
      { label: 'Bitrate per camera', value: `${n(bitrateMbps)} Mbps`, basis: 'input' },
      { label: 'Retention', value: `${n(retentionDays)} days`, basis: 'input' },
      { label: 'Segment length', value: `${n(segmentMinutes)} min`, basis: origin(p.segmentMinutes) },
      ...CapacityPlanner.commonInputs(redundancy, fillTarget, p.redundancy, p.fillTarget),
      { label: 'Archive window', value: formatSeconds(windowSeconds), basis: origin(p.archiveWindow) },
    ];
    const extraResults: CapacityLine[] = [
      { label: 'Ingest', value: `${formatNumber(cameras * bitrateMbps)} Mbps`, basis: `${n(cameras)} cameras × ${n(bitrateMbps)} Mbps` },
      { label: 'Data per day', value: formatBytes(dailyBytes), basis: `${n(cameras)} × ${n(bitrateMbps)} Mbps ÷ 8 × 86,400 s` },
      { label: 'Segments per day', value: formatNumber(cameras * MINUTES_PER_DAY / segmentMinutes), basis: `${n(cameras)} cameras × 1,440 min ÷ ${n(segmentMinutes)} min` },
      { label: 'Segment size', value: formatBytes(bitrateMbps * 1e6 / 8 * segmentMinutes * 60), basis: `${n(bitrateMbps)} Mbps ÷ 8 × ${n(segmentMinutes * 60)} s` },
      { label: 'Segments retained', value: formatNumber(cameras * segmentsPerCameraRetained), basis: `${n(cameras)} cameras × ⌈${n(retentionDays)} days × 1,440 ÷ ${n(segmentMinutes)}⌉` },
      CapacityPlanner.wanLine('WAN to archive a day', dailyBytes, windowSeconds),
    ];
    return CapacityPlanner.finish(problems, {
      workload: CapacityWorkload.VIDEO,
      redundancy,
      fillTarget,
      logicalBytes,
      dailyBytes,
      ingestMbps: cameras * bitrateMbps,
      segmentsPerDay: cameras * MINUTES_PER_DAY / segmentMinutes,
      segmentBytes: bitrateMbps * 1e6 / 8 * segmentMinutes * 60,
      objectsRetained: cameras * segmentsPerCameraRetained,
      transferBytes: dailyBytes,
      transferWindowSeconds: windowSeconds,
      parameters: { cameras, bitrateMbps, retentionDays, segmentMinutes, archiveWindowSeconds: windowSeconds, fillTarget },
      formula: 'logical = cameras × bitrateMbps × 10^6 ÷ 8 × 86,400 × retentionDays; raw = logical × overhead; provisioned = raw ÷ fillTarget',
      inputs,
      extraResults,
      logicalBasis: `${n(cameras)} cameras × ${n(bitrateMbps)} Mbps ÷ 8 × 86,400 s × ${n(retentionDays)} days`,
      warnings: CapacityPlanner.warnings(redundancy, fillTarget, true),
    });
  }

  /**
   * Time series: `logicalBytes = sensors × 86,400 / sampleIntervalSeconds × retentionDays × bytesPerPoint /
   * compressionRatio`.
   */
  public static iot(props: IotCapacityProps): CapacityEstimate {
    const problems = new ProblemList('CapacityPlanner.iot');
    const p = props ?? ({} as IotCapacityProps);
    problems.positiveInteger('sensors', p.sensors, 'give the number of sensors (series) that report, e.g. 10000');
    problems.positiveNumber('sampleIntervalSeconds', p.sampleIntervalSeconds, 'give the seconds between two points of one sensor, e.g. 10');
    problems.positiveNumber('retentionDays', p.retentionDays, 'give the days of points to keep, e.g. 30');
    const bytesPerPoint = p.bytesPerPoint ?? 100;
    problems.positiveNumber('bytesPerPoint', bytesPerPoint, 'give the uncompressed size of one point in bytes, e.g. 100');
    const compressionRatio = p.compressionRatio ?? 10;
    // Stryker disable next-line ConditionalExpression: Number.isFinite is false for non-numbers too; typeof narrows the type
    if (typeof compressionRatio !== 'number' || !Number.isFinite(compressionRatio) || compressionRatio < 1) {
      problems.add('compressionRatio', compressionRatio, 'must be a finite number ≥ 1 (uncompressed ÷ stored size)', 'use e.g. 10 for InfluxDB TSM, or 1 for no compression');
    }
    const redundancy = CapacityPlanner.redundancyOf(problems, p.redundancy, Redundancy.NONE);
    const fillTarget = CapacityPlanner.fillTargetOf(problems, p.fillTarget);
    const windowSeconds = CapacityPlanner.windowOf(problems, 'archiveWindow', p.archiveWindow, SECONDS_PER_DAY, true);
    problems.throwIfAny();

    const { sensors, sampleIntervalSeconds, retentionDays } = p;
    const logicalBytes = sensors * SECONDS_PER_DAY / sampleIntervalSeconds * retentionDays * bytesPerPoint / compressionRatio;
    const pointsPerDay = sensors * SECONDS_PER_DAY / sampleIntervalSeconds;
    const dailyBytes = pointsPerDay * bytesPerPoint / compressionRatio;
    const transferBytes = pointsPerDay * bytesPerPoint;
    const ingestMbps = sensors * bytesPerPoint * 8 / sampleIntervalSeconds / 1e6;
    const writesPerSecond = sensors / sampleIntervalSeconds;
    const seriesCardinality = sensors;
    const tier = INFLUX_TIERS.find((t) => writesPerSecond < t.maxWrites && seriesCardinality < t.maxSeries)!;
    const [memoryRequestBytes, memoryLimitBytes] = tier.ramGb.map((gb) => gb * GIB);
    const n = (x: number) => exactNumber(x);
    const origin = (given: unknown) => (given === undefined ? 'default' : 'input');
    const warnings = CapacityPlanner.warnings(redundancy, fillTarget, false);
    if (writesPerSecond > INFLUX_SINGLE_NODE.maxWrites || seriesCardinality > INFLUX_SINGLE_NODE.maxSeries) {
      warnings.push(`${formatNumber(writesPerSecond)} writes/s over ${formatNumber(seriesCardinality)} series is beyond what InfluxData's sizing guidance `
        + `expects of a single InfluxDB node (${formatNumber(INFLUX_SINGLE_NODE.maxWrites)} field writes/s, ${formatNumber(INFLUX_SINGLE_NODE.maxSeries)} series); `
        + 'split the sensors over several sites or buckets, sample less often, or use a clustered time-series store');
    }
    const inputs: CapacityLine[] = [
      { label: 'Sensors', value: n(sensors), basis: 'input' },
      { label: 'Sample interval', value: `${n(sampleIntervalSeconds)} s`, basis: 'input' },
      { label: 'Retention', value: `${n(retentionDays)} days`, basis: 'input' },
      { label: 'Bytes per point (uncompressed)', value: `${n(bytesPerPoint)} B`, basis: origin(p.bytesPerPoint) },
      { label: 'Compression ratio', value: `${n(compressionRatio)}:1`, basis: origin(p.compressionRatio) },
      ...CapacityPlanner.commonInputs(redundancy, fillTarget, p.redundancy, p.fillTarget),
      { label: 'Archive window', value: formatSeconds(windowSeconds), basis: origin(p.archiveWindow) },
    ];
    const extraResults: CapacityLine[] = [
      { label: 'Points per day', value: formatNumber(pointsPerDay), basis: `${n(sensors)} sensors × 86,400 s ÷ ${n(sampleIntervalSeconds)} s` },
      { label: 'Ingest (uncompressed)', value: `${formatNumber(ingestMbps, 3)} Mbps`, basis: `${n(sensors)} × ${n(bytesPerPoint)} B × 8 ÷ ${n(sampleIntervalSeconds)} s` },
      { label: 'Stored per day', value: formatBytes(dailyBytes), basis: `points per day × ${n(bytesPerPoint)} B ÷ ${n(compressionRatio)}` },
      CapacityPlanner.wanLine('WAN to ship a day (uncompressed)', transferBytes, windowSeconds),
      { label: 'Writes per second', value: formatNumber(writesPerSecond, 3), basis: `${n(sensors)} series ÷ ${n(sampleIntervalSeconds)} s` },
      {
        label: 'Time-series memory (request–limit)',
        value: memoryRequestBytes === memoryLimitBytes ? `${tier.ramGb[0]} GiB` : `${tier.ramGb[0]}–${tier.ramGb[1]} GiB`,
        basis: `InfluxData single-node sizing, ${tier.name} load (${tier.maxWrites === Infinity ? '> 250,000 writes/s or > 1,000,000 series'
          : `< ${formatNumber(tier.maxWrites)} writes/s and < ${formatNumber(tier.maxSeries)} series`})`,
      },
    ];
    return CapacityPlanner.finish(problems, {
      workload: CapacityWorkload.IOT,
      writesPerSecond,
      seriesCardinality,
      memoryRequestBytes,
      memoryLimitBytes,
      redundancy,
      fillTarget,
      logicalBytes,
      dailyBytes,
      ingestMbps,
      pointsPerDay,
      transferBytes,
      transferWindowSeconds: windowSeconds,
      parameters: { sensors, sampleIntervalSeconds, retentionDays, bytesPerPoint, compressionRatio, archiveWindowSeconds: windowSeconds, fillTarget },
      formula: 'logical = sensors × 86,400 ÷ sampleIntervalSeconds × retentionDays × bytesPerPoint ÷ compressionRatio; raw = logical × overhead; provisioned = raw ÷ fillTarget',
      inputs,
      extraResults,
      logicalBasis: `${n(sensors)} sensors × 86,400 s ÷ ${n(sampleIntervalSeconds)} s × ${n(retentionDays)} days × ${n(bytesPerPoint)} B ÷ ${n(compressionRatio)}`,
      warnings,
    });
  }

  /** Model versions: `logicalBytes = models × versionsRetained × averageModelSize × (1 − dedupRatio)`. */
  public static models(props: ModelCapacityProps): CapacityEstimate {
    const problems = new ProblemList('CapacityPlanner.models');
    const p = props ?? ({} as ModelCapacityProps);
    problems.positiveInteger('models', p.models, 'give the number of distinct models, e.g. 50');
    problems.positiveInteger('versionsRetained', p.versionsRetained, 'give the versions kept per model (current plus rollback targets), e.g. 10');
    const sizeBytes = CapacityPlanner.sizeOf(problems, 'averageModelSize', p.averageModelSize, 'give the average size of one model version, e.g. DecimalSize.gigabytes(3)');
    const dedupRatio = p.dedupRatio ?? 0;
    problems.inRange('dedupRatio', dedupRatio, 0, 1, { maxExclusive: true }, 'use 0 (no dedup) up to below 1, e.g. 0.3 for 30% saved');
    const redundancy = CapacityPlanner.redundancyOf(problems, p.redundancy, Redundancy.erasureCoded(2, 2));
    const fillTarget = CapacityPlanner.fillTargetOf(problems, p.fillTarget);
    const windowSeconds = CapacityPlanner.windowOf(problems, 'distributionWindow', p.distributionWindow, 3600, false);
    problems.throwIfAny();

    const { models, versionsRetained } = p;
    const logicalBytes = models * versionsRetained * sizeBytes * (1 - dedupRatio);
    const transferBytes = models * sizeBytes * (1 - dedupRatio);
    const n = (x: number) => exactNumber(x);
    const origin = (given: unknown) => (given === undefined ? 'default' : 'input');
    const inputs: CapacityLine[] = [
      { label: 'Models', value: n(models), basis: 'input' },
      { label: 'Versions retained', value: n(versionsRetained), basis: 'input' },
      { label: 'Average model size', value: formatBytesExact(sizeBytes), basis: 'input' },
      { label: 'Dedup ratio', value: n(dedupRatio), basis: origin(p.dedupRatio) },
      ...CapacityPlanner.commonInputs(redundancy, fillTarget, p.redundancy, p.fillTarget),
      { label: 'Distribution window', value: formatSeconds(windowSeconds), basis: origin(p.distributionWindow) },
    ];
    const extraResults: CapacityLine[] = [
      { label: 'Objects retained', value: formatNumber(models * versionsRetained), basis: `${n(models)} models × ${n(versionsRetained)} versions` },
      { label: 'One release of every model', value: formatBytes(transferBytes), basis: `${n(models)} × ${formatBytes(sizeBytes)} × (1 − ${n(dedupRatio)})` },
      CapacityPlanner.wanLine('WAN to pull a release', transferBytes, windowSeconds),
    ];
    return CapacityPlanner.finish(problems, {
      workload: CapacityWorkload.MODELS,
      redundancy,
      fillTarget,
      logicalBytes,
      objectsRetained: models * versionsRetained,
      transferBytes,
      transferWindowSeconds: windowSeconds,
      parameters: { models, versionsRetained, averageModelSizeBytes: sizeBytes, dedupRatio, distributionWindowSeconds: windowSeconds, fillTarget },
      formula: 'logical = models × versionsRetained × averageModelSize × (1 − dedupRatio); raw = logical × overhead; provisioned = raw ÷ fillTarget',
      inputs,
      extraResults,
      logicalBasis: `${n(models)} models × ${n(versionsRetained)} versions × ${formatBytes(sizeBytes)} × (1 − ${n(dedupRatio)})`,
      warnings: CapacityPlanner.warnings(redundancy, fillTarget, true),
    });
  }

  /** Raw, usable and storable bytes of a set of drives. */
  public static hardware(props: CapacityHardwareProps): HardwareCapacity {
    return CapacityPlanner.hardwareFor('CapacityPlanner.hardware', props, Redundancy.NONE, NEARFULL);
  }

  /**
   * Compares `estimate` with `hardware`: does the workload's logical data fit below the fill target after the
   * hardware's redundancy? Redundancy and fill target default to the estimate's. When it does not fit, `options`
   * lists what would make it fit (more drives, larger drives, more servers, shorter retention, lower bitrate, longer
   * sample interval, fewer versions).
   */
  public static fit(estimate: CapacityEstimate, hardware: CapacityHardwareProps): CapacityFit {
    const hw = CapacityPlanner.hardwareFor('CapacityPlanner.fit', hardware, estimate.redundancy, estimate.fillTarget);
    const fit = CapacityFit._create(estimate, hw);
    const problems = new ProblemList('CapacityPlanner.fit');
    for (const name of ['neededRawBytes', 'shortfallRawBytes', 'utilization'] as const) {
      if (!Number.isFinite(fit[name])) {
        problems.add(name, fit[name], 'is too large to compute (the inputs overflow a double)', 'check the hardware and the fill target for typos');
      }
    }
    problems.throwIfAny();
    return fit;
  }

  /** @internal The estimate of the same workload with one parameter changed (used to verify suggestions). */
  public static _reestimate(estimate: CapacityEstimate, prop: string, value: number): CapacityEstimate {
    const p: { [key: string]: number } = { ...estimate.parameters, [prop]: value };
    // Stryker disable next-line ObjectLiteral: suggestions compare logical bytes, which neither redundancy nor fill target changes
    const common = { redundancy: estimate.redundancy, fillTarget: estimate.fillTarget };
    switch (estimate.workload) {
      case CapacityWorkload.VIDEO:
        return CapacityPlanner.video({
          cameras: p.cameras,
          bitrateMbps: p.bitrateMbps,
          retentionDays: p.retentionDays,
          segmentMinutes: p.segmentMinutes,
          archiveWindow: Duration.seconds(p.archiveWindowSeconds),
          ...common,
        });
      case CapacityWorkload.IOT:
        return CapacityPlanner.iot({
          sensors: p.sensors,
          sampleIntervalSeconds: p.sampleIntervalSeconds,
          retentionDays: p.retentionDays,
          bytesPerPoint: p.bytesPerPoint,
          compressionRatio: p.compressionRatio,
          archiveWindow: Duration.seconds(p.archiveWindowSeconds),
          ...common,
        });
      default:
        return CapacityPlanner.models({
          models: p.models,
          versionsRetained: p.versionsRetained,
          averageModelSize: DecimalSize.bytes(p.averageModelSizeBytes),
          dedupRatio: p.dedupRatio,
          distributionWindow: Duration.seconds(p.distributionWindowSeconds),
          ...common,
        });
    }
  }

  private static hardwareFor(source: string, props: CapacityHardwareProps, defaultRedundancy: Redundancy, defaultFill: number): HardwareCapacity {
    const problems = new ProblemList(source);
    const p = props ?? ({} as CapacityHardwareProps);
    const serversOk = problems.positiveInteger('servers', p.servers, 'give the number of storage servers, e.g. 4');
    const drivesPerServer = p.drivesPerServer ?? 1;
    const drivesOk = problems.positiveInteger('drivesPerServer', drivesPerServer, 'give the data drives per server, e.g. 1');
    const driveBytes = CapacityPlanner.sizeOf(problems, 'driveSize', p.driveSize, 'give the size of one drive, e.g. DecimalSize.terabytes(16)');
    const redundancy = CapacityPlanner.redundancyOf(problems, p.redundancy, defaultRedundancy);
    const fillTarget = CapacityPlanner.fillTargetOf(problems, p.fillTarget ?? defaultFill);
    if (serversOk && drivesOk && redundancy.minimumDrives > p.servers * drivesPerServer) {
      problems.add('servers × drivesPerServer', p.servers * drivesPerServer,
        `${redundancy.description} needs at least ${redundancy.minimumDrives} drives to place one stripe or all copies`,
        'add drives or servers, or use a redundancy with fewer chunks or copies');
    }
    problems.throwIfAny();
    const hw = HardwareCapacity._create(p.servers, drivesPerServer, driveBytes, redundancy, fillTarget);
    for (const name of ['drives', 'rawBytes', 'usableBytes', 'storableBytes'] as const) {
      if (!Number.isFinite(hw[name])) {
        problems.add(name, hw[name], 'is too large to compute (the inputs overflow a double)', 'check servers, drivesPerServer and driveSize for typos');
      }
    }
    if (Number.isFinite(hw.drives) && !Number.isSafeInteger(hw.drives)) {
      problems.add('servers × drivesPerServer', hw.drives, `must be at most ${Number.MAX_SAFE_INTEGER} drives to be counted exactly`, 'check servers and drivesPerServer for typos');
    }
    problems.throwIfAny();
    return hw;
  }

  private static redundancyOf(problems: ProblemList, value: Redundancy | undefined, fallback: Redundancy): Redundancy {
    if (value === undefined) {
      return fallback;
    }
    if (!(value instanceof Redundancy)) {
      problems.add('redundancy', value, 'must be a Redundancy', 'use Redundancy.erasureCoded(k, m), Redundancy.replicated(n) or Redundancy.NONE');
      return fallback;
    }
    return value;
  }

  private static fillTargetOf(problems: ProblemList, value: number | undefined): number {
    const fill = value ?? NEARFULL;
    // A bad fill target is returned as it is: the caller throws the collected problems before using it.
    problems.inRange('fillTarget', fill, 0, 1, { minExclusive: true }, 'use a fraction such as 0.85 (Ceph warns nearfull at 0.85)');
    return fill;
  }

  private static windowOf(problems: ProblemList, prop: string, value: Duration | undefined, fallbackSeconds: number, atMostADay: boolean): number {
    if (value === undefined) {
      return fallbackSeconds;
    }
    const seconds = value instanceof Duration ? value.toSeconds({ integral: false }) : NaN;
    if (!Number.isFinite(seconds) || seconds <= 0) {
      problems.add(prop, value, 'must be a Duration longer than 0', 'use e.g. Duration.hours(8)');
      return fallbackSeconds;
    }
    if (atMostADay && seconds > SECONDS_PER_DAY) {
      problems.add(prop, value, 'must be at most 24 hours: a day\'s data must leave before the next day\'s is complete, or the backlog grows forever', 'use at most Duration.hours(24)');
      return fallbackSeconds;
    }
    return seconds;
  }

  private static sizeOf(problems: ProblemList, prop: string, value: Size | undefined, fix: string): number {
    const bytes = value instanceof Size ? DecimalSize.toBytes(value) : NaN;
    if (!Number.isFinite(bytes) || bytes <= 0) {
      problems.add(prop, value, 'must be a Size larger than 0', fix);
      return NaN;
    }
    return bytes;
  }

  private static commonInputs(redundancy: Redundancy, fillTarget: number, givenRedundancy: unknown, givenFill: unknown): CapacityLine[] {
    return [
      {
        label: 'Redundancy',
        value: `${redundancy.description} (overhead ${formatNumber(redundancy.overhead, 4)})`,
        basis: givenRedundancy === undefined ? 'default' : 'input',
      },
      { label: 'Fill target', value: exactNumber(fillTarget), basis: givenFill === undefined ? 'default' : 'input' },
    ];
  }

  private static wanLine(label: string, bytes: number, windowSeconds: number): CapacityLine {
    return {
      label,
      value: `${formatNumber(bytes * 8 / windowSeconds / 1e6, 2)} Mbps`,
      basis: `${formatBytes(bytes)} × 8 ÷ ${formatSeconds(windowSeconds)}`,
    };
  }

  private static warnings(redundancy: Redundancy, fillTarget: number, replicatedStore: boolean): string[] {
    const out: string[] = [];
    if (fillTarget > NEARFULL) {
      out.push(`fillTarget ${fillTarget} is above Ceph's nearfull ratio (0.85; backfill stops at 0.90, writes at 0.95): `
        + 'after a drive failure there may be no room to rebuild its data');
    }
    if (redundancy.kind !== RedundancyKind.NONE && redundancy.failuresTolerated === 0) {
      out.push(`${redundancy.description} tolerates no failure: one lost drive loses data`);
    } else if (redundancy.kind === RedundancyKind.NONE && replicatedStore) {
      out.push('no redundancy: one lost drive loses data; use Redundancy.erasureCoded(2, 2) or Redundancy.replicated(3)');
    } else if (redundancy.failuresTolerated === 1) {
      out.push(`${redundancy.description} tolerates one failure only: a second failure during recovery loses data`);
    }
    return out;
  }

  private static finish(problems: ProblemList, init: EstimateInit): CapacityEstimate {
    const estimate = CapacityEstimate._create(init);
    // Every figure, not only the total: an extreme input (a segment of 1e-300 minutes) can overflow one result alone.
    const figures = ['provisionedBytes', 'logicalBytes', 'dailyBytes', 'ingestMbps', 'segmentsPerDay', 'segmentBytes', 'objectsRetained',
      'pointsPerDay', 'transferBytes', 'wanMbps'] as const;
    for (const name of figures) {
      const value = estimate[name];
      if (value !== undefined && !Number.isFinite(value)) {
        problems.add(name, value, 'is too large to compute (the inputs overflow a double)', 'check the inputs for typos and use realistic values');
      }
    }
    problems.throwIfAny();
    return estimate;
  }

  private constructor() {}
}
