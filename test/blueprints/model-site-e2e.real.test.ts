// Real tier, issue 13 (ModelDistributionSite): the site's data path end to end on loopback, driven only by what the
// library synthesized for the retail store of examples/model-distribution (its props, with the cloud's S3 endpoint and
// Kafka bootstrap address pointed at loopback fixtures):
// - cloud: one MinIO server stands in for the cloud's S3 (virtual-hosted bucket names, so the job's AWS-flavoured
//   remote runs as synthesized); the site's cloud keys are a read-only user there. A KRaft broker (SCRAM, ACLs) stands
//   in for the cloud Kafka; its MirrorMaker2 user gets exactly KafkaCloudToEdgeMirror.sourceAclRules().
// - site: the MinIO StatefulSet runs as 4 real servers and its provisioning Job runs with the real mc (it creates the
//   release job's user from its grant); the release CronJob's pod runs its ConfigMap script with its env (the real
//   rclone) and signs with the grant's keys; a second broker stands in for the site's Strimzi Kafka with the
//   KafkaUsers' ACLs; a Kafka Connect worker runs the KafkaMirrorMaker2's connectors; the real nginx runs the
//   ConfigMap's nginx.conf (runtime paths, listen address and the resolver substituted) with the store's Service name
//   resolved to a store server.
// Test-side stand-ins: the Secret values an operator (or Strimzi) would create; loopback addresses instead of Service
// DNS and the WAN; SASL_PLAINTEXT instead of the brokers' TLS listeners; the cloud's publisher (files, SHA256SUMS,
// `<model>/release`, the release event) is the test, as docs/models.md describes it.
import { spawnSync } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { CloudS3, applyKafkaUserAcls, consumerOutcome, startNginxAt, topicExists } from './model-site-e2e-support';
import { FLEET_CLOUD, FleetCloud, storeSiteProps } from '../../examples/model-distribution/main';
import { EdgeKafkaCluster, EdgeKafkaUser, KafkaCredentials, ModelDistributionSite } from '../../src';
import { NginxCacheConfig } from '../../src/cache/nginx/config';
import { nginxRuntime, Proc, request, tempDir, TinyDns } from '../cache/servers';
import { chart, find, findAll, synth } from '../support/harness';
import { clientProperties, KafkaBroker, KafkaClass, newPassword, ScramUser, startBroker } from '../support/kafka';
import { MinioTestCluster, s3KeysOf, SecretValues } from '../support/minio';
import { MirrorMakerRun } from '../support/mirror-maker';
import { reportKeyPolicy } from '../support/site-report';
import { requireToolPath, requireTools } from '../support/tools';

const [mcBin] = requireTools('mc', 'minio', 'rclone', 'nginx', 'java', 'unshare', 'setpriv', 'mkfs.ext4');
requireToolPath('kafka/libs');

jest.setTimeout(300_000);
process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';

/** The cloud's S3 domain: a reserved TLD, resolved only in the pods' hosts file. */
const CLOUD_DOMAIN = 's3.cloud.test';

/** The example's retail store site, synthesized (optionally with a pin: the site's rollback mechanism). */
function synthStore(cloud: FleetCloud, pinned?: { [model: string]: string }) {
  const app = Testing.app();
  const p = storeSiteProps(cloud);
  const site = new ModelDistributionSite(app, p.siteName!, pinned ? { ...p, release: { ...p.release, pinned } } : p);
  return { site, manifests: synth(app) };
}

// Names and Secrets do not depend on the endpoints: read them from a first synthesis, so the fixtures can start
// (their loopback addresses go into the real synthesis below).
const dry = synthStore(FLEET_CLOUD);
const only = (manifests: any[], kind: string) => {
  const all = findAll(manifests, kind);
  if (all.length !== 1) throw new Error(`expected one ${kind}, found ${all.length}`);
  return all[0];
};
/** Values of the Secrets the operator creates (the report lists them), random. */
const secrets: SecretValues = {};
for (const s of dry.site.requiredSecrets) {
  // User names and access keys short (MinIO allows 3–20 characters), secrets long enough for every consumer.
  secrets[s.name] = Object.fromEntries(s.keys.map((k) => [k, /user|ACCESS_KEY_ID/i.test(k) ? `u${randomBytes(6).toString('hex')}` : `${randomBytes(12).toString('hex')}`]));
}
const cloudMirrorUser: ScramUser = { name: only(dry.manifests, 'KafkaMirrorMaker2').spec.mirrors[0].source.authentication.username, password: '' };
/** Strimzi's generated passwords of the site's KafkaUsers (their Secrets). */
const siteUsers: ScramUser[] = findAll(dry.manifests, 'KafkaUser').map((u) => ({ name: u.metadata.name, password: newPassword() }));

let cloudS3: CloudS3 | undefined;
let cloudKafka: KafkaBroker | undefined;
let siteKafka: KafkaBroker | undefined;
let store: MinioTestCluster | undefined;
let worker: MirrorMakerRun | undefined;
let dns: TinyDns | undefined;
let nginx: Proc | undefined;
let nginxPrefix: string | undefined;
let site: ModelDistributionSite;
let manifests: any[];
let cacheUrl = '';
let releasePrefix = '';
let runs = 0;

const t0 = Date.now();
const secondsSince = (t: number) => ((Date.now() - t) / 1000).toFixed(1);

beforeAll(async () => {
  // The release job's cloud keys, looked up under the key names of the release store's credentials.
  const releaseCredentials = storeSiteProps().cloud.releaseStore.credentials;
  expect(dry.site.requiredSecrets.find((s) => /release job reading/.test(s.purpose))!.name).toBe(releaseCredentials.secretName);
  const cloudKeys = s3KeysOf(secrets, releaseCredentials);
  // MirrorMaker2's cloud login, looked up by the site's own credentials object (listed for the operator to create).
  const cloudKafkaCredentials = storeSiteProps().cloud.kafka.credentials;
  expect(dry.site.requiredSecrets.find((s) => s.name === cloudKafkaCredentials.secretName)?.purpose).toMatch(/MirrorMaker2 .*login to the cloud Kafka/);
  const mirrorPassword = secrets[cloudKafkaCredentials.secretName][KafkaCredentials.PASSWORD_KEY];
  // Each fixture is kept as soon as it is up, and all three settle before anything fails: afterAll stops what started.
  const fixtures = await Promise.allSettled([
    CloudS3.start(CLOUD_DOMAIN, storeSiteProps().cloud.releaseStore.region).then((x) => { cloudS3 = x; }),
    startBroker({ name: 'cloud-kafka', scramUsers: [{ ...cloudMirrorUser, password: mirrorPassword }] }).then((x) => { cloudKafka = x; }),
    startBroker({ name: 'site-kafka', scramUsers: siteUsers }).then((x) => { siteKafka = x; }),
  ]);
  const down = fixtures.find((x) => x.status === 'rejected');
  if (down) throw (down as PromiseRejectedResult).reason;
  if (!cloudS3 || !cloudKafka || !siteKafka) throw new Error('a fixture did not start');
  console.log(`model-site-e2e: cloud MinIO ${cloudS3.url}, cloud Kafka ${cloudKafka.bootstrapServers} (${cloudKafka.startMillis} ms), site Kafka ${siteKafka.bootstrapServers} (${siteKafka.startMillis} ms) after ${secondsSince(t0)} s`);

  // The real synthesis: the example's retail store, its cloud on loopback.
  ({ site, manifests } = synthStore({ s3Endpoint: cloudS3.endpoint, kafkaBootstrapServers: cloudKafka.bootstrapServers }));
  expect(site.requiredSecrets.map((s) => s.name)).toEqual(dry.site.requiredSecrets.map((s) => s.name));
  const p = storeSiteProps();
  releasePrefix = `${p.cloud.releaseBucket}/${p.cloud.releasePrefix}`;

  // Cloud S3: the release bucket and a user with the site's cloud keys and exactly the policy the report prints for
  // them ("Key policies": list and read the managed models' folders).
  cloudS3.mc(['mb', `cloud/${p.cloud.releaseBucket}`]);
  const releaseKeysSecret = dry.site.requiredSecrets.find((s) => /release job reading/.test(s.purpose))!.name;
  const policy = reportKeyPolicy(site.report(), releaseKeysSecret, site.siteName);
  const policyDir = tempDir('cloud-policy');
  fs.writeFileSync(path.join(policyDir, 'read.json'), policy);
  cloudS3.mc(['admin', 'policy', 'create', 'cloud', 'site-release-reader', path.join(policyDir, 'read.json')]);
  fs.rmSync(policyDir, { recursive: true, force: true });
  cloudS3.mc(['admin', 'user', 'add', 'cloud', cloudKeys.accessKeyId, cloudKeys.secretAccessKey]);
  cloudS3.mc(['admin', 'policy', 'attach', 'cloud', 'site-release-reader', '--user', cloudKeys.accessKeyId]);

  // Kafka: ACLs as the KafkaUsers say (site) and as sourceAclRules() says (cloud), the cloud's release topic, then
  // MirrorMaker2 as the KafkaMirrorMaker2 says.
  const mm2 = only(manifests, 'KafkaMirrorMaker2');
  const cloudChart = chart('kafka');
  const central = EdgeKafkaCluster.fromClusterAttributes(cloudChart, 'central', { clusterName: 'central', namespace: 'kafka', brokerCount: 1 });
  new EdgeKafkaUser(cloudChart, 'mirror', { cluster: central, username: cloudMirrorUser.name, acls: site.releaseMirror.sourceAclRules() });
  const kafkaSetup = (async () => {
    const [siteRules, cloudRules] = await Promise.all([
      applyKafkaUserAcls(siteKafka!, findAll(manifests, 'KafkaUser')),
      applyKafkaUserAcls(cloudKafka!, findAll(synth(cloudChart), 'KafkaUser')),
      ...site.releaseMirror.topicNames.map((t) => cloudKafka!.mustTool(KafkaClass.TOPICS, ['--create', '--topic', t, '--partitions', '1', '--replication-factor', '1'])),
    ]);
    console.log(`model-site-e2e: ${siteRules} site ACL rules, ${cloudRules} cloud ACL rules applied after ${secondsSince(t0)} s`);
    // Stand-in: the site broker's loopback address for the in-cluster bootstrap Service the spec names.
    expect(mm2.spec.target.bootstrapServers).toBe(site.kafka.bootstrapServers);
    const targetPassword = siteUsers.find((u) => u.name === mm2.spec.target.authentication.username)!.password;
    // Stand-in: SASL_PLAINTEXT on loopback instead of the TLS listeners (the spec's `tls` is not applied).
    const login = (cluster: any, password: string) => clientProperties({ name: cluster.authentication.username, password });
    const source = mm2.spec.mirrors[0].source;
    worker = await MirrorMakerRun.start({
      mm2,
      target: { bootstrapServers: siteKafka!.bootstrapServers, security: login(mm2.spec.target, targetPassword) },
      sources: { [source.alias]: { bootstrapServers: source.bootstrapServers, security: login(source, mirrorPassword) } },
      dir: fs.mkdtempSync(path.join(os.tmpdir(), 'mm2-worker-')),
      waitRunning: false,
    });
  })();

  // Site MinIO from its StatefulSet; the cloud's domain resolves in the pods' hosts file (bucket host names too).
  const cloudHosts = [CLOUD_DOMAIN, `${p.cloud.releaseBucket}.${CLOUD_DOMAIN}`].map((name) => ({ address: '127.0.0.1', name }));
  const storeStart = MinioTestCluster.start({ manifests, secrets, extraHosts: cloudHosts }).then((s) => { store = s; });
  // Both finish (or fail) before anything else happens, so afterAll stops whatever did start.
  const failed = (await Promise.allSettled([storeStart, kafkaSetup])).find((x) => x.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  if (!store) throw new Error('site MinIO did not start');
  console.log(`model-site-e2e: site MinIO (${store.servers.length} servers) up in ${store.startMillis} ms; MirrorMaker2 connectors ${worker!.connectors.join(', ')} after ${secondsSince(t0)} s`);
  const job = find(manifests, 'Job', site.store.provisioningJobName!);
  const prov = store.runPod(job.spec.template, `${job.metadata.name}-e2e`, { timeoutMs: 240_000, extraEnv: { PROVISION_MAX_DELAY: '4' } });
  if (prov.status !== 0) throw new Error(`provisioning exited ${prov.status}:\n${prov.stdout}${prov.stderr}`);

  // The download cache: the ConfigMap's nginx.conf, with the store's Service name resolved to a store server.
  const conf = find(manifests, 'ConfigMap', site.cache.configMapName).data['nginx.conf'];
  expect(conf).toBe(site.cache._config.render());
  const origin = site.cache._config.options.origin;
  dns = new TinyDns(Object.fromEntries(origin.hosts.map((h) => [h, store!.servers[0].address])));
  await dns.start();
  nginxPrefix = tempDir('model-e2e-cache');
  const listen = `${store.servers[0].address.replace(/\.\d+$/, '.200')}`;
  const runtime = { ...nginxRuntime(nginxPrefix), listenAddress: listen, resolver: `127.0.0.1:${dns.port}` };
  nginx = await startNginxAt(site.cache._config.render(runtime), nginxPrefix, `${listen}:${site.cache._config.port}`, NginxCacheConfig.HEALTH_PATH);
  cacheUrl = `http://${listen}:${site.cache._config.port}`;
  console.log(`model-site-e2e: fixtures ready after ${secondsSince(t0)} s (cache ${cacheUrl}, origin ${origin.toString()})`);
}, 420_000);

afterAll(async () => {
  await nginx?.stop();
  await dns?.stop();
  if (nginxPrefix) fs.rmSync(nginxPrefix, { recursive: true, force: true });
  await worker?.stop();
  await Promise.all([store?.stop(), cloudKafka?.stop(), siteKafka?.stop(), cloudS3?.stop()]);
  console.log(`model-site-e2e: all fixtures stopped after ${secondsSince(t0)} s`);
}, 120_000);

/** Publish `<model>/<version>/` with SHA256SUMS, then announce it in `<model>/release`, as the cloud does. */
function publish(model: string, version: string, files: { [name: string]: Buffer }, tamper?: string): void {
  const sums = Object.entries(files).map(([name, body]) => `${createHash('sha256').update(body).digest('hex')}  ${name}`);
  for (const [name, body] of Object.entries(files)) {
    cloudS3!.mc(['pipe', `cloud/${releasePrefix}/${model}/${version}/${name}`], name === tamper ? Buffer.concat([body, Buffer.from('!')]) : body);
  }
  cloudS3!.mc(['pipe', `cloud/${releasePrefix}/${model}/${version}/SHA256SUMS`], sums.join('\n') + '\n');
  cloudS3!.mc(['pipe', `cloud/${releasePrefix}/${model}/release`], `${version}\n`);
}

/** Run one release Job (the CronJob's pod template, its ConfigMap script and env) against the real stores. */
function runReleaseJob(from: any[] = manifests) {
  const cron = find(from, 'CronJob', site.releaseSync.name);
  const started = Date.now();
  const r = store!.runPod(cron.spec.jobTemplate.spec.template, `${cron.metadata.name}-${++runs}`, { timeoutMs: 180_000, manifests: from });
  console.log(`model-site-e2e: release job run ${runs} exited ${r.status} in ${secondsSince(started)} s:\n${`${r.stdout}${r.stderr}`.trim()}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** What the site store holds at `key` of the model bucket (read as root), or undefined. */
function siteObject(key: string): string | undefined {
  const rc = site.store.rootCredentials;
  const root = secrets[rc.secretName];
  const r = spawnSync(mcBin, ['--no-color', 'cat', `s/${site.modelBucket.bucketName}/${key}`], {
    encoding: 'utf8', env: { PATH: process.env.PATH, MC_CONFIG_DIR: `${store!.hostsFile}.mc`, MC_HOST_s: store!.mcHost(root[rc.accessKeyIdKey], root[rc.secretAccessKeyKey]) },
  });
  return r.status === 0 ? r.stdout : undefined;
}

const weights = (n: number) => randomBytes(1024 * 1024 + n);
const v1 = { 'model.onnx': weights(1), 'labels.txt': Buffer.from('person\nshelf\n') };
const v2 = { 'model.onnx': weights(2), 'labels.txt': Buffer.from('person\nshelf\ngap\n') };
const v3 = { 'model.onnx': weights(3) };

test('the site report says what this file proves', () => {
  expect(site.report()).toContain(`Proved by: ${path.relative(path.resolve(__dirname, '..', '..'), __filename)} `);
});

test('a release published in the cloud is pulled, SHA-256-verified and promoted by the release job; the cache serves it', async () => {
  // The job signs with its grant's keys, never the root user's.
  const env = find(manifests, 'CronJob', site.releaseSync.name).spec.jobTemplate.spec.template.spec.containers[0].env;
  const secretNames = [...new Set(env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef.name))].sort();
  expect(secretNames).toEqual([site.releaseGrant.credentials.secretName, storeSiteProps().cloud.releaseStore.credentials.secretName].sort());

  publish('detector', 'v1', v1);
  const r = runReleaseJob();
  expect({ status: r.status, promoted: r.out.includes('detector: promoted v1 (was none)') }).toEqual({ status: 0, promoted: true });
  expect(siteObject('detector/current')).toBe('v1\n');

  const current = await request(`${cacheUrl}/detector/current`);
  expect({ status: current.status, body: current.body.toString(), cache: current.headers['x-cache-status'] }).toEqual({ status: 200, body: 'v1\n', cache: 'BYPASS' });
  const first = await request(`${cacheUrl}/detector/v1/model.onnx`);
  const second = await request(`${cacheUrl}/detector/v1/model.onnx`);
  expect([first.status, first.headers['x-cache-status'], second.headers['x-cache-status']]).toEqual([200, 'MISS', 'HIT']);
  expect(first.body.equals(v1['model.onnx'])).toBe(true);
  expect(second.body.equals(v1['model.onnx'])).toBe(true);
});

test('the release event reaches every consumer pod through the mirrored topic (own group each); a group outside the prefix is refused', async () => {
  const edgeTopic = site.releaseEvents.topicName;
  await worker!.until(`the mirrored topic ${edgeTopic} on the site broker`, () => topicExists(siteKafka!, edgeTopic), 120_000);
  console.log(`model-site-e2e: connectors ${JSON.stringify(await worker!.states())}`);
  const login = siteUsers.find((u) => u.name === site.releaseEventConsumer.username)!;
  const prefix = site.releaseEventGroupPrefix!;
  const pods = ['inference-0', 'inference-1'];
  const consume = (group: string, timeoutMs: number) => siteKafka!.tool(KafkaClass.CONSOLE_CONSUMER,
    ['--topic', edgeTopic, '--group', group, '--from-beginning', '--max-messages', '1', '--timeout-ms', String(timeoutMs)], login, { timeoutMs: timeoutMs + 60_000 });
  const started = Date.now();
  const consumers = pods.map((pod) => consume(`${prefix}${pod}`, 90_000));
  const intruder = consume('inference-outside-prefix', 20_000);

  publish('detector', 'v2', v2);
  const event = JSON.stringify({ model: 'detector', version: 'v2' });
  // The cloud's release pipeline announces the version on the cloud topic (here as the cloud broker's admin).
  await cloudKafka!.mustTool(KafkaClass.CONSOLE_PRODUCER, ['--topic', site.releaseMirror.topicNames[0]], cloudKafka!.adminConfig, { stdin: `${event}\n` });
  const r = runReleaseJob();
  // Every consumer has finished (or given up) before anything is asserted: no JVM outlives the test.
  const runsOf = await Promise.all(consumers);
  const refused = await intruder;
  expect({ status: r.status, promoted: r.out.includes('detector: promoted v2 (was v1)') }).toEqual({ status: 0, promoted: true });

  const received = runsOf.map(consumerOutcome);
  console.log(`model-site-e2e: ${pods.length} consumers done ${secondsSince(started)} s after they started: ${JSON.stringify(received)}`);
  if (received.some((x) => x !== event)) {
    console.log(`model-site-e2e: connectors ${JSON.stringify(await worker!.states())}; worker log tail:\n${worker!.log().split('\n').slice(-40).join('\n')}\nconsumer stderr:\n${runsOf.map((x) => x.stderr.slice(-1500)).join('\n---\n')}`);
  }
  expect(received).toEqual(pods.map(() => event));
  // The console consumer exits 0 either way: the proof is the broker's refusal and that nothing was read.
  expect({ denied: /GroupAuthorizationException|Not authorized to access group/.test(refused.stderr), out: refused.stdout.trim() }).toEqual({ denied: true, out: '' });

  // Each consumer then polls <model>/current through the cache until it names the announced version, and loads it.
  for (const message of received) {
    const { model, version } = JSON.parse(message);
    let current = '';
    for (let i = 0; i < 20 && current !== `${version}\n`; i++) {
      if (i > 0) await new Promise((res) => setTimeout(res, 500));
      current = (await request(`${cacheUrl}/${model}/current`)).body.toString();
    }
    expect(current).toBe(`${version}\n`);
    const file = await request(`${cacheUrl}/${model}/${version}/model.onnx`);
    expect(file.status).toBe(200);
    expect(file.body.equals(v2['model.onnx'])).toBe(true);
  }
});

test('a corrupt release (checksum mismatch) is refused: the job fails and current stays', async () => {
  publish('detector', 'v3', v3, 'model.onnx');
  const r = runReleaseJob();
  expect(r.status).not.toBe(0);
  expect(r.out).toContain('detector: v3 FAILED SHA-256 verification; current stays at v2');
  expect(siteObject('detector/current')).toBe('v2\n');
  expect((await request(`${cacheUrl}/detector/current`)).body.toString()).toBe('v2\n');
});

test('rollback by pinning: the pinned site\'s release job serves the retained v1 again without pulling', async () => {
  const pinned = synthStore({ s3Endpoint: cloudS3!.endpoint, kafkaBootstrapServers: cloudKafka!.bootstrapServers }, { detector: 'v1' });
  const r = runReleaseJob(pinned.manifests);
  expect({ status: r.status, promoted: r.out.includes('detector: promoted v1 (was v2)'), pulled: r.out.includes('pulling') }).toEqual({ status: 0, promoted: true, pulled: false });
  expect(siteObject('detector/current')).toBe('v1\n');
  expect(siteObject('detector/history')).toBe('v1\nv2\n');
  expect((await request(`${cacheUrl}/detector/current`)).body.toString()).toBe('v1\n');
  const file = await request(`${cacheUrl}/detector/v1/model.onnx`);
  expect(file.body.equals(v1['model.onnx'])).toBe(true);
});
