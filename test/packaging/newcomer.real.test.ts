/**
 * The README's TypeScript quick start, followed literally: an empty folder, the README's install commands against the
 * built npm tarball (dependencies from the npm registry), its tsconfig.json, cdk8s.yaml and main.ts, then
 * `cdk8s synth`. The manifests and the report must equal what the repository's own code synthesizes from the same
 * main.ts (run against src/), byte for byte.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { jsTarball, REPO_ROOT } from './packages';
import { readmeSteps } from './readme';
import { requireTools } from '../support/tools';

const [bash] = requireTools('bash', 'npm');
const steps = readmeSteps('newcomer-test');

let work: string | undefined;
afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function run(script: string, cwd: string, env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const r = spawnSync(bash, ['-euo', 'pipefail', '-c', script], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function filesUnder(dir: string): { [name: string]: string } {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

test('the README marks the install commands, the three files and the synth command', () => {
  expect(steps.map((s) => `${s.kind} ${s.target}`)).toEqual([
    'shell ', 'file my-sites/tsconfig.json', 'file my-sites/cdk8s.yaml', 'file my-sites/main.ts', 'shell my-sites',
  ]);
});

test('an empty folder + the README quick start → cdk8s synth writes the manifests and the report', () => {
  const tgz = jsTarball();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'newcomer-'));
  const consumer = path.join(work, 'consumer');
  fs.mkdirSync(consumer);
  // A user's environment: the tarball variable the README's build step exports, no CDK8S_OUTDIR from elsewhere.
  const env: NodeJS.ProcessEnv = { ...process.env, EDGE_STORAGE_TGZ: tgz, npm_config_update_notifier: 'false' };
  delete env.CDK8S_OUTDIR;
  delete env.EDGE_STORAGE_SILENCE_WARNINGS;
  for (const step of steps) {
    const target = path.join(consumer, step.target);
    if (step.kind === 'file') {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, step.text);
      continue;
    }
    const r = run(step.text, target, env);
    if (r.status !== 0) throw new Error(`README.md:${step.line}: the block failed (exit ${r.status}):\n${step.text}\n${r.output.slice(-4000)}`);
  }
  const project = path.join(consumer, 'my-sites');
  const installed = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'cdk8s-edge-storage', 'package.json'), 'utf8'));
  expect(installed.version).toBe(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version);
  const got = filesUnder(path.join(project, 'dist'));

  // The reference: the same main.ts against the repository's src/, run by the repository's ts-node.
  const ref = path.join(work, 'reference');
  fs.mkdirSync(ref);
  const main = steps.find((s) => s.target.endsWith('main.ts'))!.text;
  fs.writeFileSync(path.join(ref, 'main.ts'), main.replace(/from 'cdk8s-edge-storage'/g, `from ${JSON.stringify(path.join(REPO_ROOT, 'src'))}`));
  const tsNode = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
  const r = spawnSync(process.execPath, [tsNode, '--transpile-only', '--skipProject', '-O', JSON.stringify({ module: 'node16', moduleResolution: 'node16', target: 'es2022', esModuleInterop: true }), 'main.ts'], {
    cwd: ref, encoding: 'utf8', env: { ...env, NODE_PATH: path.join(REPO_ROOT, 'node_modules'), CDK8S_OUTDIR: path.join(ref, 'dist') },
  });
  expect(r.stderr.split('\n').filter((l) => l && !l.startsWith('[WARNING]'))).toEqual([]);
  expect(r.status).toBe(0);
  const want = filesUnder(path.join(ref, 'dist'));

  expect(Object.keys(got)).toEqual(Object.keys(want));
  expect(Object.keys(got).some((f) => f.endsWith('.report.md'))).toBe(true);
  for (const f of Object.keys(want)) {
    expect(`${f}:\n${got[f]}`).toBe(`${f}:\n${want[f]}`);
  }
}, 15 * 60_000); // compiling and packing first when lib/ is stale, then the npm installs
