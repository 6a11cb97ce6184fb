// A throw-away Kubernetes control plane for the real tier: etcd and kube-apiserver on loopback (free ports, a temp
// folder), a token user in system:masters, default admission plugins (PodSecurity, LimitRanger, ResourceQuota,
// ServiceAccount, …), and a small REST client that reports the API server's Warning headers. There is no
// controller-manager, scheduler or kubelet: what those would do (ServiceAccount "default", ResourceQuota status) the
// helper does itself where admission depends on it.
import { ChildProcess, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { freePort } from './net';
import { requireTools } from './tools';
import { locateSchemas } from '../../scripts/schema-location';

/** CRD trees not installed: Strimzi 0.51.0 defines the same CRDs as 1.x; the library targets Strimzi 1.x. */
const CRD_EXCLUDE = [path.join('strimzi', '0.51.0')];

/** The answer to one API request. */
export interface KubeResponse {
  /** HTTP status. */
  readonly status: number;
  /** Parsed JSON body (or the raw text when it is not JSON). */
  readonly body: any;
  /** The text of every `Warning` response header, in order. */
  readonly warnings: string[];
}

/** How a kind is served. */
export interface KubeResource {
  /** Plural resource name (`deployments`). */
  readonly resource: string;
  /** Whether objects live in a namespace. */
  readonly namespaced: boolean;
}

/** Options of {@link KubeCluster.create}. */
export interface CreateOptions {
  /** Server-side dry run (`dryRun=All`): admission and validation run, nothing is stored. */
  readonly dryRun?: boolean;
  /** Namespace for a namespaced object without `metadata.namespace`. */
  readonly defaultNamespace?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A child process writing its output to a log file. */
class LoggedProcess {
  public exited = false;
  private readonly done: Promise<void>;

  constructor(public readonly name: string, private readonly child: ChildProcess, public readonly logFile: string) {
    this.done = new Promise((resolve) => child.on('exit', () => { this.exited = true; resolve(); }));
  }

  /** The last lines of the log (for error messages). */
  public tail(lines = 15): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  public async stop(): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => { if (!this.exited) this.child.kill('SIGKILL'); }, 10_000);
    await this.done;
    clearTimeout(timer);
  }
}

function startLogged(name: string, bin: string, args: string[], dir: string): LoggedProcess {
  const logFile = path.join(dir, `${name}.log`);
  const fd = fs.openSync(logFile, 'w');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  return new LoggedProcess(name, child, logFile);
}

/** A running etcd + kube-apiserver pair and a client for it. Start with {@link KubeCluster.start}. */
export class KubeCluster {
  /**
   * Start etcd and kube-apiserver on loopback and wait until /readyz answers ok.
   * Throws one line naming the missing programs when they are not installed.
   */
  public static async start(): Promise<KubeCluster> {
    const [etcdBin, apiserverBin] = requireTools('etcd', 'kube-apiserver');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-kube-'));
    const cluster = new KubeCluster(dir);
    try {
      await cluster.boot(etcdBin, apiserverBin);
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  /** `https://127.0.0.1:<port>`. */
  public url = '';
  /** The bearer token of the system:masters user. */
  public readonly token = crypto.randomBytes(24).toString('hex');
  private readonly procs: LoggedProcess[] = [];
  private readonly agent = new https.Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: false });
  private discovery: Map<string, KubeResource> | undefined;

  private constructor(public readonly dir: string) {}

  private async boot(etcdBin: string, apiserverBin: string): Promise<void> {
    const [clientPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];
    const etcd = startLogged('etcd', etcdBin, [
      '--name=edge', `--data-dir=${path.join(this.dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${clientPort}`, `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=edge=http://127.0.0.1:${peerPort}`, '--unsafe-no-fsync', '--log-level=warn',
    ], this.dir);
    this.procs.push(etcd);

    // Service-account token signing keys (the apiserver refuses to start without them).
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const saKey = path.join(this.dir, 'sa.key');
    const saPub = path.join(this.dir, 'sa.pub');
    fs.writeFileSync(saKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    fs.writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));
    const tokens = path.join(this.dir, 'tokens.csv');
    fs.writeFileSync(tokens, `${this.token},edge-admin,edge-admin,"system:masters"\n`, { mode: 0o600 });

    const apiserver = startLogged('kube-apiserver', apiserverBin, [
      `--etcd-servers=http://127.0.0.1:${clientPort}`,
      `--secure-port=${securePort}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
      // No --tls-cert-file: the apiserver writes a self-signed serving certificate for localhost/127.0.0.1 here.
      `--cert-dir=${path.join(this.dir, 'certs')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saPub}`, `--service-account-signing-key-file=${saKey}`,
      `--token-auth-file=${tokens}`, '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.96.0.0/16',
      // Nothing outside loopback: no endpoint reconciling for the kubernetes Service, no profiling endpoints.
      '--endpoint-reconciler-type=none', '--profiling=false',
      '--enable-priority-and-fairness=false',
      '--v=1',
    ], this.dir);
    this.procs.push(apiserver);
    this.url = `https://127.0.0.1:${securePort}`;

    const deadline = Date.now() + 90_000;
    let last = '';
    for (;;) {
      for (const p of this.procs) {
        if (p.exited) throw new Error(`${p.name} exited during start-up; last log lines:\n${p.tail()}`);
      }
      try {
        const res = await this.request('GET', '/readyz');
        if (res.status === 200) break;
        last = `/readyz ${res.status}: ${typeof res.body === 'string' ? res.body.slice(0, 500) : JSON.stringify(res.body)}`;
      } catch (e) {
        last = String(e);
      }
      if (Date.now() > deadline) throw new Error(`kube-apiserver not ready after 90 s (${last}); log:\n${apiserver.tail()}`);
      await sleep(250);
    }
  }

  /** Stop kube-apiserver and etcd and delete the temp folder. Safe to call when start-up failed half-way. */
  public async stop(): Promise<void> {
    for (const p of [...this.procs].reverse()) await p.stop();
    this.agent.destroy();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** One API request; `body` is sent as JSON. */
  public request(method: string, pathAndQuery: string, body?: any, contentType = 'application/json'): Promise<KubeResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(this.url + pathAndQuery, {
        method,
        agent: this.agent,
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': contentType, 'Content-Length': String(payload.length) } : {}),
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = text;
          try { parsed = JSON.parse(text); } catch { /* not JSON */ }
          const warnings: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            if (res.rawHeaders[i].toLowerCase() === 'warning') warnings.push(parseWarning(res.rawHeaders[i + 1]));
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
        });
      });
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${pathAndQuery}: no answer in 60 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Resource name and scope of `apiVersion` + `kind`, from discovery (/api, /apis), so CRDs work once installed. */
  public async resourceFor(apiVersion: string, kind: string): Promise<KubeResource | undefined> {
    const key = `${apiVersion}/${kind}`;
    if (!this.discovery || !this.discovery.has(key)) this.discovery = await this.discover();
    return this.discovery.get(key);
  }

  /** The URL path of the collection `obj` belongs to (namespace resolved as for {@link create}). */
  public async collectionPath(obj: any, defaultNamespace?: string): Promise<string> {
    const res = await this.resourceFor(obj.apiVersion, obj.kind);
    if (!res) throw new Error(`the API server serves no ${obj.apiVersion} ${obj.kind} (is its CRD installed?)`);
    const base = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
    if (!res.namespaced) return `${base}/${res.resource}`;
    const ns = obj.metadata?.namespace ?? defaultNamespace ?? 'default';
    return `${base}/namespaces/${encodeURIComponent(ns)}/${res.resource}`;
  }

  /** POST `obj` with `fieldValidation=Strict` (and `dryRun=All` when asked). Never throws on an HTTP error. */
  public async create(obj: any, options: CreateOptions = {}): Promise<KubeResponse> {
    const query = `?fieldValidation=Strict${options.dryRun ? '&dryRun=All' : ''}`;
    return this.request('POST', (await this.collectionPath(obj, options.defaultNamespace)) + query, obj);
  }

  /** GET one object (by the same apiVersion/kind/metadata as `obj`). */
  public async get(obj: any, defaultNamespace?: string): Promise<KubeResponse> {
    return this.request('GET', `${await this.collectionPath(obj, defaultNamespace)}/${encodeURIComponent(obj.metadata.name)}`);
  }

  /** Replace the status subresource of an object (as a controller would). */
  public async putStatus(obj: any): Promise<KubeResponse> {
    return this.request('PUT', `${await this.collectionPath(obj)}/${encodeURIComponent(obj.metadata.name)}/status`, obj);
  }

  /**
   * Create the CustomResourceDefinitions in `files` (multi-document YAML; other kinds ignored), wait until each is
   * Established and its kinds are discoverable. Returns the CRD names.
   */
  public async installCrds(files: string[]): Promise<string[]> {
    const crds = files.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJSON()))
      .filter((d) => d?.kind === 'CustomResourceDefinition');
    for (const crd of crds) {
      const res = await this.create(crd);
      if (res.status !== 201 && res.status !== 409) {
        throw new Error(`CRD ${crd.metadata.name}: HTTP ${res.status}: ${res.body?.message ?? JSON.stringify(res.body)}`);
      }
    }
    const deadline = Date.now() + 60_000;
    for (const crd of crds) {
      for (;;) {
        const res = await this.get(crd);
        const established = (res.body?.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True');
        if (established) break;
        if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not Established after 60 s: ${JSON.stringify(res.body?.status)}`);
        await sleep(200);
      }
    }
    // Discovery follows establishment closely but not atomically: wait until every served version is listed.
    const wanted = crds.flatMap((c) => c.spec.versions.filter((v: any) => v.served).map((v: any) => `${c.spec.group}/${v.name}/${c.spec.names.kind}`));
    for (;;) {
      this.discovery = await this.discover();
      const missing = wanted.filter((k) => !this.discovery!.has(k));
      if (missing.length === 0) break;
      if (Date.now() > deadline) throw new Error(`CRD kinds not discoverable after 60 s: ${missing.join(', ')}`);
      await sleep(200);
    }
    return crds.map((c) => c.metadata.name);
  }

  private async discover(): Promise<Map<string, KubeResource>> {
    const map = new Map<string, KubeResource>();
    const versions: string[] = [];
    const core = await this.request('GET', '/api');
    for (const v of core.body?.versions ?? []) versions.push(`/api/${v}`);
    const groups = await this.request('GET', '/apis');
    for (const g of groups.body?.groups ?? []) for (const v of g.versions ?? []) versions.push(`/apis/${v.groupVersion}`);
    const lists = await Promise.all(versions.map((v) => this.request('GET', v)));
    for (const list of lists) {
      if (list.status !== 200) continue;
      for (const r of list.body?.resources ?? []) {
        if (r.name.includes('/')) continue; // subresources
        map.set(`${list.body.groupVersion}/${r.kind}`, { resource: r.name, namespaced: r.namespaced });
      }
    }
    return map;
  }
}

/** `299 - "text"` → `text`. */
function parseWarning(header: string): string {
  const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(header);
  return m ? m[1].replace(/\\(.)/g, '$1') : header;
}

/** Every CRD YAML file under the pinned schema folder (see SOURCES.md there), Strimzi 0.51.0 excluded. */
export function pinnedCrdFiles(): string[] {
  const root = path.join(locateSchemas(), 'crds');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!CRD_EXCLUDE.some((x) => p.endsWith(x))) walk(p);
      } else if (/\.ya?ml$/.test(e.name)) {
        out.push(p);
      }
    }
  };
  walk(root);
  return out;
}
