import * as fs from 'fs';
import * as path from 'path';
import { Cron, Duration, Size, Testing } from 'cdk8s';
import {
  Bandwidth, DecimalSize, ExternalObjectStore, KafkaCloudToEdgeMirror, ModelDistributionSite,
  ModelDistributionSiteProps, ObjectLockMode, ObjectStoreFlavor, Warnings, S3Credentials,
} from '../../../src';
import { find, findAll, synth } from '../../support/harness';
import { flowTable, inventory, kafkaListenerTable, workloadsSelectedBy } from '../../support/manifest-views';
import { reportKeyPolicy } from '../../support/site-report';
import { build, cloudKafka, props, releases } from '../model-site-support';
import { mirrorMaker, siteLegend, workload } from '../site-legend';

const legend = {
  ...siteLegend,
  'model-cache': workload('nginx-edge-cache', 'model-cache'),
  'model-release': workload('model-release-sync', 'model-release'),
  'model-releases': mirrorMaker('model-releases'),
  // The site's inference pods (not emitted by the library): ModelDistributionSite.DEFAULT_CLIENT_LABELS.
  'inference': { 'app.kubernetes.io/component': 'inference' },
};

/**
 * The flow table of a site `ns` whose clients are in its own namespace, from what the site declares
 * (src/blueprints/models/model-site.ts, EdgeSite, the blocks' own policies). Each in-namespace flow is an egress
 * policy on the source and an ingress policy on the destination; `×2` marks a row a block's own policy states as well.
 */
function storeAndKafkaFlows(ns: string, wan: string): string[] {
  return [
    // SiteNamespace: default deny both ways, DNS to kube-system for every pod.
    `egress deny ${ns}/* →`,
    `ingress deny → ${ns}/*`,
    `egress ${ns}/* → kube-system/kube-dns udp/53,tcp/53`,
    // store-peers and provisioner-store (the store's own policy admits both; the Job's policy admits nothing).
    `egress ${ns}/store → ${ns}/store tcp/9000`,
    `ingress ${ns}/store → ${ns}/store tcp/9000 ×2`,
    `egress ${ns}/store-provisioner → ${ns}/store tcp/9000 ×2`,
    `ingress ${ns}/store-provisioner → ${ns}/store tcp/9000 ×2`,
    `egress ${ns}/store-provisioner → kube-system/kube-dns udp/53,tcp/53`,
    `ingress deny → ${ns}/store-provisioner`,
    // model-release-store: the release job's read-write grant on the model bucket; release-cloud: it pulls the
    // releases from the cloud bucket (https, port 443).
    `egress ${ns}/model-release → ${ns}/store tcp/9000`,
    `ingress ${ns}/model-release → ${ns}/store tcp/9000 ×2`,
    `egress ${ns}/model-release → ${wan} tcp/443`,
    // cache-store: the cache reads the model bucket (a store client; also in the cache's own policy).
    `egress ${ns}/model-cache → ${ns}/store tcp/9000 ×2`,
    `ingress ${ns}/model-cache → ${ns}/store tcp/9000 ×2`,
    `egress ${ns}/model-cache → kube-system/kube-dns udp/53,tcp/53`,
    // KafkaSiteWiring: the cluster's pods among themselves; MirrorMaker2 pulls from the cloud brokers and writes to
    // the local ones; the entity operator reaches the API server.
    `egress ${ns}/kafka-pods → ${ns}/kafka-pods tcp/9090,tcp/9091,tcp/9093`,
    `ingress ${ns}/kafka-pods → ${ns}/kafka-pods tcp/9090,tcp/9091,tcp/9093`,
    `egress ${ns}/model-releases → ${ns}/kafka-brokers tcp/9093`,
    `ingress ${ns}/model-releases → ${ns}/kafka-brokers tcp/9093`,
    `egress ${ns}/model-releases → ${wan} tcp/9093`,
    `egress ${ns}/entity-operator → 0.0.0.0/0 tcp/443,tcp/6443`,
  ];
}

/** Policies of the flows every model site has (one egress + one ingress per in-namespace flow, one per WAN flow). */
const flowPolicies = (ns: string) => [
  ...['cache-store', 'kafka-internal', 'model-release-store', 'model-releases-kafka', 'provisioner-store', 'store-peers']
    .flatMap((f) => [`NetworkPolicy ${ns}/allow-${f}-egress`, `NetworkPolicy ${ns}/allow-${f}-ingress`]),
  ...['kafka-operators-api', 'model-releases-cloud', 'release-cloud'].map((f) => `NetworkPolicy ${ns}/allow-${f}-wan`),
];

/** What every model site `ns` emits in its namespace (Velero and the client flows vary). */
const siteObjects = (ns: string) => [
  // SiteNamespace
  `Namespace ${ns}`, `LimitRange ${ns}/container-defaults`, `ResourceQuota ${ns}/site-quota`, `NetworkPolicy ${ns}/default-deny`, `NetworkPolicy ${ns}/allow-dns`,
  ...flowPolicies(ns),
  // MinioCluster "store" and its provisioning
  `StatefulSet ${ns}/store`, `Service ${ns}/store`, `Service ${ns}/store-hl`, `PodDisruptionBudget ${ns}/store`, `NetworkPolicy ${ns}/store`,
  `ConfigMap ${ns}/store-provision`, `NetworkPolicy ${ns}/store-provision`, `Job ${ns}/store-provision-<hash>`,
  // The release job (script in a ConfigMap; its traffic is in the site's flows) and the model cache.
  `CronJob ${ns}/model-release`, `ConfigMap ${ns}/model-release-script`,
  `StatefulSet ${ns}/model-cache`, `Service ${ns}/model-cache`, `PodDisruptionBudget ${ns}/model-cache`, `NetworkPolicy ${ns}/model-cache`, `ConfigMap ${ns}/model-cache-config`,
  // Kafka, MirrorMaker2 from the cloud with its site user (the mirrored topic is MirrorMaker2's, not a KafkaTopic).
  `Kafka ${ns}/events`, `KafkaNodePool ${ns}/dual-role`, `KafkaMirrorMaker2 ${ns}/model-releases`, `KafkaUser ${ns}/model-releases-mirrormaker2`,
];

/** The inventory with the provisioning Job's content hash replaced by `<hash>`. */
const inventoryOf = (m: any[]) => inventory(m).map((line) => line.replace(/^(Job [\w-]+\/store-provision)-[0-9a-f]{8}$/, '$1-<hash>')).sort();

function synthSite(overrides: Partial<ModelDistributionSiteProps> = {}) {
  const { site } = build(overrides);
  return { site, m: synth(site) };
}

const envOf = (container: any) => Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('ModelDistributionSite', () => {
  test('defaults: flow table, inventory, and the parts the issue asks for', () => {
    const { site, m } = synthSite();
    expect(flowTable(m, legend)).toEqual([
      ...storeAndKafkaFlows('site-a', '0.0.0.0/0'),
      // client-0-cache and client-0-kafka: the inference pods download through the cache (also the cache's
      // allowedClients) and consume release events from the brokers.
      'egress site-a/inference → site-a/model-cache tcp/8080',
      'ingress site-a/inference → site-a/model-cache tcp/8080 ×2',
      'egress site-a/inference → site-a/kafka-brokers tcp/9093',
      'ingress site-a/inference → site-a/kafka-brokers tcp/9093',
    ].sort());
    // Strimzi's listener policy admits the sources of the flows to the brokers' client port: client-0-kafka,
    // model-releases-kafka.
    expect(kafkaListenerTable(m, legend)).toEqual([
      'kafka-listener site-a/inference → site-a/events:tls tcp/9093',
      'kafka-listener site-a/model-releases → site-a/events:tls tcp/9093',
    ]);
    expect(inventoryOf(m)).toEqual([
      ...siteObjects('site-a'),
      ...['client-0-cache', 'client-0-kafka'].flatMap((f) => [`NetworkPolicy site-a/allow-${f}-egress`, `NetworkPolicy site-a/allow-${f}-ingress`]),
      'KafkaUser site-a/model-consumers',
      // Velero into the cloud backup bucket.
      'BackupStorageLocation velero/site-a-cloud', 'Schedule velero/site-a-daily', 'Schedule velero/site-a-weekly',
    ].sort());
    // The names stand for the library's own pods: a selector that lost its pods (a renamed construct id) fails here.
    // inference pods are the site's applications; the kafka and MirrorMaker2 pods are Strimzi's.
    const selected = (name: keyof typeof legend) => workloadsSelectedBy(m, 'site-a', legend[name]);
    expect(selected('store')).toEqual(['StatefulSet store']);
    expect(selected('store-provisioner')).toEqual([`Job ${site.store.provisioningJobName}`]);
    expect(selected('model-cache')).toEqual(['StatefulSet model-cache']);
    expect(selected('model-release')).toEqual(['CronJob model-release']);
    expect(find(m, 'Namespace', 'site-a').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const sts = find(m, 'StatefulSet', 'store');
    expect(sts.spec.replicas).toBe(4);
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.spec.storageClassName)).toEqual(['lvm-xfs']);
    expect(find(m, 'CronJob', 'model-release').spec.schedule).toBe('*/5 * * * *');
    expect(find(m, 'StatefulSet', 'model-cache').spec.replicas).toBe(2);
    // Volumes the site sizes (the whole-site snapshot used to be the only check): a 1 TB drive per server
    // (1e12 B ÷ 1024 KiB); the cache holds one release of every model at 90 % fill, at least 10Gi
    // (2 × 3 GB ÷ 0.9 = 6.2 GiB → 10Gi); one 10Gi KRaft node.
    const claims = (name: string) => find(m, 'StatefulSet', name).spec.volumeClaimTemplates.map((t: any) => `${t.metadata.name} ${t.spec.resources.requests.storage}`);
    expect(claims('store')).toEqual(['data0 976562500Ki']);
    expect(claims('model-cache')).toEqual(['cache 10Gi']);
    expect(find(m, 'KafkaNodePool', 'dual-role').spec).toMatchObject({ replicas: 1, storage: { volumes: [expect.objectContaining({ size: '10Gi', class: 'lvm-xfs' })] } });
    expect(find(m, 'Kafka', 'events').metadata.namespace).toBe('site-a');
    expect(find(m, 'KafkaMirrorMaker2', 'model-releases').metadata.annotations['sync.cdk8s-edge-storage.io/direction']).toBe('cloud-to-edge');
    expect(findAll(m, 'Schedule').map((s) => s.metadata.name).sort()).toEqual(['site-a-daily', 'site-a-weekly']);
    expect(site.modelNames).toEqual(['detector', 'ocr']);
    expect(site.modelCount).toBe(2);
    expect(site.noncurrentVersionsKept).toBe(2);
    // Capacity: 2 models × (3 + 1) versions × 3 GB = 24 GB logical on EC 2+2.
    expect(site.estimate.logicalBytes).toBe(24e9);
    expect(site.estimate.rawBytes).toBe(48e9);
    expect(site.fit.fits).toBe(true);
  });

  test('custom: model count, object lock, pins, schedule, clients elsewhere, cache and kafka overrides', () => {
    const { site, m } = synthSite({
      siteName: 'kiosk-7',
      discoverUpTo: 6,
      versionsRetained: 2,
      averageModelSize: DecimalSize.megabytes(800),
      servers: 6,
      drivesPerServer: 2,
      driveSize: DecimalSize.gigabytes(200),
      fillTarget: 0.8,
      wanCidrs: ['198.51.100.0/24'],
      clients: [{ namespace: 'vision', podLabels: { app: 'detector' } }],
      cloud: { releaseStore: releases, releaseBucket: 'fleet-models', releasePrefix: 'kiosk/', kafka: cloudKafka, releaseTopic: 'kiosk-releases' },
      backup: { veleroCredential: { name: 'velero-kiosk', key: 'cloud' }, veleroNamespace: 'backup', siteLocal: true, publicUrl: 'https://minio.kiosk.example.com' },
      store: { parity: 3, rootCredentials: S3Credentials.fromSecretName('kiosk-root') },
      bucket: { name: 'model-store', objectLock: { mode: ObjectLockMode.GOVERNANCE, period: Duration.days(3) }, noncurrentVersionExpiration: Duration.days(2) },
      release: { schedule: Cron.schedule({ minute: '*/15' }), pinned: { 'face-blur': 'v12' }, bandwidthLimit: Bandwidth.mebibytesPerSecond(10) },
      cache: { cacheVolumeSize: Size.gibibytes(50), replicas: 1, sliceSize: Size.mebibytes(4), validity: Duration.seconds(30), clientCidrs: ['10.30.0.0/24'] },
      kafka: { storageSize: Size.gibibytes(5), identityReplication: true, consumerGroup: 'vision-reloader' },
    });
    expect(flowTable(m, legend)).toEqual([
      // The WAN flows narrowed to wanCidrs (not the entity operator's API-server flow).
      ...storeAndKafkaFlows('kiosk-7', '198.51.100.0/24'),
      // Clients in namespace vision: only the ingress side is the site's to allow (the flows and the cache's
      // allowedClients, which also admit the LAN clientCidrs).
      'ingress vision/app=detector → kiosk-7/model-cache tcp/8080 ×2',
      'ingress 10.30.0.0/24 → kiosk-7/model-cache tcp/8080',
      'ingress vision/app=detector → kiosk-7/kafka-brokers tcp/9093',
      // siteLocal Velero: its read-write grant on the velero bucket admits every pod of Velero's namespace (no
      // veleroPodLabels given).
      'ingress backup/* → kiosk-7/store tcp/9000 ×2',
    ].sort());
    expect(kafkaListenerTable(m, legend)).toEqual([
      'kafka-listener kiosk-7/model-releases → kiosk-7/events:tls tcp/9093',
      'kafka-listener vision/app=detector → kiosk-7/events:tls tcp/9093',
    ]);
    expect(inventoryOf(m)).toEqual([
      ...siteObjects('kiosk-7'),
      'NetworkPolicy kiosk-7/allow-client-0-cache-ingress', 'NetworkPolicy kiosk-7/allow-client-0-kafka-ingress', 'NetworkPolicy kiosk-7/allow-velero-store-ingress',
      'KafkaUser kiosk-7/vision-reloader',
      // Velero into the site store (siteLocal), in its own namespace.
      'BackupStorageLocation backup/kiosk-7-store', 'Schedule backup/kiosk-7-daily', 'Schedule backup/kiosk-7-weekly',
    ].sort());
    expect(site.modelNames).toEqual([]);
    expect(site.modelCount).toBe(6);
    expect(find(m, 'StatefulSet', 'store').spec.replicas).toBe(6);
    const script = find(m, 'ConfigMap', 'model-release-script').data['release.sh'];
    expect(script).toContain("SRC='cloud:fleet-models/kiosk'");
    expect(script).toContain("DST='edge:model-store'");
    expect(script).toContain("MODELS=''");
    expect(script).toContain('LIMIT=6');
    expect(script).toContain('KEEP=2');
    expect(script).toContain("'face-blur') echo 'v12' ;;");
    expect(script).toContain("'--bwlimit' '10240K'");
    expect(find(m, 'CronJob', 'model-release').spec.schedule).toBe('*/15 * * * *');
    // Object lock is chosen at creation, with the default retention.
    const commands = site.store.provisioningCommands.join('\n');
    expect(commands).toContain('ensure_bucket model-store 1');
    expect(commands).toContain('mc retention set --default GOVERNANCE 3d');
    expect(site.releaseEvents.topicName).toBe('kiosk-releases');
    const user = find(m, 'KafkaUser', 'vision-reloader');
    expect(user.spec.authorization.acls.map((a: any) => `${a.resource.type}:${a.resource.name}`).sort()).toEqual(['group:vision-reloader-', 'topic:kiosk-releases']);
    // No bypass locations without model names: the pointers rely on the 30 s validity.
    expect(site.cache.configText).not.toContain('/current {');
    expect(site.cache.configText).toContain('proxy_cache_valid 200 206 30s;');
  });

  describe('wiring', () => {
    test('the cache\'s origin is the model bucket of the site store; pointers of named models bypass the cache', () => {
      const { site, m } = synthSite();
      expect(site.cache.origin.objectStore).toBe(site.store);
      expect(site.cache.origin.bucket).toBe('models');
      expect(site.cache.origin.bucketUrl).toBe('http://store.site-a.svc.cluster.local:9000/models');
      const conf = find(m, 'ConfigMap', 'model-cache-config').data['nginx.conf'];
      expect(conf).toContain('set $edge_origin store.site-a.svc.cluster.local:9000;');
      expect(conf).toContain('rewrite ^/(.*)$ /models/$1 break;');
      expect(conf).toContain('proxy_pass http://$edge_origin;');
      for (const model of ['detector', 'ocr']) {
        for (const pointer of ['current', 'history']) {
          expect(conf).toContain(`location /${model}/${pointer} {`);
        }
      }
      expect(conf).toContain('slice 8m;');
      expect(conf).toContain('proxy_cache_valid 200 206 1m;');
      expect(conf).toContain('proxy_cache_revalidate on;');
      // The bucket lets the cache read without signing; nothing but the cache, the job and Velero reach the store.
      expect(site.store.provisioningCommands.join('\n')).toContain('mc anonymous set download "$ALIAS/models"');
    });

    test('the model bucket is versioned and ILM keeps versionsRetained − 1 noncurrent versions, expiring the rest after a day', () => {
      for (const versionsRetained of [1, 3, 5]) {
        const { site, m } = synthSite({ versionsRetained });
        const commands = site.store.provisioningCommands.join('\n');
        expect(commands).toContain('ensure_bucket models 0');
        expect(commands).toContain('mc version enable "$ALIAS/models"');
        const ilm = JSON.parse(find(m, 'ConfigMap', 'store-provision').data['ilm-models.json']);
        const rule = (id: string) => ilm.Rules.find((r: any) => r.ID === id);
        expect(rule('noncurrent-expiry').NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 1 });
        expect(rule('delete-markers').Expiration).toEqual({ ExpiredObjectDeleteMarker: true });
        if (versionsRetained === 1) {
          expect(rule('noncurrent-versions')).toBeUndefined();
        } else {
          expect(rule('noncurrent-versions').NoncurrentVersionExpiration).toEqual({ NewerNoncurrentVersions: versionsRetained - 1 });
        }
        expect(site.noncurrentVersionsKept).toBe(versionsRetained - 1);
        expect(find(m, 'ConfigMap', 'model-release-script').data['release.sh']).toContain(`KEEP=${versionsRetained}`);
      }
    });

    test('the release job reads the cloud bucket and writes the site store', () => {
      const { site, m } = synthSite({ cloud: { releaseStore: releases, releaseBucket: 'fleet-models', releasePrefix: 'retail/eu', kafka: cloudKafka } });
      const cron = find(m, 'CronJob', 'model-release');
      const env = envOf(cron.spec.jobTemplate.spec.template.spec.containers[0]);
      expect(env.RCLONE_CONFIG_CLOUD_ENDPOINT).toBe('https://s3.eu-central-1.amazonaws.com');
      expect(env.RCLONE_CONFIG_CLOUD_PROVIDER).toBe('AWS');
      expect(env.RCLONE_CONFIG_CLOUD_ACCESS_KEY_ID).toEqual({ secretKeyRef: { name: 'cloud-model-releases-ro', key: 'AWS_ACCESS_KEY_ID' } });
      expect(env.RCLONE_CONFIG_EDGE_ENDPOINT).toBe(site.store.s3Endpoint);
      expect(env.RCLONE_CONFIG_EDGE_PROVIDER).toBe('Minio');
      // The job signs with its own grant's keys (a user the provisioning Job creates), not a shared client.
      expect(env.RCLONE_CONFIG_EDGE_ACCESS_KEY_ID).toEqual({ secretKeyRef: { name: site.releaseGrant.credentials.secretName, key: 'AWS_ACCESS_KEY_ID' } });
      const script = find(m, 'ConfigMap', 'model-release-script').data['release.sh'];
      expect(script).toContain("SRC='cloud:fleet-models/retail/eu'");
      expect(script).toContain("DST='edge:models'");
      expect(script).toContain("MODELS='detector ocr'");
      expect(script).toBe(site.releaseSync.script);
    });

    test('release events: MirrorMaker2 pulls the cloud topic into the site Kafka, consumers get a read-only user', () => {
      const { site, m } = synthSite();
      const mm2 = find(m, 'KafkaMirrorMaker2', 'model-releases');
      expect(mm2.spec.target.bootstrapServers).toBe(site.kafka.bootstrapServers);
      expect(mm2.spec.mirrors[0].source.bootstrapServers).toBe('kafka.cloud.example.com:9093');
      expect(mm2.spec.mirrors[0].topicsPattern).toBe(site.releaseMirror.topicsPattern);
      expect(site.releaseMirror.topicNames).toEqual(['model-releases']);
      expect(site.releaseEvents.topicName).toBe('cloud.model-releases');
      expect(site.releaseEventConsumer.username).toBe('model-consumers');
      const acls = find(m, 'KafkaUser', 'model-consumers').spec.authorization.acls;
      expect(acls.map((a: any) => `${a.resource.type}:${a.resource.name}:${[...a.operations].sort().join('+')}`).sort())
        .toEqual(['group:model-consumers-:Read', 'topic:cloud.model-releases:Describe+Read']);
      // The cloud user needs read-only rules only.
      expect(KafkaCloudToEdgeMirror.aclRulesForSource({ topicNames: site.releaseMirror.topicNames }).every((r) => !r.operations.some((o) => /WRITE|CREATE|ALTER/i.test(String(o))))).toBe(true);
    });

    test('Velero: a location in the cloud backup bucket and daily + weekly schedules of the namespace', () => {
      const { m } = synthSite();
      const bsl = find(m, 'BackupStorageLocation', 'site-a-cloud');
      expect(bsl.metadata.namespace).toBe('velero');
      expect(bsl.spec.objectStorage).toEqual({ bucket: 'fleet-backups', prefix: 'site-a/velero' });
      expect(bsl.spec.config.s3Url).toBe(releases.s3Endpoint);
      for (const s of findAll(m, 'Schedule')) {
        expect(s.spec.template.includedNamespaces).toEqual(['site-a']);
        expect(s.spec.template.storageLocation).toBe('site-a-cloud');
        // LVM LocalPV volumes: no CSI snapshots (thick, unrestorable) and no file-system copy into the store itself.
        expect(s.spec.template.snapshotVolumes).toBe(false);
        expect(s.spec.template.defaultVolumesToFsBackup).toBe(false);
      }
    });

    test('NetworkPolicies allow exactly the designed flows', () => {
      const { site, m } = synthSite({ wanCidrs: ['198.51.100.0/24'] });
      const flows = site.siteNamespace.allowedFlows;
      expect(flows.map((f) => f.name).sort()).toEqual([
        'cache-store',
        'client-0-cache',
        'client-0-kafka',
        'kafka-internal',
        'kafka-operators-api',
        'model-release-store',
        'model-releases-cloud',
        'model-releases-kafka',
        'provisioner-store',
        'release-cloud',
        'store-peers',
      ]);
      const flow = (name: string) => flows.find((f) => f.name === name)!;
      const store = site.store.serverNetworkPeer;
      expect(flow('cache-store').from.podLabels).toEqual(site.cache.podLabels);
      expect(flow('cache-store').to).toEqual(store);
      expect(flow('model-release-store').from.podLabels).toEqual(site.releaseSync.podLabels);
      expect(flow('model-release-store').to).toEqual(store);
      expect(flow('release-cloud')).toMatchObject({ cidrs: ['198.51.100.0/24'], ports: [443] });
      expect(flow('release-cloud').from.podLabels).toEqual(site.releaseSync.podLabels);
      expect(flow('client-0-cache')).toMatchObject({ from: { namespace: 'site-a', podLabels: { 'app.kubernetes.io/component': 'inference' } }, to: site.cache.networkPeer });
      expect(flow('client-0-kafka').to).toMatchObject({ podLabels: site.kafka.networkPeer.podLabels, ports: [9093] });
      expect(flow('store-peers')).toMatchObject({ from: { podLabels: site.store.podLabels }, to: store });
      expect(flow('model-releases-cloud')).toMatchObject({ cidrs: ['198.51.100.0/24'], ports: [9093] });
      // No other pods may reach the store: its own policy admits exactly the servers, the provisioner, the cache and
      // the release job's grant (Velero backs up to the cloud).
      const storePolicy = find(m, 'NetworkPolicy', 'store');
      expect(storePolicy.spec.ingress.map((r: any) => r.from[0].podSelector.matchLabels['app.kubernetes.io/name'])).toEqual(
        ['minio', 'minio', 'nginx-edge-cache', 'model-release-sync'],
      );
      // Nothing else goes to the WAN.
      const wan = findAll(m, 'NetworkPolicy').filter((p) => (p.spec.egress ?? []).some((r: any) => r.to?.some((t: any) => t.ipBlock)));
      expect(wan.map((p) => p.metadata.name).sort()).toEqual(['allow-kafka-operators-api-wan', 'allow-model-releases-cloud-wan', 'allow-release-cloud-wan']);
    });

    test('clients in another namespace, a cloud store on a custom port, and LAN clients of the cache', () => {
      const cloud = new ExternalObjectStore({ s3Endpoint: 'https://objects.fleet.example.com:8443', flavor: ObjectStoreFlavor.GENERIC_S3, credentials: S3Credentials.fromSecretName('ro') });
      const { site, m } = synthSite({
        clients: [{ namespace: 'vision', podLabels: { app: 'detector' } }, { namespace: 'site-a', podLabels: { app: 'ocr' } }],
        cloud: { releaseStore: cloud, releaseBucket: 'fleet-models', kafka: cloudKafka },
        cache: { clientCidrs: ['10.30.0.0/24'] },
      });
      const flows = site.siteNamespace.allowedFlows;
      expect(flows.find((f) => f.name === 'release-cloud')!.ports).toEqual([8443]);
      // A client outside the site namespace: only the ingress side is ours to allow.
      expect(() => find(m, 'NetworkPolicy', 'allow-client-0-cache-egress')).toThrow(/found 0/);
      expect(find(m, 'NetworkPolicy', 'allow-client-0-cache-ingress').spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'vision' });
      expect(find(m, 'NetworkPolicy', 'allow-client-1-cache-egress').spec.podSelector.matchLabels).toEqual({ app: 'ocr' });
      const cachePolicy = find(m, 'NetworkPolicy', 'model-cache');
      expect(JSON.stringify(cachePolicy.spec.ingress)).toContain('10.30.0.0/24');
    });
  });

  describe('fails', () => {
    test('if the drives cannot hold models × (versionsRetained + 1) × averageModelSize, naming needed vs available and the options', () => {
      // 20 models × (5 + 1) × 10 GB = 1.2 TB; 4 × 500 GB at EC 2+2 and 0.85 holds 2 TB ÷ 2 × 0.85 = 850 GB.
      // Needed raw: 1.2 TB × 2 ÷ 0.85 = 2.82 TB, i.e. ⌈2.82 ÷ (4 × 0.5)⌉ = 2 drives per server or ⌈2.82 ÷ 0.5⌉ = 6 servers.
      // 850 GB ÷ (20 × 10 GB) = 4.25 versions on disk → versionsRetained 3; 850 GB ÷ (6 × 10 GB) = 14 models.
      const tooSmall = { discoverUpTo: 20, versionsRetained: 5, averageModelSize: DecimalSize.gigabytes(10), driveSize: DecimalSize.gigabytes(500) };
      const attempt = () => build(tooSmall);
      expect(attempt).toThrow(/ModelDistributionSite "site": models × \(versionsRetained \+ 1\) × averageModelSize = "20 × \(5 \+ 1\) × 10 GB": 1\.2 TB of data needs .* but 4 servers × 1 drive × 500 GB = 2 TB raw holds only 850 GB/);
      expect(attempt).toThrow(/add drives: 2 drives per server \(8 × 500 GB = 4 TB raw\)/);
      expect(attempt).toThrow(/use larger drives: at least 705.89 GB each/);
      expect(attempt).toThrow(/add servers: 6 servers/);
      expect(attempt).toThrow(/keep fewer versions: versionsRetained at most 3 \(now 5\); or serve fewer models: at most 14 \(now 20\)$/);
    });

    test('if models are neither named nor discovered, or both', () => {
      expect(() => build({ models: undefined })).toThrow(/^ModelDistributionSite "site": models = \[\]: the site needs the models it serves: their names, or discoverUpTo; give e\.g\. models: \["detector", "ocr"\] or discoverUpTo: 20$/);
      expect(() => build({ models: ['detector'], discoverUpTo: 4 })).toThrow(/^ModelDistributionSite "site": discoverUpTo = 4: the site either serves the named models or discovers them, not both; remove discoverUpTo/);
      expect(build({ discoverUpTo: 4 }).site.modelCount).toBe(4);
      expect(build({ models: ['detector'] }).site.modelCount).toBe(1);
    });

    test('if models are zero, negative, fractional, empty, badly named or duplicated', () => {
      expect(() => build({ discoverUpTo: 0 })).toThrow(/ModelDistributionSite "site": discoverUpTo = 0: must be a positive whole number of models \(the number the site is sized for\); give e.g. 20/);
      expect(() => build({ discoverUpTo: -3 })).toThrow(/discoverUpTo = -3: must be a positive whole number/);
      expect(() => build({ discoverUpTo: 2.5 })).toThrow(/discoverUpTo = 2.5: must be a positive whole number/);
      expect(() => build({ models: [] })).toThrow(/models = \[\]: must name at least one model/);
      expect(() => build({ models: ['detector', 'Face_Blur'] })).toThrow(/models = "Face_Blur": model names must be DNS-1123 labels .*; use a name like "face-blur"/);
      expect(() => build({ models: ['detector', 'detector'] })).toThrow(/models = "detector": is listed twice; list each model once/);
    });

    test('if versionsRetained is below 1, fractional or above 100', () => {
      expect(() => build({ versionsRetained: 0 })).toThrow(/ModelDistributionSite "site": versionsRetained = 0: must be a whole number from 1 to 100 \(the current version counts\); use 2 or more/);
      expect(() => build({ versionsRetained: 2.5 })).toThrow(/versionsRetained = 2.5: must be a whole number/);
      expect(() => build({ versionsRetained: 101 })).toThrow(/versionsRetained = 101/);
    });

    test('if the site name, model size, release bucket, prefix, pins or clients are wrong', () => {
      expect(() => build({ siteName: 'Site_A' })).toThrow(/siteName = "Site_A": must be a DNS-1123 label/);
      expect(() => build({ averageModelSize: Size.kibibytes(0) })).toThrow(/averageModelSize = "0 bytes": must be larger than zero/);
      expect(() => build({ cloud: { releaseStore: releases, releaseBucket: 'Fleet_Models', kafka: cloudKafka } })).toThrow(/cloud.releaseBucket = "Fleet_Models": not a valid S3 bucket name: may only contain lowercase letters.*; use a name like "fleet-models"/);
      expect(() => build({ cloud: { releaseStore: releases, releaseBucket: 'fleet/models', kafka: cloudKafka } })).toThrow(/cloud.releaseBucket = "fleet\/models": not a valid S3 bucket name: .*; give the bucket name only; put folders in releasePrefix/);
      const badPrefix = { releaseStore: releases, releaseBucket: 'fleet', releasePrefix: '../x y', kafka: cloudKafka };
      expect(() => build({ cloud: badPrefix })).toThrow(/cloud.releasePrefix = "..\/x y"/);
      expect(() => build({ release: { pinned: { unknown: 'v1' } } })).toThrow(/ModelReleaseSync "site\/Release": pinned.unknown = "v1": must pin a managed model/);
      expect(() => build({ release: { pinned: { detector: 'current' } } })).toThrow(/pinned.detector = "current"/);
      // The blueprint names its own prop, not the inner job's.
      expect(() => build({ release: { bandwidthLimit: Bandwidth.kibibytesPerSecond(0.5) } })).toThrow(/ModelDistributionSite "site": release.bandwidthLimit = "0.5 KiB\/s": must be at least 1 KiB\/s/);
      expect(() => build({ clients: [] })).toThrow(/clients = \[\]: nobody could download models/);
      expect(() => build({ clients: [{ namespace: 'Bad NS', podLabels: {} }] })).toThrow(/clients\[0\].namespace = "Bad NS"/);
    });

    test('if an inner block rejects an override (the inner construct names itself)', () => {
      expect(() => build({ store: { parity: 3 } })).toThrow(/MinioCluster "site\/Store": .*parity/);
      expect(() => build({ cache: { sliceSize: Size.kibibytes(0) } })).toThrow(/sliceSize/);
      expect(() => build({ kafka: { replicas: 0 } })).toThrow(/replicas = 0/);
    });
  });

  test('versionsRetained = 1 is legal but warned: there is no rollback target at the edge', () => {
    const { site } = build({ versionsRetained: 1 });
    expect(Warnings.collect(site).join('\n')).toMatch(/versionsRetained = 1: keeps no previous version at the edge/);
  });

  test('report(): capacity with inputs and formula, components and images, prerequisites, Mermaid data paths', () => {
    const { site } = synthSite();
    const report = site.report();
    expect(report).toMatch(/^# Model distribution site "site-a"/);
    expect(report).toContain('| Models | 2 | input |');
    expect(report).toContain('| Versions on disk per model (peak) | 4 | versionsRetained 3 + 1 being pulled or expiring |');
    expect(report).toContain('| Logical data | 24 GB | 2 models × 4 versions on disk × 3 GB × (1 − 0) |');
    expect(report).toContain('Formula: logical = models × (versionsRetained + 1) × averageModelSize');
    expect(report).toContain(site.fit.summary);
    expect(report).toContain('ILM deletes noncurrent versions after 1 day and keeps at most 2 noncurrent versions per key (versionsRetained − 1)');
    expect(report).toContain('Release latency: the job runs on `*/5 * * * *`');
    expect(report).toMatch(/\| CronJob \| model-release \| site-a \| `docker\.io\/rclone\/rclone:[^`]+` \|/);
    expect(report).toMatch(/\| StatefulSet \| model-cache \| site-a \| `docker\.io\/nginxinc\/nginx-unprivileged:[^`]+` \|/);
    expect(report).toMatch(/\| StatefulSet \| store \| site-a \| `quay\.io\/minio\/minio:[^`]+` \|/);
    expect(report).toContain('| KafkaMirrorMaker2 | model-releases | site-a |');
    expect(report).toContain('| Strimzi operator | 1.x (kafka.strimzi.io/v1, KRaft) |');
    expect(report).toContain('| StorageClass "lvm-xfs" |');
    expect(report).toContain('```mermaid\nflowchart LR');
    expect(report).toMatch(/"Cloud release bucket"\] -->\|"pull announced versions \(every 5 min\)"\| n\d+\["Release job \(rclone\)"\]/);
    expect(report).toMatch(/"nginx model cache"\] -->\|"model downloads[^"]*"\| n\d+\["Inference clients"\]/);
    expect(report).toMatch(/"Cloud Kafka model-releases"\] -->\|"MirrorMaker2 pull \(cloud → edge\)"\| n\d+\["Kafka cloud.model-releases"\]/);
    expect(report).not.toMatch(/<model>\/current shows/);
    expect(report).toMatch(/\nProved by: test\/blueprints\/model-site-e2e\.real\.test\.ts runs /);
    expect(fs.existsSync(path.resolve(__dirname, '..', 'model-site-e2e.real.test.ts'))).toBe(true);
  });

  test('the report gives the release keys\' policy: list and read the managed models\' folders of the release bucket, nothing else', () => {
    const objects = (policy: any) => policy.Statement.filter((st: any) => st.Action.includes('s3:GetObject')).flatMap((st: any) => st.Resource).sort();
    const lists = (policy: any) => policy.Statement.flatMap((st: any) => st.Condition?.StringLike?.['s3:prefix'] ?? []).sort();
    const named = JSON.parse(reportKeyPolicy(build().site.report(), 'cloud-model-releases-ro', 'site-a'));
    expect(objects(named)).toEqual(['arn:aws:s3:::fleet-models/detector/*', 'arn:aws:s3:::fleet-models/ocr/*']);
    expect(lists(named)).toEqual(['detector/*', 'ocr/*']);
    expect(JSON.stringify(named)).not.toMatch(/Put|Delete|"\*"/);
    // Under a release prefix, or discovering models (no names): the prefix, or the whole bucket, read-only.
    const prefixed = JSON.parse(reportKeyPolicy(build({ cloud: { ...props().cloud, releasePrefix: 'releases/' } }).site.report(), 'cloud-model-releases-ro', 'site-a'));
    expect(objects(prefixed)).toEqual(['arn:aws:s3:::fleet-models/releases/detector/*', 'arn:aws:s3:::fleet-models/releases/ocr/*']);
    const discovering = JSON.parse(reportKeyPolicy(build({ discoverUpTo: 4 }).site.report(), 'cloud-model-releases-ro', 'site-a'));
    expect(objects(discovering)).toEqual(['arn:aws:s3:::fleet-models/*']);
    expect(lists(discovering)).toEqual([]);
  });

  test('sites are independent charts in one app', () => {
    const app = Testing.app();
    new ModelDistributionSite(app, 'a', props({ siteName: 'site-a' }));
    new ModelDistributionSite(app, 'b', props({ siteName: 'site-b', discoverUpTo: 3 }));
    const m = synth(app);
    expect(findAll(m, 'Namespace').map((n) => n.metadata.name).sort()).toEqual(['site-a', 'site-b']);
    for (const n of findAll(m, 'Namespace')) expect(n.metadata).not.toHaveProperty('namespace');
  });
});
