/** jest `globalTeardown`: removes the run's temp folder made by `jest-global-setup.ts`. */
import * as fs from 'fs';

export default function globalTeardown(): void {
  const runDir = process.env.EDGE_STORAGE_JEST_TMP;
  if (runDir && /edge-storage-jest-/.test(runDir)) {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}
