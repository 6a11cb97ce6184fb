// Internal: how a fleet owns its output folder (not exported from the package). The rules (docs/fleet.md):
// - A folder is fleet-owned when it holds the marker `.fleet-owner`, which the fleet writes when it takes a new or
//   empty folder. The marker is also the write-ahead journal of the site folders the fleet owns: every site folder is
//   listed there before it is created, so a killed run never leaves a site folder the next run does not know.
// - A non-empty folder without the marker is refused, as are `/`, the home folder, the current folder and their
//   ancestors unless they are already fleet-owned.
// - Entries the fleet did not create are never touched: a site whose name matches one is refused.
// - A run holds `.fleet-lock` (created exclusively) for its whole duration.
// - Files the fleet writes at the root (marker, index) are written to a temporary file and renamed over, so a link
//   in their place is replaced, never followed; existing links are refused.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The ownership marker and journal. */
export const OWNER_FILE = '.fleet-owner';
/** The run lock. */
export const LOCK_FILE = '.fleet-lock';
/** The index file name, at the root of the output folder. */
export const INDEX_FILE = 'index.json';
/** Version of the index format (`index.json`). */
export const INDEX_VERSION = 1;
/** Prefix of the folders a site is staged in before it replaces its previous output. */
export const STAGING_PREFIX = '.fleet-staging-';
/** Prefix of a site's previous output while the new one is swapped in. */
export const RETIRED_PREFIX = '.fleet-retired-';
/** Prefix of temporary files written before they are renamed into place. */
const TEMP_PREFIX = '.fleet-tmp-';
const OWNER_KIND = 'cdk8s-edge-storage/Fleet';
const OWNER_VERSION = 1;

/** Entries at the root of an output folder that belong to the fleet whatever their name says otherwise. */
export function isFleetControlEntry(name: string): boolean {
  return name === OWNER_FILE || name === LOCK_FILE || name === INDEX_FILE
    || name.startsWith(STAGING_PREFIX) || name.startsWith(RETIRED_PREFIX) || name.startsWith(TEMP_PREFIX);
}

/** The site of a retired folder name `.fleet-retired-<site>-<pid>-<thread>`. */
export function retiredSiteOf(name: string): string | undefined {
  const m = /^\.fleet-retired-(.+)-(\d+)-(\d+)$/.exec(name);
  return m ? m[1] : undefined;
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Writes `text` to `dir/name` without following a link at that name: a temporary file created exclusively, then
 * renamed over the target (atomic on POSIX file systems: readers see the old or the new file, never half of one).
 */
export function writeFileAtomic(dir: string, name: string, text: string): void {
  const temp = path.join(dir, `${TEMP_PREFIX}${name}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  const fd = fs.openSync(temp, 'wx', 0o644);
  try {
    fs.writeSync(fd, text, null, 'utf8');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temp, path.join(dir, name));
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

/** Reads a file the fleet owns at the root of `outdir`; undefined when missing; throws when it is not a regular file. */
export function readOwnFile(outdir: string, name: string, what: string): string | undefined {
  const file = path.join(outdir, name);
  const st = lstatOrUndefined(file);
  if (!st) return undefined;
  if (!st.isFile()) {
    throw new Error(`Fleet: outdir = "${outdir}": ${name} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; the fleet writes ${what} itself and never follows links (a link could make it overwrite a file outside the output folder); remove ${file} and run again`);
  }
  return fs.readFileSync(file, 'utf8');
}

/** The site folders recorded in the marker. */
interface OwnerRecord {
  readonly sites: string[];
}

/** Reads the marker; undefined when the folder has none; throws when it cannot be read. */
export function readOwner(outdir: string): OwnerRecord | undefined {
  const text = readOwnFile(outdir, OWNER_FILE, 'its ownership marker');
  if (text === undefined) return undefined;
  let data: any;
  try {
    data = JSON.parse(text);
  } catch (e) {
    data = undefined;
  }
  if (data?.owner !== OWNER_KIND || data?.version !== OWNER_VERSION || !Array.isArray(data.sites) || !data.sites.every((s: unknown) => typeof s === 'string')) {
    throw new Error(`Fleet: outdir = "${outdir}": the ownership marker ${path.join(outdir, OWNER_FILE)} is unreadable (not a version ${OWNER_VERSION} fleet marker); it lists the site folders the fleet owns, so the fleet cannot tell its folders from others; restore it from version control, or move the output folder aside and synthesize into a new one`);
  }
  return { sites: data.sites };
}

/** Writes the marker listing `sites` (sorted, deduplicated). */
export function writeOwner(outdir: string, sites: Iterable<string>): void {
  const list = [...new Set(sites)].sort();
  writeFileAtomic(outdir, OWNER_FILE, `${JSON.stringify({ owner: OWNER_KIND, version: OWNER_VERSION, sites: list }, undefined, 2)}\n`);
}

/**
 * Writes the marker only if there is none yet (a hard link of a complete temporary file, which fails when the name
 * exists), so a run that raced another one into a new folder never overwrites the other run's journal.
 */
function claimOwner(outdir: string, sites: string[]): void {
  const temp = path.join(outdir, `${TEMP_PREFIX}${OWNER_FILE}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  fs.writeFileSync(temp, `${JSON.stringify({ owner: OWNER_KIND, version: OWNER_VERSION, sites: [...new Set(sites)].sort() }, undefined, 2)}\n`, { flag: 'wx' });
  try {
    fs.linkSync(temp, path.join(outdir, OWNER_FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Folders a fleet must never take unless they are already fleet-owned: `/`, home, the current folder and ancestors. */
export function protectedFolderReason(outdir: string): string | undefined {
  const resolved = path.resolve(outdir);
  const home = path.resolve(process.env.HOME || os.homedir());
  const cwd = path.resolve(process.cwd());
  const isAncestorOrSelf = (dir: string) => dir === resolved || dir.startsWith(resolved.endsWith(path.sep) ? resolved : `${resolved}${path.sep}`);
  if (resolved === path.parse(resolved).root) return 'the file system root';
  if (resolved === home) return 'the home folder';
  if (resolved === cwd) return 'the current folder';
  if (isAncestorOrSelf(cwd)) return 'an ancestor of the current folder';
  if (isAncestorOrSelf(home)) return 'an ancestor of the home folder';
  return undefined;
}

/** The previous index's site folders (legacy adoption); throws when the index cannot be read. */
export function readIndexSites(outdir: string): string[] | undefined {
  const text = readOwnFile(outdir, INDEX_FILE, 'the index');
  if (text === undefined) return undefined;
  let index: any;
  try {
    index = JSON.parse(text);
  } catch (e) {
    index = undefined;
  }
  const list = (x: unknown) => (Array.isArray(x) ? x : undefined);
  const sites = list(index?.sites);
  const failures = list(index?.failures);
  const retained = index?.retained === undefined ? [] : list(index.retained);
  if (index?.version !== INDEX_VERSION || !sites || !failures || !retained) {
    throw new Error(`Fleet: outdir = "${outdir}": the index ${path.join(outdir, INDEX_FILE)} is unreadable (not a version ${INDEX_VERSION} fleet index); pruning relies on it, so the fleet does not guess; restore it from version control, or delete it when the output folder's marker (${OWNER_FILE}) is intact`);
  }
  return [
    ...sites.map((s: any) => s?.directory),
    ...failures.filter((f: any) => f?.previousOutputKept).map((f: any) => f?.site),
    ...retained,
  ].filter((n: unknown): n is string => typeof n === 'string');
}

/** The run lock: `.fleet-lock` created exclusively, holding the holder's pid, host and start time. */
export class FleetLock {
  /** Takes the lock on `outdir` (which must exist) or throws naming the holder. */
  public static acquire(outdir: string): FleetLock {
    const file = path.join(outdir, LOCK_FILE);
    const mine = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx', 0o644);
        try {
          fs.writeSync(fd, `${JSON.stringify(mine)}\n`, null, 'utf8');
        } finally {
          fs.closeSync(fd);
        }
        return new FleetLock(file, JSON.stringify(mine));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let text = '';
      let holder: any;
      try {
        text = fs.readFileSync(file, 'utf8');
        holder = JSON.parse(text);
      } catch {
        holder = undefined;
      }
      const describe = holder ? `process ${holder.pid} on ${holder.host} since ${holder.started}` : 'an unknown holder (unreadable lock file)';
      const stale = holder && holder.host === os.hostname() && Number.isInteger(holder.pid) && !FleetLock.alive(holder.pid);
      if (!stale) {
        throw new Error(`Fleet: outdir = "${outdir}": another fleet run holds the output folder (${describe}; lock ${file}); two runs on one folder would mix their output; wait for it to finish, use another outdir, or, if no such run exists any more, delete ${file}`);
      }
      // The holder is dead: move its lock aside (only if it is still the same lock) and try again.
      const aside = `${file}.stale-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
      try {
        fs.renameSync(file, aside);
        if (fs.readFileSync(aside, 'utf8') !== text) {
          // Another process replaced the stale lock in between: give it back.
          try {
            fs.linkSync(aside, file);
          } catch {
            // it already has a newer lock
          }
        }
        fs.rmSync(aside, { force: true });
      } catch {
        // another process broke the stale lock first
      }
    }
    throw new Error(`Fleet: outdir = "${outdir}": could not take the lock ${file} (other runs keep taking it); try again`);
  }

  private static alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  private released = false;

  private constructor(private readonly file: string, private readonly content: string) {}

  /** Removes the lock if it is still this run's. */
  public release(): void {
    if (this.released) return;
    this.released = true;
    try {
      if (fs.readFileSync(this.file, 'utf8').trim() === this.content) fs.rmSync(this.file, { force: true });
    } catch {
      // already gone
    }
  }
}

/** What {@link takeOutdir} found. */
export interface OutdirState {
  /** The site folders the fleet owns (they exist), from the marker (and a legacy index when adopted). */
  readonly owned: Set<string>;
  /** Entries at the root that the fleet did not create. */
  readonly foreign: Set<string>;
}

/**
 * Makes sure the fleet may use `outdir`, creates and marks it when new or empty, takes the lock, recovers and clears
 * the leftovers of interrupted runs, and returns which site folders the fleet owns. Throws (releasing the lock) when
 * the folder is not the fleet's, its marker or index is unreadable, or another run holds it.
 */
export function takeOutdir(outdir: string): { lock: FleetLock; state: OutdirState } {
  const st = lstatOrUndefined(outdir);
  if (st && !st.isDirectory()) {
    throw new Error(`Fleet: outdir = "${outdir}": is not a folder (${st.isSymbolicLink() ? 'a symbolic link' : 'a file'}); use a new or fleet-owned folder`);
  }
  const owner = st ? readOwner(outdir) : undefined;
  if (!owner) {
    const reason = protectedFolderReason(outdir);
    if (reason) {
      throw new Error(`Fleet: outdir = "${outdir}": is ${reason}; a fleet deletes the site folders it no longer needs, so it only writes into a folder of its own; use a dedicated folder, e.g. "${path.join(outdir, 'fleet')}"`);
    }
  }
  let adopted: string[] | undefined;
  if (!owner && st) {
    const entries = fs.readdirSync(outdir);
    if (entries.length > 0) {
      adopted = legacyFleetSites(outdir, entries);
      if (!adopted) {
        const shown = entries.slice(0, 5).map((e) => `"${e}"`).join(', ');
        throw new Error(`Fleet: outdir = "${outdir}": the folder is not empty (${shown}${entries.length > 5 ? ', …' : ''}) and no fleet created it (no ${OWNER_FILE} marker); the fleet only writes into a new or empty folder, or one it owns, so it never replaces or deletes files that are not its own; use a new folder, or empty this one`);
      }
    }
  }
  fs.mkdirSync(outdir, { recursive: true });
  if (!owner) claimOwner(outdir, adopted ?? []);
  const lock = FleetLock.acquire(outdir);
  try {
    const state = recover(outdir);
    return { lock, state };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * A folder written by an earlier version of the fleet (no marker): adopted only when it holds nothing but a valid
 * fleet index, the fleet's own leftovers and the site folders that index lists.
 */
function legacyFleetSites(outdir: string, entries: string[]): string[] | undefined {
  let listed: string[] | undefined;
  try {
    listed = readIndexSites(outdir);
  } catch {
    return undefined;
  }
  if (!listed) return undefined;
  const set = new Set(listed);
  const ok = entries.every((e) => isFleetControlEntry(e) || (set.has(e) && fs.lstatSync(path.join(outdir, e)).isDirectory()));
  return ok ? listed.filter((s) => fs.existsSync(path.join(outdir, s))) : undefined;
}

/** Under the lock: puts back site folders lost between the two renames of a swap, removes leftovers, reads ownership. */
function recover(outdir: string): OutdirState {
  const owner = readOwner(outdir)!;
  const journal = new Set(owner.sites);
  const entries = fs.readdirSync(outdir);
  // 1. A retired copy whose site folder is missing is the site's last good output: put it back first.
  for (const entry of entries) {
    if (!entry.startsWith(RETIRED_PREFIX)) continue;
    const site = retiredSiteOf(entry);
    if (site !== undefined && journal.has(site) && !lstatOrUndefined(path.join(outdir, site))) {
      fs.renameSync(path.join(outdir, entry), path.join(outdir, site));
    }
  }
  // 2. Leftovers: staging folders, retired copies whose site is back, temporary files.
  for (const entry of fs.readdirSync(outdir)) {
    if (entry.startsWith(STAGING_PREFIX) || entry.startsWith(RETIRED_PREFIX) || entry.startsWith(TEMP_PREFIX) || entry.startsWith(`${LOCK_FILE}.stale-`)) {
      fs.rmSync(path.join(outdir, entry), { recursive: true, force: true });
    }
  }
  // 3. The index must be readable (it is the record GitOps users read; an unreadable one is not silently dropped).
  readIndexSites(outdir);
  const owned = new Set<string>();
  const foreign = new Set<string>();
  for (const entry of fs.readdirSync(outdir)) {
    if (isFleetControlEntry(entry)) continue;
    const st = fs.lstatSync(path.join(outdir, entry));
    if (journal.has(entry) && st.isDirectory()) owned.add(entry); else foreign.add(entry);
  }
  return { owned, foreign };
}
