import type { EstimateInit } from './init';
import { Redundancy } from './redundancy';
import { formatBytes, formatNumber } from './text';

/** The workload a capacity estimate describes. */
export enum CapacityWorkload {
  /** Video surveillance recordings (`CapacityPlanner.video`). */
  VIDEO = 'video',
  /** IoT time series (`CapacityPlanner.iot`). */
  IOT = 'iot',
  /** AI model versions (`CapacityPlanner.models`). */
  MODELS = 'models',
}

/** One row of a capacity table. */
export interface CapacityLine {
  /** What the row is, e.g. `Logical data`. */
  readonly label: string;
  /** The value, formatted in decimal units, e.g. `30.24 TB`. */
  readonly value: string;
  /** `input`, `default`, or the arithmetic that produced the value with the numbers filled in. */
  readonly basis: string;
}

/**
 * The result of `CapacityPlanner.video/iot/models`: how many bytes the workload stores, what that costs in raw disk
 * after redundancy and fill target, and the bandwidth it needs. All byte figures are decimal (1 TB = 10^12 bytes).
 */
export class CapacityEstimate {
  /** @internal */
  public static _create(init: EstimateInit): CapacityEstimate {
    return new CapacityEstimate(init);
  }

  /** Which planner produced this estimate. */
  public readonly workload: CapacityWorkload;
  /** The redundancy assumed. */
  public readonly redundancy: Redundancy;
  /** Raw bytes per logical byte: (k+m)/k, n, or 1. */
  public readonly overhead: number;
  /** The highest fraction of raw capacity the data may fill, in (0, 1]. */
  public readonly fillTarget: number;
  /** The bytes the workload keeps (before redundancy). */
  public readonly logicalBytes: number;
  /** `logicalBytes × overhead`: disk consumed once redundancy is applied. */
  public readonly rawBytes: number;
  /** `rawBytes / fillTarget`: the raw disk to buy so the data stays below the fill target. */
  public readonly provisionedBytes: number;
  /**
   * Logical bytes added per day (video, IoT).
   *
   * @default - undefined for models
   */
  public readonly dailyBytes?: number;
  /**
   * Sustained write bandwidth into the site in Mbps (10^6 bit/s): cameras × bitrate for video; points as sent
   * (uncompressed) for IoT.
   *
   * @default - undefined for models
   */
  public readonly ingestMbps?: number;
  /**
   * Video segments (objects) written per day across all cameras.
   *
   * @default - undefined unless video
   */
  public readonly segmentsPerDay?: number;
  /**
   * Size of one video segment in bytes.
   *
   * @default - undefined unless video
   */
  public readonly segmentBytes?: number;
  /**
   * Objects kept at steady state: video segments within retention, or model versions (models × versionsRetained).
   *
   * @default - undefined for IoT
   */
  public readonly objectsRetained?: number;
  /**
   * Points written per day across all sensors.
   *
   * @default - undefined unless IoT
   */
  public readonly pointsPerDay?: number;
  /**
   * Field writes per second into the time-series engine (one field per point): sensors ÷ sampleInterval (in seconds).
   *
   * @default - undefined unless IoT
   */
  public readonly writesPerSecond?: number;
  /**
   * Unique series the time-series engine indexes (one per sensor).
   *
   * @default - undefined unless IoT
   */
  public readonly seriesCardinality?: number;
  /**
   * Memory to request for the time-series engine (InfluxDB), in bytes: the low end of InfluxData's single-node
   * hardware sizing guidance for the load tier `writesPerSecond` and `seriesCardinality` fall in.
   *
   * @default - undefined unless IoT
   */
  public readonly memoryRequestBytes?: number;
  /**
   * Memory limit for the time-series engine, in bytes: the high end of the same tier (equal to the request in the
   * top tier, whose guidance has no upper figure).
   *
   * @default - undefined unless IoT
   */
  public readonly memoryLimitBytes?: number;
  /**
   * Bytes that must cross the WAN within `transferWindowSeconds`: one day of recordings (video), one day of points as
   * sent (IoT, uncompressed: the Kafka sync carries points, not TSM files), or one new version of every model after
   * dedup (models, pulled from the cloud).
   */
  public readonly transferBytes: number;
  /** The window allowed for `transferBytes`, in seconds. */
  public readonly transferWindowSeconds: number;
  /** `transferBytes × 8 / transferWindowSeconds / 10^6`: the WAN bandwidth needed, in Mbps. */
  public readonly wanMbps: number;
  /**
   * The numeric inputs, defaults applied, in the units the formulas use (e.g. `cameras`, `bitrateMbps`, `retentionDays`
   * for the `retention` Duration, `segmentMinutes` for `segmentDuration`, `sampleIntervalSeconds` for `sampleInterval`,
   * `archiveWindowSeconds`).
   */
  public readonly parameters: { [key: string]: number };
  /** The formulas used, in words. */
  public readonly formula: string;
  /** Table rows for the inputs (with `input` or `default` as basis). */
  public readonly inputs: CapacityLine[];
  /** Table rows for the results (basis = the arithmetic with numbers filled in). */
  public readonly results: CapacityLine[];
  /** Legal but risky choices (fill target above Ceph's nearfull ratio, no or single-failure redundancy). */
  public readonly warnings: string[];

  private constructor(init: EstimateInit) {
    this.workload = init.workload;
    this.redundancy = init.redundancy;
    this.overhead = init.redundancy.overhead;
    this.fillTarget = init.fillTarget;
    this.logicalBytes = init.logicalBytes;
    this.rawBytes = init.logicalBytes * this.overhead;
    this.provisionedBytes = this.rawBytes / init.fillTarget;
    this.dailyBytes = init.dailyBytes;
    this.ingestMbps = init.ingestMbps;
    this.segmentsPerDay = init.segmentsPerDay;
    this.segmentBytes = init.segmentBytes;
    this.objectsRetained = init.objectsRetained;
    this.pointsPerDay = init.pointsPerDay;
    this.writesPerSecond = init.writesPerSecond;
    this.seriesCardinality = init.seriesCardinality;
    this.memoryRequestBytes = init.memoryRequestBytes;
    this.memoryLimitBytes = init.memoryLimitBytes;
    this.transferBytes = init.transferBytes;
    this.transferWindowSeconds = init.transferWindowSeconds;
    this.wanMbps = init.transferBytes * 8 / init.transferWindowSeconds / 1e6;
    this.parameters = { ...init.parameters };
    this.formula = init.formula;
    this.inputs = init.inputs;
    this.results = [
      { label: 'Logical data', value: formatBytes(this.logicalBytes), basis: init.logicalBasis },
      {
        label: 'Raw (after redundancy)',
        value: formatBytes(this.rawBytes),
        basis: `logical × ${formatNumber(this.overhead, 4)} (${this.redundancy.description})`,
      },
      {
        label: 'Provisioned (at fill target)',
        value: formatBytes(this.provisionedBytes),
        basis: `raw ÷ ${formatNumber(this.fillTarget, 4)}`,
      },
      ...init.extraResults,
    ];
    this.warnings = [...init.warnings];
  }

  /** A Markdown table of inputs and results (for site reports), followed by the formula and any warnings. */
  public toMarkdown(): string {
    const esc = (s: string) => s.replace(/\|/g, '\\|');
    const rows = [...this.inputs, ...this.results].map((l) => `| ${esc(l.label)} | ${esc(l.value)} | ${esc(l.basis)} |`);
    const lines = ['| Quantity | Value | Basis |', '| --- | ---: | --- |', ...rows, '', `Formula: ${this.formula}`];
    lines.push('', 'Decimal units: 1 TB = 10^12 bytes, 1 Mbps = 10^6 bit/s.');
    for (const w of this.warnings) {
      lines.push('', `> Warning: ${w}`);
    }
    return lines.join('\n') + '\n';
  }

  /** The estimate as plain JSON-ready data (numbers unrounded; undefined fields left out). */
  public toPlainObject(): { [key: string]: any } {
    const out: { [key: string]: any } = {
      workload: this.workload,
      inputs: { ...this.parameters, redundancy: this.redundancy.description },
      redundancy: {
        kind: this.redundancy.kind,
        dataChunks: this.redundancy.dataChunks,
        codingChunks: this.redundancy.codingChunks,
        replicas: this.redundancy.replicas,
        overhead: this.redundancy.overhead,
        failuresTolerated: this.redundancy.failuresTolerated,
        description: this.redundancy.description,
      },
      overhead: this.overhead,
      fillTarget: this.fillTarget,
      logicalBytes: this.logicalBytes,
      rawBytes: this.rawBytes,
      provisionedBytes: this.provisionedBytes,
      dailyBytes: this.dailyBytes,
      ingestMbps: this.ingestMbps,
      segmentsPerDay: this.segmentsPerDay,
      segmentBytes: this.segmentBytes,
      objectsRetained: this.objectsRetained,
      pointsPerDay: this.pointsPerDay,
      writesPerSecond: this.writesPerSecond,
      seriesCardinality: this.seriesCardinality,
      memoryRequestBytes: this.memoryRequestBytes,
      memoryLimitBytes: this.memoryLimitBytes,
      transferBytes: this.transferBytes,
      transferWindowSeconds: this.transferWindowSeconds,
      wanMbps: this.wanMbps,
      warnings: [...this.warnings],
    };
    return JSON.parse(JSON.stringify(out));
  }
}
