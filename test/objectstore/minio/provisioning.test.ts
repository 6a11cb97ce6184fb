import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { base, provisioned } from './support';
import { MinioCluster, MinioPolicyStatements, S3Credentials } from '../../../src';
import { MinioProvisioningScript, shellQuote } from '../../../src/objectstore/minio/provisioning';
import { chart, find, synth } from '../../support/harness';

beforeAll(() => {
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
});

describe('provisioning command list', () => {
  test('every mc operation, in order, with secrets only as variables', () => {
    const { store } = provisioned();
    expect(store.provisioningCommands).toEqual([
      'mc alias set "$ALIAS" "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" --api S3v4',
      'mc ready "$ALIAS"',
      'mc ilm tier add minio "$ALIAS" WARM --endpoint https://archive.example.com:9443 --access-key "$REMOTE_1_ACCESS_KEY" --secret-key "$REMOTE_1_SECRET_KEY" --bucket edge-tier --prefix \'cam\'\\\'\'s/\' --region us-east-1',
      'ensure_bucket video 1',
      'mc version enable "$ALIAS/video"',
      'mc retention set --default COMPLIANCE 30d "$ALIAS/video"',
      'mc quota set "$ALIAS/video" --size 536870912000',
      'mc anonymous set none "$ALIAS/video"',
      'mc encrypt set sse-kms edge-key "$ALIAS/video"',
      'import_ilm video "$CONFIG_DIR/ilm-video.json"',
      'mc event add --ignore-existing "$ALIAS/video" arn:minio:sqs::CAMERAEVENTS:kafka --event put,delete --prefix \'gate 1/\' --suffix .mp4',
      'mc replicate add "$ALIAS/video" --id to-video-archive --remote-bucket "https://$REMOTE_1_ACCESS_KEY:$REMOTE_1_SECRET_KEY@archive.example.com:9443/video-archive" --priority 1 --replicate existing-objects,metadata-sync',
      'ensure_bucket snapshots 0',
      'mc version enable "$ALIAS/snapshots"',
      'mc anonymous set none "$ALIAS/snapshots"',
      'mc admin policy create "$ALIAS" video-rw "$CONFIG_DIR/policy-video-rw.json"',
      'mc admin user add "$ALIAS" "$USER_1_ACCESS_KEY" "$USER_1_SECRET_KEY"',
      'mc admin user add "$ALIAS" "$USER_2_ACCESS_KEY" "$USER_2_SECRET_KEY"',
      'mc admin group add "$ALIAS" cameras "$USER_2_ACCESS_KEY" "$USER_1_ACCESS_KEY"',
      'attach_policy video-rw --user "$USER_1_ACCESS_KEY" \'user from Secret app-keys\'',
      'attach_policy video-rw --group cameras \'group cameras\'',
    ]);
  });

  test('replicate add and replicate update set the same flags (add always enables metadata-sync, so update must list it)', () => {
    // Found by the real mc (minio-server.real.test.ts): `mc replicate add` enables ReplicaModifications whatever
    // --replicate says, while `mc replicate update --replicate X` disables everything X does not name, so a second
    // run of the Job used to flip metadata sync off.
    const { store } = provisioned();
    const flags = (verb: string) => [...store.provisioningScript!.matchAll(new RegExp(`mc replicate ${verb} .*--replicate (\\S+)`, 'g'))].map((m) => m[1]);
    expect(flags('add')).toEqual(['existing-objects,metadata-sync']);
    expect(flags('update')).toEqual(flags('add'));
  });

  test('the script never contains a literal secret, only the Job env names', () => {
    const { c, store } = provisioned();
    const job = find(synth(c), 'Job', store.provisioningJobName!);
    const secretEnv = job.spec.template.spec.containers[0].env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.name).sort();
    expect(secretEnv).toEqual(['MINIO_ROOT_PASSWORD', 'MINIO_ROOT_USER', 'REMOTE_1_ACCESS_KEY', 'REMOTE_1_SECRET_KEY', 'USER_1_ACCESS_KEY', 'USER_1_SECRET_KEY', 'USER_2_ACCESS_KEY', 'USER_2_SECRET_KEY']);
    const referenced = [...new Set([...store.provisioningScript!.matchAll(/\$\{?([A-Z][A-Z0-9_]*_KEY|MINIO_ROOT_[A-Z]+)\b/g)].map((m) => m[1]))].sort();
    expect(referenced).toEqual(secretEnv);
  });

  test('shellQuote leaves plain words alone and single-quotes the rest', () => {
    expect(shellQuote('video-archive')).toBe('video-archive');
    expect(shellQuote('gate 1/')).toBe("'gate 1/'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });

  test('an empty plan still connects and waits', () => {
    const r = MinioProvisioningScript.render({ source: 'x', tiers: [], buckets: [], users: [], policies: [] });
    expect(r.steps.map((s) => s.description)).toEqual(['connect to MinIO', 'wait for the cluster to reach write quorum']);
  });
});

/**
 * Runs the generated script with a fake `mc` (test/objectstore/minio/fake-mc.sh) on PATH: the fake keeps a cluster's
 * state on disk, so running the script twice exercises both sides of every create-if-missing branch.
 */
describe('provisioning script against a fake mc', () => {
  const fakeMc = path.join(__dirname, 'fake-mc.sh');
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minio-provision-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.mkdirSync(path.join(dir, 'state'));
    fs.mkdirSync(path.join(dir, 'config'));
    fs.copyFileSync(fakeMc, path.join(dir, 'bin', 'mc'));
    fs.chmodSync(path.join(dir, 'bin', 'mc'), 0o755);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Write the ConfigMap's files where the Job would mount them. */
  function mountConfig(manifests: any[]) {
    const cm = find(manifests, 'ConfigMap', 'store-provision');
    for (const [name, content] of Object.entries<string>(cm.data)) fs.writeFileSync(path.join(dir, 'config', name), content);
  }

  function run(extraEnv: { [k: string]: string } = {}) {
    fs.rmSync(path.join(dir, 'state', 'calls.log'), { force: true });
    const r = spawnSync('sh', [path.join(dir, 'config', 'provision.sh')], {
      encoding: 'utf8',
      env: {
        PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`,
        FAKE_MC_STATE: path.join(dir, 'state'),
        PROVISION_CONFIG_DIR: path.join(dir, 'config'),
        PROVISION_INITIAL_DELAY: '0',
        MINIO_ENDPOINT: 'http://store.edge.svc.cluster.local:9000',
        MINIO_ROOT_USER: 'root',
        MINIO_ROOT_PASSWORD: 'root-password',
        USER_1_ACCESS_KEY: 'app',
        USER_1_SECRET_KEY: 'app-secret-key',
        USER_2_ACCESS_KEY: 'camera',
        USER_2_SECRET_KEY: 'camera-secret-key',
        REMOTE_1_ACCESS_KEY: 'archive',
        REMOTE_1_SECRET_KEY: 'archive-secret',
        ...extraEnv,
      },
    });
    const calls = fs.existsSync(path.join(dir, 'state', 'calls.log')) ? fs.readFileSync(path.join(dir, 'state', 'calls.log'), 'utf8').trim().split('\n') : [];
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls };
  }
  const state = (...p: string[]) => path.join(dir, 'state', ...p);

  test('first run creates everything; a second run converges without re-creating', () => {
    const { c } = provisioned();
    mountConfig(synth(c));

    const first = run();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/provision: creating bucket video\n/);
    expect(first.stdout).toMatch(/provision: done\n$/);
    expect(first.calls.filter((l) => l.startsWith('mb '))).toEqual(['mb --ignore-existing --with-lock target/video', 'mb --ignore-existing target/snapshots']);
    expect(first.calls).toContain('ilm tier add minio target WARM --endpoint https://archive.example.com:9443 --access-key archive --secret-key archive-secret --bucket edge-tier --prefix cam\'s/ --region us-east-1');
    expect(first.calls.some((l) => l.startsWith('replicate add target/video --id to-video-archive --remote-bucket https://archive:archive-secret@archive.example.com:9443/video-archive'))).toBe(true);
    // The state a real cluster would now hold.
    expect(fs.existsSync(state('buckets', 'video', 'lock'))).toBe(true);
    expect(fs.readFileSync(state('buckets', 'video', 'retention'), 'utf8')).toBe('COMPLIANCE 30d\n');
    expect(fs.readFileSync(state('buckets', 'video', 'quota'), 'utf8')).toBe('536870912000\n');
    expect(fs.readFileSync(state('buckets', 'video', 'encryption'), 'utf8')).toBe('sse-kms edge-key\n');
    expect(JSON.parse(fs.readFileSync(state('buckets', 'video', 'ilm.json'), 'utf8')).Rules[0].Transition).toEqual({ Days: 7, StorageClass: 'WARM' });
    expect(fs.readFileSync(state('buckets', 'video', 'events'), 'utf8')).toBe('target/video arn:minio:sqs::CAMERAEVENTS:kafka --event put,delete --prefix gate 1/ --suffix .mp4\n');
    expect(fs.existsSync(state('buckets', 'snapshots', 'versioning'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(state('policies', 'video-rw.json'), 'utf8')).Statement).toHaveLength(2);
    expect(fs.readFileSync(state('users', 'app'), 'utf8')).toBe('app-secret-key\n');
    expect(fs.readFileSync(state('groups', 'cameras'), 'utf8')).toBe('camera\napp\n');
    expect(fs.readdirSync(state('attached')).sort()).toEqual(['video-rw--group-cameras', 'video-rw--user-app']);

    const second = run();
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(second.calls.filter((l) => l.startsWith('mb '))).toEqual([]);
    expect(second.stdout).toMatch(/provision: bucket video exists\n/);
    expect(second.stdout).toMatch(/provision: tier WARM exists, refreshing its credentials\n/);
    expect(second.calls).toContain('ilm tier update target WARM --access-key archive --secret-key archive-secret');
    expect(second.calls.some((l) => l.startsWith('ilm tier add'))).toBe(false);
    expect(second.calls.some((l) => l.startsWith('replicate update target/video --id to-video-archive'))).toBe(true);
    expect(second.calls.some((l) => l.startsWith('replicate add'))).toBe(false);
    expect(second.stdout).toMatch(/policy video-rw is already attached to user from Secret app-keys/);
    expect(second.stdout).toMatch(/policy video-rw is already attached to group cameras/);
    // Converging steps ran again and left the same state.
    expect(fs.readFileSync(state('buckets', 'video', 'events'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(second.calls.filter((l) => l.startsWith('ilm import '))).toEqual(['ilm import target/video']);
  });

  test('waits for the cluster: retries with back-off until mc ready succeeds', () => {
    const c = chart('edge');
    new MinioCluster(c, 'store', base).addBucket('video');
    mountConfig(synth(c));
    const r = run({ FAKE_MC_READY_FAILURES: '3' });
    expect(r.status).toBe(0);
    expect(r.calls.filter((l) => l.startsWith('ready '))).toHaveLength(4);
    expect(r.stdout).toMatch(/wait for the cluster to reach write quorum failed \(attempt 1 of 10\), retrying in 0s/);
    expect(r.stdout).toMatch(/attempt 3 of 10/);
    expect(r.calls.some((l) => l.startsWith('mb '))).toBe(true);
  });

  test('gives up after the configured attempts and fails the Job', () => {
    const c = chart('edge');
    new MinioCluster(c, 'store', { ...base, provisioning: { attemptsPerStep: 2 } }).addBucket('video');
    const m = synth(c);
    mountConfig(m);
    const attempts = find(m, 'Job', (c.node.findChild('store') as MinioCluster).provisioningJobName!).spec.template.spec.containers[0].env.find((e: any) => e.name === 'PROVISION_MAX_ATTEMPTS').value;
    const r = run({ FAKE_MC_READY_FAILURES: '99', PROVISION_MAX_ATTEMPTS: attempts });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/provision: ERROR: wait for the cluster to reach write quorum failed after 2 attempts/);
    expect(r.calls.some((l) => l.startsWith('mb '))).toBe(false);
  });

  test('refuses to pretend an existing unlocked bucket has object lock', () => {
    const c = chart('edge');
    new MinioCluster(c, 'store', base).addBucket('video', { objectLock: true });
    mountConfig(synth(c));
    fs.mkdirSync(state('buckets', 'video'), { recursive: true });
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bucket video exists without object lock, which can only be chosen when a bucket is created/);
    expect(r.calls.some((l) => l.startsWith('retention set'))).toBe(false);
  });

  test('refuses remote keys that the remote-target URL cannot carry (mc: a ":" in either key reads as a session token)', () => {
    const { c } = provisioned();
    mountConfig(synth(c));
    for (const keys of [{ REMOTE_1_SECRET_KEY: 'pa:ss-word' }, { REMOTE_1_ACCESS_KEY: 'ac:cess' }] as Array<{ [k: string]: string }>) {
      const r = run(keys);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/replication to-video-archive of video: the (secret|access) key contains ':'/);
      expect(r.calls.some((l) => l.startsWith('replicate'))).toBe(false);
    }
  });

  test('accepts "@" in remote keys (mc splits the URL at the last "@")', () => {
    const { c } = provisioned();
    mountConfig(synth(c));
    const r = run({ REMOTE_1_SECRET_KEY: 'p@ss/w+rd', REMOTE_1_ACCESS_KEY: 'user@site' });
    expect(r.status).toBe(0);
    expect(r.calls.some((l) => l.startsWith('replicate add'))).toBe(true);
  });

  test('an attach error other than "already attached" fails the run', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    store.addPolicy('video-rw', { statements: MinioPolicyStatements.readWrite(['video']), users: [S3Credentials.fromSecretName('app-keys')] });
    mountConfig(synth(c));
    const r = run({ PROVISION_MAX_ATTEMPTS: '2', FAKE_MC_ATTACH_ERROR: 'The specified user does not exist.' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/The specified user does not exist\./);
    expect(r.stderr).toMatch(/attach policy video-rw to user from Secret app-keys failed after 2 attempts/);
    expect(r.calls.filter((l) => l.startsWith('admin policy attach'))).toHaveLength(2);
  });
});
