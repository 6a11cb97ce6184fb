// The secondary MinIO constructs (bucket, policy, tier) take their cluster in props: made with `new` or with the
// cluster's addXxx factory, they are registered with the cluster and provisioned by its Job.
import { Duration, Size } from 'cdk8s';
import { ExternalObjectStore, MinioBucket, MinioCluster, MinioClusterProps, MinioPolicy, MinioPolicyStatements, MinioTier, ObjectStoreFlavor, S3Credentials } from '../../../src';
import { chart, find, synth } from '../../support/harness';

const base: MinioClusterProps = { driveSize: Size.gibibytes(100), rootCredentials: S3Credentials.fromSecretName('minio-root') };
const archive = new ExternalObjectStore({ s3Endpoint: 'https://archive.example.com:9443', credentials: S3Credentials.fromSecretName('archive-keys'), flavor: ObjectStoreFlavor.MINIO });

/** The provisioning ConfigMap's files of `store` after synthesizing its chart. */
function provisioningFiles(c: ReturnType<typeof chart>, store: MinioCluster): { [file: string]: string } {
  return find(synth(c), 'ConfigMap', store.provisioningConfigMapName ?? `${store.name}-provision`).data;
}

describe('secondary MinIO constructs take their cluster in props', () => {
  test('a bucket made with new MinioBucket is provisioned like one from addBucket', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    store.addBucket('video');
    // Not an object literal, so that the same file also compiles against the old (scope, id, options) signature.
    const props = { cluster: store, name: 'footage', versioning: true, lifecycle: [{ expiration: Duration.days(30) }] };
    const footage = new MinioBucket(c, 'Footage', props);
    const files = provisioningFiles(c, store);
    expect(files['provision.sh']).toContain('ensure_bucket video 0');
    expect(files['provision.sh']).toContain('ensure_bucket footage 0');
    expect(store.bucketNames).toEqual(['video', 'footage']);
    expect(store.buckets).toContain(footage);
    expect(JSON.parse(files['ilm-footage.json']).Rules[0].Expiration).toEqual({ Days: 30 });
    expect(store.provisioningCommands.filter((s) => /ensure_bucket footage/.test(s))).toHaveLength(1);
  });

  test('a policy made with new MinioPolicy is provisioned (document, user) like one from addPolicy', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    store.addBucket('video');
    const props = { cluster: store, name: 'video-readers', statements: MinioPolicyStatements.readOnly(['video']), users: [S3Credentials.fromSecretName('reader-keys')] };
    new MinioPolicy(c, 'Readers', props);
    expect(store.policies.map((p) => p.policyName)).toEqual(['video-readers']);
    const files = provisioningFiles(c, store);
    expect(JSON.parse(files['policy-video-readers.json']).Statement[1].Resource).toEqual(['arn:aws:s3:::video/*']);
    expect(files['provision.sh']).toMatch(/mc admin policy create "\$ALIAS" '?video-readers'? /);
    const job = find(synth(c), 'Job', store.provisioningJobName!);
    expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'USER_1_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'reader-keys', key: 'AWS_ACCESS_KEY_ID' } } });
  });

  test('a tier made with new MinioTier is provisioned and satisfies lifecycle transitions', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    store.addBucket('video', { lifecycle: [{ transition: { after: Duration.days(7), tier: 'COLD' } }] });
    const props = { cluster: store, name: 'COLD', target: archive, bucket: 'edge-cold' };
    new MinioTier(c, 'Cold', props);
    expect(store.tiers.map((t) => t.tierName)).toEqual(['COLD']);
    expect(provisioningFiles(c, store)['provision.sh']).toMatch(/mc ilm tier add minio "\$ALIAS" COLD /);
  });

  test('fails if the cluster is missing or is not a MinioCluster', () => {
    const c = chart('edge');
    expect(() => new MinioBucket(c, 'b', {} as any)).toThrow('MinioBucket "test/b": cluster = "undefined": is required; set cluster');
    expect(() => new MinioPolicy(c, 'p', { statements: MinioPolicyStatements.readOnly(['a']) } as any)).toThrow(/MinioPolicy "test\/p": cluster = "undefined": is required/);
    expect(() => new MinioTier(c, 't', { target: archive, bucket: 'b-1' } as any)).toThrow(/MinioTier "test\/t": cluster = "undefined": is required/);
    expect(() => new MinioBucket(c, 'b2', { cluster: archive } as any)).toThrow(
      /MinioBucket "test\/b2": cluster = .*: must be a MinioCluster \(only a MinioCluster's provisioning Job creates buckets\); pass the MinioCluster the bucket belongs to, or use cluster.addBucket\(id, options\)/,
    );
  });
});

describe('bucket names follow the one S3 rule (S3Rules) at both edges', () => {
  const store = () => new MinioCluster(chart('edge'), 'store', base);

  test.each(['abc', 'a'.repeat(63), '1.2.3.4a', 'a-b.c'])('bucket name %j is accepted', (name) => {
    expect(store().addBucket('b', { name }).bucketName).toBe(name);
  });

  test.each([
    ['ab', 'must be 3-63 characters long (is 2)', 'ab-bucket'],
    ['a'.repeat(64), 'must be 3-63 characters long (is 64)', 'a'.repeat(63)],
    ['Video', 'may only contain lowercase letters, digits, dots and hyphens', 'video'],
    ['cam_video', 'may only contain lowercase letters, digits, dots and hyphens', 'cam-video'],
    ['192.168.1.10', 'must not look like an IP address', '192-168-1-10'],
    ['-video', 'must begin and end with a letter or digit', 'video'],
    ['video..raw', 'must not contain two adjacent dots', 'video.raw'],
    ['video.-raw', 'must not have a dot next to a hyphen', 'video-raw'],
    ['xn--video', 'must not start with the reserved prefix "xn--"', 'video'],
    ['video-s3alias', 'must not end with the reserved suffix "-s3alias"', 'video'],
  ])('bucket name %j is refused, naming the construct, the prop and a valid fix', (name, rule, fix) => {
    expect(() => store().addBucket('b', { name })).toThrow(`MinioBucket "test/store/b": name = "${name}": not a valid S3 bucket name: ${rule}; use a name like "${fix}"`);
  });

  test('a bucket named by its id is checked by the same rule', () => {
    expect(() => store().addBucket('Video_Raw')).toThrow('MinioBucket "test/store/Video_Raw": name = "Video_Raw": not a valid S3 bucket name');
  });

  test('replication and tier buckets (remote names) follow the same rule at both edges', () => {
    const s = store();
    expect(s.addBucket('vid1', { replication: [{ target: archive, bucket: 'abc' }] }).replication[0].bucket).toBe('abc');
    expect(() => s.addBucket('vid2', { replication: [{ target: archive, bucket: 'ab' }] })).toThrow(/MinioBucket "test\/store\/vid2": replication\[0\].bucket = "ab": not a valid S3 bucket name: must be 3-63 characters long \(is 2\)/);
    expect(() => s.addBucket('vid3', { replication: [{ target: archive, bucket: '10.0.0.1' }] })).toThrow(/replication\[0\].bucket = "10.0.0.1": not a valid S3 bucket name: must not look like an IP address/);
    expect(s.addTier('t1', { target: archive, bucket: 'a'.repeat(63) }).bucket).toHaveLength(63);
    expect(() => s.addTier('t2', { target: archive, bucket: 'a'.repeat(64) })).toThrow(/MinioTier "test\/store\/t2": bucket = "a{64}": not a valid S3 bucket name: must be 3-63 characters long \(is 64\)/);
    expect(() => s.addTier('t3', { target: archive, bucket: 'tier..cold' })).toThrow(/bucket = "tier..cold": not a valid S3 bucket name: must not contain two adjacent dots/);
  });

  test('MinioBucket.isValidName answers with the same rule', () => {
    expect(MinioBucket.isValidName('abc')).toBe(true);
    expect(MinioBucket.isValidName('a'.repeat(63))).toBe(true);
    expect(MinioBucket.isValidName('ab')).toBe(false);
    expect(MinioBucket.isValidName('a'.repeat(64))).toBe(false);
    expect(MinioBucket.isValidName('amzn-s3-demo-video')).toBe(false);
  });
});
