import { Testing } from 'cdk8s';
import { clusterOn, muteWarnings } from './fixtures';
import { ObjectStoreAccess } from '../../../src';
import { find, findAll, synth } from '../../support/harness';

muteWarnings();

describe('RookCephObjectStore grants', () => {
  test('a grant is an RGW user in the consumer\'s namespace plus statements in the named buckets\' policies only', () => {
    const { chart, cluster } = clusterOn(3);
    const store = cluster.addObjectStore('objects');
    store.addBucket('recordings', { namespace: 'site-a' });
    store.addBucket('other', { namespace: 'site-a' });
    const g = store.grantRead({ name: 'archive', namespace: 'site-a', podLabels: { app: 'archive' } }, { buckets: ['recordings'], prefix: 'cams' });
    const w = store.grantWrite({ name: 'recorders', namespace: 'site-a', podLabels: { app: 'recorder' } }, { buckets: ['recordings'] });
    const m = synth(chart);
    const user = find(m, 'CephObjectStoreUser', 'objects-archive');
    expect(user.metadata.namespace).toBe('site-a');
    expect(g.credentials).toMatchObject({ secretName: 'rook-ceph-object-user-objects-objects-archive', accessKeyIdKey: 'AccessKey', secretAccessKeyKey: 'SecretKey', writtenBy: 'Rook (CephObjectStoreUser objects-archive in site-a)' });
    expect(g.requiredSecrets).toEqual([]);
    expect(g.objectStore.credentials).toEqual(g.credentials);
    expect(store.grants.map((x) => x.access)).toEqual([ObjectStoreAccess.READ, ObjectStoreAccess.WRITE]);
    const policy = JSON.parse(find(m, 'ObjectBucketClaim', 'recordings').spec.additionalConfig.bucketPolicy);
    const forUser = (u: string) => policy.Statement.filter((s: any) => s.Principal.AWS.includes(`arn:aws:iam:::user/${u}`));
    expect(forUser('objects-archive').flatMap((s: any) => s.Action)).toEqual(['s3:GetBucketLocation', 's3:ListBucket', 's3:GetObject']);
    expect(forUser('objects-archive').flatMap((s: any) => s.Resource)).toEqual(['arn:aws:s3:::recordings', 'arn:aws:s3:::recordings', 'arn:aws:s3:::recordings/cams/*']);
    expect(forUser('objects-recorders').flatMap((s: any) => s.Action)).not.toContain('s3:GetObject');
    expect(w.description).toMatch(/bucketPolicy/);
    // The other bucket gets no policy; the store allows users in the consumer namespace.
    expect(find(m, 'ObjectBucketClaim', 'other').spec.additionalConfig).toBeUndefined();
    expect(findAll(m, 'CephObjectStore')[0].spec.allowUsersInNamespaces).toContain('site-a');
  });

  test('fails if a grant names a bucket that was not added to the store', () => {
    const { chart, cluster } = clusterOn(3);
    const store = cluster.addObjectStore('objects');
    store.grantReadWrite({ name: 'velero', namespace: 'velero', podLabels: {} }, { buckets: ['velero'] });
    expect(() => Testing.synth(chart)).toThrow(/grant to "velero": buckets = "velero": is not a bucket added with addBucket/);
  });

  test('checks the request like every store: consumer name, namespace and bucket names', () => {
    const { cluster } = clusterOn(3);
    const store = cluster.addObjectStore('objects');
    expect(() => store.grantRead({ name: 'archive', namespace: 'Site_A', podLabels: {} }, { buckets: ['recordings'] })).toThrow(/consumer "archive" namespace = "Site_A"/);
    expect(() => store.grantRead({ name: 'archive', namespace: 'site-a', podLabels: {} }, { buckets: ['Recordings'] }))
      .toThrow(/grant to "archive": buckets\[0\] = "Recordings": not a valid S3 bucket name.*use a name like "recordings"/);
    expect(() => store.grantRead({ name: 'archive', namespace: 'site-a', podLabels: {} }, { buckets: [] })).toThrow(/a grant names the buckets/);
  });
});
