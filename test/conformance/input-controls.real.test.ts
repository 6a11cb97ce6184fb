// Real tier, second judge for the input matrix (issue 16): every control (the good value of each mistake in
// test/core/input-matrix-cases.ts) is synthesized and each distinct object is created with server-side dry-run and
// fieldValidation=Strict on a real kube-apiserver, so anything the library accepts is accepted by the API server.
// Namespaces the objects live in are created for real first (those the controls emit, with their labels).
import { MATRIX } from '../core/input-matrix-cases';
import { synth } from '../support/harness';
import { KubeCluster, pinnedCrdFiles } from '../support/kube';
import { requireTools } from '../support/tools';

requireTools('etcd', 'kube-apiserver');

let kube: KubeCluster | undefined;

beforeAll(async () => {
  kube = await KubeCluster.start();
  await kube.installCrds(pinnedCrdFiles());
}, 240_000);

afterAll(async () => {
  await kube?.stop();
});

/** Every distinct object of every control, with the controls that emit it. */
function controlObjects(): Map<string, { obj: any; cases: string[] }> {
  const objects = new Map<string, { obj: any; cases: string[] }>();
  for (const k of MATRIX) {
    for (const obj of synth(k.build(k.good))) {
      const key = JSON.stringify(obj);
      const entry = objects.get(key) ?? { obj, cases: [] };
      entry.cases.push(`${k.family}: ${k.mistake}`);
      objects.set(key, entry);
    }
  }
  return objects;
}

test('the API server accepts every object of every matrix control', async () => {
  const k = kube!;
  const objects = [...controlObjects().values()];
  const problems: string[] = [];
  const namespaces = new Set<string>();
  for (const { obj } of objects.filter((o) => o.obj.kind === 'Namespace')) {
    if (namespaces.has(obj.metadata.name)) continue;
    const res = await k.create(obj);
    if (res.status !== 201) problems.push(`Namespace ${obj.metadata.name}: HTTP ${res.status}: ${res.body?.message}`);
    namespaces.add(obj.metadata.name);
  }
  let created = 0;
  for (const { obj, cases } of objects) {
    if (obj.kind === 'Namespace') continue;
    const ns = obj.metadata?.namespace;
    if (ns !== undefined && !namespaces.has(ns)) {
      await k.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      namespaces.add(ns);
    }
    const res = await k.create(obj, { dryRun: true, defaultNamespace: 'default' });
    const where = `${obj.kind} ${ns ?? ''}/${obj.metadata?.name} (from ${cases[0]}${cases.length > 1 ? ` and ${cases.length - 1} more` : ''})`;
    if (res.status !== 201) problems.push(`${where}: HTTP ${res.status}: ${res.body?.message ?? JSON.stringify(res.body)}`);
    for (const w of res.warnings) problems.push(`${where}: warning: ${w}`);
    created++;
  }
  expect(created).toBeGreaterThan(MATRIX.length);
  expect(problems).toEqual([]);
}, 600_000);

// The other direction, for the classes the API server itself validates: the mistakes the library refuses are ones the
// server would refuse too (so the library's rules are not stricter than needed there). Each takes a control's object
// and puts the matrix's bad value where the library would have written it.
test('the API server rejects the bad values the library refuses in CronJobs, secretKeyRefs and ipBlocks', async () => {
  const k = kube!;
  const objectsOf = (mistake: string) => {
    const c = MATRIX.find((m) => m.mistake === mistake)!;
    return { c, objects: synth(c.build(c.good)) };
  };
  const warm = objectsOf('hour 24 in a cache warm-up');
  const cron = warm.objects.find((o) => o.kind === 'CronJob');
  const rejected: Array<[string, any]> = [
    ['schedule "0 24 * * *"', { ...cron, spec: { ...cron.spec, schedule: warm.c.shown } }],
    ['timeZone "Mars/Olympus_Mons"', { ...cron, spec: { ...cron.spec, timeZone: 'Mars/Olympus_Mons' } }],
    ['timeZone "europe/berlin"', { ...cron, spec: { ...cron.spec, timeZone: 'europe/berlin' } }],
  ];
  const restic = objectsOf('Secret key with a slash (restic password)');
  const job = restic.objects.find((o) => o.kind === 'CronJob');
  const badKey = JSON.parse(JSON.stringify(job).replace(/"key":"password"/g, '"key":"restic password"'));
  rejected.push(['secretKeyRef key "restic password"', badKey]);
  const cache = objectsOf('cache client octet 256');
  const policy = cache.objects.find((o) => o.kind === 'NetworkPolicy' && JSON.stringify(o).includes('10.0.0.255/32'));
  rejected.push(['ipBlock "10.0.0.0/33"', JSON.parse(JSON.stringify(policy).replace('10.0.0.255/32', '10.0.0.0/33'))]);
  const accepted: string[] = [];
  for (const [what, obj] of rejected) {
    await k.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: obj.metadata.namespace ?? 'default' } });
    const res = await k.create(obj, { dryRun: true, defaultNamespace: 'default' });
    if (res.status !== 422) accepted.push(`${what}: HTTP ${res.status}`);
  }
  expect(badKey).not.toEqual(job);
  expect(accepted).toEqual([]);
}, 120_000);
