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
import { aclArgs, clientProperties, describeRun, KafkaBroker, KafkaClass, kafkaClasspath, ScramUser } from '../support/kafka';
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** How a test reaches one cluster MirrorMaker2 connects to: a loopback bootstrap address and the login's password. */
export interface MirrorClusterAccess {
  /** Bootstrap servers on loopback (stand-in for the in-cluster or WAN address). */
  readonly bootstrapServers: string;
  /** The password of the user the KafkaMirrorMaker2 spec names for this cluster (the Secret's value). */
  readonly password: string;
}

const props = (entries: { [k: string]: unknown }) => Object.entries(entries).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';

/** The SCRAM login a KafkaMirrorMaker2 cluster entry names (`authentication.username`), with the given password. */
function loginOf(cluster: any, password: string): ScramUser {
  const auth = cluster.authentication ?? {};
  if (auth.type !== 'scram-sha-512' || !auth.username) throw new Error(`cluster ${cluster.alias}: authentication ${JSON.stringify(auth)} is not scram-sha-512 with a username`);
  return { name: auth.username, password };
}

/**
 * A Kafka Connect worker (Kafka's own ConnectDistributed) running the connectors of a synthesized KafkaMirrorMaker2 as
 * Strimzi runs them: the worker joins `spec.target` (its groupId, storage topics and `config`) as the target user; each
 * mirror's source, checkpoint and heartbeat connectors get their `config` and `tasksMax`, the two clusters' aliases,
 * bootstrap servers and logins, and `topics`/`groups` from `topicsPattern`/`groupsPattern`.
 * Stand-ins: loopback bootstrap addresses and SASL_PLAINTEXT instead of the TLS listeners (`tls` is not applied).
 */
export class MirrorMaker2Worker {
  public static async start(mm2: any, target: MirrorClusterAccess, sources: { [alias: string]: MirrorClusterAccess }): Promise<MirrorMaker2Worker> {
    const spec = mm2.spec;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm2-worker-'));
    const restPort = await freePort();
    const targetLogin = clientProperties(loginOf(spec.target, target.password));
    fs.writeFileSync(path.join(dir, 'worker.properties'), props({
      'bootstrap.servers': target.bootstrapServers,
      'group.id': spec.target.groupId,
      'config.storage.topic': spec.target.configStorageTopic,
      'offset.storage.topic': spec.target.offsetStorageTopic,
      'status.storage.topic': spec.target.statusStorageTopic,
      ...spec.target.config,
      // As Strimzi writes a Connect worker's security settings: for the worker and for the producers, consumers and
      // admin clients it gives the connectors (Connect reads those only under these prefixes).
      ...targetLogin,
      ...Object.fromEntries(['producer.', 'consumer.', 'admin.'].flatMap((p) => Object.entries(targetLogin).map(([k, v]) => [`${p}${k}`, v]))),
      'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'listeners': `http://127.0.0.1:${restPort}`,
      'rest.advertised.host.name': '127.0.0.1',
      'plugin.discovery': 'only_scan',
    }), { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'log4j2.properties'), props({
      'rootLogger.level': 'WARN',
      'rootLogger.appenderRef.out.ref': 'OUT',
      'appender.out.type': 'Console',
      'appender.out.name': 'OUT',
      'appender.out.layout.type': 'PatternLayout',
      'appender.out.layout.pattern': '%p %m (%c)%n',
    }));
    const child = spawn('java', ['-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Dlog4j2.configurationFile=${path.join(dir, 'log4j2.properties')}`,
      '-cp', kafkaClasspath(), KafkaClass.CONNECT_DISTRIBUTED, path.join(dir, 'worker.properties')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const worker = new MirrorMaker2Worker(dir, restPort, child);
    try {
      await worker.until('the Connect REST API', async () => {
        try {
          return (await fetch(`${worker.rest}/connectors`)).ok;
        } catch {
          return false;
        }
      }, 180_000);
      for (const mirror of spec.mirrors) {
        const source = sources[mirror.source.alias];
        if (!source) throw new Error(`no loopback access given for source cluster ${mirror.source.alias}`);
        const clusters: { [k: string]: string } = {
          'source.cluster.alias': mirror.source.alias,
          'target.cluster.alias': spec.target.alias,
          'source.cluster.bootstrap.servers': source.bootstrapServers,
          'target.cluster.bootstrap.servers': target.bootstrapServers,
          ...Object.fromEntries(Object.entries(clientProperties(loginOf(mirror.source, source.password))).map(([k, v]) => [`source.cluster.${k}`, v])),
          ...Object.fromEntries(Object.entries(targetLogin).map(([k, v]) => [`target.cluster.${k}`, v])),
        };
        const connectors: Array<[string, string, any, { [k: string]: string }]> = [
          ['MirrorSourceConnector', 'org.apache.kafka.connect.mirror.MirrorSourceConnector', mirror.sourceConnector, mirror.topicsPattern ? { topics: mirror.topicsPattern } : {}],
          ['MirrorCheckpointConnector', 'org.apache.kafka.connect.mirror.MirrorCheckpointConnector', mirror.checkpointConnector, mirror.groupsPattern ? { groups: mirror.groupsPattern } : {}],
          ['MirrorHeartbeatConnector', 'org.apache.kafka.connect.mirror.MirrorHeartbeatConnector', mirror.heartbeatConnector, {}],
        ];
        for (const [kind, cls, connector, patterns] of connectors) {
          if (!connector) continue;
          const name = `${mirror.source.alias}->${spec.target.alias}.${kind}`;
          const config = {
            'connector.class': cls,
            'tasks.max': String(connector.tasksMax ?? 1),
            ...clusters,
            ...patterns,
            ...Object.fromEntries(Object.entries(connector.config ?? {}).map(([k, v]) => [k, String(v)])),
          };
          const res = await fetch(`${worker.rest}/connectors/${encodeURIComponent(name)}/config`, {
            method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(config),
          });
          if (res.status >= 300) throw new Error(`connector ${name} refused: ${res.status} ${await res.text()}`);
          worker.connectors.push(name);
        }
      }
    } catch (e) {
      await worker.stop();
      throw e;
    }
    return worker;
  }

  public log = '';
  public readonly connectors: string[] = [];
  private readonly rest: string;

  private constructor(private readonly dir: string, restPort: number, private readonly child: ChildProcess) {
    this.rest = `http://127.0.0.1:${restPort}`;
    child.stdout!.on('data', (d: Buffer) => { this.log += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { this.log += d.toString(); });
  }

  /** The connectors' and their tasks' states, e.g. `{ "cloud->site.MirrorSourceConnector": "RUNNING/RUNNING" }`. */
  public async states(): Promise<{ [name: string]: string }> {
    const out: { [name: string]: string } = {};
    for (const name of this.connectors) {
      try {
        const s: any = await (await fetch(`${this.rest}/connectors/${encodeURIComponent(name)}/status`)).json();
        out[name] = [s.connector?.state, ...(s.tasks ?? []).map((t: any) => t.state)].join('/');
      } catch (e) {
        out[name] = `unknown (${(e as Error).message})`;
      }
    }
    return out;
  }

  /** Poll `probe` until true; throws naming `what` with the worker's log tail. */
  public async until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      if (await probe()) return;
      await sleep(1000);
    }
    throw new Error(`${what}: not there after ${timeoutMs} ms (worker ${this.child.exitCode === null ? 'running' : `exited ${this.child.exitCode}`}); log tail:\n${this.log.split('\n').slice(-30).join('\n')}`);
  }

  public async stop(): Promise<void> {
    await stopChild(this.child);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
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
