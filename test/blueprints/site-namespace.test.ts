import { Duration, Size } from 'cdk8s';
import { InfluxDb, KafkaAuthentication, KafkaCredentials, SiteNamespace, TelegrafIngest } from '../../src';
import { WorkloadFootprint } from '../../src/blueprints/site/footprint';
import { formatBytes, formatCpu, parseQuantity } from '../../src/blueprints/site/quantity';
import { chart, find, findAll, synth } from '../support/harness';

describe('quantities', () => {
  test.each([
    ['500m', 0.5], ['2', 2], ['1.5', 1.5], ['128Mi', 128 * 2 ** 20], ['1Gi', 2 ** 30], ['1G', 1e9], ['2e3', 2000], ['100k', 1e5], ['1Ti', 2 ** 40],
  ])('parses %s', (q, v) => expect(parseQuantity(q as string)).toBeCloseTo(v as number, 9));
  test('rejects garbage', () => expect(() => parseQuantity('12 apples')).toThrow(/not a Kubernetes quantity/));
  test('formats up', () => {
    expect(formatCpu(0.3501)).toBe('351m');
    expect(formatCpu(1.2)).toBe('1200m');
    expect(formatBytes(1.5 * 2 ** 20)).toBe('2Mi');
    expect(formatBytes(3 * 2 ** 30)).toBe('3072Mi');
  });
});

describe('WorkloadFootprint', () => {
  const pod = (cpu: string, mem: string) => ({ containers: [{ name: 'c', resources: { requests: { cpu, memory: mem }, limits: { memory: mem } } }] });
  test('counts replicas, surge, jobs and claims', () => {
    const f = WorkloadFootprint.of([
      // 2 replicas + 25 % surge (rounded up) = 3 pods × 100m / 64Mi
      { kind: 'Deployment', spec: { replicas: 2, template: { spec: pod('100m', '64Mi') } } },
      // 4 pods, no surge, each with a 10Gi claim template
      { kind: 'StatefulSet', spec: { replicas: 4, template: { spec: pod('250m', '512Mi') }, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: '10Gi' } } } }] } },
      // Forbid: one run at a time; the init container (1 CPU) dominates the 200m app container
      { kind: 'CronJob', spec: { concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: { spec: { ...pod('200m', '128Mi'), initContainers: [{ name: 'i', resources: { requests: { cpu: '1' } } }] } } } } } },
      { kind: 'PersistentVolumeClaim', spec: { resources: { requests: { storage: '1Gi' } } } },
      { kind: 'ConfigMap' },
    ]);
    expect(f.pods).toBe(3 + 4 + 1);
    expect(f.cpuRequests).toBeCloseTo(3 * 0.1 + 4 * 0.25 + 1, 9);
    expect(f.memoryRequests).toBe(3 * 64 * 2 ** 20 + 4 * 512 * 2 ** 20 + 128 * 2 ** 20);
    expect(f.memoryLimits).toBe(f.memoryRequests);
    expect(f.storageRequests).toBe(4 * 10 * 2 ** 30 + 2 ** 30);
    expect(f.claims).toBe(5);
  });
});

describe('SiteNamespace', () => {
  function site() {
    const c = chart();
    const ns = new SiteNamespace(c, 'Namespace', { name: 'site-a' });
    const influx = new InfluxDb(c, 'Influx', { namespace: 'site-a', storageClassName: 'lvm-xfs', volumeSize: Size.gibibytes(20), retention: Duration.days(30), adminSecretName: 'influx-admin' });
    const telegraf = new TelegrafIngest(c, 'Telegraf', {
      namespace: 'site-a',
      influxUrl: influx.url,
      influxToken: influx.token,
      organization: influx.organization,
      bucket: influx.bucket,
      kafka: {
        topic: { topicName: 'telemetry', bootstrapServers: 'edge-kafka-bootstrap.site-a.svc:9093', caCertificate: { name: 'edge-cluster-ca-cert', key: 'ca.crt' } },
        credentials: KafkaCredentials.fromSecretName('telegraf', { username: 'telegraf' }),
      },
    });
    ns.allowFlow('telegraf-influxdb', telegraf.networkPeer, influx.networkPeer);
    ns.allowWanEgress('mirror', { namespace: 'site-a', podLabels: { app: 'mm2' } }, [9093], ['203.0.113.0/24']);
    ns.addExtraFootprint({ description: 'Kafka broker', pods: 1, cpuRequests: 0.5, memoryRequests: 2 ** 30, memoryLimits: 2 ** 30, storageRequests: 10 * 2 ** 30, claims: 1 });
    return { c, ns, influx, telegraf };
  }

  test('namespace, default deny, DNS, flows, limits and a quota sized from the parts', () => {
    const { c, ns } = site();
    const m = synth(c);
    expect(m).toMatchSnapshot();
    expect(find(m, 'Namespace', 'site-a').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(find(m, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const egress = find(m, 'NetworkPolicy', 'allow-telegraf-influxdb-egress').spec;
    expect(egress.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'telegraf', 'app.kubernetes.io/instance': 'telegraf' });
    expect(egress.egress[0].ports).toEqual([{ protocol: 'TCP', port: 8086 }]);
    const ingress = find(m, 'NetworkPolicy', 'allow-telegraf-influxdb-ingress').spec;
    expect(ingress.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'influxdb', 'app.kubernetes.io/instance': 'influxdb' });
    expect(find(m, 'NetworkPolicy', 'allow-mirror-wan').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 9093 }] }]);
    expect(ns.allowedFlows.map((f) => f.name)).toEqual(['telegraf-influxdb', 'mirror']);
    expect(findAll(m, 'NetworkPolicy')).toHaveLength(5);
    // Footprint: influxdb 1 pod (250m, 512Mi, 20Gi claim) + telegraf 2 replicas + 1 surge (100m, memory for its two
    // output buffers) + Kafka extra.
    const hard = find(m, 'ResourceQuota', 'site-quota').spec.hard;
    const cpu = (0.25 + 3 * 0.1 + 0.5) * 1.2;
    const telegrafMiB = TelegrafIngest.memoryFor(2).toMebibytes();
    const mem = (512 + 3 * telegrafMiB + 1024) * 2 ** 20 * 1.2;
    expect(hard).toEqual({
      'pods': String(Math.ceil((1 + 3 + 1) * 1.2) + 1),
      'requests.cpu': `${Math.ceil(cpu * 1000)}m`,
      'requests.memory': `${Math.ceil(mem / 2 ** 20)}Mi`,
      'limits.memory': `${Math.ceil(mem / 2 ** 20)}Mi`,
      'requests.storage': `${Math.ceil(30 * 1024 * 1.2)}Mi`,
      'persistentvolumeclaims': String(Math.ceil(2 * 1.2) + 1),
    });
  });

  test('fails on a bad namespace name or headroom', () => {
    expect(() => new SiteNamespace(chart(), 'x', { name: 'Site A' })).toThrow(/SiteNamespace "test\/x": name = "Site A": must be a DNS-1123 label/);
    expect(() => new SiteNamespace(chart(), 'x', { name: 'a', quotaHeadroom: -1 })).toThrow(/quotaHeadroom = -1: must be a fraction/);
  });
});

describe('InfluxDb and TelegrafIngest', () => {
  test('telegraf config writes to InfluxDB and Kafka with secrets from the environment', () => {
    const conf = TelegrafIngest.renderConfig({
      namespace: 'n',
      influxUrl: 'http://influxdb.n.svc:8086',
      influxToken: { name: 's', key: 'token' },
      organization: 'edge',
      bucket: 'telemetry',
      kafka: { topic: { topicName: 't', bootstrapServers: 'a:9093,b:9093' }, credentials: KafkaCredentials.fromSecretName('u', { username: 'u' }) },
    });
    expect(conf).toContain('[[inputs.influxdb_v2_listener]]\n  service_address = ":8186"');
    expect(conf).toContain('urls = ["http://influxdb.n.svc:8086"]');
    expect(conf).toContain('token = "${INFLUX_TOKEN}"');
    expect(conf).toContain('brokers = ["a:9093", "b:9093"]');
    expect(conf).toContain('sasl_password = "${KAFKA_PASSWORD}"');
    expect(conf).not.toContain('tls_ca');
  });

  test('workloads are restricted, probed and take secrets by reference', () => {
    const c = chart();
    const influx = new InfluxDb(c, 'Influx', { namespace: 'n', storageClassName: 'sc', volumeSize: Size.gibibytes(5), retention: Duration.days(7), adminSecretName: 'admin' });
    new TelegrafIngest(c, 'Telegraf', {
      namespace: 'n',
      influxUrl: influx.url,
      influxToken: influx.token,
      organization: 'edge',
      bucket: 'telemetry',
      kafka: { topic: { topicName: 't', bootstrapServers: 'k:9093', caCertificate: { name: 'ca', key: 'ca.crt' } }, credentials: KafkaCredentials.fromSecretName('u', { username: 'u', authentication: KafkaAuthentication.TLS }) },
    });
    const m = synth(c);
    expect(m).toMatchSnapshot();
    const sts = find(m, 'StatefulSet', 'influxdb');
    const env = sts.spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'DOCKER_INFLUXDB_INIT_RETENTION').value).toBe('7d');
    expect(env.find((e: any) => e.name === 'DOCKER_INFLUXDB_INIT_ADMIN_TOKEN').valueFrom).toEqual({ secretKeyRef: { name: 'admin', key: 'token' } });
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('5Gi');
    const tg = find(m, 'Deployment', 'telegraf').spec.template.spec;
    expect(tg.volumes.map((v: any) => v.name)).toEqual(['config', 'kafka-user', 'kafka-ca']);
    expect(find(m, 'ConfigMap', 'telegraf-config').data['telegraf.conf']).toContain('tls_cert = "/etc/kafka-user/user.crt"');
  });

  test('fails on bad retention and replicas', () => {
    const influx = (retention: Duration) => () => new InfluxDb(chart(), 'x', { namespace: 'n', storageClassName: 'sc', volumeSize: Size.gibibytes(1), retention, adminSecretName: 'a' });
    expect(influx(Duration.days(0))).toThrow('InfluxDb "test/x": retention = "0 days": must be a whole number of days, at least 1; use Duration.days(1) (the bucket retention is written in days)');
    // Whole days in another unit are whole days: 48 hours is written as 2d.
    const twoDays = chart();
    new InfluxDb(twoDays, 'x', { namespace: 'n', storageClassName: 'sc', volumeSize: Size.gibibytes(1), retention: Duration.hours(48), adminSecretName: 'a' });
    const env = find(synth(twoDays), 'StatefulSet', 'influxdb').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'DOCKER_INFLUXDB_INIT_RETENTION').value).toBe('2d');
    expect(influx(Duration.hours(12))).toThrow(/InfluxDb "test\/x": retention = "12 hours": must be a whole number of days, at least 1; use Duration\.days\(1\)/);
    expect(() => new TelegrafIngest(chart(), 'x', { namespace: 'n', influxUrl: 'u', influxToken: { name: 'a', key: 'b' }, organization: 'o', bucket: 'b', replicas: 0 })).toThrow(/replicas = 0/);
  });
});
