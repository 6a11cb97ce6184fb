// Inputs of the capacity planner.
import { Duration, Size } from 'cdk8s';
import { Redundancy } from './redundancy';

/** Inputs of `CapacityPlanner.video`. */
export interface VideoCapacityProps {
  /** Cameras recording continuously (a positive integer). */
  readonly cameras: number;
  /** Average bitrate of one camera stream in Mbps (10^6 bit/s); 1080p H.264 is typically 2–8 Mbps. */
  readonly bitrateMbps: number;
  /**
   * How long recordings are kept on the site (counted in days: `Duration.hours(36)` is 1.5 days; fractions allowed).
   */
  readonly retention: Duration;
  /**
   * Length of one recorded segment (one object), at most one day.
   *
   * @default Duration.minutes(5)
   */
  readonly segmentDuration?: Duration;
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
  /** Time between two points of one sensor (counted in seconds; fractions allowed). */
  readonly sampleInterval: Duration;
  /** How long points are kept on the site (counted in days; fractions allowed). */
  readonly retention: Duration;
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
