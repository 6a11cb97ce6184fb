// Real tier (issue 15 item 10): the internal topics a site's MirrorMaker2 creates on the cloud cluster, created by the
// real Kafka Connect worker and MirrorMaker2 connectors (Kafka 4.3.1 jars) from the synthesized KafkaMirrorMaker2:
// the worker gets spec.target's group, topic names and spec.target.config (as Strimzi passes them), the connectors
// get mirrors[0]'s connector configs. One SCRAM broker stands in for both the edge and the cloud cluster (the aliases
// differ, so MirrorMaker2 treats them as two clusters). The partition counts are read back with kafka-topics.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EdgeKafkaCluster, EdgeKafkaTopic, KafkaCredentials, KafkaSync } from '../../src';
import { chart, find, synth } from '../support/harness';
import { clientProperties, KafkaBroker, KafkaClass, startBroker } from '../support/kafka';
import { MirrorMakerRun } from '../support/mirror-maker';
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
  target: { bootstrapServers: 'kafka.cloud.example.com:9093', caCertificate: { name: 'cloud-ca', key: 'ca.crt' }, credentials: KafkaCredentials.fromSecretName('site-a-mm2', { username: 'site-a-mm2' }) },
});
const mm2 = find(synth(c), 'KafkaMirrorMaker2', 'to-cloud');
const topic = find(synth(c), 'KafkaTopic', 'objects');
delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;

let broker: KafkaBroker | undefined;
let worker: MirrorMakerRun | undefined;
let dir: string | undefined;

beforeAll(async () => {
  broker = await startBroker({ name: 'mirror-connect' });
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await broker?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

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
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${what} did not appear within ${timeoutMs} ms; worker log tail:\n${worker?.log().split('\n').slice(-30).join('\n')}`);
}

test('the Connect worker and both connectors create every internal topic with one partition', async () => {
  const b = broker!;
  const spec = mm2.spec;
  const mirror = spec.mirrors[0];
  const login = clientProperties(b.admin);
  // The edge topic the source connector reads (as its KafkaTopic says).
  await b.mustTool(KafkaClass.TOPICS, ['--create', '--topic', topic.spec.topicName ?? topic.metadata.name, '--partitions', String(topic.spec.partitions), '--replication-factor', '1']);

  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mirror-connect-'));
  // The worker and both connectors as Strimzi configures them (test/support/mirror-maker.ts); one broker plays both
  // clusters, with the admin's login.
  const connection = { bootstrapServers: b.bootstrapServers, security: login };
  worker = await MirrorMakerRun.start({
    mm2, target: connection, sources: { [mirror.source.alias]: connection }, dir, connectors: ['source', 'checkpoint'], waitRunning: false,
  });

  // Connect's own topics, created by the worker at start.
  for (const name of [spec.target.configStorageTopic, spec.target.offsetStorageTopic, spec.target.statusStorageTopic]) {
    expect({ name, partitions: await waitFor(name, () => partitions(b, name), 120_000) }).toEqual({ name, partitions: 1 });
  }

  // MirrorMaker2's topics on the target (offset-syncs.topic.location: target).
  for (const name of [`mm2-offset-syncs.${mirror.source.alias}.internal`, `${mirror.source.alias}.checkpoints.internal`]) {
    expect({ name, partitions: await waitFor(name, () => partitions(b, name), 120_000) }).toEqual({ name, partitions: 1 });
  }
  const all = (await b.mustTool(KafkaClass.TOPICS, ['--list'])).stdout.split('\n').filter((t) => t && !t.startsWith('__'));
  console.log(`mirror-connect: topics on the target: ${all.join(', ')}`);
}, 420_000);
