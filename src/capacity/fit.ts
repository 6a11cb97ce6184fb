// What a set of drives holds, and whether an estimate fits on it (with verified advice when it does not).
import { CapacityEstimate, CapacityWorkload } from './estimate';
import { Redundancy } from './redundancy';
import { ceilTo, exactNumber, floorTo, formatBytes, formatBytesExact, formatNumber, parseSize, plainNumber, sizeArgumentUp } from './text';

/** The estimate of the same workload with one of its `parameters` changed (the planner's own arithmetic). */
type Reestimate = (estimate: CapacityEstimate, prop: string, value: number) => CapacityEstimate;

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
   * The prop to change: `drivesPerServer`, `driveSize` or `servers` (of the hardware), or `retention`,
   * `bitrateMbps`, `sampleInterval`, `versionsRetained` (of the workload).
   */
  readonly prop: string;
  /**
   * The new value: bytes for `driveSize`, days for `retention` (`Duration.days(value)`), seconds for `sampleInterval`
   * (`Duration.seconds(value)`). With it the estimate fits, by the same test as `CapacityFit.fits`.
   */
  readonly value: number;
  /**
   * The new value as input text that reads back to exactly `value`: a plain decimal without thousands separators
   * (`1602.4`), or for `driveSize` a number with a case-sensitive unit (`17.79TB`).
   */
  readonly text: string;
  /** The current value, in the unit of `value`. */
  readonly current: number;
  /** The current value as text (a plain decimal in the unit of `value`, or a size such as `16 TB`). */
  readonly currentText: string;
  /** True when the value is an upper bound (any value up to it fits too), false when it is a lower bound. */
  readonly atMost: boolean;
  /** The change as a sentence (the entry of `CapacityFit.options`). */
  readonly description: string;
}

/** Whether an estimate fits on given hardware, and what to change when it does not. */
export class CapacityFit {
  /** @internal */
  public static _create(estimate: CapacityEstimate, hardware: HardwareCapacity, reestimate: Reestimate): CapacityFit {
    return new CapacityFit(estimate, hardware, reestimate);
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
  private static suggestionsFor(estimate: CapacityEstimate, hw: HardwareCapacity, neededRaw: number, ratio: number,
    reestimate: Reestimate): CapacityFitSuggestion[] {
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
        const changed = reestimate(estimate, prop, value);
        return Number.isFinite(changed.logicalBytes) && CapacityFit.fitsBytes(changed.logicalBytes, hw.storableBytes);
      } catch {
        return false;
      }
    };
    /** The first of up to four candidates of parameter `prop` (`start`, then `step` away from the current value) that fits. */
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
          prop: 'retention',
          value: max,
          current: days,
          atMost: true,
          description: `shorten retention: retention at most ${plainNumber(max)} days (now ${plainNumber(days)} days)`,
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
            prop: 'sampleInterval',
            value: interval,
            current: p.sampleIntervalSeconds,
            atMost: false,
            description: `sample less often: sampleInterval at least ${plainNumber(interval)} s (now ${plainNumber(p.sampleIntervalSeconds)} s)`,
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

  private constructor(estimate: CapacityEstimate, hw: HardwareCapacity, reestimate: Reestimate) {
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
      this.suggestions = CapacityFit.suggestionsFor(estimate, hw, this.neededRawBytes, this.availableBytes / this.neededBytes, reestimate);
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
