import { Duration, Size } from 'cdk8s';
import { CapacityEstimate, CapacityLine, CapacityWorkload } from './estimate';
import { CapacityFit, HardwareCapacity } from './fit';
import { DecimalSize } from './format';
import type { EstimateInit } from './init';
import { formatAmount, ProblemList } from './problems';
import { CapacityHardwareProps, IotCapacityProps, ModelCapacityProps, VideoCapacityProps } from './props';
import { Redundancy, RedundancyKind } from './redundancy';
import { ceilTo, exactNumber, formatBytes, formatBytesExact, formatNumber, formatSeconds } from './text';

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


/**
 * Storage and bandwidth arithmetic for the three edge workloads (pure math, decimal units: 1 TB = 10^12 bytes,
 * 1 Mbps = 10^6 bit/s).
 *
 * For every workload: `rawBytes = logicalBytes × overhead` (overhead (k+m)/k for EC k+m, n for n replicas, 1 for
 * none) and `provisionedBytes = rawBytes / fillTarget`.
 */
export class CapacityPlanner {
  /**
   * Continuous video recording: `logicalBytes = cameras × bitrateMbps × 10^6 / 8 × 86,400 × retentionDays`, where
   * `retentionDays` is `retention` in days (`parameters` keeps the figures in the units the formulas use).
   */
  public static video(props: VideoCapacityProps): CapacityEstimate {
    const problems = new ProblemList('CapacityPlanner.video');
    const p = props ?? ({} as VideoCapacityProps);
    problems.positiveInteger('cameras', p.cameras, 'give the number of cameras that record, e.g. 100');
    problems.positiveNumber('bitrateMbps', p.bitrateMbps, 'give the average bitrate of one camera in Mbps, e.g. 4 for 1080p H.264');
    const retentionDays = problems.positiveDuration('retention', p.retention, 'days', 'give how long recordings are kept, e.g. 7 days');
    const segmentFix = 'use the recorder\'s segment length, e.g. 5 min';
    const segmentMinutes = p.segmentDuration === undefined ? 5 : problems.positiveDuration('segmentDuration', p.segmentDuration, 'min', segmentFix);
    if (segmentMinutes > MINUTES_PER_DAY) {
      problems.add('segmentDuration', p.segmentDuration, 'must be at most one day (1440 min)', segmentFix, formatAmount(segmentMinutes, 'min'));
    }
    const redundancy = CapacityPlanner.redundancyOf(problems, p.redundancy, Redundancy.erasureCoded(2, 2));
    const fillTarget = CapacityPlanner.fillTargetOf(problems, p.fillTarget);
    const windowSeconds = CapacityPlanner.windowOf(problems, 'archiveWindow', p.archiveWindow, SECONDS_PER_DAY, true);
    problems.throwIfAny();

    const { cameras, bitrateMbps } = p;
    const dailyBytes = cameras * bitrateMbps * 1e6 / 8 * SECONDS_PER_DAY;
    const logicalBytes = dailyBytes * retentionDays;
    const segmentsPerCameraRetained = ceilTo(retentionDays * MINUTES_PER_DAY / segmentMinutes, 0);
    const n = (x: number) => exactNumber(x);
    const origin = (given: unknown) => (given === undefined ? 'default' : 'input');
    const inputs: CapacityLine[] = [
      { label: 'Cameras', value: n(cameras), basis: 'input' },
      { label: 'Bitrate per camera', value: `${n(bitrateMbps)} Mbps`, basis: 'input' },
      { label: 'Retention', value: `${n(retentionDays)} days`, basis: 'input' },
      { label: 'Segment length', value: `${n(segmentMinutes)} min`, basis: origin(p.segmentDuration) },
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
   * compressionRatio`, where `sampleIntervalSeconds` is `sampleInterval` in seconds and `retentionDays` is `retention` in
   * days.
   */
  public static iot(props: IotCapacityProps): CapacityEstimate {
    const problems = new ProblemList('CapacityPlanner.iot');
    const p = props ?? ({} as IotCapacityProps);
    problems.positiveInteger('sensors', p.sensors, 'give the number of sensors (series) that report, e.g. 10000');
    const sampleIntervalSeconds = problems.positiveDuration('sampleInterval', p.sampleInterval, 's', 'give the time between two points of one sensor, e.g. 10 s');
    const retentionDays = problems.positiveDuration('retention', p.retention, 'days', 'give how long points are kept, e.g. 30 days');
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

    const { sensors } = p;
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
    const fit = CapacityFit._create(estimate, hw, CapacityPlanner._reestimate);
    const problems = new ProblemList('CapacityPlanner.fit');
    for (const name of ['neededRawBytes', 'shortfallRawBytes', 'utilization'] as const) {
      if (!Number.isFinite(fit[name])) {
        problems.add(name, fit[name], 'is too large to compute (the inputs overflow a double)', 'check the hardware and the fill target for typos');
      }
    }
    problems.throwIfAny();
    return fit;
  }

  /**
   * @internal The estimate of the same workload with one of its `parameters` changed (used to verify suggestions):
   * `retentionDays`, `segmentMinutes` and `sampleIntervalSeconds` become the Durations `retention`, `segmentDuration`
   * and `sampleInterval` again, in the same units, so the figures read back exactly.
   */
  public static _reestimate(estimate: CapacityEstimate, prop: string, value: number): CapacityEstimate {
    const p: { [key: string]: number } = { ...estimate.parameters, [prop]: value };
    // Stryker disable next-line ObjectLiteral: suggestions compare logical bytes, which neither redundancy nor fill target changes
    const common = { redundancy: estimate.redundancy, fillTarget: estimate.fillTarget };
    switch (estimate.workload) {
      case CapacityWorkload.VIDEO:
        return CapacityPlanner.video({
          cameras: p.cameras,
          bitrateMbps: p.bitrateMbps,
          retention: Duration.days(p.retentionDays),
          segmentDuration: Duration.minutes(p.segmentMinutes),
          archiveWindow: Duration.seconds(p.archiveWindowSeconds),
          ...common,
        });
      case CapacityWorkload.IOT:
        return CapacityPlanner.iot({
          sensors: p.sensors,
          sampleInterval: Duration.seconds(p.sampleIntervalSeconds),
          retention: Duration.days(p.retentionDays),
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
