import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { requireTools } from '../support/tools';

/** The container of a CronJob manifest. */
export function containerOf(cronJob: any): any {
  const containers = cronJob.spec.jobTemplate.spec.template.spec.containers;
  expect(containers).toHaveLength(1);
  return containers[0];
}

/** The exact script a CronJob runs (`/bin/sh -c <script>`). */
export function scriptOf(cronJob: any): string {
  const c = containerOf(cronJob);
  expect(c.command).toEqual(['/bin/sh', '-c']);
  expect(c.args).toHaveLength(1);
  return c.args[0];
}

/** Plain `value` env vars of a CronJob's container. */
export function plainEnvOf(cronJob: any): { [name: string]: string } {
  return Object.fromEntries(containerOf(cronJob).env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
}

/** `name -> { secret, key }` for env vars taken from Secrets. */
export function secretEnvOf(cronJob: any): { [name: string]: { name: string; key: string } } {
  const env: any[] = containerOf(cronJob).env;
  return Object.fromEntries(env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, e.valueFrom.secretKeyRef]));
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly output: string;
}

/** Runs `script` the way the container does (`sh -c script`), with a minimal environment plus `env`. */
export function runScript(script: string, env: { [name: string]: string }): RunResult {
  const r = spawnSync('sh', ['-c', script], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TZ: 'UTC', LANG: 'C', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}\n${r.stderr}` };
}

/** Runs a program directly (not through a shell). */
export function run(program: string, args: string[], env: { [name: string]: string } = {}, cwd?: string): RunResult {
  const r = spawnSync(program, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TZ: 'UTC', LANG: 'C', ...env }, encoding: 'utf8', cwd, timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}\n${r.stderr}` };
}

/** A fresh temporary directory; remove it with `fs.rmSync(dir, { recursive: true, force: true })`. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `edge-backup-${prefix}-`));
}

/** `relative path -> sha256` of every regular file under `dir`. */
export function treeHashes(dir: string): { [rel: string]: string } {
  const out: { [rel: string]: string } = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out[path.relative(dir, full)] = sha256(fs.readFileSync(full));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

export function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** Writes `content` to `root/rel` (creating directories) and optionally backdates it by `daysOld` days. */
export function writeFile(root: string, rel: string, content: Buffer | string, daysOld?: number): void {
  const full = path.join(root, rel);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
  if (daysOld !== undefined) {
    const t = new Date(Date.now() - daysOld * 86_400_000);
    fs.utimesSync(full, t, t);
  }
}

/** Runs shellcheck (POSIX sh dialect) on a script; returns its findings (empty when clean). */
export function shellcheck(script: string): string {
  requireTools('shellcheck');
  const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '-'], { input: script, encoding: 'utf8' });
  return r.status === 0 ? '' : `${r.stdout}${r.stderr}`;
}

/** {@link runScript} without blocking the event loop, so several scripts (and other processes) run at once. */
export function runScriptAsync(script: string, env: { [name: string]: string }, timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TZ: 'UTC', LANG: 'C', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}
