// Internal machinery of Fleet (not exported from the package): per-site synthesis, output folder handling, the index
// and progress. Shared by the main thread (Fleet.synth) and the worker threads (Fleet.synthParallel).
import * as fs from 'fs';
import * as path from 'path';
import { threadId } from 'worker_threads';
import { App, Chart, Names, Yaml } from 'cdk8s';
import {
  FleetLock, INDEX_FILE, INDEX_VERSION, OutdirState, RETIRED_PREFIX, STAGING_PREFIX, takeOutdir, writeFileAtomic, writeOwner,
} from './outdir';
import { FleetSiteFile } from './site-file';
import {
  FleetFailure, FleetFailureStage, FleetFile, FleetOutputOptions, FleetResult, FleetSiteResult, IFleetValidator,
  ISiteFactory,
} from './types';
import { KubeNames, SecurityBaseline, SecurityException, Warnings } from '../../core';

export { INDEX_FILE, INDEX_VERSION };
/** Default of `maxPrune`: the larger of this count and a quarter of the site folders owned before the run. */
const DEFAULT_MAX_PRUNE_COUNT = 10;
const DEFAULT_MAX_PRUNE_FRACTION = 0.25;

const MANIFEST_EXTENSION = '.k8s.yaml';
const MAX_FAILURES_IN_ERROR = 20;
const MAX_WARNINGS_IN_SUMMARY = 10;
const SILENCE_WARNINGS = 'EDGE_STORAGE_SILENCE_WARNINGS';

/**
 * Runs `fn` with the per-construct printing of warnings turned off (a fleet prints one summary instead of the same
 * warning for every site); restores the environment afterwards.
 */
export function withSiteWarningsSilenced(fn: () => void): void {
  const saved = process.env[SILENCE_WARNINGS];
  process.env[SILENCE_WARNINGS] = '1';
  try {
    fn();
  } finally {
    if (saved === undefined) delete process.env[SILENCE_WARNINGS]; else process.env[SILENCE_WARNINGS] = saved;
  }
}

/** What synthesizing one site produced. */
export type SiteOutcome = { ok: true; result: FleetSiteResult } | { ok: false; failure: FleetFailure };

/** Per-site checks, beyond the construct validations cdk8s runs. */
export interface SiteChecks {
  readonly securityBaseline: boolean;
  readonly securityExceptions: SecurityException[];
  readonly validators: IFleetValidator[];
}

/** The site names of a factory, checked: DNS-1123 labels, unique. Throws listing every bad name. */
export function checkedSiteNames(names: unknown, source: string): string[] {
  if (!Array.isArray(names)) {
    throw new Error(`Fleet: ${source}.siteNames() returned ${JSON.stringify(names)}: must return an array of site names; return e.g. ["store-0001", "store-0002"]`);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || !KubeNames.isDns1123Label(name)) {
      const text = typeof name === 'string' ? name : String(name);
      problems.push(`siteName = ${JSON.stringify(name)}: must be a DNS-1123 label (1–63 characters, lowercase letters, digits and '-', starting and ending with a letter or digit) because it names the site's output folder; use e.g. "${KubeNames.suggest(text)}"`);
    } else if (seen.has(name)) {
      problems.push(`siteName = "${name}": appears more than once; site names must be unique (each names one output folder)`);
    }
    if (typeof name === 'string') seen.add(name);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_FAILURES_IN_ERROR);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
    throw new Error(`Fleet: ${source}.siteNames() has ${problems.length} bad site name(s); nothing was written:\n  ${shown.join('\n  ')}${more}`);
  }
  return names as string[];
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Builds, validates and writes one site at a time. Nothing of a finished site is kept but its index entry.
 */
export class SiteSynthesizer {
  constructor(private readonly outdir: string, private readonly checks: SiteChecks) {}

  public synthSite(factory: ISiteFactory, site: string): SiteOutcome {
    const finalDir = path.join(this.outdir, site);
    const fail = (stage: FleetFailureStage, message: string): SiteOutcome => ({
      ok: false,
      failure: { site, stage, message, previousOutputKept: fs.existsSync(finalDir) },
    });

    // 1. Build: a fresh App holding only this site.
    const app = new App({ outdir: finalDir, recordConstructMetadata: false });
    try {
      factory.buildSite(app, site);
    } catch (e) {
      return fail(FleetFailureStage.BUILD, messageOf(e));
    }
    let charts = app.charts;
    if (charts.length === 0) {
      return fail(FleetFailureStage.BUILD, 'buildSite built no chart: add at least one cdk8s Chart to the app (an empty site folder would make a GitOps tool delete the site\'s objects)');
    }

    // 2. Synthesize exactly as App.synth() does for FILE_PER_CHART: the first toJson() resolves the dependencies and
    //    runs every construct validation of the app; then charts are ordered topologically and, when any chart
    //    depends on another, named with an index prefix.
    const docsByChart = new Map<Chart, any[]>();
    try {
      docsByChart.set(charts[0], charts[0].toJson());
      charts = app.charts;
      for (const chart of charts) {
        if (!docsByChart.has(chart)) docsByChart.set(chart, chart.toJson());
      }
    } catch (e) {
      return fail(FleetFailureStage.VALIDATE, messageOf(e));
    }
    const indexed = charts.some((c) => c.node.dependencies.some((d) => d !== c && Chart.isChart(d)));

    const files: Array<{ name: string; text: string; objects: number; manifest: boolean }> = [];
    const all: any[] = [];
    const problems: string[] = [];
    const identities = new Map<string, string>();
    charts.forEach((chart, i) => {
      const name = `${indexed ? `${String(i).padStart(4, '0')}-` : ''}${Names.toDnsLabel(chart)}${MANIFEST_EXTENSION}`;
      const docs = docsByChart.get(chart)!;
      if (files.some((f) => f.name === name)) {
        problems.push(`chart "${chart.node.path}" would be written to "${name}", which another chart already uses; give the charts distinct ids`);
      }
      for (const doc of docs) {
        const group = String(doc?.apiVersion ?? '').includes('/') ? String(doc.apiVersion).split('/')[0] : '';
        const key = `${doc?.kind}${group ? `.${group}` : ''} "${doc?.metadata?.namespace ? `${doc.metadata.namespace}/` : ''}${doc?.metadata?.name}"`;
        const first = identities.get(key);
        if (first !== undefined) {
          problems.push(`object ${key} is emitted twice (in ${first} and ${name}); a cluster holds it once, so one definition would silently overwrite the other; rename or remove one`);
        } else {
          identities.set(key, name);
        }
      }
      all.push(...docs);
      files.push({ name, text: Yaml.stringify(...docs), objects: docs.length, manifest: true });
    });
    if (all.length === 0) {
      problems.push('the site produced no Kubernetes objects (an empty site folder would make a GitOps tool delete the site\'s objects); add objects to its charts');
    }
    const extra = FleetSiteFile.findAll(app).sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
    for (const f of extra) {
      if (files.some((x) => x.name === f.fileName)) {
        problems.push(`FleetSiteFile "${f.node.path}": fileName = "${f.fileName}": another file of the site already uses this name; choose a distinct name`);
      } else {
        files.push({ name: f.fileName, text: f.content, objects: 0, manifest: false });
      }
    }
    if (problems.length > 0) return fail(FleetFailureStage.VALIDATE, problems.join('\n'));

    // 3. The library's security baseline and any extra validators.
    if (this.checks.securityBaseline) {
      const findings = SecurityBaseline.check(all, { exceptions: this.checks.securityExceptions });
      if (findings.length > 0) {
        return fail(FleetFailureStage.SECURITY, findings.map((f) => `SecurityBaseline: ${f.message}`).join('\n'));
      }
    }
    for (const validator of this.checks.validators) {
      let found: string[];
      try {
        found = validator.validate(site, all);
      } catch (e) {
        found = [`validator threw: ${messageOf(e)}`];
      }
      if (found.length > 0) return fail(FleetFailureStage.CUSTOM_VALIDATOR, found.join('\n'));
    }

    // 4. Write: stage the folder, then swap it in, so a site's folder is never half old, half new.
    const staging = path.join(this.outdir, `${STAGING_PREFIX}${site}-${process.pid}-${threadId}`);
    const entries: FleetFile[] = [];
    let bytes = 0;
    let retired: string | undefined;
    try {
      fs.rmSync(staging, { recursive: true, force: true });
      fs.mkdirSync(staging);
      for (const f of files) {
        fs.writeFileSync(path.join(staging, f.name), f.text, { encoding: 'utf8' });
        const size = Buffer.byteLength(f.text, 'utf8');
        bytes += size;
        entries.push({ path: `${site}/${f.name}`, objects: f.objects, bytes: size, manifest: f.manifest });
      }
      if (fs.existsSync(finalDir)) {
        retired = path.join(this.outdir, `${RETIRED_PREFIX}${site}-${process.pid}-${threadId}`);
        fs.rmSync(retired, { recursive: true, force: true });
        fs.renameSync(finalDir, retired);
      }
      fs.renameSync(staging, finalDir);
    } catch (e) {
      fs.rmSync(staging, { recursive: true, force: true });
      // Put the previous output back if it was moved aside.
      if (retired && !fs.existsSync(finalDir) && fs.existsSync(retired)) fs.renameSync(retired, finalDir);
      return fail(FleetFailureStage.WRITE, messageOf(e));
    }
    // The site is written; a retired folder that cannot be removed now is removed by the next run.
    if (retired) {
      try {
        fs.rmSync(retired, { recursive: true, force: true });
      } catch {
        // left for the leftover cleanup at the start of the next run
      }
    }
    return { ok: true, result: { site, directory: site, files: entries, objects: all.length, bytes, warnings: Warnings.collect(app) } };
  }
}

/**
 * After the worker thread `threadId` died while writing `site`: puts the site's previous output back if the worker
 * was killed between the two renames of the swap, and removes its staging and retired folders. Returns true when the
 * site's folder (its previous output) exists.
 */
export function recoverSite(outdir: string, site: string, workerThreadId: number): boolean {
  const finalDir = path.join(outdir, site);
  const retired = path.join(outdir, `${RETIRED_PREFIX}${site}-${process.pid}-${workerThreadId}`);
  if (!fs.existsSync(finalDir) && fs.existsSync(retired)) fs.renameSync(retired, finalDir);
  fs.rmSync(retired, { recursive: true, force: true });
  fs.rmSync(path.join(outdir, `${STAGING_PREFIX}${site}-${process.pid}-${workerThreadId}`), { recursive: true, force: true });
  return fs.existsSync(finalDir);
}

/** Resolved options of a run. */
interface RunOptions {
  readonly failFast: boolean;
  readonly throwOnFailure: boolean;
  readonly prune: boolean;
  readonly progress: boolean;
}

/**
 * The output folder of a fleet run: ownership, lock, recovery, outcomes, pruning, the index, progress and the final
 * verdict. Opening it takes the lock; `finish` always writes the index and releases the lock.
 */
export class FleetRun {
  /** True when the user silenced warnings (`EDGE_STORAGE_SILENCE_WARNINGS=1`). */
  public static userSilencedWarnings(): boolean {
    return process.env[SILENCE_WARNINGS] === '1';
  }

  /** The absolute output folder for `options`. */
  public static outdirOf(options: FleetOutputOptions): string {
    return path.resolve(options.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist');
  }

  /** The error thrown when sites failed: every failed site (up to 20) with its stage and message. */
  private static failureMessage(result: FleetResult): string {
    const shown = result.failures.slice(0, MAX_FAILURES_IN_ERROR).map((f) => `${f.site} [${f.stage}]${f.previousOutputKept ? ' (previous output kept)' : ''}: ${f.message.split('\n').join('\n      ')}`);
    const more = result.failures.length > shown.length ? `\n  … and ${result.failures.length - shown.length} more (see ${result.indexFile})` : '';
    const stopped = result.notAttempted > 0 ? `; failFast stopped the run with ${result.notAttempted} site(s) not attempted` : '';
    return `Fleet: ${result.failures.length} of ${result.totalSites} site(s) failed${stopped}; ${result.sites.length} written to ${result.outdir} (index: ${result.indexFile}):\n  ${shown.join('\n  ')}${more}`;
  }

  /** Up to 20 names, then the count of the rest. */
  private static listNames(names: string[]): string {
    const shown = names.slice(0, MAX_FAILURES_IN_ERROR).join(', ');
    return names.length > MAX_FAILURES_IN_ERROR ? `${shown} … and ${names.length - MAX_FAILURES_IN_ERROR} more` : shown;
  }

  public readonly options: RunOptions;
  private readonly outcomes = new Map<string, SiteOutcome>();
  private readonly progress: ProgressLine;
  private readonly started: number;
  private failed = 0;
  private readonly warningsSilenced: boolean;
  private readonly lock: FleetLock;
  private readonly state: OutdirState;
  private readonly toPrune: string[];
  private finished = false;

  /**
   * Checks the fleet against the output folder and takes the folder (see outdir.ts); throws, with nothing written,
   * when the fleet is empty (unless allowed), the folder is not the fleet's, a site name matches an entry the fleet
   * did not create, or the run would prune more than `maxPrune` sites.
   * `warningsSilenced`: the user's own EDGE_STORAGE_SILENCE_WARNINGS setting (before the fleet turned it on).
   */
  constructor(
    public readonly outdir: string,
    private readonly names: string[],
    given: FleetOutputOptions,
    started: number,
    warningsSilenced: boolean,
    source: string = 'factory',
  ) {
    this.started = started;
    this.warningsSilenced = warningsSilenced;
    this.options = {
      failFast: given.failFast ?? false,
      throwOnFailure: given.throwOnFailure ?? true,
      prune: given.prune ?? true,
      progress: given.progress ?? process.stderr.isTTY === true,
    };
    if (names.length === 0 && given.allowEmpty !== true) {
      throw new Error(`Fleet: ${source}.siteNames() returned no sites; nothing was written: an empty fleet would prune every site folder in ${outdir} and GitOps would delete every site, which is usually a broken or empty inventory; fix the inventory, or set allowEmpty: true to really remove every site`);
    }
    const maxPrune = given.maxPrune;
    if (maxPrune !== undefined && (!Number.isInteger(maxPrune) || maxPrune < 0)) {
      throw new Error(`Fleet: maxPrune = ${maxPrune}: must be a whole number ≥ 0 (the most site folders one run may delete); use e.g. 10`);
    }
    const { lock, state } = takeOutdir(outdir);
    this.lock = lock;
    this.state = state;
    try {
      const collisions = names.filter((n) => state.foreign.has(n));
      if (collisions.length > 0) {
        throw new Error(`Fleet: outdir = "${outdir}": site name(s) ${FleetRun.listNames(collisions)} match entries the fleet did not create; nothing was written: the fleet never replaces or deletes what is not its own; rename the site(s), or move those entries out of the output folder`);
      }
      const current = new Set(names);
      this.toPrune = this.options.prune ? [...state.owned].filter((s) => !current.has(s)).sort() : [];
      const limit = maxPrune ?? Math.max(DEFAULT_MAX_PRUNE_COUNT, Math.floor(state.owned.size * DEFAULT_MAX_PRUNE_FRACTION));
      if (this.toPrune.length > limit) {
        throw new Error(`Fleet: this run would prune ${this.toPrune.length} of the ${state.owned.size} site folder(s) in ${outdir} (${FleetRun.listNames(this.toPrune)}), more than maxPrune = ${limit}${maxPrune === undefined ? ' (the default: the larger of 10 and a quarter of the sites)' : ''}; nothing was written: GitOps deletes the sites of pruned folders; if these sites really left the fleet set maxPrune: ${this.toPrune.length}, else fix siteNames() (or set prune: false)`);
      }
      // Journal first: every folder this run may create is recorded before it exists.
      writeOwner(outdir, [...state.owned, ...names]);
    } catch (e) {
      this.lock.release();
      throw e;
    }
    this.progress = new ProgressLine(names.length, this.options.progress, given.onProgress, started);
  }

  /** Record a site's outcome; returns false when the run must stop (failFast). */
  public record(site: string, outcome: SiteOutcome): boolean {
    this.outcomes.set(site, outcome);
    if (!outcome.ok) this.failed++;
    this.progress.site(site, outcome.ok, this.outcomes.size, this.failed);
    return outcome.ok || !this.options.failFast;
  }

  /** True once `finish` ran. */
  public get isFinished(): boolean {
    return this.finished;
  }

  /**
   * Prune, write the index (always, also when `error` ends the run early), release the lock, and return the result;
   * throws `error` when given, else when sites failed and throwOnFailure.
   */
  public finish(workers: number, error?: unknown): FleetResult {
    if (this.finished) throw new Error('Fleet: internal error: the run was finished twice');
    this.finished = true;
    let result: FleetResult;
    try {
      result = this.writeIndex(workers, error === undefined);
    } finally {
      this.lock.release();
    }
    if (error !== undefined) throw error;
    if (result.failures.length > 0 && this.options.throwOnFailure) {
      throw new Error(FleetRun.failureMessage(result));
    }
    return result;
  }

  private writeIndex(workers: number, prune: boolean): FleetResult {
    this.progress.end(this.outcomes.size, this.failed);
    this.printWarnings();
    const sites: FleetSiteResult[] = [];
    const failures: FleetFailure[] = [];
    let objects = 0;
    let bytes = 0;
    for (const name of this.names) {
      const o = this.outcomes.get(name);
      if (!o) continue;
      if (o.ok) {
        sites.push(o.result);
        objects += o.result.objects;
        bytes += o.result.bytes;
      } else {
        failures.push(o.failure);
      }
    }
    const notAttempted = this.names.length - this.outcomes.size;
    const pruned: string[] = [];
    // A run that ended early (an error) prunes nothing: the next complete run does.
    if (prune) {
      for (const old of this.toPrune) {
        const dir = path.join(this.outdir, old);
        if (KubeNames.isDns1123Label(old) && fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
          fs.rmSync(dir, { recursive: true, force: true });
          pruned.push(old);
        }
      }
    }
    // Every site folder the fleet owns now: the index lists each one (written, failed with its output kept, or
    // retained), and the marker records them for the next run.
    const isDir = (s: string) => fs.lstatSync(path.join(this.outdir, s), { throwIfNoEntry: false })?.isDirectory() === true;
    const listed = new Set<string>([...sites.map((s) => s.site), ...failures.filter((f) => f.previousOutputKept).map((f) => f.site)]);
    const owned = new Set<string>([...this.names, ...this.state.owned].filter((s) => !pruned.includes(s) && isDir(s)));
    const retained = [...owned].filter((s) => !listed.has(s)).sort();
    // The folder may have been removed during the run (the sites' writes then failed); recreate it for the record.
    fs.mkdirSync(this.outdir, { recursive: true });
    writeOwner(this.outdir, owned);
    const index = {
      version: INDEX_VERSION,
      complete: notAttempted === 0,
      totals: { sites: this.names.length, written: sites.length, failed: failures.length, notAttempted, objects, bytes },
      sites,
      failures,
      retained,
    };
    writeFileAtomic(this.outdir, INDEX_FILE, `${JSON.stringify(index, undefined, 2)}\n`);
    return {
      outdir: this.outdir,
      indexFile: path.join(this.outdir, INDEX_FILE),
      sites,
      failures,
      retained,
      totalSites: this.names.length,
      notAttempted,
      complete: notAttempted === 0,
      objects,
      bytes,
      pruned,
      workers,
      durationMs: Date.now() - this.started,
    };
  }

  /** One summary of the sites' warnings on stderr, grouped by text with the site name abstracted (unless silenced). */
  private printWarnings(): void {
    if (this.warningsSilenced) return;
    const groups = new Map<string, number>();
    let total = 0;
    let sites = 0;
    for (const o of this.outcomes.values()) {
      if (!o.ok || o.result.warnings.length === 0) continue;
      sites++;
      for (const w of o.result.warnings) {
        total++;
        const key = w.split(o.result.site).join('<site>');
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
    }
    if (total === 0) return;
    const lines = [...groups.entries()].slice(0, MAX_WARNINGS_IN_SUMMARY).map(([text, n]) => `  ${text} (${n} site${n === 1 ? '' : 's'})`);
    const more = groups.size > lines.length ? `\n  … and ${groups.size - lines.length} more distinct warning(s)` : '';
    process.stderr.write(`fleet: ${total} warning(s) on ${sites} site(s); each site's warnings are listed in ${path.join(this.outdir, INDEX_FILE)}:\n${lines.join('\n')}${more}\n`);
  }
}

/** The progress line on stderr (TTY only by default) and the progress listener. */
class ProgressLine {
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly enabled: boolean,
    private readonly listener: FleetOutputOptions['onProgress'],
    private readonly started: number,
  ) {}

  public site(site: string, succeeded: boolean, done: number, failed: number): void {
    const now = Date.now();
    this.listener?.onSiteDone({ site, succeeded, done, total: this.total, failed, elapsedMs: now - this.started });
    if (this.enabled && now - this.lastDraw >= 100) {
      this.lastDraw = now;
      this.draw(done, failed, now, false);
    }
  }

  public end(done: number, failed: number): void {
    if (this.enabled) this.draw(done, failed, Date.now(), true);
  }

  private draw(done: number, failed: number, now: number, final: boolean): void {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = done / seconds;
    const pct = this.total > 0 ? Math.floor((100 * done) / this.total) : 100;
    const eta = !final && rate > 0 && done < this.total ? ` · ~${Math.ceil((this.total - done) / rate)} s left` : '';
    const failedText = failed > 0 ? ` · ${failed} failed` : '';
    const line = `fleet: ${done}/${this.total} sites (${pct}%) · ${rate.toFixed(0)} sites/s${failedText}${eta}${final ? ` · ${seconds.toFixed(1)} s` : ''}`;
    process.stderr.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
  }
}
