// Where the real-program tier finds its programs. scripts/test-tools.sh installs them (Debian packages system-wide;
// pip, Go and Maven builds under the git-ignored tools folder). Importing this module puts the tools folder's bin/
// first on PATH, so tests spawn programs by name.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/** The command that installs every program the real tier uses. */
export const INSTALL_COMMAND = 'bash scripts/test-tools.sh';

/** The tools folder: `$EDGE_TOOLS_DIR`, else `.tools/` in the repository (git-ignored). */
export function toolsDir(): string {
  return path.resolve(process.env.EDGE_TOOLS_DIR || path.join(ROOT, '.tools'));
}

const binDir = path.join(toolsDir(), 'bin');
if (!(process.env.PATH ?? '').split(path.delimiter).includes(binDir)) {
  process.env.PATH = [binDir, process.env.PATH ?? '/usr/bin:/bin'].join(path.delimiter);
}

/** The absolute path of `name` on PATH (tools folder first), or undefined. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  for (const dir of ['/usr/sbin', '/sbin']) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The absolute path of each program, in order. Throws one line naming every missing program and the command that
 * installs them. Call it at the top of a real-tier test file: jest then reports that line once for the file, with
 * no secondary errors from hooks that never got to set anything up.
 */
export function requireTools(...names: string[]): string[] {
  const found = names.map((n) => findTool(n));
  const missing = names.filter((_, i) => !found[i]);
  if (missing.length > 0) {
    const err = new Error(`not installed: ${missing.join(', ')}; run \`${INSTALL_COMMAND}\` first (tools folder ${toolsDir()})`);
    err.stack = err.message; // one line: the stack adds nothing here
    throw err;
  }
  return found as string[];
}

/** A file under the tools folder (e.g. `kafka/libs`), which must exist; else the same one-line error. */
export function requireToolPath(relative: string): string {
  const p = path.join(toolsDir(), relative);
  if (!fs.existsSync(p)) {
    const err = new Error(`not installed: ${relative} under ${toolsDir()}; run \`${INSTALL_COMMAND}\` first`);
    err.stack = err.message;
    throw err;
  }
  return p;
}
