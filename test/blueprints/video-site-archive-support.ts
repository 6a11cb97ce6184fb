// Fixtures of video-site-archive.real.test.ts (not a test file): the README's example VideoSurveillanceSite with its
// cloud archive store pointed at a loopback "cloud" MinIO, that cloud MinIO (a small MinioCluster synthesized here and
// run by MinioTestCluster), the Secret values an operator would create, and small clients (mc, the image-like bin).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Size, Testing } from 'cdk8s';
import { siteProps } from '../../examples/video-surveillance/main';
import {
  ExternalObjectStore, MinioCluster, ObjectStoreFlavor, VideoBackupOptions, VideoSurveillanceSite, VideoSurveillanceSiteProps,
  S3Credentials,
} from '../../src';
import { chart, synth } from '../support/harness';
import { MinioTestCluster, s3KeysOf, s3SecretValues, SecretValues } from '../support/minio';
import { requireTools } from '../support/tools';

/** Secret names the site references that neither the library nor the test's props choose. */
export const CLOUD_KEYS = 'cloud-archive-keys';
/** The cloud archive store's keys (the site's archive and restic jobs read them). */
export const CLOUD_CREDENTIALS = S3Credentials.fromSecretName(CLOUD_KEYS);
export const RESTIC_PASSWORD = { name: 'restic-password', key: 'password' };

/**
 * The "cloud" object store: one MinIO server with 4 drives (no server-loss tolerance needed for a fixture), the
 * example's archive bucket and a bucket of another tenant. The keys the operator creates on it (the archive job's and
 * restic's `cloud-archive-keys`, Velero's) are added by each test with the policy the site report prints
 * ({@link operatorCreatesKeys}).
 */
/** The root keys of the test's cloud MinIO. */
export const CLOUD_ROOT = S3Credentials.fromSecretName('cloud-root');

export function cloudManifests(archiveBucket: string, otherBucket: string): any[] {
  const c = chart('cloud');
  const store = new MinioCluster(c, 'cloud', {
    driveSize: Size.gibibytes(10), rootCredentials: CLOUD_ROOT, servers: 1, drivesPerServer: 4, tolerateServerLoss: false,
  });
  store.addBucket('Archive', { name: archiveBucket });
  store.addBucket('Other', { name: otherBucket });
  return synth(c);
}

/** The example's props with the cloud archive at `cloudUrl` (path style; the example's AWS endpoint is not loopback). */
export function exampleProps(cloudUrl: string, backup: Partial<VideoBackupOptions> = {}): VideoSurveillanceSiteProps {
  const archive = new ExternalObjectStore({
    s3Endpoint: cloudUrl, flavor: ObjectStoreFlavor.MINIO, forcePathStyle: true, credentials: CLOUD_CREDENTIALS,
  });
  const props = siteProps(archive);
  return { ...props, backup: { ...props.backup, ...backup } };
}

/** The README's example site (optionally with other backup options), synthesized. */
export function exampleSite(cloudUrl: string, backup: Partial<VideoBackupOptions> = {}): { site: VideoSurveillanceSite; manifests: any[] } {
  const app = Testing.app();
  const props = exampleProps(cloudUrl, backup);
  const site = new VideoSurveillanceSite(app, props.siteName, props);
  return { site, manifests: synth(app) };
}

/** AWS-style keys. */
export interface Keys {
  readonly AWS_ACCESS_KEY_ID: string;
  readonly AWS_SECRET_ACCESS_KEY: string;
}

/** The keys `secrets` holds for `credentials`, as mc and the credentials file take them. */
export function keysOf(secrets: SecretValues, credentials: S3Credentials): Keys {
  const k = s3KeysOf(secrets, credentials);
  return { AWS_ACCESS_KEY_ID: k.accessKeyId, AWS_SECRET_ACCESS_KEY: k.secretAccessKey };
}

/** An AWS credentials file as Velero reads it (what the operator puts into the Velero credential Secret). */
export function awsCredentialsFile(keys: Keys): string {
  return `[default]\naws_access_key_id=${keys.AWS_ACCESS_KEY_ID}\naws_secret_access_key=${keys.AWS_SECRET_ACCESS_KEY}\n`;
}

/** The keys in an AWS credentials file's `[default]` profile. */
export function parseCredentialsFile(file: string): Keys {
  const get = (k: string) => new RegExp(`^${k}\\s*=\\s*(\\S+)`, 'm').exec(file)?.[1];
  const id = get('aws_access_key_id');
  const secret = get('aws_secret_access_key');
  if (!id || !secret) throw new Error(`no [default] keys in credentials file:\n${file}`);
  return { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret };
}

/**
 * The values an operator (or Strimzi, for the Kafka user) would put into every Secret the site references: keys per
 * store grant, root user, origin token, cloud keys, restic password, Velero's credentials file (with site-local Velero
 * the keys of the store's `velero` grant, as the report says).
 */
export function siteSecrets(site: VideoSurveillanceSite, cloudKeys: Keys, veleroKeys: Keys): SecretValues {
  const s: SecretValues = {
    ...s3SecretValues(site.store.rootCredentials, 'site-root', 'site-root-password-1'),
    'playback-origin-token': { token: 'c0ffee0123456789abcdef0123456789' },
    'store-notifications': { password: 'kafka-user-password-1' },
    ...s3SecretValues(CLOUD_CREDENTIALS, cloudKeys.AWS_ACCESS_KEY_ID, cloudKeys.AWS_SECRET_ACCESS_KEY),
    [RESTIC_PASSWORD.name]: { [RESTIC_PASSWORD.key]: 'restic repository password 1' },
  };
  // Strimzi's cluster CA certificate (the store trusts it for the Kafka notification target): a fresh self-signed CA.
  const ca = site.kafka.caCertificate;
  s[ca.name] = { [ca.key]: selfSignedCa() };
  for (const g of site.grants) {
    // Under the key names the grant's credentials give (the manifests read the same names by secretKeyRef).
    Object.assign(s, g.consumer.name === 'velero'
      ? s3SecretValues(g.credentials, veleroKeys.AWS_ACCESS_KEY_ID, veleroKeys.AWS_SECRET_ACCESS_KEY)
      : s3SecretValues(g.credentials, `${g.consumer.name}-key`, `${g.consumer.name}-secret-key-1`));
  }
  const cred = site.veleroLocation.apiObject.toJson().spec.credential;
  s[cred.name] = { [cred.key]: awsCredentialsFile(veleroKeys) };
  return s;
}

let caPem: string | undefined;
/** A self-signed CA certificate (PEM), made once with openssl. */
function selfSignedCa(): string {
  if (caPem) return caPem;
  const [openssl] = requireTools('openssl');
  const dir = fs.mkdtempSync('/var/tmp/video-archive-ca-');
  try {
    const r = spawnSync(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=cluster-ca',
      '-keyout', path.join(dir, 'ca.key'), '-out', path.join(dir, 'ca.crt')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
    caPem = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
    return caPem;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a MinioTestCluster and runs its provisioning Job's pod; stops the cluster again if provisioning fails. */
export async function startProvisioned(
  manifests: any[], secrets: SecretValues, jobName: string,
): Promise<{ cluster: MinioTestCluster; provisioning: string }> {
  const cluster = await MinioTestCluster.start({ manifests, secrets });
  try {
    const job = manifests.find((m) => m.kind === 'Job' && m.metadata.name === jobName);
    const run = cluster.runPod(job.spec.template, `${jobName}-a`, { timeoutMs: 120_000, extraEnv: { PROVISION_MAX_DELAY: '4' } });
    if (run.status !== 0) throw new Error(`provisioning of ${cluster.statefulSet.metadata.name} exited ${run.status}:\n${run.stdout}${run.stderr}`);
    return { cluster, provisioning: run.stdout };
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}

/** MinIO's AccessDenied as mc prints it (verbatim for buckets, "Insufficient permissions" for objects). */
export const DENIED = /Access Denied|AccessDenied|Insufficient permissions to access this path/;

export interface McResult {
  readonly ok: boolean;
  readonly denied: boolean;
  /** stdout and stderr as text. */
  readonly out: string;
  /** stdout as bytes (e.g. of `mc cat`). */
  readonly stdout: Buffer;
}

/** The real mc as alias `s`, signing with `keys` at `url` (`http://host:port`). */
export function mcAs(url: string, keys: Keys, configDir: string): (args: string[], input?: string | Buffer) => McResult {
  const [mcBin] = requireTools('mc');
  const u = new URL(url);
  const host = `${u.protocol}//${encodeURIComponent(keys.AWS_ACCESS_KEY_ID)}:${encodeURIComponent(keys.AWS_SECRET_ACCESS_KEY)}@${u.host}`;
  return (args, input) => {
    const r = spawnSync(mcBin, ['--json', '--no-color', ...args], {
      input, env: { PATH: process.env.PATH, MC_CONFIG_DIR: configDir, MC_HOST_s: host }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024,
    });
    const out = `${r.stdout?.toString('utf8') ?? ''}${r.stderr?.toString('utf8') ?? ''}`;
    return { ok: r.status === 0, denied: DENIED.test(out), out, stdout: r.stdout ?? Buffer.alloc(0) };
  };
}

/** `{ key: { etag, lastModified, size } }` of every object under `target` (from `mc ls --recursive --json`). */
export function objectsUnder(mc: ReturnType<typeof mcAs>, target: string): { [key: string]: { etag: string; lastModified: string; size: number } } {
  const r = mc(['ls', '--recursive', target]);
  if (!r.ok && /does not exist/i.test(r.out) && !DENIED.test(r.out)) return {}; // mc's answer for an empty prefix
  if (!r.ok) throw new Error(`mc ls ${target} failed: ${r.out}`);
  const out: { [key: string]: { etag: string; lastModified: string; size: number } } = {};
  for (const line of r.out.trim().split('\n').filter((l) => l.startsWith('{'))) {
    const o = JSON.parse(line);
    if (o.type === 'file') out[o.key] = { etag: o.etag, lastModified: o.lastModified, size: o.size };
  }
  return out;
}

/**
 * A folder of busybox applets (as in the Alpine-based rclone and restic images) plus the host's rclone and restic,
 * under /var/tmp (a pod mounts its emptyDir over /tmp) and readable by the pods' non-root users. The applets that
 * run the pod set-up itself (mount, hostname, setpriv, unshare) are left out so the host's util-linux ones serve.
 */
export class ImageLikeBin {
  public readonly dir: string;

  constructor() {
    const [busybox, rcloneBin, resticBin] = requireTools('busybox', 'rclone', 'restic');
    this.dir = fs.mkdtempSync('/var/tmp/video-archive-bin-');
    fs.chmodSync(this.dir, 0o755);
    const r = spawnSync(busybox, ['--install', '-s', this.dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`busybox --install failed: ${r.stderr}`);
    for (const n of ['mount', 'umount', 'hostname', 'setpriv', 'unshare']) fs.rmSync(path.join(this.dir, n), { force: true });
    fs.symlinkSync(rcloneBin, path.join(this.dir, 'rclone'));
    fs.symlinkSync(resticBin, path.join(this.dir, 'restic'));
  }

  /** PATH of a pod: the image's programs first, then the host's (for the pod set-up only). */
  public get path(): string {
    return `${this.dir}:/usr/sbin:/usr/bin:/sbin:/bin`;
  }

  public remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The operator's steps for keys on a store the site does not provision (the cloud): policy `policyName` with exactly
 * `policy`, the user with `keys`, the policy attached (any other policy the user had detached first).
 */
export function operatorCreatesKeys(root: ReturnType<typeof mcAs>, dir: string, policyName: string, policy: string, keys: Keys): void {
  const file = path.join(dir, `${policyName}.json`);
  fs.writeFileSync(file, policy);
  const steps = [
    ['admin', 'policy', 'create', 's', policyName, file],
    ['admin', 'user', 'add', 's', keys.AWS_ACCESS_KEY_ID, keys.AWS_SECRET_ACCESS_KEY],
  ];
  for (const step of steps) {
    const r = root(step);
    if (!r.ok) throw new Error(`mc ${step.join(' ')} failed: ${r.out}`);
  }
  const info = root(['admin', 'user', 'info', 's', keys.AWS_ACCESS_KEY_ID]);
  const attached: string[] = info.ok ? (JSON.parse(info.out.trim().split('\n')[0]).policyName ?? '').split(',').filter((x: string) => x) : [];
  for (const other of attached.filter((x) => x !== policyName)) {
    const r = root(['admin', 'policy', 'detach', 's', other, '--user', keys.AWS_ACCESS_KEY_ID]);
    if (!r.ok) throw new Error(`detaching ${other} failed: ${r.out}`);
  }
  if (!attached.includes(policyName)) {
    const r = root(['admin', 'policy', 'attach', 's', policyName, '--user', keys.AWS_ACCESS_KEY_ID]);
    if (!r.ok) throw new Error(`attaching ${policyName} failed: ${r.out}`);
  }
}

