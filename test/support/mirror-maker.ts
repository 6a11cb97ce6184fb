// MirrorMaker2 for the real-program tier: a distributed Kafka Connect worker (Kafka's own ConnectDistributed) running
// the connectors of a synthesized KafkaMirrorMaker2 the way Strimzi configures them:
// - the worker joins `spec.target` (its bootstrap servers, groupId, storage topics and `config`) with the target
//   cluster's connection security, also under the `producer.`/`consumer.`/`admin.` prefixes (Connect gives the
//   connectors' clients only those, so without them no record flows);
// - each mirror's source, checkpoint and heartbeat connectors get their `config` and `tasksMax`, the two clusters'
//   aliases, bootstrap servers and security, and `topics`/`groups` from `topicsPattern`/`groupsPattern`; they are
//   named as Strimzi names them, `<source alias>-><target alias>.<Class>`.
// How the test reaches each cluster (loopback bootstrap servers, the login and truststore) is the caller's: either
// Strimzi's own view (`strimziConnection`, from the spec and the Secret values) or an override.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { clientProperties, KafkaClass, kafkaClasspath } from './kafka';
import { SecretValues } from './minio';
import { freePort } from './net';

/** How the fixture reaches one cluster: bootstrap servers and the client security properties. */
export interface MirrorClusterConnection {
  readonly bootstrapServers: string;
  /** `security.protocol`, `sasl.*`, `ssl.*` client properties. */
  readonly security: { [key: string]: string };
}

/** A connector kind of a KafkaMirrorMaker2 mirror. */
export type MirrorConnectorKind = 'source' | 'checkpoint' | 'heartbeat';

/** Options of {@link MirrorMakerRun.start}. */
export interface MirrorMakerOptions {
  /** The synthesized KafkaMirrorMaker2. */
  readonly mm2: any;
  /** The target cluster (`spec.target`). */
  readonly target: MirrorClusterConnection;
  /** Each mirror's source cluster, by alias. */
  readonly sources: { [alias: string]: MirrorClusterConnection };
  /** Working folder (properties files); the caller removes it. */
  readonly dir: string;
  /** A hosts file for the JVM (`-Djdk.net.hosts.file`), when the clusters are reached by Service names. @default - the system's */
  readonly hostsFile?: string;
  /** Which connectors to start. @default - every connector the mirrors declare */
  readonly connectors?: MirrorConnectorKind[];
  /** Resolve only once every connector and task is RUNNING (and each source connector has a task). @default true */
  readonly waitRunning?: boolean;
}

const CONNECTOR_CLASSES: Array<[MirrorConnectorKind, string, string]> = [
  ['source', 'sourceConnector', 'MirrorSourceConnector'],
  ['checkpoint', 'checkpointConnector', 'MirrorCheckpointConnector'],
  ['heartbeat', 'heartbeatConnector', 'MirrorHeartbeatConnector'],
];

const props = (entries: { [k: string]: unknown }) => Object.entries(entries).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
const prefixed = (prefix: string, p: { [k: string]: string }) => Object.fromEntries(Object.entries(p).map(([k, v]) => [`${prefix}${k}`, v]));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A cluster connection as Strimzi renders it for Connect from `spec.target` or `mirrors[].source`: the security
 * protocol from `tls` + `authentication`, the trusted certificates (values from `secrets`, written as a PEM truststore
 * under `dir`), the SCRAM login (password from the Secret the spec names).
 */
export function strimziConnection(
  cluster: any, secrets: SecretValues, dir: string, bootstrapServers: string = cluster.bootstrapServers,
): MirrorClusterConnection {
  const label = cluster.alias;
  const security: { [k: string]: string } = {};
  const auth = cluster.authentication;
  const tls = cluster.tls;
  security['security.protocol'] = tls ? (auth ? 'SASL_SSL' : 'SSL') : (auth ? 'SASL_PLAINTEXT' : 'PLAINTEXT');
  if (tls) {
    const pems = (tls.trustedCertificates ?? []).map((c: any) => {
      const v = secrets[c.secretName]?.[c.certificate];
      if (v === undefined) throw new Error(`${label}: trusted certificate Secret ${c.secretName} key ${c.certificate} not supplied`);
      return v;
    });
    const file = path.join(dir, `${label}-truststore.pem`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, pems.join(''), { mode: 0o600 });
    security['ssl.truststore.type'] = 'PEM';
    security['ssl.truststore.location'] = file;
  }
  if (auth) {
    if (auth.type !== 'scram-sha-512') throw new Error(`${label}: authentication type ${auth.type} is not supported by this fixture`);
    const ref = auth.passwordSecret;
    const password = secrets[ref.secretName]?.[ref.password];
    if (password === undefined) throw new Error(`${label}: password Secret ${ref.secretName} key ${ref.password} not supplied`);
    const login = clientProperties({ name: auth.username, password });
    security['sasl.mechanism'] = login['sasl.mechanism'];
    security['sasl.jaas.config'] = login['sasl.jaas.config'];
  }
  return { bootstrapServers, security };
}

/** A running Connect worker with the MirrorMaker2 connectors of one KafkaMirrorMaker2. */
export class MirrorMakerRun {
  /** Starts the worker, waits for its REST API, PUTs the connectors (and by default waits until they run). */
  public static async start(o: MirrorMakerOptions): Promise<MirrorMakerRun> {
    const spec = o.mm2.spec;
    fs.mkdirSync(o.dir, { recursive: true });
    const restPort = await freePort();
    const workerFile = path.join(o.dir, 'worker.properties');
    fs.writeFileSync(workerFile, props({
      'bootstrap.servers': o.target.bootstrapServers,
      'group.id': spec.target.groupId,
      'config.storage.topic': spec.target.configStorageTopic,
      'offset.storage.topic': spec.target.offsetStorageTopic,
      'status.storage.topic': spec.target.statusStorageTopic,
      // Strimzi's MirrorMaker2 worker converters.
      'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      ...spec.target.config,
      ...o.target.security,
      ...prefixed('producer.', o.target.security),
      ...prefixed('consumer.', o.target.security),
      ...prefixed('admin.', o.target.security),
      'listeners': `http://127.0.0.1:${restPort}`,
      'rest.advertised.host.name': '127.0.0.1',
      'plugin.discovery': 'only_scan',
    }), { mode: 0o600 });
    const log4j = path.join(o.dir, 'log4j2.properties');
    fs.writeFileSync(log4j, props({
      'rootLogger.level': 'WARN',
      'rootLogger.appenderRef.out.ref': 'OUT',
      'appender.out.type': 'Console',
      'appender.out.name': 'OUT',
      'appender.out.layout.type': 'PatternLayout',
      'appender.out.layout.pattern': '%p %m (%c)%n',
    }));
    const child = spawn('java', ['-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', ...(o.hostsFile ? [`-Djdk.net.hosts.file=${o.hostsFile}`] : []),
      `-Dlog4j2.configurationFile=${log4j}`, '-cp', kafkaClasspath(), KafkaClass.CONNECT_DISTRIBUTED, workerFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run = new MirrorMakerRun(restPort, child);
    try {
      await run.until('the Connect REST API', async () => {
        try {
          return (await fetch(`${run.rest}/connectors`)).ok;
        } catch {
          return false;
        }
      }, 180_000);
      const kinds = o.connectors ?? CONNECTOR_CLASSES.map(([k]) => k);
      for (const mirror of spec.mirrors) {
        const source = o.sources[mirror.source.alias];
        if (!source) throw new Error(`no connection given for source cluster ${mirror.source.alias}`);
        const clusters: { [k: string]: string } = {
          'source.cluster.alias': mirror.source.alias,
          'target.cluster.alias': spec.target.alias,
          'source.cluster.bootstrap.servers': source.bootstrapServers,
          'target.cluster.bootstrap.servers': o.target.bootstrapServers,
          ...prefixed('source.cluster.', source.security),
          ...prefixed('target.cluster.', o.target.security),
        };
        for (const [kind, field, cls] of CONNECTOR_CLASSES) {
          const connector = mirror[field];
          if (!connector || !kinds.includes(kind)) continue;
          const name = `${mirror.source.alias}->${spec.target.alias}.${cls}`;
          await run.putConnector(name, {
            'connector.class': `org.apache.kafka.connect.mirror.${cls}`,
            'tasks.max': String(connector.tasksMax ?? 1),
            ...clusters,
            ...(kind === 'source' && mirror.topicsPattern !== undefined ? { topics: mirror.topicsPattern } : {}),
            ...(kind === 'checkpoint' && mirror.groupsPattern !== undefined ? { groups: mirror.groupsPattern } : {}),
            ...Object.fromEntries(Object.entries(connector.config ?? {}).map(([k, v]) => [k, String(v)])),
          });
        }
      }
      if (o.waitRunning ?? true) await run.untilRunning(180_000);
    } catch (e) {
      await run.stop();
      throw e;
    }
    return run;
  }

  /** Connector names as Strimzi names them (`<source>-><target>.<Class>`). */
  public readonly connectors: string[] = [];
  private output = '';
  private readonly rest: string;
  private readonly exited: Promise<void>;

  private constructor(restPort: number, private readonly child: ChildProcess) {
    this.rest = `http://127.0.0.1:${restPort}`;
    child.stdout!.on('data', (d: Buffer) => { this.output += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { this.output += d.toString(); });
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  /** The worker's output so far. */
  public log(): string {
    return this.output;
  }

  /** `/connectors/<name>/status` of every connector. */
  public async status(): Promise<any[]> {
    return Promise.all(this.connectors.map(async (n) => (await fetch(`${this.rest}/connectors/${encodeURIComponent(n)}/status`)).json()));
  }

  /** The connectors' and their tasks' states, e.g. `{ "cloud->site.MirrorSourceConnector": "RUNNING/RUNNING" }`. */
  public async states(): Promise<{ [name: string]: string }> {
    const all = await this.status().catch(() => []);
    return Object.fromEntries(all.map((s: any, i: number) => [this.connectors[i], [s.connector?.state, ...(s.tasks ?? []).map((t: any) => t.state)].join('/')]));
  }

  /** Poll `probe` until true; throws naming `what` with the worker's log tail. */
  public async until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      if (await probe()) return;
      await sleep(1000);
    }
    throw new Error(`${what}: not there after ${timeoutMs} ms (worker ${this.child.exitCode === null ? 'running' : `exited ${this.child.exitCode}`}); log tail:\n${this.tail()}`);
  }

  /** Stops the worker (SIGTERM, SIGKILL after 20 s). */
  public async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(t);
  }

  private async putConnector(name: string, config: { [k: string]: string }): Promise<void> {
    const res = await fetch(`${this.rest}/connectors/${encodeURIComponent(name)}/config`, {
      method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(config),
    });
    if (res.status >= 300) throw new Error(`connector ${name} refused: ${res.status} ${await res.text()}`);
    this.connectors.push(name);
  }

  private async untilRunning(timeoutMs: number): Promise<void> {
    let last: any[] = [];
    await this.until('every connector and task RUNNING', async () => {
      last = await this.status().catch(() => []);
      const failed = last.find((s: any) => s.connector?.state === 'FAILED' || (s.tasks ?? []).some((t: any) => t.state === 'FAILED'));
      if (failed) throw new Error(`connector failed: ${JSON.stringify(failed).slice(0, 3000)}`);
      return last.length === this.connectors.length && last.every((s: any) => s.connector?.state === 'RUNNING'
        && (s.tasks ?? []).every((t: any) => t.state === 'RUNNING')
        && (!String(s.name).endsWith('.MirrorSourceConnector') || (s.tasks ?? []).length > 0));
    }, timeoutMs).catch((e) => {
      throw new Error(`${(e as Error).message}\nlast status: ${JSON.stringify(last).slice(0, 2000)}`);
    });
  }

  private tail(): string {
    return this.output.split('\n').slice(-30).join('\n');
  }
}
