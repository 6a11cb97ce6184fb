import { App, Duration } from 'cdk8s';
import { SecurityException } from '../../core';

/**
 * Defines the sites of a fleet for {@link Fleet}. Each site is built into its own fresh cdk8s `App`, synthesized,
 * validated, written to `outdir/<site>/` and dropped before the next site is built, so memory stays bounded by one
 * site and time grows linearly with the number of sites.
 *
 * Implementations must be deterministic: `siteNames()` returns the same names in the same order on every call (and
 * in every worker thread of {@link Fleet.synthParallel}), and `buildSite` builds the same objects for the same name.
 */
export interface ISiteFactory {
  /**
   * The names of all sites, in the order they appear in the index. Each name becomes the site's output folder, so it
   * must be a DNS-1123 label (1–63 characters of `a-z`, `0-9`, `-`) and unique.
   */
  siteNames(): string[];

  /**
   * Build the site `siteName` into `app`: add one or more charts (and, optionally, {@link FleetSiteFile}s such as a
   * report). `app` is fresh for every site and holds nothing else; its `outdir` is the site's output folder.
   * Do not call `app.synth()`: the fleet synthesizes and writes the site.
   */
  buildSite(app: App, siteName: string): void;
}

/**
 * An extra check run on every site's manifests (for example a schema validator or an organisation's policy).
 */
export interface IFleetValidator {
  /**
   * Return one message per problem in `manifests` (the site's objects, in output order); an empty list means the site
   * passes.
   */
  validate(siteName: string, manifests: any[]): string[];
}

/** One finished site, reported to {@link IFleetProgressListener.onSiteDone}. */
export interface FleetProgress {
  /** The site just finished. */
  readonly site: string;
  /** True when the site was written; false when it failed. */
  readonly succeeded: boolean;
  /** Sites finished so far (written or failed), this one included. */
  readonly done: number;
  /** Sites in the fleet. */
  readonly total: number;
  /** Sites failed so far. */
  readonly failed: number;
  /** Milliseconds since the fleet synthesis started. */
  readonly elapsedMs: number;
}

/** Receives progress events while a fleet is synthesized. */
export interface IFleetProgressListener {
  /** Called once per site, after it was written or failed. */
  onSiteDone(progress: FleetProgress): void;
}

/** Options shared by {@link Fleet.synth} and {@link Fleet.synthParallel}. */
export interface FleetOutputOptions {
  /**
   * Output folder: each site goes to `<outdir>/<site>/`, the index to `<outdir>/index.json`. The fleet owns this
   * folder: it must be new, empty, or written by a fleet before (it holds the marker `.fleet-owner`); `/`, the home
   * folder, the current folder and their ancestors are refused unless fleet-owned. Entries the fleet did not create
   * are never touched, and a site whose name matches one is refused.
   * @default - `$CDK8S_OUTDIR` when set (as `cdk8s synth` does), else `dist`
   */
  readonly outdir?: string;
  /**
   * Stop at the first failing site instead of collecting every failure.
   * @default false
   */
  readonly failFast?: boolean;
  /**
   * Check every site's objects with `SecurityBaseline.check` (annotated exceptions honoured) and fail the sites that
   * break it.
   * @default true
   */
  readonly securityBaseline?: boolean;
  /**
   * Exceptions to the security baseline granted for every site, on top of those annotated on the objects.
   * @default - only annotated exceptions
   */
  readonly securityExceptions?: SecurityException[];
  /**
   * Throw after writing the index when any site failed (the message lists the failed sites). When false, the
   * failures are only returned in the result and the index.
   * @default true
   */
  readonly throwOnFailure?: boolean;
  /**
   * Delete the folders of sites that the fleet created in an earlier run (recorded in `<outdir>/.fleet-owner`) but no
   * longer contains. Folders the fleet did not create are never deleted. A site that fails keeps its previous output
   * either way.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * The most site folders one run may prune. A run that would prune more throws before writing anything, naming the
   * sites (a broken inventory should not delete half the fleet). Set it to the number of sites you really removed.
   * @default - the larger of 10 and a quarter of the site folders the fleet owned before the run
   */
  readonly maxPrune?: number;
  /**
   * Allow `siteNames()` to return no sites. An empty fleet prunes every site folder (subject to `maxPrune`), so by
   * default it is refused as a broken or empty inventory.
   * @default false
   */
  readonly allowEmpty?: boolean;
  /**
   * Show a progress line on stderr.
   * @default - only when stderr is a terminal
   */
  readonly progress?: boolean;
  /**
   * Called after every site.
   * @default - no listener
   */
  readonly onProgress?: IFleetProgressListener;
}

/** Options for {@link Fleet.synth}. */
export interface FleetSynthOptions extends FleetOutputOptions {
  /**
   * Extra checks run on every site's manifests after the construct validations and the security baseline.
   * @default - none
   */
  readonly validators?: IFleetValidator[];
}

/** Options for {@link Fleet.synthParallel}. */
export interface FleetParallelOptions extends FleetOutputOptions {
  /**
   * Path of the module that defines the site factory (absolute, or relative to the current directory). Every worker
   * thread loads it, because constructs cannot move between threads. A `.ts` module is loaded through `ts-node`
   * (transpile only) unless `register` says otherwise.
   */
  readonly factoryModule: string;
  /**
   * The export of `factoryModule` that yields the factory: an `ISiteFactory` object, a class (constructed with
   * `factoryArgs`), or a function (called with `factoryArgs`) returning one.
   * @default 'default'
   */
  readonly factoryExport?: string;
  /**
   * Arguments (JSON-like values: they are copied into every worker) passed to the factory class or function.
   * @default - none
   */
  readonly factoryArgs?: any[];
  /**
   * Exports of `factoryModule` that yield extra validators (an `IFleetValidator` object, a class or a function, like
   * `factoryExport`, without arguments).
   * @default - none
   */
  readonly validatorExports?: string[];
  /**
   * Worker threads.
   * @default - the number of CPUs available to the process
   */
  readonly workers?: number;
  /**
   * Modules every worker requires before loading `factoryModule` (like `node -r`), resolved from the current
   * directory.
   * @default - `ts-node/register/transpile-only` when the factory module or this library is TypeScript source, else none
   */
  readonly register?: string[];
  /**
   * Time one site may take in a worker (build, validate, write). A site that takes longer fails with stage `worker`
   * and its worker is replaced, so one hanging site does not hang the run.
   * @default - no limit
   */
  readonly siteTimeout?: Duration;
  /**
   * Heap limit of every worker thread, in MiB (V8's old generation). A site that needs more fails with stage `worker`
   * naming it, and its worker is replaced.
   * @default - a quarter of the machine's memory divided by the workers, between 256 and 4096
   */
  readonly workerMemoryMb?: number;
}

/** Why a site failed. */
export enum FleetFailureStage {
  /** `buildSite` threw (for example a construct rejected its props), or built no chart. */
  BUILD = 'build',
  /** cdk8s construct validations, dependency resolution, or a fleet rule (duplicate objects, file names) failed. */
  VALIDATE = 'validate',
  /** `SecurityBaseline.check` found violations. */
  SECURITY = 'security',
  /** A validator from `validators` reported problems. */
  CUSTOM_VALIDATOR = 'custom-validator',
  /** Writing the site's files failed. */
  WRITE = 'write',
  /**
   * The worker thread building the site ({@link Fleet.synthParallel}) died: it ran out of memory, exited (for example
   * `process.exit`), crashed, or exceeded `siteTimeout`.
   */
  WORKER = 'worker',
}

/** A site that could not be synthesized. */
export interface FleetFailure {
  /** The site's name. */
  readonly site: string;
  /** Where it failed. */
  readonly stage: FleetFailureStage;
  /** What went wrong (construct paths, props, rules and fixes as the constructs reported them). */
  readonly message: string;
  /**
   * True when `<outdir>/<site>/` still holds the output of an earlier run: a failing site is never deleted, so a
   * GitOps tool keeps deploying its last good state.
   */
  readonly previousOutputKept: boolean;
}

/** One file written for a site. */
export interface FleetFile {
  /** Path relative to the output folder, with `/` separators, e.g. `site-a/site-a.k8s.yaml`. */
  readonly path: string;
  /** Kubernetes objects in the file (0 for files that are not manifests, such as a report). */
  readonly objects: number;
  /** Size in bytes. */
  readonly bytes: number;
  /** True for `*.k8s.yaml` manifests, false for extra files ({@link FleetSiteFile}). */
  readonly manifest: boolean;
}

/** A site written by the fleet. */
export interface FleetSiteResult {
  /** The site's name. */
  readonly site: string;
  /** The site's folder, relative to the output folder (the site's name). */
  readonly directory: string;
  /** The files written, manifests first (in chart order), then extra files by name. */
  readonly files: FleetFile[];
  /** Kubernetes objects in the site's manifests. */
  readonly objects: number;
  /** Bytes written for the site. */
  readonly bytes: number;
  /**
   * Warnings the site's constructs recorded (legal but risky input, see `Warnings`). During a fleet run they are not
   * printed per site; a summary goes to stderr at the end.
   */
  readonly warnings: string[];
}

/** The outcome of a fleet synthesis; `<outdir>/index.json` holds the same, minus the run-specific fields. */
export interface FleetResult {
  /** The output folder (absolute). */
  readonly outdir: string;
  /** The index file written (absolute). */
  readonly indexFile: string;
  /** Sites written, in the order of `siteNames()`. */
  readonly sites: FleetSiteResult[];
  /** Sites that failed, in the order of `siteNames()`. */
  readonly failures: FleetFailure[];
  /**
   * Site folders the fleet owns and kept that are neither written nor failed in this run, sorted: sites `failFast`
   * did not attempt, and sites that left the fleet when `prune` is false or the run ended early. With `sites` and the
   * failures whose output was kept, the index lists every site folder the fleet owns.
   */
  readonly retained: string[];
  /** Sites in the fleet. */
  readonly totalSites: number;
  /** Sites neither written nor failed because `failFast` stopped the run. */
  readonly notAttempted: number;
  /** True when every site was attempted (always, unless `failFast` stopped the run). */
  readonly complete: boolean;
  /** Kubernetes objects written, all sites together. */
  readonly objects: number;
  /** Bytes written, all sites together (the index not included). */
  readonly bytes: number;
  /** Folders of sites no longer in the fleet that were deleted (see `prune`). Not part of the index. */
  readonly pruned: string[];
  /** Worker threads used (0 for `Fleet.synth`). Not part of the index. */
  readonly workers: number;
  /** Wall time in milliseconds. Not part of the index. */
  readonly durationMs: number;
}
