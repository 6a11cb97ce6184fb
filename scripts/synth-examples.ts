/**
 * The main job: synthesize every app under examples/ into examples/<name>/dist/*.k8s.yaml.
 * Each example is run from its own folder (an App's default outdir is `dist` relative to the cwd).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const only = process.argv.slice(2);
const names = fs.readdirSync(examplesDir)
  .filter((n) => fs.existsSync(path.join(examplesDir, n, 'main.ts')))
  .filter((n) => only.length === 0 || only.includes(n))
  .sort();
if (names.length === 0) {
  console.error(`no example apps found under ${examplesDir}`);
  process.exit(1);
}
const tsNode = require.resolve('ts-node/dist/bin.js');
for (const name of names) {
  const dir = path.join(examplesDir, name);
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  // The example apps take their outdir from CDK8S_OUTDIR (as under `cdk8s synth`); pin it to dist/ here.
  execFileSync(process.execPath, [tsNode, '--transpile-only', 'main.ts'], { cwd: dir, stdio: 'inherit', env: { ...process.env, CDK8S_OUTDIR: path.join(dir, 'dist') } });
  const files = fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.endsWith('.yaml') || f.endsWith('.md'));
  console.log(`examples/${name}: ${files.map((f) => `dist/${f}`).join(', ')}`);
}
