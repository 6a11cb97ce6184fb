import { Cron, Duration, Testing } from 'cdk8s';
import {
  BackupSource, ExternalObjectStore, ObjectStoreFlavor, RcloneArchive, RcloneRemote, ResticBackup, ResticRepository,
  VeleroAccessMode, VeleroBackupLocation, VeleroChecksumAlgorithm, VeleroSchedule, VeleroUploader, VeleroVersion, Warnings,
  S3Credentials,
} from '../../src';
import { chart, find, findAll, synth } from '../support/harness';

// Warnings are asserted with Warnings.collect; keep the console quiet.
beforeAll(() => {
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
});
afterAll(() => {
  delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
});

const minio = () => new ExternalObjectStore({
  s3Endpoint: 'http://minio.storage.svc.cluster.local:9000',
  credentials: S3Credentials.fromSecretName('minio-keys'),
  flavor: ObjectStoreFlavor.MINIO,
});
const credential = { name: 'velero-s3', key: 'cloud' };

describe('VeleroBackupLocation', () => {
  test('defaults (AWS S3): snapshot', () => {
    const c = chart('site-a');
    new VeleroBackupLocation(c, 'default', { bucket: 'site-a-velero', credential });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const bsl = find(manifests, 'BackupStorageLocation', 'default');
    expect(bsl.metadata.namespace).toBe('velero');
    expect(bsl.spec.provider).toBe('aws');
    // AWS itself: no endpoint, region looked up by Velero, the plugin's default checksum kept.
    expect(bsl.spec.config).toEqual({});
    expect(bsl.spec.credential).toEqual(credential);
    expect(bsl.spec.accessMode).toBe('ReadWrite');
    expect(bsl.spec.default).toBeUndefined();
  });

  test('custom (MinIO via IObjectStore, CA, default, sync/validation periods): snapshot', () => {
    const c = chart('site-a');
    const store = new ExternalObjectStore({
      s3Endpoint: 'https://rgw.storage.svc:443',
      credentials: S3Credentials.fromSecretName('rgw-keys'),
      flavor: ObjectStoreFlavor.CEPH_RGW,
      region: 'edge',
      caCertificate: { name: 'rgw-ca', key: 'ca.crt' },
    });
    new VeleroBackupLocation(c, 'site-a', {
      objectStore: store,
      bucket: 'velero',
      prefix: 'clusters/site-a/',
      credential,
      profile: 'site-a',
      isDefault: true,
      validationFrequency: Duration.minutes(5),
      backupSyncPeriod: Duration.seconds(90),
      publicUrl: 'https://s3.site-a.example.com',
      config: { serverSideEncryption: 'AES256', tagging: 'site=site-a' },
    });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const bsl = find(manifests, 'BackupStorageLocation', 'site-a');
    expect(bsl.spec.objectStorage).toEqual({ bucket: 'velero', prefix: 'clusters/site-a', caCertRef: { name: 'rgw-ca', key: 'ca.crt' } });
    expect(bsl.spec.config).toEqual({
      region: 'edge',
      s3Url: 'https://rgw.storage.svc:443',
      s3ForcePathStyle: 'true',
      checksumAlgorithm: '',
      profile: 'site-a',
      publicUrl: 'https://s3.site-a.example.com',
      serverSideEncryption: 'AES256',
      tagging: 'site=site-a',
    });
    expect(bsl.spec.default).toBe(true);
    expect(bsl.spec.validationFrequency).toBe('5m0s');
    expect(bsl.spec.backupSyncPeriod).toBe('1m30s');
  });

  test.each([
    [ObjectStoreFlavor.MINIO, ''],
    [ObjectStoreFlavor.CEPH_RGW, ''],
    [ObjectStoreFlavor.GENERIC_S3, ''],
    [ObjectStoreFlavor.AWS_S3, undefined],
  ])('checksumAlgorithm for flavor %s is %j', (flavor, expected) => {
    const c = chart();
    new VeleroBackupLocation(c, 'loc', { s3Url: 'https://s3.example.com', flavor, bucket: 'velero', credential });
    expect(find(synth(c), 'BackupStorageLocation', 'loc').spec.config.checksumAlgorithm).toBe(expected);
  });

  test('an explicit endpoint defaults to path style and us-east-1; an explicit checksum wins', () => {
    const c = chart();
    new VeleroBackupLocation(c, 'loc', { s3Url: 'http://10.0.0.5:9000', bucket: 'velero', credential, checksumAlgorithm: VeleroChecksumAlgorithm.CRC32C });
    expect(find(synth(c), 'BackupStorageLocation', 'loc').spec.config).toEqual({
      region: 'us-east-1', s3Url: 'http://10.0.0.5:9000', s3ForcePathStyle: 'true', checksumAlgorithm: 'CRC32C',
    });
  });

  test('server credentials leave spec.credential out', () => {
    const c = chart();
    new VeleroBackupLocation(c, 'loc', { objectStore: minio(), bucket: 'velero', useServerCredentials: true, accessMode: VeleroAccessMode.READ_ONLY });
    const bsl = find(synth(c), 'BackupStorageLocation', 'loc');
    expect(bsl.spec.credential).toBeUndefined();
    expect(bsl.spec.accessMode).toBe('ReadOnly');
  });

  test('fromLocationName refers to an existing location', () => {
    const c = chart();
    const existing = VeleroBackupLocation.fromLocationName(c, 'Default', 'default');
    expect(existing).toEqual({ locationName: 'default', namespace: 'velero', accessMode: VeleroAccessMode.READ_WRITE });
    new VeleroSchedule(c, 'nightly', { schedule: Cron.schedule({ minute: '30', hour: '1' }), location: existing });
    expect(find(synth(c), 'Schedule', 'nightly').spec.template.storageLocation).toBe('default');
  });

  test('warns about plain http to an outside host and about skipped TLS verification', () => {
    const c = chart();
    const loc = new VeleroBackupLocation(c, 'loc', { s3Url: 'http://s3.example.com', bucket: 'velero', credential, config: { insecureSkipTLSVerify: 'true' } });
    expect(Warnings.collect(loc)).toEqual([
      '[WARNING] VeleroBackupLocation "test/loc": config.insecureSkipTLSVerify = "true": TLS certificates are not verified (man-in-the-middle risk); pass the CA certificate as caCertificate instead',
      '[WARNING] VeleroBackupLocation "test/loc": s3Url = "http://s3.example.com": plain http to a host outside the cluster: backup contents and request signatures cross the network unencrypted; use https',
    ]);
    const quiet = new VeleroBackupLocation(chart(), 'loc', { objectStore: minio(), bucket: 'velero', credential });
    expect(Warnings.collect(quiet)).toEqual([]);
  });

  describe('fails if', () => {
    const base = { bucket: 'velero', credential };
    test.each<[string, any, RegExp]>([
      ['the bucket has capitals', { bucket: 'Velero' }, /VeleroBackupLocation "test\/loc": bucket = "Velero": not a valid S3 bucket name: may only contain lowercase.*; use a name like "velero"/],
      ['the bucket is too short', { bucket: 'v' }, /bucket = "v": not a valid S3 bucket name: must be 3-63 characters long \(is 1\)/],
      ['the bucket looks like an IP', { bucket: '10.0.0.1' }, /must not look like an IP address/],
      ['the bucket has adjacent dots', { bucket: 'a..b' }, /two adjacent dots/],
      ['the bucket has a reserved suffix', { bucket: 'backups-s3alias' }, /reserved suffix "-s3alias"/],
      ['the prefix starts with a slash', { prefix: '/site-a' }, /prefix = "\/site-a": not a valid S3 key prefix: it must not start with "\/"; use a prefix like "site-a"/],
      ['the prefix has an empty segment', { prefix: 'a//b' }, /empty path segments/],
      ['the prefix has ..', { prefix: 'a/../b' }, /"\." or "\.\." segments/],
      ['the prefix has unsafe characters', { prefix: 'site a' }, /S3-safe characters ! - _ \. \* ' \( \); use a prefix like "site-a"/],
      ['both objectStore and s3Url are given', { objectStore: minio(), s3Url: 'http://x:9000' }, /s3Url = "http:\/\/x:9000": objectStore already gives the endpoint; pass either objectStore or s3Url, not both/],
      ['s3Url has a path', { s3Url: 'https://s3.example.com/velero' }, /s3Url = .*must be an http\(s\) URL with host and optional port, and no path or credentials/],
      ['s3Url embeds credentials', { s3Url: 'https://key:secret@s3.example.com' }, /s3Url = "https:\/\/\*\*\*@s3\.example\.com": must not carry credentials .*; remove them from the URL .* and give a Secret through credential/],
      ['the credential is missing', { credential: undefined }, /credential = "": a Secret reference \{ name, key \} in namespace "velero" holding an AWS-style credentials file is required; create it .* or set useServerCredentials: true/],
      ['the credential has no key', { credential: { name: 'x', key: '' } }, /credential = .*is required/],
      ['credential and useServerCredentials are both set', { useServerCredentials: true }, /useServerCredentials = true: conflicts with credential/],
      ['a CA certificate is used with Velero 1.17', { objectStore: new ExternalObjectStore({ s3Endpoint: 'https://s3.x', credentials: S3Credentials.fromSecretName('s'), caCertificate: { name: 'ca', key: 'ca.crt' } }), veleroVersion: VeleroVersion.of('1.17.2') }, /caCertificate = "ca\/ca.crt": Velero 1.17.2 has no caCertRef .*; upgrade Velero to 1.18, or install Velero with --cacert/],
      ['config has an unknown key', { config: { s3URL: 'x' } }, /config.s3URL = "x": the AWS plugin rejects unknown config keys .*; use one of serverSideEncryption, /],
      ['config repeats a derived key', { config: { region: 'x' } }, /config.region = "x": is set from the region prop; use the region prop instead/],
      ['customerKeyEncryptionSecret is not secretName/key', { config: { customerKeyEncryptionSecret: 'sse-key' } }, /config.customerKeyEncryptionSecret = "sse-key": must be "<Secret name>\/<key>"/],
      ['two SSE methods are configured', { config: { customerKeyEncryptionSecret: 'sse/key', kmsKeyId: 'alias/x' } }, /config.customerKeyEncryptionSecret = "sse\/key": the AWS plugin accepts only one of kmsKeyId, customerKeyEncryptionFile, customerKeyEncryptionSecret \(also set: kmsKeyId\)/],
      ['the name is not DNS-1123', { name: 'Site_A' }, /name = "Site_A": must be a DNS-1123 subdomain/],
      ['the namespace is not a DNS label', { namespace: 'velero.system' }, /namespace = "velero.system": must be a DNS-1123 label/],
      ['validationFrequency has fractions of a second', { validationFrequency: Duration.millis(1500) }, /validationFrequency = .*must be whole seconds/],
      ['the profile is not a profile name', { profile: 'a b' }, /profile = "a b": not a credentials-file profile name/],
    ])('%s', (_name, override, message) => {
      expect(() => new VeleroBackupLocation(chart(), 'loc', { ...base, ...override })).toThrow(message);
    });

    test('customerKeyEncryptionSecret (SSE-C key from a Secret in Velero\'s namespace) is accepted', () => {
      const c = chart();
      new VeleroBackupLocation(c, 'loc', { ...base, config: { customerKeyEncryptionSecret: 'velero-sse-c/key' } });
      expect(find(synth(c), 'BackupStorageLocation', 'loc').spec.config.customerKeyEncryptionSecret).toBe('velero-sse-c/key');
    });

    test('two locations in one namespace are default', () => {
      const c = chart();
      new VeleroBackupLocation(c, 'a', { bucket: 'velero-a', credential, isDefault: true });
      new VeleroBackupLocation(c, 'b', { bucket: 'velero-b', credential, isDefault: true });
      expect(() => Testing.synth(c)).toThrow(/VeleroBackupLocation "test\/a": isDefault = true: namespace "velero" already has a default location \(test\/b\); Velero needs exactly one; set isDefault on one location only/);
    });

    test('two default locations in different namespaces are fine', () => {
      const c = chart();
      new VeleroBackupLocation(c, 'a', { bucket: 'velero-a', credential, isDefault: true });
      new VeleroBackupLocation(c, 'b', { bucket: 'velero-b', credential, isDefault: true, namespace: 'velero-2' });
      expect(findAll(synth(c), 'BackupStorageLocation')).toHaveLength(2);
    });

    test('a restic repository lives inside the Velero prefix', () => {
      const c = chart();
      const store = minio();
      new VeleroBackupLocation(c, 'loc', { objectStore: store, bucket: 'backups', prefix: 'site-a', credential });
      new ResticBackup(c, 'restic', { source: BackupSource.fromClaimName('data'), repository: ResticRepository.s3(store, { bucket: 'backups', prefix: 'site-a/restic' }), password: { name: 'p', key: 'k' } });
      expect(() => Testing.synth(c)).toThrow(/VeleroBackupLocation "test\/loc": bucket\/prefix = "backups\/site-a": overlaps the restic repository of "test\/restic" \(backups\/site-a\/restic\); Velero marks a location Unavailable when its prefix holds folders it does not own; give each tool its own bucket or a non-nested prefix/);
    });

    test('an rclone archive writes to the whole Velero bucket', () => {
      const c = chart();
      const store = minio();
      new VeleroBackupLocation(c, 'loc', { objectStore: store, bucket: 'backups', prefix: 'velero', credential });
      new RcloneArchive(c, 'archive', { source: BackupSource.fromClaimName('data'), destination: RcloneRemote.s3(store, { bucket: 'backups' }) });
      expect(() => Testing.synth(c)).toThrow(/overlaps the rclone archive of "test\/archive" \(backups\/\)/);
    });

    test('two Velero locations share a prefix (reported once)', () => {
      const c = chart();
      new VeleroBackupLocation(c, 'a', { objectStore: minio(), bucket: 'backups', credential });
      new VeleroBackupLocation(c, 'b', { objectStore: minio(), bucket: 'backups', prefix: 'b', credential });
      expect(() => Testing.synth(c)).toThrow(/^Validation failed with the following errors:\n {2}\[test\/a\] VeleroBackupLocation "test\/a": bucket\/prefix = "backups\/": overlaps the Velero location of "test\/b" \(backups\/b\)[^\n]*$/);
    });
  });

  test('keyPolicy: the least the keys need, list under the prefix and get/put/delete objects under it; read-only locations only list and get', () => {
    const c = chart('site-a');
    const rw = new VeleroBackupLocation(c, 'rw', { objectStore: minio(), bucket: 'backups', prefix: 'velero/site-a', credential });
    const ro = new VeleroBackupLocation(c, 'ro', { s3Url: 'https://s3.example.com', bucket: 'other-site', accessMode: VeleroAccessMode.READ_ONLY, credential });
    synth(c);
    expect(JSON.parse(rw.keyPolicy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        // Bucket-level reads that cannot be limited to a prefix: the region, unfinished multipart uploads.
        { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], Resource: ['arn:aws:s3:::backups'] },
        { Effect: 'Allow', Action: ['s3:ListBucket', 's3:ListBucketVersions'], Resource: ['arn:aws:s3:::backups'], Condition: { StringLike: { 's3:prefix': ['velero/site-a/*'] } } },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          Resource: ['arn:aws:s3:::backups/velero/site-a/*'],
        },
      ],
    });
    // No prefix: the whole bucket is the location's; read-only: nothing that writes or deletes.
    expect(JSON.parse(ro.keyPolicy).Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: ['arn:aws:s3:::other-site'] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::other-site'] },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::other-site/*'] },
    ]);
  });

  test('sibling prefixes and other endpoints do not overlap', () => {
    const c = chart();
    const store = minio();
    new VeleroBackupLocation(c, 'loc', { objectStore: store, bucket: 'backups', prefix: 'velero/site-a', credential });
    new ResticBackup(c, 'restic', { source: BackupSource.fromClaimName('data'), repository: ResticRepository.s3(store, { bucket: 'backups', prefix: 'velero/site-ab' }), password: { name: 'p', key: 'k' } });
    new VeleroBackupLocation(c, 'cloud', { s3Url: 'https://s3.example.com', bucket: 'backups', prefix: 'velero/site-a', credential });
    expect(findAll(synth(c), 'BackupStorageLocation')).toHaveLength(2);
  });
});

describe('VeleroSchedule', () => {
  test('defaults: snapshot', () => {
    const c = chart();
    new VeleroSchedule(c, 'nightly', { schedule: Cron.schedule({ minute: '0', hour: '1' }) });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const s = find(manifests, 'Schedule', 'nightly');
    expect(s.metadata.namespace).toBe('velero');
    expect(s.spec).toEqual({ schedule: '0 1 * * *', template: { ttl: '720h0m0s' } });
  });

  test('timeZone prefixes the schedule with CRON_TZ= (IANA zones only)', () => {
    const c = chart();
    const daily = VeleroSchedule.daily(c, 'daily', { timeZone: 'Europe/Berlin' });
    new VeleroSchedule(c, 'plain', { schedule: Cron.schedule({ minute: '0', hour: '1' }), timeZone: 'UTC' });
    const m = synth(c);
    expect(find(m, 'Schedule', 'daily').spec.schedule).toBe('CRON_TZ=Europe/Berlin 0 2 * * *');
    expect(find(m, 'Schedule', 'plain').spec.schedule).toBe('CRON_TZ=UTC 0 1 * * *');
    expect(daily.maxInterval.toHours()).toBe(24);
    expect(() => VeleroSchedule.daily(chart(), 'x', { timeZone: 'Europe/Berlinn' })).toThrow(/timeZone = "Europe\/Berlinn": not an IANA time zone name/);
    expect(() => VeleroSchedule.daily(chart(), 'x', { timeZone: 'CET 0' })).toThrow(/timeZone = "CET 0": not an IANA time zone name/);
  });

  test('custom: snapshot', () => {
    const c = chart();
    const loc = new VeleroBackupLocation(c, 'site-a', { objectStore: minio(), bucket: 'velero', prefix: 'site-a', credential, namespace: 'backup-system' });
    const s = new VeleroSchedule(c, 'apps', {
      schedule: Cron.schedule({ minute: '15', hour: '*/6' }),
      ttl: Duration.days(7),
      location: loc,
      includedNamespaces: ['site-a', 'cams-*'],
      excludedNamespaces: ['kube-system'],
      includedResources: ['deployments', 'persistentvolumeclaims', 'configmaps'],
      excludedResources: ['events', 'events.events.k8s.io'],
      includeClusterResources: false,
      labelSelector: { 'backup.example.com/tier': 'gold' },
      defaultVolumesToFsBackup: true,
      snapshotVolumes: true,
      snapshotMoveData: true,
      skipImmediately: true,
      paused: true,
      useOwnerReferencesInBackup: true,
      backupLabels: { site: 'site-a' },
      csiSnapshotTimeout: Duration.minutes(20),
      itemOperationTimeout: Duration.hours(6),
    });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const schedule = find(manifests, 'Schedule', 'apps');
    expect(schedule.metadata.namespace).toBe('backup-system');
    expect(schedule.spec.template.storageLocation).toBe('site-a');
    expect(schedule.spec.template.ttl).toBe('168h0m0s');
    expect(schedule.spec.template.labelSelector).toEqual({ matchLabels: { 'backup.example.com/tier': 'gold' } });
    expect(schedule.spec.template.metadata).toEqual({ labels: { site: 'site-a' } });
    expect(schedule.spec.template.csiSnapshotTimeout).toBe('20m0s');
    expect(schedule.spec.template.itemOperationTimeout).toBe('6h0m0s');
    expect(s.maxInterval.toMinutes()).toBe(6 * 60);
    expect(s.uploader).toBe(VeleroUploader.KOPIA);
  });

  test('daily and weekly presets: 02:00 kept 30 days, Sunday 03:00 kept 90 days; their RPOs', () => {
    const c = chart();
    const daily = VeleroSchedule.daily(c, 'daily');
    const weekly = VeleroSchedule.weekly(c, 'weekly');
    const custom = VeleroSchedule.weekly(c, 'saturday', { weekDay: 6, hour: 22, minute: 30, ttl: Duration.days(180) });
    const manifests = synth(c);
    expect(find(manifests, 'Schedule', 'daily').spec).toEqual({ schedule: '0 2 * * *', template: { ttl: '720h0m0s' } });
    expect(find(manifests, 'Schedule', 'weekly').spec).toEqual({ schedule: '0 3 * * 0', template: { ttl: '2160h0m0s' } });
    expect(find(manifests, 'Schedule', 'saturday').spec).toEqual({ schedule: '30 22 * * 6', template: { ttl: '4320h0m0s' } });
    expect(daily.maxInterval.toHours()).toBe(24);
    expect(weekly.maxInterval.toHours()).toBe(168);
    expect(Warnings.collect(c)).toEqual([]);
    expect(custom.ttl.toDays()).toBe(180);
  });

  test('the restic uploader on Velero 1.16 is allowed with a deprecation warning', () => {
    const c = chart();
    const s = new VeleroSchedule(c, 'old', { schedule: Cron.daily(), uploader: VeleroUploader.RESTIC, veleroVersion: VeleroVersion.of('v1.16.2'), defaultVolumesToFsBackup: true });
    expect(Warnings.collect(s)).toEqual([
      '[WARNING] VeleroSchedule "test/old": uploader = "restic": the restic uploader is deprecated: Velero 1.17 stops backing up with it, so upgrades past 1.16.2 break these backups; switch the node-agent to kopia (--uploader-type=kopia) before upgrading',
    ]);
    expect(find(synth(c), 'Schedule', 'old').spec.template.defaultVolumesToFsBackup).toBe(true);
  });

  test('warns when backups expire before the next run, when long TTLs pile up dailies, and for every-minute schedules', () => {
    const c = chart();
    const short = new VeleroSchedule(c, 'short', { schedule: Cron.schedule({ minute: '0', hour: '2' }), ttl: Duration.hours(12) });
    const long = new VeleroSchedule(c, 'long', { schedule: Cron.schedule({ minute: '0', hour: '2' }), ttl: Duration.days(365) });
    const minutely = new VeleroSchedule(c, 'minutely', { schedule: Cron.schedule({ hour: '2' }), ttl: Duration.days(1) });
    expect(Warnings.collect(short)).toEqual([
      '[WARNING] VeleroSchedule "test/short": ttl = "12h0m0s": backups expire before the next one runs (up to 1d apart), so there are periods with no backup at all; use a TTL of at least 1d, better several intervals',
    ]);
    expect(Warnings.collect(long)).toEqual([
      '[WARNING] VeleroSchedule "test/long": ttl = "8760h0m0s": keeps more than 90 days of backups taken every 1d or more often: storage grows with every run and no monthly archive thins them; keep this schedule short (e.g. 30 days) and add a weekly or monthly VeleroSchedule with the long TTL',
    ]);
    expect(Warnings.collect(minutely)).toEqual([
      '[WARNING] VeleroSchedule "test/minutely": schedule = "* 2 * * *": the minute field is "*", so it runs every minute of each matching hour (Cron.schedule leaves unset fields as "*"); set the minute, e.g. Cron.schedule({ minute: "0", hour: "2" })',
    ]);
  });

  describe('fails if', () => {
    test.each<[string, string, RegExp]>([
      ['six fields', '0 0 2 * * *', /schedule = "0 0 2 \* \* \*": not a valid cron expression: has 6 field\(s\), needs 5: minute hour day-of-month month day-of-week; use five fields/],
      ['hour 24', '0 24 * * *', /not a valid cron expression: hour field: 24 is outside 0-23/],
      ['weekday 7', '0 2 * * 7', /day-of-week field: 7 is outside 0-6/],
      ['a zero step', '*/0 * * * *', /minute field: step "0" must be a positive number/],
      ['a backwards range', '0 5-2 * * *', /hour field: range "5-2" runs backwards/],
      ['a bad name', '0 2 * FOO *', /month field: "FOO" is not a number or a name/],
      ['an unknown descriptor', '@fortnightly', /unknown descriptor "@fortnightly"/],
      ['a time zone prefix', 'CRON_TZ=Europe/Berlin 0 2 * * *', /a time zone prefix is not allowed/],
      ['a date that never comes', '0 2 30 2 *', /schedule = "0 2 30 2 \*": never fires \(no date matches the day-of-month and month fields\)/],
    ])('the schedule has %s', (_name, expr, message) => {
      expect(() => new VeleroSchedule(chart(), 's', { schedule: { expressionString: expr } as Cron })).toThrow(message);
    });

    test('the TTL is zero', () => {
      expect(() => new VeleroSchedule(chart(), 's', { schedule: Cron.daily(), ttl: Duration.hours(0) })).toThrow(
        /^VeleroSchedule "test\/s": ttl = "0 hours": must be a positive number of whole seconds \(a backup with TTL 0 is deleted as soon as it completes\); use e.g. Duration.days\(30\)$/,
      );
    });

    test('the TTL has fractions of a second', () => {
      expect(() => new VeleroSchedule(chart(), 's', { schedule: Cron.daily(), ttl: Duration.millis(1500) })).toThrow(/ttl = .*must be a positive number of whole seconds/);
    });

    test.each(['1.17', '1.18.1', '1.19.0'])('the restic uploader is requested on Velero %s', (version) => {
      expect(() => new VeleroSchedule(chart(), 's', { schedule: Cron.daily(), uploader: VeleroUploader.RESTIC, veleroVersion: VeleroVersion.of(version) })).toThrow(
        new RegExp(`uploader = "restic": Velero ${version.replace(/\./g, '\\.')}(\\.0)? refuses file-system backups with the restic uploader \\(removed for backups in 1\\.17; 1\\.19 drops restic entirely, including restores\\); use VeleroUploader\\.KOPIA`),
      );
    });

    test('the default Velero version refuses the restic uploader', () => {
      expect(() => new VeleroSchedule(chart(), 's', { schedule: Cron.daily(), uploader: VeleroUploader.RESTIC })).toThrow(/Velero 1\.18\.1 refuses/);
    });

    test('a namespace is both included and excluded', () => {
      expect(() => new VeleroSchedule(chart(), 's', { schedule: Cron.daily(), includedNamespaces: ['a', 'b'], excludedNamespaces: ['b'] })).toThrow(/excludedNamespaces = \["b"\]: namespaces are both included and excluded/);
    });

    test('a namespace is not a name or pattern', () => {
      expect(() => new VeleroSchedule(chart(), 's', { schedule: Cron.daily(), includedNamespaces: ['Site A'] })).toThrow(/includedNamespaces = "Site A": not a namespace\/resource name or glob pattern/);
    });

    test('the location is read-only', () => {
      const c = chart();
      const loc = new VeleroBackupLocation(c, 'ro', { bucket: 'velero', credential, accessMode: VeleroAccessMode.READ_ONLY });
      expect(() => new VeleroSchedule(c, 's', { schedule: Cron.daily(), location: loc })).toThrow(/location = "ro": the location is ReadOnly, so Velero fails every backup of this schedule; use a ReadWrite location/);
    });

    test('the schedule is in another namespace than its location', () => {
      const c = chart();
      const loc = new VeleroBackupLocation(c, 'loc', { bucket: 'velero', credential });
      expect(() => new VeleroSchedule(c, 's', { schedule: Cron.daily(), location: loc, namespace: 'other' })).toThrow(/namespace = "other": the location "loc" is in namespace "velero"; Velero only sees locations in its own namespace; create the schedule in "velero"/);
    });

    test('snapshot data is moved without snapshots', () => {
      expect(() => new VeleroSchedule(chart(), 's', { schedule: Cron.daily(), snapshotMoveData: true, snapshotVolumes: false })).toThrow(/snapshotMoveData = true: moves snapshot data, but snapshotVolumes is false/);
    });

    test('a timeout is zero', () => {
      expect(() => new VeleroSchedule(chart(), 's', { schedule: Cron.daily(), csiSnapshotTimeout: Duration.seconds(0) })).toThrow(/csiSnapshotTimeout = .*must be at least one second/);
    });

    test('the name is not a DNS label', () => {
      expect(() => new VeleroSchedule(chart(), 'Nightly', { schedule: Cron.daily() })).toThrow(/name = "Nightly": must be a DNS-1123 label/);
    });

    test.each<[string, () => void, RegExp]>([
      ['daily hour 24', () => VeleroSchedule.daily(chart(), 'd', { hour: 24 }), /VeleroSchedule "test\/d": hour = 24: must be 0–23/],
      ['daily minute 60', () => VeleroSchedule.daily(chart(), 'd', { minute: 60 }), /minute = 60: must be 0–59/],
      ['weekly weekDay 7', () => VeleroSchedule.weekly(chart(), 'w', { weekDay: 7 }), /weekDay = 7: must be 0 \(Sunday\) to 6 \(Saturday\)/],
    ])('the preset gets %s', (_name, make, message) => {
      expect(make).toThrow(message);
    });
  });
});

describe('VeleroVersion', () => {
  test('parses and compares', () => {
    expect(VeleroVersion.of('v1.17.2').version).toBe('1.17.2');
    expect(VeleroVersion.of('1.19').version).toBe('1.19.0');
    expect(VeleroVersion.V1_18_1.isAtLeast(1, 18)).toBe(true);
    expect(VeleroVersion.V1_18_1.isAtLeast(1, 19)).toBe(false);
    expect(VeleroVersion.of('2.0.0').isAtLeast(1, 19)).toBe(true);
    expect(() => VeleroVersion.of('latest')).toThrow(/VeleroVersion: version = "latest": not a Velero version; use e.g. "1.18.1"/);
  });
});
