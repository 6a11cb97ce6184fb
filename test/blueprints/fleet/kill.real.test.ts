// Real SIGKILLs (issue 19, items 4–6): a fleet run in a child process (the built library, lib/) is killed at a
// seeded random moment of its synthesis; the next runs (this process, src/) must find every site complete — old or
// new version, never lost — take over the dead run's lock, list every folder in the index, and prune what left.
import { execSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Fleet, ISiteFactory } from '../../../src';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const LIB = path.join(ROOT, 'lib', 'index.js');
const SITES = 120;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : entry.name.endsWith('.ts') ? fs.statSync(full).mtimeMs : 0);
  }
  return newest;
}

beforeAll(() => {
  if (!fs.existsSync(LIB) || fs.statSync(LIB).mtimeMs < newestSource(path.join(ROOT, 'src'))) {
    execSync('npx projen compile', { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
  }
}, 300_000);

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-kill-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The child: a fleet of `count` sites at `version` (Namespace + 12 ConfigMaps in two charts each), written to `outdir`. */
const CHILD = `
const { Chart } = require('cdk8s');
const { k8s } = require('cdk8s-plus-30');
const { Fleet } = require(process.env.FLEET_LIB);
const [outdir, version, count] = process.argv.slice(1);
const names = Array.from({ length: Number(count) }, (_, i) => 'site-' + String(i + 1).padStart(4, '0'));
const factory = {
  siteNames: () => names,
  buildSite: (app, site) => {
    const base = new Chart(app, site + '-base', { disableResourceNameHashes: true });
    new k8s.KubeNamespace(base, 'Namespace', { metadata: { name: site } });
    const apps = new Chart(app, site + '-apps', { disableResourceNameHashes: true });
    apps.addDependency(base);
    for (let i = 0; i < 12; i++) {
      new k8s.KubeConfigMap(apps, 'Config' + i, { metadata: { name: 'config-' + i, namespace: site }, data: { version, filler: 'x'.repeat(1500) } });
    }
  },
};
const started = Date.now();
process.stdout.write('start\\n');
Fleet.synth(factory, { outdir, progress: false, securityBaseline: false, maxPrune: 100000 });
process.stdout.write('done ' + (Date.now() - started) + '\\n');
`;

/** A fleet in this process: every site failing (`fail`, a broken inventory), or one Namespace per site. */
function factory(sites: string[], fail: boolean): ISiteFactory {
  return {
    siteNames: () => sites,
    buildSite: (app: App, site: string) => {
      if (fail) throw new Error(`site ${site}: inventory entry broken`);
      const c = new Chart(app, site, { disableResourceNameHashes: true });
      new k8s.KubeNamespace(c, 'Namespace', { metadata: { name: site } });
    },
  };
}

function names(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `site-${String(i + 1).padStart(4, '0')}`);
}

function runChild(outdir: string, version: string): number {
  const r = spawnSync(process.execPath, ['-e', CHILD, outdir, version, String(SITES)], { env: { ...process.env, FLEET_LIB: LIB }, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`fleet child failed (${r.status}): ${r.stderr}`);
  return Number(/done (\d+)/.exec(r.stdout)![1]);
}

/** Starts the child and SIGKILLs it `delayMs` after it starts synthesizing; resolves when it is dead. */
function killChild(outdir: string, version: string, delayMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, outdir, version, String(SITES)], { env: { ...process.env, FLEET_LIB: LIB } });
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d) => {
      out += String(d);
      if (timer === undefined && out.includes('start')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`));
  });
}

/** A site folder's files (name → text), or undefined. */
function siteFiles(outdir: string, site: string): string | undefined {
  const dir = path.join(outdir, site);
  if (!fs.existsSync(dir)) return undefined;
  return JSON.stringify(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

function folders(outdir: string): string[] {
  return fs.readdirSync(outdir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

function prng(seed: number): () => number {
  let x = (seed % 2147483646) + 1;
  return () => {
    x = (x * 48271) % 2147483647;
    return (x - 1) / 2147483646;
  };
}

test('a fleet run SIGKILLed at random moments loses no site; the next runs take over its lock and prune what left (seeded)', async () => {
  const all = names(SITES);
  // Reference outputs: version 1 (the state before the killed run) and version 2 (what the killed run writes).
  const v1 = tmp();
  runChild(v1, 'one');
  const v2 = tmp();
  runChild(v2, 'one');
  const synthMs = runChild(v2, 'two');
  const good = new Map(all.map((s) => [s, [siteFiles(v1, s), siteFiles(v2, s)]]));

  const random = prng(1904);
  let midRun = 0;
  for (let iteration = 0; iteration < 12; iteration++) {
    const outdir = path.join(tmp(), 'fleet');
    fs.cpSync(v1, outdir, { recursive: true });
    const delay = Math.floor(random() * synthMs * 1.1);
    const how = await killChild(outdir, 'two', delay);
    const context = `kill after ${delay} ms of ~${synthMs} ms (${how})`;
    if (how === 'SIGKILL' && fs.existsSync(path.join(outdir, '.fleet-lock'))) midRun++;

    // A failing run next (the inventory broke): every site keeps a complete version; the dead run's lock is stale.
    const failing = Fleet.synth(factory(all, true), { outdir, progress: false, throwOnFailure: false });
    const lost = all.filter((s) => !good.get(s)!.includes(siteFiles(outdir, s)));
    expect({ context, lost }).toEqual({ context, lost: [] });
    expect(failing.failures.every((f) => f.previousOutputKept)).toBe(true);

    // Sites that left the fleet are pruned, whatever the killed run managed to write.
    const keep = all.slice(0, 100);
    const result = Fleet.synth(factory(keep, false), { outdir, progress: false, maxPrune: 40 });
    expect({ context, folders: folders(outdir) }).toEqual({ context, folders: keep });
    expect(result.pruned).toEqual(all.slice(100));
    expect(fs.readdirSync(outdir).filter((e) => e.startsWith('.') && e !== '.fleet-owner')).toEqual([]);
  }
  // Most kills landed while the run held the folder (the rest after it finished).
  expect(midRun).toBeGreaterThanOrEqual(6);
}, 120_000);
