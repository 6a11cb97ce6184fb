import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-30';
import { clusterOn, muteWarnings, warningsOf } from './fixtures';
import {
  ObjectEvent, CephKafkaAckLevel, IEventTopic, IObjectStore, KafkaAuthentication, KafkaCredentials, ObjectStoreFlavor, ReclaimPolicy,
  RequiredSecrets, RookCephObjectStore, TlsCredentials, S3Credentials,
} from '../../../src';
import { find, findAll, synth } from '../../support/harness';

muteWarnings();

const plainTopic: IEventTopic = { topicName: 'video-segments', bootstrapServers: 'edge-kafka-bootstrap.kafka.svc:9092' };
const tlsTopic: IEventTopic = {
  topicName: 'video-segments',
  bootstrapServers: 'edge-kafka-bootstrap.kafka.svc:9093,edge-kafka-1.kafka.svc:9093',
  caCertificate: { name: 'edge-cluster-ca-cert', key: 'ca.crt' },
};
const scram = KafkaCredentials.fromSecretName('rgw-kafka', { username: 'rgw' });

describe('RookCephObjectStore', () => {
  test('defaults snapshot', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addObjectStore('objects');
    expect(synth(chart)).toMatchSnapshot();
  });

  test('custom snapshot', () => {
    const { chart, cluster } = clusterOn(5);
    const store = cluster.addObjectStore('objects', {
      name: 's3',
      deviceClass: 'hdd',
      metadataPool: { replicas: 3 },
      erasureCodedDataPool: { dataChunks: 3, codingChunks: 2 },
      port: 8080,
      securePort: 8443,
      tls: TlsCredentials.fromSecretName('rgw-tls'),
      caCertificate: { name: 'site-ca', key: 'ca.crt' },
      caBundleSecretName: 'kafka-ca-bundle',
      instances: 3,
      resources: { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(1) } },
      priorityClassName: 'edge-high',
      preservePoolsOnDelete: false,
      bucketStorageClass: { name: 'buckets', reclaimPolicy: ReclaimPolicy.RETAIN },
      credentials: S3Credentials.fromSecretName('site-s3'),
      region: 'site-a',
    });
    const bucket = store.addBucket('segments', { namespace: 'video', maxObjects: 1000000, maxSize: Size.tebibytes(1) });
    bucket.addKafkaNotification('new', { topic: tlsTopic, credentials: scram, events: [ObjectEvent.OBJECT_CREATED_PUT], keyPrefix: 'cam-', keySuffix: '.mp4', tagFilters: { tier: 'hot' }, metadataFilters: { 'x-amz-meta-camera': 'gate' }, opaqueData: 'site-a', ackLevel: CephKafkaAckLevel.NONE, persistent: false });
    store.addUser('velero', { namespace: 'velero', maxBuckets: 5, maxSize: Size.tebibytes(2), maxObjects: 100000 });
    expect(synth(chart)).toMatchSnapshot();
  });

  test('pools: replicated metadata, replicated data by default', () => {
    const { chart, cluster } = clusterOn(3);
    cluster.addObjectStore('objects');
    const spec = find(synth(chart), 'CephObjectStore', 'objects').spec;
    expect(spec.metadataPool.replicated.size).toBe(3);
    expect(spec.dataPool.replicated.size).toBe(3);
    expect(spec.preservePoolsOnDelete).toBe(true);
    expect(spec.gateway).toMatchObject({ port: 80, instances: 2 });
    expect(spec.gateway.securePort).toBeUndefined();
    expect(spec.allowUsersInNamespaces).toBeUndefined();
  });

  test('EC data pool only; metadata stays replicated', () => {
    const { chart, cluster } = clusterOn(5);
    cluster.addObjectStore('objects', { erasureCodedDataPool: {} });
    const spec = find(synth(chart), 'CephObjectStore', 'objects').spec;
    expect(spec.dataPool.erasureCoded).toEqual({ dataChunks: 2, codingChunks: 2 });
    expect(spec.metadataPool.erasureCoded).toBeUndefined();
    expect(spec.metadataPool.replicated.size).toBe(3);
  });

  test('implements IObjectStore with the in-cluster RGW endpoint and a default user', () => {
    const { chart, cluster } = clusterOn(3);
    const store: IObjectStore = cluster.addObjectStore('objects');
    expect(store.s3Endpoint).toBe('http://rook-ceph-rgw-objects.rook-ceph.svc:80');
    expect(store.flavor).toBe(ObjectStoreFlavor.CEPH_RGW);
    expect(store.region).toBe('us-east-1');
    expect(store.forcePathStyle).toBe(true);
    expect(store.credentials).toMatchObject({ secretName: 'rook-ceph-object-user-objects-objects-client', accessKeyIdKey: 'AccessKey', secretAccessKeyKey: 'SecretKey' });
    // Rook writes that Secret: the operator creates nothing, so the chart lists no Secret for it.
    expect(store.credentials.writtenBy).toBe('Rook (CephObjectStoreUser objects-client in rook-ceph)');
    expect(RequiredSecrets.of(chart)).toEqual([]);
    expect(store.networkPeer).toEqual({ namespace: 'rook-ceph', podLabels: { app: 'rook-ceph-rgw', rook_object_store: 'objects' }, ports: [8080] });
    const user = find(synth(chart), 'CephObjectStoreUser', 'objects-client');
    expect(user.metadata.namespace).toBe('rook-ceph');
    expect(user.spec.store).toBe('objects');
  });

  test('given credentials: no user is created', () => {
    const { chart, cluster } = clusterOn(3);
    const keys = S3Credentials.fromSecretName('site-s3');
    const store = cluster.addObjectStore('objects', { credentials: keys });
    expect(store.credentials).toBe(keys);
    expect(store.defaultUser).toBeUndefined();
    expect(findAll(synth(chart), 'CephObjectStoreUser')).toHaveLength(0);
  });

  test('TLS: HTTPS endpoint, certificate and CA references', () => {
    const { chart, cluster } = clusterOn(3);
    const store = cluster.addObjectStore('objects', { tls: TlsCredentials.fromSecretName('rgw-tls'), caCertificate: { name: 'site-ca', key: 'ca.crt' } });
    expect(store.s3Endpoint).toBe('https://rook-ceph-rgw-objects.rook-ceph.svc:443');
    expect(store.caCertificate).toEqual({ name: 'site-ca', key: 'ca.crt' });
    expect(store.networkPeer!.ports).toEqual([443]);
    // Without caCertificate, the CA in the TLS Secret is passed on.
    const withCa = clusterOn(3).cluster.addObjectStore('objects', { tls: TlsCredentials.fromSecretName('rgw-tls', { caCertificateKey: 'ca.crt' }) });
    expect(withCa.caCertificate).toEqual({ name: 'rgw-tls', key: 'ca.crt' });
    const gw = find(synth(chart), 'CephObjectStore', 'objects').spec.gateway;
    expect(gw.port).toBeUndefined();
    expect(gw.securePort).toBe(443);
    expect(gw.sslCertificateRef).toBe('rgw-tls');
  });

  test('host network: the pods listen on the service port', () => {
    const { cluster } = clusterOn(3, { hostNetwork: true });
    expect(cluster.addObjectStore('objects').networkPeer!.ports).toEqual([80]);
  });

  test('bucket StorageClass', () => {
    const { chart, cluster } = clusterOn(3);
    const store = cluster.addObjectStore('objects');
    const sc = find(synth(chart), 'StorageClass', 'ceph-bucket-objects');
    expect(store.bucketStorageClassName).toBe('ceph-bucket-objects');
    expect(sc.provisioner).toBe('rook-ceph.ceph.rook.io/bucket');
    expect(sc.parameters).toEqual({ objectStoreName: 'objects', objectStoreNamespace: 'rook-ceph' });
    expect(sc.reclaimPolicy).toBe('Delete');
    expect(sc.allowVolumeExpansion).toBeUndefined();
  });

  test('users in other namespaces are allowed by the store', () => {
    const { chart, cluster } = clusterOn(3);
    const store = cluster.addObjectStore('objects');
    const user = store.addUser('velero', { namespace: 'velero', maxBuckets: 3 });
    store.addUser('backup', { namespace: 'backup' });
    store.addUser('local');
    const manifests = synth(chart);
    expect(find(manifests, 'CephObjectStore', 'objects').spec.allowUsersInNamespaces).toEqual(['backup', 'velero']);
    const u = find(manifests, 'CephObjectStoreUser', 'objects-velero');
    expect(u.metadata.namespace).toBe('velero');
    expect(u.spec).toEqual({ store: 'objects', displayName: 'objects-velero', clusterNamespace: 'rook-ceph', quotas: { maxBuckets: 3 } });
    expect(user.credentials.secretName).toBe('rook-ceph-object-user-objects-objects-velero');
    expect(user.s3Endpoint).toBe(store.s3Endpoint);
  });

  test('buckets are ObjectBucketClaims and IObjectStores with their own credentials', () => {
    const { chart, cluster } = clusterOn(3);
    const store = cluster.addObjectStore('objects');
    const bucket = store.addBucket('backups', { namespace: 'velero', maxSize: Size.gibibytes(500) });
    const obc = find(synth(chart), 'ObjectBucketClaim', 'backups');
    expect(obc.metadata.namespace).toBe('velero');
    expect(obc.spec).toEqual({ storageClassName: 'ceph-bucket-objects', bucketName: 'backups', additionalConfig: { maxSize: '500Gi' } });
    expect(bucket.credentials).toMatchObject({ secretName: 'backups', accessKeyIdKey: S3Credentials.ACCESS_KEY_ID, secretAccessKeyKey: S3Credentials.SECRET_ACCESS_KEY, writtenBy: 'Rook (ObjectBucketClaim backups in velero)' });
    expect(bucket.bucketName).toBe('backups');
    expect(bucket.s3Endpoint).toBe(store.s3Endpoint);
  });
});

describe('Kafka bucket notifications', () => {
  const setup = (storeProps: any = {}) => {
    const { chart, cluster } = clusterOn(3);
    const store = cluster.addObjectStore('objects', storeProps);
    const bucket = store.addBucket('segments', { namespace: 'video' });
    return { chart, store, bucket };
  };

  test('plain listener: CephBucketTopic + CephBucketNotification + claim label', () => {
    const { chart, bucket } = setup();
    const n = bucket.addKafkaNotification('new', { topic: plainTopic });
    const manifests = synth(chart);
    const topic = find(manifests, 'CephBucketTopic', 'video-segments');
    expect(topic.metadata.namespace).toBe('video');
    expect(topic.spec).toEqual({
      objectStoreName: 'objects',
      objectStoreNamespace: 'rook-ceph',
      persistent: true,
      endpoint: { kafka: { uri: 'kafka://edge-kafka-bootstrap.kafka.svc:9092', useSSL: false, ackLevel: 'broker' } },
    });
    const notification = find(manifests, 'CephBucketNotification', 'segments-new');
    expect(n.notificationName).toBe('segments-new');
    expect(notification.metadata.namespace).toBe('video');
    expect(notification.spec).toEqual({ topic: 'video-segments', events: ['s3:ObjectCreated:*'] });
    expect(find(manifests, 'ObjectBucketClaim', 'segments').metadata.labels['bucket-notification-segments-new']).toBe('segments-new');
  });

  test('TLS listener with SCRAM: useSSL, secret references, mechanism', () => {
    const { chart, bucket } = setup({ tls: TlsCredentials.fromSecretName('rgw-tls'), caBundleSecretName: 'kafka-ca' });
    bucket.addKafkaNotification('new', { topic: tlsTopic, credentials: scram });
    const kafka = find(synth(chart), 'CephBucketTopic', 'video-segments').spec.endpoint.kafka;
    expect(kafka).toEqual({
      uri: 'kafka://edge-kafka-bootstrap.kafka.svc:9093',
      useSSL: true,
      ackLevel: 'broker',
      mechanism: 'SCRAM-SHA-512',
      userSecretRef: { name: 'rgw-kafka', key: 'username' },
      passwordSecretRef: { name: 'rgw-kafka', key: 'password' },
    });
  });

  test('a copy of the KafkaUser\'s Secret in the bucket namespace is listed with the user-name key; the CA bundle and certificate too', () => {
    const { bucket } = setup({ tls: TlsCredentials.fromSecretName('rgw-tls'), caBundleSecretName: 'kafka-ca' });
    bucket.addKafkaNotification('new', { topic: tlsTopic, credentials: KafkaCredentials.fromKafkaUser('rgw', { namespace: 'kafka' }).copiedTo('rgw-kafka', 'video') });
    const listed = RequiredSecrets.of(bucket);
    expect(listed.find((r) => r.name === 'rgw-kafka')).toMatchObject({ namespace: 'video', keys: ['username', 'password'] });
    expect(listed.find((r) => r.name === 'rgw-kafka')!.purpose).toMatch(/^Rook operator: SCRAM login of bucket topic video-segments as rgw/);
    expect(listed.find((r) => r.name === 'kafka-ca')).toMatchObject({ namespace: 'rook-ceph', keys: ['cabundle'] });
    expect(listed.find((r) => r.name === 'rgw-tls')).toMatchObject({ namespace: 'rook-ceph', keys: ['tls.crt', 'tls.key'] });
  });

  test('SCRAM on an HTTP store with cleartext secrets allowed sets the RGW option', () => {
    const { chart, bucket } = setup({ allowNotificationSecretsInCleartext: true, caBundleSecretName: 'kafka-ca' });
    bucket.addKafkaNotification('new', { topic: tlsTopic, credentials: scram, usernameKey: 'user', passwordKey: 'pass' });
    const manifests = synth(chart);
    expect(find(manifests, 'CephObjectStore', 'objects').spec.gateway.rgwConfig).toEqual({ rgw_allow_notification_secrets_in_cleartext: 'true' });
    expect(find(manifests, 'CephBucketTopic', 'video-segments').spec.endpoint.kafka.userSecretRef).toEqual({ name: 'rgw-kafka', key: 'user' });
  });

  test('SCRAM on a plain listener warns', () => {
    const { chart, bucket } = setup({ tls: TlsCredentials.fromSecretName('rgw-tls') });
    bucket.addKafkaNotification('new', { topic: plainTopic, credentials: scram });
    synth(chart);
    expect(warningsOf(chart).join('\n')).toMatch(/credentials = "rgw": topic "video-segments" has no TLS listener/);
  });

  test('two notifications to one topic share the CephBucketTopic', () => {
    const { chart, store, bucket } = setup();
    bucket.addKafkaNotification('new', { topic: plainTopic });
    const other = store.addBucket('thumbnails', { namespace: 'video' });
    other.addKafkaNotification('new', { topic: plainTopic, events: [ObjectEvent.OBJECT_REMOVED] });
    const manifests = synth(chart);
    expect(findAll(manifests, 'CephBucketTopic')).toHaveLength(1);
    expect(findAll(manifests, 'CephBucketNotification').map((x) => x.metadata.name).sort()).toEqual(['segments-new', 'thumbnails-new']);
  });

  test('the same topic in another namespace gets its own CephBucketTopic', () => {
    const { chart, store, bucket } = setup();
    bucket.addKafkaNotification('new', { topic: plainTopic });
    store.addBucket('audit', { namespace: 'security' }).addKafkaNotification('new', { topic: plainTopic });
    expect(findAll(synth(chart), 'CephBucketTopic').map((t) => t.metadata.namespace).sort()).toEqual(['security', 'video']);
  });

  test('skipTlsVerify warns and disables verification', () => {
    const { chart, bucket } = setup();
    bucket.addKafkaNotification('new', { topic: tlsTopic, skipTlsVerify: true });
    expect(find(synth(chart), 'CephBucketTopic', 'video-segments').spec.endpoint.kafka.disableVerifySSL).toBe(true);
    expect(warningsOf(chart).join('\n')).toMatch(/skipTlsVerify = true: RGW will accept any certificate/);
  });

  describe('fails if', () => {
    test('the credentials are mutual TLS', () => {
      const { bucket } = setup({ caBundleSecretName: 'kafka-ca' });
      expect(() => bucket.addKafkaNotification('new', { topic: tlsTopic, credentials: KafkaCredentials.fromSecretName('rgw-kafka', { username: 'rgw', authentication: KafkaAuthentication.TLS }) }))
        .toThrow(/RookCephKafkaBucketNotification "test\/ceph\/objects\/segments\/new": credentials\.authentication = "tls": CephBucketTopic cannot present a Kafka client certificate/);
    });
    test('SCRAM passwords would reach RGW over plain HTTP', () => {
      const { bucket } = setup({ caBundleSecretName: 'kafka-ca' });
      expect(() => bucket.addKafkaNotification('new', { topic: tlsTopic, credentials: scram }))
        .toThrow(/credentials = "rgw": the Rook operator creates the topic through object store "objects" over plain HTTP.*; give the object store tls, or set allowNotificationSecretsInCleartext: true/);
    });
    test('the credentials are the User Operator\'s own Secret (no user-name key) or sit in another namespace', () => {
      const { bucket } = setup({ tls: TlsCredentials.fromSecretName('rgw-tls'), caBundleSecretName: 'kafka-ca' });
      expect(() => bucket.addKafkaNotification('new', { topic: tlsTopic, credentials: KafkaCredentials.fromKafkaUser('rgw', { namespace: 'kafka' }) }))
        .toThrow(/credentials = "kafka\/rgw": the Rook operator reads the user name and the password from one Secret in namespace "video", and the Secret Strimzi's User Operator writes for KafkaUser "rgw" has no user-name key; copy it into namespace "video", add the key "username" = "rgw", and pass credentials.copiedTo\("<copy>", "video"\)/);
      const { bucket: b2 } = setup({ tls: TlsCredentials.fromSecretName('rgw-tls'), caBundleSecretName: 'kafka-ca' });
      expect(() => b2.addKafkaNotification('new', { topic: tlsTopic, credentials: KafkaCredentials.fromKafkaUser('rgw', { namespace: 'kafka' }).copiedTo('rgw-kafka', 'apps') }))
        .toThrow(/credentials = "apps\/rgw-kafka": the Rook operator reads the Secret from the bucket's namespace "video"/);
    });
    test('the brokers use TLS but RGW has no CA bundle', () => {
      const { bucket } = setup();
      expect(() => bucket.addKafkaNotification('new', { topic: tlsTopic }))
        .toThrow(/topic\.caCertificate = "edge-cluster-ca-cert\/ca\.crt": RGW verifies the brokers' certificate.*has no caBundleSecretName; copy the brokers' CA into a Secret in namespace "rook-ceph" under key "cabundle"/);
    });
    test('the Kafka topic name is not a Kubernetes name', () => {
      const { bucket } = setup();
      expect(() => bucket.addKafkaNotification('new', { topic: { ...plainTopic, topicName: 'Video_Segments' } }))
        .toThrow(/topic\.topicName = "Video_Segments": RGW publishes to the Kafka topic named like the CephBucketTopic.*name the Kafka topic e\.g\. "video-segments"/);
    });
    test('the bootstrap servers are malformed', () => {
      const { bucket } = setup();
      expect(() => bucket.addKafkaNotification('new', { topic: { ...plainTopic, bootstrapServers: 'kafka' } })).toThrow(/topic\.bootstrapServers = "kafka": must be host:port/);
    });
    test('the notification name is too long for the claim label', () => {
      const { bucket } = setup();
      expect(() => bucket.addKafkaNotification('new', { topic: plainTopic, name: 'n'.repeat(44) })).toThrow(/name = "n{44}": must be a DNS-1123 label: 1–43 characters/);
    });
    test('the event list is empty', () => {
      const { bucket } = setup();
      expect(() => bucket.addKafkaNotification('new', { topic: plainTopic, events: [] })).toThrow(/events = \[\]: an empty list means "every event"/);
    });
    test('an empty key filter is given', () => {
      const { bucket } = setup();
      expect(() => bucket.addKafkaNotification('new', { topic: plainTopic, keyPrefix: '' })).toThrow(/keyPrefix = "": an empty filter matches everything/);
    });
    test('a shared topic is requested with different settings', () => {
      const { store, bucket } = setup();
      bucket.addKafkaNotification('new', { topic: plainTopic });
      const other = store.addBucket('thumbnails', { namespace: 'video' });
      expect(() => other.addKafkaNotification('new', { topic: plainTopic, persistent: false }))
        .toThrow(/topic = "video-segments": namespace "video" already has a CephBucketTopic "video-segments" on object store "objects" with different endpoint settings/);
    });
  });
});

describe('RookCephObjectStore fails if', () => {
  test('the EC data pool needs more hosts than exist', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addObjectStore('objects', { erasureCodedDataPool: {} })).toThrow(/RookCephObjectStore "test\/ceph\/objects": erasureCodedDataPool\.dataChunks\+erasureCodedDataPool\.codingChunks = 4: pool "objects\.rgw\.buckets\.data" needs at least 4 hosts/);
  });
  test('the metadata pool is erasure-coded', () => {
    const { cluster } = clusterOn(5);
    expect(() => cluster.addObjectStore('objects', { metadataPool: { dataChunks: 2, codingChunks: 2 } as any })).toThrow(/metadataPool = "erasure-coded": RGW keeps bucket indexes and logs in omap.*only the data pool may be erasure-coded/);
  });
  test('both a replicated and an EC data pool are given', () => {
    const { cluster } = clusterOn(5);
    expect(() => cluster.addObjectStore('objects', { dataPool: {}, erasureCodedDataPool: {} })).toThrow(/dataPool\/erasureCodedDataPool = "both": an object store has one data pool/);
  });
  test('a secure port is given without a certificate', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addObjectStore('objects', { securePort: 443 })).toThrow(/securePort = 443: RGW can only serve HTTPS with a certificate/);
  });
  test('the TLS Secret names other keys than Rook mounts', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addObjectStore('objects', { tls: TlsCredentials.fromSecretName('rgw-tls', { certificateKey: 'cert.pem', privateKeyKey: 'key.pem' }) }))
      .toThrow(/RookCephObjectStore "test\/ceph\/objects": tls = "rgw-tls \(keys cert.pem, key.pem\)": Rook mounts the RGW certificate from the fixed keys tls.crt and tls.key of a kubernetes.io\/tls Secret; other key names are never read; store the certificate in a kubernetes.io\/tls Secret and pass TlsCredentials.fromSecretName\("rgw-tls"\)/);
  });
  test('HTTP and HTTPS share a port', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addObjectStore('objects', { tls: TlsCredentials.fromSecretName('tls'), port: 443 })).toThrow(/port\/securePort = 443: HTTP and HTTPS need different ports/);
  });
  test('the port is out of range', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addObjectStore('objects', { port: 0 })).toThrow(/port = 0: must be a TCP port/);
  });
  test('instances is 0', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addObjectStore('objects', { instances: 0 })).toThrow(/instances = 0: must be at least 1 RGW pod/);
  });
  test('given credentials name no Secret', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addObjectStore('objects', { credentials: S3Credentials.fromSecretName('') })).toThrow(/S3Credentials.fromSecretName: secretName = "": a Secret name is required/);
    expect(() => cluster.addObjectStore('objects2', { credentials: { secretName: 'site-s3' } as any })).toThrow(/RookCephObjectStore ".*objects2": credentials = .*: S3 access keys for the store's clients come only from a Secret, as an S3Credentials/);
  });
  test('a bucket name is not a valid S3 bucket name', () => {
    const { cluster } = clusterOn(3);
    const store = cluster.addObjectStore('objects');
    expect(() => store.addBucket('b', { bucketName: 'Bad_Bucket' })).toThrow(/bucketName = "Bad_Bucket": not a valid S3 bucket name: .*; use a name like "bad-bucket"/);
    expect(() => store.addBucket('c', { bucketName: 'logs.-x' })).toThrow(/bucketName = "logs\.-x": not a valid S3 bucket name/);
    expect(() => store.addBucket('ip', { bucketName: '192.168.1.1' })).toThrow(/bucketName = "192\.168\.1\.1": not a valid S3 bucket name: .*IP address/);
  });
  test('a bucket quota is not a whole number', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addObjectStore('objects').addBucket('b1b', { maxObjects: 0 })).toThrow(/maxObjects = 0: must be a positive whole number/);
  });
  test('a user quota is not a whole number', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addObjectStore('objects').addUser('u', { maxBuckets: 0 })).toThrow(/maxBuckets = 0: must be a positive whole number/);
  });
  test('a user namespace is invalid', () => {
    const { cluster } = clusterOn(3);
    expect(() => cluster.addObjectStore('objects').addUser('u', { namespace: 'Velero' })).toThrow(/namespace = "Velero": must be a DNS-1123 label/);
  });
  test('can also be constructed directly', () => {
    const { chart, cluster } = clusterOn(3);
    new RookCephObjectStore(chart, 'direct', { cluster, credentials: S3Credentials.fromSecretName('s3') });
    expect(find(synth(chart), 'CephObjectStore', 'direct').metadata.namespace).toBe('rook-ceph');
  });
});
