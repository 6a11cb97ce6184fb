/**
 * One benchmark measurement, run in its own process by bench/run.ts so that peak RSS belongs to that measurement
 * alone. Usage: node measure.js <mode> <sites> <outdir> [workers]
 *
 * Modes:
 * - fleet:      Fleet.synth (one App per site, one thread)
 * - parallel:   Fleet.synthParallel with <workers> worker threads
 * - single-app: the baseline: all sites as charts of one plain cdk8s App, then app.synth()
 * - floor:      the same documents, built beforehand (untimed), serialized with cdk8s Yaml.save into per-site folders
 *
 * Prints one JSON line: { mode, sites, seconds, cpuSeconds, objects, maxRssMiB }. cpuSeconds is the process's user +
 * system CPU time over the measured section (worker threads included), which contention from other processes on a
 * shared machine disturbs much less than wall time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { Fleet } from '../src';
import { BenchSiteFactory } from './site-factory';

interface Timing { seconds: number; cpuSeconds: number; objects: number }

/** Wall and CPU seconds of `fn`. */
async function timed(fn: () => Promise<number> | number): Promise<Timing> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const objects = await fn();
  const cpu = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, objects };
}

async function measure(mode: string, sites: number, outdir: string, workers: number): Promise<Timing> {
  const factory = new BenchSiteFactory(sites);
  switch (mode) {
    case 'fleet':
      return timed(() => Fleet.synth(factory, { outdir, progress: false }).objects);
    case 'parallel':
      return timed(async () => (await Fleet.synthParallel({
        factoryModule: path.join(__dirname, `site-factory${path.extname(__filename)}`),
        factoryExport: 'BenchSiteFactory',
        factoryArgs: [sites],
        workers,
        outdir,
        progress: false,
      })).objects);
    case 'single-app':
      return timed(() => {
        const app = new App({ outdir });
        for (const name of factory.siteNames()) factory.buildSite(app, name);
        app.synth();
        return app.node.findAll().filter((c) => ApiObject.isApiObject(c)).length;
      });
    case 'floor': {
      const total: Timing = { seconds: 0, cpuSeconds: 0, objects: 0 };
      fs.mkdirSync(outdir, { recursive: true });
      for (const name of factory.siteNames()) {
        const app = new App({ outdir: path.join(outdir, name) });
        factory.buildSite(app, name);
        const charts: Array<[Chart, any[]]> = app.charts.map((c) => [c, c.toJson()]);
        const t = await timed(() => {
          fs.mkdirSync(app.outdir);
          for (const [chart, docs] of charts) Yaml.save(path.join(app.outdir, `${chart.node.id}.k8s.yaml`), docs);
          return charts.reduce((n, [, docs]) => n + docs.length, 0);
        });
        total.seconds += t.seconds;
        total.cpuSeconds += t.cpuSeconds;
        total.objects += t.objects;
      }
      return total;
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

const [mode, sites, outdir, workers] = process.argv.slice(2);
measure(mode, Number(sites), outdir, Number(workers ?? 2)).then((t) => {
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ mode, sites: Number(sites), ...t, maxRssMiB })}\n`);
}).catch((e) => {
  console.error(e);
  process.exit(1);
});
