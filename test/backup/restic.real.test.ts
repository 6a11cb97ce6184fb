/**
 * Runs the exact script a ResticBackup CronJob carries with the real restic binary, against a temporary local
 * repository and data directory. Only the paths in the environment differ from the pod (the repository and data
 * locations); host, tags and the script come from the synthesized manifest.
 */
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { plainEnvOf, run, runScript, runScriptAsync, scriptOf, secretEnvOf, tempDir, treeHashes, writeFile } from './support';
import { Bandwidth, BackupSource, ResticBackup, ResticRepository, ResticRetention } from '../../src';
import { ResticScript } from '../../src/backup/restic/script';
import { chart, find, synth } from '../support/harness';
import { requireTools } from '../support/tools';

requireTools('restic');

const PASSWORD = 'correct horse battery staple';

interface Job {
  readonly script: string;
  readonly host: string;
  readonly tags: string;
  readonly construct: ResticBackup;
}

/** Synthesizes a ResticBackup (repository on a claim) and returns what its CronJob runs. */
function job(retention: ResticRetention, extra: { excludes?: string[]; checkReadDataPercent?: number; uploadBandwidthLimit?: Bandwidth } = {}): Job {
  const c = chart('site-a');
  const construct = new ResticBackup(c, 'media-backup', {
    source: BackupSource.fromClaimName('media'),
    repository: ResticRepository.fromClaimName('backup-disk', { path: 'restic/site-a' }),
    password: { name: 'restic-password', key: 'password' },
    host: 'site-a',
    retention,
    ...extra,
  });
  const cronJob = find(synth(c), 'CronJob', 'media-backup');
  const env = plainEnvOf(cronJob);
  // The pod's view; the test only swaps these paths for temporary directories.
  expect(env.RESTIC_REPOSITORY).toBe('/repository/restic/site-a');
  expect(env.BACKUP_SOURCE).toBe('/data');
  expect(secretEnvOf(cronJob).RESTIC_PASSWORD).toEqual({ name: 'restic-password', key: 'password' });
  const script = scriptOf(cronJob);
  expect(script).toBe(construct.script);
  return { script, host: env.BACKUP_HOST, tags: env.BACKUP_TAGS, construct };
}

function resticEnv(dir: string, extra: { [k: string]: string } = {}): { [k: string]: string } {
  return {
    RESTIC_REPOSITORY: path.join(dir, 'repo'),
    RESTIC_PASSWORD: PASSWORD,
    RESTIC_CACHE_DIR: path.join(dir, 'cache'),
    HOME: dir,
    TMPDIR: dir,
    ...extra,
  };
}

/** Gives `uid` every file under `dir` (the script then runs as that user). */
function chownTree(dir: string, uid: number): void {
  fs.chownSync(dir, uid, uid);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(p, uid);
    else fs.lchownSync(p, uid, uid);
  }
}

function snapshots(dir: string, host?: string): Array<{ id: string; short_id: string; time: string; hostname: string; tags?: string[] }> {
  const r = run('restic', ['snapshots', '--json', ...(host ? ['--host', host] : [])], resticEnv(dir));
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) ?? [];
}

function savedSnapshotId(output: string): string {
  const m = /snapshot ([0-9a-f]{8,}) saved/.exec(output);
  if (!m) throw new Error(`no "snapshot … saved" line in:\n${output}`);
  return m[1];
}

describe('ResticBackup script with the real restic binary', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('restic');
  });
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('five runs with changing data: repository created once, one snapshot per run, keepLast 3 keeps the newest three, check passes, restores return the original bytes', () => {
    const { script, host, tags } = job({ keepLast: 3 }, { excludes: ['*.tmp'], checkReadDataPercent: 100 });
    const data = path.join(dir, 'data');
    const env = resticEnv(dir, { BACKUP_SOURCE: data, BACKUP_HOST: host, BACKUP_TAGS: tags });
    const runIds: string[] = [];
    const contents: Array<{ [rel: string]: string }> = [];
    let repoConfig: Buffer | undefined;

    for (let runNo = 1; runNo <= 5; runNo++) {
      // Change the data between runs: new files, a modified file, a deleted file, an excluded scratch file.
      writeFile(data, `cam-01/segment-${runNo}.bin`, crypto.randomBytes(64 * 1024 + runNo));
      writeFile(data, 'index with spaces.json', JSON.stringify({ run: runNo }));
      writeFile(data, `scratch-${runNo}.tmp`, 'never backed up');
      if (runNo === 4) fs.rmSync(path.join(data, 'cam-01/segment-1.bin'));

      const r = runScript(script, env);
      expect({ run: runNo, status: r.status, output: r.status === 0 ? '' : r.output }).toEqual({ run: runNo, status: 0, output: '' });
      if (runNo === 1) {
        expect(r.output).toContain('no repository yet: initializing');
        repoConfig = fs.readFileSync(path.join(dir, 'repo', 'config'));
      } else {
        expect(r.output).toContain('repository found');
        expect(r.output).not.toContain('initializing');
        // Initialized once: the repository's config (with its id) is the one written by the first run.
        expect(fs.readFileSync(path.join(dir, 'repo', 'config')).equals(repoConfig!)).toBe(true);
      }
      expect(r.output).toContain('no errors were found');
      runIds.push(savedSnapshotId(r.output));
      contents.push(Object.fromEntries(Object.entries(treeHashes(data)).filter(([rel]) => !rel.endsWith('.tmp'))));

      const kept = snapshots(dir).map((s) => s.id);
      const expected = runIds.slice(-3);
      expect(kept.length).toBe(expected.length);
      for (const id of expected) expect(kept.some((k) => k.startsWith(id))).toBe(true);
    }

    // The newest snapshot restores the current data byte for byte, without the excluded files.
    const latest = path.join(dir, 'restore-latest');
    expect(run('restic', ['restore', runIds[4], '--target', latest], resticEnv(dir)).status).toBe(0);
    expect(treeHashes(path.join(latest, data))).toEqual(contents[4]);
    // The oldest kept snapshot (run 3) still has the file deleted before run 4.
    const third = path.join(dir, 'restore-third');
    expect(run('restic', ['restore', runIds[2], '--target', third], resticEnv(dir)).status).toBe(0);
    expect(treeHashes(path.join(third, data))).toEqual(contents[2]);
    expect(Object.keys(contents[2])).toContain('cam-01/segment-1.bin');
    expect(Object.keys(contents[4])).not.toContain('cam-01/segment-1.bin');
    // A full independent check reads every pack back.
    expect(run('restic', ['check', '--read-data'], resticEnv(dir)).status).toBe(0);
  });

  test('calendar retention (keepDaily 3 + keepMonthly 3) over backdated history keeps exactly the expected snapshots, and never touches other hosts or tag sets', () => {
    const { script, host, tags } = job({ keepDaily: 3, keepMonthly: 3 });
    const data = path.join(dir, 'data');
    writeFile(data, 'file.bin', crypto.randomBytes(4096));
    expect(run('restic', ['init'], resticEnv(dir)).status).toBe(0);
    const now = Date.now();
    const at = (daysAgo: number, hour: number) => {
      const d = new Date(now - daysAgo * 86_400_000);
      d.setUTCHours(hour, 0, 0, 0);
      return d;
    };
    const fmt = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 19);
    // This site's history: several a day, gaps, and older months.
    const history = [at(1, 1), at(1, 13), at(2, 1), at(3, 1), at(5, 1), at(12, 1), at(33, 1), at(34, 1), at(65, 1), at(96, 1), at(130, 1)];
    for (const t of history) {
      expect(run('restic', ['backup', '--host', host, '--tag', tags, '--time', fmt(t), data], resticEnv(dir)).status).toBe(0);
    }
    // Another site in the same repository, and the same host with another tag set: out of scope for this job.
    for (const t of [at(200, 1), at(1, 2)]) {
      expect(run('restic', ['backup', '--host', 'site-b', '--tag', tags, '--time', fmt(t), data], resticEnv(dir)).status).toBe(0);
      expect(run('restic', ['backup', '--host', host, '--tag', 'manual', '--time', fmt(t), data], resticEnv(dir)).status).toBe(0);
    }
    const before = snapshots(dir);

    const r = runScript(script, resticEnv(dir, { BACKUP_SOURCE: data, BACKUP_HOST: host, BACKUP_TAGS: tags }));
    expect(r.status).toBe(0);
    const newId = savedSnapshotId(r.output);
    const after = snapshots(dir);

    // restic's documented bucket rule: walk newest to oldest, keep a snapshot when its bucket (day, month, in UTC
    // here) differs from the last one this rule kept, until the rule has kept N.
    const inScope = (s: { hostname: string; tags?: string[] }) => s.hostname === host && JSON.stringify(s.tags) === JSON.stringify([tags]);
    const mine = after.filter(inScope)
      .map((s) => ({ id: s.id, time: new Date(s.time) }));
    const all = [...before.filter(inScope).map((s) => ({ id: s.id, time: new Date(s.time) })), ...mine.filter((s) => s.id.startsWith(newId))]
      .sort((a, b) => b.time.getTime() - a.time.getTime());
    const keep = new Set<string>();
    const rule = (n: number, key: (d: Date) => string) => {
      let last: string | undefined;
      for (const s of all) {
        if (n === 0) break;
        const k = key(s.time);
        if (k !== last) {
          keep.add(s.id);
          last = k;
          n--;
        }
      }
    };
    rule(3, (d) => d.toISOString().slice(0, 10));
    rule(3, (d) => d.toISOString().slice(0, 7));
    expect(mine.map((s) => s.id).sort()).toEqual([...keep].sort());
    expect(keep.size).toBeLessThan(all.length);
    // Out-of-scope snapshots are all still there.
    const untouched = (list: typeof before) => list.filter((s) => !inScope(s)).map((s) => s.id).sort();
    expect(untouched(after)).toEqual(untouched(before));
    expect(untouched(after)).toHaveLength(4);
  });

  test('uploadBandwidthLimit: restic accepts the rendered --limit-upload (KiB/s, rounded down) and holds the upload to it', () => {
    // 2 Mbit/s = 250,000 B/s = 244.14 KiB/s: a rate that is not whole KiB, so the rendering has to round.
    const limit = Bandwidth.mbps(2);
    const { script, host, tags } = job({ keepLast: 1 }, { uploadBandwidthLimit: limit });
    const flag = /--limit-upload (\S+)/.exec(script);
    expect(flag?.[1]).toBe(String(Math.floor(limit.toBytesPerSecond() / 1024)));
    const kibPerSecond = Number(flag![1]);

    const data = path.join(dir, 'data');
    // Random bytes do not compress, so restic uploads at least this much.
    const size = 2 * 1024 * 1024;
    writeFile(data, 'cam-01/segment.bin', crypto.randomBytes(size));
    const r = runScript(script, resticEnv(dir, { BACKUP_SOURCE: data, BACKUP_HOST: host, BACKUP_TAGS: tags }));
    expect({ status: r.status, output: r.status === 0 ? '' : r.output }).toEqual({ status: 0, output: '' });
    savedSnapshotId(r.output);

    // restic's own summary of the backup step ("processed 1 files, 2.000 MiB in 0:08") times the upload alone, without
    // init, forget and check. At the rendered rate, less a burst of up to two seconds' worth, it cannot be shorter
    // than this; without the flag the step reports 0:00 or 0:01 here.
    const summary = /processed \d+ files?, .* in (\d+):(\d\d)/.exec(r.output);
    expect(summary).not.toBeNull();
    const reported = Number(summary![1]) * 60 + Number(summary![2]);
    const rate = kibPerSecond * 1024;
    const floorSeconds = (size - 2 * rate) / rate;
    console.log(`restic --limit-upload ${kibPerSecond}: backup of ${size} bytes reported ${summary![1]}:${summary![2]} (at least ${floorSeconds.toFixed(2)} s at the limit)`);
    expect(floorSeconds).toBeGreaterThan(5);
    // restic prints whole seconds, truncated.
    expect(reported).toBeGreaterThanOrEqual(Math.floor(floorSeconds));
  });

  test('keepWithin counts back from the newest snapshot, not from now (documented behaviour)', () => {
    const data = path.join(dir, 'data');
    writeFile(data, 'file.bin', 'x');
    expect(run('restic', ['init'], resticEnv(dir)).status).toBe(0);
    const fmt = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().replace('T', ' ').slice(0, 19);
    for (const daysAgo of [30, 23, 20]) {
      expect(run('restic', ['backup', '--host', 'h', '--tag', 't', '--time', fmt(daysAgo), data], resticEnv(dir)).status).toBe(0);
    }
    const flags = ResticScript.retentionFlags({ keepWithin: Duration.days(5) });
    expect(flags).toEqual(['--keep-within', '5d']);
    const r = run('restic', ['forget', '--host', 'h', '--tag', 't', '--group-by', 'host,tags', ...flags], resticEnv(dir));
    expect(r.status).toBe(0);
    const left = snapshots(dir).map((s) => Math.round((Date.now() - new Date(s.time).getTime()) / 86_400_000)).sort((a, b) => a - b);
    // All three are older than 5 days from now, yet the two within 5 days of the newest (20 days ago) stay.
    expect(left).toEqual([20, 23]);
  });

  test('a wrong password stops the run without re-initializing the repository', () => {
    const { script, host, tags } = job({ keepLast: 2 });
    const data = path.join(dir, 'data');
    writeFile(data, 'a.txt', 'a');
    const env = resticEnv(dir, { BACKUP_SOURCE: data, BACKUP_HOST: host, BACKUP_TAGS: tags });
    expect(runScript(script, env).status).toBe(0);
    const config = fs.readFileSync(path.join(dir, 'repo', 'config'));
    const r = runScript(script, { ...env, RESTIC_PASSWORD: 'wrong' });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('cannot open the repository');
    expect(r.output).not.toContain('no repository yet');
    expect(fs.readFileSync(path.join(dir, 'repo', 'config')).equals(config)).toBe(true);
    expect(snapshots(dir)).toHaveLength(1);
  });

  test('a missing source fails before the repository is touched', () => {
    const { script, host, tags } = job({ keepLast: 2 });
    const r = runScript(script, resticEnv(dir, { BACKUP_SOURCE: path.join(dir, 'nope'), BACKUP_HOST: host, BACKUP_TAGS: tags }));
    expect(r.status).toBe(2);
    expect(r.output).toContain('is not a directory');
    expect(fs.existsSync(path.join(dir, 'repo'))).toBe(false);
  });

  test('missing environment is refused by name', () => {
    const { script } = job({ keepLast: 2 });
    const r = runScript(script, resticEnv(dir));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/BACKUP_SOURCE: must be set/);
  });

  test('an unreadable source file (restic exit 3) still saves the snapshot and runs forget, prune and check, then the job fails with 3', () => {
    // Root reads everything, so the script runs as an unprivileged user (like the pod) and one file is mode 000.
    const uid = 65534;
    const { script, host, tags } = job({ keepLast: 1 });
    const data = path.join(dir, 'data');
    writeFile(data, 'readable.bin', crypto.randomBytes(4096));
    const env = resticEnv(dir, { BACKUP_SOURCE: data, BACKUP_HOST: host, BACKUP_TAGS: tags });
    // The user must be able to reach the temp folder (jest's private one is 0700 root): traverse only, no listing.
    for (let d = path.dirname(dir); d !== path.dirname(d) && d.startsWith(os.tmpdir()); d = path.dirname(d)) fs.chmodSync(d, 0o711);
    const asUser = () => {
      chownTree(dir, uid);
      const r = spawnSync('setpriv', ['--reuid', String(uid), '--regid', String(uid), '--clear-groups', 'sh', '-c', script], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TZ: 'UTC', LANG: 'C', ...env }, encoding: 'utf8', timeout: 120_000,
      });
      if (r.error) throw r.error;
      return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
    };
    const first = asUser();
    expect({ status: first.status, output: first.status === 0 ? '' : first.output }).toEqual({ status: 0, output: '' });
    const firstId = savedSnapshotId(first.output);

    writeFile(data, 'locked.bin', 'not for this user');
    fs.chmodSync(path.join(data, 'locked.bin'), 0o000);
    const second = asUser();
    expect(second.status).toBe(3);
    expect(second.output).toMatch(/locked\.bin: permission denied/);
    expect(second.output).toContain('could not be read');
    const secondId = savedSnapshotId(second.output);
    // Retention ran after the partial backup: keepLast 1 left only the new snapshot, and check passed.
    expect(second.output).toContain('retention: keepLast=1');
    expect(second.output).toContain('no errors were found');
    const kept = snapshots(dir).map((s) => s.id);
    expect(kept).toHaveLength(1);
    expect(kept[0].startsWith(secondId)).toBe(true);
    expect(kept[0].startsWith(firstId)).toBe(false);
  });
});

describe('two ResticBackup jobs sharing one repository, with the real restic', () => {
  jest.setTimeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('restic-locks');
  });
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('both jobs succeed while another client holds a lock (forget/prune/check wait with --retry-lock)', async () => {
    const a = job({ keepLast: 2 });
    const script = a.script;
    // A repository and a third client that keeps a (shared) lock for a while: a backup reading stdin slowly, as a
    // long backup of another site would. Exclusive operations of the two jobs must wait for it, not fail.
    expect(run('restic', ['init'], resticEnv(dir)).status).toBe(0);
    const holder = spawn('restic', ['backup', '--stdin', '--stdin-filename', 'slow.bin', '--host', 'other-site'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...resticEnv(dir) },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const holderExit = new Promise<number | null>((resolve) => holder.on('exit', (code) => resolve(code)));
    holder.stdin.write('x'.repeat(1000));
    await new Promise((r) => setTimeout(r, 1500)); // its lock is in place
    const jobs = ['site-a', 'site-b'].map((host) => {
      const data = path.join(dir, `data-${host}`);
      writeFile(data, 'frame.bin', `${host} data`);
      return runScriptAsync(script, resticEnv(dir, { BACKUP_SOURCE: data, BACKUP_HOST: host, BACKUP_TAGS: a.tags }));
    });
    setTimeout(() => holder.stdin.end(), 6000);
    const results = await Promise.all(jobs);
    expect(await holderExit).toBe(0);
    for (const r of results) {
      expect(r.output).not.toMatch(/repository is already locked/);
      expect(r.status).toBe(0);
    }
    expect(snapshots(dir).map((s) => s.hostname).sort()).toEqual(['other-site', 'site-a', 'site-b']);
    expect(script).toContain(`--retry-lock ${ResticScript.DEFAULT_RETRY_LOCK.toSeconds()}s`);
  });
});
