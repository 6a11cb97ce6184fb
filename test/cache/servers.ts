// Helpers for the real-server tests: free ports, a tiny origin, nginx and redis processes, an HTTP client and a
// minimal RESP client. Every process is started and stopped by the test that uses it.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { freePort } from '../support/net';
import { requireTools } from '../support/tools';

export { freePort };

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** GET (or another method) over a fresh connection. */
export function request(url: string, headers: { [key: string]: string } = {}, method = 'GET'): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Deterministic bytes: byte i is (i * 7 + 13) mod 251, so any wrong offset shows. */
export function pattern(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7 + 13) % 251;
  return b;
}

export interface OriginRequest {
  method: string;
  url: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  httpVersion: string;
  socket: number;
}

export interface OriginObject {
  body: Buffer;
  headers?: { [key: string]: string };
  delayMs?: number;
  status?: number;
}

/**
 * A small HTTP origin: serves registered objects (with Range support), records every request, and can act as an
 * S3 ListObjectsV2 endpoint for a bucket.
 */
export class Origin {
  public readonly requests: OriginRequest[] = [];
  public port = 0;
  private readonly objects = new Map<string, OriginObject>();
  private readonly server: http.Server;
  private sockets = 0;
  private readonly listings = new Map<string, string[]>();

  constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket: net.Socket & { originId?: number }) => {
      socket.originId = ++this.sockets;
    });
  }

  public async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** Stop listening and drop every open connection (nginx's keep-alive ones too). */
  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  public set(pathName: string, object: OriginObject): void {
    this.objects.set(pathName, object);
  }

  /** Answer `GET /<bucket>/?list-type=2&prefix=…` with these keys, `pageSize` per page. */
  public bucket(bucket: string, keys: string[]): void {
    this.listings.set(bucket, [...keys].sort());
  }

  /** Requests whose decoded path is `pathName`. */
  public hits(pathName: string): OriginRequest[] {
    return this.requests.filter((r) => r.path === pathName);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://origin');
    const pathName = decodeURIComponent(u.pathname);
    this.requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '',
      path: pathName,
      headers: req.headers,
      httpVersion: req.httpVersion,
      socket: (req.socket as net.Socket & { originId?: number }).originId ?? 0,
    });
    const bucket = /^\/([^/]+)\/?$/.exec(pathName)?.[1];
    if (bucket && this.listings.has(bucket) && u.searchParams.get('list-type') === '2') {
      this.list(bucket, u, res);
      return;
    }
    const object = this.objects.get(pathName);
    if (!object) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    const send = () => {
      const total = object.body.length;
      const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
      const headers = { 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes', 'ETag': `"${total}"`, ...object.headers };
      if (range && (object.status ?? 200) === 200) {
        const start = Number(range[1]);
        const end = Math.min(range[2] ? Number(range[2]) : total - 1, total - 1);
        if (start >= total) {
          res.writeHead(416, { 'Content-Range': `bytes */${total}` });
          res.end();
          return;
        }
        res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${total}`, 'Content-Length': String(end - start + 1) });
        res.end(req.method === 'HEAD' ? undefined : object.body.subarray(start, end + 1));
        return;
      }
      res.writeHead(object.status ?? 200, { ...headers, 'Content-Length': String(total) });
      res.end(req.method === 'HEAD' ? undefined : object.body);
    };
    if (object.delayMs) setTimeout(send, object.delayMs);
    else send();
  }

  private list(bucket: string, u: URL, res: http.ServerResponse): void {
    const prefix = u.searchParams.get('prefix') ?? '';
    const keys = this.listings.get(bucket)!.filter((k) => k.startsWith(prefix));
    const after = u.searchParams.get('continuation-token');
    const start = after ? keys.findIndex((k) => k > Buffer.from(after, 'base64').toString('utf8')) : 0;
    const pageSize = 2;
    const page = start < 0 ? [] : keys.slice(start, start + pageSize);
    const truncated = start >= 0 && start + pageSize < keys.length;
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
    const token = truncated ? Buffer.from(page[page.length - 1], 'utf8').toString('base64') : '';
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${bucket}</Name><Prefix>${esc(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${pageSize}</MaxKeys>`,
      `<IsTruncated>${truncated}</IsTruncated>`,
      ...(truncated ? [`<NextContinuationToken>${esc(token)}</NextContinuationToken>`] : []),
      ...page.map((k) => `<Contents>\n<Key>${esc(k)}</Key><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>`),
      '</ListBucketResult>',
    ].join('\n');
    res.writeHead(200, { 'Content-Type': 'application/xml' });
    res.end(xml);
  }
}

/** A child process with its output kept for diagnostics. */
export class Proc {
  public output = '';
  public exited = false;
  private readonly exit: Promise<number | null>;

  constructor(public readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => { this.output += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { this.output += d.toString(); });
    this.exit = new Promise((resolve) => child.on('exit', (code) => { this.exited = true; resolve(code); }));
  }

  /** Stop the process (SIGTERM, then SIGKILL if it lingers) and wait for it. */
  public async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => { if (!this.exited) this.child.kill('SIGKILL'); }, 5000);
    await this.exit;
    clearTimeout(timer);
  }
}

/** Poll `probe` until it resolves true (at most `attempts` × 100 ms); throws with `describe()` otherwise. */
export async function waitFor(probe: () => Promise<boolean>, describe: () => string, attempts = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting: ${describe()}`);
}

/** Runtime paths for nginx under a temporary prefix (what the tests pass to `NginxCacheConfig.render`). */
export function nginxRuntime(prefix: string) {
  fs.mkdirSync(path.join(prefix, 'tmp'), { recursive: true });
  return {
    listenAddress: '127.0.0.1',
    cacheDirectory: path.join(prefix, 'cache'),
    tempDirectory: path.join(prefix, 'tmp'),
    pidFile: path.join(prefix, 'nginx.pid'),
    accessLog: path.join(prefix, 'access.log'),
    // As root, the master would switch workers to "nobody", which cannot enter the private temp prefix.
    user: process.getuid?.() === 0 ? 'root' : undefined,
  };
}

/** `nginx -t` on a config file; returns [exit status, output]. Throws one line when nginx is not installed. */
export function nginxTest(confFile: string, prefix: string): [number, string] {
  const [nginx] = requireTools('nginx');
  const r = spawnSync(nginx, ['-t', '-c', confFile, '-p', prefix, '-e', 'stderr'], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return [r.status ?? -1, `${r.stdout ?? ''}${r.stderr ?? ''}`];
}

/**
 * nginx's complaint about `conf`, with the config lines it names (±3 lines, numbered) instead of the whole file, so
 * the cause is the first thing a failing test shows.
 */
export function explainNginxFailure(output: string, conf: string): string {
  const lines = conf.split('\n');
  const excerpts = [...output.matchAll(/nginx\.conf:(\d+)/g)].map((m) => Number(m[1])).filter((n, i, a) => a.indexOf(n) === i).map((n) => {
    const from = Math.max(1, n - 3);
    const to = Math.min(lines.length, n + 3);
    return lines.slice(from - 1, to).map((l, i) => `${String(from + i).padStart(4)}${from + i === n ? ' >' : '  '} ${l}`).join('\n');
  });
  return [output.trim(), ...excerpts].join('\n');
}

/** Write `conf` under `prefix`, check it with `nginx -t`, start nginx in the foreground and wait for its health endpoint. */
export async function startNginx(conf: string, prefix: string, port: number): Promise<Proc> {
  const confFile = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(confFile, conf);
  const [status, output] = nginxTest(confFile, prefix);
  if (status !== 0) throw new Error(`nginx -t failed (exit ${status}):\n${explainNginxFailure(output, conf)}`);
  const [nginx] = requireTools('nginx');
  const proc = new Proc(spawn(nginx, ['-c', confFile, '-p', prefix, '-e', 'stderr'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await waitFor(async () => !proc.exited && (await request(`http://127.0.0.1:${port}/nginx-health`)).status === 200, () => `nginx on ${port}: ${proc.output}`);
  return proc;
}

/** A minimal RESP2 client (enough for AUTH, PING, SET, GET, CONFIG GET, INFO, DBSIZE). */
export class RespClient {
  public static async connect(port: number): Promise<RespClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return new RespClient(socket);
  }

  private static parse(buf: Buffer, at: number): { value: any; next: number } | undefined {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const line = buf.toString('utf8', at + 1, eol);
    switch (String.fromCharCode(buf[at])) {
      case '+': return { value: line, next: eol + 2 };
      case '-': return { value: { error: line }, next: eol + 2 };
      case ':': return { value: Number(line), next: eol + 2 };
      case '$': {
        const n = Number(line);
        if (n < 0) return { value: null, next: eol + 2 };
        if (buf.length < eol + 2 + n + 2) return undefined;
        return { value: buf.toString('utf8', eol + 2, eol + 2 + n), next: eol + 2 + n + 2 };
      }
      case '*': {
        const n = Number(line);
        const items: any[] = [];
        let next = eol + 2;
        for (let i = 0; i < n; i++) {
          const item = RespClient.parse(buf, next);
          if (!item) return undefined;
          items.push(item.value);
          next = item.next;
        }
        return { value: items, next };
      }
      default: throw new Error(`unexpected RESP reply: ${buf.toString('utf8', at, eol)}`);
    }
  }

  private buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (v: any) => void; reject: (e: Error) => void }> = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.drain();
    });
    socket.on('error', (e) => this.waiting.splice(0).forEach((w) => w.reject(e)));
    socket.on('close', () => this.waiting.splice(0).forEach((w) => w.reject(new Error('connection closed'))));
  }

  /** Send a command; resolves with the reply (errors resolve as `{ error: '...' }`). */
  public call(...args: Array<string | Buffer>): Promise<any> {
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(a);
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(Buffer.concat(parts));
    });
  }

  public close(): void {
    this.socket.destroy();
  }

  private drain(): void {
    while (this.waiting.length > 0) {
      const parsed = RespClient.parse(this.buffer, 0);
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.next);
      this.waiting.shift()!.resolve(parsed.value);
    }
  }
}

/**
 * A tiny DNS server on loopback UDP that answers A queries for the names in `records` (everything else: NXDOMAIN).
 * nginx's own `resolver` talks to it; `stop()` closes the port, so later queries fail like an unreachable DNS.
 */
export class TinyDns {
  public port = 0;
  public queries: string[] = [];
  private socket?: dgram.Socket;

  constructor(private readonly records: { [name: string]: string }) {}

  /** Listen on `host`:`port` (port 0: the OS picks one; 53 needs root, as a pod's resolv.conf has no port). */
  public async start(host = '127.0.0.1', port = 0): Promise<void> {
    const socket = dgram.createSocket('udp4');
    this.socket = socket;
    socket.on('message', (msg, from) => {
      let offset = 12;
      const labels: string[] = [];
      while (offset < msg.length && msg[offset] !== 0) {
        const len = msg[offset];
        labels.push(msg.subarray(offset + 1, offset + 1 + len).toString('ascii'));
        offset += len + 1;
      }
      const question = msg.subarray(12, offset + 5);
      const qtype = msg.readUInt16BE(offset + 1);
      const name = labels.join('.').toLowerCase();
      this.queries.push(`${name}/${qtype}`);
      const address = this.records[name];
      const answer = address !== undefined && qtype === 1
        ? Buffer.concat([Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4]), Buffer.from(address.split('.').map(Number))])
        : Buffer.alloc(0);
      const header = Buffer.alloc(12);
      msg.copy(header, 0, 0, 2); // id
      header.writeUInt16BE(0x8180 + (address === undefined ? 3 : 0), 2); // response, RD+RA, rcode
      header.writeUInt16BE(1, 4);
      header.writeUInt16BE(answer.length > 0 ? 1 : 0, 6);
      socket.send(Buffer.concat([header, question, answer]), from.port, from.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => resolve());
    });
    this.port = socket.address().port;
  }

  public async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
