import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { synth } from './support/harness';

// Every app under examples/ synthesizes, and every object it emits validates against the pinned schemas and passes
// the SecurityBaseline (synth() from the harness checks both).
const examplesDir = path.resolve(__dirname, '..', 'examples');
const examples = fs.readdirSync(examplesDir).filter((n) => fs.existsSync(path.join(examplesDir, n, 'main.ts'))).sort();

test('there are example apps', () => {
  expect(examples.length).toBeGreaterThan(0);
});

// ts-jest transpiles in isolation; `cdk8s synth` runs the examples with full type checking, so check them here too.
test('the examples type-check (as `npx ts-node main.ts` from their folders does)', () => {
  const tsc = path.resolve(__dirname, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  const res = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(examplesDir, 'tsconfig.json')], { encoding: 'utf8' });
  expect(res.stdout + res.stderr).toBe('');
  expect(res.status).toBe(0);
});

describe.each(examples)('examples/%s', (name) => {
  test('synthesizes conformant, baseline-clean manifests', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(examplesDir, name, 'main.ts'));
    expect(typeof mod.buildApp).toBe('function');
    const app: App = mod.buildApp(Testing.app());
    const manifests = synth(app);
    expect(manifests.length).toBeGreaterThan(0);
    // A Forbid CronJob whose run hangs blocks every later run: each one has a Job deadline.
    const forbid = manifests.filter((m) => m.kind === 'CronJob' && m.spec.concurrencyPolicy === 'Forbid');
    expect(forbid.filter((m) => !(m.spec.jobTemplate.spec.activeDeadlineSeconds > 0)).map((m) => m.metadata.name)).toEqual([]);
    // S3 clients use a store's client Service: a headless `*-hl` Service also lists servers that are not ready.
    const endpoints = manifests.flatMap((m) => JSON.stringify(m).match(/"name":"RCLONE_CONFIG_[A-Z0-9_]+_ENDPOINT","value":"[^"]*"/g) ?? []);
    expect(endpoints.filter((e) => /-hl\./.test(e))).toEqual([]);
  });

  test('has a cdk8s.yaml that runs main.ts', () => {
    const text = fs.readFileSync(path.join(examplesDir, name, 'cdk8s.yaml'), 'utf8');
    expect(text).toMatch(/^app: npx ts-node main\.ts$/m);
  });
});
