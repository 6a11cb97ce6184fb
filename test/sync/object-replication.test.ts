import { Cron, Duration, Size } from 'cdk8s';
import { build, cloudStore, container, edgeStore } from './object-replication-support';
import {
  Bandwidth, ConflictPolicy, ContainerImage, ExternalObjectStore, IObjectStore, ObjectReplication, ObjectStoreFlavor,
  SecurityBaseline, Warnings, S3Credentials,
} from '../../src';
import { chart, find, synth } from '../support/harness';


describe('ObjectReplication', () => {
  test('defaults: restricted rclone CronJob copying edge → cloud every 15 minutes', () => {
    const { c } = build();
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const cj = find(manifests, 'CronJob', 'video-to-cloud');
    expect(cj.spec.schedule).toBe('*/15 * * * *');
    expect(cj.spec.concurrencyPolicy).toBe('Forbid');
    // Forbid: a hung run would block every later one, so runs have a deadline by default.
    expect(cj.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(12 * 3600);
    const ctr = container(manifests);
    expect(ctr.image).toBe(ContainerImage.RCLONE.reference);
    // The stateful sync program (proved with real rclone in object-replication.real.test.ts); args are rclone options.
    expect(ctr.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(ctr.args).toContain('--checksum');
    expect(ctr.args).not.toContain('--ignore-checksum');
    const env = Object.fromEntries(ctr.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.SYNC_SOURCE).toBe('source:video');
    expect(env.SYNC_DESTINATION).toBe('destination:fleet-video/site-a');
    expect(env.SYNC_POLICY).toBe('last-write-wins'); // the default
    expect(env.SYNC_STATE).toBe('destination:fleet-video/.cdk8s-edge-sync/site-a/video-to-cloud.tsv');
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
    const source = new ExternalObjectStore({ s3Endpoint: 'https://rgw.site-a.svc:443', credentials: S3Credentials.fromSecretName('rgw'), flavor: ObjectStoreFlavor.CEPH_RGW, caCertificate: { name: 'rgw-ca', key: 'ca.pem' } });
    new ObjectReplication(c, 'nightly', {
      source,
      sourceBucket: 'models',
      sourcePrefix: 'releases/',
      destination: cloudStore(),
      destinationBucket: 'fleet-models',
      schedule: Cron.schedule({ minute: '30', hour: '1' }),
      bandwidthLimit: Bandwidth.mebibytesPerSecond(5),
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
    const ctr = container(manifests, 'nightly');
    const args: string[] = ctr.args;
    const env = Object.fromEntries(ctr.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    const flag = (f: string) => args[args.indexOf(f) + 1];
    expect(env.SYNC_SOURCE).toBe('source:models/releases');
    expect(flag('--bwlimit')).toBe('5120K');
    expect(flag('--retries')).toBe('10');
    expect(flag('--retries-sleep')).toBe('120s');
    expect(env.SYNC_MAX_AGE).toBe(`${2 * 86400}s`);
    expect(env.SYNC_RETRIES).toBe('10');
    expect(env.SYNC_POLICY).toBe('cloud-priority');
    // The private CA is trusted in addition to (not instead of) the public roots the cloud endpoint needs.
    expect(args.filter((_, i) => args[i - 1] === '--ca-cert')).toEqual(['/etc/rclone/source-ca/ca.crt', '/etc/ssl/certs/ca-certificates.crt']);
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'source-ca', secret: { secretName: 'rgw-ca', items: [{ key: 'ca.pem', path: 'ca.crt' }] } });
  });

  test.each([
    [ConflictPolicy.LAST_WRITE_WINS, undefined],
    [ConflictPolicy.EDGE_PRIORITY, undefined],
    [ConflictPolicy.CLOUD_PRIORITY, undefined],
    [ConflictPolicy.MANUAL, 'destination:fleet-video/conflicts/site-a'],
  ])('conflict policy %s is passed to the sync program (conflicts path %s)', (policy, conflicts) => {
    const { c, rep } = build({ conflictPolicy: policy });
    const env = Object.fromEntries(container(synth(c)).env.map((e: any) => [e.name, e.value]));
    expect(env.SYNC_POLICY).toBe(policy);
    expect(env.SYNC_CONFLICTS).toBe(conflicts);
    expect(rep.conflictPolicy).toBe(policy);
  });

  test('warns when objects would cross the WAN over plain HTTP', () => {
    const { c } = build({ destination: cloudStore('http://s3.example.com') });
    expect(Warnings.collect(c).join('\n')).toMatch(/destination.s3Endpoint = "http:\/\/s3.example.com": objects and request signatures would cross the WAN over plain HTTP/);
  });

  describe('fails if', () => {
    test('a store has no S3Credentials (a hand-made IObjectStore with the former { secretName } shape)', () => {
      const noSecret = { ...cloudStore(), credentials: { secretName: '' } } as unknown as IObjectStore;
      expect(() => build({ destination: noSecret })).toThrow(/^ObjectReplication "test\/video-to-cloud": destination.credentials = "\{"secretName":""\}": S3 access keys for rclone come only from a Secret, as an S3Credentials; pass S3Credentials.fromSecretName/);
    });
    test('a CA reference has no key', () => {
      const badCa = { ...cloudStore(), caCertificate: { name: 'ca', key: '' } } as IObjectStore;
      expect(() => build({ destination: badCa })).toThrow(/destination.caCertificate = "ca\/": a CA certificate reference needs a Secret name and a key/);
    });
    test('source and destination overlap', () => {
      expect(() => build({ destination: edgeStore(), destinationBucket: 'video', destinationPrefix: 'copy' })).toThrow(/destination = .*overlaps the source/);
    });
    test('MERGE is asked of whole-object replication', () => {
      expect(() => build({ conflictPolicy: ConflictPolicy.MERGE }))
        .toThrow(/conflictPolicy = "merge": objects are replaced whole .* use ConflictPolicy.MANUAL to keep both versions/);
    });
    test('MANUAL has nowhere outside the destination to keep conflicts', () => {
      expect(() => build({ conflictPolicy: ConflictPolicy.MANUAL, destinationPrefix: undefined })).toThrow(/conflictsPath = "undefined": ConflictPolicy.MANUAL keeps displaced cloud copies outside the destination path/);
      expect(() => build({ conflictPolicy: ConflictPolicy.MANUAL, conflictsPath: 'fleet-video/site-a/conflicts' })).toThrow(/conflictsPath = "fleet-video\/site-a\/conflicts": overlaps the destination path fleet-video\/site-a/);
      expect(() => build({ conflictsPath: 'x-conflicts' })).toThrow(/only ConflictPolicy.MANUAL keeps conflict copies/);
    });
    test('bucket names or prefixes are invalid', () => {
      expect(() => build({ sourceBucket: 'Video_Bucket' })).toThrow(/sourceBucket = "Video_Bucket": not a valid S3 bucket name: may only contain lowercase letters.*; use a name like "video-bucket"/);
      expect(() => build({ destinationPrefix: '/site-a' })).toThrow(/destinationPrefix = "\/site-a": a key prefix must not start with "\/"/);
    });
    test('counts and limits are out of range', () => {
      expect(() => build({ retries: 0 })).toThrow(/retries = 0: must be a whole number of at least 1/);
      expect(() => build({ bandwidthLimit: Bandwidth.kibibytesPerSecond(0.5) })).toThrow(/bandwidthLimit = "0.5 KiB\/s": must be at least 1 KiB\/s \(the program takes whole KiB per second, so less would render as 0 = unlimited\)/);
      expect(() => build({ bandwidthLimit: Size.mebibytes(5) as any })).toThrow(/bandwidthLimit = "Size of 5120 KiB": must be a Bandwidth .*; use Bandwidth.kibibytesPerSecond\(5120\)/);
      expect(() => build({ timeout: Duration.seconds(10) })).toThrow(/timeout = .*must be at least one minute/);
    });
    test('the name is too long for a CronJob', () => {
      expect(() => build({}, 'x'.repeat(53))).toThrow(/name \(construct id\) = "x{53}": must be a DNS-1123 label: 1–52 characters/);
    });
  });
});
