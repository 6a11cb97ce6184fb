/**
 * The npm package holds what users need — the compiled library, its assembly, README, API.md, LICENSE and docs — and
 * nothing that only builds or tests this repository (examples import ../../src, which is not shipped).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './packages';
import { requireTools } from '../support/tools';

const [npm] = requireTools('npm');

test('npm pack ships lib/, .jsii, README, API.md, LICENSE, docs/ and the bundled dependencies, and nothing else', () => {
  const r = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path).sort();
  const topLevel = new Set(['.jsii', 'API.md', 'LICENSE', 'README.md', 'package.json']);
  const bundled: string[] = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).bundledDependencies ?? [];
  const isBundled = (f: string) => bundled.some((dep) => f.startsWith(`node_modules/${dep}/`));
  const unexpected = files.filter((f) => !topLevel.has(f) && !isBundled(f) && !/^lib\/.*\.(js|d\.ts)$/.test(f) && !/^docs\/[\w-]+\.md$/.test(f));
  expect(unexpected).toEqual([]);
  expect(files.filter((f) => !isBundled(f) && (/(^|\/)(examples|bench|scripts|test|\.ci)\//.test(f) || /tsconfig/.test(f)))).toEqual([]);
  // Every compiled module and every docs page linked from the README is in.
  expect(files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', 'lib/cli/bin.js']));
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const linkedDocs = [...new Set([...readme.matchAll(/\]\((docs\/[\w-]+\.md)/g)].map((m) => m[1]))].filter((d) => d !== 'docs/BENCHMARKS.md');
  expect(linkedDocs.length).toBeGreaterThan(0);
  expect(files).toEqual(expect.arrayContaining(linkedDocs));
});
