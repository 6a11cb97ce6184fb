/**
 * Runs the exact script an RcloneArchive CronJob carries with the real rclone binary on local directories. Only the
 * source and destination paths in the environment differ from the pod.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { plainEnvOf, run, runScript, scriptOf, sha256, tempDir, treeHashes, writeFile } from './support';
import { Bandwidth, BackupSource, RcloneArchive, RcloneArchiveProps, RcloneMode, RcloneRemote } from '../../src';
import { chart, find, synth } from '../support/harness';
import { requireTools } from '../support/tools';

requireTools('rclone');

/** Synthesizes an RcloneArchive and returns the script and environment of its CronJob. */
function archiveJob(props: Partial<RcloneArchiveProps> = {}): { script: string; env: { [k: string]: string } } {
  const c = chart('site-a');
  const construct = new RcloneArchive(c, 'cold-archive', {
    source: BackupSource.fromClaimName('recordings'),
    destination: RcloneRemote.fromClaimName('cold-disk', { path: 'site-a' }),
    ...props,
  });
  const cronJob = find(synth(c), 'CronJob', 'cold-archive');
  const script = scriptOf(cronJob);
  expect(script).toBe(construct.script);
  return { script, env: plainEnvOf(cronJob) };
}

/** Old (40 days), fresh (2 days) and excluded files. */
function seed(src: string): { old: { [rel: string]: string }; fresh: { [rel: string]: string } } {
  const old: { [rel: string]: string } = {};
  const fresh: { [rel: string]: string } = {};
  const add = (rel: string, daysOld: number, into: { [rel: string]: string }) => {
    const data = crypto.randomBytes(32 * 1024 + rel.length);
    writeFile(src, rel, data, daysOld);
    into[rel] = sha256(data);
  };
  add('cam-01/2026-01-01/seg-0001.mp4', 40, old);
  add('cam-01/2026-01-01/seg-0002.mp4', 35, old);
  add('cam-02/night shift/seg-0001.mp4', 45, old);
  add('cam-01/today/seg-0100.mp4', 2, fresh);
  add('cam-02/today/seg-0100.mp4', 0, fresh);
  writeFile(src, 'cam-01/2026-01-01/seg-0003.mp4.part', 'still being written', 40);
  return { old, fresh };
}

function mtimes(dir: string): { [rel: string]: number } {
  return Object.fromEntries(Object.keys(treeHashes(dir)).map((rel) => [rel, fs.statSync(path.join(dir, rel)).mtimeMs]));
}

beforeAll(() => {
  // sync and dryRun warnings are expected here; their wording is tested in rclone.test.ts.
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
});
afterAll(() => {
  delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
});

describe('RcloneArchive script with the real rclone binary', () => {
  let dir: string;
  let src: string;
  let dst: string;
  let env: (extra?: { [k: string]: string }) => { [k: string]: string };
  beforeEach(() => {
    dir = tempDir('rclone');
    src = path.join(dir, 'warm');
    dst = path.join(dir, 'cold', 'site-a');
    env = (extra = {}) => ({ ARCHIVE_SOURCE: src, ARCHIVE_DEST: dst, RCLONE_CONFIG: path.join(dir, 'config', 'rclone.conf'), HOME: dir, TMPDIR: dir, XDG_CACHE_HOME: path.join(dir, 'cache'), ...extra });
  });
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('copy: files older than minAge are archived with matching checksums, fresh and excluded files stay, a second run is a no-op', () => {
    const job = archiveJob({ mode: RcloneMode.COPY, minAge: Duration.days(30), excludes: ['*.part'] });
    expect(job.env.ARCHIVE_SOURCE).toBe('/data');
    expect(job.env.ARCHIVE_DEST).toBe('/archive/site-a');
    const { old, fresh } = seed(src);
    const sourceBefore = treeHashes(src);

    const first = runScript(job.script, env());
    expect({ status: first.status, output: first.status === 0 ? '' : first.output }).toEqual({ status: 0, output: '' });
    expect(treeHashes(dst)).toEqual(old);
    expect(treeHashes(src)).toEqual(sourceBefore);
    expect(Object.keys(fresh).some((rel) => fs.existsSync(path.join(dst, rel)))).toBe(false);
    expect(first.output).toContain('verifying the archive');
    expect(first.output).toMatch(/0 differences found/);
    expect(first.output).toMatch(/3 matching files/);
    // rclone keeps the modification times, so the archive stays "old" too.
    const archived = mtimes(dst);
    for (const rel of Object.keys(old)) expect(Math.abs(archived[rel] - fs.statSync(path.join(src, rel)).mtimeMs)).toBeLessThan(1000);

    const second = runScript(job.script, env());
    expect(second.status).toBe(0);
    expect(second.output).toContain('There was nothing to transfer');
    expect(second.output).not.toMatch(/Copied|Moved|Deleted/);
    expect(mtimes(dst)).toEqual(archived);
    expect(treeHashes(dst)).toEqual(old);
  });

  test('bandwidthLimit: rclone accepts the rendered --bwlimit (whole KiB/s with K, rounded down) and holds the copy to it', () => {
    // 2 Mbit/s = 250,000 B/s = 244.14 KiB/s: not whole KiB, so the rendering has to round.
    const limit = Bandwidth.mbps(2);
    const job = archiveJob({ mode: RcloneMode.COPY, minAge: Duration.days(30), bandwidthLimit: limit });
    const flag = /--bwlimit (\S+)/.exec(job.script);
    expect(flag?.[1]).toBe(`${Math.floor(limit.toBytesPerSecond() / 1024)}K`);
    const rate = Number(flag![1].replace(/K$/, '')) * 1024;

    // One old file of 1.5 MiB (random bytes: nothing to gain from compression or deduplication).
    const size = 1536 * 1024;
    const data = crypto.randomBytes(size);
    writeFile(src, 'cam-01/2026-01-01/big.mp4', data, 40);
    const started = process.hrtime.bigint();
    const r = runScript(job.script, env());
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    expect({ status: r.status, output: r.status === 0 ? '' : r.output }).toEqual({ status: 0, output: '' });
    expect(treeHashes(dst)).toEqual({ 'cam-01/2026-01-01/big.mp4': sha256(data) });
    // At the rendered rate, less a burst of up to two seconds' worth, the copy cannot be faster than this (the whole
    // script, copy and verification, takes well under a second here without the flag).
    const floorSeconds = (size - 2 * rate) / rate;
    console.log(`rclone --bwlimit ${flag![1]}: ${size} bytes archived in ${seconds.toFixed(2)} s (at least ${floorSeconds.toFixed(2)} s at the limit)`);
    expect(floorSeconds).toBeGreaterThan(3);
    expect(seconds).toBeGreaterThanOrEqual(floorSeconds);
  });

  test('move: archived files leave the source after verification, fresh files stay, a second run is a no-op', () => {
    const job = archiveJob({ mode: RcloneMode.MOVE, minAge: Duration.days(30), excludes: ['*.part'] });
    const { old, fresh } = seed(src);

    const first = runScript(job.script, env());
    expect({ status: first.status, output: first.status === 0 ? '' : first.output }).toEqual({ status: 0, output: '' });
    expect(treeHashes(dst)).toEqual(old);
    const left = treeHashes(src);
    expect(Object.keys(left).sort()).toEqual([...Object.keys(fresh), 'cam-01/2026-01-01/seg-0003.mp4.part'].sort());
    for (const [rel, hash] of Object.entries(fresh)) expect(left[rel]).toBe(hash);

    const second = runScript(job.script, env());
    expect(second.status).toBe(0);
    expect(second.output).toContain('There was nothing to transfer');
    expect(treeHashes(dst)).toEqual(old);
    expect(treeHashes(src)).toEqual(left);
  });

  test('includes narrow the selection; excludes win over includes', () => {
    const job = archiveJob({ minAge: Duration.days(30), includes: ['cam-01/**'], excludes: ['*.part'] });
    const { old } = seed(src);
    expect(runScript(job.script, env()).status).toBe(0);
    expect(treeHashes(dst)).toEqual(Object.fromEntries(Object.entries(old).filter(([rel]) => rel.startsWith('cam-01/'))));
  });

  test('dry run transfers nothing', () => {
    const job = archiveJob({ mode: RcloneMode.MOVE, dryRun: true });
    seed(src);
    const before = treeHashes(src);
    const r = runScript(job.script, env());
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/Skipped (copy|move) as --dry-run is set/);
    expect(treeHashes(src)).toEqual(before);
    expect(fs.existsSync(dst)).toBe(false);
  });

  test('a remote from an rclone.conf Secret: the config is copied to a writable path and used', () => {
    const job = archiveJob({ destination: RcloneRemote.fromConfigSecret({ config: { name: 'rclone-config', key: 'rclone.conf' }, remote: 'cold', path: 'archive/site-a' }), excludes: ['*.part'] });
    expect(job.env.ARCHIVE_DEST).toBe('cold:archive/site-a');
    expect(job.env.RCLONE_CONFIG).toBe('/config/rclone.conf');
    expect(job.env.ARCHIVE_CONFIG_TEMPLATE).toBe('/etc/rclone-config/rclone.conf');
    // In the pod the Secret is mounted read-only at /etc/rclone-config; here it is a temp file.
    const template = path.join(dir, 'secret', 'rclone.conf');
    writeFile(dir, 'secret/rclone.conf', `[cold]\ntype = alias\nremote = ${path.join(dir, 'cold-root')}\n`);
    const { old } = seed(src);
    const r = runScript(job.script, env({ ARCHIVE_DEST: job.env.ARCHIVE_DEST, ARCHIVE_CONFIG_TEMPLATE: template }));
    expect({ status: r.status, output: r.status === 0 ? '' : r.output }).toEqual({ status: 0, output: '' });
    expect(fs.readFileSync(path.join(dir, 'config', 'rclone.conf'), 'utf8')).toBe(fs.readFileSync(template, 'utf8'));
    expect(treeHashes(path.join(dir, 'cold-root', 'archive', 'site-a'))).toEqual(old);
    expect(r.output).toMatch(/0 differences found/);
  });

  test('sync mirrors deletions into the archive (why the construct warns about sync)', () => {
    const job = archiveJob({ mode: RcloneMode.SYNC, excludes: ['*.part'] });
    const { old } = seed(src);
    expect(runScript(job.script, env()).status).toBe(0);
    expect(treeHashes(dst)).toEqual(old);
    const gone = 'cam-02/night shift/seg-0001.mp4';
    fs.rmSync(path.join(src, gone));
    expect(runScript(job.script, env()).status).toBe(0);
    expect(Object.keys(treeHashes(dst))).not.toContain(gone);
  });

  test('checksum comparison repairs an archived copy corrupted behind rclone\'s back (same size and time)', () => {
    const job = archiveJob({ excludes: ['*.part'] });
    const { old } = seed(src);
    expect(runScript(job.script, env()).status).toBe(0);
    expect(run('rclone', ['check', src, dst, '--one-way', '--min-age', '30d', '--exclude', '*.part'], env()).status).toBe(0);
    const victim = 'cam-01/2026-01-01/seg-0001.mp4';
    const stat = fs.statSync(path.join(dst, victim));
    fs.writeFileSync(path.join(dst, victim), crypto.randomBytes(stat.size));
    fs.utimesSync(path.join(dst, victim), stat.atime, stat.mtime);
    expect(treeHashes(dst)[victim]).not.toBe(old[victim]);
    const r = runScript(job.script, env());
    expect(r.status).toBe(0);
    expect(r.output).toMatch(new RegExp(`${victim}: Copied \\(replaced existing\\)`));
    expect(treeHashes(dst)).toEqual(old);
  });
});
