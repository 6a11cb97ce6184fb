import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { checkedSiteNames, FleetRun, recoverSite, SiteOutcome, SiteSynthesizer, withSiteWarningsSilenced } from './engine';
import { FleetFailureStage, FleetParallelOptions, FleetResult, FleetSynthOptions, ISiteFactory } from './types';

/** Messages from a worker thread (see worker.ts). */
type WorkerMessage =
  | { type: 'names'; names: unknown }
  | { type: 'begin'; site: string }
  | { type: 'site'; site: string; outcome: SiteOutcome }
  | { type: 'idle' }
  | { type: 'fatal'; message: string };

/**
 * Synthesizes a fleet of sites, one output folder per site, for GitOps.
 *
 * A single cdk8s `App` holding N site charts costs O(N²): every `chart.toJson()` resolves dependencies and validates
 * the whole app again. `Fleet` builds every site in its own `App` instead, so time is linear in the number of sites
 * and memory is bounded by one site: build, validate, write, drop.
 *
 * For every site it writes `<outdir>/<site>/<chart>.k8s.yaml` (byte-identical to `app.synth()` of an App holding only
 * that site) plus the site's {@link FleetSiteFile}s (such as `REPORT.md`), and finally `<outdir>/index.json`.
 * A site is written only when it passes the cdk8s construct validations, the fleet's own rules (no object emitted
 * twice, at least one object), `SecurityBaseline` (unless turned off) and the extra validators.
 */
export class Fleet {
  /**
   * Synthesize every site of `factory` in this thread.
   * @throws when site names are invalid (nothing written), or after writing the index when a site failed (unless
   * `throwOnFailure` is false)
   */
  public static synth(factory: ISiteFactory, options: FleetSynthOptions = {}): FleetResult {
    const started = Date.now();
    const names = checkedSiteNames(factory.siteNames(), 'factory');
    const run = new FleetRun(FleetRun.outdirOf(options), names, options, started, FleetRun.userSilencedWarnings());
    const synthesizer = new SiteSynthesizer(run.outdir, {
      securityBaseline: options.securityBaseline ?? true,
      securityExceptions: options.securityExceptions ?? [],
      validators: options.validators ?? [],
    });
    try {
      withSiteWarningsSilenced(() => {
        for (const site of names) {
          if (!run.record(site, synthesizer.synthSite(factory, site))) break;
        }
      });
    } catch (e) {
      // A progress listener or the factory threw: the index still lists what was written.
      return run.finish(0, e);
    }
    return run.finish(0);
  }

  /**
   * Synthesize the fleet across worker threads. Constructs cannot cross threads, so every worker loads the factory
   * from `factoryModule` and builds the sites the main thread hands it (in small batches, so the load stays even).
   * The output and the index are the same as {@link Fleet.synth}'s. A worker that dies (out of memory, `process.exit`,
   * a crash) or exceeds `siteTimeout` fails the site it was building (stage `worker`, naming the site) and is replaced;
   * the index is written in every outcome once the run has started.
   * @throws (rejects) like {@link Fleet.synth}, and when a worker cannot load the factory or the workers disagree on
   * the site names
   */
  public static async synthParallel(options: FleetParallelOptions): Promise<FleetResult> {
    const started = Date.now();
    const workerCount = options.workers ?? Fleet.availableCpus();
    if (!Number.isInteger(workerCount) || workerCount < 1) {
      throw new Error(`Fleet: workers = ${JSON.stringify(options.workers)}: must be a whole number ≥ 1; use e.g. ${Fleet.availableCpus()} (the CPUs available)`);
    }
    if (!options.factoryModule) {
      throw new Error('Fleet: factoryModule = "": worker threads need the module that defines the site factory; pass its path, e.g. "./fleet-factory.js"');
    }
    const memoryMb = options.workerMemoryMb ?? Math.min(4096, Math.max(256, Math.floor(os.totalmem() / 2 ** 20 / 4 / workerCount)));
    if (!Number.isInteger(memoryMb) || memoryMb < 64) {
      throw new Error(`Fleet: workerMemoryMb = ${options.workerMemoryMb}: must be a whole number of MiB ≥ 64 (the heap of one worker thread); use e.g. 1024`);
    }
    const timeoutMs = options.siteTimeout?.toMilliseconds();
    if (timeoutMs !== undefined && !(timeoutMs > 0)) {
      throw new Error(`Fleet: siteTimeout = ${options.siteTimeout!.toHumanString()}: must be longer than 0; use e.g. Duration.minutes(2), or leave it unset for no limit`);
    }
    const factoryModule = path.resolve(options.factoryModule);
    const entry = path.join(__dirname, `worker${path.extname(__filename)}`);
    const register = (options.register ?? (/\.[cm]?ts$/.test(factoryModule) || entry.endsWith('.ts') ? ['ts-node/register/transpile-only'] : []))
      .map((m) => Fleet.resolveRegister(m));
    const outdir = FleetRun.outdirOf(options);
    const source = `${options.factoryModule}#${options.factoryExport ?? 'default'}`;
    const workerData = {
      fleetWorker: true,
      entry,
      register,
      factoryModule,
      factoryExport: options.factoryExport ?? 'default',
      factoryArgs: options.factoryArgs ?? [],
      validatorExports: options.validatorExports ?? [],
      outdir,
      securityBaseline: options.securityBaseline ?? true,
      securityExceptions: options.securityExceptions ?? [],
      failFast: options.failFast ?? false,
    };
    const bootstrap = [
      'const { workerData } = require(\'worker_threads\');',
      'for (const m of workerData.register) require(m);',
      'require(workerData.entry);',
    ].join('\n');

    interface Slot {
      worker: Worker;
      threadId: number;
      /** The worker reported its site names (it loaded the factory). */
      ready: boolean;
      /** Sites handed to the worker and not reported yet. */
      inflight: string[];
      /** The site the worker said it is building. */
      current?: string;
      timer?: NodeJS.Timeout;
      /** Why the worker is dying (an error event, or the timeout), reported when it exits. */
      reason?: string;
      /** The site that exceeded siteTimeout. */
      timedOut?: string;
      exited: boolean;
    }
    const slots: Slot[] = [];
    const stopAll = async () => {
      await Promise.all(slots.map((s) => (s.exited ? undefined : s.worker.terminate().catch(() => undefined))));
    };
    try {
      return await new Promise<FleetResult>((resolve, reject) => {
        let settled = false;
        let names: string[] | undefined;
        let run: FleetRun | undefined;
        const namesFrom = new Map<number, unknown>();
        const queue: string[] = [];
        let stop = false;
        const settle = (error?: unknown, result?: FleetResult) => {
          if (settled) return;
          settled = true;
          slots.forEach((s) => clearTimeout(s.timer));
          if (error !== undefined) reject(error); else resolve(result!);
        };
        /** Ends a started run: the index is written in every outcome. */
        const end = (error?: unknown) => {
          if (settled) return;
          if (!run) {
            settle(error);
            return;
          }
          stop = true;
          try {
            settle(undefined, run.finish(slots.length, error));
          } catch (e) {
            settle(e);
          }
        };
        const record = (site: string, outcome: SiteOutcome) => {
          try {
            if (!run!.record(site, outcome)) stop = true;
          } catch (e) {
            end(e);
          }
        };
        const maybeFinish = () => {
          if (settled || !run) return;
          const working = slots.some((s) => !s.exited && s.inflight.length > 0);
          if (!working && (stop || queue.length === 0)) end();
        };
        const dispatch = (i: number) => {
          const slot = slots[i];
          if (!stop && queue.length > 0) {
            const size = Math.max(1, Math.min(32, Math.floor(queue.length / (slots.length * 4))));
            slot.inflight = queue.splice(0, size);
            slot.worker.postMessage({ type: 'batch', sites: slot.inflight });
          } else {
            slot.inflight = [];
            maybeFinish();
          }
        };
        const start = () => {
          try {
            names = checkedSiteNames(namesFrom.get(0), source);
            const key = JSON.stringify(names);
            for (const [i, n] of [...namesFrom.entries()].sort((a, b) => a[0] - b[0])) {
              if (JSON.stringify(n) !== key) {
                throw new Error(`Fleet: worker ${i} got different site names from ${source} than worker 0 (${Array.isArray(n) ? n.length : 'none'} vs ${names.length}); siteNames() must be deterministic`);
              }
            }
            run = new FleetRun(outdir, names, options, started, FleetRun.userSilencedWarnings(), source);
          } catch (e) {
            settle(e);
            return;
          }
          queue.push(...names);
          slots.forEach((_, i) => dispatch(i));
          maybeFinish();
        };
        const died = (i: number, code: number) => {
          const slot = slots[i];
          slot.exited = true;
          clearTimeout(slot.timer);
          if (settled) return;
          const why = slot.reason ?? `exited with code ${code} (process.exit or an uncaught error)`;
          if (!run) {
            settle(new Error(`Fleet: worker ${i} ${why} before it reported the site names of ${source}`));
            return;
          }
          // The site to blame: the one that timed out (if it is still unfinished), else the one being built.
          const site = slot.timedOut !== undefined
            ? (slot.inflight.includes(slot.timedOut) ? slot.timedOut : undefined)
            : slot.current !== undefined && slot.inflight.includes(slot.current) ? slot.current : slot.inflight[0];
          const kept = new Map<string, boolean>();
          try {
            // The worker may have died in the middle of any unfinished site's swap: put back what it moved aside.
            for (const s of slot.inflight) kept.set(s, recoverSite(outdir, s, slot.threadId));
          } catch (e) {
            end(e);
            return;
          }
          queue.unshift(...slot.inflight.filter((s) => s !== site));
          slot.inflight = [];
          if (site !== undefined) {
            record(site, {
              ok: false,
              failure: {
                site,
                stage: FleetFailureStage.WORKER,
                message: `the worker thread building site "${site}" ${why}; the site was not written; fix the site's factory or input${slot.reason?.includes('siteTimeout') ? ', or raise siteTimeout' : slot.reason?.includes('memory') ? ', or raise workerMemoryMb' : ''}`,
                previousOutputKept: kept.get(site) ?? false,
              },
            });
            if (settled) return;
          }
          if (!stop && queue.length > 0) spawn(i); else maybeFinish();
        };
        const spawn = (i: number) => {
          const worker = new Worker(bootstrap, { eval: true, workerData, resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
          const slot: Slot = { worker, threadId: worker.threadId, ready: false, inflight: [], exited: false };
          slots[i] = slot;
          worker.on('message', (msg: WorkerMessage) => {
            if (settled) return;
            switch (msg.type) {
              case 'names':
                slot.ready = true;
                if (!run) {
                  namesFrom.set(i, msg.names);
                  if (namesFrom.size === workerCount) start();
                } else if (JSON.stringify(msg.names) !== JSON.stringify(names)) {
                  end(new Error(`Fleet: a replacement for worker ${i} got different site names from ${source}; siteNames() must be deterministic`));
                } else {
                  dispatch(i);
                }
                break;
              case 'begin':
                slot.current = msg.site;
                clearTimeout(slot.timer);
                if (timeoutMs !== undefined) {
                  slot.timer = setTimeout(() => {
                    slot.timedOut = msg.site;
                    slot.reason = `did not finish within siteTimeout = ${options.siteTimeout!.toHumanString()}`;
                    void worker.terminate();
                  }, timeoutMs);
                }
                break;
              case 'site':
                clearTimeout(slot.timer);
                slot.current = undefined;
                slot.inflight = slot.inflight.filter((s) => s !== msg.site);
                record(msg.site, msg.outcome);
                break;
              case 'idle':
                dispatch(i);
                break;
              case 'fatal':
                end(new Error(`Fleet: worker ${i} failed: ${msg.message}`));
                break;
            }
          });
          worker.on('error', (e: any) => {
            slot.reason ??= e?.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? `ran out of memory (workerMemoryMb = ${memoryMb})`
              : `crashed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
          });
          worker.on('exit', (code) => died(i, code));
        };
        for (let i = 0; i < workerCount; i++) spawn(i);
      });
    } finally {
      await stopAll();
    }
  }

  private static availableCpus(): number {
    const fn = (os as any).availableParallelism;
    return typeof fn === 'function' ? fn() : Math.max(1, os.cpus().length);
  }

  private static resolveRegister(moduleName: string): string {
    try {
      return require.resolve(moduleName, { paths: [process.cwd(), __dirname] });
    } catch {
      throw new Error(`Fleet: register = "${moduleName}": cannot be resolved from ${process.cwd()}; install it (the default, ts-node, is needed to load a TypeScript factory module) or compile the factory module to JavaScript`);
    }
  }

  private constructor() {}
}
