// Real tier: the synthesized MinioCluster runs as a real distributed MinIO (one process per replica, exact server
// arguments and environment, see test/support/minio.ts), its provisioning Job runs with the real mc, and `mc admin
// info` shows the erasure layout the library computed.
//
// Replication and a remote tier run against a second test cluster. Not covered here: Kafka notifications (need a
// broker) and server-side encryption (needs KES).
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import {
  Bandwidth, BucketAnonymousAccess, ObjectEvent, IEventTopic, MinioBucket, MinioCluster, MinioClusterProps, MinioPolicy,
  MinioPolicyStatements, ObjectLockMode, TlsCredentials, S3Credentials,
} from '../../../src';
import { replicationRuleId } from '../../../src/objectstore/minio/internal';
import { freePort } from '../../cache/servers';
import { chart, find, synth } from '../../support/harness';
import { MinioTestCluster, s3KeysOf, s3SecretValues, SecretValues } from '../../support/minio';
import { requireTools } from '../../support/tools';

const [, mcBin] = requireTools('minio', 'mc', 'unshare', 'setpriv', 'mkfs.ext4');

jest.setTimeout(300_000);

const ROOT_KEYS = S3Credentials.fromSecretName('minio-root');
const APP_KEYS = S3Credentials.fromSecretName('app-keys');
const CAM_KEYS = S3Credentials.fromSecretName('cam-keys');
const READER_KEYS = S3Credentials.fromSecretName('reader-keys');
const ARCHIVE_ROOT_KEYS = S3Credentials.fromSecretName('archive-root');
/** Secret values a cluster operator would create (the library only references them), under the credentials' key names. */
const secrets: SecretValues = {
  ...s3SecretValues(ROOT_KEYS, 'edge-root', 'edge-root-password-1'),
  ...s3SecretValues(APP_KEYS, 'app-user', 'app-secret-key-1'),
  ...s3SecretValues(CAM_KEYS, 'camera-user', 'camera-secret-key-1'),
  ...s3SecretValues(READER_KEYS, 'reader-user', 'reader-secret-key-1'),
  ...s3SecretValues(ARCHIVE_ROOT_KEYS, 'cloud-root', 'cloud-root-password-1'),
};
const root = s3KeysOf(secrets, ROOT_KEYS);
const base: MinioClusterProps = { driveSize: Size.gibibytes(10), rootCredentials: ROOT_KEYS };

// The frozen-image warning is expected here; the tests synthesize while jest collects them.
process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';

/** mc against the cluster as `alias` (MC_HOST_<alias>), with a throw-away config dir; parses --json output lines. */
function mcAs(cluster: MinioTestCluster, alias: string, accessKey: string, secretKey: string, input?: string) {
  return (...args: string[]) => {
    const r = spawnSync(mcBin, ['--json', '--no-color', ...args], {
      encoding: 'utf8',
      input,
      env: { PATH: process.env.PATH, MC_CONFIG_DIR: `${cluster.hostsFile}.mc`, [`MC_HOST_${alias}`]: cluster.mcHost(accessKey, secretKey) },
      timeout: 60_000,
    });
    const lines = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    return { status: r.status, lines, stdout: r.stdout, stderr: r.stderr };
  };
}

/** The same, but failing the test with mc's message when mc fails. */
function mustMc(mc: ReturnType<typeof mcAs>, ...args: string[]): any[] {
  const r = mc(...args);
  if (r.status !== 0) throw new Error(`mc ${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return r.lines;
}

describe('provisioning Job with the real mc', () => {
  const c = chart('edge');
  const store = new MinioCluster(c, 'store', base);
  store.addBucket('video', {
    objectLock: true,
    retention: { mode: ObjectLockMode.GOVERNANCE, period: Duration.days(30) },
    quota: Size.gibibytes(5),
    lifecycle: [{ expiration: Duration.days(60) }, { prefix: 'tmp/', expiration: Duration.days(1) }],
  });
  store.addBucket('snapshots', {
    versioning: true,
    lifecycle: [{ noncurrentVersionExpiration: Duration.days(7), noncurrentVersionsToKeep: 3, expireDeleteMarkers: true }],
  });
  // Expiration + a kept noncurrent version, made to free space by MinIO's DelMarkerExpiration (issue 15 item 3):
  // MinIO must accept and store the rule exactly as rendered.
  store.addBucket('footage', {
    versioning: true,
    lifecycle: [
      { id: 'expire', expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(7), noncurrentVersionsToKeep: 1 },
      { id: 'purge-deleted', deleteMarkerExpiration: Duration.days(7) },
    ],
  });
  store.addPolicy('video-rw', {
    statements: MinioPolicyStatements.readWrite(['video', 'snapshots']),
    users: [APP_KEYS],
    groups: [{ name: 'cameras', members: [CAM_KEYS, APP_KEYS] }],
  });
  // Defined elsewhere in the app (the chart, not the cluster) with `new` and the cluster in props: the same Job creates them.
  new MinioBucket(c, 'public', { cluster: store, anonymousAccess: BucketAnonymousAccess.DOWNLOAD });
  new MinioPolicy(c, 'public-ro', { cluster: store, statements: MinioPolicyStatements.readOnly(['public']), users: [READER_KEYS] });
  const manifests = synth(c);
  const job = find(manifests, 'Job', store.provisioningJobName!);
  const config = find(manifests, 'ConfigMap', store.provisioningConfigMapName!);

  let cluster: MinioTestCluster | undefined;
  let admin: ReturnType<typeof mcAs>;
  beforeAll(async () => {
    cluster = await MinioTestCluster.start({ manifests, secrets });
    admin = mcAs(cluster, 'edge', root.accessKeyId, root.secretAccessKey);
    console.log(`${cluster.servers.length} MinIO servers reached write quorum in ${cluster.startMillis} ms`);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  /**
   * Everything the provisioning may touch, as mc reports it, in canonical form (lists sorted, JSON strings parsed). Per-response values (request IDs, the time of the answer) are dropped; the times MinIO records when a
   * configuration is written (`updatedAt`, `UpdateDate`) go to `writes`, so a run that rewrites identical
   * configuration shows there and not as a state change.
   */
  function stateDump(): { state: any; writes: { [path: string]: string } } {
    const writes: { [path: string]: string } = {};
    const canon = (v: any, at: string): any => {
      if (typeof v === 'string' && /^\s*[{[]/.test(v)) {
        try {
          return canon(JSON.parse(v), at);
        } catch {
          return v;
        }
      }
      if (Array.isArray(v)) {
        const items = v.map((x, i) => canon(x, `${at}[${i}]`));
        // mc lists users, members, actions… in no fixed order: compare them as sets.
        return items.map((x) => [JSON.stringify(x), x]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, x]) => x);
      }
      if (v && typeof v === 'object') {
        const out: any = {};
        for (const k of Object.keys(v).sort()) {
          if (['status', 'RequestID', 'HostID', 'timestamp'].includes(k)) continue;
          if (['updatedAt', 'UpdateDate'].includes(k)) {
            writes[`${at}.${k}`] = v[k];
            continue;
          }
          out[k] = canon(v[k], `${at}.${k}`);
        }
        return out;
      }
      return v;
    };
    const state: any = { buckets: canon(mustMc(admin, 'ls', 'edge'), 'ls') };
    for (const b of store.buckets) {
      const t = `edge/${b.bucketName}`;
      state[b.bucketName] = canon({
        versioning: mustMc(admin, 'version', 'info', t),
        retention: admin('retention', 'info', '--default', t).lines,
        quota: mustMc(admin, 'quota', 'info', t),
        anonymous: mustMc(admin, 'anonymous', 'get-json', t),
        ilm: admin('ilm', 'rule', 'export', t).lines,
        events: admin('event', 'ls', t).lines,
      }, b.bucketName);
    }
    state.users = canon(mustMc(admin, 'admin', 'user', 'ls', 'edge'), 'users');
    state.groups = canon(mustMc(admin, 'admin', 'group', 'ls', 'edge'), 'groups');
    for (const g of store.policies.flatMap((p) => p.groups)) state[`group ${g.name}`] = canon(mustMc(admin, 'admin', 'group', 'info', 'edge', g.name), `group ${g.name}`);
    for (const p of store.policies) state[`policy ${p.policyName}`] = canon(mustMc(admin, 'admin', 'policy', 'info', 'edge', p.policyName), `policy ${p.policyName}`);
    state.entities = canon(mustMc(admin, 'admin', 'policy', 'entities', 'edge'), 'entities');
    return { state, writes };
  }

  test('the servers run the StatefulSet\'s exact arguments (only the listen host differs)', () => {
    const container = find(manifests, 'StatefulSet', store.name).spec.template.spec.containers[0];
    expect(cluster!.servers).toHaveLength(store.layout.servers);
    for (const s of cluster!.servers) {
      const expected = [...container.command, ...container.args].map((a: string) => (a.startsWith(':') ? `${s.address}${a}` : a));
      expect(s.argv).toEqual(expected);
    }
  });

  test('first run creates everything the plan names; a second run changes nothing', () => {
    const first = cluster!.runPod(job.spec.template, `${job.metadata.name}-a`);
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
    expect(first.stdout).toMatch(/provision: done\n$/);
    for (const b of store.bucketNames) expect(first.stdout).toContain(`provision: creating bucket ${b}\n`);

    // Buckets, versioning, object lock and retention, quota, anonymous access: as the constructs say.
    for (const b of store.buckets) {
      const t = `edge/${b.bucketName}`;
      const version = mustMc(admin, 'version', 'info', t)[0];
      expect(version.versioning?.status ?? '').toBe(b.versioned || b.objectLock ? 'Enabled' : '');
      const retention = admin('retention', 'info', '--default', t);
      if (b.retention) {
        expect(retention.lines[0]).toMatchObject({ enabled: 'Enabled', mode: b.retention.mode, validity: `${b.retention.period.toDays()}DAYS` });
      } else {
        expect(retention.status).not.toBe(0);
      }
      const quota = mustMc(admin, 'quota', 'info', t)[0];
      expect(quota.quota ?? 0).toBe(b.quota ? b.quota.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024 : 0);
      const anonymous = mustMc(admin, 'anonymous', 'get', t)[0];
      // mc reports "none" (what `mc anonymous set` takes) as "private".
      expect(anonymous.permission).toBe(b.anonymousAccess === BucketAnonymousAccess.NONE ? 'private' : b.anonymousAccess);
    }

    // Lifecycle: what MinIO stores is the ConfigMap's ILM document.
    for (const b of store.buckets) {
      const file = config.data[`ilm-${b.bucketName}.json`];
      const exported = admin('ilm', 'rule', 'export', `edge/${b.bucketName}`);
      if (!file) {
        expect(exported.status).not.toBe(0);
        continue;
      }
      expect(exported.status).toBe(0);
      expect(normalizeIlm(exported.lines[0].config)).toEqual(normalizeIlm(JSON.parse(file)));
    }

    // Policies: the ConfigMap's documents, attached to the users and groups the constructs name.
    for (const p of store.policies) {
      const info = mustMc(admin, 'admin', 'policy', 'info', 'edge', p.policyName)[0];
      expect(normalizeStatements(info.policyInfo.Policy.Statement)).toEqual(normalizeStatements(JSON.parse(config.data[`policy-${p.policyName}.json`]).Statement));
    }
    const users = mustMc(admin, 'admin', 'user', 'ls', 'edge');
    const entities = mustMc(admin, 'admin', 'policy', 'entities', 'edge')[0].result;
    const userPolicies = new Map<string, string[]>();
    const groupPolicies = new Map<string, string[]>();
    for (const m of entities.policyMappings ?? []) {
      for (const u of m.users ?? []) userPolicies.set(u, [...(userPolicies.get(u) ?? []), m.policy].sort());
      for (const g of m.groups ?? []) groupPolicies.set(g, [...(groupPolicies.get(g) ?? []), m.policy].sort());
    }
    const keyOf = (ref: S3Credentials) => s3KeysOf(secrets, ref).accessKeyId;
    const expectedUsers = new Map<string, string[]>();
    const expectedGroups = new Map<string, string[]>();
    for (const p of store.policies) {
      for (const u of p.users) expectedUsers.set(keyOf(u), [...(expectedUsers.get(keyOf(u)) ?? []), p.policyName].sort());
      for (const g of p.groups) {
        expectedGroups.set(g.name, [...(expectedGroups.get(g.name) ?? []), p.policyName].sort());
        const members = mustMc(admin, 'admin', 'group', 'info', 'edge', g.name)[0].members;
        expect([...members].sort()).toEqual(g.members.map(keyOf).sort());
        for (const m of g.members) if (!expectedUsers.has(keyOf(m))) expectedUsers.set(keyOf(m), []);
      }
    }
    expect(users.map((u) => u.accessKey).sort()).toEqual([...expectedUsers.keys()].sort());
    for (const u of users) expect(u.userStatus).toBe('enabled');
    for (const [user, policies] of expectedUsers) expect(userPolicies.get(user) ?? []).toEqual(policies);
    expect(groupPolicies).toEqual(expectedGroups);

    const before = stateDump();
    const second = cluster!.runPod(job.spec.template, `${job.metadata.name}-b`);
    expect({ status: second.status, stderr: second.stderr }).toEqual({ status: 0, stderr: '' });
    expect(second.stdout).not.toMatch(/creating bucket/);
    for (const b of store.bucketNames) expect(second.stdout).toContain(`provision: bucket ${b} exists\n`);
    const after = stateDump();
    expect(after.state).toEqual(before.state);
    console.log(`second run rewrote: ${Object.keys(after.writes).filter((k) => after.writes[k] !== before.writes[k]).join(', ') || 'nothing'}`);
  });

  test('the provisioned users can do what their policies allow, and no more', () => {
    const app = mcAs(cluster!, 'app', s3KeysOf(secrets, APP_KEYS).accessKeyId, s3KeysOf(secrets, APP_KEYS).secretAccessKey);
    const reader = mcAs(cluster!, 'reader', s3KeysOf(secrets, READER_KEYS).accessKeyId, s3KeysOf(secrets, READER_KEYS).secretAccessKey);
    const appPut = mcAs(cluster!, 'app', s3KeysOf(secrets, APP_KEYS).accessKeyId, s3KeysOf(secrets, APP_KEYS).secretAccessKey, 'hello');
    const readerPut = mcAs(cluster!, 'reader', s3KeysOf(secrets, READER_KEYS).accessKeyId, s3KeysOf(secrets, READER_KEYS).secretAccessKey, 'hello');
    expect(appPut('pipe', 'app/snapshots/a.txt').status).toBe(0);
    expect(readerPut('pipe', 'reader/public/a.txt').status).not.toBe(0);
    expect(app('cat', 'app/snapshots/a.txt').stdout).toBe('hello');
    expect(app('ls', 'app/snapshots').status).toBe(0);
    expect(app('ls', 'app/public').status).not.toBe(0);
    expect(reader('ls', 'reader/public').status).toBe(0);
    expect(reader('ls', 'reader/snapshots').status).not.toBe(0);
  });
});

/** The rule fields both sides state (MinIO adds nothing the document lacks, but may order keys differently). */
/** Statements with their action and resource lists sorted: MinIO keeps them as sets. */
function normalizeStatements(statements: any[]): any[] {
  const list = (v: any) => (Array.isArray(v) ? [...v].sort() : [v]);
  return statements.map((st) => ({ ...st, Action: list(st.Action), Resource: list(st.Resource) }));
}

function normalizeIlm(doc: any): any {
  const sortKeys = (v: any): any => (Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v);
  return sortKeys(doc.Rules ?? doc.rules ?? doc);
}

/** Runs a pod template's container and fails with its output unless it exits 0. */
function mustRun(cluster: MinioTestCluster, job: any, podName: string): string {
  const r = cluster.runPod(job.spec.template, podName);
  if (r.status !== 0 || r.stderr !== '') throw new Error(`${podName} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

describe('replication and a remote tier to a second cluster', () => {
  // The "cloud" side: another MinioCluster, whose own provisioning creates the target buckets.
  const cloudChart = chart('cloud');
  const archive = new MinioCluster(cloudChart, 'archive', { ...base, rootCredentials: ARCHIVE_ROOT_KEYS });
  archive.addBucket('replica', { name: 'video-archive', versioning: true });
  archive.addBucket('tier', { name: 'edge-tier' });
  const cloudManifests = synth(cloudChart);

  const edgeChart = chart('edge');
  const store = new MinioCluster(edgeChart, 'store', base);
  const tier = store.addTier('warm', { target: archive, bucket: 'edge-tier', prefix: 'site-1/' });
  const bucket = store.addBucket('video', {
    versioning: true,
    lifecycle: [{ transition: { after: Duration.days(30), tier: tier.tierName } }],
    // 800 Mbit/s = 100 MB/s, the least MinIO accepts for a remote target.
    replication: [{ target: archive, bucket: 'video-archive', replicateDeletes: true, bandwidthLimit: Bandwidth.mbps(800) }],
  });
  const edgeManifests = synth(edgeChart);

  let cloud: MinioTestCluster | undefined;
  let edge: MinioTestCluster | undefined;
  beforeAll(async () => {
    cloud = await MinioTestCluster.start({ manifests: cloudManifests, secrets });
    mustRun(cloud, find(cloudManifests, 'Job', archive.provisioningJobName!), 'archive-provision');
    edge = await MinioTestCluster.start({ manifests: edgeManifests, secrets, extraHosts: cloud.hostEntries });
  });
  afterAll(async () => {
    await edge?.stop();
    await cloud?.stop();
  });

  test('the real mc accepts the tier and replication steps, on the first and the second run', () => {
    const job = find(edgeManifests, 'Job', store.provisioningJobName!);
    const first = mustRun(edge!, job, 'store-provision-a');
    expect(first).toContain(`provision: creating bucket ${bucket.bucketName}\n`);
    const admin = mcAs(edge!, 'edge', root.accessKeyId, root.secretAccessKey);

    const tiers = mustMc(admin, 'ilm', 'tier', 'ls', 'edge').flatMap((l) => l.tiers ?? []);
    expect(tiers.map((x: any) => ({ type: x.Type, name: x.Name, ...x.MinIO, SecretKey: undefined }))).toEqual(store.tiers.map((x) => ({
      type: x.tierType,
      name: x.tierName,
      Endpoint: x.target.s3Endpoint,
      AccessKey: s3KeysOf(secrets, ARCHIVE_ROOT_KEYS).accessKeyId,
      Bucket: x.bucket,
      Prefix: x.prefix,
      Region: x.region,
      SecretKey: undefined,
    })));
    const rules = mustMc(admin, 'replicate', 'ls', `edge/${bucket.bucketName}`).map((l) => l.rule);
    const enabled = (on: boolean) => ({ Status: on ? 'Enabled' : 'Disabled' });
    expect(rules).toEqual(bucket.replication.map((r, i) => expect.objectContaining({
      ID: replicationRuleId(r),
      Status: 'Enabled',
      Priority: r.priority ?? i + 1,
      DeleteReplication: enabled(r.replicateDeletes ?? false),
      DeleteMarkerReplication: enabled(r.replicateDeletes ?? false),
      ExistingObjectReplication: enabled(r.replicateExistingObjects ?? true),
      Destination: { Bucket: expect.stringMatching(new RegExp(`:${r.bucket}$`)) },
    })));

    // The bandwidth limit the server stores is bytes per second: Bandwidth.mbps(800) = 800 × 10^6 / 8.
    // (mc has no command that lists remote targets: ask the admin API, SigV4-signed by curl.)
    const list = spawnSync('curl', ['-sS', '--fail-with-body', '--aws-sigv4', 'aws:amz:us-east-1:s3', '-H', `x-amz-content-sha256: ${createHash('sha256').update('').digest('hex')}`, '--user', `${root.accessKeyId}:${root.secretAccessKey}`,
      `${edge!.servers[0].url}/minio/admin/v3/list-remote-targets?bucket=${bucket.bucketName}&type=replication`], { encoding: 'utf8', timeout: 30_000 });
    expect(list.stderr).toBe('');
    const targets: any[] = JSON.parse(list.stdout);
    expect(targets.map((t) => t.bandwidthlimit)).toEqual(bucket.replication.map((r) => r.bandwidthLimit!.toBytesPerSecond()));

    const second = mustRun(edge!, job, 'store-provision-b');
    expect(second).toContain(`provision: tier ${tier.tierName} exists, refreshing its credentials\n`);
    expect(second).not.toMatch(/creating bucket/);
    expect(mustMc(admin, 'replicate', 'ls', `edge/${bucket.bucketName}`).map((l) => l.rule)).toEqual(rules);
  });

  test('the real server refuses a remote-target bandwidth limit below 100 MB/s (the rule the library checks at synth)', () => {
    const admin = mcAs(edge!, 'edge', root.accessKeyId, root.secretAccessKey);
    const cloudRoot = s3KeysOf(secrets, ARCHIVE_ROOT_KEYS);
    const remote = `${cloud!.serviceUrls[0].replace('://', `://${cloudRoot.accessKeyId}:${cloudRoot.secretAccessKey}@`)}/video-archive`;
    // A fresh versioned bucket, so mc creates a new remote target (it reuses an existing one for the same remote).
    mustMc(admin, 'mb', '--with-versioning', 'edge/bandwidth-probe');
    const add = (bytes: number) => admin('replicate', 'add', 'edge/bandwidth-probe', '--remote-bucket', remote, '--priority', '1', '--bandwidth', String(bytes));
    const r = add(MinioBucket.MIN_REPLICATION_BANDWIDTH_BYTES - 1);
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Bandwidth limit for remote target must be at least 100MBps/);
    expect(add(MinioBucket.MIN_REPLICATION_BANDWIDTH_BYTES).status).toBe(0);
  });

  test('an object written at the edge arrives in the cloud bucket', async () => {
    const put = mcAs(edge!, 'edge', root.accessKeyId, root.secretAccessKey, 'frame-1');
    mustMc(put, 'pipe', `edge/${bucket.bucketName}/cam-1/frame-1.bin`);
    const cloudRoot = s3KeysOf(secrets, ARCHIVE_ROOT_KEYS);
    const cloudMc = mcAs(cloud!, 'cloud', cloudRoot.accessKeyId, cloudRoot.secretAccessKey);
    const target = bucket.replication[0].bucket;
    let got = '';
    for (let i = 0; i < 60 && got !== 'frame-1'; i++) {
      const r = cloudMc('cat', `cloud/${target}/cam-1/frame-1.bin`);
      got = r.status === 0 ? r.stdout : '';
      if (got !== 'frame-1') await new Promise((res) => setTimeout(res, 500));
    }
    expect(got).toBe('frame-1');
  });
});

/** A throw-away CA and one server certificate for `names` (DNS SANs), as PEM text. */
function tlsPki(names: string[]): { ca: string; cert: string; key: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minio-tls-'));
  const f = (n: string) => path.join(dir, n);
  const openssl = (args: string[]) => {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  };
  try {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=minio-tls test CA', '-keyout', f('ca.key'), '-out', f('ca.crt')]);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${names[0]}`, '-keyout', f('server.key'), '-out', f('server.csr')]);
    fs.writeFileSync(f('ext.cnf'), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth,clientAuth\n`);
    openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('server.crt')]);
    return { ca: fs.readFileSync(f('ca.crt'), 'utf8'), cert: fs.readFileSync(f('server.crt'), 'utf8'), key: fs.readFileSync(f('server.key'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('TLS from a TlsCredentials Secret', () => {
  let cluster: MinioTestCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  test('the servers reach write quorum over HTTPS with the projected certificate and CA; the Job trusts the published CA', async () => {
    const c = chart('edge');
    const tls = TlsCredentials.fromSecretName('store-tls', { caCertificateKey: 'ca.crt' });
    const store = new MinioCluster(c, 'store', { ...base, tls });
    store.addBucket('video');
    const manifests = synth(c);
    const sts = find(manifests, 'StatefulSet', store.name);
    const serverUrls: string[] = sts.spec.template.spec.containers[0].args.filter((a: string) => /^[a-z]+:\/\//.test(a));
    expect(serverUrls.length).toBeGreaterThan(0);
    expect(serverUrls.every((u) => u.startsWith('https://'))).toBe(true);
    // Test-side stand-in for what cert-manager would issue: a certificate for the pods' names (a wildcard under the
    // headless Service) and the client Service's name, both taken from the synthesized manifests and store.
    const podDomain = new URL(serverUrls[0].replace(/\{[^}]*\}/g, '0')).hostname.split('.').slice(1).join('.');
    const pki = tlsPki([`*.${podDomain}`, new URL(store.s3Endpoint).hostname]);
    const tlsValues = { [tls.certificateKey]: pki.cert, [tls.privateKeyKey]: pki.key, [tls.caCertificateKey!]: pki.ca };
    cluster = await MinioTestCluster.start({ manifests, secrets: { ...secrets, [tls.secretName]: tlsValues }, caCertificatePem: pki.ca });
    // Every server answered /minio/health/cluster 200 over HTTPS with a certificate verified for its pod name, and
    // write quorum needs the peers' own HTTPS connections to verify each other through the projected CAs/ca.crt.
    expect(cluster.servers.every((s) => s.url.startsWith('https://'))).toBe(true);
    console.log(`minio-tls: ${cluster.servers.length} servers reached write quorum over HTTPS in ${cluster.startMillis} ms`);
    const job = find(manifests, 'Job', store.provisioningJobName!);
    const first = mustRun(cluster, job, 'store-provision-tls-a');
    const second = mustRun(cluster, job, 'store-provision-tls-b');
    // The second run finds the bucket the first created: both spoke HTTPS to the store's endpoint, trusting the CA.
    expect(second).toContain(`bucket ${store.bucketNames[0]} exists`);
    console.log(`minio-tls: provisioning over ${store.s3Endpoint} twice (${first.split('\n').length} + ${second.split('\n').length} log lines)`);
  });
});

describe('Kafka notification wiring, with the broker down', () => {
  // No broker runs here: the topic's name resolves to a loopback port nobody listens on. With the event queue
  // volume the target only goes offline (events wait in the queue), so the servers' MINIO_NOTIFY_KAFKA_* env and the
  // Job's `mc event add` are still judged by the real programs.
  let cluster: MinioTestCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  test('the servers accept the Kafka target env and mc event add subscribes the bucket, idempotently', async () => {
    const port = await freePort();
    const topic: IEventTopic = { topicName: 'camera-events', bootstrapServers: `events-kafka-bootstrap.kafka.svc.cluster.local:${port}` };
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    const bucket = store.addBucket('video', {
      notifications: [
        { topic, events: [ObjectEvent.OBJECT_CREATED], prefix: 'gate-1/', suffix: '.mp4' },
        { topic, events: [ObjectEvent.OBJECT_REMOVED], prefix: 'gate-2/' },
      ],
    });
    const manifests = synth(c);
    cluster = await MinioTestCluster.start({
      manifests, secrets, extraHosts: [{ address: '127.0.0.1', name: topic.bootstrapServers.split(':')[0] }],
    });
    const job = find(manifests, 'Job', store.provisioningJobName!);
    mustRun(cluster, job, 'store-provision-a');
    const admin = mcAs(cluster, 'edge', root.accessKeyId, root.secretAccessKey);
    const listed = () => mustMc(admin, 'event', 'ls', `edge/${bucket.bucketName}`)
      .map((l) => ({ arn: l.arn, events: [...l.event].sort(), prefix: l.prefix, suffix: l.suffix }))
      .sort((a, b) => a.prefix.localeCompare(b.prefix));
    const arn = (id: string) => `arn:minio:sqs::${id}:kafka`;
    // ObjectEvent values are S3 event types; the Job subscribes with mc's family names (put, delete…), and MinIO lists
    // the subscription under the S3 types again, so this also proves the library's ObjectEvent → mc name mapping.
    expect(store.kafkaTargetIds).toHaveLength(1);
    const expected = bucket.notifications.map((n) => ({
      arn: arn(store.kafkaTargetIds[0]),
      events: [...n.events!].sort(),
      prefix: n.prefix ?? '',
      suffix: n.suffix ?? '',
    })).sort((a, b) => a.prefix.localeCompare(b.prefix));
    const first = listed();
    expect(first).toEqual(expected);
    mustRun(cluster, job, 'store-provision-b');
    expect(listed()).toEqual(first);
  });
});

describe.each<Partial<MinioClusterProps>>([
  { servers: 4, drivesPerServer: 1 },
  { servers: 4, drivesPerServer: 2 },
  // Allowed only with the opt-out: one server down leaves 12 of 16 drives, below the write quorum of 14.
  { servers: 4, drivesPerServer: 4, parity: 2, tolerateServerLoss: false },
])('erasure layout %j', (shape) => {
  test('mc admin info shows the library\'s layout; one server down keeps what the library promises', async () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', { ...base, ...shape });
    const cluster = await MinioTestCluster.start({ manifests: synth(c), secrets });
    try {
      const admin = mcAs(cluster, 'edge', root.accessKeyId, root.secretAccessKey);
      const info = mustMc(admin, 'admin', 'info', 'edge')[0].info;
      expect({
        sets: info.backend.totalSets,
        drivesPerSet: info.backend.totalDrivesPerSet,
        standardParity: info.backend.standardSCParity,
        onlineDisks: info.backend.onlineDisks,
        servers: info.servers.length,
      }).toEqual({
        sets: [store.layout.setCount],
        drivesPerSet: [store.layout.setSize],
        standardParity: store.layout.parity,
        onlineDisks: store.layout.totalDrives,
        servers: store.layout.servers,
      });

      mustMc(admin, 'mb', 'edge/probe');
      mustMc(mcAs(cluster, 'edge', root.accessKeyId, root.secretAccessKey, 'before'), 'pipe', 'edge/probe/before.txt');
      const big = path.join(cluster.hostsFile + '.big');
      fs.writeFileSync(big, Buffer.alloc(40 * 1024 * 1024, 7)); // above mc's multipart threshold
      // The last server goes down, as when its node fails; mc talks to server 0.
      await cluster.stopServer(store.layout.servers - 1);
      // Until the others have marked its drives offline, MinIO still counts them when choosing a new object's parity.
      let offlineDisks = 0;
      for (let i = 0; i < 120 && offlineDisks < store.layout.drivesPerServer; i++) {
        const r = admin('admin', 'info', 'edge');
        offlineDisks = r.status === 0 ? r.lines[0].info.backend.offlineDisks ?? 0 : 0;
        if (offlineDisks < store.layout.drivesPerServer) await new Promise((res) => setTimeout(res, 500));
      }
      expect(offlineDisks).toBe(store.layout.drivesPerServer);
      const read = admin('cat', 'edge/probe/before.txt');
      const multipart = admin('cp', big, 'edge/probe/big.bin');
      const single = mcAs(cluster, 'edge', root.accessKeyId, root.secretAccessKey, 'after')('pipe', 'edge/probe/after.txt');
      // MinIO writes new objects (single and multipart) with more parity while drives are offline (the storage class
      // is optimized for availability) and refuses only once half of a set is gone.
      const writesSurvive = store.layout.drivesPerServerInSet < Math.floor((store.layout.setSize + 1) / 2);
      expect({ multipartWrites: multipart.status === 0, singlePartWrites: single.status === 0 })
        .toEqual({ multipartWrites: writesSurvive, singlePartWrites: writesSurvive });
      // What the library promises holds (its quorum arithmetic is the conservative side). Whether an object written
      // before is still readable when the library says it is not depends on the parity it got at write time (more
      // when MinIO saw a drive offline then), so that direction is not asserted.
      const reads = read.status === 0 && read.stdout === 'before';
      expect({
        reads: store.layout.serverFailuresToleratedForReads >= 1 ? reads : 'not promised',
        writes: store.layout.serverFailuresToleratedForWrites >= 1 ? writesSurvive : 'not promised',
      }).toEqual({
        reads: store.layout.serverFailuresToleratedForReads >= 1 ? true : 'not promised',
        writes: store.layout.serverFailuresToleratedForWrites >= 1 ? true : 'not promised',
      });
    } finally {
      await cluster.stop();
    }
  });
});

describe('restarts: all servers together, never one at a time', () => {
  test('a server restarted with a changed MINIO_* environment does not join its peers; with the same one it does', async () => {
    const c = chart('edge');
    new MinioCluster(c, 'store', { ...base, servers: 4, drivesPerServer: 1 });
    const manifests = synth(c);
    // The StatefulSet controller must not roll pods one by one (each would come back with a new template).
    expect(find(manifests, 'StatefulSet', 'store').spec.updateStrategy).toEqual({ type: 'OnDelete' });
    const cluster = await MinioTestCluster.start({ manifests, secrets });
    try {
      // What a RollingUpdate does first: the last pod comes back with the new template while the others keep the old.
      await cluster.restartServer(3, { MINIO_API_REQUESTS_DEADLINE: '17s' });
      let cluster3 = 0;
      let log = '';
      for (let i = 0; i < 120 && !/mismatching configuration/.test(log); i++) {
        await new Promise((r) => setTimeout(r, 250));
        log = fs.readFileSync(cluster.servers[3].logFile, 'utf8');
      }
      cluster3 = await cluster.status(3, '/minio/health/cluster');
      expect(log).toMatch(/mismatching configuration .*Expected MINIO_\* environment name and values across all servers to be same: Missing environment values: \[MINIO_API_REQUESTS_DEADLINE\]/);
      expect(cluster3).not.toBe(200);
      // Restarting it with the same environment as its peers lets it join.
      await cluster.restartServer(3, {});
      let joined = 0;
      for (let i = 0; i < 240 && joined !== 200; i++) {
        await new Promise((r) => setTimeout(r, 250));
        joined = await cluster.status(3, '/minio/health/cluster');
      }
      expect(joined).toBe(200);
    } finally {
      await cluster.stop();
    }
  });
});
