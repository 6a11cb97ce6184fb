import { Duration, Size } from 'cdk8s';
import { envOf, server } from './support';
import {
  Bandwidth, BucketAnonymousAccess, BucketEncryption, ObjectEvent, ContainerImage, Filesystem, ExternalObjectStore, IEventTopic,
  KafkaCredentials, MinioBucket, MinioCluster, MinioClusterProps, MinioPolicyStatements, ObjectLockMode, ObjectStoreFlavor, PolicyEffect,
  SecurityBaseline, TlsCredentials, Warnings, S3Credentials,
} from '../../../src';
import { chart, find, findAll, synth } from '../../support/harness';
import { printedWarnings } from '../../support/warnings';

const base: MinioClusterProps = { driveSize: Size.gibibytes(100), rootCredentials: S3Credentials.fromSecretName('minio-root') };
// Strimzi's CA Secret lives in namespace "kafka"; these tests' MinIO runs elsewhere and mounts the copy the operator keeps.
const topic: IEventTopic = { topicName: 'camera-events', bootstrapServers: 'edge-kafka-bootstrap.kafka.svc:9093', caCertificate: { name: 'edge-cluster-ca-cert', key: 'ca.crt' }, secretNamespace: 'kafka' };
// The operator copied Strimzi's Secrets into the MinIO namespace under the same names.
const copied = { caCertificate: { name: 'edge-cluster-ca-cert', key: 'ca.crt' } };
const scram = KafkaCredentials.fromSecretName('minio-events', { username: 'minio-events' });
const archive = new ExternalObjectStore({ s3Endpoint: 'https://archive.example.com:9443', credentials: S3Credentials.fromSecretName('archive-keys'), flavor: ObjectStoreFlavor.MINIO, caCertificate: { name: 'archive-ca', key: 'ca.crt' } });
const cloud = new ExternalObjectStore({ s3Endpoint: 'https://s3.eu-west-1.amazonaws.com', credentials: S3Credentials.fromSecretName('cloud-keys', { accessKeyIdKey: 'id', secretAccessKeyKey: 'secret' }), flavor: ObjectStoreFlavor.AWS_S3, region: 'eu-west-1' });


/** A cluster with every feature on: the custom snapshot. */
function fullCluster() {
  const c = chart('site-a');
  const store = new MinioCluster(c, 'store', {
    ...base,
    servers: 6,
    drivesPerServer: 2,
    storageClassName: 'local-xfs',
    driveFilesystem: Filesystem.XFS,
    image: ContainerImage.of('registry.example.com/aistor/minio', 'RELEASE.2026-03-01T00-00-00Z'),
    mcImage: ContainerImage.of('registry.example.com/aistor/mc', 'RELEASE.2026-03-01T00-00-00Z'),
    resources: { memory: { request: Size.gibibytes(4), limit: Size.gibibytes(8) } },
    tls: TlsCredentials.fromSecretName('store-tls', { caCertificateKey: 'ca.crt' }),
    console: true,
    allowedClients: [{ namespace: 'backup', podLabels: { 'app.kubernetes.io/name': 'velero' }, ports: [] }, { namespace: 'apps', podLabels: {}, ports: [] }],
    region: 'site-a',
    nodeSelector: { 'edge.example.com/storage': 'true' },
    tolerations: [{ key: 'storage', operator: 'Exists', effect: 'NoSchedule' }],
    priorityClassName: 'edge-critical',
    eventQueueSize: Size.gibibytes(5),
    eventQueueLimit: 50000,
    kes: { endpoints: ['https://kes.kes.svc.cluster.local:7373'], keyName: 'site-a-key', apiKey: { name: 'kes-api', key: 'key' }, caCertificate: { name: 'kes-ca', key: 'ca.crt' } },
    provisioning: { ttlAfterFinished: Duration.hours(2), activeDeadline: Duration.minutes(10), backoffLimit: 3, attemptsPerStep: 5 },
    runAsUser: 1000,
  });
  store.addTier('warm', { target: archive, bucket: 'site-a-tier', prefix: 'video/' });
  store.addBucket('video', {
    objectLock: true,
    retention: { mode: ObjectLockMode.GOVERNANCE, period: Duration.days(7) },
    quota: Size.tebibytes(2),
    encryption: BucketEncryption.SSE_KMS,
    lifecycle: [
      { id: 'tier-then-expire', prefix: 'raw/', transition: { after: Duration.days(3), tier: 'WARM' }, expiration: Duration.days(30) },
      { id: 'old-versions', noncurrentVersionExpiration: Duration.days(7), noncurrentVersionsToKeep: 2 },
    ],
    notifications: [{ topic, credentials: scram, secretCopies: { ...copied, credentials: scram.copiedTo(scram.secretName, 'site-a') }, events: [ObjectEvent.OBJECT_CREATED], suffix: '.mp4' }],
    replication: [{ target: archive, bucket: 'site-a-video', bandwidthLimit: Bandwidth.mbps(1000) }],
  });
  store.addBucket('telemetry', {
    name: 'telemetry.raw',
    versioning: true,
    anonymousAccess: BucketAnonymousAccess.DOWNLOAD,
    encryption: BucketEncryption.SSE_S3,
    lifecycle: [{ expiration: Duration.days(90) }],
    notifications: [{ topic: { topicName: 'telemetry', bootstrapServers: 'plain-kafka:9092' }, events: [ObjectEvent.OBJECT_CREATED, ObjectEvent.OBJECT_REMOVED], prefix: 'sensors/' }],
    replication: [{ target: cloud, bucket: 'fleet-telemetry', replicateDeletes: true, replicateExistingObjects: false, synchronous: true, storageClass: 'STANDARD_IA' }],
  });
  store.addPolicy('video-writer', { statements: MinioPolicyStatements.writeOnly(['video']), groups: [{ name: 'cameras', members: [S3Credentials.fromSecretName('cam-1-keys'), S3Credentials.fromSecretName('cam-2-keys')] }] });
  store.addPolicy('archive-reader', {
    statements: [
      ...MinioPolicyStatements.readOnly(['video', 'telemetry.raw']),
      { effect: PolicyEffect.DENY, actions: ['s3:DeleteObject'], resources: ['arn:aws:s3:::video/*'], sid: 'NoDeletes', conditions: { StringNotEquals: { 'aws:username': ['admin'] } } },
    ],
    users: [S3Credentials.fromSecretName('analytics-keys', { accessKeyIdKey: 'accessKey', secretAccessKeyKey: 'secretKey' })],
  });
  return { c, store };
}

describe('MinioCluster', () => {
  test('defaults snapshot', () => {
    const c = chart('edge');
    new MinioCluster(c, 'store', base);
    expect(synth(c)).toMatchSnapshot();
  });

  test('custom snapshot', () => {
    const { c } = fullCluster();
    expect(synth(c)).toMatchSnapshot();
  });

  test('defaults: 4 × 1 drives at EC:2, Parallel, headless + client Service, one server per node', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    const m = synth(c);
    const sts = find(m, 'StatefulSet', 'store');
    expect(sts.spec.replicas).toBe(4);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    // MinIO cannot be rolled one server at a time: pods are replaced only when deleted (all together).
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(sts.spec.serviceName).toBe('store-hl');
    expect(sts.spec.volumeClaimTemplates.map((t: any) => [t.metadata.name, t.spec.resources.requests.storage])).toEqual([['data0', '100Gi'], ['events', '1Gi']]);
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
    expect(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([{
      labelSelector: { matchLabels: store.podLabels }, topologyKey: 'kubernetes.io/hostname',
    }]);
    expect(server(m).args).toEqual(['server', '--address', ':9000', '--console-address', ':9001', '--certs-dir', '/etc/minio/certs', 'http://store-{0...3}.store-hl.edge.svc.cluster.local/data0']);
    expect(envOf(server(m)).MINIO_STORAGE_CLASS_STANDARD).toBe('EC:2');
    expect(find(m, 'Service', 'store-hl').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(find(m, 'Service', 'store').spec.ports).toEqual([{ name: 'http', port: 9000, targetPort: 9000 }]);
    expect(findAll(m, 'Job')).toEqual([]);
    expect(findAll(m, 'ConfigMap')).toEqual([]);
    expect(store.provisioningJobName).toBeUndefined();
    expect(store.provisioningCommands).toEqual([]);
  });

  test('server volumes use the three-dot ellipsis for servers and drives', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', { ...base, servers: 4, drivesPerServer: 4, tls: TlsCredentials.fromSecretName('t'), clusterDomain: 'edge.local' });
    expect(store.serverVolumesArg).toBe('https://store-{0...3}.store-hl.edge.svc.edge.local/data{0...3}');
    expect(store.serverHost(2)).toBe('store-2.store-hl.edge.svc.edge.local');
    const m = synth(c);
    expect(server(m).volumeMounts.slice(0, 4).map((v: any) => v.mountPath)).toEqual(['/data0', '/data1', '/data2', '/data3']);
    expect(envOf(server(m)).MINIO_STORAGE_CLASS_STANDARD).toBe('EC:4');
  });

  test('probes are node-level live/ready endpoints, never /cluster', () => {
    const m = synth((() => { const c = chart('edge'); new MinioCluster(c, 'store', base); return c; })());
    const s = server(m);
    expect(s.livenessProbe.httpGet).toEqual({ path: '/minio/health/live', port: 9000, scheme: 'HTTP' });
    expect(s.readinessProbe.httpGet).toEqual({ path: '/minio/health/ready', port: 9000, scheme: 'HTTP' });
    expect(s.startupProbe.httpGet.path).toBe('/minio/health/live');
    expect(JSON.stringify(m)).not.toMatch(/health\/cluster/);
  });

  test.each([
    // servers, drives, parity → maxUnavailable (servers that may be down with write quorum kept)
    [4, 1, undefined, 1],
    [6, 1, undefined, 2],
    [8, 1, undefined, 3],
    [5, 4, undefined, 2],
    [4, 4, undefined, 1],
  ])('PDB of %i × %i drives at parity %p allows %i servers down', (servers, drivesPerServer, parity, maxUnavailable) => {
    const c = chart('edge');
    new MinioCluster(c, 'store', { ...base, servers: servers as number, drivesPerServer: drivesPerServer as number, parity: parity as number | undefined });
    const pdb = find(synth(c), 'PodDisruptionBudget', 'store');
    expect(pdb.spec.maxUnavailable).toBe(maxUnavailable);
  });

  test('PDB allows no disruption when the user accepts a layout that cannot lose a server, with a warning', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', { ...base, drivesPerServer: 4, parity: 2, tolerateServerLoss: false });
    expect(find(synth(c), 'PodDisruptionBudget', 'store').spec.maxUnavailable).toBe(0);
    expect(Warnings.collect(store).some((w) => w.includes('tolerateServerLoss = false: 4 servers × 4 drives at EC:2 lose write quorum with one server down, so the PodDisruptionBudget allows no voluntary disruption (node drains block); use parity 4 (EC:4) or higher'))).toBe(true);
  });

  test('root credentials come only from a Secret reference', () => {
    const c = chart('edge');
    new MinioCluster(c, 'store', { ...base, rootCredentials: S3Credentials.fromSecretName('root', { accessKeyIdKey: 'user', secretAccessKeyKey: 'pass' }) });
    const env = envOf(server(synth(c)));
    expect(env.MINIO_ROOT_USER).toEqual({ secretKeyRef: { name: 'root', key: 'user' } });
    expect(env.MINIO_ROOT_PASSWORD).toEqual({ secretKeyRef: { name: 'root', key: 'pass' } });
    expect(findAll(synth(c), 'Secret')).toEqual([]);
  });

  test('console off and metrics behind a token by default; on when asked', () => {
    const c1 = chart('edge');
    new MinioCluster(c1, 'store', base);
    expect(envOf(server(synth(c1)))).toMatchObject({ MINIO_BROWSER: 'off', MINIO_PROMETHEUS_AUTH_TYPE: 'jwt' });
    const c2 = chart('edge');
    const store = new MinioCluster(c2, 'store', { ...base, console: true, publicMetrics: true });
    const m = synth(c2);
    expect(envOf(server(m))).toMatchObject({ MINIO_BROWSER: 'on', MINIO_PROMETHEUS_AUTH_TYPE: 'public' });
    expect(find(m, 'Service', 'store').spec.ports.map((p: any) => p.port)).toEqual([9000, 9001]);
    expect(store.consolePort).toBe(9001);
    expect(store.serverNetworkPeer.ports).toEqual([9000, 9001]);
  });

  test('NetworkPolicy admits the servers, the provisioning Job and the named clients only', () => {
    const { c, store } = fullCluster();
    const m = synth(c);
    const np = find(m, 'NetworkPolicy', 'store');
    expect(np.spec.podSelector.matchLabels).toEqual(store.podLabels);
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    expect(np.spec.ingress.map((r: any) => r.from)).toEqual([
      [{ podSelector: { matchLabels: store.podLabels } }],
      [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'minio', 'app.kubernetes.io/instance': 'store', 'app.kubernetes.io/component': 'provisioner' } } }],
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'backup' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'velero' } } }],
      // Every pod of the namespace (an empty selector).
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } }, podSelector: {} }],
    ]);
    expect(np.spec.ingress[2].ports).toEqual([{ protocol: 'TCP', port: 9000 }, { protocol: 'TCP', port: 9001 }]);
    expect(np.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 9000 }]);
    // The Job has its own policy: no ingress; egress to DNS, its own servers' API, and each remote store's port.
    const prov = find(m, 'NetworkPolicy', `${store.name}-provision`).spec;
    expect(prov.podSelector.matchLabels).toEqual(np.spec.ingress[1].from[0].podSelector.matchLabels);
    expect(prov.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(prov.ingress).toEqual([]);
    expect(prov.egress[1]).toEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': store.namespace } }, podSelector: { matchLabels: store.podLabels } }], ports: [{ port: 9000, protocol: 'TCP' }] });
    expect(prov.egress.slice(2).map((r: any) => r.ports[0].port).sort()).toEqual([443, 9443]);
    // The Job's pods carry the labels the policy admits; the server selector does not match them.
    const job = find(m, 'Job', store.provisioningJobName!);
    expect(job.spec.template.metadata.labels).toMatchObject(np.spec.ingress[1].from[0].podSelector.matchLabels);
    expect(job.spec.template.metadata.labels['app.kubernetes.io/component']).not.toBe(store.podLabels['app.kubernetes.io/component']);
    // The same labels, known from the name alone (for a policy written where the cluster is not built).
    expect(MinioCluster.podLabelsFor(store.name)).toEqual(store.podLabels);
    expect(find(m, 'StatefulSet', store.name).spec.selector.matchLabels).toEqual(MinioCluster.podLabelsFor(store.name));
    expect(MinioCluster.provisionerPodLabelsFor(store.name)).toEqual(store.provisionerPodLabels);
    expect(prov.podSelector.matchLabels).toEqual(MinioCluster.provisionerPodLabelsFor(store.name));
  });

  test('implements IObjectStore for backup, sync and blueprints', () => {
    const { store } = fullCluster();
    expect(store.s3Endpoint).toBe('https://store.site-a.svc.cluster.local:9000');
    expect(store.flavor).toBe(ObjectStoreFlavor.MINIO);
    expect(store.forcePathStyle).toBe(true);
    expect(store.region).toBe('site-a');
    expect(store.caCertificate).toEqual({ name: 'store-tls', key: 'ca.crt' });
    // Without clientCredentials, clients get the root keys (the root user and password are MinIO's root access keys).
    expect(store.credentials).toBe(base.rootCredentials);
    expect(store.credentials.keys).toEqual([S3Credentials.ACCESS_KEY_ID, S3Credentials.SECRET_ACCESS_KEY]);
    expect(store.networkPeer).toEqual({ namespace: 'site-a', podLabels: { 'app.kubernetes.io/name': 'minio', 'app.kubernetes.io/instance': 'store', 'app.kubernetes.io/component': 'server' }, ports: [9000, 9001] });
    expect(store.bucketNames).toEqual(['video', 'telemetry.raw']);
    expect([store.name, store.namespace, store.serviceName, store.headlessServiceName, store.port]).toEqual(['store', 'site-a', 'store', 'store-hl', 9000]);
    const c = chart('edge');
    const appKeys = S3Credentials.fromSecretName('app-keys');
    const plain = new MinioCluster(c, 'plain', { ...base, clientCredentials: appKeys });
    expect(plain.s3Endpoint).toBe('http://plain.edge.svc.cluster.local:9000');
    expect(plain.region).toBe('us-east-1');
    expect(plain.caCertificate).toBeUndefined();
    expect(plain.credentials).toBe(appKeys);
  });

  test('TLS: https everywhere, certificate and CAs projected into the certs dir', () => {
    const { c } = fullCluster();
    const m = synth(c);
    const s = server(m);
    expect(s.args[s.args.length - 1]).toBe('https://store-{0...5}.store-hl.site-a.svc.cluster.local/data{0...1}');
    expect(s.readinessProbe.httpGet.scheme).toBe('HTTPS');
    expect(find(m, 'Service', 'store').spec.ports[0].name).toBe('https');
    const certs = find(m, 'StatefulSet', 'store').spec.template.spec.volumes.find((v: any) => v.name === 'certs').projected.sources;
    expect(certs).toEqual([
      { downwardAPI: { items: [{ path: 'CAs/pod-name', fieldRef: { fieldPath: 'metadata.name' } }] } },
      { secret: { name: 'store-tls', items: [{ key: 'tls.crt', path: 'public.crt' }, { key: 'tls.key', path: 'private.key' }, { key: 'ca.crt', path: 'CAs/ca.crt' }] } },
      { secret: { name: 'edge-cluster-ca-cert', items: [{ key: 'ca.crt', path: 'CAs/kafka-cameraevents.crt' }] } },
      { secret: { name: 'kes-ca', items: [{ key: 'ca.crt', path: 'CAs/kes-ca.crt' }] } },
      { secret: { name: 'archive-ca', items: [{ key: 'ca.crt', path: 'CAs/remote-1.crt' }] } },
    ]);
    expect(s.volumeMounts.find((v: any) => v.name === 'certs')).toEqual({ name: 'certs', mountPath: '/etc/minio/certs', readOnly: true });
  });

  test('TLS without a CA key publishes no caCertificate', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', { ...base, tls: TlsCredentials.fromSecretName('public-cert') });
    expect(store.caCertificate).toBeUndefined();
    const certs = find(synth(c), 'StatefulSet', 'store').spec.template.spec.volumes.find((v: any) => v.name === 'certs').projected.sources;
    expect(certs[1]).toEqual({ secret: { name: 'public-cert', items: [{ key: 'tls.crt', path: 'public.crt' }, { key: 'tls.key', path: 'private.key' }] } });
  });

  test('Kafka notifications: server env per target, queue on the persistent volume, SCRAM password from the KafkaUser Secret', () => {
    const { c } = fullCluster();
    const env = envOf(server(synth(c)));
    expect(Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('MINIO_NOTIFY_KAFKA_')))).toEqual({
      MINIO_NOTIFY_KAFKA_ENABLE_CAMERAEVENTS: 'on',
      MINIO_NOTIFY_KAFKA_BROKERS_CAMERAEVENTS: 'edge-kafka-bootstrap.kafka.svc:9093',
      MINIO_NOTIFY_KAFKA_TOPIC_CAMERAEVENTS: 'camera-events',
      MINIO_NOTIFY_KAFKA_QUEUE_DIR_CAMERAEVENTS: '/var/minio/events',
      MINIO_NOTIFY_KAFKA_QUEUE_LIMIT_CAMERAEVENTS: '50000',
      MINIO_NOTIFY_KAFKA_TLS_CAMERAEVENTS: 'on',
      MINIO_NOTIFY_KAFKA_SASL_CAMERAEVENTS: 'on',
      MINIO_NOTIFY_KAFKA_SASL_MECHANISM_CAMERAEVENTS: 'sha512',
      MINIO_NOTIFY_KAFKA_SASL_USERNAME_CAMERAEVENTS: 'minio-events',
      MINIO_NOTIFY_KAFKA_SASL_PASSWORD_CAMERAEVENTS: { secretKeyRef: { name: 'minio-events', key: 'password' } },
      MINIO_NOTIFY_KAFKA_ENABLE_TELEMETRY: 'on',
      MINIO_NOTIFY_KAFKA_BROKERS_TELEMETRY: 'plain-kafka:9092',
      MINIO_NOTIFY_KAFKA_TOPIC_TELEMETRY: 'telemetry',
      MINIO_NOTIFY_KAFKA_QUEUE_DIR_TELEMETRY: '/var/minio/events',
      MINIO_NOTIFY_KAFKA_QUEUE_LIMIT_TELEMETRY: '50000',
    });
    const sts = find(synth(c), 'StatefulSet', 'store');
    expect(sts.spec.volumeClaimTemplates.find((t: any) => t.metadata.name === 'events').spec.resources.requests.storage).toBe('5Gi');
    expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'events', mountPath: '/var/minio/events' });
  });

  test('KES: endpoint, key and API key from Secret references; client certificate mode mounts the pair', () => {
    const { c } = fullCluster();
    const env = envOf(server(synth(c)));
    expect(env.MINIO_KMS_KES_ENDPOINT).toBe('https://kes.kes.svc.cluster.local:7373');
    expect(env.MINIO_KMS_KES_KEY_NAME).toBe('site-a-key');
    expect(env.MINIO_KMS_KES_API_KEY).toEqual({ secretKeyRef: { name: 'kes-api', key: 'key' } });
    expect(env.MINIO_KMS_KES_CAPATH).toBe('/etc/minio/certs/CAs/kes-ca.crt');
    const c2 = chart('edge');
    new MinioCluster(c2, 'store', { ...base, kes: { endpoints: ['https://kes-1:7373', 'https://kes-2:7373'], keyName: 'k', clientCertificate: TlsCredentials.fromSecretName('minio-kes-client') } });
    const m = synth(c2);
    const env2 = envOf(server(m));
    expect(env2).toMatchObject({ MINIO_KMS_KES_ENDPOINT: 'https://kes-1:7373,https://kes-2:7373', MINIO_KMS_KES_CERT_FILE: '/etc/minio/certs/kes/client.crt', MINIO_KMS_KES_KEY_FILE: '/etc/minio/certs/kes/client.key' });
    expect(env2.MINIO_KMS_KES_API_KEY).toBeUndefined();
    const certs = find(m, 'StatefulSet', 'store').spec.template.spec.volumes.find((v: any) => v.name === 'certs').projected.sources;
    expect(certs).toContainEqual({ secret: { name: 'minio-kes-client', items: [{ key: 'tls.crt', path: 'kes/client.crt' }, { key: 'tls.key', path: 'kes/client.key' }] } });
  });

  test('provisioning Job: pinned mc, restricted pod, retries, deadline, TTL, secrets by reference', () => {
    const { c, store } = fullCluster();
    const m = synth(c);
    const job = find(m, 'Job', store.provisioningJobName!);
    expect(store.provisioningJobName).toMatch(/^store-provision-[0-9a-f]{8}$/);
    expect(job.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 7200 });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const mc = pod.containers[0];
    expect(mc.image).toBe('registry.example.com/aistor/mc:RELEASE.2026-03-01T00-00-00Z');
    expect(mc.command).toEqual(['/bin/sh', '/config/provision.sh']);
    const env = envOf(mc);
    expect(env).toMatchObject({
      MINIO_ENDPOINT: 'https://store.site-a.svc.cluster.local:9000',
      HOME: '/tmp',
      MC_CONFIG_DIR: '/tmp/.mc',
      PROVISION_MAX_ATTEMPTS: '5',
      SSL_CERT_FILE: '/etc/minio-ca/ca.crt',
      MINIO_ROOT_PASSWORD: { secretKeyRef: { name: 'minio-root', key: S3Credentials.SECRET_ACCESS_KEY } },
      USER_1_ACCESS_KEY: { secretKeyRef: { name: 'cam-1-keys', key: 'AWS_ACCESS_KEY_ID' } },
      USER_3_SECRET_KEY: { secretKeyRef: { name: 'analytics-keys', key: 'secretKey' } },
      REMOTE_1_SECRET_KEY: { secretKeyRef: { name: 'archive-keys', key: 'AWS_SECRET_ACCESS_KEY' } },
      REMOTE_2_ACCESS_KEY: { secretKeyRef: { name: 'cloud-keys', key: 'id' } },
    });
    expect(mc.env.every((e: any) => e.value === undefined || !/secret|password/i.test(e.name) || e.name === 'MINIO_ENDPOINT')).toBe(true);
    expect(mc.volumeMounts).toEqual([
      { name: 'config', mountPath: '/config', readOnly: true },
      { name: 'home', mountPath: '/tmp' },
      { name: 'ca', mountPath: '/etc/minio-ca', readOnly: true },
    ]);
    expect(pod.volumes.find((v: any) => v.name === 'ca')).toEqual({ name: 'ca', secret: { secretName: 'store-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(pod.volumes.find((v: any) => v.name === 'config').configMap.name).toBe(store.provisioningConfigMapName);
    expect(SecurityBaseline.check([job])).toEqual([]);
  });

  test('the ConfigMap carries the script, ILM JSON per managed bucket and the policy documents', () => {
    const { c, store } = fullCluster();
    const cm = find(synth(c), 'ConfigMap', 'store-provision');
    expect(Object.keys(cm.data).sort()).toEqual(['ilm-telemetry.raw.json', 'ilm-video.json', 'policy-archive-reader.json', 'policy-video-writer.json', 'provision.sh']);
    expect(JSON.parse(cm.data['ilm-video.json'])).toEqual({
      Rules: [
        { ID: 'tier-then-expire', Status: 'Enabled', Filter: { Prefix: 'raw/' }, Expiration: { Days: 30 }, Transition: { Days: 3, StorageClass: 'WARM' } },
        { ID: 'old-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 7, NewerNoncurrentVersions: 2 } },
      ],
    });
    expect(JSON.parse(cm.data['policy-archive-reader.json'])).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: ['arn:aws:s3:::video', 'arn:aws:s3:::telemetry.raw'] },
        { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::video/*', 'arn:aws:s3:::telemetry.raw/*'] },
        { Sid: 'NoDeletes', Effect: 'Deny', Action: ['s3:DeleteObject'], Resource: ['arn:aws:s3:::video/*'], Condition: { StringNotEquals: { 'aws:username': ['admin'] } } },
      ],
    });
    expect(cm.data['provision.sh']).toBe(store.provisioningScript);
  });

  test('the Job name changes with its content (Job specs are immutable) and is stable otherwise', () => {
    const name = () => {
      const c = chart('edge');
      const store = new MinioCluster(c, 'store', base);
      store.addBucket('video');
      return store;
    };
    expect(name().provisioningJobName).toBe(name().provisioningJobName);
    const changed = name();
    changed.addBucket('extra');
    expect(changed.provisioningJobName).not.toBe(name().provisioningJobName);
  });

  test('buckets added after construction reach the server env and the Job (rendered at synth)', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    const bucket = store.addBucket('video');
    bucket.addNotification({ topic, secretCopies: copied });
    bucket.addLifecycleRule({ expiration: Duration.days(14) });
    const m = synth(c);
    expect(envOf(server(m)).MINIO_NOTIFY_KAFKA_TOPIC_CAMERAEVENTS).toBe('camera-events');
    expect(JSON.parse(find(m, 'ConfigMap', 'store-provision').data['ilm-video.json']).Rules[0].Expiration).toEqual({ Days: 14 });
  });

  test('scheduling options reach the pod', () => {
    const { c } = fullCluster();
    const pod = find(synth(c), 'StatefulSet', 'store').spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'edge.example.com/storage': 'true' });
    expect(pod.tolerations).toEqual([{ key: 'storage', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.priorityClassName).toBe('edge-critical');
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, fsGroup: 1000, runAsNonRoot: true });
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '4Gi' }, limits: { memory: '8Gi' } });
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('oneServerPerNode: false only prefers spreading, with a warning', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', { ...base, oneServerPerNode: false, failureDomainKey: 'topology.kubernetes.io/zone' });
    const aff = find(synth(c), 'StatefulSet', 'store').spec.template.spec.affinity.podAntiAffinity;
    expect(aff.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('topology.kubernetes.io/zone');
    expect(aff.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(Warnings.collect(store).some((w) => w.includes('oneServerPerNode = false'))).toBe(true);
  });

  test('eventQueue: false drops the queue volume', () => {
    const c = chart('edge');
    new MinioCluster(c, 'store', { ...base, eventQueue: false, storageClassName: 'fast' });
    const sts = find(synth(c), 'StatefulSet', 'store');
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['data0']);
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('fast');
  });
});

describe('MinioCluster warnings', () => {
  test('the frozen community image prints one line at synth', () => {
    const c = chart('edge');
    new MinioCluster(c, 'store', base);
    const { printed } = printedWarnings(() => synth(c));
    expect(printed).toEqual(['[WARNING] MinioCluster "test/store": image = "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z, quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z": the MinIO community images are frozen (upstream unmaintained since 2026-02: no new community builds or security fixes); pass image/mcImage to use an AIStor or maintained fork build']);
    expect(printed[0]).not.toMatch(/\n/);
  });

  test('no image warning with maintained images', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', { ...base, image: ContainerImage.of('registry.example.com/minio', '2026.1'), mcImage: ContainerImage.of('registry.example.com/mc', '2026.1') });
    expect(Warnings.collect(store)).toEqual([]);
  });

  test('ext4 drives are warned about, by prop or by class name', () => {
    const c = chart('edge');
    const a = new MinioCluster(c, 'a', { ...base, driveFilesystem: Filesystem.EXT4 });
    const b = new MinioCluster(c, 'b', { ...base, storageClassName: 'local-ext4' });
    const x = new MinioCluster(c, 'x', { ...base, storageClassName: 'local-ext4', driveFilesystem: Filesystem.XFS });
    expect(Warnings.collect(a).filter((w) => w.includes('recommends XFS'))).toHaveLength(1);
    expect(Warnings.collect(b).filter((w) => w.includes('recommends XFS'))).toHaveLength(1);
    expect(Warnings.collect(x).filter((w) => w.includes('recommends XFS'))).toHaveLength(0);
  });

  test('KES is a one-way door and says so', () => {
    const { store } = fullCluster();
    expect(Warnings.collect(store).some((w) => w.includes('KES cannot be turned off later'))).toBe(true);
  });
});

describe('MinioCluster fails if', () => {
  const cluster = (props: Partial<MinioClusterProps> = {}, ns: string | null = 'edge') => new MinioCluster(chart(ns ?? undefined), 'store', { ...base, ...props });

  test('fewer than 4 drives', () => {
    expect(() => cluster({ servers: 3 })).toThrow('MinioCluster "test/store": servers × drivesPerServer = 3: 3 servers × 1 drives is fewer than the 4 drives distributed erasure coding needs; use at least 4 servers × 1 drive (or more drives per server)');
  });

  test('no erasure-set size in 2–16 divides the drives', () => {
    expect(() => cluster({ servers: 17 })).toThrow(/servers × drivesPerServer = 17: .*none does; use 18 servers × 1 drives/);
  });

  test('parity is above half the set', () => {
    expect(() => cluster({ parity: 3 })).toThrow('MinioCluster "test/store": parity = 3: must be at most half the erasure set (4 drives, so at most 2); use parity 1…2');
  });

  test('parity is below 1', () => {
    expect(() => cluster({ parity: 0 })).toThrow(/parity = 0: must be a whole number of at least 1/);
  });

  test('4 servers × 4 drives at EC:2 cannot survive one server down', () => {
    expect(() => cluster({ drivesPerServer: 4, parity: 2 })).toThrow('MinioCluster "test/store": parity = 2: 4 servers × 4 drives form 1 erasure set of 16 drives with 4 drives on each server; with one server down a set keeps 12 drives, below the read and write quorum of 14 (EC:2 leaves 14 data drives per set); use parity 4 (EC:4) or higher, use at most 2 drives per server, or set tolerateServerLoss: false to accept losing writes while a server is down');
    expect(() => cluster({ drivesPerServer: 1, parity: 2 })).not.toThrow();
  });

  test('driveSize is not positive', () => {
    expect(() => cluster({ driveSize: Size.gibibytes(0) })).toThrow('MinioCluster "test/store": driveSize = "0": must be positive; use e.g. Size.tebibytes(1)');
  });

  test('there is no namespace', () => {
    expect(() => cluster({}, null)).toThrow(/namespace = "": the servers' DNS names .* need a namespace; set namespace on the chart or on the MinioCluster/);
    expect(() => cluster({ namespace: 'Edge' })).toThrow(/namespace = "Edge": must be a DNS-1123 label/);
  });

  test('the name is not a DNS label short enough for the Job name', () => {
    expect(() => cluster({ name: 'Store' })).toThrow(/name = "Store": must be a DNS-1123 label/);
    expect(() => cluster({ name: 'x'.repeat(41) })).toThrow(/1–40 characters/);
  });

  test('root credentials are missing, have no Secret, or are not S3Credentials', () => {
    expect(() => cluster({ rootCredentials: undefined as any })).toThrow(/MinioCluster "test\/store": rootCredentials = "undefined": is required; set rootCredentials/);
    expect(() => cluster({ rootCredentials: S3Credentials.fromSecretName('') })).toThrow(/S3Credentials.fromSecretName: secretName = "": a Secret name is required/);
    // The former { secretName } shape, as a JavaScript caller might still pass it.
    expect(() => cluster({ rootCredentials: { secretName: 'minio-root' } as any })).toThrow(
      /rootCredentials = "\{"secretName":"minio-root"\}": S3 access keys for the MinIO servers and the provisioning Job come only from a Secret, as an S3Credentials; pass S3Credentials.fromSecretName/);
  });

  test('TLS has no Secret, the storage class name is invalid, or the queue settings are not positive', () => {
    expect(() => cluster({ tls: { secretName: 'store-tls' } as any })).toThrow(/MinioCluster "test\/store": tls = "\{"secretName":"store-tls"\}": must be a TlsCredentials; pass TlsCredentials.fromSecretName/);
    expect(() => cluster({ storageClassName: 'Local_XFS' })).toThrow(/storageClassName = "Local_XFS": must be a DNS-1123 subdomain/);
    expect(() => cluster({ eventQueueSize: Size.gibibytes(0) })).toThrow(/eventQueueSize = "0": must be positive/);
    expect(() => cluster({ eventQueueLimit: 0 })).toThrow(/eventQueueLimit = 0/);
    expect(() => cluster({ provisioning: { backoffLimit: -1 } })).toThrow(/provisioning.backoffLimit = -1/);
    expect(() => cluster({ provisioning: { attemptsPerStep: 0 } })).toThrow(/provisioning.attemptsPerStep = 0/);
    expect(() => cluster({ allowedClients: [{ namespace: 'Apps', podLabels: {}, ports: [] }] })).toThrow(/allowedClients\[0\].namespace = "Apps"/);
  });

  test('KES is misconfigured', () => {
    expect(() => cluster({ kes: { endpoints: [], keyName: 'k', apiKey: { name: 'a', key: 'b' } } })).toThrow(/kes.endpoints = \[\]: KES needs at least one endpoint/);
    expect(() => cluster({ kes: { endpoints: ['http://kes:7373'], keyName: 'k', apiKey: { name: 'a', key: 'b' } } })).toThrow(/kes.endpoints = "http:\/\/kes:7373": must be an https URL/);
    expect(() => cluster({ kes: { endpoints: ['https://kes:7373'], keyName: '', apiKey: { name: 'a', key: 'b' } } })).toThrow(/kes.keyName = ""/);
    expect(() => cluster({ kes: { endpoints: ['https://kes:7373'], keyName: 'k' } })).toThrow(/kes = "neither apiKey nor clientCertificate": .*exactly one/);
    expect(() => cluster({ kes: { endpoints: ['https://kes:7373'], keyName: 'k', apiKey: { name: 'a', key: 'b' }, clientCertificate: TlsCredentials.fromSecretName('c') } })).toThrow(/kes = "apiKey and clientCertificate"/);
  });

  // Bucket names: test/objectstore/minio/bucket.test.ts (the one S3Rules rule, at both edges).

  test('bucket options contradict each other', () => {
    const store = cluster();
    expect(() => store.addBucket('bkt-a', { retention: { mode: ObjectLockMode.COMPLIANCE, period: Duration.days(1) } })).toThrow(/retention = "COMPLIANCE": default retention needs a bucket created with object lock; set objectLock: true/);
    expect(() => store.addBucket('bkt-b1', { objectLock: true, versioning: false })).toThrow(/versioning = false: object lock needs a versioned bucket/);
    expect(() => store.addBucket('bkt-b2', { versioning: false, replication: [{ target: archive, bucket: 'remote' }] })).toThrow(/versioning = false: replication needs a versioned bucket/);
    expect(() => store.addBucket('bkt-c1', { objectLock: true, retention: { mode: ObjectLockMode.GOVERNANCE, period: Duration.hours(12) } })).toThrow(/retention.period = "12 hours": must be a whole number of days/);
    expect(() => store.addBucket('bkt-d1', { quota: Size.gibibytes(0) })).toThrow(/quota = "0": must be positive/);
    expect(() => store.addBucket('bkt-e1', { encryptionKey: 'k' })).toThrow(/encryptionKey = "k": only applies to SSE-KMS/);
    expect(() => store.addBucket('bkt-f1', { notifications: [{ topic, secretCopies: copied, events: [] }] })).toThrow(/notifications\[0\].events = \[\]: must name at least one event/);
    expect(() => store.addBucket('bkt-g1', { notifications: [{ topic, secretCopies: copied, targetId: 'cams' }] })).toThrow(/notifications\[0\].targetId = "cams": .*use "CAMS"/);
    expect(() => store.addBucket('bkt-h1', { replication: [{ target: archive, bucket: 'Remote_Bucket' }] })).toThrow(/replication\[0\].bucket = "Remote_Bucket"/);
    expect(() => store.addBucket('bkt-i1', { replication: [{ target: archive, bucket: 'remote-1' }, { target: archive, bucket: 'remote-1' }] })).toThrow(/replication rule IDs and priorities must be unique/);
    expect(() => store.addBucket('bkt-j1', { replication: [{ target: archive, bucket: 'remote-1', bandwidthLimit: Bandwidth.mbps(0) }] })).toThrow(/Bandwidth.mbps\(0\): amount = 0: must be a positive, finite number/);
    // 100 Mbit/s is 12.5 MB/s: below the 100 MB/s MinIO accepts for a remote target.
    expect(() => store.addBucket('bkt-j2', { replication: [{ target: archive, bucket: 'remote-1', bandwidthLimit: Bandwidth.mbps(100) }] })).toThrow(
      /MinioBucket "test\/store\/bkt-j2": replication\[0\].bandwidthLimit = "100 Mbit\/s": is below the 100 MB\/s = 800 Mbit\/s MinIO accepts .*; use at least Bandwidth.megabytesPerSecond\(100\) \(= Bandwidth.mbps\(800\)\), or leave it unset/,
    );
    // The bound is exact: one byte per second less is refused, 100 MB/s itself (written in any unit) is accepted.
    expect(() => store.addBucket('bkt-j3', { replication: [{ target: archive, bucket: 'remote-1', bandwidthLimit: Bandwidth.bytesPerSecond(MinioBucket.MIN_REPLICATION_BANDWIDTH_BYTES - 1) }] })).toThrow(/bandwidthLimit = "99999999 B\/s": is below/);
    expect(store.addBucket('bkt-j4', { replication: [{ target: archive, bucket: 'remote-1', bandwidthLimit: Bandwidth.megabytesPerSecond(100) }] }).replication[0].bandwidthLimit!.toMbps()).toBe(800);
    // A plain-JavaScript caller passing the old number gets the prop named, not a TypeError.
    expect(() => store.addBucket('bkt-j5', { replication: [{ target: archive, bucket: 'remote-1', bandwidthLimit: 800 as any }] })).toThrow(/replication\[0\].bandwidthLimit = 800: must be a Bandwidth .*; use e.g. Bandwidth.mebibytesPerSecond\(20\) or Bandwidth.mbps\(100\)/);
    expect(() => store.addBucket('bkt-k1', { replication: [{ target: archive, bucket: 'remote-1', priority: 0 }] })).toThrow(/priority = 0/);
    expect(() => store.addBucket('bkt-l1').addReplication({ target: archive, bucket: 'remote-1' })).toThrow(/replication\[0\] = "remote-1": replication needs a versioned bucket/);
  });

  test('a notification topic or a replication target is incomplete', () => {
    const store = cluster();
    expect(() => store.addBucket('bkt-m1', { notifications: [{ topic: { topicName: 'x', bootstrapServers: '' } }] })).toThrow(/notifications\[0\].topic = "x": needs a topic name and bootstrap servers/);
    expect(() => store.addBucket('bkt-n1', { replication: [{ target: archive, bucket: 'remote-1', id: 'to archive' }] })).toThrow(/replication\[0\].id = "to archive"/);
    const broken = { ...archive, s3Endpoint: 'ftp://archive', region: 'x', forcePathStyle: true, credentials: S3Credentials.fromSecretName('k'), flavor: ObjectStoreFlavor.GENERIC_S3 };
    expect(() => store.addBucket('bkt-o1', { replication: [{ target: broken, bucket: 'remote-1' }] })).toThrow(/replication\[0\].target.s3Endpoint = "ftp:\/\/archive": must be an http\(s\) URL/);
  });

  test('bucket name checks are available to blueprints, and the cluster lists what was added', () => {
    expect(MinioBucket.isValidName('site-a.video')).toBe(true);
    expect(MinioBucket.isValidName('Site_A')).toBe(false);
    const { store } = fullCluster();
    expect(store.buckets.map((b) => b.bucketName)).toEqual(['video', 'telemetry.raw']);
    expect(store.policies.map((p) => p.policyName)).toEqual(['video-writer', 'archive-reader']);
    expect(store.tiers.map((t) => [t.tierName, t.tierType, t.region])).toEqual([['WARM', 'minio', 'us-east-1']]);
  });

  test('lifecycle rules contradict each other (checked when added)', () => {
    const store = cluster();
    expect(() => store.addBucket('bkt-a1', { lifecycle: [{ expiration: Duration.days(7), transition: { after: Duration.days(10), tier: 'WARM' } }] }))
      .toThrow('MinioBucket "test/store/bkt-a1": lifecycle[0].transition.after = "10 days": must be earlier than expiration (7 days): objects would be deleted before they move; transition before day 7 or expire later');
    expect(() => store.addBucket('bkt-b1', { lifecycle: [{ noncurrentVersionExpiration: Duration.days(3) }] })).toThrow(/acts on noncurrent versions or delete markers, which an unversioned bucket never has/);
    const b = store.addBucket('bkt-c1');
    expect(() => b.addLifecycleRule({ expiration: Duration.days(0) })).toThrow(/lifecycle\[0\].expiration = "0 days": must be a whole number of days, at least 1/);
    expect(b.lifecycle).toBeUndefined();
  });

  test('expiration + noncurrentVersionsToKeep on a versioned bucket warns: the last noncurrent version of every expired object is kept forever', () => {
    // MinIO (internal/bucket/lifecycle/lifecycle.go) deletes a noncurrent version only when both NoncurrentDays and
    // NewerNoncurrentVersions are exceeded; expiring the current version turns it into that last noncurrent version.
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    store.addBucket('footage', { versioning: true, lifecycle: [{ expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(7), noncurrentVersionsToKeep: 1 }] });
    const { printed } = printedWarnings(() => synth(c));
    expect(printed.filter((w) => w.includes('footage'))).toEqual([
      expect.stringMatching(/^\[WARNING\] MinioBucket "test\/store\/footage": lifecycle\[0\]\.noncurrentVersionsToKeep = 1: .*both .*exceeded.*never freed.*deleteMarkerExpiration/),
    ]);
    // The fix: MinIO's DelMarkerExpiration removes the marker and every version once the marker is old enough.
    const c2 = chart('edge');
    const fixed = new MinioCluster(c2, 'store', base);
    const b = fixed.addBucket('footage', {
      versioning: true,
      lifecycle: [
        { expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(7), noncurrentVersionsToKeep: 1 },
        { id: 'purge-deleted', deleteMarkerExpiration: Duration.days(7) },
      ],
    });
    const { printed: none, result: m } = printedWarnings(() => synth(c2));
    expect(none.filter((w) => w.includes('footage'))).toEqual([]);
    const ilm = JSON.parse(find(m, 'ConfigMap', fixed.provisioningConfigMapName!).data[`ilm-${b.bucketName}.json`]);
    expect(ilm.Rules[1]).toEqual({ ID: 'purge-deleted', Status: 'Enabled', DelMarkerExpiration: { Days: 7 } });
  });

  test('deleteMarkerExpiration: whole days, versioned buckets only, no tag filter (MinIO refuses it)', () => {
    const store = cluster();
    expect(() => store.addBucket('bkt-d1', { versioning: true, lifecycle: [{ deleteMarkerExpiration: Duration.hours(12) }] })).toThrow(/lifecycle\[0\]\.deleteMarkerExpiration = "12 hours": must be a whole number of days, at least 1/);
    expect(() => store.addBucket('bkt-d2', { lifecycle: [{ deleteMarkerExpiration: Duration.days(3) }] })).toThrow(/acts on noncurrent versions or delete markers, which an unversioned bucket never has/);
    expect(() => store.addBucket('bkt-d3', { versioning: true, lifecycle: [{ tags: { a: 'b' }, deleteMarkerExpiration: Duration.days(3) }] })).toThrow(/lifecycle\[0\]\.deleteMarkerExpiration = "3 days": cannot be combined with a tag filter/);
  });

  test('a lifecycle transition names a tier the cluster does not have', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    store.addBucket('video', { lifecycle: [{ transition: { after: Duration.days(1), tier: 'COLD' } }] });
    expect(() => synth(c)).toThrow(/MinioBucket "test\/store\/video": lifecycle = "COLD": transitions to a tier the cluster does not have \(MinIO rejects the lifecycle import\); add it with cluster.addTier\("cold", …\) or list it in existingTiers/);
    const c2 = chart('edge');
    const ok = new MinioCluster(c2, 'store', { ...base, existingTiers: ['COLD'] });
    ok.addBucket('video', { lifecycle: [{ transition: { after: Duration.days(1), tier: 'COLD' } }] });
    expect(() => synth(c2)).not.toThrow();
  });

  test('encryption is asked for without KES', () => {
    const c = chart('edge');
    new MinioCluster(c, 'store', base).addBucket('video', { encryption: BucketEncryption.SSE_S3 });
    expect(() => synth(c)).toThrow(/encryption = "sse-s3": server-side encryption needs KES on the cluster; set kes on the MinioCluster or drop encryption/);
  });

  test('two buckets, policies or tiers share a name', () => {
    const c = chart('edge');
    const store = new MinioCluster(c, 'store', base);
    store.addBucket('a', { name: 'video' });
    store.addBucket('b', { name: 'video' });
    expect(() => synth(c)).toThrow(/MinioBucket "test\/store\/b": name = "video": another bucket of the cluster \(test\/store\/a\) has this name/);
    const c2 = chart('edge');
    const s2 = new MinioCluster(c2, 'store', base);
    s2.addPolicy('p1', { name: 'rw', statements: MinioPolicyStatements.readWrite(['a']) });
    s2.addPolicy('p2', { name: 'rw', statements: MinioPolicyStatements.readWrite(['b']) });
    s2.addTier('t1', { name: 'WARM', target: archive, bucket: 'tier-a' });
    s2.addTier('t2', { name: 'WARM', target: archive, bucket: 'tier-b' });
    expect(() => synth(c2)).toThrow(/another policy of the cluster/);
    expect(() => synth(c2)).toThrow(/another tier of the cluster/);
  });

  test('a policy is malformed', () => {
    const store = cluster();
    expect(() => store.addPolicy('p', { statements: [] })).toThrow(/MinioPolicy "test\/store\/p": statements = \[\]: a policy needs at least one statement/);
    expect(() => store.addPolicy('readwrite', { statements: MinioPolicyStatements.readOnly(['a']) })).toThrow(/name = "readwrite": is a MinIO built-in policy/);
    expect(() => store.addPolicy('bad name', { statements: MinioPolicyStatements.readOnly(['a']) })).toThrow(/name = "bad name"/);
    expect(() => store.addPolicy('p1', { statements: [{ actions: ['GetObject'], resources: ['arn:aws:s3:::a/*'] }] })).toThrow(/statements\[0\].actions = "GetObject": must look like "s3:GetObject"/);
    expect(() => store.addPolicy('p2', { statements: [{ actions: ['s3:GetObject'], resources: ['video/*'] }] })).toThrow(/statements\[0\].resources = "video\/\*": must be an ARN .* use "arn:aws:s3:::video\/\*"/);
    expect(() => store.addPolicy('p3', { statements: [{ actions: [], resources: ['arn:aws:s3:::a'] }] })).toThrow(/needs at least one action and one resource/);
    expect(() => store.addPolicy('p4', { statements: MinioPolicyStatements.readOnly(['a']), groups: [{ name: 'cams', members: [] }] })).toThrow(/groups = "cams": MinIO creates a group only together with members/);
    expect(() => store.addPolicy('p5', { statements: MinioPolicyStatements.readOnly(['a']), groups: [{ name: 'a,b', members: [S3Credentials.fromSecretName('s')] }] })).toThrow(/groups = "a,b"/);
    expect(() => store.addPolicy('p6', { statements: MinioPolicyStatements.readOnly(['a']), users: [S3Credentials.fromSecretName('')] })).toThrow(/S3Credentials.fromSecretName: secretName = "": a Secret name is required/);
    expect(() => store.addPolicy('p7', { statements: MinioPolicyStatements.readOnly(['a']), users: [{ secretName: 'k' } as any] })).toThrow(/MinioPolicy ".*p7": users\[0\] = .*: S3 access keys for a MinIO user come only from a Secret/);
  });

  test('a tier is malformed', () => {
    const store = cluster();
    expect(() => store.addTier('t', { name: 'warm tier', target: archive, bucket: 'b-1' })).toThrow(/MinioTier "test\/store\/t": name = "warm tier": tier names must be upper case.*use "WARM-TIER"/);
    expect(() => store.addTier('t2', { target: archive, bucket: 'B' })).toThrow(/bucket = "B"/);
    expect(() => store.addTier('t3', { target: archive, bucket: 'b-1', storageClass: 'COLD' })).toThrow(/storageClass = "COLD": MinIO tiers have no storage class/);
    expect(store.addTier('t4', { target: cloud, bucket: 'b-1', storageClass: 'GLACIER' }).tierType).toBe('s3');
  });
});
