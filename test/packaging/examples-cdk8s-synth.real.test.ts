/**
 * `cdk8s synth -o DIR` (cdk8s-cli, a devDependency) in an example folder writes every manifest — and, for the site
 * examples, every report — into DIR, the same bytes `npm run examples` writes (main.ts run with CDK8S_OUTDIR).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './packages';
import { requireTools } from '../support/tools';

requireTools('npx');
const cdk8s = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk8s');
const tsNode = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-synth-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function filesUnder(dir: string): { [name: string]: string } {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

test.each(['video-surveillance', 'storage-classes'])('examples/%s: cdk8s synth -o writes what npm run examples writes', (name) => {
  const dir = path.join(REPO_ROOT, 'examples', name);
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  delete env.CDK8S_OUTDIR;
  const outdir = path.join(work, `${name}-cli`);
  const cli = spawnSync(cdk8s, ['synth', '-o', outdir], { cwd: dir, env, encoding: 'utf8' });
  expect({ status: cli.status, stderr: cli.stderr.split('\n').filter((l) => l && !l.startsWith('[WARNING]')) }).toEqual({ status: 0, stderr: [] });

  const refdir = path.join(work, `${name}-ref`);
  const ref = spawnSync(process.execPath, [tsNode, '--transpile-only', 'main.ts'], { cwd: dir, env: { ...env, CDK8S_OUTDIR: refdir }, encoding: 'utf8' });
  expect(ref.status).toBe(0);
  const got = filesUnder(outdir);
  const want = filesUnder(refdir);
  expect(Object.keys(got)).toEqual(Object.keys(want));
  expect(Object.keys(got).filter((f) => f.endsWith('.k8s.yaml')).length).toBeGreaterThan(0);
  if (name === 'video-surveillance') expect(Object.keys(got)).toContain('store-0417.report.md');
  for (const f of Object.keys(want)) expect(`${f}:\n${got[f]}`).toBe(`${f}:\n${want[f]}`);
});
