// A distributed MinIO started from a synthesized MinioCluster, for the real-program tier, plus a runner for the
// pods the library emits (the provisioning Job). One process per StatefulSet replica, each in its own mount (and UTS)
// namespace, so the container's command, args, env, volume mount paths and user stay those of the manifest:
//
// - Volumes: every volumeMount is bind-mounted at its own path inside the process's private mount namespace. A
//   volumeClaimTemplate becomes a sparse ext4 image mounted through a loop device (MinIO refuses drives on the root
//   file system, as on a node), an emptyDir a temp dir, configMap/secret/projected volumes files written from the
//   synthesized ConfigMaps/Secrets or the Secret values the test supplies. readOnly mounts are read-only, and so is
//   `/` when the container asks for readOnlyRootFilesystem. Missing mount points are created (empty) on the host
//   and removed again by stop().
// - DNS: each process gets a private /etc/hosts (the host's, plus the headless-Service names
//   `<sts>-N.<hl>.<ns>.svc.<domain>` → the replica's loopback address and the client Service name → all of them);
//   the real /etc/hosts is never written.
// - The process runs as the pod's runAsUser/runAsGroup (volumes owned by fsGroup), with the container's env
//   resolved from the manifests and the supplied Secret values, over what the runtime gives a container: the
//   image's ENV (table below) and HOME=/.
// - Addresses: replica N gets 127.B.C.N (B, C random per cluster). MinIO also listens on 127.0.0.1 and ::1 at the
//   same port (with SO_REUSEPORT, so the replicas share those; the tests never use them).
//
// Needs root (namespaces, loop devices, mounts), util-linux `unshare`/`setpriv` and `mkfs.ext4`.
//
// What differs from a pod, and why (nothing else does; drive images are sparse, 2 GiB by default, whatever the claim
// requests):
// - `--address :PORT` / `--console-address :PORT` become `<replica address>:PORT`: a pod owns its IP, but here all
//   replicas share one network namespace, so each binds its own loopback address (same port).
// - Extra env: KUBERNETES_SERVICE_HOST/PORT (every pod has them; they tell MinIO it is orchestrated), HOSTNAME, a
//   PATH, and `_MINIO_SERVER_LOCAL=<own host name>`: in a pod MinIO finds its own endpoint because the host name
//   resolves to an interface address; here all names resolve to loopback, which MinIO treats as "not yet
//   resolved" when orchestrated, so this variable (MinIO's own) names the local endpoint instead.
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import { requireTools } from './tools';
import type { S3Credentials } from '../../src';

/** Secret values the test supplies: secret name → key → value (e.g. the root user and password). */
export interface SecretValues { [secretName: string]: { [key: string]: string } }

/** Test-side stand-in values for the Secret `keys` names, under the key names `keys` says (never re-typed). */
export function s3SecretValues(keys: S3Credentials, accessKeyId: string, secretAccessKey: string): SecretValues {
  return { [keys.secretName]: { [keys.accessKeyIdKey]: accessKeyId, [keys.secretAccessKeyKey]: secretAccessKey } };
}

/** The access key id and secret key `secrets` holds for `keys` (looked up under its key names). */
export function s3KeysOf(secrets: SecretValues, keys: S3Credentials): { readonly accessKeyId: string; readonly secretAccessKey: string } {
  const values = secrets[keys.secretName];
  if (!values) throw new Error(`no stand-in values for Secret ${keys.secretName}`);
  return { accessKeyId: values[keys.accessKeyIdKey], secretAccessKey: values[keys.secretAccessKeyKey] };
}

export interface StartMinioOptions {
  /** The synthesized manifests (the StatefulSet, its Services and any ConfigMaps/Secrets it references). */
  readonly manifests: any[];
  /** Values of Secrets that are referenced but not synthesized. */
  readonly secrets?: SecretValues;
  /** Name of the StatefulSet. @default - the only StatefulSet whose container runs `minio` */
  readonly statefulSet?: string;
  /** Size of each drive image (sparse). @default 2 GiB */
  readonly driveBytes?: number;
  /** How long to wait for write quorum on every server. @default 120 s */
  readonly startTimeoutMs?: number;
  /** More host names to resolve (e.g. another test cluster's {@link MinioTestCluster.hostEntries}). @default - none */
  readonly extraHosts?: HostEntry[];
  /**
   * PEM of the CA the servers' certificate chains to, when the server arguments are `https://` URLs: the test's own
   * health requests verify the servers' certificates (for their pod DNS names) with it. @default - plain HTTP
   */
  readonly caCertificatePem?: string;
}

/** One /etc/hosts line. */
export interface HostEntry {
  readonly address: string;
  readonly name: string;
}

export interface MinioServer {
  readonly podName: string;
  /** Headless-Service DNS name of the pod. */
  readonly host: string;
  /** Its loopback address. */
  readonly address: string;
  /** `http(s)://<address>:<port>`. */
  readonly url: string;
  /** The exact argv it was started with. */
  readonly argv: string[];
  readonly logFile: string;
}

/** Result of running a pod's container to completion. */
export interface PodRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface MountSpec {
  /** Path inside the namespace. */
  readonly target: string;
  /** Host directory to bind, or an ext4 image to loop-mount. */
  readonly source: string;
  readonly image: boolean;
  readonly readOnly: boolean;
}

interface PodSpecInput {
  readonly podName: string;
  readonly namespace: string;
  readonly template: any;
  readonly hostsFile: string;
  readonly workDir: string;
  /** Folder with the minio and mc binaries, put first on the pod's PATH (outside anything a pod mounts over). */
  readonly binDir: string;
  readonly claimImages?: { [claimName: string]: string };
  readonly argv?: string[];
  readonly extraEnv?: { [key: string]: string };
}

const WORK_BASE = '/var/tmp';

/**
 * ENV of the images the library pins (from their Dockerfile.release at the pinned release): part of the environment
 * the container really runs with. The MinIO image's `*_FILE` variables also make MinIO consider itself containerized.
 */
const IMAGE_ENV: { [repository: string]: { [k: string]: string } } = {
  'quay.io/minio/minio': {
    MINIO_ACCESS_KEY_FILE: 'access_key',
    MINIO_SECRET_KEY_FILE: 'secret_key',
    MINIO_ROOT_USER_FILE: 'access_key',
    MINIO_ROOT_PASSWORD_FILE: 'secret_key',
    MINIO_KMS_SECRET_KEY_FILE: 'kms_master_key',
    MINIO_UPDATE_MINISIGN_PUBKEY: 'RWTx5Zr1tiHQLwG9keckT0c45M3AGeHD6IvimQHpyRywVWGbP1aVSGav',
    MINIO_CONFIG_ENV_FILE: 'config.env',
    MC_CONFIG_DIR: '/tmp/.mc',
  },
  'quay.io/minio/mc': {},
};
const podPath = (binDir: string) => [binDir, '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');

/** Decoded data of a synthesized Secret or ConfigMap. */
function objectData(obj: any): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [k, v] of Object.entries<string>(obj.data ?? {})) out[k] = obj.kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v;
  for (const [k, v] of Object.entries<string>(obj.stringData ?? {})) out[k] = v;
  for (const [k, v] of Object.entries<string>(obj.binaryData ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

/**
 * Looks up Secret and ConfigMap values: supplied values first, then synthesized objects in the pod's namespace.
 * Throws naming the missing reference (a pod would not start either).
 */
class Refs {
  constructor(private readonly manifests: any[], private readonly secrets: SecretValues, private readonly namespace: string) {}

  public secret(name: string, key: string, optional = false): string | undefined {
    const supplied = this.secrets[name]?.[key];
    if (supplied !== undefined) return supplied;
    const obj = this.manifests.find((m) => m.kind === 'Secret' && m.metadata?.name === name && (m.metadata?.namespace ?? this.namespace) === this.namespace);
    const v = obj ? objectData(obj)[key] : undefined;
    if (v === undefined && !optional) throw new Error(`Secret ${this.namespace}/${name} key ${key} is referenced but neither synthesized nor supplied`);
    return v;
  }

  public configMap(name: string, key?: string, optional = false): { [key: string]: string } {
    const obj = this.manifests.find((m) => m.kind === 'ConfigMap' && m.metadata?.name === name && (m.metadata?.namespace ?? this.namespace) === this.namespace);
    if (!obj) {
      if (optional) return {};
      throw new Error(`ConfigMap ${this.namespace}/${name} is referenced but not synthesized`);
    }
    const data = objectData(obj);
    if (key !== undefined && data[key] === undefined && !optional) throw new Error(`ConfigMap ${this.namespace}/${name} has no key ${key}`);
    return data;
  }

  public secretData(name: string): { [key: string]: string } {
    const obj = this.manifests.find((m) => m.kind === 'Secret' && m.metadata?.name === name);
    return { ...(obj ? objectData(obj) : {}), ...(this.secrets[name] ?? {}) };
  }
}

/** Container env as the kubelet would set it (literal values, Secret/ConfigMap keys, pod fields). */
function resolveEnv(container: any, refs: Refs, podName: string, namespace: string): { [key: string]: string } {
  const env: { [key: string]: string } = {};
  for (const from of container.envFrom ?? []) {
    const data = from.secretRef
      ? refs.secretData(from.secretRef.name)
      : refs.configMap(from.configMapRef.name, undefined, from.configMapRef.optional);
    for (const [k, v] of Object.entries(data)) env[`${from.prefix ?? ''}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      // $(VAR) references to earlier variables, as the kubelet expands them.
      env[e.name] = String(e.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n) => env[n] ?? m);
      continue;
    }
    const vf = e.valueFrom ?? {};
    let v: string | undefined;
    if (vf.secretKeyRef) {
      v = refs.secret(vf.secretKeyRef.name, vf.secretKeyRef.key, vf.secretKeyRef.optional);
    } else if (vf.configMapKeyRef) {
      const ref = vf.configMapKeyRef;
      v = refs.configMap(ref.name, ref.key, ref.optional)[ref.key];
    } else if (vf.fieldRef) {
      v = fieldValue(vf.fieldRef.fieldPath, podName, namespace);
    } else {
      throw new Error(`env ${e.name}: unsupported valueFrom ${JSON.stringify(vf)}`);
    }
    if (v !== undefined) env[e.name] = v;
  }
  return env;
}

function fieldValue(fieldPath: string, podName: string, namespace: string): string {
  if (fieldPath === 'metadata.name') return podName;
  if (fieldPath === 'metadata.namespace') return namespace;
  throw new Error(`unsupported fieldRef ${fieldPath}`);
}

function writeFile(root: string, rel: string, content: string, mode?: number): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, mode !== undefined ? { mode } : {});
}

/** Files of a configMap/secret/projected volume, written under `dir`. */
function materializeVolume(volume: any, dir: string, refs: Refs, podName: string, namespace: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const items = (data: { [k: string]: string }, list: any[] | undefined, mode?: number) => {
    if (!list) {
      for (const [k, v] of Object.entries(data)) writeFile(dir, k, v, mode);
      return;
    }
    for (const it of list) {
      if (data[it.key] === undefined) throw new Error(`volume ${volume.name}: key ${it.key} is missing`);
      writeFile(dir, it.path, data[it.key], it.mode ?? mode);
    }
  };
  const secretItems = (name: string, list: any[] | undefined): { [k: string]: string } => {
    const data: { [k: string]: string } = {};
    for (const it of list ?? []) data[it.key] = refs.secret(name, it.key)!;
    return list ? data : refs.secretData(name);
  };
  if (volume.configMap) {
    items(refs.configMap(volume.configMap.name, undefined, volume.configMap.optional), volume.configMap.items, volume.configMap.defaultMode);
  } else if (volume.secret) {
    items(secretItems(volume.secret.secretName, volume.secret.items), volume.secret.items, volume.secret.defaultMode);
  } else if (volume.projected) {
    for (const source of volume.projected.sources ?? []) {
      const mode = volume.projected.defaultMode;
      if (source.secret) {
        items(secretItems(source.secret.name, source.secret.items), source.secret.items, mode);
      } else if (source.configMap) {
        items(refs.configMap(source.configMap.name), source.configMap.items, mode);
      } else if (source.downwardAPI || source.downwardApi) {
        for (const it of (source.downwardAPI ?? source.downwardApi).items ?? []) {
          writeFile(dir, it.path, fieldValue(it.fieldRef.fieldPath, podName, namespace));
        }
      } else {
        throw new Error(`volume ${volume.name}: unsupported projected source ${JSON.stringify(source)}`);
      }
    }
  } else {
    throw new Error(`volume ${volume.name}: unsupported volume type ${JSON.stringify(volume)}`);
  }
}

function shq(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * The argv that runs the pod's first container in a private mount + UTS namespace: `unshare` runs a small root
 * shell that mounts the volumes at their paths and then execs the container's command through `setpriv` as the
 * pod's user. Also returns the env to pass (the container's, resolved).
 */
class PodRunner {
  public static prepare(input: PodSpecInput, refs: Refs, created: string[]): { argv: string[]; env: { [k: string]: string } } {
    const spec = input.template.spec;
    const container = spec.containers[0];
    const psc = spec.securityContext ?? {};
    const csc = container.securityContext ?? {};
    const uid = csc.runAsUser ?? psc.runAsUser ?? 0;
    const gid = csc.runAsGroup ?? psc.runAsGroup ?? uid;
    const fsGroup = psc.fsGroup ?? gid;
    const mounts: MountSpec[] = [];
    for (const vm of container.volumeMounts ?? []) {
      const volume = (spec.volumes ?? []).find((v: any) => v.name === vm.name);
      const readOnly = vm.readOnly === true;
      if (!volume) {
        const image = input.claimImages?.[vm.name];
        if (!image) throw new Error(`${input.podName}: volumeMount ${vm.name} has neither a volume nor a claim template`);
        mounts.push({ target: vm.mountPath, source: image, image: true, readOnly });
        continue;
      }
      const dir = path.join(input.workDir, 'volumes', vm.name);
      if (volume.emptyDir) {
        fs.mkdirSync(dir, { recursive: true });
        fs.chownSync(dir, uid, fsGroup);
      } else {
        materializeVolume(volume, dir, refs, input.podName, input.namespace);
        // The kubelet makes these files readable by the pod (group fsGroup, mode from defaultMode).
        chownTree(dir, 0, fsGroup);
      }
      mounts.push({ target: vm.mountPath, source: dir, image: false, readOnly: readOnly || !volume.emptyDir });
    }
    for (const m of mounts) {
      if (input.workDir === m.target || input.workDir.startsWith(m.target.endsWith('/') ? m.target : `${m.target}/`)) {
        throw new Error(`${input.podName}: mount path ${m.target} would hide the work folder ${input.workDir}`);
      }
      ensureMountPoint(m.target, created);
    }
    // Parents before children, as the kubelet does (stable for siblings).
    mounts.sort((a, b) => a.target.split('/').length - b.target.split('/').length);

    // The work folder gets its own mount first, so that loop devices backed by files in it do not count as writers
    // on the root mount (which may then become read-only).
    const lines = ['set -eu', `mount --bind ${shq(input.workDir)} ${shq(input.workDir)}`, `mount --bind ${shq(input.hostsFile)} /etc/hosts`, `hostname ${shq(input.podName)}`];
    for (const m of mounts) {
      if (m.image) {
        lines.push(`mount -o loop ${shq(m.source)} ${shq(m.target)}`);
        // fsGroup ownership of a fresh volume (fsGroupChangePolicy OnRootMismatch).
        lines.push(`chown ${uid}:${fsGroup} ${shq(m.target)}`);
        lines.push(`chmod 2770 ${shq(m.target)}`);
        if (m.readOnly) lines.push(`mount -o remount,ro ${shq(m.target)}`);
      } else {
        lines.push(`mount --bind ${shq(m.source)} ${shq(m.target)}`);
        if (m.readOnly) lines.push(`mount -o remount,bind,ro ${shq(m.target)}`);
      }
    }
    if (csc.readOnlyRootFilesystem) lines.push('mount -o remount,bind,ro /');
    const command: string[] = [...(container.command ?? []), ...(input.argv ?? container.args ?? [])];
    if (command.length === 0) throw new Error(`${input.podName}: container ${container.name} has no command (image entrypoints are unknown here)`);
    lines.push(`exec setpriv --reuid=${uid} --regid=${gid} --groups=${fsGroup} -- ${command.map(shq).join(' ')}`);

    const repository = String(container.image ?? '').replace(/[:@].*$/, '');
    const env: { [k: string]: string } = {
      // What the container runtime sets: the image's ENV, and HOME=/ for a UID the image's passwd does not know.
      HOME: '/',
      ...IMAGE_ENV[repository],
      ...resolveEnv(container, refs, input.podName, input.namespace),
      HOSTNAME: input.podName,
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      ...input.extraEnv,
    };
    if (env.PATH === undefined) env.PATH = podPath(input.binDir);
    return { argv: ['unshare', '--mount', '--uts', '--propagation', 'private', 'sh', '-c', lines.join('\n')], env };
  }
}

function chownTree(dir: string, uid: number, gid: number): void {
  fs.chownSync(dir, uid, gid);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(p, uid, gid);
    else fs.chownSync(p, uid, gid);
  }
}

/** Creates `dir` (and missing parents) on the host as an empty mount point, recording what it created. */
function ensureMountPoint(dir: string, created: string[]): void {
  const missing: string[] = [];
  for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    fs.mkdirSync(d);
    created.push(d);
  }
}

/**
 * Whether any process mounts something at `dir` or below it. Other test clusters (in this or another test process)
 * mount their pods' volumes at the same host paths in their own mount namespaces, and since Linux 3.18 removing a
 * directory detaches every mount on it in every namespace: their servers would lose their drives.
 */
function mountedAnywhere(dir: string): boolean {
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let info: string;
    try {
      info = fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
    } catch {
      continue; // exited, or not ours to read
    }
    for (const line of info.split('\n')) {
      const mountPoint = line.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
      if (mountPoint === dir || mountPoint?.startsWith(`${dir}/`)) return true;
    }
  }
  return false;
}

/** Removes the mount points it created (deepest first; only if still empty and nobody mounts anything there). */
function removeMountPoints(created: string[]): void {
  for (const d of [...created].reverse()) {
    if (mountedAnywhere(d)) continue;
    try {
      fs.rmdirSync(d);
    } catch {
      // still in use or no longer empty: leave it
    }
  }
  created.length = 0;
}

/** Expands MinIO's `{a...b}` ellipses (one or more) in `arg`, in MinIO's order (the first ellipsis varies slowest). */
export function expandEllipses(arg: string): string[] {
  const m = /\{(\d+)\.\.\.(\d+)\}/.exec(arg);
  if (!m) return [arg];
  const out: string[] = [];
  const width = m[1].length > 1 && m[1].startsWith('0') ? m[1].length : 0;
  for (let i = Number(m[1]); i <= Number(m[2]); i++) {
    const n = width ? String(i).padStart(width, '0') : String(i);
    for (const rest of expandEllipses(arg.slice(m.index + m[0].length))) out.push(arg.slice(0, m.index) + n + rest);
  }
  return out;
}

function get(url: string, timeoutMs = 2000, tls?: { ca: string; servername: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    };
    // HTTPS: the certificate must chain to `ca` and name `servername` (the pod's DNS name), as for MinIO's peers.
    const req = tls
      ? https.get(url, { agent: false, timeout: timeoutMs, ca: tls.ca, servername: tls.servername }, onResponse)
      : http.get(url, { agent: false, timeout: timeoutMs }, onResponse);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** A loopback /24 block nobody here uses: 127.B.C.0, B and C random (never 127.0.0.x, which other tests use). */
function pickBlock(): string {
  const b = 100 + Math.floor(Math.random() * 150);
  const c = 1 + Math.floor(Math.random() * 250);
  return `127.${b}.${c}`;
}

/**
 * A running distributed MinIO built from a synthesized MinioCluster's StatefulSet. Start with
 * {@link MinioTestCluster.start}; always call {@link stop} (also safe when start failed half-way).
 */
export class MinioTestCluster {
  /** Starts one server per replica and waits until every server reports write quorum. */
  public static async start(options: StartMinioOptions): Promise<MinioTestCluster> {
    if (process.getuid?.() !== 0) {
      const err = new Error('MinioTestCluster needs root (mount namespaces and loop devices for the drives); run the real tier as root');
      err.stack = err.message;
      throw err;
    }
    const cluster = new MinioTestCluster(options);
    try {
      await cluster.boot();
    } catch (e) {
      const logs = cluster.servers.map((s) => `--- ${s.podName} (${s.argv.join(' ')})\n${tail(s.logFile, 25)}`).join('\n');
      await cluster.stop();
      throw new Error(`${(e as Error).message}\n${logs}`);
    }
    return cluster;
  }

  public readonly servers: MinioServer[] = [];
  /** The StatefulSet. */
  public readonly statefulSet: any;
  public readonly namespace: string;
  /** The private hosts file every process of this cluster sees as /etc/hosts. */
  public readonly hostsFile: string;
  /** Milliseconds from the first spawn to write quorum on every server. */
  public startMillis = 0;
  /** The names this cluster adds to its hosts file: pod DNS names and the client Service names. */
  public readonly hostEntries: HostEntry[] = [];

  private readonly manifests: any[];
  private readonly refs: Refs;
  private readonly workDir: string;
  private readonly binDir: string;
  private readonly created: string[] = [];
  private readonly children: ChildProcess[] = [];
  private readonly exits: Array<Promise<void>> = [];
  private readonly inputs: PodSpecInput[] = [];
  private readonly options: StartMinioOptions;
  private stopped = false;

  private constructor(options: StartMinioOptions) {
    this.options = options;
    this.manifests = options.manifests;
    const candidates = this.manifests.filter((m) => m.kind === 'StatefulSet' && (options.statefulSet
      ? m.metadata.name === options.statefulSet
      : (m.spec.template.spec.containers[0].command ?? [])[0] === 'minio'));
    if (candidates.length !== 1) throw new Error(`expected one MinIO StatefulSet, found ${candidates.length}`);
    this.statefulSet = candidates[0];
    this.namespace = this.statefulSet.metadata.namespace ?? 'default';
    this.refs = new Refs(this.manifests, options.secrets ?? {}, this.namespace);
    // Not under /tmp: pods mount an emptyDir there, which would hide later mount sources.
    this.workDir = fs.mkdtempSync(path.join(WORK_BASE, `minio-${this.statefulSet.metadata.name}-`));
    this.hostsFile = path.join(this.workDir, 'hosts');
    // The tools folder may sit under /tmp (a fresh clone there), which pods mount over: give the servers and Jobs
    // their own copy of the binaries in the work folder, reachable by the pods' non-root users.
    fs.chmodSync(this.workDir, 0o711);
    this.binDir = path.join(this.workDir, 'bin');
    fs.mkdirSync(this.binDir, { mode: 0o755 });
    for (const tool of requireTools('minio', 'mc')) fs.copyFileSync(tool, path.join(this.binDir, path.basename(tool)));
    for (const f of fs.readdirSync(this.binDir)) fs.chmodSync(path.join(this.binDir, f), 0o755);
  }

  /** The client Service's URL as clients in the cluster use it (its DNS name resolves in {@link hostsFile}). */
  public get serviceUrls(): string[] {
    return this.serviceNames.map((n) => `http://${n}:${this.apiPort}`);
  }

  /** `http://USER:PASSWORD@<server 0>:<port>` for `MC_HOST_<alias>` (mc needs no alias set then). */
  public mcHost(accessKey: string, secretKey: string, server = 0): string {
    return `http://${encodeURIComponent(accessKey)}:${encodeURIComponent(secretKey)}@${this.servers[server].address}:${this.apiPort}`;
  }

  /**
   * Runs the first container of a pod template (e.g. the provisioning Job's) to completion, in its own mount
   * namespace with this cluster's hosts file, its volumes at their mount paths, its env and its user. `manifests`
   * (default: the cluster's) are where the pod's ConfigMaps and synthesized Secrets are looked up, e.g. those of a
   * re-synthesized variant of the app.
   */
  public runPod(template: any, podName: string, options: { timeoutMs?: number; extraEnv?: { [k: string]: string }; manifests?: any[] } = {}): PodRun {
    const workDir = fs.mkdtempSync(path.join(this.workDir, `${podName}-`));
    const input = {
      podName, namespace: this.namespace, template, hostsFile: this.hostsFile, workDir, binDir: this.binDir, extraEnv: options.extraEnv,
    };
    const refs = options.manifests ? new Refs(options.manifests, this.options.secrets ?? {}, this.namespace) : this.refs;
    const { argv, env } = PodRunner.prepare(input, refs, this.created);
    const r: SpawnSyncReturns<string> = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8', timeout: options.timeoutMs ?? 300_000 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Stops server `index` (SIGTERM, SIGKILL after 20 s) and waits until it has exited, as when its node fails. */
  public async stopServer(index: number): Promise<void> {
    const child = this.children[index];
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await this.exits[index];
    clearTimeout(timer);
  }

  /**
   * Stops server `index` and starts it again on the same drives, optionally with more environment (as when its pod
   * is recreated from a changed template while the others keep running).
   */
  public async restartServer(index: number, extraEnv: { [key: string]: string } = {}): Promise<void> {
    await this.stopServer(index);
    const input = this.inputs[index];
    const prepared = PodRunner.prepare({ ...input, extraEnv: { ...input.extraEnv, ...extraEnv } }, this.refs, this.created);
    const out = fs.openSync(this.servers[index].logFile, 'a');
    const child = spawn(prepared.argv[0], prepared.argv.slice(1), { env: prepared.env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.children[index] = child;
    this.exits[index] = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** HTTP status of `path` on server `index`, or 0 when it does not answer. */
  public async status(index: number, urlPath: string): Promise<number> {
    try {
      return await get(`${this.servers[index].url}${urlPath}`);
    } catch {
      return 0;
    }
  }

  /** SIGTERM every server, wait (SIGKILL after 20 s), remove temp files and the mount points it created. */
  public async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }, 20_000);
    await Promise.all(this.exits);
    clearTimeout(timer);
    removeMountPoints(this.created);
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }

  private get container(): any {
    return this.statefulSet.spec.template.spec.containers[0];
  }

  /** `https` when the server arguments are https URLs (the StatefulSet serves TLS), else `http`. */
  private get scheme(): 'http' | 'https' {
    const secure = (this.container.args ?? []).some((a: string) => a.startsWith('https://'));
    if (secure && !this.options.caCertificatePem) throw new Error('the servers serve HTTPS: pass caCertificatePem (the CA of their certificate) to MinioTestCluster.start');
    return secure ? 'https' : 'http';
  }

  private get apiPort(): number {
    return Number(this.addressArg('--address').split(':').pop());
  }

  private addressArg(flag: string): string {
    const args: string[] = this.container.args ?? [];
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : ':9000';
  }

  /** DNS names of the Services (other than the headless one) that select the pods. */
  private get serviceNames(): string[] {
    const labels = this.statefulSet.spec.template.metadata.labels ?? {};
    const domain = this.clusterDomain;
    return this.manifests
      .filter((m) => m.kind === 'Service' && m.spec?.clusterIP !== 'None' && m.spec?.clusterIp !== 'None' && m.spec?.selector
        && Object.entries<string>(m.spec.selector).every(([k, v]) => labels[k] === v))
      .map((m) => `${m.metadata.name}.${m.metadata.namespace ?? this.namespace}.svc.${domain}`);
  }

  private get clusterDomain(): string {
    const sts = this.statefulSet;
    const prefix = `${sts.metadata.name}-`;
    const hosts = this.podHosts;
    const suffix = `.${sts.spec.serviceName}.${this.namespace}.svc.`;
    const h = hosts[0];
    if (!h.startsWith(prefix) || !h.includes(suffix)) throw new Error(`server host ${h} is not a pod DNS name of ${sts.metadata.name}`);
    return h.slice(h.indexOf(suffix) + suffix.length);
  }

  /** Host names the server arguments name, in order (one per replica). */
  private get podHosts(): string[] {
    const hosts: string[] = [];
    for (const a of (this.container.args ?? []).filter((x: string) => /^https?:\/\//.test(x))) {
      for (const u of expandEllipses(a)) {
        const host = new URL(u).hostname;
        if (!hosts.includes(host)) hosts.push(host);
      }
    }
    return hosts;
  }

  private async boot(): Promise<void> {
    const sts = this.statefulSet;
    const replicas: number = sts.spec.replicas ?? 1;
    const hosts = this.podHosts;
    const domain = this.clusterDomain;
    const expected = Array.from({ length: replicas }, (_, i) => `${sts.metadata.name}-${i}.${sts.spec.serviceName}.${this.namespace}.svc.${domain}`);
    if (JSON.stringify(hosts) !== JSON.stringify(expected)) {
      throw new Error(`the server arguments name ${JSON.stringify(hosts)}, but the StatefulSet's pods are ${JSON.stringify(expected)}`);
    }
    const headless = this.manifests.find((m) => m.kind === 'Service' && m.metadata.name === sts.spec.serviceName);
    if (!headless || (headless.spec.clusterIP ?? headless.spec.clusterIp) !== 'None') throw new Error(`headless Service ${sts.spec.serviceName} is not synthesized`);

    const block = pickBlock();
    const addresses = hosts.map((_, i) => `${block}.${i + 1}`);
    const lines = [fs.readFileSync('/etc/hosts', 'utf8').trimEnd(), `# MinioTestCluster ${sts.metadata.name}`];
    hosts.forEach((h, i) => this.hostEntries.push({ address: addresses[i], name: h }));
    for (const name of this.serviceNames) for (const a of addresses) this.hostEntries.push({ address: a, name });
    for (const e of [...this.hostEntries, ...this.options.extraHosts ?? []]) lines.push(`${e.address} ${e.name}`);
    fs.writeFileSync(this.hostsFile, lines.join('\n') + '\n', { mode: 0o644 });

    const driveBytes = this.options.driveBytes ?? 2 * 1024 ** 3;
    const port = this.apiPort;
    const start = Date.now();
    for (let i = 0; i < replicas; i++) {
      const podName = `${sts.metadata.name}-${i}`;
      const workDir = path.join(this.workDir, podName);
      fs.mkdirSync(workDir);
      const claimImages: { [k: string]: string } = {};
      for (const claim of sts.spec.volumeClaimTemplates ?? []) {
        const image = path.join(workDir, `${claim.metadata.name}.img`);
        fs.writeFileSync(image, '');
        fs.truncateSync(image, driveBytes);
        const mk = spawnSync('mkfs.ext4', ['-q', '-F', '-O', '^has_journal', '-E', 'nodiscard', image], { encoding: 'utf8', env: { PATH: podPath(this.binDir) } });
        if (mk.status !== 0) throw new Error(`mkfs.ext4 ${image}: ${mk.stderr}`);
        claimImages[claim.metadata.name] = image;
      }
      const argv = (this.container.args as string[]).map((a, j, all) =>
        (all[j - 1] === '--address' || all[j - 1] === '--console-address') && a.startsWith(':') ? `${addresses[i]}${a}` : a);
      const input: PodSpecInput = {
        podName,
        namespace: this.namespace,
        template: sts.spec.template,
        hostsFile: this.hostsFile,
        workDir,
        binDir: this.binDir,
        claimImages,
        argv,
        extraEnv: { _MINIO_SERVER_LOCAL: hosts[i] },
      };
      this.inputs.push(input);
      const prepared = PodRunner.prepare(input, this.refs, this.created);
      const logFile = path.join(workDir, 'server.log');
      const out = fs.openSync(logFile, 'a');
      const child = spawn(prepared.argv[0], prepared.argv.slice(1), { env: prepared.env, stdio: ['ignore', out, out] });
      fs.closeSync(out);
      this.children.push(child);
      this.exits.push(new Promise((resolve) => child.once('exit', () => resolve())));
      this.servers.push({ podName, host: hosts[i], address: addresses[i], url: `${this.scheme}://${addresses[i]}:${port}`, argv: [...(this.container.command ?? []), ...argv], logFile });
    }

    const deadline = Date.now() + (this.options.startTimeoutMs ?? 120_000);
    const pending = new Set(this.servers.map((_, i) => i));
    while (pending.size > 0) {
      const dead = this.children.findIndex((c) => c.exitCode !== null || c.signalCode !== null);
      if (dead >= 0) throw new Error(`MinIO server ${this.servers[dead].podName} exited (${this.children[dead].exitCode ?? this.children[dead].signalCode}) before the cluster reached write quorum`);
      if (Date.now() > deadline) throw new Error(`MinIO servers ${[...pending].map((i) => this.servers[i].podName).join(', ')} did not report write quorum (/minio/health/cluster 200) in time`);
      for (const i of [...pending]) {
        try {
          const tls = this.scheme === 'https' ? { ca: this.options.caCertificatePem ?? '', servername: this.servers[i].host } : undefined;
          if (await get(`${this.servers[i].url}/minio/health/cluster`, 2000, tls) === 200) pending.delete(i);
        } catch {
          // not listening yet
        }
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 250));
    }
    this.startMillis = Date.now() - start;
  }
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
