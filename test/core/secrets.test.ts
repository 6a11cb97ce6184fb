import { Chart, Testing } from 'cdk8s';
import { Secret } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { RequiredSecrets, S3Credentials } from '../../src';
import { SecretReaders } from '../../src/core/secret-readers';

describe('S3Credentials', () => {
  test('fromSecret takes the name of a cdk8s-plus Secret made in the chart, with the default keys', () => {
    const chart = Testing.chart();
    const secret = new Secret(chart, 'keys', { metadata: { name: 'cloud-keys' } });
    const keys = S3Credentials.fromSecret(secret);
    expect(keys.secretName).toBe('cloud-keys');
    expect(keys.keys).toEqual([S3Credentials.ACCESS_KEY_ID, S3Credentials.SECRET_ACCESS_KEY]);
    expect(keys.writtenBy).toBeUndefined();
  });

  test('fromSecret takes an imported Secret too', () => {
    const chart = Testing.chart();
    expect(S3Credentials.fromSecret(Secret.fromSecretName(chart, 'imported', 'site-keys')).secretName).toBe('site-keys');
  });

  test('fromSecretName with custom keys renders env vars by secretKeyRef, under default or given names', () => {
    const keys = S3Credentials.fromSecretName('aws', { accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' });
    expect(keys.keys).toEqual(['id', 'secret']);
    expect(keys.env()).toEqual([
      { name: S3Credentials.ACCESS_KEY_ID, valueFrom: { secretKeyRef: { name: 'aws', key: 'id' } } },
      { name: S3Credentials.SECRET_ACCESS_KEY, valueFrom: { secretKeyRef: { name: 'aws', key: 'secret' } } },
    ]);
    expect(keys.env({ accessKeyId: 'MINIO_ROOT_USER', secretAccessKey: 'MINIO_ROOT_PASSWORD' })).toEqual([
      { name: 'MINIO_ROOT_USER', valueFrom: { secretKeyRef: { name: 'aws', key: 'id' } } },
      { name: 'MINIO_ROOT_PASSWORD', valueFrom: { secretKeyRef: { name: 'aws', key: 'secret' } } },
    ]);
    // One key renamed: the other keeps its default.
    expect(S3Credentials.fromSecretName('k', { accessKeyIdKey: 'user' }).keys).toEqual(['user', S3Credentials.SECRET_ACCESS_KEY]);
  });

  test('fails if the Secret name is missing or invalid, or a key is invalid or repeated', () => {
    expect(() => S3Credentials.fromSecretName('')).toThrow(
      'S3Credentials.fromSecretName: secretName = "": a Secret name is required; pass the name of the Secret (or the cdk8s-plus Secret) that holds the values');
    expect(() => S3Credentials.fromSecretName('Cloud_Keys')).toThrow(/^S3Credentials.fromSecretName: secretName = "Cloud_Keys": not a valid Secret name: .*; use the Secret's real name, e.g. "cloud-keys"$/);
    expect(() => S3Credentials.fromSecret(undefined as any)).toThrow(/^S3Credentials.fromSecret: secret.name = "": a Secret name is required/);
    expect(() => S3Credentials.fromSecretName('k', { accessKeyIdKey: 'access key' })).toThrow(/^S3Credentials.fromSecretName: keys.accessKeyIdKey = "access key": not a valid Secret key: .*; use a key like "access-key"/);
    expect(() => S3Credentials.fromSecretName('k', { secretAccessKeyKey: '' })).toThrow(/^S3Credentials.fromSecretName: keys.secretAccessKeyKey = "": not a valid Secret key/);
    expect(() => S3Credentials.fromSecretName('k', { accessKeyIdKey: 'same', secretAccessKeyKey: 'same' })).toThrow(
      'S3Credentials.fromSecretName: keys.secretAccessKeyKey = "same": the access key id and the secret access key must be different keys of the Secret; name two keys, e.g. the defaults AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(() => S3Credentials.fromOperatorSecret('k', ' ')).toThrow(/^S3Credentials.fromOperatorSecret: writtenBy = " ": says who writes the Secret; name the operator/);
  });

  test('requireIn records the Secret per chart, merging readers of the same name and namespace', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'site', { namespace: 'site-a' });
    const other = new Chart(app, 'other');
    const keys = S3Credentials.fromSecretName('cloud-keys');
    keys.requireIn(new Construct(chart, 'restic'), { namespace: 'site-a', purpose: 'restic repository' });
    keys.requireIn(chart, { namespace: 'site-a', purpose: 'rclone archive', policy: '{"Version":"2012-10-17"}' });
    keys.requireIn(chart, { namespace: 'site-a', purpose: 'restic repository' });
    keys.requireIn(chart, { namespace: 'backup', purpose: 'velero' });
    S3Credentials.fromSecretName('cloud-keys', { accessKeyIdKey: 'id2', secretAccessKeyKey: 'secret2' }).requireIn(chart, { namespace: 'site-a', purpose: 'second key pair' });
    expect(RequiredSecrets.of(chart)).toEqual([
      {
        name: 'cloud-keys',
        namespace: 'site-a',
        keys: [S3Credentials.ACCESS_KEY_ID, S3Credentials.SECRET_ACCESS_KEY, 'id2', 'secret2'],
        purpose: 'restic repository; rclone archive; second key pair',
        policy: '{"Version":"2012-10-17"}',
      },
      { name: 'cloud-keys', namespace: 'backup', keys: keys.keys, purpose: 'velero' },
    ]);
    // Another chart has its own list.
    expect(RequiredSecrets.of(other)).toEqual([]);
  });

  test('keys an operator writes (Rook) are not listed', () => {
    const chart = Testing.chart();
    const rook = S3Credentials.fromOperatorSecret('rook-ceph-object-user-s-u', 'Rook (CephObjectStoreUser u)', { accessKeyIdKey: 'AccessKey', secretAccessKeyKey: 'SecretKey' });
    rook.requireIn(chart, { namespace: 'site-a', purpose: 'a job' });
    expect(rook.writtenBy).toBe('Rook (CephObjectStoreUser u)');
    expect(RequiredSecrets.of(chart)).toEqual([]);
  });
});

describe('RequiredSecrets', () => {
  test('add merges keys and purposes and keeps the first policy; of returns copies', () => {
    const chart = Testing.chart();
    RequiredSecrets.add(chart, { name: 's', namespace: 'n', keys: ['a'], purpose: 'reader one' });
    RequiredSecrets.add(chart, { name: 's', namespace: 'n', keys: ['a', 'b'], purpose: 'one', policy: 'P1' });
    RequiredSecrets.add(chart, { name: 's', namespace: 'n', keys: ['c'], purpose: 'reader two', policy: 'P2' });
    RequiredSecrets.addKey(chart, { name: 't', key: 'token' }, { namespace: 'n', purpose: 'token reader' });
    const listed = RequiredSecrets.of(chart);
    // 'one' is part of 'reader one': not repeated.
    expect(listed).toEqual([
      { name: 's', namespace: 'n', keys: ['a', 'b', 'c'], purpose: 'reader one; reader two', policy: 'P1' },
      { name: 't', namespace: 'n', keys: ['token'], purpose: 'token reader' },
    ]);
    listed[0].keys.push('mutated');
    expect(RequiredSecrets.of(chart)[0].keys).toEqual(['a', 'b', 'c']);
  });
});

describe('SecretReaders', () => {
  test('checkS3 refuses anything but S3Credentials, naming the prop', () => {
    expect(() => SecretReaders.checkS3('ExternalObjectStore', 'credentials', { secretName: 'k' }, 'the store\'s clients')).toThrow(
      'ExternalObjectStore: credentials = "{"secretName":"k"}": S3 access keys for the store\'s clients come only from a Secret, as an S3Credentials; pass S3Credentials.fromSecretName("<secret>") or S3Credentials.fromSecret(secret)');
    expect(() => SecretReaders.checkS3('X', 'credentials', undefined, 'restic')).toThrow(/^X: credentials = "undefined": S3 access keys for restic/);
    const keys = S3Credentials.fromSecretName('k');
    expect(SecretReaders.checkS3('X', 'credentials', keys, 'restic')).toBe(keys);
  });

  test('namespaceOf: the given namespace, else the chart\'s, else default', () => {
    const app = Testing.app();
    const withNs = new Chart(app, 'a', { namespace: 'site-a' });
    const without = new Chart(app, 'b');
    expect(SecretReaders.namespaceOf(withNs, 'other')).toBe('other');
    expect(SecretReaders.namespaceOf(withNs)).toBe('site-a');
    expect(SecretReaders.namespaceOf(without)).toBe('default');
  });
});
