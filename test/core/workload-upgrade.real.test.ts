// Real tier: a real kube-apiserver (with etcd) takes an image upgrade of every kind of StatefulSet the library emits
// through RestrictedWorkload. A StatefulSet's claim templates are immutable (the API server answers "field is
// immutable"): a label there that follows the image (app.kubernetes.io/version) would turn every upgrade into a refused
// update. Each StatefulSet is created as the library synthesizes it with its default image, then replaced (PUT) by the
// one synthesized with a later tag. Test-side stand-in: the namespace is created here, as an operator would.
import { Duration, Size } from 'cdk8s';
import { CacheOrigin, ContainerImage, InfluxDb, MinioCluster, NginxEdgeCache, S3Credentials } from '../../src';
import { chart, synth } from '../support/harness';
import { KubeCluster } from '../support/kube';
import { requireTools } from '../support/tools';

requireTools('etcd', 'kube-apiserver');

const NAMESPACE = 'site-a';

interface Case {
  readonly label: string;
  readonly defaultImage: ContainerImage;
  /** The StatefulSet the library synthesizes with `image`. */
  readonly statefulSet: (image: ContainerImage) => any;
}

const statefulSetOf = (build: (c: ReturnType<typeof chart>) => void) => {
  const c = chart(NAMESPACE);
  build(c);
  const sets = synth(c).filter((o) => o.kind === 'StatefulSet');
  expect(sets).toHaveLength(1);
  return sets[0];
};

const cases: Case[] = [
  {
    label: 'InfluxDb',
    defaultImage: ContainerImage.INFLUXDB,
    statefulSet: (image) => statefulSetOf((c) => new InfluxDb(c, 'Influx', {
      namespace: NAMESPACE, storageClassName: 'local', volumeSize: Size.gibibytes(5), retention: Duration.days(7), adminSecretName: 'influx-admin', image,
    })),
  },
  {
    label: 'NginxEdgeCache (persistent)',
    defaultImage: ContainerImage.NGINX_UNPRIVILEGED,
    statefulSet: (image) => statefulSetOf((c) => new NginxEdgeCache(c, 'cache', {
      origin: CacheOrigin.fromUrl('https://origin.example.com/media/'), storageClassName: 'local', cacheVolumeSize: Size.gibibytes(20), image,
    })),
  },
  {
    label: 'MinioCluster',
    defaultImage: ContainerImage.MINIO,
    statefulSet: (image) => statefulSetOf((c) => new MinioCluster(c, 'store', {
      driveSize: Size.gibibytes(10), rootCredentials: S3Credentials.fromSecretName('minio-root'), image,
    })),
  },
];

let kube: KubeCluster;

beforeAll(async () => {
  kube = await KubeCluster.start();
  const ns = await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  expect(ns.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await kube?.stop();
});

describe.each(cases)('$label: an image upgrade is an update the API server accepts', ({ defaultImage, statefulSet }) => {
  test('created with the default image, replaced with a later one', async () => {
    // The later release: the default repository with another tag (nothing is pulled; only the manifest matters).
    const later = ContainerImage.of(defaultImage.repository, `${defaultImage.version}-next`);
    const before = statefulSet(defaultImage);
    const after = statefulSet(later);
    expect(after.metadata.name).toBe(before.metadata.name);
    expect(after.spec.template.spec.containers[0].image).not.toBe(before.spec.template.spec.containers[0].image);
    expect(after.spec.volumeClaimTemplates.length).toBeGreaterThan(0);

    const created = await kube.create(before);
    expect({ status: created.status, message: created.body?.message }).toEqual({ status: 201, message: undefined });
    const stored = await kube.get(before);
    const path = `${await kube.collectionPath(after)}/${encodeURIComponent(after.metadata.name)}?fieldValidation=Strict`;
    const replaced = await kube.request('PUT', path, { ...after, metadata: { ...after.metadata, resourceVersion: stored.body.metadata.resourceVersion } });
    // On refusal the message says which fields the update may change; print it whole.
    expect({ status: replaced.status, message: replaced.body?.message }).toEqual({ status: 200, message: undefined });
    expect(replaced.warnings).toEqual([]);
    const now = await kube.get(after);
    expect(now.body.spec.template.spec.containers[0].image).toBe(later.reference);
    console.log(`${after.metadata.name}: ${defaultImage.reference} -> ${later.reference} accepted (resourceVersion ${stored.body.metadata.resourceVersion} -> ${now.body.metadata.resourceVersion})`);
  }, 60_000);
});
