/**
 * `npx projen test:mutation [area…]`: one Stryker run per area (scripts/mutation-areas.mjs, all when none is named),
 * then a table of the scores. Exits non-zero when an area scores below its break threshold or a run fails.
 * Extra Stryker options follow `--`, e.g. `npx projen test:mutation security-baseline -- --concurrency 1`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { AREAS } from './mutation-areas.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dash = args.indexOf('--');
const names = dash >= 0 ? args.slice(0, dash) : args;
const strykerArgs = dash >= 0 ? args.slice(dash + 1) : [];
for (const n of names) {
  if (!AREAS[n]) {
    console.error(`test:mutation: area = "${n}": no such area; use one of ${Object.keys(AREAS).join(', ')}`);
    process.exit(2);
  }
}

/** Stryker's mutation score: detected (killed or timed out) over every valid mutant that is not ignored. */
function score(reportFile) {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
  for (const file of Object.values(report.files)) {
    for (const m of file.mutants) count[m.status in count ? m.status : 'other']++;
  }
  const detected = count.Killed + count.Timeout;
  const valid = detected + count.Survived + count.NoCoverage;
  return { ...count, valid, score: valid === 0 ? 100 : (100 * detected) / valid };
}

const rows = [];
let failed = false;
for (const name of names.length > 0 ? names : Object.keys(AREAS)) {
  console.log(`\n== test:mutation ${name}`);
  const run = spawnSync(path.join(root, 'node_modules', '.bin', 'stryker'), ['run', 'stryker.config.mjs', ...strykerArgs], {
    cwd: root, stdio: 'inherit', env: { ...process.env, MUTATION_AREA: name },
  });
  const reportFile = path.join(root, 'reports', 'mutation', `${name}.json`);
  const s = run.status === 0 || fs.existsSync(reportFile) ? score(reportFile) : undefined;
  const ok = run.status === 0 && s !== undefined && s.score >= AREAS[name].break;
  failed ||= !ok;
  rows.push(`| ${name} | ${s ? s.score.toFixed(2) : 'n/a'} % | ${AREAS[name].break} % | ${s ? `${s.Killed + s.Timeout}/${s.valid}` : '-'} | ${s ? s.Survived : '-'} | ${s ? s.NoCoverage : '-'} | ${ok ? 'pass' : 'FAIL'} |`);
}
console.log('\n| area | mutation score | break at | detected/valid | survived | no coverage | result |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
process.exit(failed ? 1 : 0);
