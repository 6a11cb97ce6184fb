// @ts-check
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { AREAS } from './scripts/mutation-areas.mjs';

/**
 * Mutation testing of the correctness-critical rule modules (StrykerJS, jest runner). Run by `npx projen test:mutation`
 * (all areas, one after another) or `npx projen test:mutation <area>…`; CONTRIBUTING.md has the figures.
 *
 * One area per Stryker run (MUTATION_AREA selects it; areas in scripts/mutation-areas.mjs), each with the test files
 * that own its rules and its own break threshold: a run whose mutation score falls below `break` exits non-zero.
 *
 * Mutants judged equivalent (no observable difference) are marked where they are, with
 * `// Stryker disable next-line <mutators>: <reason>`; CONTRIBUTING.md lists them.
 */

const areaName = process.env.MUTATION_AREA ?? '';
const area = AREAS[areaName];
if (!area) {
  throw new Error(`stryker.config.mjs: MUTATION_AREA = "${areaName}": must name one area (${Object.keys(AREAS).join(', ')}); run \`npx projen test:mutation [area…]\``);
}

// The tests run in a sandbox copy under .stryker-tmp/, where `../shared/schemas` does not resolve: point the
// conformance checks at the schema folder the repository itself would use (scripts/schema-location.ts).
if (!process.env.EDGE_STORAGE_SCHEMAS) {
  const root = path.dirname(fileURLToPath(import.meta.url));
  const found = [path.resolve(root, '..', 'shared', 'schemas'), path.join(root, '.schema-cache')]
    .find((dir) => fs.existsSync(path.join(dir, 'k8s-1.30', '_definitions.json')));
  if (found) process.env.EDGE_STORAGE_SCHEMAS = found;
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // A mutant whose test run takes longer than the unmutated run × 1.5 + timeoutMS counts as detected (Timeout). A
  // changed manifest fails a snapshot test by diffing documents of thousands of lines, which takes seconds on a
  // loaded machine: a generous margin keeps such runs from being counted as timeouts instead of failures.
  timeoutMS: 30000,
  mutate: area.mutate,
  jest: {
    projectType: 'custom',
    // The package.json jest config, narrowed to the area's own test files; no coverage, no junit reporter.
    // `roots` keeps jest's file crawl (repeated for every mutant) to the two folders that hold modules and tests.
    config: { testMatch: area.tests, roots: ['<rootDir>/src', '<rootDir>/test'], collectCoverage: false },
    enableFindRelatedTests: false,
  },
  // The sandbox copy holds only what the tests load: sources, tests, the schema locator and the configs.
  ignorePatterns: ['/*', '!/src', '!/test', '!/scripts', '!/package.json', '!/tsconfig.json', '!/tsconfig.dev.json'],
  thresholds: { high: 95, low: 90, break: area.break },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${areaName}.html` },
  jsonReporter: { fileName: `reports/mutation/${areaName}.json` },
  tempDirName: `.stryker-tmp/${areaName}`,
  // A rerun tests only the mutants whose code or covering tests changed since the area's last run (the results of
  // the rest are carried over from this file); `-- --force` runs every mutant.
  incremental: true,
  incrementalFile: `reports/mutation/${areaName}.incremental.json`,
  cleanTempDir: true,
};
