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
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { siteProps } from '../../examples/video-surveillance/main';
import { EdgeKafkaCluster, EdgeKafkaUser, VideoSurveillanceSite, VideoSurveillanceSiteProps } from '../../src';
import { synth } from '../support/harness';
import { aclArgs, KafkaBroker, KafkaClass, pool, ScramUser, startBroker } from '../support/kafka';
import { MinioTestCluster, PodRun } from '../support/minio';

// --- The site ---------------------------------------------------------------------------------------------------

/** A synthesized video site. */
export interface BuiltVideoSite {
  readonly app: App;
  readonly site: VideoSurveillanceSite;
  readonly props: VideoSurveillanceSiteProps;
  /** Every object of the site (conformance-checked). */
  readonly manifests: any[];
}

/** Builds and synthesizes the README's example site (its `siteProps`; warnings silenced: the fast tier checks them). */
export function buildVideoSite(): BuiltVideoSite {
  const silenced = process.env.EDGE_STORAGE_SILENCE_WARNINGS;
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
  try {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'video-site-')) });
    const props = siteProps();
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

/**
 * A single-node KRaft broker (test/support/kafka.ts `startBroker`: SCRAM-SHA-512, StandardAuthorizer, no ACL = denied,
 * no auto-created topics, the admin's SASL_PLAINTEXT listener on 127.0.0.1) plus the SASL_SSL listener `tls` that the
 * site's programs use. `users` get their SCRAM credentials at format time.
 */
export async function startTlsBroker(name: string, tls: TlsListener, users: ScramUser[]): Promise<KafkaBroker> {
  return startBroker({ name, scramUsers: users, tlsKeyAndCertPem: tls.keystore, tlsListener: tls, startTimeoutMs: 150_000 });
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
