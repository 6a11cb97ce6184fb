/**
 * The built packages the packaging tests install: built here when missing or older than the code (so the real tier
 * needs no earlier step), with the same projen tasks a user runs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export type PackageLanguage = 'js' | 'python' | 'java' | 'go';

function newestMtime(dir: string, filter: (file: string) => boolean): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(full, filter));
    else if (filter(full)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Runs a projen task in the repository; throws with its output when it fails. */
export function projen(task: string): void {
  const r = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'projen'), [task], {
    cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CI: '' },
  });
  if (r.status !== 0) {
    throw new Error(`npx projen ${task} failed (exit ${r.status}):\n${`${r.stdout}\n${r.stderr}`.slice(-6000)}`);
  }
}

/** The assembly (`.jsii`), compiled again when any file under src/ is newer. */
function ensureAssembly(): number {
  const assembly = path.join(REPO_ROOT, '.jsii');
  const srcNewest = newestMtime(path.join(REPO_ROOT, 'src'), (f) => f.endsWith('.ts'));
  if (!fs.existsSync(assembly) || fs.statSync(assembly).mtimeMs < srcNewest) {
    projen('compile');
  }
  return fs.statSync(assembly).mtimeMs;
}

/**
 * The folder `dist/<lang>` holding the package for `lang`, built with `npx projen package:<lang>` when it is missing
 * or older than the assembly (which is compiled first when src/ changed).
 */
export function ensurePackage(lang: PackageLanguage): string {
  const assemblyTime = ensureAssembly();
  const dir = path.join(REPO_ROOT, 'dist', lang);
  const builtTime = fs.existsSync(dir) ? newestMtime(dir, () => true) : 0;
  if (builtTime < assemblyTime) {
    projen(`package:${lang}`);
  }
  return dir;
}

/** The npm tarball (`dist/js/cdk8s-edge-storage@<version>.jsii.tgz`). */
export function jsTarball(): string {
  const dir = ensurePackage('js');
  const tgz = fs.readdirSync(dir).filter((f) => f.endsWith('.jsii.tgz'));
  if (tgz.length !== 1) throw new Error(`expected one .jsii.tgz in ${dir}, found: ${tgz.join(', ') || 'none'}`);
  return path.join(dir, tgz[0]);
}
