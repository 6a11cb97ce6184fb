// A real Kafka for the real-program tier: single-node KRaft brokers (broker + controller in one JVM) on loopback,
// SASL/SCRAM-SHA-512 clients (as the library's Strimzi KafkaUsers with `authentication.type: scram-sha-512`), the
// StandardAuthorizer with ACLs, and Kafka's own CLI tool classes run as `java -cp '<libs>/*' <class>`. The jars come
// from `bash scripts/test-tools.sh kafka` (tools folder, kafka/libs). `startBroker()` may be called more than once
// (e.g. an edge and a cloud cluster for MirrorMaker2); every broker has its own ports, folder and cluster id.
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from './net';
import { requireToolPath } from './tools';

/** Main classes of the tools in kafka/libs (the classes Kafka's bin/*.sh scripts run). */
export const KafkaClass = {
  /** The broker/controller (`kafka-server-start.sh`). */
  SERVER: 'kafka.Kafka',
  /** `kafka-storage.sh` (format, random-uuid). */
  STORAGE: 'kafka.tools.StorageTool',
  /** `kafka-topics.sh`. */
  TOPICS: 'org.apache.kafka.tools.TopicCommand',
  /** `kafka-configs.sh`. */
  CONFIGS: 'kafka.admin.ConfigCommand',
  /** `kafka-acls.sh`. */
  ACLS: 'org.apache.kafka.tools.AclCommand',
  /** `kafka-console-producer.sh`. */
  CONSOLE_PRODUCER: 'org.apache.kafka.tools.ConsoleProducer',
  /** `kafka-console-consumer.sh`. */
  CONSOLE_CONSUMER: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  /** `kafka-consumer-groups.sh`. */
  CONSUMER_GROUPS: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  /** `connect-mirror-maker.sh` (MirrorMaker2, dedicated mode). */
  MIRROR_MAKER: 'org.apache.kafka.connect.mirror.MirrorMaker',
  /** `connect-distributed.sh` (a Connect worker that can run MirrorSourceConnector). */
  CONNECT_DISTRIBUTED: 'org.apache.kafka.connect.cli.ConnectDistributed',
} as const;

/** Heap of tool JVMs (short-lived clients). */
const TOOL_HEAP = '-Xmx256m';
/** Heap of a broker JVM: small, so it fits beside the other real-tier programs. */
const BROKER_HEAP = '-Xmx512m';
/** Flags that make short JVMs start faster on a small machine. */
const FAST_JVM = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

/** The classpath of every Kafka class (broker, tools, Connect, MirrorMaker2): `<tools>/kafka/libs/*`. */
export function kafkaClasspath(): string {
  return path.join(requireToolPath('kafka/libs'), '*');
}

/** A SASL/SCRAM-SHA-512 login. */
export interface ScramUser {
  readonly name: string;
  readonly password: string;
}

/** A fresh password (letters and digits only, so it needs no quoting in JAAS or the kafka-configs syntax). */
export function newPassword(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 20) + 'A1';
}

/**
 * A Kafka cluster id as `kafka-storage random-uuid` prints it (16 random bytes, unpadded URL-safe base64). Like Kafka's
 * own generator it never starts with "-" (1 in 64 would, and kafka-storage then takes it for an option and fails).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Java properties text (keys and values are written as given; values here never need escaping). */
function properties(entries: { [key: string]: string }): string {
  return Object.entries(entries).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

function jaas(user: ScramUser): string {
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user.name}" password="${user.password}";`;
}

/** The client properties of a SCRAM-SHA-512 login over SASL_PLAINTEXT. */
export function clientProperties(user: ScramUser): { [key: string]: string } {
  return { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': jaas(user) };
}

const LOG4J_TOOLS = properties({
  'rootLogger.level': 'WARN',
  'rootLogger.appenderRef.err.ref': 'ERR',
  'appender.err.type': 'Console',
  'appender.err.name': 'ERR',
  'appender.err.target': 'SYSTEM_ERR',
  'appender.err.layout.type': 'PatternLayout',
  'appender.err.layout.pattern': '%p %m (%c)%n',
});

const LOG4J_SERVER = properties({
  'rootLogger.level': 'INFO',
  'rootLogger.appenderRef.out.ref': 'OUT',
  'appender.out.type': 'Console',
  'appender.out.name': 'OUT',
  'appender.out.layout.type': 'PatternLayout',
  'appender.out.layout.pattern': '[%d] %p %m (%c)%n',
  // The state change and request logs are noisy and say nothing a test needs.
  'logger.state.name': 'state.change.logger',
  'logger.state.level': 'WARN',
});

/** The result of a tool run. */
export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time in milliseconds. */
  readonly millis: number;
}

/** Options of {@link runKafkaTool}. */
export interface ToolOptions {
  /** Text written to the tool's stdin (then closed). */
  readonly stdin?: string;
  /** Kill the tool after this long. @default 60 s */
  readonly timeoutMs?: number;
  /** A log4j2 properties file. @default - warnings and errors to stderr */
  readonly log4jConfig?: string;
  /** Extra JVM options. */
  readonly jvmOptions?: string[];
}

/** The tools' log4j2 file, kept in the tools folder next to the jars (written once; no temp folder to clean up). */
function toolLog4jFile(): string {
  const file = path.join(path.dirname(requireToolPath('kafka/libs')), 'tools-log4j2.properties');
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== LOG4J_TOOLS) {
    const tmp = `${file}.${process.pid}`;
    fs.writeFileSync(tmp, LOG4J_TOOLS);
    fs.renameSync(tmp, file);
  }
  return file;
}

/** Run a Kafka main class (`KafkaClass.*`) with `args` and wait for it; never throws on a non-zero exit. */
export function runKafkaTool(mainClass: string, args: string[], options: ToolOptions = {}): Promise<ToolResult> {
  const started = Date.now();
  const jvm = [TOOL_HEAP, ...FAST_JVM, `-Dlog4j2.configurationFile=${options.log4jConfig ?? toolLog4jFile()}`, ...(options.jvmOptions ?? [])];
  const child = spawn('java', [...jvm, '-cp', kafkaClasspath(), mainClass, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdin.on('error', () => { /* the tool may exit before reading stdin */ });
  child.stdin.end(options.stdin ?? '');
  const timeout = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      stderr += `\n[killed after ${timeout} ms]`;
    }, timeout);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, millis: Date.now() - started });
    });
  });
}

/** One line naming the tool call and its output, for failure messages. */
export function describeRun(mainClass: string, args: string[], r: ToolResult): string {
  const short = mainClass.split('.').pop();
  const out = `${r.stdout}\n${r.stderr}`.trim().split('\n').filter((l) => l.trim()).slice(-12).join('\n    ');
  return `${short} ${args.join(' ')} exited ${r.code}:\n    ${out}`;
}

/** Options of {@link startBroker}. */
export interface BrokerOptions {
  /** A label for log lines and the temp folder. @default 'kafka' */
  readonly name?: string;
  /** The super user the test administers the broker with (created at format time). @default 'admin' */
  readonly adminUser?: string;
  /** More SCRAM-SHA-512 users created at format time (faster than kafka-configs afterwards). */
  readonly scramUsers?: ScramUser[];
  /** Extra broker properties (override the defaults). */
  readonly config?: { [key: string]: string };
  /** Give up waiting for "Kafka Server started" after this long. @default 90 s */
  readonly startTimeoutMs?: number;
  /**
   * Also listen with SASL_SSL (SCRAM-SHA-512 over TLS, as a Strimzi `tls: true` listener with scram-sha-512
   * authentication): a PEM file holding the server's private key (unencrypted PKCS#8) and then its certificate.
   * @default - SASL_PLAINTEXT only
   */
  readonly tlsKeyAndCertPem?: string;
  /**
   * Where the SASL_SSL listener binds and what it advertises (e.g. a site's bootstrap Service name, resolved to
   * `address` through private hosts files), with `tlsKeyAndCertPem`.
   * @default - a free port on 127.0.0.1, advertised as such
   */
  readonly tlsListener?: { readonly address: string; readonly port: number; readonly advertisedHost: string };
}

/** A running single-node KRaft broker + controller on 127.0.0.1. */
export class KafkaBroker {
  /** `127.0.0.1:<port>` of the SASL_PLAINTEXT (SCRAM-SHA-512) listener. */
  public readonly bootstrapServers: string;
  /** `<host>:<port>` the SASL_SSL listener advertises, when started with `tlsKeyAndCertPem`. */
  public tlsBootstrapServers?: string;
  /** The super user (SCRAM-SHA-512). */
  public readonly admin: ScramUser;
  /** A client properties file that logs in as the admin (`--command-config` of every tool). */
  public readonly adminConfig: string;
  /** Milliseconds from spawning the JVM to "Kafka Server started". */
  public startMillis = 0;
  private stopped = false;

  constructor(
    public readonly name: string,
    public readonly dir: string,
    public readonly port: number,
    public readonly controllerPort: number,
    public readonly clusterId: string,
    admin: ScramUser,
    private readonly child: ChildProcess,
    public readonly logFile: string,
  ) {
    this.bootstrapServers = `127.0.0.1:${port}`;
    this.admin = admin;
    this.adminConfig = this.clientConfig(admin);
  }

  /** The broker's log so far (last `lines` lines). */
  public logTail(lines = 40): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Write a client properties file for `user` (SASL_PLAINTEXT, SCRAM-SHA-512) and return its path. */
  public clientConfig(user: ScramUser, extra: { [key: string]: string } = {}): string {
    const file = path.join(this.dir, 'clients', `${user.name.replace(/[^A-Za-z0-9._-]/g, '_')}-${randomBytes(3).toString('hex')}.properties`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, properties({ ...clientProperties(user), ...extra }), { mode: 0o600 });
    return file;
  }

  /** Run a tool against this broker: `--bootstrap-server` and `--command-config <login>` are added. */
  public tool(mainClass: string, args: string[], login: ScramUser | string = this.adminConfig, options: ToolOptions = {}): Promise<ToolResult> {
    const config = typeof login === 'string' ? login : this.clientConfig(login);
    return runKafkaTool(mainClass, ['--bootstrap-server', this.bootstrapServers, '--command-config', config, ...args], options);
  }

  /** Like {@link tool}, but throws (with the output) unless the tool exits 0. */
  public async mustTool(
    mainClass: string, args: string[], login: ScramUser | string = this.adminConfig, options: ToolOptions = {},
  ): Promise<ToolResult> {
    const r = await this.tool(mainClass, args, login, options);
    if (r.code !== 0) throw new Error(`${this.name}: ${describeRun(mainClass, args, r)}`);
    return r;
  }

  /** Create (or reset the password of) a SCRAM-SHA-512 user with kafka-configs (the Admin API's alterUserScramCredentials). */
  public async addScramUser(user: ScramUser): Promise<void> {
    await this.mustTool(KafkaClass.CONFIGS, ['--alter', '--entity-type', 'users', '--entity-name', user.name, '--add-config', `SCRAM-SHA-512=[password=${user.password}]`]);
  }

  /** Stop the broker (SIGTERM, SIGKILL after 20 s) and remove its folder. Safe to call twice. */
  public async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await stopChild(this.child, 20_000);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * The broker's properties: one KRaft node (broker + controller), a SASL_PLAINTEXT listener with SCRAM-SHA-512 for
 * clients and inter-broker traffic, and a PLAINTEXT controller listener (KRaft controllers cannot use SCRAM: the
 * credentials live in the metadata log they serve). Clients never use the controller port; its principal, ANONYMOUS,
 * must be a super user so the broker can register with its own controller.
 */
function brokerProperties(
  dir: string, port: number, controllerPort: number, admin: ScramUser, extra: { [key: string]: string },
): { [key: string]: string } {
  return {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    'listeners': `SASL_PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `SASL_PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'inter.broker.listener.name': 'SASL_PLAINTEXT',
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': jaas(admin),
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': `User:${admin.name};User:ANONYMOUS`,
    'allow.everyone.if.no.acl.found': 'false',
    // Topics exist only when a test creates them (as Strimzi's topic operator would), never on first use.
    'auto.create.topics.enable': 'false',
    'log.dirs': path.join(dir, 'data'),
    'num.partitions': '1',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '3',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '3',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    'num.network.threads': '2',
    'num.io.threads': '2',
    ...extra,
  };
}

/**
 * Format a fresh KRaft storage folder (random cluster id, the admin's SCRAM credential and `scramUsers` added at
 * format time) and start a single-node broker + controller on free loopback ports; resolves once the broker logs
 * "Kafka Server started". On failure the JVM is stopped, the folder removed, and the error carries the log tail.
 */
export async function startBroker(options: BrokerOptions = {}): Promise<KafkaBroker> {
  const name = options.name ?? 'kafka';
  const classpath = kafkaClasspath(); // throws the one-line "not installed" error before anything starts
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  let child: ChildProcess | undefined;
  try {
    const admin: ScramUser = { name: options.adminUser ?? 'admin', password: newPassword() };
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    let tlsPort: number | undefined;
    let tlsHost = '127.0.0.1';
    let tls: { [key: string]: string } = {};
    if (options.tlsKeyAndCertPem) {
      if (options.tlsListener) {
        tlsPort = options.tlsListener.port;
        tlsHost = options.tlsListener.advertisedHost;
      } else {
        do tlsPort = await freePort(); while (tlsPort === port || tlsPort === controllerPort);
      }
      tls = {
        'listeners': `SASL_PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},SASL_SSL://${options.tlsListener?.address ?? '127.0.0.1'}:${tlsPort}`,
        'advertised.listeners': `SASL_PLAINTEXT://127.0.0.1:${port},SASL_SSL://${tlsHost}:${tlsPort}`,
        'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
        'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': jaas(admin),
        'listener.name.sasl_ssl.ssl.keystore.type': 'PEM',
        'listener.name.sasl_ssl.ssl.keystore.location': options.tlsKeyAndCertPem,
      };
    }
    const serverProps = path.join(dir, 'server.properties');
    fs.writeFileSync(serverProps, properties(brokerProperties(dir, port, controllerPort, admin, { ...tls, ...options.config })), { mode: 0o600 });
    const log4j = path.join(dir, 'log4j2.properties');
    fs.writeFileSync(log4j, LOG4J_SERVER);
    const clusterId = newClusterId();

    const scram = [admin, ...(options.scramUsers ?? [])].flatMap((u) => ['--add-scram', `SCRAM-SHA-512=[name=${u.name},password=${u.password}]`]);
    const format = await runKafkaTool(KafkaClass.STORAGE, ['format', '--cluster-id', clusterId, '--config', serverProps, ...scram], { timeoutMs: 60_000 });
    if (format.code !== 0) throw new Error(`${name}: kafka-storage format failed: ${describeRun(KafkaClass.STORAGE, ['format', '…'], format)}`);

    const logFile = path.join(dir, 'server.log');
    const out = fs.openSync(logFile, 'a');
    const started = Date.now();
    child = spawn('java', [BROKER_HEAP, '-Xms128m', ...FAST_JVM, `-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath, KafkaClass.SERVER, serverProps], {
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const broker = new KafkaBroker(name, dir, port, controllerPort, clusterId, admin, child, logFile);
    const deadline = started + (options.startTimeoutMs ?? 90_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${name}: the broker exited (${child.exitCode ?? child.signalCode}) while starting:\n${broker.logTail()}`);
      }
      const text = fs.readFileSync(logFile, 'utf8');
      if (/Kafka Server started/.test(text)) break;
      if (Date.now() > deadline) throw new Error(`${name}: no "Kafka Server started" after ${options.startTimeoutMs ?? 90_000} ms:\n${broker.logTail()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    broker.startMillis = Date.now() - started;
    if (tlsPort !== undefined) broker.tlsBootstrapServers = `${tlsHost}:${tlsPort}`;
    return broker;
  } catch (e) {
    if (child) await stopChild(child, 10_000);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Kafka's `--resource-pattern-type` for a Strimzi `patternType` (`literal` or `prefix`). */
export function aclPatternType(strimziPatternType: string | undefined): string {
  const t = strimziPatternType ?? 'literal';
  if (t === 'literal') return 'literal';
  if (t === 'prefix') return 'prefixed';
  throw new Error(`unknown Strimzi ACL patternType "${t}"`);
}

/**
 * kafka-acls arguments that add one Strimzi `KafkaUser` `spec.authorization.acls[]` rule (type `simple`) for the
 * user: resource type/name/patternType, operations, host and allow/deny, as Strimzi's User Operator applies them.
 */
export function aclArgs(user: string, rule: any): string[] {
  const r = rule.resource ?? {};
  const resource: string[] = (() => {
    switch (r.type) {
      case 'topic': return ['--topic', r.name];
      case 'group': return ['--group', r.name];
      case 'cluster': return ['--cluster'];
      case 'transactionalId': return ['--transactional-id', r.name];
      default: throw new Error(`unknown Strimzi ACL resource type "${r.type}"`);
    }
  })();
  const permission = (rule.type ?? 'allow') === 'deny' ? 'deny' : 'allow';
  const host = rule.host ?? '*';
  const operations: string[] = rule.operations ?? (rule.operation ? [rule.operation] : []);
  if (operations.length === 0) throw new Error(`ACL rule of ${user} has no operations: ${JSON.stringify(rule)}`);
  return [
    '--add', '--force',
    `--${permission}-principal`, `User:${user}`,
    `--${permission}-host`, host,
    ...operations.flatMap((o) => ['--operation', o]),
    ...resource,
    ...(r.type === 'cluster' ? [] : ['--resource-pattern-type', aclPatternType(r.patternType)]),
  ];
}

/** Parse `kafka-configs --describe --entity-type topics` output into topic -> { key: value } (dynamic configs). */
export function parseTopicConfigs(stdout: string): { [topic: string]: { [key: string]: string } } {
  const out: { [topic: string]: { [key: string]: string } } = {};
  let current: string | undefined;
  for (const line of stdout.split('\n')) {
    const head = /^Dynamic configs for topic (\S+) are:/.exec(line);
    if (head) {
      current = head[1];
      out[current] = {};
      continue;
    }
    const kv = /^\s+([^=\s]+)=(.*?) sensitive=(true|false) synonyms=/.exec(line);
    if (kv && current) out[current][kv[1]] = kv[2];
  }
  return out;
}

/** Runs `jobs` with at most `n` at a time (each Kafka tool is a JVM; the machine has 2 cores). */
export async function pool<T>(n: number, jobs: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  }));
  return results;
}
