// Helpers of the IoTSite end-to-end real test (not a test file): a throw-away CA with loopback server certificates,
// the mapping of a pod's mount paths and Service DNS names to temp folders and loopback addresses, a stand-in for
// InfluxDB's write API, and text substitutions that must each match exactly once (so a changed manifest fails loudly
// instead of running with an unmapped value).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as zlib from 'zlib';

/** Replace each `[from, to]` in `text`; every `from` must occur exactly once (else the manifest changed: throw). */
export function substitute(what: string, text: string, pairs: Array<[string, string]>): string {
  let out = text;
  for (const [from, to] of pairs) {
    const count = out.split(from).length - 1;
    if (count !== 1) throw new Error(`${what}: expected "${from}" exactly once, found it ${count} time(s) in:\n${out}`);
    out = out.replace(from, () => to);
  }
  return out;
}

/** A CA and one server certificate (SAN IP:127.0.0.1, DNS:localhost), PEM files under `dir`. */
export interface TestPki {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** The server key followed by its certificate (Kafka's PEM key store file). */
  readonly serverKeyAndCert: string;
}

export function makePki(dir: string): TestPki {
  fs.mkdirSync(dir, { recursive: true });
  const f = (n: string) => path.join(dir, n);
  const openssl = (args: string[]) => {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  };
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=iot-e2e test CA', '-keyout', f('ca.key'), '-out', f('ca.crt')]);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', f('server.key'), '-out', f('server.csr')]);
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('server.crt')]);
  fs.writeFileSync(f('server.pem'), fs.readFileSync(f('server.key'), 'utf8') + fs.readFileSync(f('server.crt'), 'utf8'));
  return { caCert: f('ca.crt'), serverCert: f('server.crt'), serverKey: f('server.key'), serverKeyAndCert: f('server.pem') };
}

/** Secret values the test supplies (what an operator, Strimzi or cert-manager would create): name → key → value. */
export type SecretValues = { [secret: string]: { [key: string]: string } };

/**
 * Lay out a pod's volumes for one container under `root`: every volumeMount becomes `<root>/<volume name>`, filled
 * from the Secret values (secret volumes, with their `items` mapping) or the synthesized ConfigMaps (configMap
 * volumes); emptyDirs stay empty (mode 0777, like the kubelet's). Returns mountPath → folder.
 */
export function layOutVolumes(podSpec: any, container: any, root: string, secrets: SecretValues, manifests: any[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of container.volumeMounts ?? []) {
    const volume = (podSpec.volumes ?? []).find((v: any) => v.name === m.name);
    if (!volume) throw new Error(`volumeMount ${m.name} has no volume`);
    const dir = path.join(root, m.name);
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      fs.chmodSync(dir, 0o777);
      const files: { [file: string]: string } = {};
      if (volume.secret) {
        const data = secrets[volume.secret.secretName];
        if (!data) throw new Error(`Secret ${volume.secret.secretName} (volume ${m.name}) not supplied by the test`);
        for (const item of volume.secret.items ?? Object.keys(data).map((k) => ({ key: k, path: k }))) {
          if (data[item.key] === undefined) throw new Error(`Secret ${volume.secret.secretName} has no key ${item.key}`);
          files[item.path] = data[item.key];
        }
      } else if (volume.configMap) {
        const cm = manifests.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name);
        if (!cm) throw new Error(`ConfigMap ${volume.configMap.name} (volume ${m.name}) is not in the manifests`);
        for (const item of volume.configMap.items ?? Object.keys(cm.data).map((k) => ({ key: k, path: k }))) files[item.path] = cm.data[item.key];
      } else if (!volume.emptyDir) {
        throw new Error(`volume ${m.name}: only secret, configMap and emptyDir volumes are laid out here`);
      }
      for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content, { mode: 0o644 });
    }
    out.set(m.mountPath, dir);
  }
  return out;
}

/** A container's env: plain values as given, Secret references resolved from `secrets` (as the kubelet does). */
export function resolveEnv(container: any, secrets: SecretValues): { [name: string]: string } {
  const env: { [name: string]: string } = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = e.value;
      continue;
    }
    const ref = e.valueFrom?.secretKeyRef;
    if (!ref) throw new Error(`env ${e.name}: only values and secretKeyRefs are resolved here`);
    const v = secrets[ref.name]?.[ref.key];
    if (v === undefined) throw new Error(`env ${e.name}: Secret ${ref.name} key ${ref.key} not supplied by the test`);
    env[e.name] = v;
  }
  return env;
}

/** Rewrite a value that lies under one of the mount paths to the folder standing in for that mount. */
export function mapPath(value: string, mounts: Map<string, string>): string {
  for (const [mountPath, dir] of mounts) {
    if (value === mountPath) return dir;
    if (value.startsWith(`${mountPath}/`)) return dir + value.slice(mountPath.length);
  }
  return value;
}

/** One request the InfluxDB stand-in received. */
export interface WriteRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: http.IncomingHttpHeaders;
  /** The body, gunzipped when sent with `Content-Encoding: gzip`. */
  readonly body: string;
}

/**
 * A stand-in for InfluxDB 2's HTTP API on loopback (InfluxDB itself cannot run here): records every request and
 * answers `POST /api/v2/write` with 204, anything else with 404 (everything with 503 while `down`).
 */
export class InfluxWriteStandIn {
  public static async start(): Promise<InfluxWriteStandIn> {
    const s = new InfluxWriteStandIn();
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', () => resolve()));
    return s;
  }

  public readonly requests: WriteRequest[] = [];
  /** While true, every request is answered 503 (InfluxDB down) and not recorded. */
  public down = false;
  private readonly server: http.Server;

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.down) {
          res.writeHead(503);
          res.end();
          return;
        }
        let raw = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') raw = zlib.gunzipSync(raw);
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        this.requests.push({ method: req.method ?? '', url, headers: req.headers, body: raw.toString('utf8') });
        res.writeHead(req.method === 'POST' && url.pathname === '/api/v2/write' ? 204 : 404);
        res.end();
      });
    });
  }

  public get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  public stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A line-protocol point, parsed (enough for the test's own points: no escapes, no strings with spaces). */
export interface Point {
  readonly measurement: string;
  readonly tags: { [k: string]: string };
  readonly fields: { [k: string]: number };
  /** Nanoseconds, as a decimal string. */
  readonly time: string;
}

export function parseLine(line: string): Point {
  const [head, fieldText, time] = line.trim().split(' ');
  const [measurement, ...tagParts] = head.split(',');
  const tags = Object.fromEntries(tagParts.map((t) => t.split('=') as [string, string]));
  const fields = Object.fromEntries(fieldText.split(',').map((f) => {
    const [k, v] = f.split('=');
    return [k, Number(v.replace(/i$/, ''))];
  }));
  return { measurement, tags, fields, time };
}

/** A canonical text of a point (sorted tags and fields), to compare sets of points. */
export function pointKey(p: Point): string {
  const tags = Object.keys(p.tags).sort().map((k) => `${k}=${p.tags[k]}`).join(',');
  const fields = Object.keys(p.fields).sort().map((k) => `${k}=${p.fields[k]}`).join(',');
  return `${p.measurement}|${tags}|${fields}|${p.time}`;
}
