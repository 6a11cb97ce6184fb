/** jest `globalTeardown`: removes the run's temp folder made by `jest-global-setup.ts` and restores TMPDIR. */
import * as fs from 'fs';

export default function globalTeardown(): void {
  const runDir = process.env.EDGE_STORAGE_JEST_TMP;
  if (runDir && /edge-storage-jest-/.test(runDir)) {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
  if (process.env.EDGE_STORAGE_JEST_PREV_TMPDIR !== undefined) {
    if (process.env.EDGE_STORAGE_JEST_PREV_TMPDIR) process.env.TMPDIR = process.env.EDGE_STORAGE_JEST_PREV_TMPDIR;
    else delete process.env.TMPDIR;
    delete process.env.EDGE_STORAGE_JEST_PREV_TMPDIR;
  }
  delete process.env.EDGE_STORAGE_JEST_TMP;
}
