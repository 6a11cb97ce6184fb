// KafkaCredentials and TlsCredentials (src/core/secrets.ts): factories from a cdk8s-plus Secret or a name, their keys,
// bad input, the env and volumes they render, and what requireIn records.
import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import {
  KafkaAuthentication, KafkaCredentials, S3Credentials, MinioCluster, RequiredSecrets, TelegrafIngest, TlsCredentials,
} from '../../src';
import { clusterOn } from '../storage/rook/fixtures';

describe('KafkaCredentials', () => {
  test('from a cdk8s-plus Secret: its name, SCRAM by default, the password key and env', () => {
    const chart = Testing.chart();
    const secret = new kplus.Secret(chart, 'cloud-user');
    const c = KafkaCredentials.fromSecret(secret, { username: 'site-a-mm2' });
    expect(c.secretName).toBe(secret.name);
    expect(c.username).toBe('site-a-mm2');
    expect(c.authentication).toBe(KafkaAuthentication.SCRAM_SHA_512);
    expect(c.namespace).toBeUndefined();
    expect(c.writtenBy).toBeUndefined();
    expect(c.keys).toEqual([KafkaCredentials.PASSWORD_KEY]);
    expect(c.passwordEnv('KAFKA_PASSWORD')).toEqual({ name: 'KAFKA_PASSWORD', valueFrom: { secretKeyRef: { name: secret.name, key: KafkaCredentials.PASSWORD_KEY } } });
    expect(c.volume('kafka-user')).toBeUndefined();
  });

  test('mutual TLS by name: certificate and key, a read-only volume of both, no password env', () => {
    const c = KafkaCredentials.fromSecretName('minio', { username: 'minio', authentication: KafkaAuthentication.TLS, namespace: 'kafka' });
    expect(c.keys).toEqual([KafkaCredentials.CERTIFICATE_KEY, KafkaCredentials.PRIVATE_KEY_KEY]);
    expect(c.passwordEnv('X')).toBeUndefined();
    expect(c.volume('kafka-user')).toEqual({
      name: 'kafka-user',
      secret: {
        secretName: 'minio',
        items: [
          { key: KafkaCredentials.CERTIFICATE_KEY, path: KafkaCredentials.CERTIFICATE_KEY },
          { key: KafkaCredentials.PRIVATE_KEY_KEY, path: KafkaCredentials.PRIVATE_KEY_KEY },
        ],
        defaultMode: 0o440,
      },
    });
  });

  test('fromKafkaUser is the User Operator\'s Secret: nothing to create in its namespace, a copy elsewhere is required', () => {
    const chart = Testing.chart();
    const user = KafkaCredentials.fromKafkaUser('minio', { namespace: 'kafka' });
    expect(user).toMatchObject({ secretName: 'minio', username: 'minio', namespace: 'kafka', writtenBy: "Strimzi's User Operator (KafkaUser minio in kafka)", authentication: KafkaAuthentication.SCRAM_SHA_512 });
    user.requireIn(chart, { namespace: 'kafka', purpose: 'producer in the Kafka namespace' });
    expect(RequiredSecrets.of(chart)).toEqual([]);

    const copy = user.copiedTo('minio-kafka', 'storage');
    expect(copy).toMatchObject({ secretName: 'minio-kafka', username: 'minio', namespace: 'storage', authentication: KafkaAuthentication.SCRAM_SHA_512 });
    expect(copy.writtenBy).toBeUndefined();
    copy.requireIn(chart, { namespace: 'storage', purpose: 'MinIO notifications' });
    copy.requireIn(chart, { namespace: 'storage', purpose: 'Telegraf' });
    expect(RequiredSecrets.of(chart)).toEqual([{ name: 'minio-kafka', namespace: 'storage', keys: [KafkaCredentials.PASSWORD_KEY], purpose: 'MinIO notifications; Telegraf' }]);

    const tls = KafkaCredentials.fromKafkaUser('gw', { namespace: 'kafka', authentication: KafkaAuthentication.TLS }).copiedTo('gw-copy', 'apps');
    expect(tls.authentication).toBe(KafkaAuthentication.TLS);
    tls.requireIn(chart, { namespace: 'apps', purpose: 'gateway' });
    expect(RequiredSecrets.of(chart).find((s) => s.name === 'gw-copy')!.keys).toEqual([KafkaCredentials.CERTIFICATE_KEY, KafkaCredentials.PRIVATE_KEY_KEY]);
  });

  test('credentials given by the operator are recorded wherever they are read', () => {
    const chart = Testing.chart();
    KafkaCredentials.fromSecretName('cloud-user', { username: 'site-a-mm2' }).requireIn(chart, { namespace: 'site-a', purpose: 'MirrorMaker2 login to the cloud' });
    expect(RequiredSecrets.of(chart)).toEqual([{ name: 'cloud-user', namespace: 'site-a', keys: ['password'], purpose: 'MirrorMaker2 login to the cloud' }]);
  });

  describe('fails if', () => {
    test('the Secret name is missing or not a Secret name', () => {
      expect(() => KafkaCredentials.fromSecretName('', { username: 'u' }))
        .toThrow(/^KafkaCredentials.fromSecretName: secretName = "": a Secret name is required; pass the name of the Secret/);
      expect(() => KafkaCredentials.fromSecretName('Cloud_User', { username: 'u' }))
        .toThrow(/^KafkaCredentials.fromSecretName: secretName = "Cloud_User": not a valid Secret name.*; use the Secret's real name, e.g. "cloud-user"/);
      expect(() => KafkaCredentials.fromSecret(undefined as any, { username: 'u' })).toThrow(/^KafkaCredentials.fromSecret: secret.name = "": a Secret name is required/);
      // fromKafkaUser takes the Secret's name from the user name: the message names that argument.
      expect(() => KafkaCredentials.fromKafkaUser('Minio_Events', { namespace: 'kafka' })).toThrow(/^KafkaCredentials.fromKafkaUser: username = "Minio_Events": not a valid Secret name/);
      expect(() => KafkaCredentials.fromSecretName('u', { username: 'u' }).copiedTo('', 'ns')).toThrow(/^KafkaCredentials.copiedTo: secretName = ""/);
    });

    test('the user name, the mechanism or the namespace is wrong', () => {
      expect(() => KafkaCredentials.fromSecretName('s', { username: '' })).toThrow(/^KafkaCredentials.fromSecretName: options.username = "": the client's user name is required; pass the KafkaUser's name/);
      expect(() => KafkaCredentials.fromSecretName('s', undefined as any)).toThrow(/options.username = ""/);
      expect(() => KafkaCredentials.fromSecretName('s', { username: 'u', authentication: 'plain' as any }))
        .toThrow(/^KafkaCredentials.fromSecretName: options.authentication = "plain": must be a KafkaAuthentication member; use KafkaAuthentication.SCRAM_SHA_512 or KafkaAuthentication.TLS/);
      expect(() => KafkaCredentials.fromSecretName('s', { username: 'u', namespace: 'Kafka' })).toThrow(/options.namespace = "Kafka": not a valid namespace name/);
      expect(() => KafkaCredentials.fromKafkaUser('u', { namespace: '' }))
        .toThrow(/^KafkaCredentials.fromKafkaUser: options.namespace = "": the User Operator writes the Secret in the Kafka cluster's namespace, which is required; pass the namespace/);
    });
  });
});

describe('TlsCredentials', () => {
  test('from a cdk8s-plus TlsSecret: the kubernetes.io/tls keys, no CA', () => {
    const chart = Testing.chart();
    const secret = new kplus.TlsSecret(chart, 'cert', { tlsCert: 'c', tlsKey: 'k' });
    const t = TlsCredentials.fromSecret(secret);
    expect(t.secretName).toBe(secret.name);
    expect(t.keys).toEqual([TlsCredentials.CERTIFICATE_KEY, TlsCredentials.PRIVATE_KEY_KEY]);
    // cdk8s-plus writes the certificate and key under exactly the keys TlsCredentials reads by default.
    expect(t.keys.map((k) => secret.getStringData(k))).toEqual(['c', 'k']);
    expect(t.caCertificate).toBeUndefined();
    expect(t.volume('tls')).toEqual({
      name: 'tls',
      secret: { secretName: secret.name, items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }], defaultMode: 0o440 },
    });
  });

  test('by name with a CA key and other key names: the CA reference, files where the program wants them', () => {
    const t = TlsCredentials.fromSecretName('store-tls', { certificateKey: 'cert.pem', privateKeyKey: 'key.pem', caCertificateKey: 'ca.pem' });
    expect(t.keys).toEqual(['cert.pem', 'key.pem', 'ca.pem']);
    expect(t.caCertificate).toEqual({ name: 'store-tls', key: 'ca.pem' });
    expect(t.volume('certs', { certificate: 'public.crt', privateKey: 'private.key', caCertificate: 'CAs/ca.crt' }).secret!.items).toEqual([
      { key: 'cert.pem', path: 'public.crt' }, { key: 'key.pem', path: 'private.key' }, { key: 'ca.pem', path: 'CAs/ca.crt' },
    ]);
    expect(t.volume('certs').secret!.items![2]).toEqual({ key: 'ca.pem', path: 'ca.crt' });
  });

  test('requireIn records the certificate\'s keys in the reader\'s namespace', () => {
    const chart = Testing.chart();
    TlsCredentials.fromSecretName('rgw-tls', { caCertificateKey: 'ca.crt' }).requireIn(chart, { namespace: 'rook-ceph', purpose: 'RGW HTTPS' });
    expect(RequiredSecrets.of(chart)).toEqual([{ name: 'rgw-tls', namespace: 'rook-ceph', keys: ['tls.crt', 'tls.key', 'ca.crt'], purpose: 'RGW HTTPS' }]);
  });

  describe('fails if', () => {
    test('the Secret name is missing or invalid', () => {
      expect(() => TlsCredentials.fromSecretName('')).toThrow(/^TlsCredentials.fromSecretName: secretName = "": a Secret name is required/);
      expect(() => TlsCredentials.fromSecretName('Store TLS')).toThrow(/^TlsCredentials.fromSecretName: secretName = "Store TLS": not a valid Secret name/);
      expect(() => TlsCredentials.fromSecret(undefined as any)).toThrow(/^TlsCredentials.fromSecret: secret.name = ""/);
    });

    test('a key name is invalid or two keys are the same', () => {
      expect(() => TlsCredentials.fromSecretName('t', { certificateKey: 'tls/crt' })).toThrow(/^TlsCredentials.fromSecretName: keys.certificateKey = "tls\/crt"/);
      expect(() => TlsCredentials.fromSecretName('t', { caCertificateKey: 'tls.crt' }))
        .toThrow(/^TlsCredentials.fromSecretName: keys = "tls.crt, tls.key, tls.crt": the certificate, the private key and the CA certificate must be different keys of the Secret; name distinct keys/);
    });
  });
});

describe('constructs refuse look-alike objects (plain JavaScript or JSON callers) with the factory to use', () => {
  const lookAlike = { secretName: 'u', username: 'u', authentication: 'scram-sha-512' } as any;
  const topic = { topicName: 'events', bootstrapServers: 'k:9093', caCertificate: { name: 'ca', key: 'ca.crt' } };

  test('TelegrafIngest: tls and kafka.credentials', () => {
    const props = { namespace: 'site-a', influxUrl: 'http://influxdb:8086', influxToken: { name: 't', key: 'token' }, organization: 'o', bucket: 'b' };
    expect(() => new TelegrafIngest(Testing.chart(), 'in', { ...props, tls: { secretName: 'x' } as any }))
      .toThrow(/TelegrafIngest "test\/in": tls = "\{"secretName":"x"\}": must be a TlsCredentials; pass TlsCredentials.fromSecretName/);
    expect(() => new TelegrafIngest(Testing.chart(), 'in', { ...props, kafka: { topic, credentials: lookAlike } }))
      .toThrow(/TelegrafIngest "test\/in": kafka.credentials = "\{"secretName":"u".*": must be a KafkaCredentials; pass KafkaCredentials.fromSecretName/);
  });

  test('MinioBucket notifications and their copies', () => {
    const store = new MinioCluster(Testing.chart(), 'store', { driveSize: Size.gibibytes(10), rootCredentials: S3Credentials.fromSecretName('root'), namespace: 'site-a' });
    expect(() => store.addBucket('bkt-a', { notifications: [{ topic, credentials: lookAlike }] }))
      .toThrow(/MinioBucket "test\/store\/bkt-a": notifications\[0\].credentials = .*: must be a KafkaCredentials/);
    expect(() => store.addBucket('bkt-b', { notifications: [{ topic, credentials: KafkaCredentials.fromSecretName('u', { username: 'u' }), secretCopies: { credentials: lookAlike } }] }))
      .toThrow(/MinioBucket "test\/store\/bkt-b": notifications\[0\].secretCopies.credentials = .*: must be a KafkaCredentials/);
  });

  test('RookCephObjectStore tls and Kafka bucket notifications', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addObjectStore('bad', { tls: { secretName: 'rgw-tls' } as any })).toThrow(/RookCephObjectStore "test\/ceph\/bad": tls = .*: must be a TlsCredentials/);
    const bucket = cluster.addObjectStore('objects', { tls: TlsCredentials.fromSecretName('rgw-tls'), caBundleSecretName: 'ca' }).addBucket('bkt-b', { namespace: 'apps' });
    expect(() => bucket.addKafkaNotification('n', { topic, credentials: lookAlike })).toThrow(/credentials = .*: must be a KafkaCredentials/);
  });
});
