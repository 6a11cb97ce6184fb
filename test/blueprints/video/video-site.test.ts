import { Duration, Size, Testing } from 'cdk8s';
import { VideoSurveillanceSite, VideoSurveillanceSiteProps, ViewerAuthentication } from '../../../src';
import { find, findAll, synth } from '../../support/harness';
import { flowTable, inventory, kafkaListenerTable, workloadsSelectedBy } from '../../support/manifest-views';
import { mirrorMaker, siteLegend, workload } from '../site-legend';
import { videoBase } from '../video-site-support';

const base = videoBase;

const legend = {
  ...siteLegend,
  'playback': workload('nginx-edge-cache', 'playback'),
  'archive': workload('rclone', 'archive'),
  'cloud-sync': mirrorMaker('cloud-sync'),
  // The site's own applications (not emitted by the library): VideoSurveillanceSite's defaults.
  'recorder': { 'app.kubernetes.io/component': 'recorder' },
  'viewer': { 'app.kubernetes.io/component': 'viewer' },
};

/**
 * The flow table of the defaults, from what the site declares (src/blueprints/video/video-site.ts, EdgeSite, the
 * blocks' own policies). Each in-namespace flow is an egress policy on the source and an ingress policy on the
 * destination; `×2` marks a row that a block's own policy states as well.
 */
function defaultFlows(wan: string): string[] {
  return [
    // SiteNamespace: default deny both ways, DNS to kube-system for every pod.
    'egress deny site-a/* →',
    'ingress deny → site-a/*',
    'egress site-a/* → kube-system/kube-dns udp/53,tcp/53',
    // store-peers: the MinIO servers talk to each other on the S3 port (also in the store's own policy).
    'egress site-a/store → site-a/store tcp/9000',
    'ingress site-a/store → site-a/store tcp/9000 ×2',
    // provisioner-store: the provisioning Job configures the store; nothing reaches the Job (its own policy).
    'egress site-a/store-provisioner → site-a/store tcp/9000 ×2',
    'ingress site-a/store-provisioner → site-a/store tcp/9000 ×2',
    'egress site-a/store-provisioner → kube-system/kube-dns udp/53,tcp/53',
    'ingress deny → site-a/store-provisioner',
    // recorders-store and archive-store: the write and read grants on the recordings bucket.
    'egress site-a/recorder → site-a/store tcp/9000',
    'ingress site-a/recorder → site-a/store tcp/9000 ×2',
    'egress site-a/archive → site-a/store tcp/9000',
    'ingress site-a/archive → site-a/store tcp/9000 ×2',
    // cache-store: the playback cache reads the store with the bucket's token (store client + the cache's policy).
    'egress site-a/playback → site-a/store tcp/9000 ×2',
    'ingress site-a/playback → site-a/store tcp/9000 ×2',
    'egress site-a/playback → kube-system/kube-dns udp/53,tcp/53',
    // viewer-cache: viewers play back through the cache (the flow and the cache's allowedClients).
    'egress site-a/viewer → site-a/playback tcp/8080',
    'ingress site-a/viewer → site-a/playback tcp/8080 ×2',
    // store-kafka: bucket notifications to the segment-events topic on the TLS listener.
    'egress site-a/store → site-a/kafka-brokers tcp/9093',
    'ingress site-a/store → site-a/kafka-brokers tcp/9093',
    // KafkaSiteWiring: KRaft controller, replication and client ports among the cluster's pods; MirrorMaker2 reads
    // the local brokers and writes to the cloud brokers' port; the entity operator reaches the API server.
    'egress site-a/kafka-pods → site-a/kafka-pods tcp/9090,tcp/9091,tcp/9093',
    'ingress site-a/kafka-pods → site-a/kafka-pods tcp/9090,tcp/9091,tcp/9093',
    'egress site-a/cloud-sync → site-a/kafka-brokers tcp/9093',
    'ingress site-a/cloud-sync → site-a/kafka-brokers tcp/9093',
    `egress site-a/cloud-sync → ${wan} tcp/9093`,
    'egress site-a/entity-operator → 0.0.0.0/0 tcp/443,tcp/6443',
    // archive-cloud: the archive job copies to the cloud bucket over HTTPS (or HTTP).
    `egress site-a/archive → ${wan} tcp/443,tcp/80`,
  ].sort();
}

/** What the defaults emit: the namespace and its policies, the store, Kafka, the cache, the archive job, Velero. */
const DEFAULT_INVENTORY = [
  // SiteNamespace
  'Namespace site-a', 'LimitRange site-a/container-defaults', 'ResourceQuota site-a/site-quota',
  'NetworkPolicy site-a/default-deny', 'NetworkPolicy site-a/allow-dns',
  // One egress and one ingress policy per in-namespace flow, one policy per WAN flow.
  ...['archive-store', 'cache-store', 'cloud-sync-kafka', 'kafka-internal', 'provisioner-store', 'recorders-store', 'store-kafka', 'store-peers', 'viewer-cache']
    .flatMap((f) => [`NetworkPolicy site-a/allow-${f}-egress`, `NetworkPolicy site-a/allow-${f}-ingress`]),
  ...['archive-cloud', 'cloud-sync-cloud', 'kafka-operators-api'].map((f) => `NetworkPolicy site-a/allow-${f}-wan`),
  // MinioCluster "store": servers, Services, PDB, its policy, and the provisioning ConfigMap, Job and policy.
  'StatefulSet site-a/store', 'Service site-a/store', 'Service site-a/store-hl', 'PodDisruptionBudget site-a/store', 'NetworkPolicy site-a/store',
  'ConfigMap site-a/store-provision', 'NetworkPolicy site-a/store-provision', 'Job site-a/store-provision-<hash>',
  // EdgeKafkaCluster "events", the segment-events topic, the notification user, MirrorMaker2 and its site user.
  'Kafka site-a/events', 'KafkaNodePool site-a/dual-role', 'KafkaTopic site-a/segment-events', 'KafkaUser site-a/store-notifications',
  'KafkaMirrorMaker2 site-a/cloud-sync', 'KafkaUser site-a/site-a-mirrormaker2',
  // The archive CronJob (its traffic is in the site's flows), the playback cache.
  'CronJob site-a/archive',
  'StatefulSet site-a/playback', 'Service site-a/playback', 'PodDisruptionBudget site-a/playback', 'NetworkPolicy site-a/playback', 'ConfigMap site-a/playback-config',
  // Velero: a location in the cloud archive bucket and two schedules, in Velero's namespace.
  'BackupStorageLocation velero/site-a-cloud', 'Schedule velero/site-a-daily', 'Schedule velero/site-a-weekly',
].sort();

/** The inventory with the provisioning Job's content hash replaced by `<hash>`. */
const inventoryOf = (m: any[]) => inventory(m).map((line) => line.replace(/^(Job site-a\/store-provision)-[0-9a-f]{8}$/, '$1-<hash>')).sort();

function site(props: Partial<VideoSurveillanceSiteProps> = {}) {
  const app = Testing.app();
  const s = new VideoSurveillanceSite(app, 'site-a', { ...base, ...props });
  return { app, s };
}

describe('VideoSurveillanceSite', () => {
  test('the store logs in to the segment-events topic as segmentEventsProducer (the User Operator\'s Secret, not listed to create)', () => {
    const { s } = site();
    const m = synth(s);
    const env = find(m, 'StatefulSet', s.store.name).spec.template.spec.containers[0].env;
    const user = env.find((e: any) => e.name.startsWith('MINIO_NOTIFY_KAFKA_SASL_USERNAME_'));
    const password = env.find((e: any) => e.name.startsWith('MINIO_NOTIFY_KAFKA_SASL_PASSWORD_'));
    expect(user.value).toBe(s.segmentEventsProducer.username);
    expect(password.valueFrom.secretKeyRef).toEqual(s.segmentEventsProducer.passwordEnv('x')!.valueFrom!.secretKeyRef);
    expect(find(m, 'KafkaUser', s.segmentEventsProducer.username).metadata.namespace).toBe(s.segmentEventsProducer.namespace);
    expect(s.requiredSecrets.map((r) => r.name)).not.toContain(s.segmentEventsProducer.secretName);
  });

  test('defaults: who may reach what (flow table) and what is emitted (inventory)', () => {
    const { s } = site();
    const m = synth(s);
    expect(flowTable(m, legend)).toEqual(defaultFlows('0.0.0.0/0'));
    // Strimzi's listener policy admits the sources of the flows to the brokers' client port: store-kafka, cloud-sync-kafka.
    expect(kafkaListenerTable(m, legend)).toEqual([
      'kafka-listener site-a/cloud-sync → site-a/events:tls tcp/9093',
      'kafka-listener site-a/store → site-a/events:tls tcp/9093',
    ]);
    expect(inventoryOf(m)).toEqual(DEFAULT_INVENTORY);
    // The names stand for the library's own pods: a selector that lost its pods (a renamed construct id) fails here.
    // recorder and viewer are the site's applications; the kafka and MirrorMaker2 pods are Strimzi's.
    const selected = (name: keyof typeof legend) => workloadsSelectedBy(m, 'site-a', legend[name]);
    expect(selected('store')).toEqual(['StatefulSet store']);
    expect(selected('store-provisioner')).toEqual([`Job ${s.store.provisioningJobName}`]);
    expect(selected('playback')).toEqual(['StatefulSet playback']);
    expect(selected('archive')).toEqual(['CronJob archive']);
    expect(find(m, 'StatefulSet', 'store').spec.replicas).toBe(4);
    expect(find(m, 'Namespace', 'site-a').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    // Namespaces are cluster-scoped: no metadata.namespace, even though the site chart has a namespace.
    expect(find(m, 'Namespace', 'site-a').metadata).not.toHaveProperty('namespace');
  });

  test('custom: 4 × 2 drives, explicit parity, cache and kafka overrides, restic of metadata volumes', () => {
    const { s } = site({
      drivesPerServer: 2,
      store: { parity: 4 },
      retention: Duration.days(14),
      segmentDuration: Duration.minutes(10),
      cache: { replicas: 3, cacheVolumeSize: Size.gibibytes(300), viewerCidrs: ['10.1.0.0/24'] },
      kafka: { storageSize: Size.gibibytes(50) },
      backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' }, resticClaims: ['nvr-index'], resticPassword: { name: 'restic', key: 'password' } },
      wanCidrs: ['198.51.100.0/24'],
    });
    const m = synth(s);
    // Flows: the WAN flows narrowed to wanCidrs (the entity operator's API-server flow stays open: the API server's
    // address is not a WAN range), LAN viewers admitted by the cache's own policy, and the restic job's WAN flow.
    expect(flowTable(m, legend)).toEqual([
      ...defaultFlows('198.51.100.0/24'),
      'ingress 10.1.0.0/24 → site-a/playback tcp/8080',
      'egress site-a/app.kubernetes.io/instance=restic-nvr-index,app.kubernetes.io/name=restic → 198.51.100.0/24 tcp/443,tcp/80',
    ].sort());
    // Objects: the restic CronJob and its WAN policy come in; everything else is the defaults' set.
    expect(inventoryOf(m)).toEqual([...DEFAULT_INVENTORY, 'CronJob site-a/restic-nvr-index', 'NetworkPolicy site-a/allow-restic-nvr-index-wan'].sort());
    expect(workloadsSelectedBy(m, 'site-a', { 'app.kubernetes.io/name': 'restic', 'app.kubernetes.io/instance': 'restic-nvr-index' })).toEqual(['CronJob restic-nvr-index']);
    expect(find(m, 'StatefulSet', 'playback').spec.replicas).toBe(3);
    expect(find(m, 'CronJob', 'restic-nvr-index')).toBeDefined();
    expect(find(m, 'NetworkPolicy', 'allow-archive-cloud-wan').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '198.51.100.0/24' } }]);
  });

  test('what the site chooses for its blocks (the whole-site snapshot used to be the only check of these)', () => {
    const { s } = site();
    const m = synth(s);
    const claims = (kind: string, name: string) => find(m, kind, name).spec.volumeClaimTemplates
      .map((t: any) => `${t.metadata.name} ${t.spec.resources.requests.storage} ${t.spec.storageClassName}`);
    // One drive per server of driveSize 8 TB (8e12 B ÷ 1024 = 7,812,500,000 KiB), plus the 1Gi queue MinIO keeps
    // bucket notifications in while Kafka is unreachable.
    expect(claims('StatefulSet', 'store')).toEqual(['data0 7812500000Ki lvm-xfs', 'events 1Gi lvm-xfs']);
    // The cache's defaults: 2 replicas of 200Gi on the site's class.
    expect(find(m, 'StatefulSet', 'playback').spec.replicas).toBe(2);
    expect(claims('StatefulSet', 'playback')).toEqual(['cache 200Gi lvm-xfs']);
    // One KRaft node of 20Gi; segment events kept for the 72 h outage budget + 24 h to drain.
    expect(find(m, 'KafkaNodePool', 'dual-role').spec).toMatchObject({ replicas: 1, storage: { volumes: [expect.objectContaining({ size: '20Gi', class: 'lvm-xfs' })] } });
    expect(find(m, 'KafkaTopic', 'segment-events').spec.config['retention.ms']).toBe((72 + 24) * 3600 * 1000);
    // The archive copies hourly at :15 and looks only at segments younger than the 7-day hot retention.
    const archive = find(m, 'CronJob', 'archive');
    expect(archive.spec.schedule).toBe('15 * * * *');
    expect(archive.spec.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({ name: 'SYNC_MAX_AGE', value: `${7 * 86400}s` });
    // The recordings expire at the hot retention.
    expect(JSON.parse(find(m, 'ConfigMap', 'store-provision').data['ilm-recordings.json']).Rules)
      .toEqual([{ ID: 'hot-retention', Status: 'Enabled', Expiration: { Days: 7 } }]);
  });

  test('the planner sizes the site and the estimate matches hand-computed figures', () => {
    const { s } = site();
    // 20 cameras × 4 Mbps ÷ 8 = 10 MB/s; × 86,400 s × 7 days = 6.048 TB logical; EC 2+2 doubles it.
    expect(s.estimate.logicalBytes).toBe(6.048e12);
    expect(s.estimate.rawBytes).toBe(12.096e12);
    expect(s.fit.fits).toBe(true);
    expect(s.report()).toContain('6.05 TB');
  });

  test('wiring: notifications go to the sync topic, the cache reads the store, Velero and the archive use the store', () => {
    const { s } = site();
    const m = synth(s);
    // MinIO notifies the segment-events topic that MirrorMaker2 mirrors to the cloud.
    const env = find(m, 'StatefulSet', 'store').spec.template.spec.containers[0].env;
    const topicEnv = env.find((e: any) => /^MINIO_NOTIFY_KAFKA_TOPIC/.test(e.name));
    expect(topicEnv.value).toBe('segment-events');
    expect(find(m, 'KafkaMirrorMaker2', 'cloud-sync').spec.mirrors[0].topicsPattern).toBe(s.sync.topicsPattern);
    expect(s.sync.topicNames).toEqual(['segment-events']);
    // The playback cache's upstream is the store's recordings bucket.
    const conf = find(m, 'ConfigMap', 'playback-config').data['nginx.conf'];
    expect(conf).toContain(`${s.store.serviceName}.site-a.svc.cluster.local:9000`);
    expect(conf).toContain('/recordings/');
    // Velero writes into the cloud archive store (not the store it protects); the archive copies from the store to the cloud.
    const bsl = find(m, 'BackupStorageLocation', 'site-a-cloud');
    expect(bsl.spec.config.s3Url).toBe('https://s3.example.com');
    expect(bsl.spec.objectStorage).toEqual({ bucket: 'video-archive', prefix: 'site-a-velero' });
    // Velero keeps the objects only: LVM LocalPV snapshots are thick and cannot be restored, and a file-system copy of
    // the drives would land in the store it protects. Recordings are protected by erasure coding, archive and restic.
    expect(findAll(m, 'Schedule')).toHaveLength(2);
    for (const sched of findAll(m, 'Schedule')) {
      expect(sched.spec.template.snapshotVolumes).toBe(false);
      expect(sched.spec.template.defaultVolumesToFsBackup).toBe(false);
    }
    const archive = find(m, 'CronJob', 'archive').spec.jobTemplate.spec.template.spec.containers[0];
    expect(archive.env.find((e: any) => e.name === 'RCLONE_CONFIG_SOURCE_ENDPOINT').value).toBe(s.store.s3Endpoint);
    expect(archive.env.find((e: any) => e.name === 'RCLONE_CONFIG_DESTINATION_ENDPOINT').value).toBe('https://s3.example.com');
    // The recordings expire at the hot retention.
    expect(s.recordings.bucketName).toBe('recordings');
    expect(find(m, 'ConfigMap', 'store-provision').data).toBeDefined();
  });

  test('network policies allow exactly the site\'s data flows', () => {
    const { s } = site();
    const m = synth(s);
    expect(s.siteNamespace.allowedFlows.map((f) => f.name).sort()).toEqual([
      'archive-cloud', 'archive-store', 'cache-store', 'cloud-sync-cloud', 'cloud-sync-kafka', 'kafka-internal', 'kafka-operators-api',
      'provisioner-store', 'recorders-store', 'store-kafka', 'store-peers', 'viewer-cache',
    ]);
    expect(find(m, 'NetworkPolicy', 'default-deny').spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const mm2Wan = find(m, 'NetworkPolicy', 'allow-cloud-sync-cloud-wan').spec;
    expect(mm2Wan.podSelector.matchLabels).toEqual({ 'strimzi.io/cluster': 'cloud-sync', 'strimzi.io/kind': 'KafkaMirrorMaker2' });
    expect(mm2Wan.egress[0].ports).toEqual([{ protocol: 'TCP', port: 9093 }]);
    const storeIngress = find(m, 'NetworkPolicy', 'allow-cache-store-ingress').spec;
    expect(storeIngress.podSelector.matchLabels).toEqual(s.store.podLabels);
    expect(storeIngress.ingress[0].from[0].podSelector.matchLabels).toEqual(s.cache.podLabels);
    // Every policy is in the site namespace.
    expect(findAll(m, 'NetworkPolicy').every((p) => p.metadata.namespace === 'site-a')).toBe(true);
  });

  test('the quota covers the operator-managed Kafka pods and all claims', () => {
    const { s } = site();
    const hard = find(synth(s), 'ResourceQuota', 'site-quota').spec.hard;
    const f = s.siteNamespace.footprint();
    // 4 MinIO servers + provisioning job + 2 cache replicas + 1 Kafka node + entity operator + MM2 + archive CronJob,
    // plus the site's applications by default: 1 recorder (20 cameras) + 2 viewers.
    expect(f.pods).toBe(4 + 1 + 2 + 1 + 1 + 1 + 1 + 3);
    expect(Number(hard.pods)).toBe(Math.ceil(f.pods * 1.2) + 1);
    expect(f.claims).toBeGreaterThanOrEqual(4 + 2 + 1);
  });

  test('the report has capacity, components, prerequisites and a mermaid flowchart', () => {
    const { s } = site();
    const r = s.report();
    expect(r).toMatch(/^# Video surveillance site "site-a"/);
    expect(r).toContain('| Cameras | 20 | input |');
    expect(r).toContain('Strimzi operator');
    expect(r).toContain('```mermaid\nflowchart LR');
    expect(r).toContain('MirrorMaker2 (site-a.segment-events)');
    expect(r).toContain('`quay.io/minio/minio:');
  });

  test('the report gives the least-privilege policy of the cloud keys Velero uses; site-local Velero needs none (its grant is provisioned)', () => {
    const { s } = site();
    const bsl = find(synth(s), 'BackupStorageLocation', 'site-a-cloud');
    const policy = JSON.parse(s.veleroLocation.keyPolicy);
    expect([...new Set(policy.Statement.flatMap((st: any) => st.Resource))]).toEqual([
      `arn:aws:s3:::${bsl.spec.objectStorage.bucket}`, `arn:aws:s3:::${bsl.spec.objectStorage.bucket}/${bsl.spec.objectStorage.prefix}/*`,
    ]);
    const report = s.report();
    // Recorded by the VeleroBackupLocation itself (the site lists no Secret by hand).
    expect(report).toMatch(/\| velero-site-a \| velero \| cloud \| Velero location site-a-cloud: AWS credentials file .*keys for bucket video-archive .*only the IAM policy under "Key policies"/);
    const section = report.slice(report.indexOf('## Key policies'));
    expect(section).toContain('velero-site-a (namespace velero)');
    const block = /```json\n([\s\S]*?)\n```/.exec(section.slice(section.indexOf('velero-site-a (namespace velero)')));
    expect(JSON.parse(block![1])).toEqual(policy);

    const local = site({ backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' }, siteLocal: true } }).s;
    expect(local.report()).not.toContain('velero-site-a (namespace velero)');
  });

  test('the report gives the policy of the cloud archive keys: only the archive prefix, the job\'s state folder and (with restic claims) the restic prefix', () => {
    const policyOf = (s: VideoSurveillanceSite) => {
      const section = s.report().slice(s.report().indexOf('## Key policies'));
      const entry = section.slice(section.indexOf('cloud-archive (namespace site-a):'));
      expect(entry.length).toBeLessThan(section.length);
      return JSON.parse(/```json\n([\s\S]*?)\n```/.exec(entry)![1]);
    };
    const objectResources = (p: any) => p.Statement.filter((st: any) => st.Action.includes('s3:PutObject')).flatMap((st: any) => st.Resource).sort();
    const listPrefixes = (p: any) => p.Statement.flatMap((st: any) => st.Condition?.StringLike?.['s3:prefix'] ?? []).sort();
    const { s } = site();
    const cronJob = find(synth(s), 'CronJob', s.archive.apiObject.name);
    const env = Object.fromEntries(cronJob.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    const stateFolder = env.SYNC_STATE.replace(/^destination:[^/]+\//, '').replace(/[^/]+$/, '');
    expect(env.SYNC_DESTINATION).toBe('destination:video-archive/site-a');
    const plain = policyOf(s);
    expect(objectResources(plain)).toEqual([`arn:aws:s3:::video-archive/${stateFolder}*`, 'arn:aws:s3:::video-archive/site-a/*'].sort());
    expect(listPrefixes(plain)).toEqual([`${stateFolder}*`, 'site-a/*'].sort());
    expect(JSON.stringify(plain)).not.toMatch(/CreateBucket|DeleteBucket|Policy"|"\*"|"s3:\*"|:::video-archive\/\*"/);

    const withRestic = site({ backup: { ...base.backup, resticClaims: ['nvr-db'], resticPassword: { name: 'restic', key: 'password' } } }).s;
    expect(objectResources(policyOf(withRestic))).toEqual([...objectResources(plain), 'arn:aws:s3:::video-archive/site-a-restic/*'].sort());
    // The readers record the keys (the replication job, restic); the site adds what the keys are for and their policy.
    expect(withRestic.report()).toMatch(/\| cloud-archive \| site-a \| .* \| S3 keys of object replication archive: writing .*; S3 keys of restic backup .*; archive job \(and restic\) writing to video-archive/);
  });

  test('fails if the hardware cannot hold the retention, naming needed vs available and the options', () => {
    expect(() => site({ cameras: 200, retention: Duration.days(30) }))
      .toThrow(/^VideoSurveillanceSite "site-a": cameras × bitrateMbps × retention = "200 × 4 Mbps × 30 days": 259.2 TB of data needs 609.88 TB of raw disk .* holds only 13.6 TB; add drives: .*; or use larger drives: .*; or shorten retention: retention at most 1 days \(now 30 days\); or lower the bitrate/);
  });
  test('fails if retention is not whole days or the segment length not whole minutes up to a day', () => {
    expect(() => site({ retention: Duration.hours(36) })).toThrow(
      'VideoSurveillanceSite "site-a": retention = "1 day 12 hours": must be a whole number of days, at least 1; use Duration.days(2) (recordings expire by whole days: MinIO lifecycle days)');
    expect(() => site({ retention: Duration.days(0) })).toThrow(/retention = "0 days": must be a whole number of days, at least 1; use Duration\.days\(1\)/);
    expect(() => site({ retention: 7 as any })).toThrow(/VideoSurveillanceSite "site-a": retention = 7: must be a Duration; use Duration\.days\(7\)/);
    expect(() => site({ segmentDuration: Duration.seconds(90) })).toThrow(
      /VideoSurveillanceSite "site-a": segmentDuration = "1 minute 30 seconds": must be a whole number of minutes, at least 1; use Duration\.minutes\(2\)/);
    expect(() => site({ segmentDuration: Duration.hours(25) })).toThrow(/VideoSurveillanceSite "site-a": segmentDuration = "1 day 1 hour": must be at most one day/);
    // Whole days and minutes built from another unit are accepted and counted in that unit.
    const s = site({ retention: Duration.hours(48), segmentDuration: Duration.seconds(600) }).s;
    expect(s.estimate.parameters).toMatchObject({ retentionDays: 2, segmentMinutes: 10 });
  });
  test('fails on bad names and counts', () => {
    expect(() => site({ siteName: 'Site_A' })).toThrow(/siteName = "Site_A": must be a DNS-1123 label/);
    expect(() => site({ cameras: 0 })).toThrow(/cameras = 0/);
    expect(() => site({ bitrateMbps: -1 })).toThrow(/bitrateMbps = -1/);
  });
  test('fails if restic claims are given without a password', () => {
    expect(() => site({ backup: { veleroCredential: { name: 'v', key: 'cloud' }, resticClaims: ['x'] } })).toThrow(/backup.resticPassword = "unset"/);
  });
});

describe('VideoSurveillanceSite private playback (issue 14, defect 9)', () => {
  test('the recordings bucket is private except for reads with the cache\'s token; viewers authenticate at the cache', () => {
    const { s } = site();
    const m = synth(s);
    expect(s.recordings.anonymousAccess).toBe('none');
    expect(s.recordings.readToken).toEqual({ name: 'playback-origin-token', key: 'token' });
    const provisioning: string = find(m, 'ConfigMap', 'store-provision').data['provision.sh'];
    expect(provisioning).toContain('token_read recordings');
    expect(provisioning).not.toMatch(/mc anonymous set download/);
    const job = find(m, 'Job', s.store.provisioningJobName!).spec.template.spec.containers[0];
    const tokenEnv = job.env.find((e: any) => e.valueFrom?.secretKeyRef?.name === 'playback-origin-token');
    expect(provisioning).toContain(`"$${tokenEnv.name}"`);
    // The cache: basic auth from the Secret, and the same token from the same Secret.
    expect(s.cache.viewerAuthentication).toBe('basic');
    const conf = find(m, 'ConfigMap', 'playback-config').data['nginx.conf'];
    expect(conf).toBe(s.cache._config.render());
    expect(conf).toContain('auth_basic_user_file /etc/nginx/viewers/htpasswd;');
    expect(conf).toContain('include /tmp/nginx-origin-token.conf;');
    const pod = find(m, 'StatefulSet', 'playback').spec.template.spec;
    expect(pod.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'playback-viewers' }) }));
    expect(pod.containers[0].env).toContainEqual({ name: 'EDGE_ORIGIN_TOKEN', valueFrom: { secretKeyRef: { name: 'playback-origin-token', key: 'token' } } });
    // Both Secrets are in the report's list, with how to make them.
    const report = s.report();
    expect(report).toMatch(/\| playback-viewers \| site-a \| htpasswd \| .*openssl passwd -6/);
    expect(report).toMatch(/\| playback-origin-token \| site-a \| token \| .*openssl rand -hex 32/);
  });

  test('viewerAuthentication NONE is an explicit, warned opt-out', () => {
    const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const prev = process.env.EDGE_STORAGE_SILENCE_WARNINGS;
    delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;
    try {
      const { s } = site({ cache: { viewerAuthentication: ViewerAuthentication.NONE } });
      const m = synth(s);
      expect(find(m, 'ConfigMap', 'playback-config').data['nginx.conf']).not.toContain('auth_basic');
      expect(s.report()).not.toContain('playback-viewers');
      expect(spy.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/viewerAuthentication.*serves every key without authentication/);
    } finally {
      if (prev !== undefined) process.env.EDGE_STORAGE_SILENCE_WARNINGS = prev;
      spy.mockRestore();
    }
  });
});
