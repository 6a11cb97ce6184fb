// Real tier: MinioCluster grants. The synthesized StatefulSet runs as real minio processes, the provisioning Job's
// script runs with the real mc, and each consumer then signs with the keys of its grant's Secret: it can do what its
// access allows on its buckets (and prefix), and MinIO answers AccessDenied for everything else.
import { spawnSync } from 'child_process';
import { Size } from 'cdk8s';
import { MinioCluster, ObjectStoreGrant, S3Credentials } from '../../../src';
import { chart, find, synth } from '../../support/harness';
import { MinioTestCluster, s3KeysOf, s3SecretValues, SecretValues } from '../../support/minio';
import { requireTools } from '../../support/tools';

const [, mcBin] = requireTools('minio', 'mc', 'unshare', 'setpriv', 'mkfs.ext4');

jest.setTimeout(300_000);
process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';

const c = chart('site-a');
const store = new MinioCluster(c, 'store', { driveSize: Size.gibibytes(10), rootCredentials: S3Credentials.fromSecretName('store-root') });
store.addBucket('recordings');
store.addBucket('velero');
store.addBucket('models');
const grants = {
  archive: store.grantRead({ name: 'archive', namespace: 'site-a', podLabels: { app: 'archive' } }, { buckets: ['recordings'] }),
  recorders: store.grantWrite({ name: 'recorders', namespace: 'site-a', podLabels: { app: 'recorder' } }, { buckets: ['recordings'] }),
  velero: store.grantReadWrite({ name: 'velero', namespace: 'velero', podLabels: {} }, { buckets: ['velero'], prefix: 'site-a' }),
};
const manifests = synth(c);
const job = find(manifests, 'Job', store.provisioningJobName!);

/** The values an operator would put into the Secrets the grants name (the library only references them). */
// Stored under the key names the credentials objects give (the manifests read the same names by secretKeyRef).
const secrets: SecretValues = { ...s3SecretValues(store.rootCredentials, 'site-root', 'site-root-password-1') };
for (const [name, g] of Object.entries(grants)) Object.assign(secrets, s3SecretValues(g.credentials, `${name}-key`, `${name}-secret-key-1`));

let cluster: MinioTestCluster | undefined;
beforeAll(async () => {
  cluster = await MinioTestCluster.start({ manifests, secrets });
  const run = cluster.runPod(job.spec.template, `${job.metadata.name}-a`, { timeoutMs: 240_000, extraEnv: { PROVISION_MAX_DELAY: '4' } });
  if (run.status !== 0) throw new Error(`provisioning failed: ${run.stdout}${run.stderr}`);
  console.log(run.stdout);
});
afterAll(async () => {
  await cluster?.stop();
});

/** MinIO's AccessDenied as mc prints it: verbatim for buckets, as "Insufficient permissions" (its name for S3
 * AccessDenied on an object path) for objects. */
const DENIED = /Access Denied|AccessDenied|Insufficient permissions to access this path/;

/** mc signed with the keys of `grant`'s Secret (taken by the Secret name the grant gives), as alias `s`. */
function mcFor(grant: ObjectStoreGrant) {
  const keys = s3KeysOf(secrets, grant.credentials);
  return (args: string[], input?: string) => {
    const r = spawnSync(mcBin, ['--json', '--no-color', ...args], {
      encoding: 'utf8',
      input,
      env: { PATH: process.env.PATH, MC_CONFIG_DIR: `${cluster!.hostsFile}.mc-${grant.consumer.name}`, MC_HOST_s: cluster!.mcHost(keys.accessKeyId, keys.secretAccessKey) },
      timeout: 60_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    return { ok: r.status === 0, denied: DENIED.test(out), out };
  };
}
/** Asserts MinIO refused the request with AccessDenied (the message shows mc's output otherwise). */
function expectDenied(r: { ok: boolean; denied: boolean; out: string }): void {
  expect({ ok: r.ok, out: r.out }).toEqual({ ok: false, out: expect.stringMatching(DENIED) });
}
const root = () => mcFor({ credentials: store.rootCredentials, consumer: { name: 'root' } } as any);

test('the provisioning Job created one user per grant, each with only its own policy', () => {
  const keys = s3KeysOf(secrets, store.rootCredentials);
  const r = spawnSync(mcBin, ['--json', 'admin', 'policy', 'entities', 's'], {
    encoding: 'utf8', env: { PATH: process.env.PATH, MC_CONFIG_DIR: `${cluster!.hostsFile}.mc-root`, MC_HOST_s: cluster!.mcHost(keys.accessKeyId, keys.secretAccessKey) },
  });
  expect(r.status).toBe(0);
  const mappings = JSON.parse(r.stdout.trim().split('\n')[0]).result.policyMappings;
  const byPolicy = Object.fromEntries(mappings.map((m: any) => [m.policy, m.users]));
  for (const [name, g] of Object.entries(grants)) expect(byPolicy[g.policyName]).toEqual([`${name}-key`]);
  void root;
});

test('recorders: upload only, to recordings only', () => {
  const rec = mcFor(grants.recorders);
  expect(rec(['pipe', 's/recordings/cam1/seg-0001.mp4'], 'segment').ok).toBe(true);
  const read = rec(['cat', 's/recordings/cam1/seg-0001.mp4']);
  expectDenied(read);
  expectDenied(rec(['ls', 's/recordings']));
  expectDenied(rec(['rm', 's/recordings/cam1/seg-0001.mp4']));
  expectDenied(rec(['pipe', 's/models/x'], 'x'));
});

test('archive: list and read recordings, nothing else', () => {
  const arc = mcFor(grants.archive);
  const list = arc(['ls', '--recursive', 's/recordings']);
  expect(list.ok).toBe(true);
  expect(list.out).toContain('cam1/seg-0001.mp4');
  const cat = arc(['cat', 's/recordings/cam1/seg-0001.mp4']);
  expect(cat).toMatchObject({ ok: true });
  expect(cat.out).toBe('segment');
  expectDenied(arc(['pipe', 's/recordings/cam1/forged.mp4'], 'x'));
  expectDenied(arc(['rm', 's/recordings/cam1/seg-0001.mp4']));
  expectDenied(arc(['ls', 's/velero']));
  expectDenied(arc(['ls', 's/models']));
});

test('velero: list, put, get and delete under its prefix of its bucket; AccessDenied outside it', () => {
  const v = mcFor(grants.velero);
  const prefix = grants.velero.prefix!;
  expect(v(['pipe', `s/velero/${prefix}backups/b1/velero-backup.json`], '{}').ok).toBe(true);
  const list = v(['ls', '--recursive', `s/velero/${prefix}`]);
  expect(list.ok).toBe(true);
  expect(list.out).toContain('velero-backup.json');
  expect(v(['cat', `s/velero/${prefix}backups/b1/velero-backup.json`]).out).toBe('{}');
  expect(v(['rm', `s/velero/${prefix}backups/b1/velero-backup.json`]).ok).toBe(true);
  expectDenied(v(['pipe', 's/velero/other-site/backups/x.json'], '{}'));
  expectDenied(v(['ls', 's/velero/other-site/']));
  expectDenied(v(['ls', 's/recordings']));
  expectDenied(v(['cat', 's/recordings/cam1/seg-0001.mp4']));
});
