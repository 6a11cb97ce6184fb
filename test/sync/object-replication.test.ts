import { randomBytes } from 'crypto';
import { Cron, Duration, Size } from 'cdk8s';
import { getObject, jobInvocation, md5s, putObject, rclone, remoteEnv, S3Server, startS3Server } from './s3-servers';
import {
  ConflictPolicy, ContainerImage, ExternalObjectStore, IObjectStore, ObjectReplication, ObjectReplicationProps, ObjectStoreFlavor,
  SecurityBaseline, Warnings,
} from '../../src';
import { chart, find, synth } from '../support/harness';

const edgeStore = (endpoint = 'http://minio.site-a.svc.cluster.local:9000'): IObjectStore => new ExternalObjectStore({
  s3Endpoint: endpoint,
  credentials: { secretName: 'edge-s3' },
  flavor: ObjectStoreFlavor.MINIO,
  networkPeer: { namespace: 'site-a', podLabels: { app: 'minio' }, ports: [9000] },
});
const cloudStore = (endpoint = 'https://s3.example.com'): IObjectStore => new ExternalObjectStore({
  s3Endpoint: endpoint, credentials: { secretName: 'cloud-s3', accessKeyIdKey: 'id', secretAccessKeyKey: 'key' },
});

function build(props: Partial<ObjectReplicationProps> = {}, id = 'video-to-cloud') {
  const c = chart('site-a');
  const rep = new ObjectReplication(c, id, {
    source: edgeStore(), sourceBucket: 'video', destination: cloudStore(), destinationBucket: 'fleet-video', destinationPrefix: 'site-a', ...props,
  });
  return { c, rep };
}

const container = (manifests: any[], name = 'video-to-cloud') => find(manifests, 'CronJob', name).spec.jobTemplate.spec.template.spec.containers[0];

describe('ObjectReplication', () => {
  test('defaults: restricted rclone CronJob copying edge → cloud every 15 minutes', () => {
    const { c } = build();
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const cj = find(manifests, 'CronJob', 'video-to-cloud');
    expect(cj.spec.schedule).toBe('*/15 * * * *');
    expect(cj.spec.concurrencyPolicy).toBe('Forbid');
    const ctr = container(manifests);
    expect(ctr.image).toBe(ContainerImage.RCLONE.reference);
    expect(ctr.args.slice(0, 3)).toEqual(['copy', 'source:video', 'destination:fleet-video/site-a']);
    expect(ctr.args).toContain('--checksum');
    expect(ctr.args).not.toContain('--ignore-checksum');
    expect(ctr.args).toContain('--update'); // last-write-wins by default
    const env = Object.fromEntries(ctr.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.RCLONE_CONFIG_SOURCE_TYPE).toBe('s3');
    expect(env.RCLONE_CONFIG_SOURCE_PROVIDER).toBe('Minio');
    expect(env.RCLONE_CONFIG_SOURCE_ACCESS_KEY_ID).toEqual({ secretKeyRef: { name: 'edge-s3', key: 'AWS_ACCESS_KEY_ID' } });
    expect(env.RCLONE_CONFIG_DESTINATION_SECRET_ACCESS_KEY).toEqual({ secretKeyRef: { name: 'cloud-s3', key: 'key' } });
    expect(env.RCLONE_CONFIG_DESTINATION_ENDPOINT).toBe('https://s3.example.com');
    expect(env.RCLONE_CONFIG_DESTINATION_NO_CHECK_BUCKET).toBe('true');
    expect(SecurityBaseline.check(manifests)).toEqual([]);
  });

  test('custom: schedule, bandwidth cap, retries, max age, timeout, CA certificates, resources', () => {
    const c = chart('site-a');
    const source = new ExternalObjectStore({ s3Endpoint: 'https://rgw.site-a.svc:443', credentials: { secretName: 'rgw' }, flavor: ObjectStoreFlavor.CEPH_RGW, caCertificate: { name: 'rgw-ca', key: 'ca.pem' } });
    new ObjectReplication(c, 'nightly', {
      source,
      sourceBucket: 'models',
      sourcePrefix: 'releases/',
      destination: cloudStore(),
      destinationBucket: 'fleet-models',
      schedule: Cron.schedule({ minute: '30', hour: '1' }),
      bandwidthLimit: Size.mebibytes(5),
      retries: 10,
      retriesSleep: Duration.minutes(2),
      lowLevelRetries: 20,
      transfers: 2,
      maxAge: Duration.days(2),
      timeout: Duration.hours(4),
      suspend: true,
      conflictPolicy: ConflictPolicy.CLOUD_PRIORITY,
      resources: { memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } },
    });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const cj = find(manifests, 'CronJob', 'nightly');
    expect(cj.spec.schedule).toBe('30 1 * * *');
    expect(cj.spec.suspend).toBe(true);
    expect(cj.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(4 * 3600);
    const args: string[] = container(manifests, 'nightly').args;
    const flag = (f: string) => args[args.indexOf(f) + 1];
    expect(args[1]).toBe('source:models/releases');
    expect(flag('--bwlimit')).toBe('5120K');
    expect(flag('--retries')).toBe('10');
    expect(flag('--retries-sleep')).toBe('120s');
    expect(flag('--max-age')).toBe(`${2 * 86400}s`);
    expect(args).toContain('--ignore-existing');
    // The private CA is trusted in addition to (not instead of) the public roots the cloud endpoint needs.
    expect(args.filter((_, i) => args[i - 1] === '--ca-cert')).toEqual(['/etc/rclone/source-ca/ca.crt', '/etc/ssl/certs/ca-certificates.crt']);
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'source-ca', secret: { secretName: 'rgw-ca', items: [{ key: 'ca.pem', path: 'ca.crt' }] } });
  });

  test.each([
    [ConflictPolicy.LAST_WRITE_WINS, ['--update']],
    [ConflictPolicy.EDGE_PRIORITY, []],
    [ConflictPolicy.CLOUD_PRIORITY, ['--ignore-existing']],
    [ConflictPolicy.MANUAL, ['--backup-dir', 'destination:fleet-video/conflicts/site-a']],
  ])('conflict policy %s maps to rclone flags %j', (policy, flags) => {
    const { c } = build({ conflictPolicy: policy });
    const args: string[] = container(synth(c)).args;
    const policyFlags = args.filter((a, i) => ['--update', '--ignore-existing', '--backup-dir'].includes(a) || args[i - 1] === '--backup-dir');
    expect(policyFlags).toEqual(flags);
  });

  test('warns when objects would cross the WAN over plain HTTP', () => {
    const { c } = build({ destination: cloudStore('http://s3.example.com') });
    expect(Warnings.collect(c).join('\n')).toMatch(/destination.s3Endpoint = "http:\/\/s3.example.com": objects and request signatures would cross the WAN over plain HTTP/);
  });

  describe('fails if', () => {
    test('a credentials Secret is missing', () => {
      const noSecret = { ...cloudStore(), credentials: { secretName: '' } } as IObjectStore;
      expect(() => build({ destination: noSecret })).toThrow(/^ObjectReplication "test\/video-to-cloud": destination.credentials.secretName = "": rclone reads the access keys from a Secret/);
    });
    test('a CA reference has no key', () => {
      const badCa = { ...cloudStore(), caCertificate: { name: 'ca', key: '' } } as IObjectStore;
      expect(() => build({ destination: badCa })).toThrow(/destination.caCertificate = "ca\/": a CA certificate reference needs a Secret name and a key/);
    });
    test('source and destination overlap', () => {
      expect(() => build({ destination: edgeStore(), destinationBucket: 'video', destinationPrefix: 'copy' })).toThrow(/destination = .*overlaps the source/);
    });
    test('MANUAL has nowhere outside the destination to keep conflicts', () => {
      expect(() => build({ conflictPolicy: ConflictPolicy.MANUAL, destinationPrefix: undefined })).toThrow(/conflictsPath = "undefined": ConflictPolicy.MANUAL keeps displaced cloud copies outside the destination path/);
      expect(() => build({ conflictPolicy: ConflictPolicy.MANUAL, conflictsPath: 'fleet-video/site-a/conflicts' })).toThrow(/conflictsPath = "fleet-video\/site-a\/conflicts": overlaps the destination path fleet-video\/site-a/);
      expect(() => build({ conflictsPath: 'x-conflicts' })).toThrow(/only ConflictPolicy.MANUAL keeps conflict copies/);
    });
    test('bucket names or prefixes are invalid', () => {
      expect(() => build({ sourceBucket: 'Video_Bucket' })).toThrow(/sourceBucket = "Video_Bucket": S3 bucket names are 3–63 lowercase/);
      expect(() => build({ destinationPrefix: '/site-a' })).toThrow(/destinationPrefix = "\/site-a": a key prefix must not start with "\/"/);
    });
    test('counts and limits are out of range', () => {
      expect(() => build({ retries: 0 })).toThrow(/retries = 0: must be a whole number of at least 1/);
      expect(() => build({ bandwidthLimit: Size.kibibytes(0.5) })).toThrow(/bandwidthLimit = .*must be at least 1Ki per second/);
      expect(() => build({ timeout: Duration.seconds(10) })).toThrow(/timeout = .*must be at least one minute/);
    });
    test('the name is too long for a CronJob', () => {
      expect(() => build({}, 'x'.repeat(53))).toThrow(/name \(construct id\) = "x{53}": must be a DNS-1123 label: 1–52 characters/);
    });
  });
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
