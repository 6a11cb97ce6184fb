import { randomBytes } from 'crypto';
import { Duration, Size } from 'cdk8s';
import { build, cloudStore, edgeStore } from './object-replication-support';
import { getObject, jobInvocation, md5s, putObject, rclone, remoteEnv, S3Server, startS3Server } from './s3-servers';
import { ConflictPolicy, ObjectReplicationProps } from '../../src';
import { find, synth } from '../support/harness';
import { requireTools } from '../support/tools';

requireTools('rclone', 'moto_server');

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
  const secrets = { 'edge-s3': { AWS_ACCESS_KEY_ID: 'edge', AWS_SECRET_ACCESS_KEY: 'edge-secret' }, 'cloud-s3': { id: 'cloud', key: 'cloud-secret' } };
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
  });

  function runJob(props: Partial<ObjectReplicationProps>) {
    const { c } = build({ source: edgeStore(edge.endpoint), destination: cloudStore(cloud.endpoint), ...props });
    const { args, env: jobEnv } = jobInvocation(find(synth(c), 'CronJob', 'video-to-cloud'), secrets);
    const res = rclone(args, jobEnv);
    const stats = [...res.logs].reverse().find((l) => l.stats)?.stats;
    return { ...res, stats };
  }

  test('copies new objects with matching checksums, and a second run transfers nothing', () => {
    const big = randomBytes(3 * 1024 * 1024);
    putObject('edge', env, 'video/cam1/seg-0001.mp4', big, at(0));
    putObject('edge', env, 'video/cam1/seg-0002.mp4', randomBytes(200 * 1024), at(1));
    putObject('edge', env, 'video/cam2/seg-0001.mp4', 'small segment', at(2));

    const first = runJob({ sourcePrefix: 'cam1', destinationPrefix: 'site-a/cam1', bandwidthLimit: Size.mebibytes(50) });
    expect(first.status).toBe(0);
    expect(first.stats.transfers).toBe(2);
    expect(first.stats.errors).toBe(0);
    const src = md5s('edge', env, 'video/cam1');
    const dst = md5s('cloud', env, 'fleet-video/site-a/cam1');
    expect(Object.keys(dst).sort()).toEqual(['seg-0001.mp4', 'seg-0002.mp4']);
    expect(dst).toEqual(src); // byte-identical: same MD5 on both sides
    expect(getObject('cloud', env, 'fleet-video/site-a/cam2/seg-0001.mp4')).toBeUndefined(); // outside the prefix

    const second = runJob({ sourcePrefix: 'cam1', destinationPrefix: 'site-a/cam1' });
    expect(second.status).toBe(0);
    expect(second.stats.transfers).toBe(0);
    expect(second.stats.checks).toBe(2);
  });

  test('maxAge skips objects older than the window', () => {
    putObject('edge', env, 'video/aged/old.mp4', 'old', new Date(Date.now() - 3 * 86400_000));
    putObject('edge', env, 'video/aged/new.mp4', 'new', new Date(Date.now() - 60_000));
    const res = runJob({ sourcePrefix: 'aged', destinationPrefix: 'site-a/aged', maxAge: Duration.days(1) });
    expect(res.status).toBe(0);
    expect(Object.keys(md5s('cloud', env, 'fleet-video/site-a/aged'))).toEqual(['new.mp4']);
  });

  // Each policy gets its own prefix holding two conflicting keys: edge newer on one, cloud newer on the other,
  // plus a key that exists only at the edge.
  function conflictCase(name: string) {
    const src = `video/conflict-${name}`;
    const dst = `fleet-video/site-a/conflict-${name}`;
    putObject('edge', env, `${src}/edge-newer.txt`, 'edge v2', at(20));
    putObject('cloud', env, `${dst}/edge-newer.txt`, 'cloud v1', at(10));
    putObject('edge', env, `${src}/cloud-newer.txt`, 'edge v1', at(10));
    putObject('cloud', env, `${dst}/cloud-newer.txt`, 'cloud v2', at(20));
    putObject('edge', env, `${src}/edge-only.txt`, 'edge only', at(15));
    return { srcPrefix: `conflict-${name}`, dstPrefix: `site-a/conflict-${name}`, dst };
  }

  test('LAST_WRITE_WINS keeps whichever copy is newer', () => {
    const k = conflictCase('lww');
    expect(runJob({ sourcePrefix: k.srcPrefix, destinationPrefix: k.dstPrefix, conflictPolicy: ConflictPolicy.LAST_WRITE_WINS }).status).toBe(0);
    expect(getObject('cloud', env, `${k.dst}/edge-newer.txt`)).toBe('edge v2');
    expect(getObject('cloud', env, `${k.dst}/cloud-newer.txt`)).toBe('cloud v2');
    expect(getObject('cloud', env, `${k.dst}/edge-only.txt`)).toBe('edge only');
  });

  test('EDGE_PRIORITY overwrites every differing cloud copy', () => {
    const k = conflictCase('edge');
    expect(runJob({ sourcePrefix: k.srcPrefix, destinationPrefix: k.dstPrefix, conflictPolicy: ConflictPolicy.EDGE_PRIORITY }).status).toBe(0);
    expect(getObject('cloud', env, `${k.dst}/edge-newer.txt`)).toBe('edge v2');
    expect(getObject('cloud', env, `${k.dst}/cloud-newer.txt`)).toBe('edge v1');
    expect(getObject('cloud', env, `${k.dst}/edge-only.txt`)).toBe('edge only');
  });

  test('CLOUD_PRIORITY never overwrites an existing cloud copy', () => {
    const k = conflictCase('cloud');
    expect(runJob({ sourcePrefix: k.srcPrefix, destinationPrefix: k.dstPrefix, conflictPolicy: ConflictPolicy.CLOUD_PRIORITY }).status).toBe(0);
    expect(getObject('cloud', env, `${k.dst}/edge-newer.txt`)).toBe('cloud v1');
    expect(getObject('cloud', env, `${k.dst}/cloud-newer.txt`)).toBe('cloud v2');
    expect(getObject('cloud', env, `${k.dst}/edge-only.txt`)).toBe('edge only');
  });

  test('MANUAL writes the edge copy and keeps every displaced cloud copy for review', () => {
    const k = conflictCase('manual');
    const res = runJob({ sourcePrefix: k.srcPrefix, destinationPrefix: k.dstPrefix, conflictPolicy: ConflictPolicy.MANUAL, conflictsPath: 'fleet-conflicts/site-a' });
    expect(res.status).toBe(0);
    expect(getObject('cloud', env, `${k.dst}/edge-newer.txt`)).toBe('edge v2');
    expect(getObject('cloud', env, `${k.dst}/cloud-newer.txt`)).toBe('edge v1');
    expect(getObject('cloud', env, 'fleet-conflicts/site-a/edge-newer.txt')).toBe('cloud v1');
    expect(getObject('cloud', env, 'fleet-conflicts/site-a/cloud-newer.txt')).toBe('cloud v2');
    expect(getObject('cloud', env, 'fleet-conflicts/site-a/edge-only.txt')).toBeUndefined();
  });

  test('retries the whole run when the source is unreachable, then fails the Job', () => {
    const deadSource = edgeStore('http://127.0.0.1:9');
    const { c } = build({
      source: deadSource, destination: cloudStore(cloud.endpoint), retries: 2, retriesSleep: Duration.seconds(1), lowLevelRetries: 1,
    });
    const { args, env: jobEnv } = jobInvocation(find(synth(c), 'CronJob', 'video-to-cloud'), secrets);
    const res = rclone(args, jobEnv);
    expect(res.status).not.toBe(0);
    const attempts = res.logs.filter((l) => /Attempt \d\/2 failed/.test(l.msg ?? '')).map((l) => l.msg.match(/Attempt (\d)\/2/)[1]);
    expect(attempts).toEqual(['1', '2']);
  });
});
