import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ModelReleaseScript, ModelReleaseScriptOptions } from '../../../src/sync/model-release/release-script';
import { requireTools } from '../../support/tools';

requireTools('rclone');

// Runs the exact script the ModelReleaseSync CronJob runs, with the real rclone binary, against two local "buckets".
let root: string;
let cloud: string;
let edge: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'model-release-'));
  cloud = path.join(root, 'cloud');
  edge = path.join(root, 'edge');
  fs.mkdirSync(cloud);
  fs.mkdirSync(edge);
});
afterEach(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

function publish(model: string, version: string, files: { [name: string]: string }, corrupt?: string) {
  const dir = path.join(cloud, model, version);
  fs.mkdirSync(dir, { recursive: true });
  const sums: string[] = [];
  for (const [name, body] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), body);
    sums.push(`${createHash('sha256').update(body).digest('hex')}  ${name}`);
  }
  fs.writeFileSync(path.join(dir, 'SHA256SUMS'), sums.join('\n') + '\n');
  if (corrupt) fs.writeFileSync(path.join(dir, corrupt), 'tampered');
  fs.writeFileSync(path.join(cloud, model, 'release'), `${version}\n`);
}

function run(options: Partial<ModelReleaseScriptOptions> = {}, maxFileBlocks?: number, env: { [k: string]: string } = {}) {
  const script = ModelReleaseScript.render({ source: `cloud:${cloud}`, target: `edge:${edge}`, models: ['detector', 'ocr'], versionsRetained: 2, ...options });
  const file = path.join(root, 'release.sh');
  fs.writeFileSync(file, script);
  // maxFileBlocks: `ulimit -f` (512-byte blocks) for the script and rclone, i.e. no file it writes may grow larger.
  const res = spawnSync('sh', maxFileBlocks === undefined ? [file] : ['-c', `ulimit -f ${maxFileBlocks}; exec sh "$0"`, file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, TMPDIR: root, RCLONE_CONFIG: path.join(root, 'none.conf'), RCLONE_CONFIG_CLOUD_TYPE: 'local', RCLONE_CONFIG_EDGE_TYPE: 'local', ...env },
  });
  return { status: res.status, out: `${res.stdout}${res.stderr}` };
}

const read = (...p: string[]) => fs.readFileSync(path.join(edge, ...p), 'utf8');

test('pulls, verifies and promotes releases; keeps N versions; refuses corrupt ones; rolls back to a pin', () => {
  // Nothing announced yet: nothing happens, success.
  let r = run();
  expect(r.status).toBe(0);
  expect(r.out).toContain('detector: no release announced yet');

  publish('detector', 'v1', { 'model.onnx': 'weights-1', 'labels.txt': 'cat\ndog\n' });
  r = run();
  expect(r.status).toBe(0);
  expect(read('detector', 'current')).toBe('v1\n');
  expect(read('detector', 'v1', 'model.onnx')).toBe('weights-1');
  expect(read('detector', 'history')).toBe('v1\n');

  // Second run is a no-op.
  r = run();
  expect(r.out).toContain('detector: v1 is current');

  publish('detector', 'v2', { 'model.onnx': 'weights-2' });
  publish('detector', 'v3', { 'model.onnx': 'weights-3' });
  r = run();
  expect(read('detector', 'current')).toBe('v3\n');
  expect(read('detector', 'history')).toBe('v3\nv1\n');
  expect(fs.existsSync(path.join(edge, 'detector', 'v2'))).toBe(false); // v2 was never announced when the job ran

  publish('detector', 'v4', { 'model.onnx': 'weights-4' });
  r = run();
  expect(read('detector', 'current')).toBe('v4\n');
  expect(read('detector', 'history')).toBe('v4\nv3\n');
  expect(r.out).toContain('detector: pruned v1');
  expect(fs.existsSync(path.join(edge, 'detector', 'v1'))).toBe(false);

  // A corrupt release is pulled but never promoted, and the job fails.
  publish('detector', 'v5', { 'model.onnx': 'weights-5' }, 'model.onnx');
  r = run();
  expect(r.status).toBe(1);
  expect(r.out).toContain('detector: v5 FAILED SHA-256 verification; current stays at v4');
  expect(read('detector', 'current')).toBe('v4\n');

  // Rollback: pin a retained version.
  r = run({ pinned: { detector: 'v3' } });
  expect(r.status).toBe(0);
  expect(read('detector', 'current')).toBe('v3\n');
  expect(read('detector', 'history')).toBe('v3\nv4\n');

  // Pinning a version that is no longer retained fails and changes nothing.
  r = run({ pinned: { detector: 'v1' } });
  expect(r.status).toBe(1);
  expect(r.out).toContain('pinned version v1 is not retained');
  expect(read('detector', 'current')).toBe('v3\n');
});

test('verifies a release in place: no copy of the model is written to the job\'s temporary folder', () => {
  // The version is already on the edge (pulled earlier); promoting it must only read it. With every file the job
  // writes limited to 1 KiB, a local copy of the 64 KiB model for hashing fails, streaming hashes do not.
  const weights = 'w'.repeat(64 * 1024);
  publish('detector', 'v1', { 'model.onnx': weights });
  fs.cpSync(path.join(cloud, 'detector', 'v1'), path.join(edge, 'detector', 'v1'), { recursive: true });
  let r = run({ models: ['detector'] }, 2);
  expect({ status: r.status, out: r.status === 0 ? '' : r.out }).toEqual({ status: 0, out: '' });
  expect(read('detector', 'current')).toBe('v1\n');
  // A corrupted copy on the edge is still caught, in place (pinned: the job verifies what is retained, copies nothing).
  publish('detector', 'v2', { 'model.onnx': weights });
  fs.cpSync(path.join(cloud, 'detector', 'v2'), path.join(edge, 'detector', 'v2'), { recursive: true });
  fs.writeFileSync(path.join(edge, 'detector', 'v2', 'model.onnx'), weights.replace(/w$/, 'x'));
  r = run({ models: ['detector'], pinned: { detector: 'v2' } }, 2);
  expect(r.status).toBe(1);
  expect(r.out).toContain('detector: v2 FAILED SHA-256 verification; current stays at v1');
  expect(read('detector', 'current')).toBe('v1\n');
});

test('refuses release names that could escape the model folder', () => {
  fs.mkdirSync(path.join(cloud, 'ocr'), { recursive: true });
  fs.writeFileSync(path.join(cloud, 'ocr', 'release'), '../detector\n');
  const r = run({ models: ['ocr'] });
  expect(r.status).toBe(1);
  expect(r.out).toContain("refusing version name '../detector'");
});

test('refuses version names reserved for the pointer objects', () => {
  publish('detector', 'v1', { 'model.onnx': 'weights-1' });
  fs.writeFileSync(path.join(cloud, 'detector', 'release'), 'current\n');
  const r = run({ models: ['detector'] });
  expect(r.status).toBe(1);
  expect(r.out).toContain("refusing version name 'current'");
  expect(fs.existsSync(path.join(edge, 'detector', 'current'))).toBe(false);
});

test('with no model list, discovers model folders up to the planned count and fails on the surplus', () => {
  publish('ocr', 'v1', { 'model.onnx': 'ocr-1' });
  publish('detector', 'v2', { 'model.onnx': 'det-2' });
  publish('zz-extra', 'v1', { 'model.onnx': 'extra-1' });
  fs.mkdirSync(path.join(cloud, 'Not_A_Model'));
  let r = run({ models: [], discoverUpTo: 2 });
  // Alphabetical: detector and ocr are managed, zz-extra is over the limit, Not_A_Model is not a model name.
  expect(read('detector', 'current')).toBe('v2\n');
  expect(read('ocr', 'current')).toBe('v1\n');
  expect(fs.existsSync(path.join(edge, 'zz-extra'))).toBe(false);
  expect(r.out).toContain('zz-extra: not managed: the site is sized for 2 models');
  expect(r.out).toContain("ignoring folder 'Not_A_Model'");
  expect(r.status).toBe(1);

  r = run({ models: [], discoverUpTo: 3 });
  expect(r.status).toBe(0);
  expect(read('zz-extra', 'current')).toBe('v1\n');
  expect(r.out).toContain('detector: v2 is current');
});

test('an interrupted pull is completed, and a damaged edge copy replaced, before verification', () => {
  publish('detector', 'v1', { 'model.onnx': 'weights-1', 'labels.txt': 'cat\n' });
  // A previous run was cut off: the list arrived, one file did not; another arrived damaged.
  fs.mkdirSync(path.join(edge, 'detector', 'v1'), { recursive: true });
  fs.copyFileSync(path.join(cloud, 'detector', 'v1', 'SHA256SUMS'), path.join(edge, 'detector', 'v1', 'SHA256SUMS'));
  fs.writeFileSync(path.join(edge, 'detector', 'v1', 'labels.txt'), 'dog\n');
  const r = run({ models: ['detector'] });
  expect({ status: r.status, out: r.out }).toEqual({ status: 0, out: expect.stringContaining('detector: promoted v1 (was none)') });
  expect(read('detector', 'v1', 'model.onnx')).toBe('weights-1');
  expect(read('detector', 'v1', 'labels.txt')).toBe('cat\n');
});

test('a release without SHA256SUMS (or with an empty one) is refused: nothing was verified', () => {
  publish('detector', 'v1', { 'model.onnx': 'weights-1' });
  fs.writeFileSync(path.join(cloud, 'detector', 'v1', 'SHA256SUMS'), '\n');
  let r = run({ models: ['detector'] });
  expect(r.status).toBe(1);
  expect(r.out).toContain('detector: v1 has no SHA256SUMS (or an empty one); current stays at none');
  expect(fs.existsSync(path.join(edge, 'detector', 'current'))).toBe(false);
  fs.rmSync(path.join(cloud, 'detector', 'v1', 'SHA256SUMS'));
  fs.rmSync(path.join(edge, 'detector'), { recursive: true });
  r = run({ models: ['detector'] });
  expect(r.status).toBe(1);
  expect(r.out).toContain('detector: v1 has no SHA256SUMS (or an empty one); current stays at none');
  expect(fs.existsSync(path.join(edge, 'detector', 'current'))).toBe(false);
});

test('a cloud the job cannot read (down, refused keys) fails the run instead of reading as "no release announced"; current stays', () => {
  publish('detector', 'v1', { 'model.onnx': 'weights-1' });
  expect(run().status).toBe(0);
  expect(read('detector', 'current')).toBe('v1\n');
  // The cloud store unreachable: an S3 remote on a closed loopback port.
  const down = run({}, undefined, {
    RCLONE_CONFIG_CLOUD_TYPE: 's3',
    RCLONE_CONFIG_CLOUD_PROVIDER: 'Other',
    RCLONE_CONFIG_CLOUD_ENDPOINT: 'http://127.0.0.1:9',
    RCLONE_CONFIG_CLOUD_ACCESS_KEY_ID: 'k',
    RCLONE_CONFIG_CLOUD_SECRET_ACCESS_KEY: 's',
    RCLONE_RETRIES: '1',
    RCLONE_LOW_LEVEL_RETRIES: '1',
  });
  expect(down.status).toBe(1);
  expect(down.out).toMatch(/detector: cannot read cloud:\S+\/detector\/release \(rclone exit \d+: .*\); current stays at v1/);
  expect(down.out).not.toContain('no release announced');
  expect(read('detector', 'current')).toBe('v1\n');
});
