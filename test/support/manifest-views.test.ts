import { flowTable, inventory, kafkaListenerTable, workloadsSelectedBy } from './manifest-views';

const policy = (name: string, spec: any, namespace = 'site') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

describe('flowTable', () => {
  test('one row per peer of each rule; ports with their protocol (TCP when unset), ranges and named ports', () => {
    const rows = flowTable([policy('store', {
      podSelector: { matchLabels: { app: 'minio' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [
          { podSelector: { matchLabels: { app: 'recorder' } } },
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vision' } }, podSelector: { matchLabels: { tier: 'b', app: 'detector' } } },
          { namespaceSelector: { matchLabels: { team: 'video' } } },
        ],
        ports: [{ port: 9000 }, { protocol: 'TCP', port: 9001 }, { protocol: 'UDP', port: 7000, endPort: 7010 }, { protocol: 'TCP', port: 'metrics' }],
      }],
    })]);
    expect(rows).toEqual([
      'ingress ns(team=video)/* → site/app=minio tcp/9000,tcp/9001,udp/7000-7010,tcp/metrics',
      'ingress site/app=recorder → site/app=minio tcp/9000,tcp/9001,udp/7000-7010,tcp/metrics',
      'ingress vision/app=detector,tier=b → site/app=minio tcp/9000,tcp/9001,udp/7000-7010,tcp/metrics',
    ]);
  });

  test('egress to address blocks, with except; every namespace; a rule without ports is any port', () => {
    const rows = flowTable([policy('wan', {
      podSelector: { matchLabels: { app: 'rclone' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
        { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] },
      ],
    })]);
    expect(rows).toEqual([
      'egress site/app=rclone → */k8s-app=kube-dns any port',
      'egress site/app=rclone → 0.0.0.0/0 except 10.0.0.0/8,192.168.0.0/16 tcp/443',
      'egress site/app=rclone → ::/0 tcp/443',
    ]);
  });

  test('a policy type without rules denies that direction; a rule without peers admits everything', () => {
    const rows = flowTable([
      policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy('open', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080 }] }] }),
      policy('empty-list', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Ingress'], ingress: [] }),
    ]);
    expect(rows).toEqual([
      'egress deny site/* →',
      'ingress * → site/tier In (api|web) tcp/8080',
      'ingress deny → site/*',
      'ingress deny → site/app=x',
    ]);
  });

  test('without policyTypes: Ingress always, Egress only when egress rules are given (the API default)', () => {
    expect(flowTable([policy('p', { podSelector: { matchLabels: { app: 'a' } } })])).toEqual(['ingress deny → site/app=a']);
    expect(flowTable([policy('p', { podSelector: { matchLabels: { app: 'a' } }, egress: [{ to: [{ podSelector: { matchLabels: { app: 'b' } } }] }] })]))
      .toEqual(['egress site/app=a → site/app=b any port', 'ingress deny → site/app=a']);
  });

  test('legend names replace exactly equal label sets; rows stated by several policies appear once with a count', () => {
    const flow = (name: string) => policy(name, {
      podSelector: { matchLabels: { app: 'minio', part: 'server' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'cache' } } }], ports: [{ port: 9000 }] }],
    });
    const legend = { store: { part: 'server', app: 'minio' }, minio: { app: 'minio' } };
    expect(flowTable([flow('a'), flow('b')], legend)).toEqual(['ingress site/app=cache → site/store tcp/9000 ×2']);
    // A superset or subset of a legend entry keeps its labels.
    expect(flowTable([flow('a')], { store: { app: 'minio' } })).toEqual(['ingress site/app=cache → site/app=minio,part=server tcp/9000']);
  });

  test('other kinds are ignored; rows are sorted whatever the order of policies and rules', () => {
    const a = policy('a', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'z' } } }], ports: [{ port: 1 }] }] });
    const b = policy('b', { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'y' } } }], ports: [{ port: 2 }] }] });
    const cm = { kind: 'ConfigMap', metadata: { name: 'c', namespace: 'site' } };
    expect(flowTable([b, cm, a])).toEqual(flowTable([a, b]));
    expect(flowTable([b, a])).toEqual(['egress site/app=a → site/app=z tcp/1', 'egress site/app=b → site/app=y tcp/2']);
  });
});

describe('inventory', () => {
  test('Kind namespace/name, cluster-scoped objects without a namespace, sorted', () => {
    expect(inventory([
      { kind: 'StatefulSet', metadata: { name: 'store', namespace: 'site' } },
      { kind: 'Namespace', metadata: { name: 'site' } },
      { kind: 'Schedule', metadata: { name: 'daily', namespace: 'velero' } },
      { kind: 'ConfigMap', metadata: { name: 'store-provision', namespace: 'site' } },
    ])).toEqual(['ConfigMap site/store-provision', 'Namespace site', 'Schedule velero/daily', 'StatefulSet site/store']);
  });
});

describe('workloadsSelectedBy', () => {
  test('the workloads of the namespace whose pod template has every label (CronJobs through their job template)', () => {
    const tpl = (labels: any) => ({ metadata: { labels }, spec: {} });
    const m = [
      { kind: 'StatefulSet', metadata: { name: 'store', namespace: 'site' }, spec: { template: tpl({ app: 'minio', part: 'server' }) } },
      { kind: 'Job', metadata: { name: 'provision', namespace: 'site' }, spec: { template: tpl({ app: 'minio', part: 'provisioner' }) } },
      { kind: 'CronJob', metadata: { name: 'archive', namespace: 'site' }, spec: { jobTemplate: { spec: { template: tpl({ app: 'rclone' }) } } } },
      { kind: 'StatefulSet', metadata: { name: 'store', namespace: 'other' }, spec: { template: tpl({ app: 'minio', part: 'server' }) } },
      { kind: 'Service', metadata: { name: 'store', namespace: 'site' }, spec: { selector: { app: 'minio' } } },
    ];
    expect(workloadsSelectedBy(m, 'site', { app: 'minio' })).toEqual(['Job provision', 'StatefulSet store']);
    expect(workloadsSelectedBy(m, 'site', { app: 'minio', part: 'server' })).toEqual(['StatefulSet store']);
    expect(workloadsSelectedBy(m, 'site', { app: 'rclone' })).toEqual(['CronJob archive']);
    expect(workloadsSelectedBy(m, 'site', { app: 'rclone', extra: 'x' })).toEqual([]);
  });
});

describe('kafkaListenerTable', () => {
  test('one row per networkPolicyPeer of each listener; a listener without peers admits everything', () => {
    const kafka = {
      kind: 'Kafka',
      metadata: { name: 'events', namespace: 'site' },
      spec: {
        kafka: {
          listeners: [
            { name: 'tls', port: 9093, networkPolicyPeers: [{ podSelector: { matchLabels: { app: 'writer' } } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } }, podSelector: { matchLabels: { app: 'reader' } } }] },
            { name: 'plain', port: 9092 },
          ],
        },
      },
    };
    expect(kafkaListenerTable([kafka, policy('p', { podSelector: {}, policyTypes: ['Ingress'] })], { writer: { app: 'writer' } })).toEqual([
      'kafka-listener * → site/events:plain tcp/9092',
      'kafka-listener ops/app=reader → site/events:tls tcp/9093',
      'kafka-listener site/writer → site/events:tls tcp/9093',
    ]);
  });
});
