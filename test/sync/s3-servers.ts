// Real S3 endpoints and the real rclone binary for the ObjectReplication tests (not a test file).
// moto_server (moto's standalone S3-compatible server, installed into the tools folder by scripts/test-tools.sh) plays
// the edge and the cloud store on loopback; rclone (Debian package, same script) runs the CronJob's exact arguments.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from '../support/net';
import { requireTools } from '../support/tools';

export interface S3Server {
  readonly endpoint: string;
  stop(): Promise<void>;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms`);
}

/** Start one moto S3 server on a free loopback port. */
export async function startS3Server(): Promise<S3Server> {
  const port = await freePort();
  const [motoServer] = requireTools('moto_server');
  const child = spawn(motoServer, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', env: cleanEnv() });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForHttp(endpoint, child, 30_000);
  return {
    endpoint,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** PATH only: no CA-bundle or proxy variables of the host leak into rclone (a pod has none of them). */
export function cleanEnv(extra: { [k: string]: string } = {}): { [k: string]: string } {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra };
}

/** Environment for an ad-hoc rclone remote named `name` pointing at `endpoint` (for seeding and inspecting). */
export function remoteEnv(name: string, endpoint: string): { [k: string]: string } {
  const p = `RCLONE_CONFIG_${name.toUpperCase()}_`;
  return {
    [`${p}TYPE`]: 's3',
    [`${p}PROVIDER`]: 'Other',
    [`${p}ENDPOINT`]: endpoint,
    [`${p}ACCESS_KEY_ID`]: 'test',
    [`${p}SECRET_ACCESS_KEY`]: 'test',
    [`${p}REGION`]: 'us-east-1',
    [`${p}FORCE_PATH_STYLE`]: 'true',
    [`${p}ENV_AUTH`]: 'false',
  };
}

export interface RcloneResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly output: string;
  readonly logs: any[];
}

/** Run rclone with `args` and `env`, HOME in a fresh temp dir. */
export function rclone(args: string[], env: { [k: string]: string }): RcloneResult {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rclone-home-'));
  const res = spawnSync('rclone', args, { env: cleanEnv({ ...env, HOME: home }), encoding: 'utf8', timeout: 120_000 });
  fs.rmSync(home, { recursive: true, force: true });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  // rclone logs to stderr; with --use-json-log every line is one JSON object.
  const logs = (res.stderr ?? '').split('\n').filter((l) => l.startsWith('{')).flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
  return { status: res.status, stdout: res.stdout ?? '', output, logs };
}

/** Upload `content` to `remote:key` with the given modification time (rclone stores it as object metadata). */
export function putObject(remote: string, env: { [k: string]: string }, key: string, content: string | Buffer, mtime: Date): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obj-'));
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, content);
  fs.utimesSync(file, mtime, mtime);
  const res = rclone(['copyto', file, `${remote}:${key}`], env);
  fs.rmSync(dir, { recursive: true, force: true });
  if (res.status !== 0) throw new Error(`upload of ${key} failed: ${res.output}`);
}

/** Content of `remote:key`, or undefined when absent. */
export function getObject(remote: string, env: { [k: string]: string }, key: string): string | undefined {
  const listing = rclone(['lsf', '--files-only', `${remote}:${path.posix.dirname(key)}`], env);
  if (!listing.stdout.split('\n').includes(path.posix.basename(key))) return undefined;
  const res = rclone(['cat', `${remote}:${key}`], env);
  if (res.status !== 0) throw new Error(`reading ${key} failed: ${res.output}`);
  return res.stdout;
}

/** `{ key: md5 }` of every object under `remote:dir`. */
export function md5s(remote: string, env: { [k: string]: string }, dir: string): { [key: string]: string } {
  const res = rclone(['lsjson', '-R', '--hash', '--files-only', `${remote}:${dir}`], env);
  if (res.status !== 0) throw new Error(`listing ${dir} failed: ${res.output}`);
  const json = JSON.parse(res.stdout);
  return Object.fromEntries(json.map((o: any) => [o.Path, o.Hashes?.md5 ?? o.Hashes?.MD5]));
}

/** The container of a CronJob manifest, as rclone would run it: args, and env with Secret references resolved. */
type Secrets = { [name: string]: { [key: string]: string } };
export function jobInvocation(cronJob: any, secrets: Secrets): { args: string[]; env: { [k: string]: string } } {
  const container = cronJob.spec.jobTemplate.spec.template.spec.containers[0];
  if (container.command?.[0] !== 'rclone') throw new Error(`unexpected command ${JSON.stringify(container.command)}`);
  return { args: container.args, env: containerEnv(container, secrets) };
}

/** A container's env with Secret references resolved the way the kubelet would (HOME left to the caller). */
export function containerEnv(container: any, secrets: Secrets): { [k: string]: string } {
  const env: { [k: string]: string } = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = e.value;
    } else {
      const ref = e.valueFrom.secretKeyRef;
      const v = secrets[ref.name]?.[ref.key];
      if (v === undefined) throw new Error(`secret ${ref.name}/${ref.key} not provided`);
      env[e.name] = v;
    }
  }
  delete env.HOME; // the pod's /tmp; the test gives rclone its own temp HOME
  return env;
}

/**
 * A folder whose programs are busybox applets (sh, awk, mktemp, date…), like the Alpine-based rclone image, with the
 * host's rclone linked in. Created once per process; the caller removes it with {@link removeImageLikeBin}.
 */
let imageBin: string | undefined;
export function imageLikeBin(): string {
  if (imageBin) return imageBin;
  const [busybox, rcloneBin] = requireTools('busybox', 'rclone');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'busybox-bin-'));
  const res = spawnSync(busybox, ['--install', '-s', dir], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`busybox --install failed: ${res.stderr}`);
  fs.symlinkSync(rcloneBin, path.join(dir, 'rclone'));
  imageBin = dir;
  return dir;
}
export function removeImageLikeBin(): void {
  if (imageBin) fs.rmSync(imageBin, { recursive: true, force: true });
  imageBin = undefined;
}

/**
 * Run a CronJob's container as the pod would: its command and args, its env with Secrets resolved, programs from
 * busybox (as in the Alpine-based image) and rclone; HOME and TMPDIR in a fresh temp folder (the pod's /tmp).
 */
export function runContainer(cronJob: any, secrets: Secrets): RcloneResult {
  const container = cronJob.spec.jobTemplate.spec.template.spec.containers[0];
  const env = containerEnv(container, secrets);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-tmp-'));
  const [cmd, ...cmdArgs] = container.command;
  const bin = imageLikeBin();
  const program = cmd === 'rclone' ? path.join(bin, 'rclone') : cmd === '/bin/sh' ? path.join(bin, 'sh') : cmd;
  const res = spawnSync(program, [...cmdArgs, ...container.args], {
    env: { ...env, PATH: bin, HOME: home, TMPDIR: home }, encoding: 'utf8', timeout: 180_000,
  });
  fs.rmSync(home, { recursive: true, force: true });
  const logs = (res.stderr ?? '').split('\n').filter((l) => l.startsWith('{')).flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
  return { status: res.status, stdout: res.stdout ?? '', output: `${res.stdout ?? ''}${res.stderr ?? ''}`, logs };
}
