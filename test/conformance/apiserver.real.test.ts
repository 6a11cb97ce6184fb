// Real tier: a real kube-apiserver (with etcd) judges everything the library emits. Every object of every example and
// of each blueprint's default and fully-customized variant is created with server-side dry-run and
// fieldValidation=Strict (unknown or duplicate fields are errors; any Warning header fails the test). Namespaces are
// created for real, with their LimitRange, ResourceQuota and ServiceAccounts; then every pod the site will run is
// created for real as a Pod, so Pod Security admission, LimitRange defaulting and the ResourceQuota judge it (there is
// no scheduler or kubelet: the pods stay Pending but count against the quota).
//
// How many pods: exactly what the library sizes its ResourceQuota for (WorkloadFootprint): Deployment replicas plus
// the rolling-update surge, StatefulSet replicas (each with its claims), one pod per DaemonSet, one run of each Job
// (× parallelism), one run of each CronJob (two when concurrencyPolicy allows overlapping runs), and the pods the
// Strimzi operator creates from the custom resources (each KafkaNodePool replica with its claims, the entity operator,
// MirrorMaker2 replicas). All of them at once is the peak the quota must hold; if it cannot, the pod is rejected and
// the test names it. Operator-created pods are stand-ins carrying the CR's requests/limits and the container security
// contexts of the CR's templates.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Cron, Duration, Size, SizeRoundingBehavior, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-30';
import {
  Bandwidth, ContainerImage, DecimalSize, EdgeSite, ExternalObjectStore, IoTSite, KafkaCredentials, KafkaCloudCluster,
  ModelDistributionSite, ObjectLockMode, ObjectStoreFlavor, RedisEvictionPolicy, SecurityBaseline, SecurityRule,
  VideoSurveillanceSite, S3Credentials,
} from '../../src';
import { WorkloadFootprint } from '../../src/blueprints/site/footprint';
import { synth } from '../support/harness';
import { KubeCluster, KubeResponse, pinnedCrdFiles } from '../support/kube';
import { requireTools } from '../support/tools';

requireTools('etcd', 'kube-apiserver');

// Apps get one scratch outdir (never written: nothing calls app.synth()), removed after the file's tests.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-apiserver-apps-'));
const testApp = () => Testing.app({ outdir: scratch });

/** Objects the API server is known to reject today, with the reason (each is printed; none may pass silently). */
const KNOWN_REJECTIONS: Array<{ kind: string; name: string; reason: string }> = [];

/** SecurityBaseline rules whose exception also means the pod cannot meet Pod Security "restricted". */
const RESTRICTED_RULES = [
  SecurityRule.RUN_AS_NON_ROOT, SecurityRule.NO_PRIVILEGE_ESCALATION, SecurityRule.DROP_ALL_CAPABILITIES, SecurityRule.SECCOMP,
  SecurityRule.NO_PRIVILEGED, SecurityRule.NO_HOST_NETWORK, SecurityRule.NO_HOST_PID, SecurityRule.NO_HOST_IPC, SecurityRule.NO_HOST_PATH,
];

const RESTRICTED_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};

// ---------------------------------------------------------------------------------------------------------------
// What is checked: every example app, and each blueprint's default and fully-customized variant.

interface Case {
  readonly label: string;
  readonly build: () => App;
}

const examplesDir = path.resolve(__dirname, '..', '..', 'examples');
const exampleCases: Case[] = fs.readdirSync(examplesDir)
  .filter((n) => fs.existsSync(path.join(examplesDir, n, 'main.ts')))
  .sort()
  .map((name) => ({
    label: `example ${name}`,
    build: () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(examplesDir, name, 'main.ts'));
      return mod.buildApp(testApp());
    },
  }));

const awsStore = (secretName: string) => new ExternalObjectStore({
  s3Endpoint: 'https://s3.eu-central-1.amazonaws.com', region: 'eu-central-1', flavor: ObjectStoreFlavor.AWS_S3, credentials: S3Credentials.fromSecretName(secretName),
});
const cloudKafka = (username: string): KafkaCloudCluster => ({
  bootstrapServers: 'kafka.cloud.example.com:9093',
  caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
  credentials: KafkaCredentials.fromSecretName('cloud-kafka-user', { username }),
});
const regionalMinio = () => new ExternalObjectStore({
  s3Endpoint: 'http://minio.regional.svc.cluster.local:9000',
  flavor: ObjectStoreFlavor.MINIO,
  credentials: S3Credentials.fromSecretName('regional-keys'),
  networkPeer: { namespace: 'regional', podLabels: { 'app.kubernetes.io/name': 'minio' }, ports: [9000] },
});

function videoSite(siteName: string, custom: boolean): App {
  const app = testApp();
  new VideoSurveillanceSite(app, siteName, {
    siteName,
    cameras: 20,
    bitrateMbps: 4,
    retention: Duration.days(custom ? 14 : 7),
    driveSize: DecimalSize.terabytes(8),
    storageClassName: 'lvm-xfs',
    cloud: { kafka: cloudKafka(`${siteName}-mm2`), archive: awsStore('cloud-archive'), archiveBucket: 'video-archive', ...(custom ? { archiveBandwidthLimit: Bandwidth.mebibytesPerSecond(20) } : {}) },
    backup: custom
      ? { veleroCredential: { name: `velero-${siteName}`, key: 'cloud' }, resticClaims: ['nvr-index'], resticPassword: { name: 'restic', key: 'password' } }
      : { veleroCredential: { name: `velero-${siteName}`, key: 'cloud' } },
    ...(custom ? {
      drivesPerServer: 2,
      store: { parity: 4 },
      segmentDuration: Duration.minutes(10),
      cache: { replicas: 3, cacheVolumeSize: Size.gibibytes(300), viewerCidrs: ['10.1.0.0/24'] },
      kafka: { storageSize: Size.gibibytes(50) },
      wanCidrs: ['198.51.100.0/24'],
    } : {}),
  });
  return app;
}

function iotSite(siteName: string, custom: boolean): App {
  const app = testApp();
  new IoTSite(app, siteName, {
    siteName,
    sensors: custom ? 2_500 : 10_000,
    retention: Duration.days(custom ? 365 : 30),
    storageClassName: 'lvm-xfs',
    wanCidrs: ['198.51.100.0/24'],
    cloud: custom
      ? { kafka: cloudKafka(`${siteName}-mm2`), backupStore: regionalMinio(), backupBucket: 'edge-backups', backupPrefix: `plants/${siteName}` }
      : { kafka: cloudKafka(`${siteName}-mm2`), backupStore: awsStore('cloud-backup-keys'), backupBucket: 'fleet-backups' },
    backup: custom ? {
      veleroCredential: { name: 'velero-regional', key: 'cloud' },
      veleroNamespace: 'backup-system',
      resticPassword: { name: 'influx-restic', key: 'pw' },
      resticSchedule: Cron.schedule({ minute: '30', hour: '*/6' }),
      resticRetention: { keepDaily: 7, keepWeekly: 4 },
      resticUploadBandwidthLimit: Bandwidth.mebibytesPerSecond(2),
    } : { veleroCredential: { name: `velero-${siteName}`, key: 'cloud' } },
    ...(custom ? {
      sampleInterval: Duration.seconds(30),
      bytesPerPoint: 120,
      compressionRatio: 8,
      fillTarget: 0.8,
      sensorCidrs: ['10.30.0.0/16', 'fd00:30::/64'],
      queryClients: [
        { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'grafana' } },
        { namespace: siteName, podLabels: { app: 'telemetry-api' } },
      ],
      influxdb: {
        adminSecretName: 'influx-admin',
        organization: 'plant',
        bucket: 'sensors',
        image: ContainerImage.of('registry.local/influxdb', '2.7.12-alpine'),
        resources: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(2) } },
      },
      ingest: { replicas: 3, flushInterval: Duration.seconds(5), token: { name: 'sensor-token', key: 'token' } },
      cache: { maxMemory: Size.mebibytes(512), defaultTtl: Duration.minutes(1), password: { name: 'redis-auth', key: 'pw' }, evictionPolicy: RedisEvictionPolicy.ALLKEYS_LFU },
      kafka: { replicas: 3, outageBudget: Duration.hours(24), partitions: 6, storageClassName: 'lvm-ext4' },
    } : {}),
  });
  return app;
}

function modelSite(siteName: string, custom: boolean): App {
  const app = testApp();
  const releases = awsStore('cloud-model-releases-ro');
  new ModelDistributionSite(app, siteName, custom ? {
    siteName,
    discoverUpTo: 6,
    versionsRetained: 2,
    averageModelSize: DecimalSize.megabytes(800),
    servers: 6,
    drivesPerServer: 2,
    driveSize: DecimalSize.gigabytes(200),
    storageClassName: 'lvm-xfs',
    fillTarget: 0.8,
    wanCidrs: ['198.51.100.0/24'],
    clients: [{ namespace: 'vision', podLabels: { app: 'detector' } }],
    cloud: { releaseStore: releases, releaseBucket: 'fleet-models', releasePrefix: 'kiosk/', kafka: cloudKafka(`${siteName}-releases`), releaseTopic: 'kiosk-releases' },
    backup: { veleroCredential: { name: `velero-${siteName}`, key: 'cloud' }, veleroNamespace: 'backup', siteLocal: true, publicUrl: 'https://minio.kiosk.example.com' },
    store: { parity: 3, rootCredentials: S3Credentials.fromSecretName(`${siteName}-root`) },
    bucket: { name: 'model-store', objectLock: { mode: ObjectLockMode.GOVERNANCE, period: Duration.days(3) }, noncurrentVersionExpiration: Duration.days(2) },
    release: { schedule: Cron.schedule({ minute: '*/15' }), pinned: { 'face-blur': 'v12' }, bandwidthLimit: Bandwidth.mebibytesPerSecond(10) },
    cache: { cacheVolumeSize: Size.gibibytes(50), replicas: 1, sliceSize: Size.mebibytes(4), validity: Duration.seconds(30), clientCidrs: ['10.30.0.0/24'] },
    kafka: { storageSize: Size.gibibytes(5), identityReplication: true, consumerGroup: 'vision-reloader' },
  } : {
    siteName,
    models: ['detector', 'ocr'],
    versionsRetained: 3,
    averageModelSize: DecimalSize.gigabytes(3),
    driveSize: DecimalSize.terabytes(1),
    storageClassName: 'lvm-xfs',
    cloud: { releaseStore: releases, releaseBucket: 'fleet-models', kafka: cloudKafka(`${siteName}-releases`) },
    backup: { veleroCredential: { name: `velero-${siteName}`, key: 'cloud' }, bucket: 'fleet-backups' },
  });
  return app;
}

// Each variant gets its own site name: they share one API server and their namespaces are created for real.
const blueprintCases: Case[] = [
  { label: 'VideoSurveillanceSite default', build: () => videoSite('vs-default', false) },
  { label: 'VideoSurveillanceSite custom', build: () => videoSite('vs-custom', true) },
  { label: 'IoTSite default', build: () => iotSite('iot-default', false) },
  { label: 'IoTSite custom', build: () => iotSite('iot-custom', true) },
  { label: 'ModelDistributionSite default', build: () => modelSite('md-default', false) },
  { label: 'ModelDistributionSite custom', build: () => modelSite('md-custom', true) },
];

// ---------------------------------------------------------------------------------------------------------------
// Pods a namespace will run, derived the way WorkloadFootprint counts them.

interface PlannedPod {
  readonly source: string;
  readonly pod: any;
}

interface PlannedClaim {
  readonly source: string;
  readonly claim: any;
}

/**
 * A stand-in for a pod the Strimzi operator creates from a custom resource: each container gets the resources and the
 * container security context the CR asks for (`spec.template.<container>.securityContext`); nothing else is added, so
 * a CR without those templates yields a pod that restricted admission rejects, as it would reject the operator's.
 */
function operatorPod(name: string, ns: string, labels: any, containers: Array<{ name: string; resources?: any; securityContext?: any }>): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: {
      containers: containers.map((c) => ({
        name: c.name, image: 'quay.io/strimzi/kafka:stand-in', resources: c.resources ?? {}, securityContext: c.securityContext ?? {},
      })),
    },
  };
}

function podFrom(name: string, ns: string, template: any, extraVolumes: any[] = []): any {
  const spec = { ...template.spec };
  if (extraVolumes.length > 0) spec.volumes = [...(spec.volumes ?? []), ...extraVolumes];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: template.metadata?.labels ?? {}, annotations: template.metadata?.annotations ?? {} },
    spec,
  };
}

function surgeOf(m: any): number {
  if (m.spec?.strategy?.type === 'Recreate') return 0;
  const replicas = m.spec?.replicas ?? 1;
  const s = m.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
  return typeof s === 'string' && s.endsWith('%') ? Math.ceil(replicas * parseFloat(s) / 100) : Number(s);
}

function planPods(manifests: any[], tag: string): { pods: PlannedPod[]; claims: PlannedClaim[] } {
  const pods: PlannedPod[] = [];
  const claims: PlannedClaim[] = [];
  const add = (m: any, n: number, make: (name: string, i: number) => any) => {
    for (let i = 0; i < n; i++) {
      const name = `${tag}-${m.metadata.name}`.slice(0, 55).replace(/-+$/, '') + `-${i}`;
      pods.push({ source: `${m.kind} ${m.metadata.name}`, pod: make(name, i) });
    }
  };
  for (const m of manifests) {
    const ns = m.metadata?.namespace;
    switch (m.kind) {
      case 'Deployment':
        add(m, (m.spec?.replicas ?? 1) + surgeOf(m), (name) => podFrom(name, ns, m.spec.template));
        break;
      case 'StatefulSet': {
        const replicas = m.spec?.replicas ?? 1;
        add(m, replicas, (name, i) => {
          const vols = (m.spec.volumeClaimTemplates ?? []).map((t: any) => {
            const claimName = `${t.metadata.name}-${m.metadata.name}-${i}`;
            claims.push({ source: `StatefulSet ${m.metadata.name}`, claim: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claimName, namespace: ns, labels: t.metadata.labels }, spec: t.spec } });
            return { name: t.metadata.name, persistentVolumeClaim: { claimName } };
          });
          return podFrom(name, ns, m.spec.template, vols);
        });
        break;
      }
      case 'DaemonSet':
        add(m, 1, (name) => podFrom(name, ns, m.spec.template));
        break;
      case 'Job':
        add(m, m.spec?.parallelism ?? 1, (name) => podFrom(name, ns, m.spec.template));
        break;
      case 'CronJob': {
        const job = m.spec.jobTemplate.spec;
        const overlap = m.spec?.concurrencyPolicy === 'Allow' || m.spec?.concurrencyPolicy === undefined ? 2 : 1;
        add(m, (job.parallelism ?? 1) * overlap, (name) => podFrom(name, ns, job.template));
        break;
      }
      case 'Pod':
        add(m, 1, (name) => ({ ...m, metadata: { ...m.metadata, name } }));
        break;
      case 'KafkaNodePool': {
        const cluster = m.metadata.labels?.['strimzi.io/cluster'] ?? 'kafka';
        const replicas = m.spec?.replicas ?? 1;
        const volumes = m.spec?.storage?.type === 'jbod' ? m.spec.storage.volumes ?? [] : [m.spec?.storage ?? {}];
        add(m, replicas, (name, i) => {
          for (const v of volumes.filter((x: any) => x.type === 'persistent-claim')) {
            claims.push({
              source: `KafkaNodePool ${m.metadata.name}`,
              claim: {
                apiVersion: 'v1',
                kind: 'PersistentVolumeClaim',
                metadata: { name: `data-${v.id ?? 0}-${cluster}-${m.metadata.name}-${i}`.slice(0, 63), namespace: ns },
                spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: v.size } }, ...(v.class ? { storageClassName: v.class } : {}) },
              },
            });
          }
          return operatorPod(name, ns, { 'strimzi.io/cluster': cluster, 'strimzi.io/kind': 'Kafka' }, [{ name: 'kafka', resources: m.spec?.resources, securityContext: m.spec?.template?.kafkaContainer?.securityContext }]);
        });
        break;
      }
      case 'KafkaMirrorMaker2':
        add(m, m.spec?.replicas ?? 1, (name) => operatorPod(name, ns, { 'strimzi.io/cluster': m.metadata.name, 'strimzi.io/kind': 'KafkaMirrorMaker2' },
          [{ name: 'mirror-maker', resources: m.spec?.resources, securityContext: m.spec?.template?.connectContainer?.securityContext }]));
        break;
      case 'Kafka': {
        const eo = m.spec?.entityOperator;
        if (!eo) break;
        const containers = [['topic-operator', eo.topicOperator, eo.template?.topicOperatorContainer], ['user-operator', eo.userOperator, eo.template?.userOperatorContainer]]
          .filter(([, o]) => o).map(([name, o, t]) => ({ name, resources: o.resources, securityContext: t?.securityContext }));
        add({ ...m, metadata: { name: `${m.metadata.name}-entity-operator` } }, 1, (name) =>
          operatorPod(name, ns, { 'strimzi.io/cluster': m.metadata.name, 'strimzi.io/kind': 'Kafka' }, containers));
        break;
      }
      default:
        break;
    }
  }
  return { pods, claims };
}

/** A Kubernetes quantity as a number (cores or bytes). */
function quantity(q: string): number {
  const m = /^([0-9.]+(?:e[0-9]+)?)([a-zA-Z]*)$/.exec(q);
  if (!m) throw new Error(`not a quantity: ${q}`);
  const units: { [u: string]: number } = {
    '': 1,
    'm': 1e-3,
    'k': 1e3,
    'M': 1e6,
    'G': 1e9,
    'T': 1e12,
    'P': 1e15,
    'E': 1e18,
    'Ki': 2 ** 10,
    'Mi': 2 ** 20,
    'Gi': 2 ** 30,
    'Ti': 2 ** 40,
    'Pi': 2 ** 50,
    'Ei': 2 ** 60,
  };
  if (units[m[2]] === undefined) throw new Error(`unknown quantity suffix: ${q}`);
  return parseFloat(m[1]) * units[m[2]];
}

/** Rules of Pod Security "restricted" a workload is documented to break (from its exception annotations). */
function restrictedExceptions(m: any): string[] {
  const ann = m.metadata?.annotations ?? {};
  return RESTRICTED_RULES.filter((r) => ann[SecurityBaseline.exceptionAnnotation(r)]).map((r) => `${r}: ${ann[SecurityBaseline.exceptionAnnotation(r)]}`);
}

// ---------------------------------------------------------------------------------------------------------------

let kube: KubeCluster | undefined;
let crdCount = 0;
let tagCounter = 0;
const createdNamespaces = new Map<string, any>();

beforeAll(async () => {
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
  const t0 = Date.now();
  kube = await KubeCluster.start();
  const t1 = Date.now();
  crdCount = (await kube.installCrds(pinnedCrdFiles())).length;
  console.log(`apiserver: control plane ready in ${((t1 - t0) / 1000).toFixed(1)} s; ${crdCount} pinned CRDs Established in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
}, 240_000);

afterAll(async () => {
  delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
  fs.rmSync(scratch, { recursive: true, force: true });
  await kube?.stop();
});

test('the pinned CRDs are installed and Established', () => {
  expect(crdCount).toBeGreaterThan(0);
  expect(KNOWN_REJECTIONS.every((r) => r.reason.length > 0)).toBe(true);
});

// The checks below only mean something if the control plane really rejects what it should: prove each mechanism once.
test('self-check: strict field validation, Warning headers, restricted admission, LimitRange and quota really act', async () => {
  const k = kube!;
  const ns = 'apiserver-self-check';
  expect((await k.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: RESTRICTED_LABELS } })).status).toBe(201);
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: ns }, data: { a: 'b' }, datta: { c: 'd' } };
  // Strict: an unknown field is an error.
  const strict = await k.create(cm, { dryRun: true });
  expect(strict.status).toBe(400);
  expect(strict.body.message).toContain('unknown field "datta"');
  // Warn: the same field comes back as a Warning header, which the client reports.
  const warn = await k.request('POST', `/api/v1/namespaces/${ns}/configmaps?dryRun=All&fieldValidation=Warn`, cm);
  expect(warn.status).toBe(201);
  expect(warn.warnings).toEqual([expect.stringContaining('unknown field "datta"')]);
  // Restricted Pod Security rejects a pod that may run as root.
  await k.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
  const rootPod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root', namespace: ns }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } };
  const psa = await k.create(rootPod, { dryRun: true });
  expect(psa.status).toBe(403);
  expect(psa.body.message).toMatch(/violates PodSecurity "restricted:latest"/);
  // LimitRange defaults are applied, and the quota (charged at admission) rejects what does not fit.
  expect((await k.create({
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'l', namespace: ns },
    spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '64Mi' }, default: { memory: '128Mi' } }] },
  })).status).toBe(201);
  const hard = { 'pods': '1', 'requests.cpu': '150m', 'requests.storage': '1Gi' };
  const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: ns }, spec: { hard } };
  expect((await k.create(quota)).status).toBe(201);
  const cur = (await k.get(quota)).body;
  expect((await k.putStatus({ ...cur, status: { hard, used: { 'pods': '0', 'requests.cpu': '0', 'requests.storage': '0' } } })).status).toBe(200);
  await waitForQuotaStatus(k, ns, hard);
  const okPod = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  });
  const first = await createWithQuota(k, okPod('a'), false);
  expect(first.status).toBe(201);
  expect(first.body.spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } });
  const second = await createWithQuota(k, okPod('b'), false);
  expect(second.status).toBe(403);
  expect(second.body.message).toMatch(/exceeded quota: q/);
}, 60_000);

const describeProblem = (what: string, res: KubeResponse) =>
  `${what}: HTTP ${res.status} ${res.body?.message ?? (typeof res.body === 'string' ? res.body : JSON.stringify(res.body))}`;

/** Create a namespace for real (tolerating one created identically by an earlier case). */
async function ensureNamespace(k: KubeCluster, ns: any, problems: string[]): Promise<void> {
  const name = ns.metadata.name;
  const prev = createdNamespaces.get(name);
  if (prev) {
    if (JSON.stringify(prev.metadata.labels ?? {}) !== JSON.stringify(ns.metadata.labels ?? {})) {
      problems.push(`Namespace ${name}: already created by another case with different labels`);
    }
    return;
  }
  const res = await k.create(ns);
  if (res.status !== 201) problems.push(describeProblem(`Namespace ${name}`, res));
  for (const w of res.warnings) problems.push(`Namespace ${name}: warning: ${w}`);
  createdNamespaces.set(name, ns);
}

/** Create a pod or claim; the quota admission reads quotas from an informer, which may lag the status just set. */
async function createWithQuota(k: KubeCluster, obj: any, dryRun: boolean): Promise<KubeResponse> {
  let res = await k.create(obj, { dryRun });
  for (let i = 0; i < 20 && res.status === 403 && /status unknown for quota/.test(res.body?.message ?? ''); i++) {
    await new Promise((r) => setTimeout(r, 250));
    res = await k.create(obj, { dryRun });
  }
  return res;
}

/**
 * Wait until quota admission sees the status just set. Until its informer has it, the quota has no `status.hard` in
 * admission's eyes and objects pass uncharged (no error): probe with a dry-run claim far beyond the storage quota.
 */
async function waitForQuotaStatus(k: KubeCluster, ns: string, hard: { [r: string]: string }): Promise<void> {
  if (hard['requests.storage'] === undefined) throw new Error(`ResourceQuota in ${ns} has no requests.storage: cannot probe when admission sees it`);
  const probe = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'quota-probe', namespace: ns },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Ei' } } },
  };
  for (let i = 0; i < 100; i++) {
    const res = await k.create(probe, { dryRun: true });
    if (res.status === 403 && /exceeded quota/.test(res.body?.message ?? '')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`quota admission in ${ns} did not see the ResourceQuota status within 10 s`);
}

async function check(c: Case): Promise<void> {
  const k = kube!;
  const app = c.build();
  const manifests = synth(app); // also the fast tier's schema and SecurityBaseline checks
  const sites = app.node.findAll().filter((x): x is EdgeSite => EdgeSite.isEdgeSite(x));
  const tag = `c${++tagCounter}`;
  const problems: string[] = [];
  const known: string[] = [];
  const isKnown = (m: any) => KNOWN_REJECTIONS.find((r) => r.kind === m.kind && r.name === m.metadata?.name);

  // 1. Namespaces, for real: those the case emits as they are, the others it uses labelled "restricted".
  const emittedNs = manifests.filter((m) => m.kind === 'Namespace');
  const usedNs = new Set<string>();
  for (const m of manifests) {
    if (m.kind === 'Namespace') continue;
    const res = await k.resourceFor(m.apiVersion, m.kind);
    if (res?.namespaced && m.metadata?.namespace) usedNs.add(m.metadata.namespace);
    if (res?.namespaced && !m.metadata?.namespace) problems.push(`${m.kind} ${m.metadata?.name}: namespaced but has no metadata.namespace`);
  }
  for (const ns of emittedNs) await ensureNamespace(k, ns, problems);
  for (const name of [...usedNs].filter((n) => !emittedNs.some((e) => e.metadata.name === n))) {
    await ensureNamespace(k, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...RESTRICTED_LABELS } } }, problems);
  }

  // 2. Every other object: server-side dry run, strict field validation, no warnings. CRDs first (none expected).
  const rest = manifests.filter((m) => m.kind !== 'Namespace')
    .sort((a, b) => Number(b.kind === 'CustomResourceDefinition') - Number(a.kind === 'CustomResourceDefinition'));
  let accepted = emittedNs.length;
  for (const m of rest) {
    const what = `${m.kind} ${m.metadata?.namespace ? m.metadata.namespace + '/' : ''}${m.metadata?.name}`;
    const res = await k.create(m, { dryRun: true });
    const bad = res.status !== 201 || res.warnings.length > 0;
    const k0 = isKnown(m);
    if (bad && k0) { known.push(`${what}: ${k0.reason}`); continue; }
    if (res.status !== 201) problems.push(describeProblem(what, res));
    for (const w of res.warnings) problems.push(`${what}: warning: ${w}`);
    if (!bad) accepted++;
  }

  // 3. Per namespace the case uses: LimitRange, ResourceQuota, ServiceAccounts for real, then every pod it will run.
  const quotaLines: string[] = [];
  let podsAdmitted = 0;
  let podsPlanned = 0;
  const expectedPods = (ns: string) => {
    const site = sites.find((s) => s.siteNamespace.name === ns);
    // The quota also counts the site's own applications, which the library does not emit (no template to admit).
    if (site) return site.siteNamespace.footprint().pods - (site.applicationFootprint?.pods ?? 0);
    return WorkloadFootprint.of(manifests.filter((m) => m.metadata?.namespace === ns)).pods;
  };
  for (const ns of [...new Set([...emittedNs.map((n) => n.metadata.name), ...usedNs])].sort()) {
    const inNs = manifests.filter((m) => m.metadata?.namespace === ns);
    const setup = inNs.filter((m) => ['LimitRange', 'ServiceAccount'].includes(m.kind));
    const quotas = inNs.filter((m) => m.kind === 'ResourceQuota');
    const { pods, claims } = planPods(inNs, tag);
    if (pods.length === 0 && claims.length === 0) continue;
    podsPlanned += pods.length;
    expect(pods.length).toBe(expectedPods(ns));
    for (const m of [...setup, ...quotas]) {
      const res = await k.create(m);
      if (res.status !== 201 && !(res.status === 409 && m.kind === 'ServiceAccount')) problems.push(describeProblem(`${m.kind} ${ns}/${m.metadata.name} (real)`, res));
    }
    // What the ServiceAccount and ResourceQuota controllers would do: the "default" account and the quota's status.
    const dflt = await k.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
    if (dflt.status !== 201 && dflt.status !== 409) problems.push(describeProblem(`ServiceAccount ${ns}/default`, dflt));
    for (const q of quotas) {
      const cur = (await k.get(q)).body;
      const zero = Object.fromEntries(Object.keys(cur.spec.hard).map((r) => [r, '0']));
      const res = await k.putStatus({ ...cur, status: { hard: cur.spec.hard, used: zero } });
      if (res.status !== 200) problems.push(describeProblem(`ResourceQuota ${ns}/${q.metadata.name} status`, res));
      await waitForQuotaStatus(k, ns, cur.spec.hard);
    }
    // Claims count against the quota too: those the case emits and those StatefulSets and node pools will create.
    const allClaims = [...inNs.filter((m) => m.kind === 'PersistentVolumeClaim').map((m) => ({ source: 'emitted', claim: m })), ...claims];
    let claimsCreated = 0;
    for (const { source, claim } of allClaims) {
      const res = await createWithQuota(k, claim, false);
      if (res.status === 201) claimsCreated++;
      else problems.push(describeProblem(`PersistentVolumeClaim ${ns}/${claim.metadata.name} of ${source} (real)`, res));
    }
    let podsInNs = 0;
    for (const { source, pod } of pods) {
      const owner = manifests.find((m) => `${m.kind} ${m.metadata?.name}` === source);
      const exceptions = owner ? restrictedExceptions(owner) : [];
      if (exceptions.length > 0) {
        known.push(`pod ${ns}/${pod.metadata.name} of ${source}: documented exception (${exceptions.join('; ')}), not run under restricted`);
        continue;
      }
      const what = `pod ${ns}/${pod.metadata.name} of ${source}`;
      const dry = await createWithQuota(k, pod, true);
      for (const w of dry.warnings) problems.push(`${what}: warning: ${w}`);
      if (dry.status !== 201) problems.push(describeProblem(`${what} (dry run)`, dry));
      const res = await createWithQuota(k, pod, false);
      if (res.status === 201) podsInNs++;
      else problems.push(describeProblem(what, res));
    }
    podsAdmitted += podsInNs;
    const site = sites.find((x) => x.siteNamespace.name === ns);
    for (const q of quotas) {
      const st = (await k.get(q)).body.status ?? {};
      // What admission charged (after LimitRange defaulting) is what the library sized the quota from.
      if (site) {
        // Minus the site's own applications, which the quota also holds but the library does not emit.
        const full = site.siteNamespace.footprint();
        const apps = site.applicationFootprint;
        const appBytes = apps ? apps.memory.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024 : 0;
        const f = {
          ...full,
          pods: full.pods - (apps?.pods ?? 0),
          cpuRequests: full.cpuRequests - (apps?.cpu ?? 0),
          memoryRequests: full.memoryRequests - appBytes,
          memoryLimits: full.memoryLimits - appBytes,
        };
        const charged = (r: string) => quantity(st.used?.[r] ?? '0');
        const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) + 1e-3;
        for (const [r, want] of [['requests.cpu', f.cpuRequests], ['requests.memory', f.memoryRequests], ['limits.memory', f.memoryLimits],
          ['requests.storage', f.storageRequests], ['persistentvolumeclaims', f.claims], ['pods', f.pods]] as Array<[string, number]>) {
          if (st.hard?.[r] !== undefined && !close(charged(r), want)) {
            problems.push(`ResourceQuota ${ns}/${q.metadata.name}: admission charged ${r} ${st.used?.[r]} but the library's footprint is ${want}`);
          }
        }
      }
      // The quota charged exactly what was created (its namespace is this case's own).
      if (st.used?.pods !== undefined) expect(`${q.metadata.name} pods used ${st.used.pods}`).toBe(`${q.metadata.name} pods used ${podsInNs}`);
      if (st.used?.persistentvolumeclaims !== undefined) {
        expect(`${q.metadata.name} claims used ${st.used.persistentvolumeclaims}`).toBe(`${q.metadata.name} claims used ${claimsCreated}`);
      }
      const fmt = (r: string, v: string | undefined) => {
        if (v === undefined) return '?';
        const n = quantity(v);
        if (/cpu/.test(r)) return n.toFixed(2);
        if (/memory|storage/.test(r)) return n >= 2 ** 40 ? `${(n / 2 ** 40).toFixed(1)}Ti` : `${(n / 2 ** 30).toFixed(1)}Gi`;
        return String(n);
      };
      const show = (r: string) => `${r} ${fmt(r, st.used?.[r])}/${fmt(r, st.hard?.[r])}`;
      quotaLines.push(`${ns}: ${Object.keys(st.hard ?? {}).sort().map(show).join(', ')}`);
    }
  }

  console.log([
    `apiserver: ${c.label}: ${accepted}/${manifests.length} objects accepted, ${podsAdmitted}/${podsPlanned} pods admitted`
      + (quotaLines.length > 0 ? ` (quota ${quotaLines.join('; ')})` : ''),
    ...known.map((x) => `  known, excluded: ${x}`),
    ...problems.map((p) => `  REJECTED ${p}`),
  ].join('\n'));
  expect(problems).toEqual([]);
  expect(manifests.length).toBeGreaterThan(0);
  expect(accepted + known.filter((x) => !x.startsWith('pod ')).length).toBe(manifests.length);
  expect(podsAdmitted + known.filter((x) => x.startsWith('pod ')).length).toBe(podsPlanned);
  if (sites.length > 0) expect(podsAdmitted).toBeGreaterThan(0);
}

describe.each([...exampleCases, ...blueprintCases])('kube-apiserver accepts $label', (c) => {
  test('every object (dry run, strict), and every pod under restricted admission, LimitRange and quota', async () => {
    await check(c);
  }, 180_000);
});
