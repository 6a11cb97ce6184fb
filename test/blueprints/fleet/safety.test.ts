// Fleet output safety (issue 19): the output folder is the fleet's own, nothing else in it is touched, nothing is
// lost when a run is killed, runs do not interleave, pruning never forgets a site, workers fail per site.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { TestFleetFactory, TestFleetOptions } from './factories';
import { Fleet, FleetSynthOptions } from '../../../src';
import { protectedFolderReason } from '../../../src/blueprints/fleet/outdir';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const realFs: typeof fs = require('fs');
const FACTORY_MODULE = path.join(__dirname, 'factories.ts');
const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-safety-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const quiet: FleetSynthOptions = { progress: false };
const savedSilence = process.env.EDGE_STORAGE_SILENCE_WARNINGS;
beforeAll(() => { process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1'; });
afterAll(() => {
  if (savedSilence === undefined) delete process.env.EDGE_STORAGE_SILENCE_WARNINGS; else process.env.EDGE_STORAGE_SILENCE_WARNINGS = savedSilence;
});

function sites(n: number, prefix = 'site'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
}

/** Every file under `dir` with its content, as a sorted map of relative path → text (links listed as `-> target`). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const full = path.join(d, e.name);
    const rel = path.relative(dir, full).split(path.sep).join('/');
    if (e.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(full)}`;
    else if (e.isDirectory()) walk(full);
    else out[rel] = fs.readFileSync(full, 'utf8');
  });
  walk(dir);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The files of one site folder (name → text), or undefined when the folder is missing. */
function siteFiles(outdir: string, site: string): Record<string, string> | undefined {
  const dir = path.join(outdir, site);
  return fs.existsSync(dir) ? snapshot(dir) : undefined;
}

function readIndex(outdir: string): any {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'index.json'), 'utf8'));
}

/** The site folders the index accounts for: written, failed with their output kept, retained. */
function indexedFolders(outdir: string): string[] {
  const index = readIndex(outdir);
  return [
    ...index.sites.map((s: any) => s.directory),
    ...index.failures.filter((f: any) => f.previousOutputKept).map((f: any) => f.site),
    ...(index.retained ?? []),
  ].sort();
}

/** Site folders (non-dot folders) at the root of `outdir`. */
function folders(outdir: string): string[] {
  return fs.readdirSync(outdir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

/** A seeded PRNG (Park–Miller, exact in doubles): the randomized tests pick the same cases on every run. */
function prng(seed: number): () => number {
  let x = (seed % 2147483646) + 1;
  return () => {
    x = (x * 48271) % 2147483647;
    return (x - 1) / 2147483646;
  };
}

const MUTATIONS = ['renameSync', 'rmSync', 'mkdirSync', 'writeFileSync', 'openSync', 'writeSync', 'fsyncSync', 'linkSync', 'unlinkSync', 'rmdirSync'] as const;

/**
 * Runs `fn` as a process that is killed (SIGKILL) just before its `killAt`-th file-system mutation: from that call on
 * every mutation throws, so no cleanup code (catch, finally) can change the disk any more, exactly as after a kill.
 * Returns the number of mutations `fn` made (all of them when it was not killed) and the last paths renamed.
 */
function killedAt(killAt: number, fn: () => void): { mutations: number; killed: boolean; lastRename?: [string, string]; swaps: number[] } {
  let count = 0;
  const swaps: number[] = [];
  let killed = false;
  let lastRename: [string, string] | undefined;
  const saved = new Map<string, any>();
  for (const name of MUTATIONS) {
    const original = (realFs as any)[name];
    saved.set(name, original);
    (realFs as any)[name] = (...args: any[]) => {
      count++;
      if (count >= killAt) {
        killed = true;
        throw new Error('SIMULATED SIGKILL');
      }
      if (name === 'renameSync') {
        lastRename = [String(args[0]), String(args[1])];
        // The rename that retires a site's previous output: the next mutation is the second rename of the swap.
        if (path.basename(lastRename[1]).startsWith('.fleet-retired-')) swaps.push(count + 1);
      }
      return original.apply(realFs, args);
    };
  }
  try {
    fn();
  } catch (e) {
    if (!killed) throw e;
  } finally {
    for (const [name, original] of saved) (realFs as any)[name] = original;
  }
  return { mutations: count, killed, lastRename, swaps };
}

/** What a dead lock holder looks like: its pid no longer exists (above Linux's highest pid). */
function holderDied(outdir: string): void {
  const lock = path.join(outdir, '.fleet-lock');
  if (!fs.existsSync(lock)) return;
  const holder = JSON.parse(fs.readFileSync(lock, 'utf8'));
  fs.writeFileSync(lock, JSON.stringify({ ...holder, pid: 99_999_999 }));
}

describe('1. an empty or shrunken inventory', () => {
  test('refuses an empty fleet unless allowEmpty, and caps what one run may prune, naming the sites', () => {
    const outdir = tmp();
    const all = sites(12);
    Fleet.synth(new TestFleetFactory({ sites: all }), { outdir, ...quiet });
    const before = snapshot(outdir);

    expect(() => Fleet.synth(new TestFleetFactory({ sites: [] }), { outdir, ...quiet }))
      .toThrow(/Fleet: factory.siteNames\(\) returned no sites; nothing was written: an empty fleet would prune every site folder .*set allowEmpty: true/);
    expect(snapshot(outdir)).toEqual(before);

    // Allowed, an empty fleet still may not prune more than maxPrune (default: max(10, 12 / 4)).
    expect(() => Fleet.synth(new TestFleetFactory({ sites: [] }), { outdir, ...quiet, allowEmpty: true }))
      .toThrow(/this run would prune 12 of the 12 site folder\(s\) .* \(site-01, site-02, .*site-12\), more than maxPrune = 10 \(the default.*\); nothing was written.*set maxPrune: 12/);
    expect(snapshot(outdir)).toEqual(before);
    // A broken inventory that lost most sites: refused too.
    expect(() => Fleet.synth(new TestFleetFactory({ sites: ['site-01'] }), { outdir, ...quiet }))
      .toThrow(/would prune 11 of the 12 .*more than maxPrune = 10/);
    expect(() => Fleet.synth(new TestFleetFactory({ sites: ['site-01'] }), { outdir, ...quiet, maxPrune: 3 }))
      .toThrow(/would prune 11 .*more than maxPrune = 3;/);
    expect(snapshot(outdir)).toEqual(before);

    // Overridden: the sites really left.
    const result = Fleet.synth(new TestFleetFactory({ sites: [] }), { outdir, ...quiet, allowEmpty: true, maxPrune: 12 });
    expect(result.pruned).toEqual(all);
    expect(folders(outdir)).toEqual([]);
    expect(() => Fleet.synth(new TestFleetFactory({ sites: ['site-01'] }), { outdir, ...quiet, maxPrune: -1 })).toThrow(/maxPrune = -1: must be a whole number ≥ 0/);
  });
});

describe('2. the output folder belongs to the fleet', () => {
  test('refuses a non-empty folder it did not create, leaving its files as they were', () => {
    const outdir = tmp();
    fs.mkdirSync(path.join(outdir, 'site-a'));
    fs.writeFileSync(path.join(outdir, 'site-a', 'mine.txt'), 'not the fleet\'s');
    fs.writeFileSync(path.join(outdir, 'index.json'), '{"my": "own index"}');
    const before = snapshot(outdir);
    expect(() => Fleet.synth(new TestFleetFactory({ sites: ['site-a', 'site-b'] }), { outdir, ...quiet }))
      .toThrow(/Fleet: outdir = ".*": the folder is not empty \("index.json", "site-a"\) and no fleet created it \(no .fleet-owner marker\); .*use a new folder, or empty this one/);
    expect(snapshot(outdir)).toEqual(before);
  });

  test('in its own folder, never replaces, reports as its own or prunes an entry it did not create', () => {
    const outdir = tmp();
    Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet });
    // Added by someone else later: a folder and a file named like sites.
    fs.mkdirSync(path.join(outdir, 'notes'));
    fs.writeFileSync(path.join(outdir, 'notes', 'todo.txt'), 'mine');
    fs.writeFileSync(path.join(outdir, 'site-x'), 'a file');
    const foreign = { 'notes/todo.txt': 'mine', 'site-x': 'a file' };
    const foreignNow = () => Object.fromEntries(Object.entries(snapshot(outdir)).filter(([k]) => k in foreign));

    for (const names of [['site-a', 'site-x'], ['site-a', 'notes']]) {
      // A site named like the entry, succeeding or failing: refused before anything is written.
      for (const faults of [{}, { [names[1]]: 'throw' as const }]) {
        let error: unknown;
        try {
          Fleet.synth(new TestFleetFactory({ sites: names, faults }), { outdir, ...quiet, throwOnFailure: false });
        } catch (e) {
          error = e;
        }
        expect(String(error)).toMatch(new RegExp(`outdir = ".*": site name\\(s\\) ${names[1]} match entries the fleet did not create; nothing was written`));
        expect(foreignNow()).toEqual(foreign);
      }
    }
    // Once such a site leaves the fleet, its namesake is not pruned either.
    Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet });
    expect(foreignNow()).toEqual(foreign);
    expect(folders(outdir)).toEqual(['notes', 'site-a']);
  });

  test('refuses the home folder, the current folder and their ancestors unless fleet-owned', () => {
    const home = tmp();
    const cwd = path.join(home, 'project');
    fs.mkdirSync(cwd);
    const savedHome = process.env.HOME;
    const savedCwd = process.cwd();
    process.env.HOME = home;
    process.chdir(cwd);
    try {
      const factory = new TestFleetFactory({ sites: ['site-a'] });
      expect(() => Fleet.synth(factory, { outdir: cwd, ...quiet })).toThrow(/outdir = ".*project": is the current folder; a fleet deletes the site folders it no longer needs, .*use a dedicated folder, e.g. ".*project\/fleet"/);
      expect(() => Fleet.synth(factory, { outdir: '.', ...quiet })).toThrow(/is the current folder/);
      expect(() => Fleet.synth(factory, { outdir: home, ...quiet })).toThrow(/is the home folder/);
      expect(() => Fleet.synth(factory, { outdir: path.dirname(home), ...quiet })).toThrow(/is an ancestor of the (current|home) folder/);
      expect(fs.readdirSync(home)).toEqual(['project']);
      expect(fs.readdirSync(cwd)).toEqual([]);
      // A fleet-owned folder may be the current folder (e.g. a pipeline that cd's into its output).
      Fleet.synth(factory, { outdir: 'fleet', ...quiet });
      process.chdir(path.join(cwd, 'fleet'));
      expect(Fleet.synth(factory, { outdir: '.', ...quiet }).sites).toHaveLength(1);
    } finally {
      process.chdir(savedCwd);
      if (savedHome === undefined) delete process.env.HOME; else process.env.HOME = savedHome;
    }
    expect(protectedFolderReason('/')).toBe('the file system root');
  });

  test('a folder written by an earlier version (no marker) is adopted only when it holds nothing but its index and sites', () => {
    const outdir = tmp();
    Fleet.synth(new TestFleetFactory({ sites: ['site-a', 'site-b'] }), { outdir, ...quiet });
    fs.rmSync(path.join(outdir, '.fleet-owner'));
    const result = Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet });
    expect(result.pruned).toEqual(['site-b']);
    fs.rmSync(path.join(outdir, '.fleet-owner'));
    fs.mkdirSync(path.join(outdir, 'other'));
    expect(() => Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet })).toThrow(/the folder is not empty .* no fleet created it/);
  });
});

describe('3. links', () => {
  test('a symlinked index.json or marker is never followed: the file it points to stays as it was', () => {
    const outside = tmp();
    const victim = path.join(outside, 'precious.txt');
    fs.writeFileSync(victim, 'precious');
    const outdir = tmp();
    Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet });
    for (const name of ['index.json', '.fleet-owner']) {
      const saved = fs.readFileSync(path.join(outdir, name));
      fs.rmSync(path.join(outdir, name));
      fs.symlinkSync(victim, path.join(outdir, name));
      let error: unknown;
      try {
        Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet });
      } catch (e) {
        error = e;
      }
      expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
      expect(String(error)).toMatch(new RegExp(`outdir = ".*": ${name.replace('.', '\\.')} is a symbolic link; the fleet writes .* itself and never follows links .*; remove .* and run again`));
      fs.rmSync(path.join(outdir, name));
      fs.writeFileSync(path.join(outdir, name), saved);
    }
    // The index is written through a temporary file renamed over it: no temporary file is left behind.
    Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet });
    expect(fs.readdirSync(outdir).sort()).toEqual(['.fleet-owner', 'index.json', 'site-a']);
  });
});

describe('4–6. killed runs, interleaved runs, pruning after both', () => {
  const first: TestFleetOptions = { sites: ['site-a', 'site-b', 'site-c', 'site-d'], multiChart: ['site-b'], report: true };
  const second: TestFleetOptions = { sites: ['site-a', 'site-b', 'site-c', 'site-d', 'site-e'], multiChart: ['site-c'], report: true, replicas: 3 };
  const allFail: TestFleetOptions = { sites: second.sites, faults: Object.fromEntries(second.sites!.map((s) => [s, 'throw' as const])) };
  const last: TestFleetOptions = { sites: ['site-a', 'site-b'], report: true, replicas: 4 };

  /** Each site's files after a clean run of `options` (the states a site folder may legally be in). */
  function versions(options: TestFleetOptions): Record<string, Record<string, string>> {
    const outdir = tmp();
    Fleet.synth(new TestFleetFactory(options), { outdir, ...quiet });
    return Object.fromEntries(options.sites!.map((s) => [s, siteFiles(outdir, s)!]));
  }

  test('a run killed at random file-system operations loses no site, and the next runs prune what left the fleet (seeded)', () => {
    const v1 = versions(first);
    const v2 = versions(second);
    // How many mutations a whole second run makes (the range the kill point is drawn from).
    const probe = tmp();
    Fleet.synth(new TestFleetFactory(first), { outdir: probe, ...quiet });
    const probeRun = () => Fleet.synth(new TestFleetFactory(second), { outdir: probe, ...quiet });
    const { mutations: total, swaps } = killedAt(Number.MAX_SAFE_INTEGER, probeRun);
    expect(total).toBeGreaterThan(20);
    expect(swaps).toHaveLength(first.sites!.length);

    // Kill points: every other one anywhere in the run, the others inside a swap window (between its two renames).
    const random = prng(19);
    let betweenSwapRenames = 0;
    for (let iteration = 0; iteration < 36; iteration++) {
      const killAt = iteration % 2 === 0
        ? 1 + Math.floor(random() * total)
        : swaps[Math.floor(random() * swaps.length)];
      const outdir = tmp();
      Fleet.synth(new TestFleetFactory(first), { outdir, ...quiet });
      const kill = killedAt(killAt, () => Fleet.synth(new TestFleetFactory(second), { outdir, ...quiet }));
      expect(kill.killed).toBe(true);
      if (kill.lastRename && path.basename(kill.lastRename[1]).startsWith('.fleet-retired-')) betweenSwapRenames++;
      holderDied(outdir);

      // 4. A failing run next: every site keeps a complete good version (the first run's or the killed run's).
      const failing = Fleet.synth(new TestFleetFactory(allFail), { outdir, ...quiet, throwOnFailure: false });
      const context = `kill at mutation ${killAt} of ${total}`;
      for (const site of first.sites!) {
        const files = siteFiles(outdir, site);
        const ok = [JSON.stringify(v1[site]), JSON.stringify(v2[site])].includes(JSON.stringify(files));
        expect({ context, site, ok }).toEqual({ context, site, ok: true });
      }
      expect(failing.failures.filter((f) => first.sites!.includes(f.site)).every((f) => f.previousOutputKept)).toBe(true);
      // 6. The index accounts for every site folder, including one only the killed run created (site-e).
      expect({ context, folders: indexedFolders(outdir) }).toEqual({ context, folders: folders(outdir) });

      // 6. Sites that left the fleet are pruned, also site-e, which no index ever listed as written.
      const result = Fleet.synth(new TestFleetFactory(last), { outdir, ...quiet });
      expect({ context, folders: folders(outdir) }).toEqual({ context, folders: ['site-a', 'site-b'] });
      expect(result.pruned.filter((s) => s !== 'site-e')).toEqual(['site-c', 'site-d']);
      expect(fs.readdirSync(outdir).filter((e) => e.startsWith('.') && e !== '.fleet-owner')).toEqual([]);
    }
    // Every other kill landed between the two renames of a swap.
    expect(betweenSwapRenames).toBeGreaterThanOrEqual(18);
  });

  test('a second run on the same folder, started at a random point of the first, is refused naming the holder (seeded)', () => {
    const random = prng(5);
    const a: TestFleetOptions = { sites: sites(6), report: true };
    const b: TestFleetOptions = { sites: [...sites(4), 'site-07'], replicas: 3 };
    for (let iteration = 0; iteration < 24; iteration++) {
      const outdir = tmp();
      if (iteration % 2 === 1) Fleet.synth(new TestFleetFactory(b), { outdir, ...quiet });
      const startAfter = Math.floor(random() * a.sites!.length);
      let other: unknown = 'not started';
      const result = Fleet.synth(new TestFleetFactory(a), {
        outdir,
        ...quiet,
        maxPrune: 10,
        onProgress: {
          onSiteDone: (p) => {
            if (p.done - 1 !== startAfter) return;
            try {
              other = Fleet.synth(new TestFleetFactory(b), { outdir, ...quiet, maxPrune: 10 });
            } catch (e) {
              other = e;
            }
          },
        },
      });
      expect(String(other)).toMatch(new RegExp(`Fleet: outdir = ".*": another fleet run holds the output folder \\(process ${process.pid} on ${os.hostname()} since .*; lock .*\\.fleet-lock\\); .*wait for it to finish`));
      // The output is exactly what the first run's index describes.
      expect(folders(outdir)).toEqual(a.sites);
      for (const site of result.sites) {
        for (const f of site.files) expect(fs.statSync(path.join(outdir, f.path)).size).toBe(f.bytes);
        expect(Object.keys(siteFiles(outdir, site.site)!).length).toBe(site.files.length);
      }
      expect(readIndex(outdir).sites).toEqual(JSON.parse(JSON.stringify(result.sites)));
    }
    // Once the first run is over, the lock is free.
    const outdir = tmp();
    Fleet.synth(new TestFleetFactory(a), { outdir, ...quiet });
    expect(Fleet.synth(new TestFleetFactory(b), { outdir, ...quiet }).pruned).toEqual(['site-05', 'site-06']);
  });

  test('a stale lock (its process is gone) is taken over; a live or foreign one is refused naming the holder', () => {
    const outdir = tmp();
    Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet });
    const lock = path.join(outdir, '.fleet-lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: 99_999_999, host: os.hostname(), started: '2026-01-01T00:00:00.000Z' }));
    Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet });
    expect(fs.existsSync(lock)).toBe(false);
    fs.writeFileSync(lock, JSON.stringify({ pid: 42, host: 'ci-runner-7', started: '2026-01-01T00:00:00.000Z' }));
    expect(() => Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet }))
      .toThrow(/another fleet run holds the output folder \(process 42 on ci-runner-7 since 2026-01-01T00:00:00.000Z; lock .*\); .*if no such run exists any more, delete .*\.fleet-lock/);
  });

  test('failFast keeps the sites it did not attempt in the index, so they are pruned once they leave the fleet', () => {
    const outdir = tmp();
    const five = ['site-a', 'site-b', 'site-c', 'site-d', 'site-e'];
    Fleet.synth(new TestFleetFactory({ sites: five }), { outdir, ...quiet });
    const stopped = Fleet.synth(new TestFleetFactory({ sites: five, faults: { 'site-a': 'throw' } }), { outdir, ...quiet, failFast: true, throwOnFailure: false });
    expect(stopped.notAttempted).toBe(4);
    expect(stopped.retained).toEqual(['site-b', 'site-c', 'site-d', 'site-e']);
    expect(indexedFolders(outdir)).toEqual(five);
    const after = Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet });
    expect(after.pruned).toEqual(['site-b', 'site-c', 'site-d', 'site-e']);
    expect(folders(outdir)).toEqual(['site-a']);
  });

  test('an unreadable index or marker stops the run with a clear message; nothing is pruned', () => {
    const outdir = tmp();
    Fleet.synth(new TestFleetFactory({ sites: ['site-a', 'site-b'] }), { outdir, ...quiet });
    fs.writeFileSync(path.join(outdir, 'index.json'), '{"version": 1, "sites": [');
    const before = snapshot(outdir);
    expect(() => Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet }))
      .toThrow(/outdir = ".*": the index .*index.json is unreadable \(not a version 1 fleet index\); .*restore it from version control/);
    expect(snapshot(outdir)).toEqual(before);
    fs.writeFileSync(path.join(outdir, 'index.json'), '{"version": 7, "sites": [], "failures": []}');
    expect(() => Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet })).toThrow(/index.json is unreadable/);
    fs.rmSync(path.join(outdir, 'index.json'));
    fs.writeFileSync(path.join(outdir, '.fleet-owner'), 'garbage');
    expect(() => Fleet.synth(new TestFleetFactory({ sites: ['site-a'] }), { outdir, ...quiet }))
      .toThrow(/the ownership marker .*\.fleet-owner is unreadable/);
    expect(folders(outdir)).toEqual(['site-a', 'site-b']);
  });

  test('the index is written when a progress listener throws, and the lock is released', () => {
    const outdir = tmp();
    expect(() => Fleet.synth(new TestFleetFactory({ sites: ['site-a', 'site-b'] }), {
      outdir,
      ...quiet,
      onProgress: { onSiteDone: (p) => { if (p.done === 1) throw new Error('listener broke'); } },
    })).toThrow('listener broke');
    expect(readIndex(outdir)).toMatchObject({ complete: false, totals: { sites: 2, written: 1, notAttempted: 1 } });
    expect(fs.existsSync(path.join(outdir, '.fleet-lock'))).toBe(false);
  });
});

describe('8. worker threads', () => {
  test('siteNames() returning undefined rejects instead of hanging', async () => {
    await expect(Fleet.synthParallel({ factoryModule: FACTORY_MODULE, factoryExport: 'undefinedNames', workers: 2, outdir: tmp(), progress: false }))
      .rejects.toThrow(/Fleet: .*factories.ts#undefinedNames.siteNames\(\) returned undefined: must return an array/);
  }, 120_000);

  test('a worker that exits or runs out of memory fails its site by name; the others are written and indexed', async () => {
    const outdir = tmp();
    const options: TestFleetOptions = { sites: sites(6), faults: { 'site-02': 'exit', 'site-05': 'oom' } };
    const result = await Fleet.synthParallel({
      factoryModule: FACTORY_MODULE,
      factoryExport: 'TestFleetFactory',
      factoryArgs: [options],
      workers: 2,
      outdir,
      progress: false,
      throwOnFailure: false,
      workerMemoryMb: 256,
    });
    expect(result.failures.map((f) => [f.site, f.stage, f.previousOutputKept])).toEqual([
      ['site-02', 'worker', false],
      ['site-05', 'worker', false],
    ]);
    const [exit, oom] = result.failures.map((f) => f.message);
    expect(exit).toMatch(/the worker thread building site "site-02" exited with code 3 \(process.exit or an uncaught error\); the site was not written/);
    expect(oom).toMatch(/the worker thread building site "site-05" ran out of memory \(workerMemoryMb = 256\); .*or raise workerMemoryMb/);
    // The rest of each dead worker's batch went to its replacement.
    expect(result.sites.map((s) => s.site)).toEqual(['site-01', 'site-03', 'site-04', 'site-06']);
    expect(readIndex(outdir).failures.map((f: any) => f.site)).toEqual(['site-02', 'site-05']);
    expect(folders(outdir)).toEqual(['site-01', 'site-03', 'site-04', 'site-06']);
    expect(fs.readdirSync(outdir).filter((e) => e.startsWith('.')).sort()).toEqual(['.fleet-owner']);
  }, 120_000);

  test('a site that hangs fails by name after siteTimeout; the run goes on and writes the index', async () => {
    const outdir = tmp();
    const result = await Fleet.synthParallel({
      factoryModule: FACTORY_MODULE,
      factoryExport: 'TestFleetFactory',
      factoryArgs: [{ sites: sites(3), faults: { 'site-02': 'hang' } }],
      workers: 1,
      outdir,
      progress: false,
      throwOnFailure: false,
      siteTimeout: Duration.seconds(2),
    });
    expect(result.failures.map((f) => [f.site, f.stage])).toEqual([['site-02', 'worker']]);
    expect(result.failures[0].message).toMatch(/the worker thread building site "site-02" did not finish within siteTimeout = 2 seconds; .*or raise siteTimeout/);
    expect(result.sites.map((s) => s.site)).toEqual(['site-01', 'site-03']);
    expect(readIndex(outdir).totals).toMatchObject({ sites: 3, written: 2, failed: 1 });
  }, 120_000);

  test('fails if siteTimeout or workerMemoryMb is out of range', async () => {
    await expect(Fleet.synthParallel({ factoryModule: FACTORY_MODULE, workerMemoryMb: 10 })).rejects.toThrow(/workerMemoryMb = 10: must be a whole number of MiB ≥ 64/);
    await expect(Fleet.synthParallel({ factoryModule: FACTORY_MODULE, siteTimeout: Duration.seconds(0) })).rejects.toThrow(/siteTimeout = 0 seconds: must be longer than 0/);
  });
});
