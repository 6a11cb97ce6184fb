// Fixtures of the ModelDistributionSite end-to-end test (model-site-e2e.real.test.ts), not a test file:
// - a "cloud" object store: one real MinIO server on loopback answering virtual-hosted requests for a domain, so the
//   release job's AWS-flavoured rclone remote (virtual-hosted addressing) runs unchanged against it;
// - Strimzi KafkaUser ACLs applied to a real broker with kafka-acls, as the User Operator would apply them;
// - a Kafka Connect worker running the MirrorMaker2 connectors of a synthesized KafkaMirrorMaker2, configured the way
//   Strimzi configures them (worker from spec.target, connectors from spec.mirrors[]);
// - the real nginx with a rendered cache configuration on a loopback address.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nginxTest, Proc, request, waitFor } from '../cache/servers';
import { aclArgs, describeRun, KafkaBroker, KafkaClass } from '../support/kafka';
import { freePort } from '../support/net';
import { requireTools } from '../support/tools';

/** Stop a child: SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. */
async function stopChild(child: ChildProcess | undefined, graceMs = 20_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}


/** A single-drive MinIO standing in for the cloud's S3 service. */
export class CloudS3 {
  /**
   * Start MinIO on 127.0.0.1:`port` (a free port when omitted) with `MINIO_DOMAIN=domain`, so `http://<bucket>.<domain>:<port>`
   * reaches bucket `<bucket>` (virtual-hosted style) once the name resolves to 127.0.0.1; path-style requests work too.
   */
  public static async start(domain: string, region: string): Promise<CloudS3> {
    const [minio] = requireTools('minio');
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-s3-'));
    const rootUser = 'cloud-root';
    const rootPassword = `cloud-root-${Math.random().toString(36).slice(2, 12)}`;
    const log = fs.openSync(path.join(dir, 'server.log'), 'a');
    const child = spawn(minio, ['server', '--quiet', '--address', `127.0.0.1:${port}`, path.join(dir, 'data')], {
      stdio: ['ignore', log, log],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        MINIO_ROOT_USER: rootUser,
        MINIO_ROOT_PASSWORD: rootPassword,
        MINIO_DOMAIN: domain,
        MINIO_SITE_REGION: region,
        MINIO_BROWSER: 'off',
      },
    });
    fs.closeSync(log);
    const s3 = new CloudS3(domain, port, dir, rootUser, rootPassword, child);
    try {
      await waitFor(async () => child.exitCode === null && (await request(`${s3.url}/minio/health/ready`)).status === 200,
        () => `cloud MinIO on ${s3.url}: ${s3.logTail()}`, 600);
    } catch (e) {
      await s3.stop();
      throw e;
    }
    return s3;
  }

  /** `http://127.0.0.1:<port>` (path-style, for the test's own mc calls). */
  public readonly url: string;

  private constructor(
    public readonly domain: string, public readonly port: number, private readonly dir: string,
    private readonly rootUser: string, private readonly rootPassword: string, private readonly child: ChildProcess,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** The S3 endpoint clients are configured with: `http://<domain>:<port>`. */
  public get endpoint(): string {
    return `http://${this.domain}:${this.port}`;
  }

  /** Run mc as the cloud's administrator (alias `cloud`); throws with mc's output unless it exits 0. */
  public mc(args: string[], input?: string | Buffer): string {
    const [mc] = requireTools('mc');
    const r = spawnSync(mc, ['--no-color', ...args], {
      input,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        MC_CONFIG_DIR: path.join(this.dir, 'mc'),
        MC_HOST_cloud: `http://${this.rootUser}:${this.rootPassword}@127.0.0.1:${this.port}`,
      },
    });
    if (r.status !== 0) throw new Error(`mc ${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  public logTail(lines = 20): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'server.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  public async stop(): Promise<void> {
    await stopChild(this.child);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Apply every `spec.authorization.acls` rule of the synthesized KafkaUsers to `broker` with kafka-acls (rules that
 * differ only in the resource name go in one call). Returns the number of rules applied.
 */
export async function applyKafkaUserAcls(broker: KafkaBroker, users: any[]): Promise<number> {
  const FLAGS: { [type: string]: string } = { topic: '--topic', group: '--group', transactionalId: '--transactional-id' };
  const batches = new Map<string, { user: string; rule: any; names: string[] }>();
  let rules = 0;
  for (const u of users) {
    if (u.spec?.authorization?.type !== 'simple') throw new Error(`KafkaUser ${u.metadata.name}: authorization ${JSON.stringify(u.spec?.authorization)} is not "simple"`);
    for (const rule of u.spec.authorization.acls) {
      rules++;
      const { name, ...resource } = rule.resource;
      const key = JSON.stringify([u.metadata.name, { ...rule, resource }]);
      const batch = batches.get(key) ?? { user: u.metadata.name, rule, names: [] as string[] };
      if (name !== undefined) batch.names.push(name);
      batches.set(key, batch);
    }
  }
  await Promise.all([...batches.values()].map(async (batch) => {
    const args = aclArgs(batch.user, batch.rule);
    const flag = FLAGS[batch.rule.resource.type];
    const at = flag ? args.indexOf(flag) : -1;
    const all = at >= 0 ? [...args.slice(0, at), ...batch.names.flatMap((n) => [flag, n]), ...args.slice(at + 2)] : args;
    await broker.mustTool(KafkaClass.ACLS, all);
  }));
  return rules;
}

/** Whether `topic` exists on `broker` (asked as the admin). */
export async function topicExists(broker: KafkaBroker, topic: string): Promise<boolean> {
  const r = await broker.tool(KafkaClass.TOPICS, ['--describe', '--topic', topic]);
  return r.code === 0 && new RegExp(`Topic: ${topic.replace(/[.]/g, '\\.')}\\s`).test(r.stdout);
}

/** A console consumer's run: what it printed, and the failure line when it failed. */
export function consumerOutcome(r: { code: number | null; stdout: string; stderr: string }): string {
  return r.code === 0 ? r.stdout.trim() : `exit ${r.code}: ${describeRun(KafkaClass.CONSOLE_CONSUMER, [], r as any)}`;
}

/**
 * Check `conf` with `nginx -t`, then run nginx in the foreground (prefix `prefix`) and wait until `http://<listen>`
 * answers its health path.
 */
export async function startNginxAt(conf: string, prefix: string, listen: string, healthPath: string): Promise<Proc> {
  const confFile = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(confFile, conf);
  const [status, output] = nginxTest(confFile, prefix);
  if (status !== 0) throw new Error(`nginx -t failed (exit ${status}): ${output}`);
  const [nginx] = requireTools('nginx');
  const proc = new Proc(spawn(nginx, ['-c', confFile, '-p', prefix, '-e', 'stderr'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await waitFor(async () => !proc.exited && (await request(`http://${listen}${healthPath}`)).status === 200, () => `nginx on ${listen}: ${proc.output}`);
  return proc;
}
