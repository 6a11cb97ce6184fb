import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { checkedSiteNames, FleetRun, SiteOutcome, SiteSynthesizer, withSiteWarningsSilenced } from './engine';
import { FleetParallelOptions, FleetResult, FleetSynthOptions, ISiteFactory } from './types';

/** Messages from a worker thread (see worker.ts). */
type WorkerMessage =
  | { type: 'names'; names: unknown }
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
    withSiteWarningsSilenced(() => {
      for (const site of names) {
        if (!run.record(site, synthesizer.synthSite(factory, site))) break;
      }
    });
    return run.finish(0);
  }

  /**
   * Synthesize the fleet across worker threads. Constructs cannot cross threads, so every worker loads the factory
   * from `factoryModule` and builds the sites the main thread hands it (in small batches, so the load stays even).
   * The output and the index are the same as {@link Fleet.synth}'s.
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
    const factoryModule = path.resolve(options.factoryModule);
    const entry = path.join(__dirname, `worker${path.extname(__filename)}`);
    const register = (options.register ?? (/\.[cm]?ts$/.test(factoryModule) || entry.endsWith('.ts') ? ['ts-node/register/transpile-only'] : []))
      .map((m) => Fleet.resolveRegister(m));
    const outdir = FleetRun.outdirOf(options);
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

    const workers: Worker[] = [];
    const stopAll = async () => {
      await Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
    };
    try {
      return await new Promise<FleetResult>((resolve, reject) => {
        let settled = false;
        let names: string[] | undefined;
        let run: FleetRun | undefined;
        const namesFrom: Array<string[] | undefined> = [];
        let next = 0;
        let stop = false;
        let finished = false;
        const busy = new Set<number>();
        const done = (error?: unknown, result?: FleetResult) => {
          if (settled) return;
          settled = true;
          if (error !== undefined) reject(error); else resolve(result!);
        };
        const batchSize = () => Math.max(1, Math.min(32, Math.floor((names!.length - next) / (workers.length * 4))));
        const dispatch = (i: number) => {
          if (!stop && next < names!.length) {
            const sites = names!.slice(next, next + batchSize());
            next += sites.length;
            busy.add(i);
            workers[i].postMessage({ type: 'batch', sites });
          } else {
            busy.delete(i);
            if (busy.size === 0 && !finished) {
              finished = true;
              try {
                done(undefined, run!.finish(workers.length));
              } catch (e) {
                done(e);
              }
            }
          }
        };
        const start = () => {
          const first = namesFrom[0] as unknown;
          try {
            names = checkedSiteNames(first, `${options.factoryModule}#${workerData.factoryExport}`);
            const key = JSON.stringify(names);
            namesFrom.forEach((n, i) => {
              if (JSON.stringify(n) !== key) {
                throw new Error(`Fleet: worker ${i} got different site names from ${options.factoryModule}#${workerData.factoryExport} than worker 0 (${Array.isArray(n) ? n.length : 'none'} vs ${names!.length}); siteNames() must be deterministic`);
              }
            });
            run = new FleetRun(outdir, names, options, started, FleetRun.userSilencedWarnings());
          } catch (e) {
            done(e);
            return;
          }
          workers.forEach((_, i) => dispatch(i));
        };
        for (let i = 0; i < workerCount; i++) {
          const worker = new Worker(bootstrap, { eval: true, workerData });
          workers.push(worker);
          worker.on('message', (msg: WorkerMessage) => {
            if (settled) return;
            switch (msg.type) {
              case 'names':
                namesFrom[i] = msg.names as string[];
                if (namesFrom.filter((n) => n !== undefined).length === workerCount) start();
                break;
              case 'site':
                try {
                  if (!run!.record(msg.site, msg.outcome)) stop = true;
                } catch (e) {
                  done(e);
                }
                break;
              case 'idle':
                dispatch(i);
                break;
              case 'fatal':
                done(new Error(`Fleet: worker ${i} failed: ${msg.message}`));
                break;
            }
          });
          worker.on('error', (e) => done(new Error(`Fleet: worker ${i} crashed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)));
          worker.on('exit', (code) => {
            if (!settled) done(new Error(`Fleet: worker ${i} exited with code ${code} before the fleet was done`));
          });
        }
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
