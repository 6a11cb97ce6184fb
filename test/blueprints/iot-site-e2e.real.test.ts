// Real tier (issue 13, IoTSite): the README's IoT example site (examples/iot) synthesized, and its data path run on
// loopback with the programs it configures, driven only by what the manifests say:
// - Kafka: a real broker (KRaft, SCRAM-SHA-512 over SASL_PLAINTEXT and SASL_SSL, StandardAuthorizer) gets the site's
//   KafkaTopic (partitions, config) and KafkaUsers (SCRAM logins, `simple` ACLs applied as Strimzi's User Operator
//   does). The producer is the user Telegraf's config logs in as, the consumer the user the site's KafkaMirrorMaker2
//   reads the edge with; each does what the data path needs and is refused the rest.
// - Telegraf (built from its Go module by scripts/tools/telegraf.sh at the version the image pins): the ConfigMap's
//   telegraf.conf and the Deployment's env run for real. A sensor writes line protocol over HTTPS with the ingest
//   token; the points reach the InfluxDB write API (a stand-in HTTP server: InfluxDB 2 cannot be built here) with
//   the write token, org and bucket, and the telemetry topic as JSON in zstd batches, read back as the MirrorMaker2
//   user. With InfluxDB down, a full buffer stays within TelegrafIngest.memoryFor's figures (resident memory measured)
//   and readiness answers 503; when InfluxDB is back, every buffered point is written and readiness is 200.
// - MirrorMaker2: a real Connect worker and MirrorSourceConnector with the KafkaMirrorMaker2's target and connector
//   config read the edge topic as the site's MirrorMaker2 user (only its ACLs) and deliver the points to a second
//   ("cloud") broker as the remote topic the site report names.
// - Redis L1 cache: the ConfigMap's redis.conf and start.sh, started by the container's command as the pod's user;
//   the pod's readiness probe passes; maxmemory, policy and TTL are those the site and its client ConfigMap publish.
// - Backup: the restic CronJob's init container script (with a stand-in `influx` that writes a dump: the module proxy
//   refuses the influx CLI, and it would need a running InfluxDB) and its restic script, with the job's env, as the pod's user,
//   into a loopback S3 (moto) at the bucket and prefix the site names; a second run finds the repository, and the
//   restored dump equals what the dump step wrote.
// Test-side stand-ins (each stated where it happens): Secret values (what the operator, Strimzi or cert-manager
// create), loopback addresses and free ports instead of Service DNS names and fixed ports, temp folders instead of
// the pods' mount paths, a test CA for the two TLS listeners, the InfluxDB write API, the `influx` CLI.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import {
  InfluxWriteStandIn, layOutVolumes, makePki, mapPath, parseLine, Point, pointKey, resolveEnv, SecretValues, substitute, TestPki,
} from './iot-site-e2e-support';
import { buildApp as buildIotApp } from '../../examples/iot/main';
import { IoTSite, TelegrafIngest } from '../../src';
import { Resources } from '../../src/core';
import { Proc, RespClient, waitFor } from '../cache/servers';
import { find, findAll, synth } from '../support/harness';
import {
  aclArgs, clientProperties, describeRun, KafkaBroker, KafkaClass, newPassword, runKafkaTool, ScramUser, startBroker,
} from '../support/kafka';
import { MirrorMakerRun } from '../support/mirror-maker';
import { freePort } from '../support/net';
import { requireToolPath, requireTools } from '../support/tools';
import { startS3Server, S3Server } from '../sync/s3-servers';

const [TELEGRAF, RESTIC] = requireTools('telegraf', 'restic', 'java', 'redis-server', 'redis-cli', 'moto_server', 'openssl');
requireToolPath('kafka/libs');

process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
const app = buildIotApp(Testing.app());
const site = app.charts[0] as IoTSite;
const manifests = synth(app);
delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;

const ns = site.siteName;
const containerOf = (podSpec: any, name?: string) => {
  const cs: any[] = podSpec.containers;
  return name ? cs.find((c) => c.name === name) : cs[0];
};
const telegrafDeployment = findAll(manifests, 'Deployment').find((d) => /telegraf/.test(containerOf(d.spec.template.spec).image));
const telegrafPod = telegrafDeployment.spec.template.spec;
const telegrafContainer = containerOf(telegrafPod);
const telegrafConfigMap = find(manifests, 'ConfigMap', telegrafPod.volumes.find((v: any) => v.configMap).configMap.name);
const telegrafConf: string = telegrafConfigMap.data['telegraf.conf'];
/** `key = "value"` of the first line with that key in a section of the Telegraf config. */
const confValue = (section: string, key: string): string => {
  const body = telegrafConf.split(`[[${section}]]`)[1]?.split(/\n\[\[/)[0] ?? '';
  const m = new RegExp(`^\\s*${key} = (.*)$`, 'm').exec(body);
  if (!m) throw new Error(`telegraf.conf: no ${key} in [[${section}]]`);
  return m[1].trim();
};
const unquote = (v: string) => JSON.parse(v);
const kafkaTopicName: string = unquote(confValue('outputs.kafka', 'topic'));
const producerName: string = unquote(confValue('outputs.kafka', 'sasl_username'));
const mm2 = findAll(manifests, 'KafkaMirrorMaker2')[0];
const mirror = mm2.spec.mirrors[0];
const consumerName: string = mirror.source.authentication.username;
const kafkaTopics = findAll(manifests, 'KafkaTopic');
const kafkaUsers = findAll(manifests, 'KafkaUser');
const cronJob = findAll(manifests, 'CronJob').find((c) => /restic/.test(containerOf(c.spec.jobTemplate.spec.template.spec).image));

/** What the operator (or Strimzi, for KafkaUser Secrets) creates; values invented by the test. */
const secretValues: SecretValues = {};
const logins = new Map<string, ScramUser>(kafkaUsers.map((u) => [u.metadata.name, { name: u.metadata.name, password: newPassword() }]));
for (const [name, login] of logins) secretValues[name] = { password: login.password }; // Strimzi: Secret <user>, key password

let dir: string;
let pki: TestPki;
let broker: KafkaBroker | undefined;
/** The JSON records of the sensor batch Telegraf wrote to the edge topic (the MirrorMaker2 test finds them on the cloud side). */
const edgeRecords: string[] = [];
/** Points of the full-buffer test (Kafka was up, so they all went to the edge topic too). */
let bufferTestPoints = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iot-e2e-'));
  // The pods' users (not root) must reach their folders below: open the folders on the way for traversal.
  fs.chmodSync(dir, 0o755);
  for (let d = path.dirname(dir); d !== path.dirname(d) && d.startsWith(os.tmpdir()); d = path.dirname(d)) fs.chmodSync(d, 0o711);
  pki = makePki(path.join(dir, 'pki'));
  broker = await startBroker({ name: 'iot-e2e', scramUsers: [...logins.values()], tlsKeyAndCertPem: pki.serverKeyAndCert });
  console.log(`iot-e2e: broker ${broker.bootstrapServers} (SASL_SSL ${broker.tlsBootstrapServers}) started in ${broker.startMillis} ms with SCRAM users ${[...logins.keys()].join(', ')}`);
  // The site's topic, as its KafkaTopic says (replicas clamped to the one broker), and every KafkaUser's ACLs.
  for (const t of kafkaTopics) {
    const config: { [k: string]: unknown } = t.spec.config ?? {};
    await broker.mustTool(KafkaClass.TOPICS, ['--create', '--topic', t.spec.topicName ?? t.metadata.name, '--partitions', String(t.spec.partitions),
      '--replication-factor', String(Math.min(t.spec.replicas, 1)), ...Object.entries(config).flatMap(([k, v]) => ['--config', `${k}=${v}`])]);
  }
  for (const u of kafkaUsers) {
    for (const rule of u.spec.authorization.acls) await broker.mustTool(KafkaClass.ACLS, aclArgs(u.metadata.name, rule));
  }
  // A topic no site user was granted, for the refusals.
  await broker.mustTool(KafkaClass.TOPICS, ['--create', '--topic', 'not-granted', '--partitions', '1', '--replication-factor', '1']);
}, 240_000);

afterAll(async () => {
  await broker?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

// A producer without Write on any topic is refused already at InitProducerId (idempotence): a cluster authorization error.
const DENIED = /TopicAuthorizationException|ClusterAuthorizationException|Not authorized to access topics/;

describe('Kafka: the telemetry topic and the site\'s users on a real broker', () => {
  test('the wiring names one topic and two users that exist in the manifests', () => {
    // Telegraf's output topic is a KafkaTopic of the site, and the one MirrorMaker2 mirrors.
    expect(kafkaTopics.map((t) => t.spec.topicName ?? t.metadata.name)).toContain(kafkaTopicName);
    expect(new RegExp(`^(?:${mirror.topicsPattern})$`).test(kafkaTopicName)).toBe(true);
    // Telegraf logs in as a KafkaUser whose Strimzi Secret is the one its KAFKA_PASSWORD comes from.
    expect(logins.has(producerName)).toBe(true);
    const passwordRef = telegrafContainer.env.find((e: any) => e.name === 'KAFKA_PASSWORD').valueFrom.secretKeyRef;
    expect(passwordRef).toEqual({ name: producerName, key: 'password' });
    // MirrorMaker2 reads the edge as a KafkaUser of the site, with that user's Secret.
    expect(logins.has(consumerName)).toBe(true);
    expect(mirror.source.authentication.passwordSecret).toEqual({ secretName: consumerName, password: 'password' });
  });

  test('the producer writes the telemetry topic and the MirrorMaker2 user reads it; each is refused the rest', async () => {
    const b = broker!;
    const producer = logins.get(producerName)!;
    const consumer = logins.get(consumerName)!;
    // 32 keyed records, so every partition holds some (the consumer reads partition 0 without a group, as
    // MirrorMaker2's source task assigns partitions itself).
    const records = Array.from({ length: 32 }, (_, i) => `k${i}\tprobe-${i}`).join('\n') + '\n';
    const produced = await b.tool(KafkaClass.CONSOLE_PRODUCER, ['--topic', kafkaTopicName, '--reader-property', 'parse.key=true', '--reader-property', 'key.separator=\t'], producer, { stdin: records });
    const consumeArgs = (topic: string) => ['--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', '1', '--timeout-ms', '15000'];
    const [read, producerReads, consumerWrites, producerOther, consumerOther] = await Promise.all([
      b.tool(KafkaClass.CONSOLE_CONSUMER, consumeArgs(kafkaTopicName), consumer),
      b.tool(KafkaClass.CONSOLE_CONSUMER, consumeArgs(kafkaTopicName), producer),
      b.tool(KafkaClass.CONSOLE_PRODUCER, ['--topic', kafkaTopicName], consumer, { stdin: 'from the mirror user\n' }),
      b.tool(KafkaClass.CONSOLE_PRODUCER, ['--topic', 'not-granted'], producer, { stdin: 'x\n' }),
      b.tool(KafkaClass.CONSOLE_CONSUMER, consumeArgs('not-granted'), consumer),
    ]);
    const outcome = (r: typeof read, ok: boolean) => (ok ? 'allowed' : DENIED.test(r.stderr) ? 'denied' : `unclear: ${describeRun('tool', [], r)}`);
    const table = {
      [`${producerName} produces ${kafkaTopicName}`]: outcome(produced, produced.code === 0 && !/ERROR|Exception/.test(produced.stderr)),
      [`${consumerName} consumes ${kafkaTopicName}`]: outcome(read, read.code === 0 && /probe-\d+/.test(read.stdout)),
      [`${producerName} consumes ${kafkaTopicName}`]: outcome(producerReads, /probe-\d+/.test(producerReads.stdout)),
      [`${consumerName} produces ${kafkaTopicName}`]: outcome(consumerWrites, consumerWrites.code === 0 && !/ERROR|Exception/.test(consumerWrites.stderr)),
      [`${producerName} produces not-granted`]: outcome(producerOther, producerOther.code === 0 && !/ERROR|Exception/.test(producerOther.stderr)),
      [`${consumerName} consumes not-granted`]: outcome(consumerOther, /probe-\d+|^x$/m.test(consumerOther.stdout)),
    };
    console.log(`iot-e2e: kafka ACLs: ${JSON.stringify(table, null, 1)}`);
    expect(table).toEqual({
      [`${producerName} produces ${kafkaTopicName}`]: 'allowed',
      [`${consumerName} consumes ${kafkaTopicName}`]: 'allowed',
      [`${producerName} consumes ${kafkaTopicName}`]: 'denied',
      [`${consumerName} produces ${kafkaTopicName}`]: 'denied',
      [`${producerName} produces not-granted`]: 'denied',
      [`${consumerName} consumes not-granted`]: 'denied',
    });
  }, 180_000);
});

describe('Telegraf (real) with the site\'s telegraf.conf and env', () => {
  let influx: InfluxWriteStandIn | undefined;
  let telegraf: Proc | undefined;
  let healthPort = 0;
  let postPoints: (body: string, token?: string) => Promise<number> = async () => 0;
  let ingestToken = '';
  afterAll(async () => {
    await telegraf?.stop();
    await influx?.stop();
  });

  test('a sensor\'s points reach the InfluxDB write API (write token, org, bucket) and the telemetry topic (JSON, zstd) read as the MirrorMaker2 user', async () => {
    const b = broker!;
    influx = await InfluxWriteStandIn.start();
    const ingestPort = await freePort();
    healthPort = await freePort();
    const root = path.join(dir, 'telegraf');
    // Secret values: the listener's certificate (cert-manager would issue it), the Kafka cluster CA (Strimzi), the
    // InfluxDB write token (the operator mints it) and the sensors' token.
    const tlsVolume = telegrafPod.volumes.find((v: any) => v.secret && telegrafContainer.volumeMounts.some((m: any) => m.name === v.name && /tls/.test(m.mountPath)));
    const caVolume = telegrafPod.volumes.find((v: any) => v.secret?.items?.some((i: any) => i.path === 'ca.crt'));
    const secrets: SecretValues = {
      ...secretValues,
      [tlsVolume.secret.secretName]: { 'tls.crt': fs.readFileSync(pki.serverCert, 'utf8'), 'tls.key': fs.readFileSync(pki.serverKey, 'utf8') },
      [caVolume.secret.secretName]: { [caVolume.secret.items[0].key]: fs.readFileSync(pki.caCert, 'utf8') },
    };
    for (const e of telegrafContainer.env) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref && !secrets[ref.name]?.[ref.key]) secrets[ref.name] = { ...secrets[ref.name], [ref.key]: `${e.name.toLowerCase()}-${newPassword()}` };
    }
    const env = resolveEnv(telegrafContainer, secrets);
    const mounts = layOutVolumes(telegrafPod, telegrafContainer, root, secrets, manifests);
    // Loopback stand-ins for the Service names and the pod's ports; temp folders for the mounts.
    const influxService = find(manifests, 'Service', new URL(unquote(confValue('outputs.influxdb_v2', 'urls'))[0]).hostname.split('.')[0]);
    const influxUrl = `http://${influxService.metadata.name}.${ns}.svc:${influxService.spec.ports[0].port}`;
    const brokers: string[] = JSON.parse(confValue('outputs.kafka', 'brokers'));
    const kafkaCr = findAll(manifests, 'Kafka')[0];
    const tlsListener = kafkaCr.spec.kafka.listeners.find((l: any) => l.tls && l.authentication?.type === 'scram-sha-512');
    expect(brokers).toEqual([`${kafkaCr.metadata.name}-kafka-bootstrap.${ns}.svc:${tlsListener.port}`]);
    let conf = substitute('telegraf.conf', telegrafConf, [
      [`service_address = ":${telegrafContainer.ports.find((p: any) => p.name === 'ingest').containerPort}"`, `service_address = "127.0.0.1:${ingestPort}"`],
      [`service_address = "http://:${telegrafContainer.ports.find((p: any) => p.name === 'health').containerPort}"`, `service_address = "http://127.0.0.1:${healthPort}"`],
      [`"${influxUrl}"`, `"http://127.0.0.1:${influx.port}"`],
      [`"${brokers[0]}"`, `"${b.tlsBootstrapServers}"`],
    ]);
    conf = conf.replace(/"(\/[^"]+)"/g, (_all, p: string) => `"${mapPath(p, mounts)}"`);
    const confFile = path.join(root, 'telegraf.conf');
    fs.writeFileSync(confFile, conf);
    const args = telegrafContainer.args.map((a: string) => (a.startsWith('/') ? mapPath(a, mounts) : a));
    expect(args).toEqual(['--config', path.join(mounts.get('/etc/telegraf')!, 'telegraf.conf')]);
    const t = new Proc(spawn(TELEGRAF, ['--config', confFile], { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    telegraf = t;
    const ingest = `https://127.0.0.1:${ingestPort}`;
    const ca = fs.readFileSync(pki.caCert);
    const post = async (body: string, token?: string) => {
      return new Promise<number>((resolve, reject) => {
        const req = https.request(`${ingest}/api/v2/write?org=sensors&bucket=sensors&precision=ns`, {
          method: 'POST', ca, headers: { 'Content-Type': 'text/plain', ...(token ? { Authorization: `Token ${token}` } : {}) },
        }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
        req.on('error', reject);
        req.end(body);
      });
    };
    postPoints = post;
    ingestToken = env.INGEST_TOKEN;
    await waitFor(async () => !t.exited && (await post('', env.INGEST_TOKEN)) > 0, () => `telegraf: ${t.output}`, 300);
    const healthBefore = (await fetch(`http://127.0.0.1:${healthPort}/`)).status;

    // A sensor gateway's batch: 3 sensors × 4 samples.
    const t0 = BigInt(Date.now()) * 1_000_000n;
    const sent: Point[] = [];
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < 4; i++) {
        sent.push({ measurement: 'boiler', tags: { line: 'L2', sensor: `s-${s}` }, fields: { pressure: 2 + s / 10, temp: 60 + i }, time: String(t0 + BigInt(i) * 5_000_000_000n) });
      }
    }
    const body = sent.map((p) => `${p.measurement},line=${p.tags.line},sensor=${p.tags.sensor} temp=${p.fields.temp},pressure=${p.fields.pressure} ${p.time}`).join('\n');
    const refused = await post(body, 'wrong-token');
    const anonymous = await post(body);
    const accepted = await post(body, env.INGEST_TOKEN);
    expect({ refused, anonymous, accepted }).toEqual({ refused: 401, anonymous: 401, accepted: 204 });

    // InfluxDB write API (stand-in): the points, with the write token, org and bucket of the site.
    const org = unquote(confValue('outputs.influxdb_v2', 'organization'));
    const bucket = unquote(confValue('outputs.influxdb_v2', 'bucket'));
    await waitFor(async () => influx!.requests.some((r) => r.body.includes('boiler')), () => `no write reached the InfluxDB stand-in: ${t.output}`, 400);
    const writes = influx.requests.filter((r) => r.url.pathname === '/api/v2/write');
    const received = writes.flatMap((r) => r.body.split('\n').filter((l) => l.trim())).map(parseLine);
    expect(writes.map((w) => ({ auth: w.headers.authorization, org: w.url.searchParams.get('org'), bucket: w.url.searchParams.get('bucket') })))
      .toEqual(writes.map(() => ({ auth: `Token ${env.INFLUX_TOKEN}`, org, bucket })));
    expect(received.map(pointKey).sort()).toEqual(sent.map(pointKey).sort());
    expect(received.some((p) => p.measurement.startsWith('internal'))).toBe(false);

    // The telemetry topic: every point as JSON, read by the MirrorMaker2 user from each partition.
    const consumer = logins.get(consumerName)!;
    const topic = kafkaTopics.find((x) => (x.spec.topicName ?? x.metadata.name) === kafkaTopicName);
    const reads = await Promise.all(Array.from({ length: topic.spec.partitions }, (_, p) => b.tool(KafkaClass.CONSOLE_CONSUMER,
      ['--topic', kafkaTopicName, '--partition', String(p), '--offset', 'earliest', '--timeout-ms', '10000'], consumer)));
    const json = reads.flatMap((r) => r.stdout.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const fromKafka: Point[] = json.filter((m) => m.name === 'boiler').map((m) => ({
      measurement: m.name, tags: m.tags, fields: m.fields, time: String(BigInt(m.timestamp) * 1_000_000_000n),
    }));
    // The JSON serializer's timestamp is in seconds: compare at that precision.
    const toSeconds = (p: Point) => ({ ...p, time: String(BigInt(p.time) / 1_000_000_000n * 1_000_000_000n) });
    expect(fromKafka.map(pointKey).sort()).toEqual(sent.map(toSeconds).map(pointKey).sort());
    edgeRecords.push(...json.filter((m) => m.name === 'boiler').map((m) => JSON.stringify(m)));
    expect(json.some((m) => String(m.name).startsWith('internal'))).toBe(false);
    // compression_codec 4: the batches on the broker's disk are zstd.
    const logDir = path.join(b.dir, 'data');
    const segments = fs.readdirSync(logDir).filter((d) => d.startsWith(`${kafkaTopicName}-`))
      .flatMap((d) => fs.readdirSync(path.join(logDir, d)).filter((f) => f.endsWith('.log')).map((f) => path.join(logDir, d, f)));
    const dumped = await runKafkaTool('org.apache.kafka.tools.DumpLogSegments', ['--files', segments.join(',')]);
    const codecs = [...new Set([...dumped.stdout.matchAll(/compresscodec: (\w+)/gi)].map((m) => m[1].toLowerCase()))];

    // Readiness: 503 before any write statistics, 200 once they show empty buffers.
    await waitFor(async () => (await fetch(`http://127.0.0.1:${healthPort}/`)).status === 200, () => `health never 200: ${t.output}`, 400);
    console.log(`iot-e2e: telegraf ${TELEGRAF}: ${sent.length} points → InfluxDB stand-in in ${writes.length} write(s) (org ${org}, bucket ${bucket}, token header ok), `
      + `${fromKafka.length} JSON records on ${kafkaTopicName} (batches: ${codecs.join(', ')}); readiness ${healthBefore} before the batch, 200 after; anonymous/wrong token 401`);
    expect(codecs).toContain('zstd');
    expect(t.exited).toBe(false);
  }, 180_000);

  test('InfluxDB down: a full buffer (metric_buffer_limit points) stays within TelegrafIngest.memoryFor\'s figures and readiness turns 503; back up, it drains and turns 200', async () => {
    const t = telegraf!;
    expect(t).toBeDefined();
    const status = () => fs.readFileSync(`/proc/${t.child.pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status())![1]) * 1024;
    const health = async () => (await fetch(`http://127.0.0.1:${healthPort}/`)).status;
    const before = kib('VmRSS');
    const limit = Number(/metric_buffer_limit = (\d+)/.exec(telegrafConf)![1]);
    influx!.down = true;
    const written = influx!.requests.length;
    bufferTestPoints = limit;
    // metric_buffer_limit points of ~100 B of line protocol each (the planner's figure), 3 tags and 3 fields.
    const t0 = BigInt(Date.now()) * 1_000_000n;
    for (let batch = 0; batch < limit / 5000; batch++) {
      const lines = Array.from({ length: 5000 }, (_, i) => {
        const n = batch * 5000 + i;
        return `boiler,line=L${n % 7},sensor=s-${String(n).padStart(6, '0')},site=${ns} temp=${60 + (n % 10)}.5,pressure=2.${n % 9},humidity=${n % 100}i ${t0 + BigInt(n)}`;
      });
      expect(await postPoints(lines.join('\n'), ingestToken)).toBe(204);
    }
    await waitFor(async () => (await health()) === 503, () => `readiness never 503 with InfluxDB down: ${t.output.split('\n').slice(-5).join('\n')}`, 600);
    const full = kib('VmRSS');
    const peak = kib('VmHWM');
    const perMetric = (full - before) / limit;
    influx!.down = false;
    await waitFor(async () => (await health()) === 200, () => `readiness not back to 200 after InfluxDB returned: ${t.output.split('\n').slice(-5).join('\n')}`, 900);
    const drainedCount = () => influx!.requests.slice(written).flatMap((r) => r.body.split('\n')).filter((l) => l.startsWith('boiler,')).length;
    await waitFor(async () => drainedCount() >= limit, () => `only ${drainedCount()} of ${limit} buffered points written after InfluxDB returned`, 600);
    const drained = drainedCount();
    const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
    console.log(`iot-e2e: telegraf buffer: RSS ${mib(before)} → ${mib(full)} with ${limit} points buffered for InfluxDB (${Math.round(perMetric)} B per point; `
      + `library assumes ${TelegrafIngest.BUFFERED_METRIC_BYTES} B + ${mib(TelegrafIngest.BASE_MEMORY_BYTES)} base), peak ${mib(peak)} of the ${mib(Resources.bytes(TelegrafIngest.memoryFor(2)))} limit; `
      + `readiness 503 while down, 200 after; ${drained} points written after InfluxDB returned`);
    expect(before).toBeLessThanOrEqual(TelegrafIngest.BASE_MEMORY_BYTES);
    expect(perMetric).toBeLessThanOrEqual(TelegrafIngest.BUFFERED_METRIC_BYTES);
    expect(peak).toBeLessThanOrEqual(Resources.bytes(TelegrafIngest.memoryFor(2)));
    expect(drained).toBe(limit);
  }, 180_000);
});

describe('MirrorMaker2 (real Connect worker and MirrorSourceConnector) with the site\'s KafkaMirrorMaker2', () => {
  let cloud: KafkaBroker | undefined;
  let worker: MirrorMakerRun | undefined;
  afterAll(async () => {
    await worker?.stop();
    await cloud?.stop();
  }, 60_000);

  test('reads the edge topic as the site\'s MirrorMaker2 user (its ACLs only) and delivers the points to the cloud as the topic the report names', async () => {
    const edge = broker!;
    const target = mm2.spec.target;
    // The cloud cluster: another broker whose super user is the site's cloud login (the cloud's own grants are not
    // the site's to define). Both listeners the site dials are TLS with SCRAM-SHA-512, trusting the test CA.
    const cloudLogin: ScramUser = { name: target.authentication.username, password: newPassword() };
    cloud = await startBroker({ name: 'iot-e2e-cloud', adminUser: cloudLogin.name, tlsKeyAndCertPem: pki.serverKeyAndCert });
    const cloudAdmin = cloud.admin; // the same name as cloudLogin, with the password startBroker made
    const tlsLogin = (u: ScramUser) => ({
      ...clientProperties(u), 'security.protocol': 'SASL_SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': pki.caCert,
    });
    expect(mirror.source.tls.trustedCertificates).toHaveLength(1);
    expect(target.tls.trustedCertificates).toHaveLength(1);
    expect(mirror.source.authentication.type).toBe('scram-sha-512');
    expect(target.authentication.type).toBe('scram-sha-512');
    // The worker and the source connector as Strimzi configures them (test/support/mirror-maker.ts); the edge login is
    // the site's MirrorMaker2 KafkaUser, the cloud login the cloud's super user.
    const edgeLogin = logins.get(consumerName)!;
    worker = await MirrorMakerRun.start({
      mm2,
      target: { bootstrapServers: cloud.tlsBootstrapServers!, security: tlsLogin(cloudAdmin) },
      sources: { [mirror.source.alias]: { bootstrapServers: edge.tlsBootstrapServers!, security: tlsLogin(edgeLogin) } },
      dir: path.join(dir, 'mm2'),
      connectors: ['source'],
      waitRunning: false,
    });

    // The remote topic the report promises ("MirrorMaker2 (<site>.<topic>)"), with the points Telegraf wrote.
    const promised = /MirrorMaker2 \(([^)]+)\)/.exec(site.report())![1];
    const mirrored: any[] = [];
    const deadline = Date.now() + 120_000;
    const wanted = edgeRecords.length + bufferTestPoints;
    while (Date.now() < deadline && mirrored.filter((m) => m.name === 'boiler').length < wanted) {
      const list = await cloud.tool(KafkaClass.TOPICS, ['--list']);
      if (list.stdout.split('\n').includes(promised)) {
        const r = await cloud.tool(KafkaClass.CONSOLE_CONSUMER, ['--topic', promised, '--from-beginning', '--timeout-ms', '8000'], cloudAdmin);
        mirrored.splice(0, mirrored.length, ...r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)));
      } else {
        await new Promise((res) => setTimeout(res, 2000));
      }
    }
    const [status] = await worker.status();
    const topics = (await cloud.mustTool(KafkaClass.TOPICS, ['--list'])).stdout.split('\n').filter((x) => x && !x.startsWith('__'));
    console.log(`iot-e2e: mirrormaker2: connector ${status.connector?.state}, tasks ${JSON.stringify((status.tasks ?? []).map((t: any) => t.state))}; `
      + `cloud topics: ${topics.join(', ')}; ${mirrored.filter((m) => m.name === 'boiler').length} points on ${promised}`);
    expect(promised).toBe(`${mirror.source.alias}.${kafkaTopicName}`);
    expect(edgeRecords.length).toBeGreaterThan(0);
    // Every record of the sensor batch, and as many records as Telegraf wrote to the edge in all.
    const boilers = mirrored.filter((m) => m.name === 'boiler').map((m) => JSON.stringify(m));
    expect(edgeRecords.filter((r) => !boilers.includes(r))).toEqual([]);
    expect(new Set(boilers).size).toBe(edgeRecords.length + bufferTestPoints); // at-least-once: count distinct records
    expect((status.tasks ?? []).map((t: any) => t.state)).toEqual(['RUNNING']);
  }, 240_000);
});

describe('Redis L1 cache with the site\'s redis.conf and start script', () => {
  let redis: Proc | undefined;
  afterAll(async () => redis?.stop());

  test('starts as the pod\'s user; the probe passes; auth, maxmemory, policy and the published TTL hold', async () => {
    const clientCm = findAll(manifests, 'ConfigMap').find((c) => c.data?.REDIS_URL);
    const service = find(manifests, 'Service', clientCm.data.REDIS_HOST.split('.')[0]);
    const deployment = findAll(manifests, 'Deployment').find((d) => /redis/.test(containerOf(d.spec.template.spec).image));
    const pod = deployment.spec.template.spec;
    const c = containerOf(pod);
    const targetPort = service.spec.ports[0].targetPort;
    const containerPort = c.ports.find((p: any) => p.name === targetPort || p.containerPort === targetPort).containerPort;
    // The client ConfigMap points at the Service, whose port reaches the container's.
    expect(Number(clientCm.data.REDIS_PORT)).toBe(service.spec.ports[0].port);
    expect(clientCm.data.REDIS_URL).toBe(`redis://${clientCm.data.REDIS_HOST}:${clientCm.data.REDIS_PORT}`);
    const [secretName, secretKey] = clientCm.data.REDIS_PASSWORD_SECRET.split('/');
    const password = `cache-${newPassword()}`; // the operator's Secret value
    const root = path.join(dir, 'redis');
    const mounts = layOutVolumes(pod, c, root, { [secretName]: { [secretKey]: password } }, manifests);
    const port = await freePort();
    // Mount paths → temp folders; the pod's port → a free loopback port; listen on loopback only.
    const rewrite = (text: string) => text.replace(/(^|[\s'"])(\/[A-Za-z0-9/._-]+)/g, (_all, pre: string, p: string) => pre + mapPath(p, mounts));
    const configDir = mounts.get(c.command[1].replace(/\/[^/]+$/, ''))!;
    const conf = fs.readFileSync(path.join(configDir, 'redis.conf'), 'utf8');
    fs.writeFileSync(path.join(configDir, 'redis.conf'), substitute('redis.conf', rewrite(conf), [[`port ${containerPort}\n`, `port ${port}\n`], ['bind * -::*', 'bind 127.0.0.1']]));
    fs.writeFileSync(path.join(configDir, 'start.sh'), rewrite(fs.readFileSync(path.join(configDir, 'start.sh'), 'utf8')));
    const uid = pod.securityContext.runAsUser;
    for (const d of mounts.values()) fs.chownSync(d, uid, pod.securityContext.runAsGroup);
    const [sh, script] = c.command;
    redis = new Proc(spawn(sh, [mapPath(script, mounts)], { uid, gid: pod.securityContext.runAsGroup, env: { PATH: process.env.PATH! }, stdio: ['ignore', 'pipe', 'pipe'] }));
    const r = redis;
    await waitFor(async () => {
      if (r.exited) throw new Error('exited');
      const client = await RespClient.connect(port);
      try {
        const reply = await client.call('PING');
        return (reply?.error ?? '').startsWith('NOAUTH');
      } finally {
        client.close();
      }
    }, () => `redis: ${r.output}`);
    // The readiness probe of the Deployment, as the kubelet runs it in the container.
    const probe = c.readinessProbe.exec.command.map((a: string) => rewrite(a).replace(`-p ${containerPort} `, `-p ${port} `));
    const probeOk = spawnSync(probe[0], probe.slice(1), { uid, gid: pod.securityContext.runAsGroup, encoding: 'utf8' });
    expect({ status: probeOk.status, stderr: probeOk.stderr }).toEqual({ status: 0, stderr: '' });

    const anon = await RespClient.connect(port);
    expect((await anon.call('GET', 'x')).error).toMatch(/^NOAUTH/);
    anon.close();
    const client = await RespClient.connect(port);
    try {
      expect(await client.call('AUTH', password)).toBe('OK');
      const maxmemory = await client.call('CONFIG', 'GET', 'maxmemory');
      const policy = await client.call('CONFIG', 'GET', 'maxmemory-policy');
      expect(Number(maxmemory[1])).toBe(Resources.bytes(site.cache._config.maxMemory));
      expect(policy[1]).toBe('allkeys-lru');
      // Cache-aside with the TTL the client ConfigMap publishes (the site's sample interval).
      const ttl = Number(clientCm.data.CACHE_DEFAULT_TTL_SECONDS);
      expect(ttl).toBe(site.sampleInterval.toSeconds());
      expect(await client.call('SET', 'q:last-hour:boiler', '{"mean":61.5}', 'EX', String(ttl))).toBe('OK');
      const left = await client.call('TTL', 'q:last-hour:boiler');
      await new Promise((res) => setTimeout(res, ttl * 1000 + 300));
      const after = await client.call('GET', 'q:last-hour:boiler');
      console.log(`iot-e2e: redis as uid ${uid}: maxmemory ${maxmemory[1]} ${policy[1]}, probe exit 0, TTL ${left}s of ${ttl}s, after ${ttl}s: ${after}`);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(ttl);
      expect(after).toBeNull();
    } finally {
      client.close();
    }
  }, 60_000);
});

describe('Backup: the restic CronJob (dump init container, then restic) into a loopback S3', () => {
  let s3: S3Server | undefined;
  afterAll(async () => s3?.stop());

  test('two runs: the dump lands in the shared volume, restic stores it at the site\'s bucket and prefix, the second run finds the repository; a restore returns the dump', async () => {
    s3 = await startS3Server();
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    const dumpC = pod.initContainers[0];
    const resticC = containerOf(pod);
    // The dump folder the init container writes is the volume restic backs up.
    const dumpEnv = Object.fromEntries(dumpC.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    const resticEnvPlain = Object.fromEntries(resticC.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    const volumeAt = (c: any, p: string) => c.volumeMounts.find((m: any) => p === m.mountPath || p.startsWith(`${m.mountPath}/`))?.name;
    expect(volumeAt(dumpC, dumpEnv.DUMP_DIR)).toBeDefined();
    expect(volumeAt(resticC, resticEnvPlain.BACKUP_SOURCE)).toBe(volumeAt(dumpC, dumpEnv.DUMP_DIR));
    // The dump talks to the site's InfluxDB Service with the operator token.
    const influxService = find(manifests, 'Service', new URL(dumpEnv.INFLUX_HOST).hostname.split('.')[0]);
    expect(dumpEnv.INFLUX_HOST).toBe(`http://${influxService.metadata.name}.${ns}.svc:${influxService.spec.ports[0].port}`);

    // Secret values: the InfluxDB operator token, the restic password, the cloud store's keys (moto takes any).
    const secrets: SecretValues = {};
    for (const c of [dumpC, resticC]) {
      for (const e of c.env) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) secrets[ref.name] = { ...secrets[ref.name], [ref.key]: `${e.name.toLowerCase()}-${newPassword()}` };
      }
    }
    // The repository URL with the cloud endpoint swapped for the loopback S3 (bucket and prefix stay the site's).
    const repoMatch = /^s3:(https?:\/\/[^/]+)\/([^/]+)\/(.+)$/.exec(resticEnvPlain.RESTIC_REPOSITORY);
    expect(repoMatch).not.toBeNull();
    const [, , bucket, prefix] = repoMatch!;
    expect(prefix).toBe(`${ns}/restic/influxdb`);
    const created = await fetch(`${s3.endpoint}/${bucket}`, { method: 'PUT' }); // the bucket must exist (operator)
    expect(created.status).toBe(200);
    const uid = pod.securityContext.runAsUser;
    const gid = pod.securityContext.runAsGroup;

    // A stand-in `influx` (the real CLI needs a running InfluxDB 2): it records how it was called and writes a
    // dump-like tree into the folder it is given.
    const standInBin = path.join(dir, 'influx-bin');
    fs.mkdirSync(standInBin, { recursive: true });
    const calls = path.join(dir, 'influx-calls');
    fs.writeFileSync(calls, '');
    fs.chmodSync(calls, 0o666);
    fs.writeFileSync(path.join(standInBin, 'influx'), [
      '#!/bin/sh',
      `printf '%s|%s|%s|%s\\n' "$*" "$INFLUX_HOST" "$INFLUX_TOKEN" "$INFLUX_CONFIGS_PATH" >> '${calls}'`,
      'for last; do :; done',
      '[ -n "${INFLUX_FAIL:-}" ] && { echo "Error: failed to backup metadata: 401 Unauthorized" >&2; exit 1; }',
      'n=$(wc -l < \'' + calls + '\')',
      'head -c 65536 /dev/urandom > "$last/20261205T010000Z.$n.tar"',
      'printf \'{"run":%s}\\n\' "$n" > "$last/20261205T010000Z.$n.manifest"',
      '',
    ].join('\n'), { mode: 0o755 });

    const runMounts: Array<Map<string, string>> = [];
    const runPod = (extraEnv: { [k: string]: string } = {}) => {
      const root = path.join(dir, `backup-pod-${Date.now()}`);
      const results: Array<{ name: string; status: number | null; output: string }> = [];
      let mounts = new Map<string, string>();
      for (const c of [...pod.initContainers, resticC]) {
        mounts = layOutVolumes(pod, c, root, secrets, manifests);
        const env = Object.fromEntries(Object.entries(resolveEnv(c, secrets)).map(([k, v]) => [k, mapPath(v, mounts)]));
        if (env.INFLUX_HOST) env.INFLUX_HOST = `http://127.0.0.1:${influxService.spec.ports[0].port}`; // loopback stand-in, never contacted
        if (env.RESTIC_REPOSITORY) env.RESTIC_REPOSITORY = env.RESTIC_REPOSITORY.replace(repoMatch![1], s3!.endpoint);
        expect(c.command).toEqual(['/bin/sh', '-c']);
        const r = spawnSync('/bin/sh', ['-c', c.args[0]], {
          uid,
          gid,
          encoding: 'utf8',
          timeout: 120_000,
          env: { PATH: `${standInBin}:${path.dirname(RESTIC)}:/usr/bin:/bin`, ...env, ...extraEnv },
        });
        results.push({ name: c.name, status: r.status, output: `${r.stdout}${r.stderr}` });
        if (r.status !== 0) break; // a failed init container stops the pod
      }
      runMounts.push(mounts);
      return { results, mounts, root };
    };

    const first = runPod();
    expect(first.results.map((r) => ({ name: r.name, status: r.status, output: r.status === 0 ? '' : r.output })))
      .toEqual([{ name: dumpC.name, status: 0, output: '' }, { name: resticC.name, status: 0, output: '' }]);
    expect(first.results[0].output).toMatch(/influx backup finished: \d+ KiB in \//);
    expect(first.results[1].output).toContain('no repository yet: initializing');
    const second = runPod();
    expect(second.results.map((r) => r.status)).toEqual([0, 0]);
    expect(second.results[1].output).toContain('repository found');
    // The dump step called influx as the script says, with the Service address and the operator token from env.
    const callLines = fs.readFileSync(calls, 'utf8').trim().split('\n').map((l) => l.split('|'));
    const operatorToken = secrets[dumpC.env.find((e: any) => e.name === 'INFLUX_TOKEN').valueFrom.secretKeyRef.name];
    expect(callLines).toHaveLength(2);
    for (const [i, [argv, host, token, configs]] of callLines.entries()) {
      expect(argv).toBe(`backup --compression none ${mapPath(dumpEnv.DUMP_DIR, runMounts[i])}`);
      expect(host).toBe(`http://127.0.0.1:${influxService.spec.ports[0].port}`);
      expect(token).toBe(Object.values(operatorToken)[0]);
      expect(configs).toBe(mapPath(dumpEnv.INFLUX_CONFIGS_PATH, runMounts[i]));
    }

    // restic, as an operator would inspect it: two snapshots of host <site> with the site's tags under the prefix.
    const resticEnv = resolveEnv(resticC, secrets);
    const inspectEnv = {
      PATH: process.env.PATH!,
      HOME: dir,
      RESTIC_CACHE_DIR: path.join(dir, 'restic-cache'),
      RESTIC_REPOSITORY: resticEnv.RESTIC_REPOSITORY.replace(repoMatch![1], s3.endpoint),
      RESTIC_PASSWORD: resticEnv.RESTIC_PASSWORD,
      AWS_ACCESS_KEY_ID: resticEnv.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: resticEnv.AWS_SECRET_ACCESS_KEY,
    };
    const snaps = JSON.parse(spawnSync(RESTIC, ['snapshots', '--json'], { env: inspectEnv, encoding: 'utf8' }).stdout);
    // restic splits a comma-separated --tag into separate tags (and `forget --tag a,b` selects snapshots with both).
    const expectedSnapshot = { host: resticEnv.BACKUP_HOST, tags: resticEnv.BACKUP_TAGS.split(',') };
    expect(snaps.map((x: any) => ({ host: x.hostname, tags: x.tags }))).toEqual([expectedSnapshot, expectedSnapshot]);
    const target = path.join(dir, 'restore');
    const restored = spawnSync(RESTIC, ['restore', 'latest', '--target', target], { env: inspectEnv, encoding: 'utf8' });
    expect(restored.status).toBe(0);
    const dumpDir = mapPath(dumpEnv.DUMP_DIR, second.mounts);
    const restoredDir = path.join(target, mapPath(resticEnvPlain.BACKUP_SOURCE, second.mounts));
    const listing = (d: string) => fs.readdirSync(d).sort().map((f) => `${f}:${fs.readFileSync(path.join(d, f)).toString('base64').slice(0, 40)}`);
    expect(listing(restoredDir)).toEqual(listing(dumpDir));
    const objects = await (await fetch(`${s3.endpoint}/${bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}/`)).text();
    const keys = [...objects.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(`${prefix}/`))).toBe(true);

    // A failing dump stops the pod before restic: no third snapshot.
    const failed = runPod({ INFLUX_FAIL: '1' });
    expect(failed.results.map((r) => ({ name: r.name, failed: r.status !== 0 }))).toEqual([{ name: dumpC.name, failed: true }]);
    const after = JSON.parse(spawnSync(RESTIC, ['snapshots', '--json'], { env: inspectEnv, encoding: 'utf8' }).stdout);
    expect(after).toHaveLength(2);
    console.log(`iot-e2e: backup as uid ${uid}: 2 runs into s3://${bucket}/${prefix} (${keys.length} objects), snapshots host ${resticEnv.BACKUP_HOST} tags ${resticEnv.BACKUP_TAGS}, `
      + `restore equals the dump (${listing(dumpDir).length} files); failed dump: pod stopped before restic`);
  }, 180_000);
});
