import { Size, Testing } from 'cdk8s';
import { videoBase } from './video-site-support';
import { VideoSurveillanceSite, VideoSurveillanceSiteProps, ViewerAuthentication } from '../../src';
import { find, findAll, synth } from '../support/harness';

const base = videoBase;

function site(props: Partial<VideoSurveillanceSiteProps> = {}) {
  const app = Testing.app();
  const s = new VideoSurveillanceSite(app, 'site-a', { ...base, ...props });
  return { app, s };
}

describe('VideoSurveillanceSite', () => {
  test('defaults', () => {
    const { s } = site();
    const m = synth(s);
    expect(m).toMatchSnapshot();
    expect(find(m, 'StatefulSet', 'store').spec.replicas).toBe(4);
    expect(find(m, 'Namespace', 'site-a').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    // Namespaces are cluster-scoped: no metadata.namespace, even though the site chart has a namespace.
    expect(find(m, 'Namespace', 'site-a').metadata).not.toHaveProperty('namespace');
  });

  test('custom: 4 × 2 drives, explicit parity, cache and kafka overrides, restic of metadata volumes', () => {
    const { s } = site({
      drivesPerServer: 2,
      store: { parity: 4 },
      retentionDays: 14,
      segmentMinutes: 10,
      cache: { replicas: 3, cacheVolumeSize: Size.gibibytes(300), viewerCidrs: ['10.1.0.0/24'] },
      kafka: { storageSize: Size.gibibytes(50) },
      backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' }, resticClaims: ['nvr-index'], resticPassword: { name: 'restic', key: 'password' } },
      wanCidrs: ['198.51.100.0/24'],
    });
    const m = synth(s);
    expect(m).toMatchSnapshot();
    expect(find(m, 'StatefulSet', 'playback').spec.replicas).toBe(3);
    expect(find(m, 'CronJob', 'restic-nvr-index')).toBeDefined();
    expect(find(m, 'NetworkPolicy', 'allow-archive-cloud-wan').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '198.51.100.0/24' } }]);
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
    expect(report).toMatch(/\| velero-site-a \| velero \| cloud \| Velero: AWS credentials file .*only the IAM policy under "Key policies"/);
    const section = report.slice(report.indexOf('## Key policies'));
    expect(section).toContain('velero-site-a (namespace velero)');
    const block = /```json\n([\s\S]*?)\n```/.exec(section);
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
    expect(withRestic.report()).toMatch(/\| cloud-archive \| site-a \| .* \| archive job \(and restic\) writing to video-archive/);
  });

  test('fails if the hardware cannot hold the retention, naming needed vs available and the options', () => {
    expect(() => site({ cameras: 200, retentionDays: 30 }))
      .toThrow(/^VideoSurveillanceSite "site-a": cameras × bitrateMbps × retentionDays = "200 × 4 Mbps × 30 days": 259.2 TB of data needs 609.88 TB of raw disk .* holds only 13.6 TB; add drives: .*; or use larger drives: .*; or shorten retention: retentionDays at most 1 \(now 30\); or lower the bitrate/);
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
    expect(conf).toBe(s.cache.config.render());
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
