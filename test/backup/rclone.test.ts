import { Cron, Duration } from 'cdk8s';
import { containerOf, plainEnvOf, scriptOf, secretEnvOf } from './support';
import {
  Bandwidth, BackupSource, ContainerImage, ExternalObjectStore, ObjectStoreFlavor, RcloneArchive, RcloneArchiveProps, RcloneMode,
  RcloneRemote, Warnings, S3Credentials,
} from '../../src';
import { RcloneScript } from '../../src/backup/rclone/script';
import { chart, find, synth } from '../support/harness';

// Warnings are asserted with Warnings.collect; keep the console quiet.
beforeAll(() => {
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
});
afterAll(() => {
  delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
});

const cloud = () => new ExternalObjectStore({
  s3Endpoint: 'https://s3.eu-central-1.amazonaws.com',
  credentials: S3Credentials.fromSecretName('cloud-keys'),
  flavor: ObjectStoreFlavor.AWS_S3,
  region: 'eu-central-1',
});

function base(overrides: Partial<RcloneArchiveProps> = {}): RcloneArchiveProps {
  return {
    source: BackupSource.fromClaimName('recordings'),
    destination: RcloneRemote.s3(cloud(), { bucket: 'edge-archive', prefix: 'site-a' }),
    ...overrides,
  };
}

describe('RcloneArchive', () => {
  test('defaults: snapshot and the pod shape', () => {
    const c = chart('site-a');
    const archive = new RcloneArchive(c, 'cold-archive', base());
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const cj = find(manifests, 'CronJob', 'cold-archive');
    expect(cj.spec.schedule).toBe('0 3 * * *');
    expect(cj.spec.concurrencyPolicy).toBe('Forbid');
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 });
    // No fsGroup and a read-only claim: the job never re-owns the other workload's volume.
    expect(pod.securityContext.fsGroup).toBeUndefined();
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'recordings', readOnly: true } });
    const container = containerOf(cj);
    expect(container.image).toBe(ContainerImage.RCLONE.reference);
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
    // copy only reads the source.
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data', readOnly: true });
    expect(container.volumeMounts).toContainEqual({ name: 'config', mountPath: '/config' });
    expect(plainEnvOf(cj)).toEqual({
      RCLONE_CONFIG: '/config/rclone.conf',
      RCLONE_CONFIG_ARCHIVE_TYPE: 's3',
      RCLONE_CONFIG_ARCHIVE_PROVIDER: 'AWS',
      RCLONE_CONFIG_ARCHIVE_ENV_AUTH: 'false',
      RCLONE_CONFIG_ARCHIVE_ENDPOINT: 'https://s3.eu-central-1.amazonaws.com',
      RCLONE_CONFIG_ARCHIVE_REGION: 'eu-central-1',
      RCLONE_CONFIG_ARCHIVE_FORCE_PATH_STYLE: 'false',
      RCLONE_CONFIG_ARCHIVE_NO_CHECK_BUCKET: 'true',
      ARCHIVE_SOURCE: '/data',
      ARCHIVE_DEST: 'archive:edge-archive/site-a',
      HOME: '/tmp',
      TMPDIR: '/tmp',
      XDG_CACHE_HOME: '/cache',
    });
    expect(secretEnvOf(cj)).toEqual({
      RCLONE_CONFIG_ARCHIVE_ACCESS_KEY_ID: { name: 'cloud-keys', key: 'AWS_ACCESS_KEY_ID' },
      RCLONE_CONFIG_ARCHIVE_SECRET_ACCESS_KEY: { name: 'cloud-keys', key: 'AWS_SECRET_ACCESS_KEY' },
    });
    expect(scriptOf(cj)).toBe(archive.script);
    expect(archive.script).toBe(RcloneScript.render());
    expect(archive.script).toContain('rclone copy "$ARCHIVE_SOURCE" "$ARCHIVE_DEST" --min-age 30d --checksum --transfers 4 --checkers 8 --stats-one-line --verbose');
    expect(archive.script).toContain('rclone check "$ARCHIVE_SOURCE" "$ARCHIVE_DEST" --one-way --min-age 30d');
    expect(Warnings.collect(c)).toEqual([]);
  });

  test('custom: snapshot', () => {
    const c = chart('site-a');
    const store = new ExternalObjectStore({
      s3Endpoint: 'https://minio.dc.example.com:9000',
      credentials: S3Credentials.fromSecretName('dc-keys', { accessKeyIdKey: 'access', secretAccessKeyKey: 'secret' }),
      flavor: ObjectStoreFlavor.MINIO,
      caCertificate: { name: 'dc-ca', key: 'ca.crt' },
    });
    new RcloneArchive(c, 'to-dc', {
      source: BackupSource.fromClaimName('recordings', { path: 'warm' }),
      destination: RcloneRemote.s3(store, { bucket: 'cold', prefix: 'site-a/recordings', storageClass: 'STANDARD_IA' }),
      mode: RcloneMode.MOVE,
      minAge: Duration.days(7),
      bandwidthLimit: Bandwidth.mebibytesPerSecond(20),
      transfers: 8,
      checkers: 16,
      deleteEmptySourceDirs: true,
      includes: ['*.mp4'],
      excludes: ['*.part', 'tmp/**'],
      schedule: Cron.schedule({ minute: '30', hour: '22' }),
      timeZone: 'Asia/Shanghai',
      fsGroup: 1000,
    });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const cj = find(manifests, 'CronJob', 'to-dc');
    // move deletes from the source, so the data volume is writable; the given fsGroup is the data's owner.
    expect(containerOf(cj).volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(cj.spec.jobTemplate.spec.template.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'recordings' } });
    expect(cj.spec.jobTemplate.spec.template.spec.securityContext).toMatchObject({ fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(containerOf(cj).volumeMounts).toContainEqual({ name: 'ca', mountPath: '/etc/rclone/ca', readOnly: true });
    expect(plainEnvOf(cj)).toMatchObject({ ARCHIVE_SOURCE: '/data/warm', ARCHIVE_DEST: 'archive:cold/site-a/recordings', RCLONE_CONFIG_ARCHIVE_PROVIDER: 'Minio', RCLONE_CONFIG_ARCHIVE_STORAGE_CLASS: 'STANDARD_IA', RCLONE_CONFIG_ARCHIVE_FORCE_PATH_STYLE: 'true' });
    const script = scriptOf(cj);
    expect(script).toContain('rclone move "$ARCHIVE_SOURCE" "$ARCHIVE_DEST" --ca-cert /etc/rclone/ca/ca.crt --min-age 7d --filter \'- *.part\' --filter \'- tmp/**\' --filter \'+ *.mp4\' --filter \'- **\' --checksum --transfers 8 --checkers 16 --bwlimit 20480K --delete-empty-src-dirs --stats-one-line --verbose');
    // Moved files are verified during transfer; there is nothing left to check afterwards.
    expect(script).not.toContain('rclone check');
  });

  test('a remote from an rclone.conf Secret and a claim as cold storage', () => {
    const c = chart();
    new RcloneArchive(c, 'to-gcs', base({ destination: RcloneRemote.fromConfigSecret({ config: { name: 'rclone-conf', key: 'rclone.conf' }, remote: 'gcs', path: '/bucket/site-a' }) }));
    new RcloneArchive(c, 'to-disk', base({ destination: RcloneRemote.fromClaimName('slow-disk', { path: 'site-a' }) }));
    const manifests = synth(c);
    const gcs = find(manifests, 'CronJob', 'to-gcs');
    expect(plainEnvOf(gcs)).toMatchObject({ ARCHIVE_DEST: 'gcs:bucket/site-a', ARCHIVE_CONFIG_TEMPLATE: '/etc/rclone-config/rclone.conf' });
    expect(gcs.spec.jobTemplate.spec.template.spec.volumes).toContainEqual({ name: 'config-template', secret: { secretName: 'rclone-conf', items: [{ key: 'rclone.conf', path: 'rclone.conf' }] } });
    expect(scriptOf(gcs)).toContain('cp "$ARCHIVE_CONFIG_TEMPLATE" "$RCLONE_CONFIG"');
    const disk = find(manifests, 'CronJob', 'to-disk');
    expect(plainEnvOf(disk).ARCHIVE_DEST).toBe('/archive/site-a');
    expect(containerOf(disk).volumeMounts).toContainEqual({ name: 'archive', mountPath: '/archive' });
  });

  test('warnings: sync, dry run, a short minAge, move without checksums', () => {
    const sync = new RcloneArchive(chart(), 'a', base({ mode: RcloneMode.SYNC }));
    expect(Warnings.collect(sync)).toEqual([
      '[WARNING] RcloneArchive "test/a": mode = "sync": sync deletes archived files once they disappear from the source (e.g. after the warm tier expires them); use RcloneMode.COPY or RcloneMode.MOVE for an archive that keeps history',
    ]);
    const dry = new RcloneArchive(chart(), 'a', base({ dryRun: true }));
    expect(Warnings.collect(dry)).toEqual(['[WARNING] RcloneArchive "test/a": dryRun = true: the job only reports; nothing is archived; remove dryRun once the output looks right']);
    const young = new RcloneArchive(chart(), 'a', base({ mode: RcloneMode.MOVE, minAge: Duration.minutes(10), checksum: false }));
    expect(Warnings.collect(young)).toEqual([
      '[WARNING] RcloneArchive "test/a": minAge = "10 minutes": files still being written may be archived and removed from the source; use at least an hour (the seed lifecycle archives warm data after 30 days)',
      '[WARNING] RcloneArchive "test/a": checksum = false: move deletes source files after comparing only size and time; keep checksum on for move',
    ]);
  });

  describe('fails if', () => {
    test.each<[string, Partial<RcloneArchiveProps>, RegExp]>([
      ['transfers is 0', { transfers: 0 }, /^RcloneArchive "test\/a": transfers = 0: must be a whole number from 1 to 64; use e.g. 4$/],
      ['checkers is 65', { checkers: 65 }, /checkers = 65: must be a whole number from 1 to 64/],
      ['the bandwidth limit is under 1 KiB/s', { bandwidthLimit: Bandwidth.bytesPerSecond(1000) }, /bandwidthLimit = "1000 B\/s": must be at least 1 KiB\/s/],
      ['an exclude pattern is empty', { excludes: [' '] }, /excludes = " ": patterns must be non-empty single lines/],
      ['the bucket is invalid', { destination: RcloneRemote.s3(cloud(), { bucket: 'ab' }) }, /destination.bucket = "ab": not a valid S3 bucket name: must be 3-63 characters long \(is 2\)/],
      ['the prefix is invalid', { destination: RcloneRemote.s3(cloud(), { bucket: 'archive', prefix: 'a//b' }) }, /destination.prefix = "a\/\/b": not a valid S3 key prefix/],
      ['the storage class is not a class name', { destination: RcloneRemote.s3(cloud(), { bucket: 'archive', storageClass: 'glacier' }) }, /destination.storageClass = "glacier": must be an S3 storage class name in capitals/],
      // A hand-made IObjectStore (plain JavaScript) without credentials.
      ['the store has no credentials', { destination: RcloneRemote.s3({ ...cloud(), credentials: undefined as any }, { bucket: 'archive' }) }, /destination.store.credentials = "undefined": S3 access keys for the rclone archive come only from a Secret, as an S3Credentials; pass S3Credentials.fromSecretName/],
      ['the config Secret has no name', { destination: RcloneRemote.fromConfigSecret({ config: { name: '', key: 'rclone.conf' }, remote: 'cold' }) }, /destination.config.name = "": a Secret key holding rclone.conf is required; create one .*pass \{ name: 'rclone-config', key: 'rclone.conf' \}/],
      ['the config key is empty', { destination: RcloneRemote.fromConfigSecret({ config: { name: 'rclone-config', key: '' }, remote: 'cold' }) }, /destination.config.key = "": a Secret key holding rclone.conf is required/],
      ['the config key is not a Secret key', { destination: RcloneRemote.fromConfigSecret({ config: { name: 'rclone-config', key: 'rclone conf' }, remote: 'cold' }) }, /destination.config.key = "rclone conf": not a valid Secret key/],
      ['the remote name is invalid', { destination: RcloneRemote.fromConfigSecret({ config: { name: 's', key: 'rclone.conf' }, remote: 'cold:bucket' }) }, /destination.remote = "cold:bucket": must name a \[section\] of the rclone config/],
      ['the archive is the source claim', { destination: RcloneRemote.fromClaimName('recordings') }, /destination = "recordings": the archive is on the claim being archived/],
      ['the archive path leaves the claim', { destination: RcloneRemote.fromClaimName('disk', { path: '../etc' }) }, /destination.path = "..\/etc": must stay inside the claim/],
      ['the cron never fires', { schedule: Cron.schedule({ minute: '0', hour: '3', day: '31', month: '4' }) }, /schedule = "0 3 31 4 \*": never fires/],
      ['the startingDeadline is zero', { startingDeadline: Duration.seconds(0) }, /startingDeadline = "0 seconds": must be at least one second/],
      ['the name is not a DNS label', { name: 'Cold_Archive' }, /name = "Cold_Archive": must be a DNS-1123 label/],
    ])('%s', (_name, override, message) => {
      expect(() => new RcloneArchive(chart(), 'a', base(override))).toThrow(message);
    });
  });
});

describe('RcloneScript', () => {
  test('render validates on its own', () => {
    expect(() => RcloneScript.render({ transfers: 100 })).toThrow(/^RcloneScript: transfers = 100: must be a whole number from 1 to 64/);
  });
  test('dry runs skip the verification step', () => {
    expect(RcloneScript.render({ dryRun: true })).not.toContain('rclone check');
    expect(RcloneScript.render({ dryRun: true })).toContain('--dry-run');
  });
});
