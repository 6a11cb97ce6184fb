// Real tier (issue 13, VideoSurveillanceSite items 1–3 and 6): the site's event data path end to end, driven only by
// what the library synthesized for the README's example site.
//
// - The site's MinIO runs from its StatefulSet (all four servers, the manifest's args and env, its certs volume with
//   the Kafka cluster CA) and its provisioning Job's script runs with the real mc.
// - A Kafka broker stands in for the site's Strimzi cluster: the TLS + SCRAM listener at the bootstrap address the
//   manifests name, the topic as the KafkaTopic says, the users and ACLs as the KafkaUsers say. A second broker is
//   the cloud Kafka (its MirrorMaker2 user has exactly the ACLs of `KafkaSync.targetAclRules()`).
// - A recorder uploads segments with the keys of the Secret its grant names; MinIO's own Kafka target (configured by
//   the synthesized env, logging in as the site's `store-notifications` user) raises an event per upload; a Kafka
//   Connect worker runs MirrorMaker2 from the synthesized KafkaMirrorMaker2; the events are read on the cloud broker
//   under the remote topic name the site report promises.
// - With as many servers stopped as the store's erasure layout says writes survive, the recorder still uploads; with
//   one more stopped it cannot.
//
// Stand-ins (stated where used): Secret values Strimzi or the operator would create are made up here; Service DNS
// names resolve to loopback addresses through private hosts files; the test's own admin tools use a second, plain
// SASL listener on each broker; mc runs on the host against one server's address (a recorder pod would use the
// Service name, which load-balances over the same servers).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import {
  applyKafkaUserAcls, buildVideoSite, cloudMirrorUser, consumeRecords, createKafkaTopic, freeLoopbackAddress, hostPort, jvmHostsFile, listTopics,
  mcAs, provisionStore, startTlsBroker, TestCa,
} from './video-site-e2e';
import { buildApp } from '../../examples/video-surveillance/main';
import { synth, find, findAll } from '../support/harness';
import { KafkaBroker, newPassword, ScramUser } from '../support/kafka';
import { MinioTestCluster, SecretValues } from '../support/minio';
import { MirrorMakerRun, strimziConnection } from '../support/mirror-maker';
import { requireToolPath, requireTools } from '../support/tools';

const [, mcBin] = requireTools('minio', 'mc', 'unshare', 'setpriv', 'mkfs.ext4', 'java', 'openssl');
requireToolPath('kafka/libs');

jest.setTimeout(600_000);

const { site, props, manifests } = buildVideoSite();
const sts = find(manifests, 'StatefulSet', site.store.apiObject.name);
const minioEnv: any[] = sts.spec.template.spec.containers[0].env;
const envValue = (name: string) => minioEnv.find((e) => e.name === name);
// The notification target the StatefulSet configures (its id is whatever the library chose).
const targetId = minioEnv.map((e) => /^MINIO_NOTIFY_KAFKA_BROKERS_(.+)$/.exec(e.name)?.[1]).find((x) => x !== undefined)!;
const notifyBrokers: string = envValue(`MINIO_NOTIFY_KAFKA_BROKERS_${targetId}`)?.value;
const notifyTopic: string = envValue(`MINIO_NOTIFY_KAFKA_TOPIC_${targetId}`)?.value;
const notifyUser: string = envValue(`MINIO_NOTIFY_KAFKA_SASL_USERNAME_${targetId}`)?.value;
const job = find(manifests, 'Job', site.store.provisioningJobName!);
const topic = find(manifests, 'KafkaTopic', site.segmentEvents.topicName);
const edgeUsers = findAll(manifests, 'KafkaUser').filter((u) => u.metadata.labels?.['strimzi.io/cluster'] === site.kafka.clusterName);
const mm2 = find(manifests, 'KafkaMirrorMaker2', site.sync.apiObject.name);
const cloudUser = cloudMirrorUser(site, mm2.spec.target.authentication.username);
const recorderGrant = site.recorderGrants[0];
const layout = site.store.layout;
/** The remote topic the report's data path promises: the label of the edge from "Kafka segment-events" to "Cloud Kafka". */
const report = site.report();
const promisedRemote = /-->\|"MirrorMaker2 \(([^)]+)\)"\| n\d+\["Cloud Kafka"\]/.exec(report)?.[1];

/** Secret values an operator (or Strimzi's operators) would create; filled in beforeAll. */
const secrets: SecretValues = {
  [site.store.rootCredentials.secretName]: {
    [site.store.rootCredentials.accessKeyIdKey]: 'store-root',
    [site.store.rootCredentials.secretAccessKeyKey]: `root-${newPassword()}`,
  },
  [recorderGrant.credentials.secretName]: {
    [recorderGrant.credentials.accessKeyIdKey]: 'recorder-key',
    [recorderGrant.credentials.secretAccessKeyKey]: `recorder-${newPassword()}`,
  },
  [site.archiveGrant.credentials.secretName]: { [site.archiveGrant.credentials.accessKeyIdKey]: 'archive-key', [site.archiveGrant.credentials.secretAccessKeyKey]: `archive-${newPassword()}` },
  'playback-origin-token': { token: newPassword() },
};
const recorderKeys = {
  accessKey: secrets[recorderGrant.credentials.secretName][recorderGrant.credentials.accessKeyIdKey],
  secretKey: secrets[recorderGrant.credentials.secretName][recorderGrant.credentials.secretAccessKeyKey],
};

let dir: string;
let edge: KafkaBroker | undefined;
let cloud: KafkaBroker | undefined;
let store: MinioTestCluster | undefined;
let mirror: MirrorMakerRun | undefined;
let mc: ReturnType<typeof mcAs>;
/** Segment keys uploaded (and acknowledged) so far. */
const uploaded: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'video-events-'));
  const edgeAddr = hostPort(notifyBrokers);
  const cloudAddr = hostPort(mm2.spec.target.bootstrapServers);
  // Strimzi's cluster CA and the cloud's CA; each issues its broker's certificate for the name clients dial.
  const edgeCa = new TestCa(path.join(dir, 'pki'), 'edge-cluster');
  const cloudCa = new TestCa(path.join(dir, 'pki'), 'cloud');
  secrets[`${site.kafka.clusterName}-cluster-ca-cert`] = { 'ca.crt': edgeCa.certPem };
  secrets[props.cloud.kafka.caCertificate!.name] = { [props.cloud.kafka.caCertificate!.key]: cloudCa.certPem };
  // SCRAM passwords: the User Operator writes each KafkaUser's into a Secret of the user's name, key `password`.
  const edgeLogins: ScramUser[] = edgeUsers.map((u) => ({ name: u.metadata.name, password: newPassword() }));
  for (const l of edgeLogins) secrets[l.name] = { password: l.password };
  const cloudLogin: ScramUser = { name: cloudUser.metadata.name, password: newPassword() };
  secrets[props.cloud.kafka.credentials.secretName] = { password: cloudLogin.password };

  const edgeListener = { address: await freeLoopbackAddress(edgeAddr.port), port: edgeAddr.port, advertisedHost: edgeAddr.host, keystore: edgeCa.issue('edge-broker', [edgeAddr.host]) };
  const cloudListener = { address: await freeLoopbackAddress(cloudAddr.port), port: cloudAddr.port, advertisedHost: cloudAddr.host, keystore: cloudCa.issue('cloud-broker', [cloudAddr.host]) };
  const hosts = jvmHostsFile(dir, [{ address: edgeListener.address, name: edgeAddr.host }, { address: cloudListener.address, name: cloudAddr.host }]);

  const started = Date.now();
  const [e, c, s] = await Promise.allSettled([
    startTlsBroker('site-kafka', edgeListener, edgeLogins),
    startTlsBroker('cloud-kafka', cloudListener, [cloudLogin]),
    MinioTestCluster.start({ manifests, secrets, extraHosts: [{ address: edgeListener.address, name: edgeAddr.host }], startTimeoutMs: 180_000 }),
  ]);
  edge = e.status === 'fulfilled' ? e.value : undefined;
  cloud = c.status === 'fulfilled' ? c.value : undefined;
  store = s.status === 'fulfilled' ? s.value : undefined;
  const failed = [e, c, s].find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  if (failed) throw failed.reason;
  console.log(`video-events: 2 brokers and ${store!.servers.length} MinIO servers up in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  await createKafkaTopic(edge!, topic);
  const acls = (await applyKafkaUserAcls(edge!, edgeUsers)) + (await applyKafkaUserAcls(cloud!, [cloudUser]));
  const run = provisionStore(store!, job);
  console.log(`video-events: topic ${topic.metadata.name} (${topic.spec.partitions} partitions), ${edgeUsers.length + 1} KafkaUsers with ${acls} ACLs; provisioning: ${run.stdout.trim().split('\n').length} steps logged`);
  const mmDir = path.join(dir, 'mm2');
  mirror = await MirrorMakerRun.start({
    mm2,
    target: strimziConnection(mm2.spec.target, secrets, mmDir),
    sources: Object.fromEntries(mm2.spec.mirrors.map((m: any) => [m.source.alias, strimziConnection(m.source, secrets, mmDir)])),
    dir: mmDir,
    hostsFile: hosts,
  });
  console.log(`video-events: MirrorMaker2 connectors RUNNING: ${mirror.connectors.join(', ')}`);
  mc = mcAs(mcBin, store!, recorderKeys, path.join(dir, 'mc-recorder'));
});

afterAll(async () => {
  await mirror?.stop();
  await Promise.all([edge?.stop(), cloud?.stop(), store?.stop()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A small stand-in for a 5-minute segment of camera `cam` starting at `hh:mm`, written to a file: a recorder uploads a
 * finished segment of known size, so mc sends one PutObject (from stdin it would use a multipart upload).
 */
function segment(cam: number, hhmm: string): { key: string; file: string } {
  const key = `cam-${String(cam).padStart(3, '0')}/2026-12-05/${hhmm.replace(':', '-')}-00.mp4`;
  const file = path.join(dir, 'segments', key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `segment cam ${cam} ${hhmm} ${'x'.repeat(4096)}`);
  return { key, file };
}

/** The message of mc's JSON error (its `error.cause.message`, else `error.message`), else its output. */
function mcError(out: string): string {
  for (const line of out.split('\n')) {
    try {
      const j = JSON.parse(line);
      if (j.status === 'error') return j.error?.cause?.message ?? j.error?.message ?? line;
    } catch {
      // not JSON
    }
  }
  return out.trim() === '' ? 'no output' : out.trim().split('\n').pop()!.slice(0, 200);
}

test('the site under test is the README example (same manifests)', () => {
  const example = synth(buildApp(new App({ outdir: dir })));
  expect(manifests).toEqual(example);
  expect(notifyTopic).toBe(topic.spec.topicName ?? topic.metadata.name);
  expect(notifyUser).toBeDefined();
  expect(edgeUsers.map((u) => u.metadata.name)).toContain(notifyUser);
  // The report's "Proved by" line names this file.
  expect(report).toMatch(new RegExp(`^Proved by: .*\`test/blueprints/${path.basename(__filename).replace(/\./g, '\\.')}\``, 'm'));
});

test('the recorder uploads segments with its grant\'s keys and may not read or delete them', () => {
  const bucket = site.recordings.bucketName;
  for (const [cam, at] of [[1, '08:00'], [1, '08:05'], [2, '08:00'], [17, '08:05']] as Array<[number, string]>) {
    const seg = segment(cam, at);
    const put = mc(0, ['cp', seg.file, `s/${bucket}/${seg.key}`]);
    expect({ key: seg.key, ok: put.ok, out: put.ok ? '' : put.out }).toEqual({ key: seg.key, ok: true, out: '' });
    uploaded.push(seg.key);
  }
  const read = mc(1, ['cat', `s/${bucket}/${uploaded[0]}`]);
  const del = mc(2, ['rm', `s/${bucket}/${uploaded[0]}`]);
  expect({ ok: read.ok, denied: read.denied }).toEqual({ ok: false, denied: true });
  expect({ ok: del.ok, denied: del.denied }).toEqual({ ok: false, denied: true });
  console.log(`video-events: recorder uploaded ${uploaded.length} segments to ${bucket}; read and delete refused (AccessDenied)`);
});

test('each upload raises an event that MirrorMaker2 delivers to the cloud under the remote topic the report promises', async () => {
  expect(promisedRemote).toBeDefined();
  expect(uploaded.length).toBeGreaterThan(0);
  const remote = promisedRemote!;
  const deadline = Date.now() + 150_000;
  while (!(await listTopics(cloud!)).includes(remote)) {
    if (Date.now() > deadline) {
      throw new Error(`topic ${remote} never appeared on the cloud broker (topics: ${(await listTopics(cloud!)).join(', ')}); worker log:\n${mirror!.log().split('\n').slice(-30).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  const records = await consumeRecords(cloud!, remote, uploaded.length, 90_000);
  const events = records.map((r) => JSON.parse(r));
  const keys = events.flatMap((ev) => (ev.Records ?? []).map((x: any) => `${x.eventName} ${x.s3.bucket.name}/${decodeURIComponent(x.s3.object.key)}`));
  if (keys.length < uploaded.length) {
    const logs = store!.servers.map((s) => `--- ${s.podName}\n${fs.readFileSync(s.logFile, 'utf8').split('\n').slice(-10).join('\n')}`).join('\n');
    throw new Error(`only ${keys.length} of ${uploaded.length} events reached ${remote}: ${JSON.stringify(keys)}\nMinIO logs:\n${logs}\nworker log:\n${mirror!.log().split('\n').slice(-30).join('\n')}`);
  }
  expect(keys.sort()).toEqual(uploaded.map((k) => `s3:ObjectCreated:Put ${site.recordings.bucketName}/${k}`).sort());
  console.log(`video-events: ${keys.length} events on the cloud topic ${remote}, e.g. ${keys[0]}`);
});

test('with as many servers down as the layout says writes survive, the recorder still uploads; with one more it cannot', async () => {
  const tolerated = layout.serverFailuresToleratedForWrites;
  expect(tolerated).toBeGreaterThan(0);
  const n = store!.servers.length;
  const bucket = site.recordings.bucketName;
  /** MinIO's own write-quorum verdict (/minio/health/cluster) on server 0, once it is `want` (or after 30 s). */
  const clusterHealth = async (want: number) => {
    const deadline = Date.now() + 30_000;
    let status = await store!.status(0, '/minio/health/cluster');
    while (status !== want && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      status = await store!.status(0, '/minio/health/cluster');
    }
    return status;
  };
  // Stop the last `tolerated` servers (their nodes fail); the recorder uploads through server 0.
  for (let i = n - 1; i >= n - tolerated; i--) await store!.stopServer(i);
  const seg = segment(3, '08:10');
  const put = mc(0, ['cp', seg.file, `s/${bucket}/${seg.key}`]);
  expect({ down: tolerated, health: await clusterHealth(200), ok: put.ok, out: put.ok ? '' : put.out }).toEqual({ down: tolerated, health: 200, ok: true, out: '' });

  // One more: MinIO reports lost write quorum, and the upload is not acknowledged (the server waits for a write lock
  // quorum that cannot form, and mc retries, so the client sees no answer rather than an error).
  await store!.stopServer(n - tolerated - 1);
  const health = await clusterHealth(503);
  const lost = segment(3, '08:15');
  const started = Date.now();
  const refused = mc(0, ['cp', lost.file, `s/${bucket}/${lost.key}`], undefined, 30_000);
  const waited = `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const outcome = refused.ok ? 'acknowledged' : refused.timedOut ? `not acknowledged (mc stopped after ${waited} without an answer)` : `refused after ${waited}: ${mcError(refused.out)}`;
  expect({ down: tolerated + 1, health, ok: refused.ok }).toEqual({ down: tolerated + 1, health: 503, ok: false });
  console.log(`video-events: layout ${layout.servers}×${layout.drivesPerServer} EC:${layout.parity} (write quorum ${layout.writeQuorum} of ${layout.setSize}, `
    + `${tolerated} server(s) may fail): ${tolerated} down → /minio/health/cluster 200, upload succeeded; ${tolerated + 1} down → 503, upload ${outcome}`);
});
