// Worker-thread side of Fleet.synthParallel: loads the site factory from its module, reports the site names, then
// synthesizes the batches of sites the main thread sends, reporting each site's outcome.
import * as path from 'path';
import { isMainThread, parentPort, workerData } from 'worker_threads';
import { SiteSynthesizer } from './engine';
import { IFleetValidator, ISiteFactory } from './types';

interface FleetWorkerData {
  readonly fleetWorker: true;
  readonly factoryModule: string;
  readonly factoryExport: string;
  readonly factoryArgs: any[];
  readonly validatorExports: string[];
  readonly outdir: string;
  readonly securityBaseline: boolean;
  readonly securityExceptions: any[];
  readonly failFast: boolean;
}

/** `mod[name]` as an object with `methods`: the object itself, a class constructed with `args`, or a function's result. */
function instantiate(mod: any, name: string, args: any[], methods: string[], what: string): any {
  const exported = mod?.[name];
  const isInstance = (x: any) => x !== null && typeof x === 'object' && methods.every((m) => typeof x[m] === 'function');
  if (isInstance(exported)) return exported;
  if (typeof exported === 'function') {
    const classLike = methods.every((m) => typeof exported.prototype?.[m] === 'function');
    const value = classLike ? new exported(...args) : exported(...args);
    if (isInstance(value)) return value;
  }
  const exportsList = mod && typeof mod === 'object' ? Object.keys(mod).join(', ') : '';
  throw new Error(`export "${name}" of ${workerData.factoryModule} is not ${what} (an object with ${methods.join('() and ')}(), a class or a function returning one); the module exports: ${exportsList || 'nothing'}`);
}

function main(data: FleetWorkerData): void {
  const port = parentPort!;
  // The main thread prints one summary of all sites' warnings; do not print them per site.
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
  let factory: ISiteFactory;
  let validators: IFleetValidator[];
  let names: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.resolve(data.factoryModule));
    factory = instantiate(mod, data.factoryExport, data.factoryArgs, ['siteNames', 'buildSite'], 'an ISiteFactory');
    validators = data.validatorExports.map((v) => instantiate(mod, v, [], ['validate'], 'an IFleetValidator'));
    names = factory.siteNames();
  } catch (e) {
    port.postMessage({ type: 'fatal', message: `cannot load the site factory: ${e instanceof Error ? e.stack ?? e.message : String(e)}` });
    return;
  }
  port.postMessage({ type: 'names', names });
  const synthesizer = new SiteSynthesizer(data.outdir, {
    securityBaseline: data.securityBaseline,
    securityExceptions: data.securityExceptions,
    validators,
  });
  port.on('message', (msg: { type: string; sites: string[] }) => {
    if (msg.type !== 'batch') return;
    for (const site of msg.sites) {
      port.postMessage({ type: 'begin', site });
      const outcome = synthesizer.synthSite(factory, site);
      port.postMessage({ type: 'site', site, outcome });
      if (!outcome.ok && data.failFast) break;
    }
    port.postMessage({ type: 'idle' });
  });
}

if (!isMainThread && parentPort && workerData?.fleetWorker === true) {
  main(workerData as FleetWorkerData);
}
