import * as fs from 'fs';
import * as path from 'path';
import { Cron, Duration, Size, Testing } from 'cdk8s';
import { Cpu, ServiceType } from 'cdk8s-plus-30';
import { mirrorMaker, siteLegend, workload } from './site-legend';
import {
  Bandwidth, CapacityPlanner, ContainerImage, ExternalObjectStore, IoTSite, IoTSiteProps, KafkaCredentials, ObjectStoreFlavor,
  RedisEvictionPolicy, TelegrafIngest, TlsCredentials, Warnings, S3Credentials,
} from '../../src';
import { chart, find, findAll, synth } from '../support/harness';
import { flowTable, inventory, kafkaListenerTable, workloadsSelectedBy } from '../support/manifest-views';
import { reportKeyPolicy } from '../support/site-report';

const GIB = 2 ** 30;

const cloudStore = new ExternalObjectStore({
  s3Endpoint: 'https://s3.eu-central-1.amazonaws.com',
  region: 'eu-central-1',
  flavor: ObjectStoreFlavor.AWS_S3,
  credentials: S3Credentials.fromSecretName('cloud-backup-keys'),
});

function baseProps(): IoTSiteProps {
  return {
    siteName: 'site-a',
    sensors: 10_000,
    retention: Duration.days(30),
    storageClassName: 'lvm-xfs',
    wanCidrs: ['198.51.100.0/24'],
    cloud: {
      kafka: {
        bootstrapServers: 'kafka.cloud.example.com:9093',
        caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
        credentials: KafkaCredentials.fromSecretName('cloud-kafka-user', { username: 'site-a-mm2' }),
      },
      backupStore: cloudStore,
      backupBucket: 'fleet-backups',
    },
    backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' } },
  };
}

function site(overrides: Partial<IoTSiteProps> = {}): IoTSite {
  return new IoTSite(Testing.app(), 'site-a', { ...baseProps(), ...overrides });
}

const selector = (name: string, instance: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': instance });
const nsPeer = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
const tcp = (port: number) => ({ protocol: 'TCP', port });

const legend = {
  ...siteLegend,
  'telegraf': workload('telegraf', 'telegraf'),
  'influxdb': workload('influxdb', 'influxdb'),
  'query-cache': workload('redis', 'query-cache'),
  'restic': workload('restic', 'restic-influxdb'),
  'cloud-sync': mirrorMaker('cloud-sync'),
  // The site's own applications (not emitted by the library): IoTSite's default sensorSources and queryClients.
  'sensor-gateway': { 'app.kubernetes.io/component': 'sensor-gateway' },
  'query-client': { 'app.kubernetes.io/component': 'query-client' },
};

/**
 * The flows every IoT site has, from what it declares (src/blueprints/iot/iot-site.ts, KafkaSiteWiring, the blocks'
 * own policies). Each in-namespace flow is an egress policy on the source and an ingress policy on the destination.
 */
const commonFlows = [
  // SiteNamespace: default deny both ways, DNS to kube-system for every pod.
  'egress deny site-a/* →',
  'ingress deny → site-a/*',
  'egress site-a/* → kube-system/kube-dns udp/53,tcp/53',
  // telegraf-influxdb and telegraf-kafka: Telegraf writes points to InfluxDB and JSON to the telemetry topic.
  'egress site-a/telegraf → site-a/influxdb tcp/8086',
  'ingress site-a/telegraf → site-a/influxdb tcp/8086',
  'egress site-a/telegraf → site-a/kafka-brokers tcp/9093',
  'ingress site-a/telegraf → site-a/kafka-brokers tcp/9093',
  // restic-influxdb: the backup's init container runs influx backup against InfluxDB's API.
  'egress site-a/restic → site-a/influxdb tcp/8086',
  'ingress site-a/restic → site-a/influxdb tcp/8086',
  // The Redis cache's own policy: ingress from its clients only, no egress of its own.
  'egress deny site-a/query-cache →',
  // KafkaSiteWiring: the cluster's pods among themselves; MirrorMaker2 reads the local brokers and writes to the
  // cloud's (wanCidrs, port 9093); the entity operator reaches the API server.
  'egress site-a/kafka-pods → site-a/kafka-pods tcp/9090,tcp/9091,tcp/9093',
  'ingress site-a/kafka-pods → site-a/kafka-pods tcp/9090,tcp/9091,tcp/9093',
  'egress site-a/cloud-sync → site-a/kafka-brokers tcp/9093',
  'ingress site-a/cloud-sync → site-a/kafka-brokers tcp/9093',
  'egress site-a/cloud-sync → 198.51.100.0/24 tcp/9093',
  'egress site-a/entity-operator → 0.0.0.0/0 tcp/443,tcp/6443',
];

/** What every IoT site emits (the client flows, sensor LAN and backup store vary). */
const commonInventory = [
  // SiteNamespace
  'Namespace site-a', 'LimitRange site-a/container-defaults', 'ResourceQuota site-a/site-quota', 'NetworkPolicy site-a/default-deny', 'NetworkPolicy site-a/allow-dns',
  ...['cloud-sync-kafka', 'kafka-internal', 'restic-influxdb', 'telegraf-influxdb', 'telegraf-kafka']
    .flatMap((f) => [`NetworkPolicy site-a/allow-${f}-egress`, `NetworkPolicy site-a/allow-${f}-ingress`]),
  ...['cloud-sync-cloud', 'kafka-operators-api'].map((f) => `NetworkPolicy site-a/allow-${f}-wan`),
  // InfluxDB, Telegraf, the Redis cache, the restic CronJob (its traffic is in the site's flows).
  'StatefulSet site-a/influxdb', 'Service site-a/influxdb',
  'Deployment site-a/telegraf', 'Service site-a/telegraf', 'PodDisruptionBudget site-a/telegraf', 'ConfigMap site-a/telegraf-config',
  'Deployment site-a/query-cache', 'Service site-a/query-cache', 'NetworkPolicy site-a/query-cache', 'ConfigMap site-a/query-cache-config', 'ConfigMap site-a/query-cache-client',
  'CronJob site-a/restic-influxdb',
  // Kafka with the telemetry topic and Telegraf's producer user, MirrorMaker2 to the cloud with its site user.
  'Kafka site-a/events', 'KafkaNodePool site-a/dual-role', 'KafkaTopic site-a/telemetry', 'KafkaUser site-a/telegraf',
  'KafkaMirrorMaker2 site-a/cloud-sync', 'KafkaUser site-a/site-a-mirrormaker2',
];

beforeAll(() => {
  process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
});
afterAll(() => {
  delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
});

describe('IoTSite flow tables and inventories', () => {
  test('the report gives the backup keys\' policy: restic\'s repository prefix of the backup bucket only', () => {
    const policy = JSON.parse(reportKeyPolicy(site().report(), 'cloud-backup-keys', 'site-a'));
    const objects = policy.Statement.filter((st: any) => st.Action.includes('s3:PutObject')).flatMap((st: any) => st.Resource);
    expect(objects).toEqual(['arn:aws:s3:::fleet-backups/site-a/restic/influxdb/*']);
    expect(policy.Statement.flatMap((st: any) => st.Condition?.StringLike?.['s3:prefix'] ?? [])).toEqual(['site-a/restic/influxdb/*']);
    expect(JSON.stringify(policy)).not.toMatch(/CreateBucket|DeleteBucket|Policy"|"\*"/);
  });

  test('apiServerCidrs narrows the entity operator\'s way to the Kubernetes API; a bad block is refused with the prop', () => {
    const rows = flowTable(synth(site({ apiServerCidrs: ['192.0.2.10/32', '192.0.2.11/32'] })), legend).filter((r) => r.includes('entity-operator'));
    expect(rows).toEqual(['egress site-a/entity-operator → 192.0.2.10/32 tcp/443,tcp/6443', 'egress site-a/entity-operator → 192.0.2.11/32 tcp/443,tcp/6443']);
    expect(() => site({ apiServerCidrs: ['192.0.2.300/32'] })).toThrow(/IoTSite "site-a": apiServerCidrs\[0\] = "192.0.2.300\/32": /);
  });

  test('defaults: who may reach what (flow table) and what is emitted (inventory)', () => {
    const m = synth(site());
    expect(flowTable(m, legend)).toEqual([
      ...commonFlows,
      // sensor-0-telegraf: the default sensor gateways write line protocol to Telegraf.
      'egress site-a/sensor-gateway → site-a/telegraf tcp/8186',
      'ingress site-a/sensor-gateway → site-a/telegraf tcp/8186',
      // query-0-influxdb and query-0-redis: the default query clients (also admitted by Redis's own policy).
      'egress site-a/query-client → site-a/influxdb tcp/8086',
      'ingress site-a/query-client → site-a/influxdb tcp/8086',
      'egress site-a/query-client → site-a/query-cache tcp/6379',
      'ingress site-a/query-client → site-a/query-cache tcp/6379 ×2',
      // restic-cloud: restic writes to the cloud backup bucket (https) over the WAN.
      'egress site-a/restic → 198.51.100.0/24 tcp/443',
    ].sort());
    // Strimzi's listener policy admits the sources of the flows to the brokers' client port: telegraf-kafka,
    // cloud-sync-kafka.
    expect(kafkaListenerTable(m, legend)).toEqual([
      'kafka-listener site-a/cloud-sync → site-a/events:tls tcp/9093',
      'kafka-listener site-a/telegraf → site-a/events:tls tcp/9093',
    ]);
    expect(inventory(m)).toEqual([
      ...commonInventory,
      ...['query-0-influxdb', 'query-0-redis', 'sensor-0-telegraf'].flatMap((f) => [`NetworkPolicy site-a/allow-${f}-egress`, `NetworkPolicy site-a/allow-${f}-ingress`]),
      'NetworkPolicy site-a/allow-restic-cloud-wan',
      'BackupStorageLocation velero/site-a-cloud', 'Schedule velero/site-a-daily', 'Schedule velero/site-a-weekly',
    ].sort());
    // The names stand for the library's own pods: a selector that lost its pods (a renamed construct id) fails here.
    // Sensor gateways and query clients are the site's applications; the kafka and MirrorMaker2 pods are Strimzi's.
    const selected = (name: keyof typeof legend) => workloadsSelectedBy(m, 'site-a', legend[name]);
    expect(selected('telegraf')).toEqual(['Deployment telegraf']);
    expect(selected('influxdb')).toEqual(['StatefulSet influxdb']);
    expect(selected('query-cache')).toEqual(['Deployment query-cache']);
    expect(selected('restic')).toEqual(['CronJob restic-influxdb']);
  });

  test('custom: LAN sensors with a token, 3 Kafka nodes, in-cluster backup store, overrides', () => {
    const regional = new ExternalObjectStore({
      s3Endpoint: 'http://minio.regional.svc.cluster.local:9000',
      flavor: ObjectStoreFlavor.MINIO,
      credentials: S3Credentials.fromSecretName('regional-keys'),
      networkPeer: { namespace: 'regional', podLabels: { 'app.kubernetes.io/name': 'minio' }, ports: [9000] },
    });
    const s = site({
      sensors: 2_500,
      sampleInterval: Duration.seconds(30),
      retention: Duration.days(365),
      bytesPerPoint: 120,
      compressionRatio: 8,
      fillTarget: 0.8,
      sensorCidrs: ['10.30.0.0/16', 'fd00:30::/64'],
      queryClients: [
        { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'grafana' } },
        { namespace: 'site-a', podLabels: { app: 'telemetry-api' } },
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
      cloud: { ...baseProps().cloud, backupStore: regional, backupBucket: 'edge-backups', backupPrefix: 'plants/site-a' },
      backup: {
        veleroCredential: { name: 'velero-regional', key: 'cloud' },
        veleroNamespace: 'backup-system',
        resticPassword: { name: 'influx-restic', key: 'pw' },
        resticSchedule: Cron.schedule({ minute: '30', hour: '*/6' }),
        resticRetention: { keepDaily: 7, keepWeekly: 4 },
        resticUploadBandwidthLimit: Bandwidth.mebibytesPerSecond(2),
      },
    });
    const m = synth(s);
    expect(flowTable(m, legend)).toEqual([
      ...commonFlows,
      // Sensor LANs instead of gateway pods: Telegraf's own policy admits the address blocks.
      'ingress 10.30.0.0/16 → site-a/telegraf tcp/8186',
      'ingress fd00:30::/64 → site-a/telegraf tcp/8186',
      // Query client 0 is in namespace monitoring: only the ingress sides are the site's (flows + Redis's policy).
      'ingress monitoring/app.kubernetes.io/name=grafana → site-a/influxdb tcp/8086',
      'ingress monitoring/app.kubernetes.io/name=grafana → site-a/query-cache tcp/6379 ×2',
      // Query client 1 is in the site namespace: both sides.
      'egress site-a/app=telemetry-api → site-a/influxdb tcp/8086',
      'ingress site-a/app=telemetry-api → site-a/influxdb tcp/8086',
      'egress site-a/app=telemetry-api → site-a/query-cache tcp/6379',
      'ingress site-a/app=telemetry-api → site-a/query-cache tcp/6379 ×2',
      // restic-store: the in-cluster backup store is reached through its pods' networkPeer, not the WAN.
      'egress site-a/restic → regional/app.kubernetes.io/name=minio tcp/9000',
    ].sort());
    expect(inventory(m)).toEqual([
      ...commonInventory,
      'NetworkPolicy site-a/telegraf-sensor-lan',
      'NetworkPolicy site-a/allow-query-0-influxdb-ingress', 'NetworkPolicy site-a/allow-query-0-redis-ingress',
      ...['query-1-influxdb', 'query-1-redis'].flatMap((f) => [`NetworkPolicy site-a/allow-${f}-egress`, `NetworkPolicy site-a/allow-${f}-ingress`]),
      'NetworkPolicy site-a/allow-restic-store-egress',
      // Velero in its own namespace (backup-system), into the regional store.
      'BackupStorageLocation backup-system/site-a-cloud', 'Schedule backup-system/site-a-daily', 'Schedule backup-system/site-a-weekly',
    ].sort());
  });
});

describe('IoTSite wiring (defaults)', () => {
  let s: IoTSite;
  let m: any[];
  beforeAll(() => {
    s = site();
    m = synth(s);
  });

  test('Telegraf logs in to the telemetry topic as telemetryProducer (the User Operator\'s Secret, not listed to create)', () => {
    const conf: string = find(m, 'ConfigMap', 'telegraf-config').data['telegraf.conf'];
    expect(conf).toContain(`sasl_username = "${s.telemetryProducer.username}"`);
    const env = find(m, 'Deployment', 'telegraf').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'KAFKA_PASSWORD')).toEqual(s.telemetryProducer.passwordEnv('KAFKA_PASSWORD'));
    expect(s.requiredSecrets.map((r) => r.name)).not.toContain(s.telemetryProducer.secretName);
  });

  test('Telegraf health output has checks: readiness fails while an output\'s buffer backs up; liveness does not restart it', () => {
    const conf: string = find(m, 'ConfigMap', 'telegraf-config').data['telegraf.conf'];
    const limit = Number(/metric_buffer_limit = (\d+)/.exec(conf)![1]);
    // Telegraf's own write statistics feed the health output and nothing else.
    expect(conf).toContain('[[inputs.internal]]');
    const health = conf.slice(conf.indexOf('[[outputs.health]]'));
    expect(health).toContain('namepass = ["internal_write"]');
    expect(health).toContain(`[[outputs.health.compares]]\n    field = "buffer_size"\n    lt = ${limit / 2}.0`);
    expect(health).toContain('[[outputs.health.contains]]\n    field = "buffer_size"');
    for (const output of ['[[outputs.influxdb_v2]]', '[[outputs.kafka]]']) {
      const section = conf.slice(conf.indexOf(output)).split('\n\n')[0];
      expect(section).toContain('namedrop = ["internal*"]');
    }
    const ctr = find(m, 'Deployment', 'telegraf').spec.template.spec.containers[0];
    expect(ctr.readinessProbe.httpGet.port).toBe(TelegrafIngest.HEALTH_PORT);
    // A restart would drop the in-memory buffer the outage is filling: liveness only checks the listener.
    expect(ctr.livenessProbe.tcpSocket.port).toBe(TelegrafIngest.INGEST_PORT);
  });

  test('Telegraf writes to the InfluxDB URL and to the telemetry topic as user telegraf', () => {
    const conf: string = find(m, 'ConfigMap', 'telegraf-config').data['telegraf.conf'];
    expect(conf).toContain('[[outputs.influxdb_v2]]\n  urls = ["http://influxdb.site-a.svc:8086"]');
    expect(conf).toContain('organization = "edge"\n  bucket = "telemetry"');
    expect(conf).toContain('brokers = ["events-kafka-bootstrap.site-a.svc:9093"]\n  topic = "telemetry"');
    expect(conf).toContain('sasl_username = "telegraf"');
    expect(conf).toContain('tls_ca = "/etc/kafka-ca/ca.crt"');
    expect(conf).toContain('compression_codec = 4');
    expect(conf).not.toContain('INGEST_TOKEN');
    expect(s.influxdb.url).toBe('http://influxdb.site-a.svc:8086');
    const env = find(m, 'Deployment', 'telegraf').spec.template.spec.containers[0].env;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'INFLUX_TOKEN', valueFrom: { secretKeyRef: { name: 'site-a-telegraf-influxdb-write', key: 'token' } } },
      { name: 'KAFKA_PASSWORD', valueFrom: { secretKeyRef: { name: 'telegraf', key: 'password' } } },
    ]));
    // The producer user may write the topic and nothing else.
    expect(find(m, 'KafkaUser', 'telegraf').spec.authorization.acls).toEqual([
      { type: 'allow', resource: { type: 'topic', name: 'telemetry', patternType: 'literal' }, operations: ['Write', 'Describe'] },
    ]);
    expect(find(m, 'Service', 'telegraf').spec.type).toBeUndefined();
  });

  test('Telegraf writes with a write-only InfluxDB token (not the operator token), listed with the command that mints it', () => {
    const env = find(m, 'Deployment', 'telegraf').spec.template.spec.containers[0].env;
    const token = env.find((e: any) => e.name === 'INFLUX_TOKEN').valueFrom.secretKeyRef;
    expect(token).toEqual({ name: 'site-a-telegraf-influxdb-write', key: 'token' });
    expect(token.name).not.toBe(s.influxdb.token.name);
    const required = s.requiredSecrets.find((r) => r.name === token.name)!;
    expect(required).toMatchObject({ namespace: 'site-a', keys: ['token'] });
    expect(required.purpose).toContain('influx auth create --org edge --write-bucket');
    expect(s.report()).toContain('| site-a-telegraf-influxdb-write | site-a | token |');
  });

  test('ingest.writeToken names the write token Secret key; a bad key is refused with the prop', () => {
    const custom = site({ ingest: { writeToken: { name: 'influx-writer', key: 'write-token' } } });
    const env = find(synth(custom), 'Deployment', 'telegraf').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'INFLUX_TOKEN').valueFrom.secretKeyRef).toEqual({ name: 'influx-writer', key: 'write-token' });
    expect(custom.requiredSecrets.find((r) => r.name === 'influx-writer')).toMatchObject({ namespace: 'site-a', keys: ['write-token'] });
    expect(custom.requiredSecrets.map((r) => r.name)).not.toContain('site-a-telegraf-influxdb-write');
    expect(() => site({ ingest: { writeToken: { name: 'influx-writer', key: 'write token' } } }))
      .toThrow(/IoTSite "site-a": ingest.writeToken.key = "write token": not a valid Secret key/);
  });

  test('Telegraf serves the listener over TLS from a Secret; probes use the separate plain health port', () => {
    const conf: string = find(m, 'ConfigMap', 'telegraf-config').data['telegraf.conf'];
    const listener = conf.slice(conf.indexOf('[[inputs.influxdb_v2_listener]]'), conf.indexOf('[[outputs.influxdb_v2]]'));
    const pod = find(m, 'Deployment', 'telegraf').spec.template.spec;
    const volume = pod.volumes.find((v: any) => v.name === 'tls');
    expect(volume.secret.secretName).toBe('site-a-telegraf-tls');
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/telegraf-tls', readOnly: true });
    // The listener reads the files the volume maps the Secret's keys to.
    const file = (key: string) => `/etc/telegraf-tls/${volume.secret.items.find((i: any) => i.key === key).path}`;
    expect(listener).toContain(`tls_cert = "${file(TlsCredentials.CERTIFICATE_KEY)}"`);
    expect(listener).toContain(`tls_key = "${file(TlsCredentials.PRIVATE_KEY_KEY)}"`);
    expect(pod.containers[0].readinessProbe.httpGet.port).toBe(8080);
    expect(conf).toContain('[[outputs.health]]\n  service_address = "http://:8080"');
    expect(s.ingest.ingestUrl).toBe('https://telegraf.site-a.svc:8186');
    expect(s.requiredSecrets.find((r) => r.name === 'site-a-telegraf-tls')).toMatchObject({ namespace: 'site-a', keys: ['tls.crt', 'tls.key'] });
    expect(s.requiredSecrets.find((r) => r.name === 'site-a-telegraf-tls')!.purpose).toMatch(/^Telegraf telegraf: certificate of the HTTPS listener/);
  });

  test('Telegraf memory limit covers its two 100,000-metric buffers (InfluxDB and Kafka outputs)', () => {
    const conf: string = find(m, 'ConfigMap', 'telegraf-config').data['telegraf.conf'];
    expect(conf).toContain(`metric_buffer_limit = ${TelegrafIngest.METRIC_BUFFER_LIMIT}`);
    const outputs = (conf.match(/^\[\[outputs\.(influxdb_v2|kafka)\]\]$/gm) ?? []).length;
    expect(outputs).toBe(2);
    const need = TelegrafIngest.BASE_MEMORY_BYTES + outputs * TelegrafIngest.METRIC_BUFFER_LIMIT * TelegrafIngest.BUFFERED_METRIC_BYTES;
    const limit = find(m, 'Deployment', 'telegraf').spec.template.spec.containers[0].resources.limits.memory as string;
    expect(limit).toMatch(/^\d+Mi$/);
    expect(parseInt(limit, 10) * 2 ** 20).toBeGreaterThanOrEqual(need);
    expect(parseInt(limit, 10)).toBeGreaterThan(128);
  });

  test('InfluxDB volume = planner provisioned bytes rounded up to whole GiB (hand-computed: 29Gi)', () => {
    // 10,000 sensors × 8,640 points/day × 30 days × 100 B ÷ 10 = 25.92 GB; ÷ 0.85 = 30.49 GB = 28.40 GiB → 29Gi.
    const planner = CapacityPlanner.iot({ sensors: 10_000, sampleInterval: Duration.seconds(10), retention: Duration.days(30) });
    expect(planner.provisionedBytes).toBeCloseTo(25.92e9 / 0.85, 0);
    expect(Math.ceil(planner.provisionedBytes / GIB)).toBe(29);
    const sts = find(m, 'StatefulSet', 'influxdb');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'lvm-xfs', resources: { requests: { storage: '29Gi' } } });
    expect(s.estimate.provisionedBytes).toBe(planner.provisionedBytes);
    const env = sts.spec.template.spec.containers[0].env;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'DOCKER_INFLUXDB_INIT_RETENTION', value: '30d' },
      { name: 'DOCKER_INFLUXDB_INIT_ADMIN_TOKEN', valueFrom: { secretKeyRef: { name: 'site-a-influxdb-admin', key: 'token' } } },
    ]));
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsUser: 1000, fsGroup: 1000 });
  });

  test('restic backs up what influx backup wrote (not the live data-influxdb-0) into the cloud store', () => {
    const sts = find(m, 'StatefulSet', 'influxdb');
    const claim = `${sts.spec.volumeClaimTemplates[0].metadata.name}-${sts.metadata.name}-0`;
    expect(claim).toBe(s.influxdb.dataClaimName);
    const pod = find(m, 'CronJob', 'restic-influxdb').spec.jobTemplate.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '29Gi' } });
    expect(JSON.stringify(pod)).not.toContain(claim);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['dump']);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/data', readOnly: true });
    expect(pod.affinity).toBeUndefined();
    expect(pod.containers[0].env).toEqual(expect.arrayContaining([
      { name: 'RESTIC_REPOSITORY', value: 's3:https://s3.eu-central-1.amazonaws.com/fleet-backups/site-a/restic/influxdb' },
      { name: 'RESTIC_PASSWORD', valueFrom: { secretKeyRef: { name: 'site-a-restic', key: 'password' } } },
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'cloud-backup-keys', key: 'AWS_ACCESS_KEY_ID' } } },
      { name: 'BACKUP_HOST', value: 'site-a' },
    ]));
  });

  test('Velero: location in the cloud bucket under <site>/velero, resource-only schedules of the site namespace', () => {
    const bsl = find(m, 'BackupStorageLocation', 'site-a-cloud');
    expect(bsl.metadata.namespace).toBe('velero');
    expect(bsl.spec.objectStorage).toEqual({ bucket: 'fleet-backups', prefix: 'site-a/velero' });
    expect(bsl.spec.config.s3Url).toBe('https://s3.eu-central-1.amazonaws.com');
    expect(bsl.spec.credential).toEqual({ name: 'velero-site-a', key: 'cloud' });
    for (const name of ['site-a-daily', 'site-a-weekly']) {
      const tpl = find(m, 'Schedule', name).spec.template;
      expect(tpl).toMatchObject({ includedNamespaces: ['site-a'], storageLocation: 'site-a-cloud', snapshotVolumes: false });
    }
  });

  test('telemetry topic keeps the outage budget + 24 h; Kafka volume sized from the rate (hand-computed: 38Gi)', () => {
    // 10,000 points/10 s × 100 B = 100 kB/s × 96 h = 34.56 GB × 1 replica ÷ 0.85 = 40.66 GB = 37.87 GiB → 38Gi.
    expect(find(m, 'KafkaTopic', 'telemetry').spec.config['retention.ms']).toBe(96 * 3600 * 1000);
    expect(find(m, 'KafkaNodePool', 'dual-role').spec.storage.volumes[0]).toMatchObject({ size: '38Gi', class: 'lvm-xfs' });
    expect(s.telemetryBytesPerSecond).toBeCloseTo(100_000, 6);
    const mm2 = find(m, 'KafkaMirrorMaker2', 'cloud-sync');
    expect(mm2.spec.target.bootstrapServers).toBe('kafka.cloud.example.com:9093');
    expect(mm2.spec.mirrors[0].topicsPattern).toBe('telemetry');
    expect(mm2.spec.mirrors[0].source.bootstrapServers).toBe('events-kafka-bootstrap.site-a.svc:9093');
  });

  test('Redis L1 cache: password by reference, TTL = sample interval, only query clients let in', () => {
    const pod = find(m, 'Deployment', 'query-cache').spec.template.spec;
    expect(pod.volumes).toContainEqual(expect.objectContaining({ name: 'auth', secret: expect.objectContaining({ secretName: 'site-a-redis' }) }));
    expect(find(m, 'ConfigMap', 'query-cache-client').data.CACHE_DEFAULT_TTL_SECONDS).toBe('10');
    expect(find(m, 'NetworkPolicy', 'query-cache').spec.ingress).toEqual([{
      ports: [{ port: 6379, protocol: 'TCP' }],
      from: [{ ...nsPeer('site-a'), podSelector: { matchLabels: { 'app.kubernetes.io/component': 'query-client' } } }],
    }]);
    expect(findAll(m, 'Secret')).toEqual([]);
  });

  test('NetworkPolicies allow exactly the flows', () => {
    expect(s.siteNamespace.allowedFlows.map((f) => f.name).sort()).toEqual([
      'cloud-sync-cloud', 'cloud-sync-kafka', 'kafka-internal', 'kafka-operators-api', 'query-0-influxdb', 'query-0-redis', 'restic-cloud',
      'restic-influxdb', 'sensor-0-telegraf', 'telegraf-influxdb', 'telegraf-kafka',
    ]);
    expect(findAll(m, 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual([
      'allow-cloud-sync-cloud-wan', 'allow-cloud-sync-kafka-egress', 'allow-cloud-sync-kafka-ingress', 'allow-dns',
      'allow-kafka-internal-egress', 'allow-kafka-internal-ingress', 'allow-kafka-operators-api-wan',
      'allow-query-0-influxdb-egress', 'allow-query-0-influxdb-ingress', 'allow-query-0-redis-egress', 'allow-query-0-redis-ingress',
      'allow-restic-cloud-wan', 'allow-restic-influxdb-egress', 'allow-restic-influxdb-ingress', 'allow-sensor-0-telegraf-egress', 'allow-sensor-0-telegraf-ingress',
      'allow-telegraf-influxdb-egress', 'allow-telegraf-influxdb-ingress', 'allow-telegraf-kafka-egress', 'allow-telegraf-kafka-ingress',
      'default-deny', 'query-cache',
    ]);
    expect(find(m, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(find(m, 'NetworkPolicy', 'allow-sensor-0-telegraf-ingress').spec).toEqual({
      podSelector: { matchLabels: selector('telegraf', 'telegraf') },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ...nsPeer('site-a'), podSelector: { matchLabels: { 'app.kubernetes.io/component': 'sensor-gateway' } } }], ports: [tcp(8186)] }],
    });
    expect(find(m, 'NetworkPolicy', 'allow-telegraf-influxdb-egress').spec).toEqual({
      podSelector: { matchLabels: selector('telegraf', 'telegraf') },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ...nsPeer('site-a'), podSelector: { matchLabels: selector('influxdb', 'influxdb') } }], ports: [tcp(8086)] }],
    });
    expect(find(m, 'NetworkPolicy', 'allow-telegraf-kafka-egress').spec.egress).toEqual([{
      to: [{ ...nsPeer('site-a'), podSelector: { matchLabels: { 'strimzi.io/cluster': 'events', 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' } } }],
      ports: [tcp(9093)],
    }]);
    expect(find(m, 'NetworkPolicy', 'allow-query-0-redis-egress').spec.egress[0].ports).toEqual([tcp(6379)]);
    expect(find(m, 'NetworkPolicy', 'allow-restic-cloud-wan').spec).toEqual({
      podSelector: { matchLabels: selector('restic', 'restic-influxdb') },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [tcp(443)] }],
    });
    // Nothing in the site reaches Velero's namespace or is reached from it.
    expect(JSON.stringify(findAll(m, 'NetworkPolicy'))).not.toContain('"velero"');
  });

  test('the quota counts the InfluxDB and Kafka volumes with 20 % headroom', () => {
    // (29Gi + 38Gi) × 1.2 = 80.4Gi = 82,329.6Mi → 82330Mi.
    expect(find(m, 'ResourceQuota', 'site-quota').spec.hard['requests.storage']).toBe('82330Mi');
  });

  test('report: capacity figures, sizing notes, prerequisites with the Secrets, a Mermaid flowchart', () => {
    const r = s.report();
    expect(r).toContain('# IoT site "site-a"');
    expect(r).toContain('| Logical data | 25.92 GB |');
    expect(r).toContain('| Provisioned (at fill target) | 30.49 GB |');
    expect(r).toContain('| Points per day | 86,400,000 |');
    expect(r).toContain('InfluxDB volume: 29Gi on StorageClass "lvm-xfs"');
    expect(r).toContain('100 kB/s of points × 96 h retention');
    expect(r).toContain('38Gi per Kafka volume');
    expect(r).toContain('| Strimzi operator | 1.x');
    expect(r).toContain('| site-a-influxdb-admin | site-a | username, password, token |');
    expect(r).toContain('| velero-site-a | velero | cloud |');
    expect(r).toMatch(/```mermaid\nflowchart LR\n/);
    expect(r).toContain('["Sensors (10,000, every 10 s)"] -->|"line protocol (HTTPS :8186)"| n1["Telegraf"]');
    expect(r).toContain('-->|"MirrorMaker2 (site-a.telemetry)"|');
    expect(r).toContain('| StatefulSet | influxdb | site-a | `docker.io/library/influxdb:2.7.12-alpine` |');
  });

  test('no warnings for the defaults', () => {
    expect(Warnings.collect(s)).toEqual([]);
  });
});

describe('IoTSite InfluxDB memory from the planner (InfluxData sizing guidance)', () => {
  const mem = (q: string) => {
    const m = /^(\d+)(Mi|Gi)$/.exec(q)!;
    return Number(m[1]) * (m[2] === 'Gi' ? GIB : 2 ** 20);
  };
  test('the InfluxDB container requests and limits what the planner derives from writes/s and series', () => {
    const s = site({
      sensors: 12_000, sampleInterval: Duration.seconds(5), retention: Duration.days(90), kafka: { outageBudget: Duration.hours(48) },
    });
    const m = synth(s);
    const c = find(m, 'StatefulSet', 'influxdb').spec.template.spec.containers[0];
    expect(s.estimate.memoryRequestBytes).toBeGreaterThan(512 * 2 ** 20);
    expect(mem(c.resources.requests.memory)).toBe(s.estimate.memoryRequestBytes);
    expect(mem(c.resources.limits.memory)).toBe(s.estimate.memoryLimitBytes);
    // The site quota follows: it holds every container's memory limit, InfluxDB's included.
    const quota = find(m, 'ResourceQuota', 'site-quota').spec.hard;
    expect(mem(quota['limits.memory'])).toBeGreaterThanOrEqual(s.estimate.memoryLimitBytes! * 1.2);
    expect(s.report()).toContain('Time-series memory (request–limit)');
  });

  test('a smaller memory override is kept but warned about', () => {
    const s = site({ influxdb: { resources: { memory: { request: Size.mebibytes(512) } } } });
    const c = find(synth(s), 'StatefulSet', 'influxdb').spec.template.spec.containers[0];
    expect(c.resources.requests.memory).toBe('512Mi');
    expect(c.resources.limits.memory).toBe('512Mi');
    expect(Warnings.collect(s).join('\n')).toMatch(/influxdb\.resources\.memory.*below InfluxData's sizing guidance/);
  });
});

describe('IoTSite InfluxDB backup: influx backup into an emptyDir, then restic', () => {
  test('the restic job no longer mounts the live data volume; an init container runs influx backup with the operator token', () => {
    const s = site();
    const m = synth(s);
    const pod = find(m, 'CronJob', 'restic-influxdb').spec.jobTemplate.spec.template.spec;
    expect(JSON.stringify(pod)).not.toContain(s.influxdb.dataClaimName);
    expect(pod.volumes.find((v: any) => v.name === 'data').emptyDir.sizeLimit).toBe(s.volumeSize.toGibibytes() + 'Gi');
    // Nothing pins it to the InfluxDB node any more: it reads over the API.
    expect(pod.affinity).toBeUndefined();
    const init = pod.initContainers[0];
    expect(init.image).toBe(ContainerImage.INFLUXDB.reference);
    expect(init.args[0]).toBe(s.influxBackupScript);
    expect(init.args[0]).toMatch(/influx backup .*"\$DUMP_DIR"/);
    const env = Object.fromEntries(init.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.INFLUX_HOST).toBe(s.influxdb.url);
    expect(env.INFLUX_TOKEN).toEqual({ secretKeyRef: { name: 'site-a-influxdb-admin', key: 'token' } });
    // restic may reach InfluxDB's API (egress here, ingress on InfluxDB).
    const egress = find(m, 'NetworkPolicy', 'allow-restic-influxdb-egress').spec;
    expect(egress.podSelector.matchLabels).toEqual(selector('restic', 'restic-influxdb'));
    expect(egress.egress[0].ports).toEqual([tcp(8086)]);
    expect(find(m, 'NetworkPolicy', 'allow-restic-influxdb-ingress').spec.podSelector.matchLabels).toEqual(s.influxdb.networkPeer.podLabels);
    expect(s.report()).toContain('influx backup');
  });

  test('a separate operator token Secret can be given', () => {
    const s = site({ backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' }, influxOperatorToken: { name: 'influx-backup-token', key: 'op' } } });
    const init = find(synth(s), 'CronJob', 'restic-influxdb').spec.jobTemplate.spec.template.spec.initContainers[0];
    expect(init.env.find((e: any) => e.name === 'INFLUX_TOKEN').valueFrom).toEqual({ secretKeyRef: { name: 'influx-backup-token', key: 'op' } });
    // Recorded by the ResticBackup whose dump step reads it (the site lists no Secret by hand).
    expect(s.report()).toContain('| influx-backup-token | site-a | op | read as INFLUX_TOKEN by the dump step of restic backup restic-influxdb |');
  });
});

describe('IoTSite report: Proved by', () => {
  test('names the real-tier test that runs the site\'s data path, and that file exists', () => {
    const line = site().report().split('\n').find((l) => l.startsWith('Proved by: '));
    expect(line).toBeDefined();
    const files = [...line!.matchAll(/test\/[\w/.-]+\.real\.test\.ts/g)].map((m) => m[0]);
    expect(files).toEqual(['test/blueprints/iot-site-e2e.real.test.ts']);
    expect(fs.existsSync(path.join(__dirname, '..', '..', files[0]))).toBe(true);
  });
});

describe('IoTSite options', () => {
  test('a tiny site gets the 5Gi floor', () => {
    const m = synth(site({ sensors: 10, sampleInterval: Duration.minutes(1), retention: Duration.days(7) }));
    expect(find(m, 'StatefulSet', 'influxdb').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('5Gi');
    expect(find(m, 'KafkaNodePool', 'dual-role').spec.storage.volumes[0].size).toBe('20Gi');
  });

  test('an explicit volume at least the planner need is used as given', () => {
    const s = site({ influxdb: { volumeSize: Size.gibibytes(100) } });
    expect(find(synth(s), 'StatefulSet', 'influxdb').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Gi');
    expect(s.report()).toContain('InfluxDB volume: 100Gi');
  });

  test('sensor LANs: CIDR ingress on Telegraf, load balancer keeping client addresses, token required by Telegraf', () => {
    const s = site({ sensorCidrs: ['10.30.0.0/16'], ingest: { token: { name: 'sensor-token', key: 'token' } } });
    const m = synth(s);
    expect(find(m, 'NetworkPolicy', 'telegraf-sensor-lan').spec).toEqual({
      podSelector: { matchLabels: selector('telegraf', 'telegraf') },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [tcp(8186)] }],
    });
    expect(find(m, 'Service', 'telegraf').spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    // The default gateway pods are only assumed when no LAN is given.
    expect(s.siteNamespace.allowedFlows.map((f) => f.name)).not.toContain('sensor-0-telegraf');
    expect(find(m, 'ConfigMap', 'telegraf-config').data['telegraf.conf']).toContain('max_body_size = "32MiB"\n  token = "${INGEST_TOKEN}"');
    expect(find(m, 'Deployment', 'telegraf').spec.template.spec.containers[0].env)
      .toContainEqual({ name: 'INGEST_TOKEN', valueFrom: { secretKeyRef: { name: 'sensor-token', key: 'token' } } });
    expect(s.prerequisites().map((p) => p.component)).toContain('Service load balancer');
    expect(Warnings.collect(s)).toEqual([]);
  });

  test('warns when LAN sensors write without a token, or cannot reach a ClusterIP Service', () => {
    const s = site({ sensorCidrs: ['10.30.0.0/16'], ingest: { serviceType: ServiceType.CLUSTER_IP } });
    const w = Warnings.collect(s);
    expect(w).toContainEqual(expect.stringContaining('IoTSite "site-a": ingest.token = "unset": any host in 10.30.0.0/16 can write points without authenticating'));
    expect(w).toContainEqual(expect.stringContaining('ingest.serviceType = "ClusterIP": sensorCidrs are outside the cluster'));
  });

  test('an in-cluster backup store is reached through its pods, not the WAN', () => {
    const regional = new ExternalObjectStore({
      s3Endpoint: 'http://minio.regional.svc.cluster.local:9000',
      credentials: S3Credentials.fromSecretName('regional-keys'),
      networkPeer: { namespace: 'regional', podLabels: { app: 'minio' }, ports: [9000] },
    });
    const s = site({ cloud: { ...baseProps().cloud, backupStore: regional } });
    const m = synth(s);
    const names = s.siteNamespace.allowedFlows.map((f) => f.name);
    expect(names).toContain('restic-store');
    expect(names).not.toContain('restic-cloud');
    expect(find(m, 'NetworkPolicy', 'allow-restic-store-egress').spec.egress).toEqual([{
      to: [{ ...nsPeer('regional'), podSelector: { matchLabels: { app: 'minio' } } }], ports: [tcp(9000)],
    }]);
  });

  test('a WAN store on a custom port gets exactly that port', () => {
    const store = new ExternalObjectStore({ s3Endpoint: 'https://backup.example.com:8443', credentials: S3Credentials.fromSecretName('k') });
    const m = synth(site({ cloud: { ...baseProps().cloud, backupStore: store } }));
    expect(find(m, 'NetworkPolicy', 'allow-restic-cloud-wan').spec.egress[0].ports).toEqual([tcp(8443)]);
  });

  test('three Kafka nodes: replication 3, volume per node sized for its share', () => {
    // 100 kB/s × 96 h × 3 replicas ÷ 3 nodes ÷ 0.85 = 40.66 GB per node → 38Gi.
    const m = synth(site({ kafka: { replicas: 3 } }));
    expect(find(m, 'KafkaTopic', 'telemetry').spec.replicas).toBe(3);
    expect(find(m, 'KafkaNodePool', 'dual-role').spec).toMatchObject({ replicas: 3, storage: { volumes: [expect.objectContaining({ size: '38Gi' })] } });
  });

  test('the Kafka listener admits exactly the pods of the flows the site declares to the brokers (Strimzi networkPolicyPeers)', () => {
    const s = site();
    const peers = find(synth(s), 'Kafka', 'events').spec.kafka.listeners[0].networkPolicyPeers;
    const toBrokers = s.siteNamespace.allowedFlows.filter((f) => f.to && f.to.podLabels['strimzi.io/cluster'] === 'events'
      && f.to.podLabels['strimzi.io/kind'] === 'Kafka' && f.ports.includes(9093));
    expect(toBrokers.map((f) => f.name).sort()).toEqual(['cloud-sync-kafka', 'telegraf-kafka']);
    expect(peers).toEqual(toBrokers.map((f) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': f.from.namespace } }, podSelector: { matchLabels: f.from.podLabels } })));
  });

  test('the Kafka volume the site sizes itself passes its own topic disk check (12,000 sensors every 5 s, 72 h budget)', () => {
    const s = site({ sensors: 12_000, sampleInterval: Duration.seconds(5) });
    const m = synth(s);
    // The topic declares its rate in whole KiB/s; the volume must hold that rate × retention × replicas at 85 % fill.
    const rate = Math.ceil(s.telemetryBytesPerSecond / 1024) * 1024;
    const needed = rate * (72 + 24) * 3600 / 0.85;
    const size = find(m, 'KafkaNodePool', 'dual-role').spec.storage.volumes[0].size as string;
    expect(size).toMatch(/^\d+Gi$/);
    expect(parseInt(size, 10) * GIB).toBeGreaterThanOrEqual(needed);
  });
});

describe('IoTSite fails if', () => {
  test('the restic upload cap would render as 0 KiB/s, naming the site\'s prop', () => {
    expect(() => site({ backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' }, resticUploadBandwidthLimit: Bandwidth.bytesPerSecond(100) } }))
      .toThrow(/IoTSite "site-a": backup.resticUploadBandwidthLimit = "100 B\/s": must be at least 1 KiB\/s/);
  });
  test('there are no sensors', () => {
    expect(() => site({ sensors: 0 })).toThrow('IoTSite "site-a": sensors = 0: must be a positive integer; give the number of sensors');
  });
  test('sensors is not a whole number', () => {
    expect(() => site({ sensors: 12.5 })).toThrow(/IoTSite "site-a": sensors = 12\.5: must be a positive integer/);
  });
  test('the site name is not a DNS label', () => {
    expect(() => site({ siteName: 'Site_A' })).toThrow(/IoTSite "site-a": siteName = "Site_A": must be a DNS-1123 label .*; use a name like "site-a"/);
  });
  test('retention is under a day, fractional, or not a Duration', () => {
    expect(() => site({ retention: Duration.days(0) })).toThrow(
      'IoTSite "site-a": retention = "0 days": must be a whole number of days, at least 1; use Duration.days(1) (it becomes the InfluxDB bucket retention, in days)');
    expect(() => site({ retention: Duration.hours(36) })).toThrow(/IoTSite "site-a": retention = "1 day 12 hours": must be a whole number of days, at least 1; use Duration\.days\(2\)/);
    expect(() => site({ retention: 30 as any })).toThrow(/IoTSite "site-a": retention = 30: must be a Duration; use Duration\.days\(30\)/);
    // Whole days in another unit are whole days.
    expect(() => site({ retention: Duration.hours(48) })).not.toThrow();
  });
  test('the sample interval is zero', () => {
    expect(() => site({ sampleInterval: Duration.seconds(0) })).toThrow(/IoTSite "site-a": sampleInterval = "0 seconds": must be longer than zero/);
  });
  test('the planner rejects a number (the message names the prop)', () => {
    expect(() => site({ bytesPerPoint: -1 })).toThrow(/IoTSite "site-a": bytesPerPoint = -1: /);
    expect(() => site({ compressionRatio: 0.5 })).toThrow(/IoTSite "site-a": compressionRatio = 0\.5: must be a finite number ≥ 1/);
    expect(() => site({ fillTarget: 1.5 })).toThrow(/IoTSite "site-a": fillTarget = 1\.5: /);
  });
  test('the StorageClass name is invalid', () => {
    expect(() => site({ storageClassName: 'LVM_xfs' })).toThrow(/IoTSite "site-a": storageClassName = "LVM_xfs": must be a DNS-1123 subdomain/);
  });
  test('an explicit InfluxDB volume is smaller than the planner need', () => {
    expect(() => site({ influxdb: { volumeSize: Size.gibibytes(20) } })).toThrow(
      /IoTSite "site-a": influxdb\.volumeSize = "20Gi": holds less than the planner provisions for 10,000 sensors every 10 s kept 30 days: 30\.49 GB .*; use at least 29Gi/,
    );
  });
  test('a sensor CIDR is malformed', () => {
    expect(() => site({ sensorCidrs: ['10.30.0.0/33'] })).toThrow(/IoTSite "site-a": sensorCidrs\[0\] = "10\.30\.0\.0\/33": must be an address block in CIDR notation: prefix length "33" must be 0-32/);
    expect(() => site({ sensorCidrs: ['plant-lan'] })).toThrow(/sensorCidrs\[0\] = "plant-lan"/);
  });
  test('nothing may write to Telegraf', () => {
    expect(() => site({ sensorSources: [] })).toThrow(/IoTSite "site-a": sensorSources = \[\]: with no sensorSources and no sensorCidrs nothing may write to Telegraf/);
  });
  test('an explicit Kafka volume cannot hold the telemetry for the outage budget', () => {
    const s = site({ kafka: { storageSize: Size.gibibytes(10) } });
    expect(() => synth(s)).toThrow(/EdgeKafkaTopic "site-a\/telemetry": expectedWriteRate × retention × replicas = 33Gi: .* raise storageSize to at least 38Gi/);
  });
  test('the ingest Service type cannot route to Telegraf', () => {
    expect(() => site({ ingest: { serviceType: ServiceType.EXTERNAL_NAME } })).toThrow(/TelegrafIngest "site-a\/Ingest": serviceType = "ExternalName"/);
  });
});

describe('TelegrafIngest additions', () => {
  const props = { namespace: 'site-a', influxUrl: 'http://influxdb.site-a.svc:8086', influxToken: { name: 'admin', key: 'token' }, organization: 'edge', bucket: 'telemetry' };
  test('NodePort exposure keeps client addresses and IPv6 blocks are accepted', () => {
    const c = chart('site-a');
    new TelegrafIngest(c, 'Ingest', { ...props, serviceType: ServiceType.NODE_PORT, allowedCidrs: ['fd00:30::/64'] });
    const m = synth(c);
    expect(find(m, 'Service', 'telegraf').spec).toMatchObject({ type: 'NodePort', externalTrafficPolicy: 'Local' });
    expect(find(m, 'NetworkPolicy', 'telegraf-sensor-lan').spec.ingress[0].from).toEqual([{ ipBlock: { cidr: 'fd00:30::/64' } }]);
  });
  test('a config change rolls the pods (checksum annotation)', () => {
    const checksum = (extra: object) => {
      const c = chart('site-a');
      new TelegrafIngest(c, 'Ingest', { ...props, ...extra });
      return find(synth(c), 'Deployment', 'telegraf').spec.template.metadata.annotations['checksum/config'];
    };
    expect(checksum({})).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum({})).toBe(checksum({}));
    expect(checksum({ bucket: 'other' })).not.toBe(checksum({}));
  });
  test('reloadOnSecretChange: Reloader restarts the pods when a Kafka Secret they read at start changes (CA renewal)', () => {
    const m = synth(site({ ingest: { reloadOnSecretChange: true } }));
    const deployment = find(m, 'Deployment', 'telegraf');
    const pod = deployment.spec.template.spec;
    // Every Kafka Secret the pod reads: the CA volume behind tls_ca, and the producer's credentials (env or volume).
    const kafkaSecrets = new Set<string>([
      ...pod.volumes.filter((v: any) => v.name.startsWith('kafka-')).map((v: any) => v.secret.secretName),
      ...pod.containers[0].env.filter((e: any) => e.name.startsWith('KAFKA_')).map((e: any) => e.valueFrom.secretKeyRef.name),
    ]);
    expect(kafkaSecrets.size).toBeGreaterThanOrEqual(2);
    expect(new Set(deployment.metadata.annotations['secret.reloader.stakater.com/reload'].split(','))).toEqual(kafkaSecrets);
    // Off by default: a cluster without the Reloader controller gets nothing it cannot honour.
    expect(find(synth(site()), 'Deployment', 'telegraf').metadata.annotations ?? {}).not.toHaveProperty(['secret.reloader.stakater.com/reload']);
    // Without a Kafka output there is nothing Telegraf reads only at start from a renewed Secret.
    const c = chart('site-a');
    new TelegrafIngest(c, 'Ingest', { ...props, reloadOnSecretChange: true });
    expect(find(synth(c), 'Deployment', 'telegraf').metadata.annotations).toBeUndefined();
  });
  test('fails if an allowed CIDR is malformed', () => {
    expect(() => new TelegrafIngest(chart('site-a'), 'Ingest', { ...props, allowedCidrs: ['10.0.0.0'] }))
      .toThrow(/TelegrafIngest "test\/Ingest": allowedCidrs\[0\] = "10\.0\.0\.0": must be an address block in CIDR notation: has no prefix length/);
  });
});
