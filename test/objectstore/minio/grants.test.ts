import { Size, Testing } from 'cdk8s';
import { MinioCluster, MinioClusterProps, ObjectStoreAccess, RequiredSecrets, S3Credentials } from '../../../src';
import { chart, find, synth } from '../../support/harness';

const base: MinioClusterProps = { driveSize: Size.gibibytes(100), rootCredentials: S3Credentials.fromSecretName('minio-root') };

function storeWithGrants() {
  const c = chart('site-a');
  const store = new MinioCluster(c, 'store', base);
  store.addBucket('recordings');
  store.addBucket('velero');
  store.addBucket('other');
  const archive = store.grantRead({ name: 'archive', namespace: 'site-a', podLabels: { app: 'archive' } }, { buckets: ['recordings'] });
  const recorders = store.grantWrite({ name: 'recorders', namespace: 'site-a', podLabels: { app: 'recorder' } }, { buckets: ['recordings'] });
  const velero = store.grantReadWrite({ name: 'velero', namespace: 'velero', podLabels: {} }, { buckets: ['velero'], prefix: 'site-a' });
  return { c, store, archive, recorders, velero, manifests: synth(c) };
}

describe('MinioCluster grants', () => {
  test('each grant is its own user and policy naming only its buckets and the actions of its access', () => {
    const { store, manifests, archive, recorders, velero } = storeWithGrants();
    const config = find(manifests, 'ConfigMap', store.provisioningConfigMapName!);
    const doc = (g: { policyName: string }) => JSON.parse(config.data[`policy-${g.policyName}.json`]);
    const resources = (g: { policyName: string }) => doc(g).Statement.flatMap((s: any) => s.Resource);
    const actions = (g: { policyName: string }) => doc(g).Statement.flatMap((s: any) => s.Action);
    expect(resources(archive)).toEqual(['arn:aws:s3:::recordings', 'arn:aws:s3:::recordings', 'arn:aws:s3:::recordings/*']);
    expect(actions(archive)).not.toContain('s3:PutObject');
    expect(actions(recorders)).toContain('s3:PutObject');
    expect(actions(recorders)).not.toContain('s3:GetObject');
    expect(actions(recorders)).not.toContain('s3:ListBucket');
    expect(actions(recorders)).not.toContain('s3:DeleteObject');
    expect(resources(velero)).toEqual(['arn:aws:s3:::velero', 'arn:aws:s3:::velero', 'arn:aws:s3:::velero/site-a/*']);
    const list = doc(velero).Statement.find((s: any) => s.Action.includes('s3:ListBucket'));
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['site-a/*'] } });
    // Three distinct users, each attached to its own policy, keys from the grant's Secret.
    const secrets = [archive, recorders, velero].map((g) => g.credentials.secretName);
    expect(new Set(secrets).size).toBe(3);
    const job = find(manifests, 'Job', store.provisioningJobName!);
    const env = job.spec.template.spec.containers[0].env;
    for (const g of [archive, recorders, velero]) {
      const c = g.credentials;
      expect(env.some((e: any) => e.valueFrom?.secretKeyRef?.name === c.secretName && e.valueFrom.secretKeyRef.key === c.accessKeyIdKey)).toBe(true);
      expect(store.provisioningCommands).toContain(`mc admin user add "$ALIAS" "$${env.find((e: any) => e.valueFrom?.secretKeyRef?.name === c.secretName && e.valueFrom.secretKeyRef.key === c.accessKeyIdKey).name}" "$${env.find((e: any) => e.valueFrom?.secretKeyRef?.name === c.secretName && e.valueFrom.secretKeyRef.key === c.secretAccessKeyKey).name}"`);
    }
  });

  test('the store admits each consumer\'s pods; the consumer view signs with the consumer\'s keys', () => {
    const { store, manifests, archive, velero } = storeWithGrants();
    const np = find(manifests, 'NetworkPolicy', store.name);
    const froms = np.spec.ingress.flatMap((r: any) => r.from);
    expect(froms).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'site-a' } }, podSelector: { matchLabels: { app: 'archive' } } });
    expect(froms).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'velero' } }, podSelector: {} });
    expect(archive.objectStore.credentials).toEqual(archive.credentials);
    expect(archive.objectStore.s3Endpoint).toBe(store.s3Endpoint);
    expect(archive.storePeer).toEqual(store.serverNetworkPeer);
    // A consumer in another namespace needs the keys there too.
    expect(velero.requiredSecrets.map((s) => s.namespace)).toEqual(['site-a', 'velero']);
    expect(archive.requiredSecrets.map((s) => s.namespace)).toEqual(['site-a']);
    expect(store.grants.map((g) => g.access)).toEqual([ObjectStoreAccess.READ, ObjectStoreAccess.WRITE, ObjectStoreAccess.READ_WRITE]);
  });

  test('the chart lists the root keys and every grant\'s Secrets (RequiredSecrets), once per name and namespace', () => {
    const { c, store, archive, recorders, velero } = storeWithGrants();
    const listed = RequiredSecrets.of(c);
    const root = store.rootCredentials;
    expect(listed[0]).toEqual({ name: root.secretName, namespace: 'site-a', keys: root.keys, purpose: 'MinIO root user and password of store (the servers and the provisioning Job)' });
    // Each grant's requiredSecrets are in the registry as they are (the policy's own record merges into the same entry).
    for (const g of [archive, recorders, velero]) {
      for (const r of g.requiredSecrets) expect(listed).toContainEqual(r);
    }
    expect(listed.map((s) => `${s.namespace}/${s.name}`)).toEqual(['site-a/minio-root', 'site-a/store-archive', 'site-a/store-recorders', 'site-a/store-velero', 'velero/store-velero']);
  });

  test('a policy attached to a user given by the caller records that user\'s keys for the provisioning Job', () => {
    const c = chart('site-a');
    const store = new MinioCluster(c, 'store', base);
    store.addBucket('video');
    const keys = S3Credentials.fromSecretName('cam-keys', { accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' });
    store.addPolicy('cams', { statements: [{ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::video/*'] }], groups: [{ name: 'cameras', members: [keys] }] });
    expect(RequiredSecrets.of(c)).toContainEqual({
      name: 'cam-keys',
      namespace: 'site-a',
      keys: ['id', 'secret'],
      purpose: 'keys of a MinIO user in group cameras (policy cams); the provisioning Job of store creates the user from them',
    });
  });

  test('fails if a grant names a bucket the cluster does not have', () => {
    const c = Testing.chart();
    const store = new MinioCluster(c, 'store', { ...base, namespace: 'site-a' });
    store.addBucket('recordings');
    store.grantRead({ name: 'archive', namespace: 'site-a', podLabels: {} }, { buckets: ['recordngs'] });
    expect(() => Testing.synth(c)).toThrow(/grant to "archive": buckets = "recordngs": is not a bucket of this cluster/);
  });

  test('fails if one consumer name is granted to different pods, or twice with one access', () => {
    const c = Testing.chart();
    const store = new MinioCluster(c, 'store', { ...base, namespace: 'site-a' });
    store.addBucket('a1b');
    store.grantRead({ name: 'job', namespace: 'site-a', podLabels: { app: 'x' } }, { buckets: ['a1b'] });
    expect(() => store.grantWrite({ name: 'job', namespace: 'site-a', podLabels: { app: 'y' } }, { buckets: ['a1b'] })).toThrow(/is already granted to other pods/);
    expect(() => store.grantRead({ name: 'job', namespace: 'site-a', podLabels: { app: 'x' } }, { buckets: ['a1b'] })).toThrow(/already has a read grant/);
    expect(() => store.grantRead({ name: 'other', namespace: 'site-a', podLabels: {} }, { buckets: [] })).toThrow(/a grant names the buckets/);
  });
});
