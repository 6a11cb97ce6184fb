/**
 * The Python, Java and Go packages, used the way the README's "Other languages" section says (its marked blocks are
 * run as they stand): each builds the same VideoSurveillanceSite and writes its manifests and report, which must be
 * byte-identical to what TypeScript synthesizes from the library's source. The packages are built first when missing
 * or older than the code (`npx projen package:<lang>`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Size } from 'cdk8s';
import { ensurePackage, PackageLanguage, REPO_ROOT } from './packages';
import { readmeSteps, ReadmeStep } from './readme';
import {
  Bandwidth, DecimalSize, EdgeSite, ExternalObjectStore, KafkaCredentials, ObjectStoreFlavor, VideoSurveillanceSite,
  S3Credentials,
} from '../../src';
import { requireTools, toolsDir } from '../support/tools';

// Building a missing package (and, for Java and Go, the dependencies' bindings) takes minutes on a cold machine.
const BUILD_TIMEOUT_MS = 30 * 60_000;
const [bash] = requireTools('bash', 'npm', 'python3', 'mvn', 'java', 'go');
const steps = readmeSteps('bindings-test');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The TypeScript synthesis of the site every README snippet builds. */
function reference(): { [name: string]: string } {
  const outdir = path.join(work, 'typescript');
  const app = new App({ outdir });
  new VideoSurveillanceSite(app, 'store-0417', {
    siteName: 'store-0417',
    cameras: 100,
    bitrateMbps: 4,
    retention: Duration.days(7),
    driveSize: DecimalSize.terabytes(24),
    storageClassName: 'lvm-xfs',
    wanCidrs: ['198.51.100.0/24'],
    cloud: {
      kafka: {
        bootstrapServers: 'kafka.cloud.example.com:9093',
        caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
        credentials: KafkaCredentials.fromSecretName('cloud-kafka-user', { username: 'store-0417-mm2' }),
      },
      archive: new ExternalObjectStore({
        s3Endpoint: 'https://s3.eu-central-1.amazonaws.com',
        region: 'eu-central-1',
        flavor: ObjectStoreFlavor.AWS_S3,
        credentials: S3Credentials.fromSecretName('cloud-archive-keys'),
      }),
      archiveBucket: 'fleet-video-archive',
      archiveBandwidthLimit: Bandwidth.mebibytesPerSecond(64),
    },
    backup: { veleroCredential: { name: 'velero-store-0417', key: 'cloud' } },
    cache: { viewerCidrs: ['10.20.0.0/24'], cacheVolumeSize: Size.gibibytes(500) },
  });
  app.synth();
  EdgeSite.writeReports(app);
  return filesUnder(outdir);
}

function filesUnder(dir: string): { [name: string]: string } {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** The README blocks of one language's project folder (shell blocks that create it count as its own). */
function stepsFor(folder: string): ReadmeStep[] {
  return steps.filter((s) => s.target.split('/')[0] === folder || (s.kind === 'shell' && s.target === '' && new RegExp(`^mkdir ${folder}\\b`, 'm').test(s.text)));
}

function runReadme(folder: string, env: NodeJS.ProcessEnv): { [name: string]: string } {
  const mine = stepsFor(folder);
  expect(mine.length).toBeGreaterThan(1);
  for (const step of mine) {
    const target = path.join(work, step.target);
    if (step.kind === 'file') {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, step.text);
      continue;
    }
    fs.mkdirSync(target, { recursive: true });
    const r = spawnSync(bash, ['-euo', 'pipefail', '-c', step.text], { cwd: target, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) {
      throw new Error(`README.md:${step.line}: the block failed (exit ${r.status}):\n${step.text}\n${`${r.stdout}${r.stderr}`.slice(-5000)}`);
    }
  }
  return filesUnder(path.join(work, folder, 'dist'));
}

let want: { [name: string]: string };
beforeAll(() => {
  want = reference();
});

const env = (): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, EDGE_STORAGE_REPO: REPO_ROOT, npm_config_update_notifier: 'false' };
  delete e.CDK8S_OUTDIR; // every app writes to dist/ in its folder (cdk8s synth sets it to that too)
  delete e.EDGE_STORAGE_SILENCE_WARNINGS;
  return e;
};

const languages: Array<[PackageLanguage, string, () => NodeJS.ProcessEnv]> = [
  ['python', 'my-sites-py', env],
  ['java', 'my-sites-java', () => {
    // A Maven local repository kept between runs for the downloads, without this library's (rebuilt) artifacts.
    const m2 = path.join(toolsDir(), 'bindings-m2');
    fs.rmSync(path.join(m2, 'io', 'github', 'cdk8s-edge-storage'), { recursive: true, force: true });
    return { ...env(), MAVEN_OPTS: `-Dmaven.repo.local=${m2}` };
  }],
  ['go', 'my-sites-go', env],
];

test('the README marks a project for each language', () => {
  expect(steps.length).toBeGreaterThan(0);
  for (const [, folder] of languages) expect(stepsFor(folder).length).toBeGreaterThan(1);
});

test.each(languages)('%s: the README snippet synthesizes the same bytes as TypeScript', (lang, folder, makeEnv) => {
  ensurePackage(lang);
  const got = runReadme(folder, makeEnv());
  expect(Object.keys(got)).toEqual(Object.keys(want));
  expect(Object.keys(want)).toEqual(['store-0417.k8s.yaml', 'store-0417.report.md']);
  for (const f of Object.keys(want)) expect(`${f}:\n${got[f]}`).toBe(`${f}:\n${want[f]}`);
}, BUILD_TIMEOUT_MS);
