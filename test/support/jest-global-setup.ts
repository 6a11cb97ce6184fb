/**
 * jest `globalSetup`: every temp folder the tests create through `os.tmpdir()` (cdk8s `Testing.app()` makes one
 * `cdk8s.outdir.*` per app) lands under one run folder, which `jest-global-teardown.ts` removes. Workers inherit TMPDIR.
 * The previous TMPDIR is kept so that the teardown can restore it: a process that runs jest more than once (the
 * mutation runner calls jest once per mutant) must not make its next run folder inside a removed one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export default function globalSetup(): void {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-storage-jest-'));
  process.env.EDGE_STORAGE_JEST_PREV_TMPDIR = process.env.TMPDIR ?? '';
  process.env.EDGE_STORAGE_JEST_TMP = runDir;
  process.env.TMPDIR = runDir;
}
