import { Chart, Cron, Duration, Size, Testing } from 'cdk8s';
import { Cpu, PersistentVolumeClaim } from 'cdk8s-plus-30';
import { containerOf, plainEnvOf, scriptOf, secretEnvOf } from './support';
import {
  Bandwidth, BackupSource, ContainerImage, ExternalObjectStore, ObjectStoreFlavor, RcloneArchive, RcloneRemote, ResticBackup,
  RequiredSecrets, ResticBackupProps, ResticRepository, Warnings, S3Credentials,
} from '../../src';
import { ResticScript } from '../../src/backup/restic/script';
import { chart, find, synth } from '../support/harness';

// Warnings are asserted with Warnings.collect; keep the console quiet.
beforeAll(() => {
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
});
afterAll(() => {
  delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
});

const password = { name: 'restic-password', key: 'password' };
const minio = () => new ExternalObjectStore({
  s3Endpoint: 'http://minio.storage.svc.cluster.local:9000',
  credentials: S3Credentials.fromSecretName('minio-keys'),
  flavor: ObjectStoreFlavor.MINIO,
});

function base(overrides: Partial<ResticBackupProps> = {}): ResticBackupProps {
  return {
    source: BackupSource.fromClaimName('media'),
    repository: ResticRepository.s3(minio(), { bucket: 'backups', prefix: 'restic/site-a' }),
    password,
    ...overrides,
  };
}

describe('ResticBackup', () => {
  test('defaults: snapshot and the pod shape', () => {
    const c = chart('site-a');
    const backup = new ResticBackup(c, 'media-backup', base());
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const cj = find(manifests, 'CronJob', 'media-backup');
    expect(cj.spec.schedule).toBe('0 1 * * *');
    expect(cj.spec.concurrencyPolicy).toBe('Forbid');
    expect(cj.spec.successfulJobsHistoryLimit).toBe(3);
    expect(cj.spec.failedJobsHistoryLimit).toBe(3);
    expect(cj.spec.startingDeadlineSeconds).toBe(3600);
    expect(cj.spec.jobTemplate.spec.backoffLimit).toBe(2);
    expect(cj.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(12 * 3600);
    // Exit 3 (unreadable source files) has already saved the snapshot and run retention: no retry.
    expect(cj.spec.jobTemplate.spec.podFailurePolicy).toEqual({
      rules: [{ action: 'FailJob', onExitCodes: { containerName: containerOf(cj).name, operator: 'In', values: [3] } }],
    });
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    // The image runs as root by default: the pod sets the ids explicitly. No fsGroup: the job must not re-own the
    // other workload's volume (and the kubelet skips ownership changes on a read-only claim anyway).
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    const container = containerOf(cj);
    expect(container.image).toBe(ContainerImage.RESTIC.reference);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
    expect(container.volumeMounts).toEqual([
      { name: 'data', mountPath: '/data', readOnly: true },
      { name: 'cache', mountPath: '/cache' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'media', readOnly: true } },
      { name: 'cache', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
    ]);
    expect(plainEnvOf(cj)).toEqual({
      RESTIC_REPOSITORY: 's3:http://minio.storage.svc.cluster.local:9000/backups/restic/site-a',
      RESTIC_CACHE_DIR: '/cache',
      BACKUP_SOURCE: '/data',
      BACKUP_HOST: 'media-backup',
      BACKUP_TAGS: 'media-backup',
      HOME: '/tmp',
      TMPDIR: '/tmp',
      XDG_CACHE_HOME: '/cache',
    });
    // Secrets by reference only.
    expect(secretEnvOf(cj)).toEqual({
      AWS_ACCESS_KEY_ID: { name: 'minio-keys', key: 'AWS_ACCESS_KEY_ID' },
      AWS_SECRET_ACCESS_KEY: { name: 'minio-keys', key: 'AWS_SECRET_ACCESS_KEY' },
      RESTIC_PASSWORD: password,
    });
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    // The manifest runs exactly the rendered script.
    expect(scriptOf(cj)).toBe(backup.script);
    expect(backup.script).toBe(ResticScript.render({ extendedOptions: { 's3.region': 'us-east-1', 's3.bucket-lookup': 'path' } }));
    expect(backup.script).toContain('run_restic forget --host "$BACKUP_HOST" --tag "$BACKUP_TAGS" --group-by host,tags --keep-daily 30 --prune');
    expect(backup.maxInterval.toHours()).toBe(24);
  });

  test('a plain chart with a ResticBackup lists the S3 keys Secret the job reads (RequiredSecrets)', () => {
    const c = new Chart(Testing.app(), 'plain', { namespace: 'media' });
    const store = minio();
    const backup = new ResticBackup(c, 'media-backup', base({ repository: ResticRepository.s3(store, { bucket: 'backups', prefix: 'restic/site-a' }) }));
    const env = secretEnvOf(find(synth(c), 'CronJob', backup.name));
    const listed = RequiredSecrets.of(c).find((s) => s.name === store.credentials.secretName)!;
    expect(listed).toEqual({
      name: 'minio-keys',
      namespace: 'media',
      keys: store.credentials.keys,
      purpose: 'S3 keys of restic backup media-backup (repository backups/restic/site-a on http://minio.storage.svc.cluster.local:9000)',
    });
    // Every key the job's env reads from that Secret is listed.
    const read = Object.values(env).filter((r: any) => r.name === listed.name).map((r: any) => r.key);
    expect(read.sort()).toEqual([...listed.keys].sort());
  });

  test('custom: snapshot', () => {
    const c = chart('site-a');
    const pvc = new PersistentVolumeClaim(c, 'recordings', { storage: Size.gibibytes(100) });
    const store = new ExternalObjectStore({
      s3Endpoint: 'https://s3.eu-central-1.amazonaws.com',
      credentials: S3Credentials.fromSecretName('aws-keys', { accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' }),
      flavor: ObjectStoreFlavor.AWS_S3,
      region: 'eu-central-1',
      caCertificate: { name: 'corp-ca', key: 'ca.pem' },
    });
    new ResticBackup(c, 'recordings-backup', {
      source: BackupSource.fromClaim(pvc, { path: '/cam-01/' }),
      repository: ResticRepository.s3(store, { bucket: 'edge-backups', prefix: 'restic/' }),
      password,
      host: 'site-a',
      tags: ['recordings', 'cam-01'],
      retention: { keepLast: 3, keepHourly: 24, keepDaily: 7, keepWeekly: 4, keepMonthly: 12, keepYearly: 2, keepWithin: Duration.hours(36) },
      prune: true,
      check: true,
      checkReadDataPercent: 2.5,
      excludes: ['*.tmp', 'lost+found', "it's odd"],
      oneFileSystem: true,
      uploadBandwidthLimit: Bandwidth.mebibytesPerSecond(8),
      schedule: Cron.schedule({ minute: '15', hour: '*/4' }),
      timeZone: 'Europe/Berlin',
      suspend: true,
      image: ContainerImage.of('registry.site-a.local/restic/restic', '0.18.1'),
      resources: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.mebibytes(512), limit: Size.gibibytes(2) } },
      fsGroup: 2000,
      runAsUser: 1001,
      backoffLimit: 0,
      timeout: Duration.hours(3),
      startingDeadline: Duration.minutes(30),
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
      colocateWithPodLabels: { 'app.kubernetes.io/name': 'nvr' },
    });
    const manifests = synth(c);
    expect(manifests).toMatchSnapshot();
    const cj = find(manifests, 'CronJob', 'recordings-backup');
    expect(cj.spec.timeZone).toBe('Europe/Berlin');
    expect(cj.spec.suspend).toBe(true);
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 2000, fsGroup: 2000 });
    expect(pod.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'nvr' } }, topologyKey: 'kubernetes.io/hostname' },
    ]);
    expect(pod.volumes).toContainEqual({ name: 'ca', secret: { secretName: 'corp-ca', items: [{ key: 'ca.pem', path: 'ca.crt' }] } });
    expect(plainEnvOf(cj)).toMatchObject({
      RESTIC_REPOSITORY: 's3:https://s3.eu-central-1.amazonaws.com/edge-backups/restic',
      BACKUP_SOURCE: '/data/cam-01',
      BACKUP_HOST: 'site-a',
      BACKUP_TAGS: 'recordings,cam-01',
    });
    expect(secretEnvOf(cj).AWS_ACCESS_KEY_ID).toEqual({ name: 'aws-keys', key: 'id' });
    const script = scriptOf(cj);
    expect(script).toContain('run_restic() { restic --retry-lock 3600s -o s3.region=eu-central-1 --cacert /etc/restic/ca/ca.crt --limit-upload 8192 "$@"; }');
    expect(script).toContain('--one-file-system --exclude \'*.tmp\' --exclude lost+found --exclude \'it\'\\\'\'s odd\' "$BACKUP_SOURCE"');
    expect(script).toContain('--keep-last 3 --keep-hourly 24 --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --keep-yearly 2 --keep-within 36h --prune');
    expect(script).toContain('run_restic check --read-data-subset=2.5%');
  });

  test('the source claim is read-only on the volume itself; fsGroup only when given or for a repository claim of its own', () => {
    const c = chart();
    new ResticBackup(c, 'plain', base());
    new ResticBackup(c, 'owner', base({ fsGroup: 1000 }));
    new ResticBackup(c, 'disk', base({ repository: ResticRepository.fromClaimName('usb-disk') }));
    const manifests = synth(c);
    const podOf = (name: string) => find(manifests, 'CronJob', name).spec.jobTemplate.spec.template.spec;
    for (const name of ['plain', 'owner', 'disk']) {
      // persistentVolumeClaim.readOnly (not only the mount) is what makes the kubelet skip fsGroup ownership changes.
      expect(podOf(name).volumes.find((v: any) => v.name === 'data')).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'media', readOnly: true } });
    }
    expect(podOf('plain').securityContext.fsGroup).toBeUndefined();
    expect(podOf('plain').securityContext.fsGroupChangePolicy).toBeUndefined();
    expect(podOf('owner').securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch' });
    // The repository claim is the job's own and written to: it keeps an fsGroup, changed only on a root mismatch.
    expect(podOf('disk').volumes.find((v: any) => v.name === 'repository')).toEqual({ name: 'repository', persistentVolumeClaim: { claimName: 'usb-disk' } });
    expect(podOf('disk').securityContext).toMatchObject({ runAsUser: 65532, fsGroup: 65532, fsGroupChangePolicy: 'OnRootMismatch' });
  });

  test('REST, claim and Secret repositories', () => {
    const c = chart();
    new ResticBackup(c, 'rest', base({ repository: ResticRepository.rest('https://backup.example.com:8000/site-a/', { credentials: { username: { name: 'rest-auth', key: 'username' }, password: { name: 'rest-auth', key: 'password' } }, caCertificate: { name: 'rest-ca', key: 'ca.crt' } }) }));
    new ResticBackup(c, 'disk', base({ repository: ResticRepository.fromClaimName('usb-disk') }));
    new ResticBackup(c, 'secret', base({ repository: ResticRepository.fromSecret({ name: 'restic-repo', key: 'url' }), check: false, prune: false }));
    const manifests = synth(c);
    const rest = find(manifests, 'CronJob', 'rest');
    expect(plainEnvOf(rest).RESTIC_REPOSITORY).toBe('rest:https://backup.example.com:8000/site-a/');
    expect(secretEnvOf(rest)).toMatchObject({ RESTIC_REST_USERNAME: { name: 'rest-auth', key: 'username' }, RESTIC_REST_PASSWORD: { name: 'rest-auth', key: 'password' } });
    expect(scriptOf(rest)).toContain('run_restic() { restic --retry-lock 3600s --cacert /etc/restic/ca/ca.crt "$@"; }');
    const disk = find(manifests, 'CronJob', 'disk');
    expect(plainEnvOf(disk).RESTIC_REPOSITORY).toBe('/repository/restic');
    expect(containerOf(disk).volumeMounts).toContainEqual({ name: 'repository', mountPath: '/repository' });
    const secret = find(manifests, 'CronJob', 'secret');
    expect(secretEnvOf(secret).RESTIC_REPOSITORY).toEqual({ name: 'restic-repo', key: 'url' });
    expect(scriptOf(secret)).not.toContain('run_restic check');
    expect(scriptOf(secret)).not.toContain('--prune');
  });

  test('warns about long keep windows without a monthly archive', () => {
    const w = new ResticBackup(chart(), 'b', base({ retention: { keepWithin: Duration.days(120) } }));
    expect(Warnings.collect(w)).toEqual([
      '[WARNING] ResticBackup "test/b": retention.keepWithin = "120 days": keeps every snapshot of more than 90 days (counted from the newest snapshot) and no monthly archive; keep a short window and add keepMonthly (e.g. keepWithin 30 days + keepMonthly 12)',
    ]);
    const d = new ResticBackup(chart(), 'b', base({ retention: { keepDaily: 180 } }));
    expect(Warnings.collect(d)).toEqual([
      '[WARNING] ResticBackup "test/b": retention.keepDaily = 180: keeps more than 90 daily snapshots and no monthly archive; use fewer dailies plus keepMonthly (e.g. keepDaily 30 + keepMonthly 12)',
    ]);
    expect(Warnings.collect(new ResticBackup(chart(), 'b', base({ retention: { keepWithin: Duration.days(120), keepMonthly: 12 } })))).toEqual([]);
  });

  test('warns about REST over plain http to an outside host', () => {
    const b = new ResticBackup(chart(), 'b', base({ repository: ResticRepository.rest('http://backup.example.com:8000/') }));
    expect(Warnings.collect(b)).toEqual([
      '[WARNING] ResticBackup "test/b": repository.url = "http://backup.example.com:8000/": plain http to a host outside the cluster exposes the REST credentials (the data itself is encrypted by restic); use https',
    ]);
  });

  describe('fails if', () => {
    test.each<[string, Partial<ResticBackupProps>, RegExp]>([
      ['the password reference is missing', { password: undefined as any }, /^ResticBackup "test\/b": password = "undefined": is required; set password/],
      ['the password key is empty', { password: { name: 'x', key: '' } }, /password = \{"name":"x","key":""\}: a Secret reference/],
      ['retryLock is not whole seconds', { retryLock: Duration.millis(1500) }, /retryLock = "1 second 500 millis": must be zero or a whole number of seconds; use e.g. Duration.minutes\(30\)/],
      ['a retention count is negative', { retention: { keepDaily: -1 } }, /retention.keepDaily = -1: must be a whole number ≥ 0; use e.g. keepDaily: 7/],
      ['a retention count is fractional', { retention: { keepLast: 1.5 } }, /retention.keepLast = 1.5: must be a whole number ≥ 0/],
      ['every retention rule is zero', { retention: { keepDaily: 0, keepWeekly: 0 } }, /retention = "keepDaily=0 keepWeekly=0": keeps no snapshot: every keep rule is zero or unset; set at least one rule/],
      ['the retention is empty', { retention: {} }, /retention = "\(none\)": keeps no snapshot/],
      ['keepWithin is under an hour', { retention: { keepWithin: Duration.minutes(30) } }, /retention.keepWithin = "30 minutes": must be at least one hour/],
      ['the bucket is invalid', { repository: ResticRepository.s3(minio(), { bucket: 'My_Bucket' }) }, /repository.bucket = "My_Bucket": not a valid S3 bucket name/],
      ['the prefix is invalid', { repository: ResticRepository.s3(minio(), { bucket: 'backups', prefix: '/restic' }) }, /repository.prefix = "\/restic": not a valid S3 key prefix/],
      // A hand-made IObjectStore (plain JavaScript) without credentials.
      ['the store has no credentials', { repository: ResticRepository.s3({ ...minio(), credentials: undefined as any }, { bucket: 'backups' }) }, /repository.store.credentials = "undefined": S3 access keys for restic come only from a Secret, as an S3Credentials; pass S3Credentials.fromSecretName/],
      ['the REST URL embeds credentials', { repository: ResticRepository.rest('https://u:p@b.example.com/') }, /repository.url = "https:\/\/\*\*\*@b.example.com\/": must not embed credentials/],
      ['the REST URL is not http(s)', { repository: ResticRepository.rest('sftp://b.example.com/') }, /repository.url = "sftp:\/\/b.example.com\/": must be an http\(s\) URL/],
      ['the REST user name has no Secret', { repository: ResticRepository.rest('https://b.example.com/', { credentials: { username: { name: '', key: 'username' }, password: { name: 'rest-auth', key: 'password' } } }) }, /repository.credentials.username = "\/username": the REST server's username is read from a Secret key: both name and key are required; pass e.g. \{ name: 'rest-auth', key: 'username' \}/],
      ['the REST password key is invalid', { repository: ResticRepository.rest('https://b.example.com/', { credentials: { username: { name: 'rest-auth', key: 'username' }, password: { name: 'rest-auth', key: 'pass word' } } }) }, /repository.credentials.password.key = "pass word": not a valid Secret key/],
      ['the repository is on the backed-up claim', { repository: ResticRepository.fromClaimName('media') }, /repository = "media": the repository is on the claim being backed up/],
      ['the repository path leaves the claim', { repository: ResticRepository.fromClaimName('disk', { path: '../x' }) }, /repository.path = "..\/x": must be a directory inside the claim/],
      ['the repository Secret reference is empty', { repository: ResticRepository.fromSecret({ name: '', key: 'url' }) }, /repository = .*holding the repository location is required/],
      ['the host has spaces', { host: 'site a' }, /host = "site a": must be letters, digits/],
      ['a tag has a comma', { tags: ['a,b'] }, /tags = \["a,b"\]: needs at least one tag .*restic splits tags on commas/],
      ['there are no tags', { tags: [] }, /tags = \[\]: needs at least one tag/],
      ['checkReadDataPercent is 0', { checkReadDataPercent: 0 }, /checkReadDataPercent = 0: must be more than 0 and at most 100/],
      ['checkReadDataPercent is over 100', { checkReadDataPercent: 150 }, /checkReadDataPercent = 150/],
      ['uploadBandwidthLimit is under 1 KiB/s', { uploadBandwidthLimit: Bandwidth.kibibytesPerSecond(0.999) }, /uploadBandwidthLimit = "0.999 KiB\/s": must be at least 1 KiB\/s/],
      ['the cron is invalid', { schedule: Cron.schedule({ minute: '61' }) }, /schedule = "61 \* \* \* \*": not a valid cron expression: minute field: 61 is outside 0-59/],
      ['the time zone is not IANA', { timeZone: 'CET+1' }, /timeZone = "CET\+1": not an IANA time zone name/],
      ['the time zone is not in the IANA list', { timeZone: 'Europe/Berlinn' }, /timeZone = "Europe\/Berlinn": not an IANA time zone name/],
      ['fsGroup is root', { fsGroup: 0 }, /fsGroup = 0: must be a positive whole number \(Pod Security "restricted" forbids root, and the image default is root\)/],
      ['runAsUser is negative', { runAsUser: -5 }, /runAsUser = -5: must be a positive whole number/],
      ['backoffLimit is negative', { backoffLimit: -1 }, /backoffLimit = -1: must be a whole number ≥ 0/],
      ['the history limit is fractional', { successfulJobsHistoryLimit: 1.5 }, /successfulJobsHistoryLimit = 1.5: must be a whole number ≥ 0/],
      ['the timeout is zero', { timeout: Duration.seconds(0) }, /timeout = "0 seconds": must be at least one second/],
      ['the name is too long for a CronJob', { name: 'a'.repeat(53) }, /name = "a{53}": must be a DNS-1123 label: 1–52 characters/],
    ])('%s', (_name, override, message) => {
      expect(() => new ResticBackup(chart(), 'b', base(override))).toThrow(message);
    });

    test('a restic repository overlaps an rclone archive prefix', () => {
      const c = chart();
      const store = minio();
      new ResticBackup(c, 'restic', base({ repository: ResticRepository.s3(store, { bucket: 'backups', prefix: 'archive/restic' }) }));
      new RcloneArchive(c, 'archive', { source: BackupSource.fromClaimName('media'), destination: RcloneRemote.s3(store, { bucket: 'backups', prefix: 'archive' }) });
      expect(() => Testing.synth(c)).toThrow(/RcloneArchive "test\/archive": destination = "backups\/archive": overlaps the restic repository of "test\/restic" \(backups\/archive\/restic\)/);
    });
  });

  test('several sites may share one repository', () => {
    const c = chart();
    const store = minio();
    new ResticBackup(c, 'site-a', base({ host: 'site-a', repository: ResticRepository.s3(store, { bucket: 'backups', prefix: 'restic' }) }));
    new ResticBackup(c, 'site-b', base({ host: 'site-b', repository: ResticRepository.s3(store, { bucket: 'backups', prefix: 'restic' }) }));
    expect(synth(c).filter((m) => m.kind === 'CronJob').map((m) => plainEnvOf(m).BACKUP_HOST)).toEqual(['site-a', 'site-b']);
  });
});

describe('ResticScript', () => {
  test('render validates on its own', () => {
    expect(() => ResticScript.render({ retention: {} })).toThrow(/^ResticScript: retention = "\(none\)": keeps no snapshot/);
    expect(() => ResticScript.render({ checkReadDataPercent: 101 })).toThrow(/^ResticScript: checkReadDataPercent = 101: must be more than 0 and at most 100/);
  });
  test('every restic command waits for other clients\' locks (--retry-lock), one hour by default; zero turns it off', () => {
    const line = (script: string) => script.split('\n').find((l) => l.startsWith('run_restic() {'));
    expect(line(ResticScript.render())).toBe(`run_restic() { restic --retry-lock ${ResticScript.DEFAULT_RETRY_LOCK.toSeconds()}s "$@"; }`);
    expect(ResticScript.DEFAULT_RETRY_LOCK.toHours()).toBe(1);
    expect(line(ResticScript.render({ retryLock: Duration.minutes(10) }))).toBe('run_restic() { restic --retry-lock 600s "$@"; }');
    expect(line(ResticScript.render({ retryLock: Duration.seconds(0) }))).toBe('run_restic() { restic "$@"; }');
  });
  test('retention flags', () => {
    expect(ResticScript.retentionFlags({ keepLast: 0, keepDaily: 7, keepWithin: Duration.days(30) })).toEqual(['--keep-daily', '7', '--keep-within', '30d']);
    expect(ResticScript.retentionFlags({ keepWithin: Duration.hours(36) })).toEqual(['--keep-within', '36h']);
  });
});

describe('ResticBackup NetworkPolicy', () => {
  test('no ingress; egress to DNS and the repository store only (its pods, or its port on the given blocks); opt-out', () => {
    const c = chart('site-a');
    new ResticBackup(c, 'in-cluster', base({
      repository: ResticRepository.s3(new ExternalObjectStore({
        s3Endpoint: 'http://store.site-a.svc:9000', credentials: S3Credentials.fromSecretName('k'), networkPeer: { namespace: 'site-a', podLabels: { app: 'store' }, ports: [9000] },
      }), { bucket: 'backups' }),
    }));
    new ResticBackup(c, 'wan', base({ egressCidrs: ['198.51.100.0/24'] }));
    new ResticBackup(c, 'none', base({ networkPolicy: false }));
    const m = synth(c);
    const inCluster = find(m, 'NetworkPolicy', 'in-cluster').spec;
    expect(inCluster.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'restic', 'app.kubernetes.io/instance': 'in-cluster' });
    expect(find(m, 'CronJob', 'in-cluster').spec.jobTemplate.spec.template.metadata.labels).toMatchObject(inCluster.podSelector.matchLabels);
    expect(inCluster.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(inCluster.ingress).toEqual([]);
    // DNS only to the cluster DNS pods in kube-system (not to any pod labelled kube-dns in any namespace).
    expect(inCluster.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
    expect(inCluster.egress.slice(1)).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'site-a' } }, podSelector: { matchLabels: { app: 'store' } } }], ports: [{ port: 9000, protocol: 'TCP' }] }]);
    expect(find(m, 'NetworkPolicy', 'wan').spec.egress.slice(1)).toEqual([{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: 9000, protocol: 'TCP' }] }]);
    expect(m.filter((x) => x.kind === 'NetworkPolicy').map((x) => x.metadata.name)).not.toContain('none');
  });
});

describe('ResticBackup of a dump (BackupSource.fromDump)', () => {
  const dump = () => BackupSource.fromDump({
    image: ContainerImage.of('docker.io/library/influxdb', '2.7.12-alpine'),
    script: 'set -eu\ninflux backup --compression none "$DUMP_DIR"\n',
    env: { INFLUX_HOST: 'http://influxdb.site-a.svc:8086' },
    secretEnv: { INFLUX_TOKEN: { name: 'influx-admin', key: 'token' } },
    sizeLimit: Size.gibibytes(20),
  });

  test('an init container writes the dump into an emptyDir that restic then backs up read-only', () => {
    const c = chart('site-a');
    new ResticBackup(c, 'influx-backup', base({ source: dump() }));
    const cj = find(synth(c), 'CronJob', 'influx-backup');
    const pod = cj.spec.jobTemplate.spec.template.spec;
    const data = pod.volumes.find((v: any) => v.name === 'data');
    expect(data).toEqual({ name: 'data', emptyDir: { sizeLimit: '20Gi' } });
    expect(JSON.stringify(pod.volumes)).not.toContain('persistentVolumeClaim');
    expect(pod.initContainers).toHaveLength(1);
    const init = pod.initContainers[0];
    expect(init.image).toBe('docker.io/library/influxdb:2.7.12-alpine');
    expect(init.command).toEqual(['/bin/sh', '-c']);
    expect(init.args).toEqual(['set -eu\ninflux backup --compression none "$DUMP_DIR"\n']);
    expect(init.env).toEqual(expect.arrayContaining([
      { name: 'DUMP_DIR', value: '/data' },
      { name: 'INFLUX_HOST', value: 'http://influxdb.site-a.svc:8086' },
      { name: 'INFLUX_TOKEN', valueFrom: { secretKeyRef: { name: 'influx-admin', key: 'token' } } },
    ]));
    expect(init.volumeMounts).toEqual(expect.arrayContaining([{ name: 'data', mountPath: '/data' }]));
    expect(init.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(init.resources.requests.memory).toBeDefined();
    // restic reads what the dump wrote.
    expect(plainEnvOf(cj).BACKUP_SOURCE).toBe('/data');
    expect(containerOf(cj).volumeMounts).toEqual(expect.arrayContaining([{ name: 'data', mountPath: '/data', readOnly: true }]));
  });

  test('fails if the dump has no script or a non-positive size limit, and RcloneArchive refuses a dump', () => {
    expect(() => BackupSource.fromDump({ image: ContainerImage.RESTIC, script: ' ', sizeLimit: Size.gibibytes(1) })).toThrow(/script.*empty/);
    expect(() => BackupSource.fromDump({ image: ContainerImage.RESTIC, script: 'true', sizeLimit: Size.mebibytes(0) })).toThrow(/sizeLimit/);
    expect(() => new RcloneArchive(chart('site-a'), 'a', { source: dump(), destination: RcloneRemote.s3(minio(), { bucket: 'b' }) })).toThrow(/source.*dump.*ResticBackup/);
  });
});
