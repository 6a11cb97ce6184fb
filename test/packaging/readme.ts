/**
 * The README's tested blocks: a fenced block preceded by `<!-- newcomer-test: shell [DIR] -->` is a shell script run
 * in DIR (relative to the test's empty folder), one preceded by `<!-- newcomer-test: file PATH -->` is written to PATH.
 * The tests run the blocks in README order, so the README is what is tested.
 */
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './packages';

export interface ReadmeStep {
  readonly kind: 'shell' | 'file';
  /** shell: the folder to run in ('' = the test's folder); file: the path to write. */
  readonly target: string;
  readonly text: string;
  readonly line: number;
}

/** The steps marked with `<!-- TAG: … -->` in README.md, in order. */
export function readmeSteps(tag: string, readme = path.join(REPO_ROOT, 'README.md')): ReadmeStep[] {
  const lines = fs.readFileSync(readme, 'utf8').split('\n');
  const steps: ReadmeStep[] = [];
  const marker = new RegExp(`^<!-- ${tag}: (shell|file)\\s*(\\S*)\\s*-->$`);
  for (let i = 0; i < lines.length; i++) {
    const m = marker.exec(lines[i]);
    if (!m) continue;
    const fence = i + 1;
    if (!/^```\w*$/.test(lines[fence] ?? '')) {
      throw new Error(`README.md:${i + 1}: the marker must be followed directly by a fenced code block`);
    }
    const close = lines.findIndex((l, j) => j > fence && l === '```');
    if (close < 0) throw new Error(`README.md:${fence + 1}: unterminated code block`);
    if (m[1] === 'file' && !m[2]) throw new Error(`README.md:${i + 1}: a file marker needs a path`);
    steps.push({ kind: m[1] as 'shell' | 'file', target: m[2], text: `${lines.slice(fence + 1, close).join('\n')}\n`, line: i + 1 });
  }
  return steps;
}
