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

describe.each(examples)('examples/%s', (name) => {
  test('synthesizes conformant, baseline-clean manifests', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(examplesDir, name, 'main.ts'));
    expect(typeof mod.buildApp).toBe('function');
    const app: App = mod.buildApp(Testing.app());
    const manifests = synth(app);
    expect(manifests.length).toBeGreaterThan(0);
  });

  test('has a cdk8s.yaml that runs main.ts', () => {
    const text = fs.readFileSync(path.join(examplesDir, name, 'cdk8s.yaml'), 'utf8');
    expect(text).toMatch(/^app: npx ts-node main\.ts$/m);
  });
});
