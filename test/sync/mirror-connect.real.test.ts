// Real tier (issue 15 item 10): the internal topics a site's MirrorMaker2 creates on the cloud cluster, created by the
// real Kafka Connect worker and MirrorMaker2 connectors (Kafka 4.3.1 jars) from the synthesized KafkaMirrorMaker2:
// the worker gets spec.target's group, topic names and spec.target.config (as Strimzi passes them), the connectors
// get mirrors[0]'s connector configs. One SCRAM broker stands in for both the edge and the cloud cluster (the aliases
// differ, so MirrorMaker2 treats them as two clusters). The partition counts are read back with kafka-topics.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EdgeKafkaCluster, EdgeKafkaTopic, KafkaAuthentication, KafkaSync } from '../../src';
import { chart, find, synth } from '../support/harness';
import { clientProperties, KafkaBroker, KafkaClass, kafkaClasspath, startBroker } from '../support/kafka';
import { freePort } from '../support/net';
import { requireToolPath, requireTools } from '../support/tools';

requireTools('java');
requireToolPath('kafka/libs');

process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
const c = chart('site-a');
const cluster = new EdgeKafkaCluster(c, 'edge');
const objects = new EdgeKafkaTopic(c, 'objects', { cluster });
new KafkaSync(c, 'to-cloud', {
  source: cluster,
  site: 'site-a',
  topics: [objects],
  consumerGroups: ['indexer'],
  target: { bootstrapServers: 'kafka.cloud.example.com:9093', caCertificate: { name: 'cloud-ca', key: 'ca.crt' }, credentials: { authentication: KafkaAuthentication.SCRAM_SHA_512, username: 'site-a-mm2', secretName: 'site-a-mm2' } },
});
const mm2 = find(synth(c), 'KafkaMirrorMaker2', 'to-cloud');
const topic = find(synth(c), 'KafkaTopic', 'objects');
delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;

let broker: KafkaBroker | undefined;
let worker: ChildProcess | undefined;
let dir: string | undefined;
let log = '';

beforeAll(async () => {
  broker = await startBroker({ name: 'mirror-connect' });
}, 180_000);
afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker!.once('exit', r));
    worker.kill('SIGTERM');
    const t = setTimeout(() => worker!.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(t);
  }
  await broker?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

const props = (entries: { [k: string]: unknown }) => Object.entries(entries).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';

async function partitions(b: KafkaBroker, name: string): Promise<number | undefined> {
  const r = await b.tool(KafkaClass.TOPICS, ['--describe', '--topic', name]);
  const m = /PartitionCount:\s*(\d+)/.exec(r.stdout);
  return m ? Number(m[1]) : undefined;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== undefined) return v;
    if (worker?.exitCode !== null && worker?.exitCode !== undefined) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${what} did not appear within ${timeoutMs} ms; worker log tail:\n${log.split('\n').slice(-30).join('\n')}`);
}

test('the Connect worker and both connectors create every internal topic with one partition', async () => {
  const b = broker!;
  const spec = mm2.spec;
  const mirror = spec.mirrors[0];
  const login = clientProperties(b.admin);
  // The edge topic the source connector reads (as its KafkaTopic says).
  await b.mustTool(KafkaClass.TOPICS, ['--create', '--topic', topic.spec.topicName ?? topic.metadata.name, '--partitions', String(topic.spec.partitions), '--replication-factor', '1']);

  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mirror-connect-'));
  const restPort = await freePort();
  const workerFile = path.join(dir, 'worker.properties');
  fs.writeFileSync(workerFile, props({
    'bootstrap.servers': b.bootstrapServers,
    'group.id': spec.target.groupId,
    'config.storage.topic': spec.target.configStorageTopic,
    'offset.storage.topic': spec.target.offsetStorageTopic,
    'status.storage.topic': spec.target.statusStorageTopic,
    ...spec.target.config,
    ...login,
    'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
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
  worker = spawn('java', ['-Xmx384m', '-XX:+UseSerialGC', `-Dlog4j2.configurationFile=${log4j}`, '-cp', kafkaClasspath(), KafkaClass.CONNECT_DISTRIBUTED, workerFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  worker.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
  worker.stderr!.on('data', (d: Buffer) => { log += d.toString(); });

  // Connect's own topics, created by the worker at start.
  for (const name of [spec.target.configStorageTopic, spec.target.offsetStorageTopic, spec.target.statusStorageTopic]) {
    expect({ name, partitions: await waitFor(name, () => partitions(b, name), 120_000) }).toEqual({ name, partitions: 1 });
  }

  // The connectors, configured as Strimzi does: the synthesized connector config plus the two clusters' connections.
  const clusters: { [k: string]: string } = {
    'source.cluster.alias': mirror.source.alias,
    'target.cluster.alias': spec.target.alias,
    'source.cluster.bootstrap.servers': b.bootstrapServers,
    'target.cluster.bootstrap.servers': b.bootstrapServers,
    ...Object.fromEntries(Object.entries(login).flatMap(([k, v]) => [[`source.cluster.${k}`, v], [`target.cluster.${k}`, v]])),
  };
  const rest = await waitFor('the Connect REST API', async () => {
    try {
      return (await fetch(`http://127.0.0.1:${restPort}/connectors`)).ok ? true : undefined;
    } catch {
      return undefined;
    }
  }, 60_000);
  expect(rest).toBe(true);
  const put = async (name: string, cls: string, connector: any, extra: { [k: string]: string }) => {
    const res = await fetch(`http://127.0.0.1:${restPort}/connectors/${encodeURIComponent(name)}/config`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ 'connector.class': cls, 'tasks.max': String(connector.tasksMax), ...clusters, ...extra, ...Object.fromEntries(Object.entries(connector.config).map(([k, v]) => [k, String(v)])) }),
    });
    expect({ name, status: res.status < 300 ? 'accepted' : `${res.status} ${await res.text()}` }).toEqual({ name, status: 'accepted' });
  };
  await put('source', 'org.apache.kafka.connect.mirror.MirrorSourceConnector', mirror.sourceConnector, { topics: mirror.topicsPattern });
  await put('checkpoint', 'org.apache.kafka.connect.mirror.MirrorCheckpointConnector', mirror.checkpointConnector, { groups: mirror.groupsPattern });

  // MirrorMaker2's topics on the target (offset-syncs.topic.location: target).
  for (const name of [`mm2-offset-syncs.${mirror.source.alias}.internal`, `${mirror.source.alias}.checkpoints.internal`]) {
    expect({ name, partitions: await waitFor(name, () => partitions(b, name), 120_000) }).toEqual({ name, partitions: 1 });
  }
  const all = (await b.mustTool(KafkaClass.TOPICS, ['--list'])).stdout.split('\n').filter((t) => t && !t.startsWith('__'));
  console.log(`mirror-connect: topics on the target: ${all.join(', ')}`);
}, 420_000);
