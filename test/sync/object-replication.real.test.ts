import { randomBytes } from 'crypto';
import { Duration } from 'cdk8s';
import { build, cloudStore, edgeStore } from './object-replication-support';
import { getObject, md5s, putObject, rclone, remoteEnv, removeImageLikeBin, runContainer, S3Server, startS3Server } from './s3-servers';
import { Bandwidth, ConflictPolicy, ObjectReplicationProps } from '../../src';
import { find, synth } from '../support/harness';
import { s3SecretValues } from '../support/minio';
import { requireTools } from '../support/tools';

requireTools('rclone', 'moto_server', 'busybox');

// The plain-HTTP loopback endpoints warn by design (tested in object-replication.test.ts); keep the output readable.
beforeAll(() => {
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
});
afterAll(() => {
  delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
});

// The generated job, run for real: rclone (Debian package) against two moto S3 servers on loopback standing in for
// the edge MinIO and the cloud bucket service. Secrets are resolved the way the kubelet would.
describe('ObjectReplication with real rclone and S3 servers', () => {
  let edge: S3Server;
  let cloud: S3Server;
  let env: { [k: string]: string };
  // Stand-ins for the operator's Secrets, under the key names the stores' credentials give.
  const secrets = { ...s3SecretValues(edgeStore().credentials, 'edge', 'edge-secret'), ...s3SecretValues(cloudStore().credentials, 'cloud', 'cloud-secret') };
  const t0 = new Date('2026-01-01T00:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

  beforeAll(async () => {
    [edge, cloud] = await Promise.all([startS3Server(), startS3Server()]);
    env = { ...remoteEnv('edge', edge.endpoint), ...remoteEnv('cloud', cloud.endpoint) };
    for (const b of ['edge:video', 'cloud:fleet-video', 'cloud:fleet-conflicts']) {
      const res = rclone(['mkdir', b], env);
      if (res.status !== 0) throw new Error(res.output);
    }
  });
  afterAll(async () => {
    await Promise.all([edge?.stop(), cloud?.stop()]);
    removeImageLikeBin();
  });

  function runJob(props: Partial<ObjectReplicationProps>) {
    const { c } = build({ source: edgeStore(edge.endpoint), destination: cloudStore(cloud.endpoint), ...props });
    const res = runContainer(find(synth(c), 'CronJob', 'video-to-cloud'), secrets);
    // The job's own summary line: "copied N, conflicts M, left K cloud copies in place".
    const summary = res.logs.map((l) => /copied (\d+), conflicts (\d+), left (\d+)/.exec(l.msg ?? '')).find((m) => m);
    const copied = summary ? Number(summary[1]) : undefined;
    const conflicts = summary ? Number(summary[2]) : undefined;
    if (res.status !== 0) throw new Error(`job failed (${res.status}):\n${res.output.slice(-3000)}`);
    return { ...res, copied, conflicts };
  }

  test('copies new objects with matching checksums, and a second run transfers nothing', () => {
    const big = randomBytes(3 * 1024 * 1024);
    putObject('edge', env, 'video/cam1/seg-0001.mp4', big, at(0));
    putObject('edge', env, 'video/cam1/seg-0002.mp4', randomBytes(200 * 1024), at(1));
    putObject('edge', env, 'video/cam2/seg-0001.mp4', 'small segment', at(2));

    const first = runJob({ sourcePrefix: 'cam1', destinationPrefix: 'site-a/cam1', bandwidthLimit: Bandwidth.mebibytesPerSecond(50) });
    expect(first.copied).toBe(2);
    const src = md5s('edge', env, 'video/cam1');
    const dst = md5s('cloud', env, 'fleet-video/site-a/cam1');
    expect(Object.keys(dst).sort()).toEqual(['seg-0001.mp4', 'seg-0002.mp4']);
    expect(dst).toEqual(src); // byte-identical: same MD5 on both sides
    expect(getObject('cloud', env, 'fleet-video/site-a/cam2/seg-0001.mp4')).toBeUndefined(); // outside the prefix

    const second = runJob({ sourcePrefix: 'cam1', destinationPrefix: 'site-a/cam1' });
    expect(second.copied).toBe(0);
    expect(second.conflicts).toBe(0);
  });

  test('maxAge skips objects older than the window', () => {
    putObject('edge', env, 'video/aged/old.mp4', 'old', new Date(Date.now() - 3 * 86400_000));
    putObject('edge', env, 'video/aged/new.mp4', 'new', new Date(Date.now() - 60_000));
    const res = runJob({ sourcePrefix: 'aged', destinationPrefix: 'site-a/aged', maxAge: Duration.days(1) });
    expect(res.status).toBe(0);
    expect(Object.keys(md5s('cloud', env, 'fleet-video/site-a/aged'))).toEqual(['new.mp4']);
  });

  // Each policy gets its own prefix. Run 1 syncs a.txt…d.txt; then a changes at the edge only, b in the cloud only,
  // c on both sides with the edge newer, d on both sides with the cloud newer, and e is new at the edge; run 2 decides.
  function conflictCase(name: string, props: Partial<ObjectReplicationProps> = {}) {
    const src = `video/conflict-${name}`;
    const dst = `fleet-video/site-a/conflict-${name}`;
    const job = (extra: Partial<ObjectReplicationProps> = {}) => runJob({ sourcePrefix: `conflict-${name}`, destinationPrefix: `site-a/conflict-${name}`, ...props, ...extra });
    for (const k of ['a', 'b', 'c', 'd']) putObject('edge', env, `${src}/${k}.txt`, `${k} v1`, at(10));
    job();
    expect(['a', 'b', 'c', 'd'].map((k) => getObject('cloud', env, `${dst}/${k}.txt`))).toEqual(['a v1', 'b v1', 'c v1', 'd v1']);
    putObject('edge', env, `${src}/a.txt`, 'a edge v2', at(20));
    putObject('cloud', env, `${dst}/b.txt`, 'b cloud v2', at(20));
    putObject('cloud', env, `${dst}/c.txt`, 'c cloud v2', at(25));
    putObject('edge', env, `${src}/c.txt`, 'c edge v2', at(30));
    putObject('edge', env, `${src}/d.txt`, 'd edge v2', at(25));
    putObject('cloud', env, `${dst}/d.txt`, 'd cloud v2', at(30));
    putObject('edge', env, `${src}/e.txt`, 'e new', at(20));
    const second = job();
    const cloudCopy = (k: string) => getObject('cloud', env, `${dst}/${k}.txt`);
    // Not conflicts, whatever the policy: an edge-only change is copied, a cloud-only change stays, a new key arrives.
    expect([cloudCopy('a'), cloudCopy('b'), cloudCopy('e')]).toEqual(['a edge v2', 'b cloud v2', 'e new']);
    expect(second.conflicts).toBe(2);
    return { src, dst, job, cloudCopy, second };
  }

  test('LAST_WRITE_WINS: of two changes to one key, the newer one wins', () => {
    const k = conflictCase('lww', { conflictPolicy: ConflictPolicy.LAST_WRITE_WINS });
    expect([k.cloudCopy('c'), k.cloudCopy('d')]).toEqual(['c edge v2', 'd cloud v2']);
    expect(k.job().copied).toBe(0); // decided once: nothing changed since, nothing moves
  });

  test('EDGE_PRIORITY: the edge copy wins a conflict, but a change made only in the cloud is not overwritten', () => {
    const k = conflictCase('edge', { conflictPolicy: ConflictPolicy.EDGE_PRIORITY });
    expect([k.cloudCopy('c'), k.cloudCopy('d')]).toEqual(['c edge v2', 'd edge v2']);
  });

  test('CLOUD_PRIORITY: the cloud copy wins a conflict, but an edge change the cloud did not touch is copied', () => {
    const k = conflictCase('cloud', { conflictPolicy: ConflictPolicy.CLOUD_PRIORITY });
    expect([k.cloudCopy('c'), k.cloudCopy('d')]).toEqual(['c cloud v2', 'd cloud v2']);
    expect(k.job().copied).toBe(0); // the decision sticks while nothing changes
    putObject('edge', env, `${k.src}/c.txt`, 'c edge v3', at(40)); // a later edge change is no conflict
    expect(k.job().copied).toBe(1);
    expect(k.cloudCopy('c')).toBe('c edge v3');
  });

  test('MANUAL: the edge copy is written and every displaced cloud copy is kept, an earlier one never overwritten', async () => {
    const k = conflictCase('manual', { conflictPolicy: ConflictPolicy.MANUAL, conflictsPath: 'fleet-conflicts/manual' });
    expect([k.cloudCopy('c'), k.cloudCopy('d')]).toEqual(['c edge v2', 'd edge v2']);
    const saved = () => md5s('cloud', env, 'fleet-conflicts/manual');
    const runs1 = [...new Set(Object.keys(saved()).map((p) => p.split('/')[0]))];
    expect(runs1).toHaveLength(1);
    expect(Object.keys(saved()).map((p) => p.split('/').slice(1).join('/')).sort()).toEqual(['c.txt', 'd.txt']); // conflicts only
    expect(getObject('cloud', env, `fleet-conflicts/manual/${runs1[0]}/c.txt`)).toBe('c cloud v2');
    expect(getObject('cloud', env, `fleet-conflicts/manual/${runs1[0]}/d.txt`)).toBe('d cloud v2');

    // A second conflict on c, in a later run: its cloud copy is saved beside the first one.
    await new Promise((r) => setTimeout(r, 1100)); // run folders are named to the second
    putObject('cloud', env, `${k.dst}/c.txt`, 'c cloud v3', at(40));
    putObject('edge', env, `${k.src}/c.txt`, 'c edge v3', at(45));
    expect(k.job().conflicts).toBe(1);
    expect(k.cloudCopy('c')).toBe('c edge v3');
    const runs2 = [...new Set(Object.keys(saved()).map((p) => p.split('/')[0]))].sort();
    expect(runs2).toHaveLength(2);
    expect(getObject('cloud', env, `fleet-conflicts/manual/${runs1[0]}/c.txt`)).toBe('c cloud v2');
    expect(getObject('cloud', env, `fleet-conflicts/manual/${runs2.find((r) => r !== runs1[0])}/c.txt`)).toBe('c cloud v3');
  });

  test('retries the whole run when the source is unreachable, then fails the Job', () => {
    const deadSource = edgeStore('http://127.0.0.1:9');
    const { c } = build({
      source: deadSource, destination: cloudStore(cloud.endpoint), retries: 2, retriesSleep: Duration.seconds(1), lowLevelRetries: 1,
    });
    const res = runContainer(find(synth(c), 'CronJob', 'video-to-cloud'), secrets);
    expect(res.status).not.toBe(0);
    const attempts = res.logs.filter((l) => /Attempt \d\/2 failed/.test(l.msg ?? '')).map((l) => l.msg.match(/Attempt (\d)\/2/)[1]);
    expect(attempts).toEqual(['1', '2']);
  });
});
