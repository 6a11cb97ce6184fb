// Support for the VideoSurveillanceSite's end-to-end real tests (issue 13): the README's example site, TLS material a
// Strimzi cluster CA would issue, a Kafka broker with a TLS + SCRAM listener standing in for the site's Strimzi
// cluster (and one for the cloud Kafka), the Strimzi KafkaTopic/KafkaUser resources applied to it as the Topic and
// User Operators would, a Kafka Connect worker running MirrorMaker2 from the synthesized KafkaMirrorMaker2, and the
// site's MinIO started from its StatefulSet and provisioned by its Job.
//
// Test-side stand-ins (and why):
// - Service DNS names (the site's Kafka bootstrap, the cloud bootstrap) resolve to loopback addresses through private
//   hosts files: MinIO's (MinioTestCluster `extraHosts`) and the JVM's (`-Djdk.net.hosts.file`). The real /etc/hosts
//   is never written.
// - Each broker also has a SASL_PLAINTEXT listener on 127.0.0.1 for the test's own admin tools (Strimzi's brokers have
//   their replication listener instead); every site program uses the TLS listener the manifests name.
// - Secret values Strimzi or the operator would create (SCRAM passwords, the cluster CA, S3 keys) are made up here.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Size } from 'cdk8s';
import { DecimalSize, EdgeKafkaCluster, EdgeKafkaUser, ExternalObjectStore, KafkaAuthentication, ObjectStoreFlavor, VideoSurveillanceSite, VideoSurveillanceSiteProps } from '../../src';
import { synth } from '../support/harness';
import {
  aclArgs, describeRun, KafkaBroker, KafkaClass, kafkaClasspath, newClusterId, newPassword, runKafkaTool, ScramUser,
} from '../support/kafka';
import { MinioTestCluster, PodRun, SecretValues } from '../support/minio';
import { freePort } from '../support/net';

// --- The site ---------------------------------------------------------------------------------------------------

/** Endpoints of the README example that a test may point elsewhere. */
export interface VideoSiteOverrides {
  /** The cloud Kafka bootstrap. @default - the README's `kafka.cloud.example.com:9093` */
  readonly cloudKafkaBootstrap?: string;
  /** The cloud archive's S3 endpoint. @default - the README's `https://s3.eu-central-1.amazonaws.com` */
  readonly cloudArchiveEndpoint?: string;
}

/**
 * The props of the README's example site (examples/video-surveillance/main.ts), with the cloud endpoints replaceable.
 * Without overrides the site synthesizes exactly what the example does (the events test checks this).
 */
export function videoExampleProps(o: VideoSiteOverrides = {}): VideoSurveillanceSiteProps {
  const cloudArchive = new ExternalObjectStore({
    s3Endpoint: o.cloudArchiveEndpoint ?? 'https://s3.eu-central-1.amazonaws.com',
    region: 'eu-central-1',
    flavor: ObjectStoreFlavor.AWS_S3,
    credentials: { secretName: 'cloud-archive-keys' },
  });
  return {
    siteName: 'store-0417',
    cameras: 100,
    bitrateMbps: 4,
    retentionDays: 7,
    driveSize: DecimalSize.terabytes(24),
    storageClassName: 'lvm-xfs',
    wanCidrs: ['198.51.100.0/24'],
    cloud: {
      kafka: {
        bootstrapServers: o.cloudKafkaBootstrap ?? 'kafka.cloud.example.com:9093',
        caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
        credentials: { authentication: KafkaAuthentication.SCRAM_SHA_512, username: 'store-0417-mm2', secretName: 'cloud-kafka-user' },
      },
      archive: cloudArchive,
      archiveBucket: 'fleet-video-archive',
      archiveBandwidthLimit: Size.mebibytes(64),
    },
    backup: { veleroCredential: { name: 'velero-store-0417', key: 'cloud' } },
    cache: { viewerCidrs: ['10.20.0.0/24'], cacheVolumeSize: Size.gibibytes(500) },
  };
}

/** A synthesized video site. */
export interface BuiltVideoSite {
  readonly app: App;
  readonly site: VideoSurveillanceSite;
  readonly props: VideoSurveillanceSiteProps;
  /** Every object of the site (conformance-checked). */
  readonly manifests: any[];
}

/** Builds and synthesizes the README's example site (warnings silenced: the fast tier checks them). */
export function buildVideoSite(o: VideoSiteOverrides = {}): BuiltVideoSite {
  const silenced = process.env.EDGE_STORAGE_SILENCE_WARNINGS;
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
  try {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'video-site-')) });
    const props = videoExampleProps(o);
    const site = new VideoSurveillanceSite(app, props.siteName, props);
    const manifests = synth(app);
    fs.rmSync(app.outdir, { recursive: true, force: true });
    return { app, site, props, manifests };
  } finally {
    if (silenced === undefined) delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
    else process.env.EDGE_STORAGE_SILENCE_WARNINGS = silenced;
  }
}

/**
 * The KafkaUser the cloud operator creates for the site's MirrorMaker2, with exactly the ACL rules the library says it
 * needs (`KafkaSync.targetAclRules()`), synthesized in a chart of its own.
 */
export function cloudMirrorUser(site: VideoSurveillanceSite, username: string): any {
  const silenced = process.env.EDGE_STORAGE_SILENCE_WARNINGS;
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
  try {
    const cloud = new Chart(new App(), 'cloud', { namespace: 'kafka' });
    const central = EdgeKafkaCluster.fromClusterAttributes(cloud, 'central', { clusterName: 'central', namespace: 'kafka', brokerCount: 1 });
    new EdgeKafkaUser(cloud, username, { cluster: central, acls: site.sync.targetAclRules() });
    return synth(cloud).find((m) => m.kind === 'KafkaUser' && m.metadata.name === username);
  } finally {
    if (silenced === undefined) delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
    else process.env.EDGE_STORAGE_SILENCE_WARNINGS = silenced;
  }
}

/** `host:port` split (the last colon). */
export function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

// --- TLS material ---------------------------------------------------------------------------------------------------

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** A self-signed CA (as Strimzi's cluster CA or a cloud provider's) that issues server certificates. */
export class TestCa {
  /** Path of the CA certificate (PEM). */
  public readonly certFile: string;
  /** The CA certificate (PEM), the value of a `ca.crt` Secret key. */
  public readonly certPem: string;
  private readonly keyFile: string;

  constructor(private readonly dir: string, public readonly name: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.keyFile = path.join(dir, `${name}-ca.key`);
    this.certFile = path.join(dir, `${name}-ca.crt`);
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', this.keyFile, '-out', this.certFile,
      '-days', '2', '-subj', `/O=edge-storage-tests/CN=${name}-ca`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    this.certPem = fs.readFileSync(this.certFile, 'utf8');
  }

  /** Issues a server certificate for `dnsNames`; returns a PEM file with the (unencrypted PKCS#8) key and the chain. */
  public issue(cn: string, dnsNames: string[]): string {
    const key = path.join(this.dir, `${cn}.key`);
    const csr = path.join(this.dir, `${cn}.csr`);
    const crt = path.join(this.dir, `${cn}.crt`);
    const ext = path.join(this.dir, `${cn}.ext`);
    fs.writeFileSync(ext, `subjectAltName=${dnsNames.map((d) => `DNS:${d}`).join(',')}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`);
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`], this.dir);
    openssl(['x509', '-req', '-in', csr, '-CA', this.certFile, '-CAkey', this.keyFile, '-CAcreateserial', '-out', crt, '-days', '2', '-extfile', ext], this.dir);
    const pem = path.join(this.dir, `${cn}.pem`);
    fs.writeFileSync(pem, fs.readFileSync(key, 'utf8') + fs.readFileSync(crt, 'utf8') + this.certPem, { mode: 0o600 });
    return pem;
  }
}

/** A loopback address in 127.20–99.x.y (MinioTestCluster picks 127.100–249.x.y) whose `port` nobody has bound. */
export async function freeLoopbackAddress(port: number): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const address = `127.${20 + Math.floor(Math.random() * 80)}.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, address, () => s.close(() => resolve(true)));
    });
    if (free) return address;
  }
  throw new Error(`no loopback address with port ${port} free`);
}

// --- Kafka with a TLS listener ---------------------------------------------------------------------------------------

/** The listener a site program reaches: TLS + SCRAM-SHA-512 (Strimzi `tls: true`, `authentication: scram-sha-512`). */
export interface TlsListener {
  /** Loopback address it binds. */
  readonly address: string;
  readonly port: number;
  /** The name it advertises (the DNS name the manifests use; resolved through the private hosts files). */
  readonly advertisedHost: string;
  /** PEM file with the server key and certificate chain. */
  readonly keystore: string;
}

const props = (entries: { [k: string]: unknown }) => Object.entries(entries).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
const jaas = (u: ScramUser) => `org.apache.kafka.common.security.scram.ScramLoginModule required username="${u.name}" password="${u.password}";`;

/**
 * A single-node KRaft broker like test/support/kafka.ts `startBroker` (SCRAM-SHA-512, StandardAuthorizer, no ACL =
 * denied, no auto-created topics, the admin's SASL_PLAINTEXT listener on 127.0.0.1), plus the SASL_SSL listener
 * `tls` that the site's programs use. `users` get their SCRAM credentials at format time.
 */
export async function startTlsBroker(name: string, tls: TlsListener, users: ScramUser[]): Promise<KafkaBroker> {
  const classpath = kafkaClasspath();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  let child: ChildProcess | undefined;
  try {
    const admin: ScramUser = { name: 'admin', password: newPassword() };
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    const serverProps = path.join(dir, 'server.properties');
    fs.writeFileSync(serverProps, props({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
      'listeners': `SASL_PLAINTEXT://127.0.0.1:${port},SASL_SSL://${tls.address}:${tls.port},CONTROLLER://127.0.0.1:${controllerPort}`,
      'advertised.listeners': `SASL_PLAINTEXT://127.0.0.1:${port},SASL_SSL://${tls.advertisedHost}:${tls.port}`,
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
      'inter.broker.listener.name': 'SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': jaas(admin),
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': jaas(admin),
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': tls.keystore,
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': `User:${admin.name};User:ANONYMOUS`,
      'allow.everyone.if.no.acl.found': 'false',
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
    }), { mode: 0o600 });
    const log4j = path.join(dir, 'log4j2.properties');
    fs.writeFileSync(log4j, props({
      'rootLogger.level': 'INFO',
      'rootLogger.appenderRef.out.ref': 'OUT',
      'appender.out.type': 'Console',
      'appender.out.name': 'OUT',
      'appender.out.layout.type': 'PatternLayout',
      'appender.out.layout.pattern': '[%d] %p %m (%c)%n',
      'logger.state.name': 'state.change.logger',
      'logger.state.level': 'WARN',
    }));
    const clusterId = newClusterId();
    const scram = [admin, ...users].flatMap((u) => ['--add-scram', `SCRAM-SHA-512=[name=${u.name},password=${u.password}]`]);
    const format = await runKafkaTool(KafkaClass.STORAGE, ['format', '--cluster-id', clusterId, '--config', serverProps, ...scram], { timeoutMs: 90_000 });
    if (format.code !== 0) throw new Error(`${name}: kafka-storage format failed: ${describeRun(KafkaClass.STORAGE, ['format', '…'], format)}`);
    const logFile = path.join(dir, 'server.log');
    const out = fs.openSync(logFile, 'a');
    const started = Date.now();
    child = spawn('java', ['-Xmx512m', '-Xms128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath, KafkaClass.SERVER, serverProps], { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const broker = new KafkaBroker(name, dir, port, controllerPort, clusterId, admin, child, logFile);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name}: the broker exited while starting:\n${broker.logTail()}`);
      if (/Kafka Server started/.test(fs.readFileSync(logFile, 'utf8'))) break;
      if (Date.now() - started > 150_000) throw new Error(`${name}: no "Kafka Server started" after 150 s:\n${broker.logTail()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    broker.startMillis = Date.now() - started;
    return broker;
  } catch (e) {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Runs `jobs` with at most `n` at a time (each tool is a JVM; the machine is small). */
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

/** Creates the topic a Strimzi KafkaTopic declares (partitions, config; replicas clamped to the one broker). */
export async function createKafkaTopic(b: KafkaBroker, topic: any): Promise<void> {
  const config: { [k: string]: unknown } = topic.spec.config ?? {};
  await b.mustTool(KafkaClass.TOPICS, ['--create', '--topic', topic.spec.topicName ?? topic.metadata.name,
    '--partitions', String(topic.spec.partitions ?? 1), '--replication-factor', '1',
    ...Object.entries(config).flatMap(([k, v]) => ['--config', `${k}=${v}`])]);
}

/** Adds the ACLs of a Strimzi KafkaUser (`spec.authorization.acls`) as the User Operator would. */
export async function applyKafkaUserAcls(b: KafkaBroker, users: any[]): Promise<number> {
  const jobs = users.flatMap((u) => (u.spec.authorization?.acls ?? [])
    .map((rule: any) => () => b.mustTool(KafkaClass.ACLS, aclArgs(u.metadata.name, rule))));
  await pool(3, jobs);
  return jobs.length;
}

/** Records of `topic` (all partitions, from the beginning) read by the admin: up to `count`, waiting `timeoutMs`. */
export async function consumeRecords(b: KafkaBroker, topic: string, count: number, timeoutMs: number): Promise<string[]> {
  const r = await b.tool(KafkaClass.CONSOLE_CONSUMER, ['--topic', topic, '--from-beginning', '--max-messages', String(count), '--timeout-ms', String(timeoutMs)],
    b.adminConfig, { timeoutMs: timeoutMs + 60_000 });
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

/** Topic names on `b` (the admin's view). */
export async function listTopics(b: KafkaBroker): Promise<string[]> {
  const r = await b.tool(KafkaClass.TOPICS, ['--list']);
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

// --- MirrorMaker2 from a synthesized KafkaMirrorMaker2 --------------------------------------------------------------

/**
 * Client properties for a Strimzi cluster connection (`spec.target` or `mirrors[].source`): security protocol from
 * `tls` + `authentication`, the trusted certificates (Secret values from `secrets`, written as a PEM truststore under
 * `dir`), and the SCRAM login (password from the Secret the spec names), as Strimzi renders them for Connect.
 */
export function strimziClientProperties(spec: any, secrets: SecretValues, dir: string, label: string): { [k: string]: string } {
  const out: { [k: string]: string } = {};
  const auth = spec.authentication;
  const tls = spec.tls;
  out['security.protocol'] = tls ? (auth ? 'SASL_SSL' : 'SSL') : (auth ? 'SASL_PLAINTEXT' : 'PLAINTEXT');
  if (tls) {
    const pems = (tls.trustedCertificates ?? []).map((c: any) => {
      const v = secrets[c.secretName]?.[c.certificate];
      if (v === undefined) throw new Error(`${label}: trusted certificate Secret ${c.secretName} key ${c.certificate} not supplied`);
      return v;
    });
    const file = path.join(dir, `${label}-truststore.pem`);
    fs.writeFileSync(file, pems.join(''), { mode: 0o600 });
    out['ssl.truststore.type'] = 'PEM';
    out['ssl.truststore.location'] = file;
  }
  if (auth) {
    if (auth.type !== 'scram-sha-512') throw new Error(`${label}: authentication type ${auth.type} is not supported by this fixture`);
    const ref = auth.passwordSecret;
    const password = secrets[ref.secretName]?.[ref.password];
    if (password === undefined) throw new Error(`${label}: password Secret ${ref.secretName} key ${ref.password} not supplied`);
    out['sasl.mechanism'] = 'SCRAM-SHA-512';
    out['sasl.jaas.config'] = jaas({ name: auth.username, password });
  }
  return out;
}

/** A running Connect worker with the MirrorMaker2 connectors of one KafkaMirrorMaker2. */
export interface MirrorMakerRun {
  /** Connector names as Strimzi names them (`<source>-><target>.<Class>`). */
  readonly connectors: string[];
  /** The worker's output so far. */
  log(): string;
  /** `/connectors/<name>/status` of every connector. */
  status(): Promise<any[]>;
  stop(): Promise<void>;
}

const CONNECTORS: Array<[string, string]> = [
  ['sourceConnector', 'MirrorSourceConnector'],
  ['checkpointConnector', 'MirrorCheckpointConnector'],
  ['heartbeatConnector', 'MirrorHeartbeatConnector'],
];

/**
 * Starts a distributed Connect worker on the target cluster of `mm2` (a synthesized KafkaMirrorMaker2) and PUTs its
 * connectors, configured as Strimzi does: the worker gets `spec.target`'s bootstrap, group, storage topics, `config`
 * and connection security (also for its producer, consumer and admin clients), each connector its mirror's
 * `config`, `tasksMax`, topic/group patterns, aliases and both clusters' connections. Host names resolve through
 * `hostsFile`. Resolves once every connector and task is RUNNING.
 */
export async function startMirrorMaker2(mm2: any, secrets: SecretValues, hostsFile: string, dir: string): Promise<MirrorMakerRun> {
  const spec = mm2.spec;
  if (spec.mirrors.length !== 1) throw new Error(`this fixture runs one mirror, the resource has ${spec.mirrors.length}`);
  const mirror = spec.mirrors[0];
  fs.mkdirSync(dir, { recursive: true });
  const target = strimziClientProperties(spec.target, secrets, dir, 'target');
  const source = strimziClientProperties(mirror.source, secrets, dir, 'source');
  const restPort = await freePort();
  const workerFile = path.join(dir, 'worker.properties');
  const prefixed = (prefix: string, p: { [k: string]: string }) => Object.fromEntries(Object.entries(p).map(([k, v]) => [`${prefix}${k}`, v]));
  fs.writeFileSync(workerFile, props({
    'bootstrap.servers': spec.target.bootstrapServers,
    'group.id': spec.target.groupId,
    'config.storage.topic': spec.target.configStorageTopic,
    'offset.storage.topic': spec.target.offsetStorageTopic,
    'status.storage.topic': spec.target.statusStorageTopic,
    // Strimzi's MirrorMaker2 worker defaults.
    'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    ...spec.target.config,
    ...target,
    ...prefixed('producer.', target),
    ...prefixed('consumer.', target),
    ...prefixed('admin.', target),
    'listeners': `http://127.0.0.1:${restPort}`,
    'rest.advertised.host.name': '127.0.0.1',
    'plugin.discovery': 'only_scan',
  }), { mode: 0o600 });
  const log4j = path.join(dir, 'log4j2.properties');
  fs.writeFileSync(log4j, props({
    'rootLogger.level': 'WARN',
    'rootLogger.appenderRef.out.ref': 'OUT',
    'appender.out.type': 'Console',
    'appender.out.name': 'OUT',
    'appender.out.layout.type': 'PatternLayout',
    'appender.out.layout.pattern': '%p %m (%c)%n',
  }));
  let log = '';
  const worker = spawn('java', ['-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-Djdk.net.hosts.file=${hostsFile}`,
    `-Dlog4j2.configurationFile=${log4j}`, '-cp', kafkaClasspath(), KafkaClass.CONNECT_DISTRIBUTED, workerFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  worker.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
  worker.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  const exited = new Promise<void>((r) => worker.once('exit', () => r()));
  const base = `http://127.0.0.1:${restPort}`;
  const stop = async () => {
    if (worker.exitCode !== null || worker.signalCode !== null) return;
    worker.kill('SIGTERM');
    const t = setTimeout(() => worker.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(t);
  };
  const tail = () => log.split('\n').slice(-40).join('\n');
  const connectors: string[] = [];
  try {
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (worker.exitCode !== null) throw new Error(`the Connect worker exited (${worker.exitCode}):\n${tail()}`);
      if (Date.now() > deadline) throw new Error(`the Connect REST API did not answer in time:\n${tail()}`);
      try {
        if ((await fetch(`${base}/connectors`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    const clusters: { [k: string]: string } = {
      'source.cluster.alias': mirror.source.alias,
      'target.cluster.alias': spec.target.alias,
      'source.cluster.bootstrap.servers': mirror.source.bootstrapServers,
      'target.cluster.bootstrap.servers': spec.target.bootstrapServers,
      ...prefixed('source.cluster.', source),
      ...prefixed('target.cluster.', target),
    };
    for (const [key, cls] of CONNECTORS) {
      const connector = mirror[key];
      if (!connector) continue;
      const name = `${mirror.source.alias}->${spec.target.alias}.${cls}`;
      const body = {
        'connector.class': `org.apache.kafka.connect.mirror.${cls}`,
        'tasks.max': String(connector.tasksMax ?? 1),
        ...clusters,
        ...(mirror.topicsPattern !== undefined ? { topics: mirror.topicsPattern } : {}),
        ...(mirror.groupsPattern !== undefined ? { groups: mirror.groupsPattern } : {}),
        ...Object.fromEntries(Object.entries(connector.config ?? {}).map(([k, v]) => [k, String(v)])),
      };
      const res = await fetch(`${base}/connectors/${encodeURIComponent(name)}/config`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`connector ${name} refused: ${res.status} ${await res.text()}`);
      connectors.push(name);
    }
    const status = async () => Promise.all(connectors.map(async (n) => (await fetch(`${base}/connectors/${encodeURIComponent(n)}/status`)).json()));
    for (;;) {
      const all = await status().catch(() => []);
      const running = all.length === connectors.length && all.every((s: any) => s.connector?.state === 'RUNNING'
        && (s.tasks ?? []).length > 0 && s.tasks.every((t: any) => t.state === 'RUNNING'));
      const failed = all.find((s: any) => s.connector?.state === 'FAILED' || (s.tasks ?? []).some((t: any) => t.state === 'FAILED'));
      if (failed) throw new Error(`connector failed: ${JSON.stringify(failed).slice(0, 3000)}`);
      if (running) break;
      if (Date.now() > deadline) throw new Error(`connectors not RUNNING in time: ${JSON.stringify(all)}\n${tail()}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    return { connectors, log: () => log, status, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Writes a hosts file for JVMs (`-Djdk.net.hosts.file`): the host's /etc/hosts plus `entries`. */
export function jvmHostsFile(dir: string, entries: Array<{ address: string; name: string }>): string {
  const file = path.join(dir, 'jvm-hosts');
  fs.writeFileSync(file, [fs.readFileSync('/etc/hosts', 'utf8').trimEnd(), ...entries.map((e) => `${e.address} ${e.name}`)].join('\n') + '\n');
  return file;
}

// --- MinIO --------------------------------------------------------------------------------------------------------

/** Runs the site store's provisioning Job pod on `cluster`; throws with its output unless it exits 0. */
export function provisionStore(cluster: MinioTestCluster, job: any): PodRun {
  const run = cluster.runPod(job.spec.template, `${job.metadata.name}-${randomBytes(2).toString('hex')}`, { timeoutMs: 240_000, extraEnv: { PROVISION_MAX_DELAY: '4' } });
  if (run.status !== 0) throw new Error(`provisioning Job ${job.metadata.name} failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  return run;
}

/** mc's output for AccessDenied: verbatim for buckets, "Insufficient permissions" for object paths. */
export const MC_DENIED = /Access Denied|AccessDenied|Insufficient permissions to access this path/;

/** The real mc signed with `keys`, against server `server` of `cluster`, as alias `s`. */
export function mcAs(mcBin: string, cluster: MinioTestCluster, keys: { accessKey: string; secretKey: string }, configDir: string) {
  return (server: number, args: string[], input?: string, timeoutMs = 120_000) => {
    const r = spawnSync(mcBin, ['--json', '--no-color', ...args], {
      encoding: 'utf8',
      input,
      env: { PATH: process.env.PATH, MC_CONFIG_DIR: configDir, MC_HOST_s: cluster.mcHost(keys.accessKey, keys.secretKey, server) },
      timeout: timeoutMs,
    });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    /** Killed at `timeoutMs` without an answer. */
    const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    return { ok: r.status === 0, denied: MC_DENIED.test(out), timedOut, out };
  };
}
