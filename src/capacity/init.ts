// Internal to the planner; not re-exported from src/capacity/index.ts.
import type { CapacityLine, CapacityWorkload } from './estimate';
import type { Redundancy } from './redundancy';

/** Everything a CapacityEstimate holds; built by CapacityPlanner. */
export interface EstimateInit {
  readonly workload: CapacityWorkload;
  readonly redundancy: Redundancy;
  readonly fillTarget: number;
  readonly logicalBytes: number;
  readonly dailyBytes?: number;
  readonly ingestMbps?: number;
  readonly segmentsPerDay?: number;
  readonly segmentBytes?: number;
  readonly objectsRetained?: number;
  readonly pointsPerDay?: number;
  readonly writesPerSecond?: number;
  readonly seriesCardinality?: number;
  readonly memoryRequestBytes?: number;
  readonly memoryLimitBytes?: number;
  readonly transferBytes: number;
  readonly transferWindowSeconds: number;
  readonly parameters: { [key: string]: number };
  readonly formula: string;
  readonly inputs: CapacityLine[];
  /** Workload rows after logical/raw/provisioned (ingest, segments, WAN…). */
  readonly extraResults: CapacityLine[];
  readonly logicalBasis: string;
  readonly warnings: string[];
}

