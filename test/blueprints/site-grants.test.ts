// Blueprint access and wiring (issue 14): each consumer its own store user, Velero's peer and location, the archive
// bandwidth check, and reports that list every Secret the manifests reference.
import { App, Duration, Size, Testing } from 'cdk8s';
import { props as modelProps } from './model-site-support';
import { cloudArchive, videoBase } from './video-site-support';
import {
  Bandwidth, DecimalSize, EdgeSite, IoTSite, ModelDistributionSite, VideoSurveillanceSite,
  VideoSurveillanceSiteProps,
} from '../../src';
import { find, findAll, synth } from '../support/harness';


function video(overrides: Partial<VideoSurveillanceSiteProps> = {}) {
  const app = Testing.app();
  const site = new VideoSurveillanceSite(app, 'site-a', { ...videoBase, ...overrides });
  return { app, site, manifests: synth(site) };
}

/** Secret names of the keys the provisioning Job turns into MinIO users (`mc admin user add "$USER_n_ACCESS_KEY" …`). */
function provisionedUserSecrets(manifests: any[], jobName: string): string[] {
  const job = find(manifests, 'Job', jobName);
  const env: any[] = job.spec.template.spec.containers[0].env;
  const script: string = find(manifests, 'ConfigMap', 'store-provision').data['provision.sh'];
  const users = [...script.matchAll(/mc admin user add "\$ALIAS" "\$([A-Z0-9_]+)"/g)].map((m) => m[1]);
  return users.map((v) => env.find((e) => e.name === v).valueFrom.secretKeyRef.name);
}

/** The S3 keys a pod template signs with (rclone's RCLONE_CONFIG_<REMOTE>_ACCESS_KEY_ID) per remote. */
function rcloneKeys(template: any): { [remote: string]: string } {
  const out: { [remote: string]: string } = {};
  for (const c of template.spec.containers) {
    for (const e of c.env ?? []) {
      const m = /^RCLONE_CONFIG_([A-Z0-9]+)_ACCESS_KEY_ID$/.exec(e.name);
      if (m && e.valueFrom?.secretKeyRef) out[m[1]] = e.valueFrom.secretKeyRef.name;
    }
  }
  return out;
}

/** Whether a NetworkPolicy peer (namespaceSelector + podSelector.matchLabels) selects a pod. */
function peerSelects(peer: any, namespace: string, labels: { [k: string]: string }): boolean {
  const nsOk = !peer.namespaceSelector || Object.entries(peer.namespaceSelector.matchLabels ?? {}).every(([k, v]) => k === 'kubernetes.io/metadata.name' && v === namespace);
  const podOk = Object.entries(peer.podSelector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return nsOk && podOk;
}

/** Whether any ingress rule of any NetworkPolicy over the store's pods admits the pod on port 9000. */
function storeAdmits(manifests: any[], namespace: string, labels: { [k: string]: string }): boolean {
  const serverLabels = find(manifests, 'StatefulSet', 'store').spec.template.metadata.labels;
  return findAll(manifests, 'NetworkPolicy').filter((np) => np.metadata.namespace === 'site-a'
    && Object.entries(np.spec.podSelector.matchLabels ?? {}).every(([k, v]) => serverLabels[k] === v)
    && Object.keys(np.spec.podSelector.matchLabels ?? {}).length > 0)
    .some((np) => (np.spec.ingress ?? []).some((r: any) => (r.ports ?? []).some((p: any) => p.port === 9000)
      && (r.from ?? []).some((p: any) => peerSelects(p, namespace, labels))));
}

describe('defect 1: every consumer of a site store signs with its own user, which the provisioning Job creates', () => {
  test('video: recorders and the archive job each have a user; the archive job signs with its own', () => {
    const { site, manifests } = video();
    const users = provisionedUserSecrets(manifests, site.store.provisioningJobName!);
    expect(site.grants.map((g) => g.consumer.name)).toEqual(['recorders', 'archive']);
    expect(users.sort()).toEqual(site.grants.map((g) => g.credentials.secretName).sort());
    const cron = find(manifests, 'CronJob', site.archive.apiObject.name);
    const keys = rcloneKeys(cron.spec.jobTemplate.spec.template);
    expect(keys.SOURCE).toBe(site.archiveGrant.credentials.secretName);
    expect(users).toContain(keys.SOURCE);
    expect(keys.SOURCE).not.toBe(site.store.rootCredentials.secretName);
  });

  test('model: the release job writes the site store with a user the provisioning Job creates', () => {
    const app = Testing.app();
    const site = new ModelDistributionSite(app, 'site', modelProps());
    const manifests = synth(site);
    const users = provisionedUserSecrets(manifests, site.store.provisioningJobName!);
    const cron = find(manifests, 'CronJob', site.releaseSync.name);
    const keys = rcloneKeys(cron.spec.jobTemplate.spec.template);
    expect(keys.EDGE).toBe(site.releaseGrant.credentials.secretName);
    expect(users).toEqual([keys.EDGE]);
    // The grant's pod labels are the job's pod labels (the store admits exactly these pods).
    expect(cron.spec.jobTemplate.spec.template.metadata.labels).toMatchObject(site.releaseGrant.consumer.podLabels);
    expect(storeAdmits(manifests, 'site-a', cron.spec.jobTemplate.spec.template.metadata.labels)).toBe(true);
  });
});

describe('defects 2 and 3: Velero backs up to the cloud by default; site-local admits both installs\' pods', () => {
  test('default: the location is the cloud archive store, and the site store has no velero bucket or user', () => {
    const { site, manifests } = video();
    const bsl = find(manifests, 'BackupStorageLocation', 'site-a-cloud');
    expect(bsl.spec.config.s3Url).toBe(cloudArchive.s3Endpoint);
    expect(bsl.spec.objectStorage.bucket).toBe('video-archive');
    expect(site.store.bucketNames).not.toContain('velero');
    expect(site.grants.some((g) => g.consumer.name === 'velero')).toBe(false);
  });

  test('siteLocal: a velero user limited to the site prefix; the store admits `velero install` and Helm pods', () => {
    const { site, manifests } = video({ backup: { ...videoBase.backup, siteLocal: true, publicUrl: 'https://minio.site-a.example.com' } });
    const bsl = find(manifests, 'BackupStorageLocation', 'site-a-store');
    expect(bsl.spec.config.s3Url).toBe(site.store.s3Endpoint);
    expect(bsl.spec.config.publicUrl).toBe('https://minio.site-a.example.com');
    const g = site.grants.find((x) => x.consumer.name === 'velero')!;
    expect(g.prefix).toBe('site-a/');
    expect(storeAdmits(manifests, 'velero', { component: 'velero', deploy: 'velero' })).toBe(true);
    expect(storeAdmits(manifests, 'velero', { 'app.kubernetes.io/name': 'velero', 'app.kubernetes.io/instance': 'velero' })).toBe(true);
    expect(storeAdmits(manifests, 'other', { component: 'velero' })).toBe(false);
  });

  test('siteLocal with veleroPodLabels narrows the peer', () => {
    const { manifests } = video({ backup: { ...videoBase.backup, siteLocal: true, veleroPodLabels: { component: 'velero' }, publicUrl: 'https://minio.site-a.example.com' } });
    expect(storeAdmits(manifests, 'velero', { component: 'velero', deploy: 'velero' })).toBe(true);
    expect(storeAdmits(manifests, 'velero', { 'app.kubernetes.io/name': 'restic' })).toBe(false);
  });

  test('model: backups need a cloud bucket unless siteLocal', () => {
    expect(() => new ModelDistributionSite(Testing.app(), 's', modelProps({ backup: { veleroCredential: { name: 'v', key: 'cloud' } } })))
      .toThrow(/backup.bucket = "unset": Velero backs the site up to a cloud bucket by default/);
    const app = Testing.app();
    const site = new ModelDistributionSite(app, 's', modelProps());
    expect(find(synth(site), 'BackupStorageLocation', 'site-a-cloud').spec.objectStorage).toEqual({ bucket: 'fleet-backups', prefix: 'site-a/velero' });
  });
});

/** The README's 100-camera site with an archive cap of `mib` MiB/s. */
function bigSite(mib: number): Partial<VideoSurveillanceSiteProps> {
  const archiveBandwidthLimit = Bandwidth.mebibytesPerSecond(mib);
  return { cameras: 100, driveSize: DecimalSize.terabytes(24), cloud: { ...videoBase.cloud, archiveBandwidthLimit } };
}

describe('defect 11: the archive bandwidth cap must cover the planner\'s WAN rate with a margin', () => {
  test('fails with the numbers when the cap is too low', () => {
    // 100 cameras × 4 Mbps = 400 Mbit/s a day spread over 24 h; 40 MiB/s ≈ 335.5 Mbit/s.
    expect(() => video(bigSite(40)))
      .toThrow(/cloud.archiveBandwidthLimit = "40 MiB\/s = 335.5 Mbit\/s": is below the planner's WAN rate 400.0 Mbit\/s .* × margin 1.2 = 480.0 Mbit\/s.*at least Bandwidth.mbps\(480\)/);
  });

  test('the rate the message asks for is enough, and a little less is not', () => {
    const capped = (rate: Bandwidth) => ({ ...bigSite(1), cloud: { ...videoBase.cloud, archiveBandwidthLimit: rate } });
    expect(() => video(capped(Bandwidth.mbps(480)))).not.toThrow();
    expect(() => video(capped(Bandwidth.mbps(479.9)))).toThrow(/cloud.archiveBandwidthLimit = "479.9 Mbit\/s": is below/);
  });

  test('a cap at the margin passes', () => {
    const { site } = video(bigSite(58));
    expect(site.estimate.wanMbps * VideoSurveillanceSite.ARCHIVE_BANDWIDTH_MARGIN).toBeLessThanOrEqual(58 * 2 ** 20 * 8 / 1e6);
  });
});

/** Every Secret a manifest references (env, envFrom, volumes, Strimzi/Velero refs) that the library does not create. */
function referencedSecrets(manifests: any[]): Array<{ name: string; namespace: string }> {
  const out = new Map<string, { name: string; namespace: string }>();
  // Strimzi writes the Secrets of KafkaUsers and the cluster CA itself.
  const strimzi = new Set<string>();
  for (const m of manifests) {
    if (m.kind === 'KafkaUser') strimzi.add(`${m.metadata.namespace}/${m.metadata.name}`);
    if (m.kind === 'Kafka') strimzi.add(`${m.metadata.namespace}/${m.metadata.name}-cluster-ca-cert`);
  }
  const add = (name: string | undefined, namespace: string) => {
    if (name && !strimzi.has(`${namespace}/${name}`)) out.set(`${namespace}/${name}`, { name, namespace });
  };
  const walk = (v: any, ns: string) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, ns));
    if (!v || typeof v !== 'object') return;
    if (v.secretKeyRef) add(v.secretKeyRef.name, ns);
    if (v.secretRef?.name) add(v.secretRef.name, ns);
    if (v.secret?.secretName) add(v.secret.secretName, ns);
    if (v.secret?.name && Array.isArray(v.secret.items)) add(v.secret.name, ns);
    if (v.passwordSecret?.secretName) add(v.passwordSecret.secretName, ns);
    if (v.trustedCertificates) for (const t of v.trustedCertificates) add(t.secretName, ns);
    if (v.credential?.name && v.credential.key) add(v.credential.name, ns);
    for (const x of Object.values(v)) walk(x, ns);
  };
  for (const m of manifests) walk(m.spec ?? {}, m.metadata?.namespace ?? '');
  return [...out.values()];
}

describe('defect 12: reports list every Secret the operator must create, and arrows follow the data', () => {
  const sites: Array<[string, () => EdgeSite]> = [
    ['video', () => video().site],
    ['video siteLocal + restic', () => video({ backup: { ...videoBase.backup, siteLocal: true, resticClaims: ['nvr-index'], resticPassword: { name: 'restic', key: 'password' } } }).site],
    ['model', () => new ModelDistributionSite(new App(), 'm', modelProps())],
    ['iot', () => new IoTSite(new App(), 'iot', {
      siteName: 'site-a',
      sensors: 1000,
      retention: Duration.days(30),
      storageClassName: 'lvm-xfs',
      cloud: { kafka: videoBase.cloud.kafka, backupStore: cloudArchive, backupBucket: 'fleet-backups' },
      backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' } },
    })],
  ];
  test.each(sites)('%s', (_, make) => {
    const site = make();
    const manifests = synth(site);
    const listed = new Set(site.requiredSecrets.map((s) => `${s.namespace}/${s.name}`));
    const missing = referencedSecrets(manifests).filter((s) => !listed.has(`${s.namespace}/${s.name}`));
    expect(missing).toEqual([]);
    const report = site.report();
    for (const s of site.requiredSecrets) expect(report).toContain(`| ${s.name} | ${s.namespace} | ${s.keys.join(', ')} |`);
    // Velero reads the site namespace and writes to its location: never an arrow from a store to Velero.
    expect(site.dataPaths.filter((p) => p.to === 'Velero')).toEqual([]);
    expect(site.dataPaths.some((p) => p.from === 'Site namespace' && /Velero/.test(p.label))).toBe(true);
  });
});

describe('defect 4: LAN viewers given by CIDR reach the cache through a Service that keeps their address', () => {
  test('video: viewerCidrs make the playback Service a LoadBalancer with externalTrafficPolicy Local', () => {
    const { site, manifests } = video({ cache: { viewerCidrs: ['10.20.0.0/24'] } });
    expect(find(manifests, 'Service', site.cache.serviceName).spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    expect(site.prerequisites().some((p) => p.component === 'Service load balancer')).toBe(true);
    const { site: plain, manifests: m2 } = video();
    expect(find(m2, 'Service', plain.cache.serviceName).spec.type).toBeUndefined();
  });
});

describe('defect 6: every release-event client pod can have its own consumer group', () => {
  test('default: a PREFIXED group ACL `<consumerGroup>-`; sharedConsumerGroup keeps one literal group', () => {
    const site = new ModelDistributionSite(Testing.app(), 'm', modelProps());
    const acl = (s: ModelDistributionSite) => find(synth(s), 'KafkaUser', s.releaseEventConsumer.username).spec.authorization.acls
      .find((a: any) => a.resource.type === 'group').resource;
    expect(site.releaseEventGroupPrefix).toBe('model-consumers-');
    expect(acl(site)).toEqual({ type: 'group', name: 'model-consumers-', patternType: 'prefix' });
    const shared = new ModelDistributionSite(Testing.app(), 'm', modelProps({ kafka: { sharedConsumerGroup: true } }));
    expect(shared.releaseEventGroupPrefix).toBeUndefined();
    expect(acl(shared)).toEqual({ type: 'group', name: 'model-consumers', patternType: 'literal' });
  });
});

describe('defect 8: the quota leaves room for the site\'s own applications', () => {
  test('video: the default footprint grows with the cameras and is in the quota; a given one replaces it', () => {
    const small = video({ cameras: 20 }).site;
    const big = video({ cameras: 60, driveSize: DecimalSize.terabytes(16) }).site;
    const apps = (s: EdgeSite) => s.siteNamespace.footprint().pods;
    // 20 cameras: 1 recorder + 2 viewers; 60 cameras: 3 recorders + 2 viewers (same library parts).
    expect(apps(big) - apps(small)).toBe(2);
    const given = video({ applicationFootprint: { pods: 30, cpu: 12, memory: Size.gibibytes(48) } });
    const f = given.site.siteNamespace.footprint();
    const hard = find(given.manifests, 'ResourceQuota', 'site-quota').spec.hard;
    expect(Number(hard.pods)).toBe(Math.ceil(f.pods * 1.2) + 1);
    expect(f.pods - apps(small)).toBe(30 - 3);
    expect(given.site.report()).toContain('Quota includes the site\'s applications: 30 pods, 12 CPU, 48 GiB memory (given (applicationFootprint))');
    expect(small.report()).toMatch(/Quota includes the site's applications: 3 pods, 1.5 CPU, 1.75 GiB memory \(default: 1 recorder pods/);
  });
});
