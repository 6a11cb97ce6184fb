// Every selector the sites write for the library's own workloads (NetworkPolicy pod selectors and peers, grant
// consumers) must select pods the site really emits; and renaming a workload must never break that silently.
import { App, Duration, Testing } from 'cdk8s';
import { build as buildModelSite } from './model-site-support';
import { videoBase } from './video-site-support';
import {
  ExternalObjectStore, IoTSite, IoTSiteProps, KafkaCredentials, KafkaSync, ModelReleaseSync, NginxEdgeCache, ObjectReplication,
  ObjectStoreFlavor, VideoSurveillanceSite, S3Credentials,
} from '../../src';
import { EdgeSite } from '../../src/blueprints/site/edge-site';
import { synth } from '../support/harness';

type Labels = { [key: string]: string };
interface PodTemplate { namespace?: string; labels: Labels; owner: string }

/** The pod templates of every workload in `manifests`. */
function podTemplates(manifests: any[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const m of manifests) {
    const template = m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template
      : ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(m.kind) ? m.spec.template
        : m.kind === 'Pod' ? m : undefined;
    if (template) out.push({ namespace: m.metadata.namespace, labels: template.metadata?.labels ?? {}, owner: `${m.kind}/${m.metadata.name}` });
  }
  return out;
}

/** True when `selector` is one of the library's own workload selectors (name + instance), the ones it must keep in step. */
function isWorkloadSelector(selector: Labels | undefined): selector is Labels {
  return !!selector && 'app.kubernetes.io/instance' in selector && 'app.kubernetes.io/name' in selector;
}

function selects(selector: Labels, namespace: string | undefined, pods: PodTemplate[]): boolean {
  return pods.some((p) => (namespace === undefined || p.namespace === undefined || p.namespace === namespace)
    && Object.entries(selector).every(([k, v]) => p.labels[k] === v));
}

/**
 * Every workload selector in the NetworkPolicies of `manifests` (and the grants' consumers) that selects no pod.
 * Requires that at least `minimum` such selectors were found, so an empty result means something.
 */
function strandedSelectors(manifests: any[], site: EdgeSite, minimum = 5): string[] {
  const pods = podTemplates(manifests);
  const stranded: string[] = [];
  let checked = 0;
  const check = (where: string, selector: Labels | undefined, namespace: string | undefined) => {
    if (!isWorkloadSelector(selector)) return;
    checked++;
    if (!selects(selector, namespace, pods)) stranded.push(`${where}: ${JSON.stringify(selector)}`);
  };
  for (const np of manifests.filter((m) => m.kind === 'NetworkPolicy')) {
    const ns = np.metadata.namespace;
    const where = `NetworkPolicy/${np.metadata.name}`;
    check(`${where} podSelector`, np.spec.podSelector?.matchLabels, ns);
    const peers = [
      ...(np.spec.ingress ?? []).flatMap((r: any) => r.from ?? []),
      ...(np.spec.egress ?? []).flatMap((r: any) => r.to ?? []),
    ];
    for (const peer of peers) {
      check(`${where} peer`, peer.podSelector?.matchLabels, peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? ns);
    }
  }
  for (const g of site.grants) check(`grant ${g.consumer.name}`, g.consumer.podLabels, g.consumer.namespace);
  expect(checked).toBeGreaterThanOrEqual(minimum);
  return stranded;
}

function iotProps(): IoTSiteProps {
  return {
    siteName: 'site-a',
    sensors: 10_000,
    retention: Duration.days(30),
    storageClassName: 'lvm-xfs',
    cloud: {
      kafka: {
        bootstrapServers: 'kafka.cloud.example.com:9093',
        caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
        credentials: KafkaCredentials.fromSecretName('cloud-kafka-user', { username: 'site-a-mm2' }),
      },
      backupStore: new ExternalObjectStore({ s3Endpoint: 'https://s3.example.com', flavor: ObjectStoreFlavor.AWS_S3, credentials: S3Credentials.fromSecretName('cloud-backup-keys') }),
      backupBucket: 'fleet-backups',
    },
    backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' } },
  };
}

function synthApp(app: App): any[] {
  return synth(app);
}

function videoSite(): { app: App; site: VideoSurveillanceSite } {
  const app = Testing.app();
  const site = new VideoSurveillanceSite(app, 'site-a', {
    ...videoBase,
    backup: { ...videoBase.backup, resticClaims: ['nvr-index'], resticPassword: { name: 'restic', key: 'password' } },
  });
  return { app, site };
}

describe('the sites select their own workloads through the workloads', () => {
  test('video site: every workload selector selects emitted pods', () => {
    const { app, site } = videoSite();
    const m = synthApp(app);
    expect(strandedSelectors(m, site)).toEqual([]);
    // The archive job's grant is the job's own pods.
    expect(site.archiveGrant.consumer.podLabels).toEqual(site.archive.podLabels);
    expect(site.archive.podLabels).toEqual(ObjectReplication.podLabelsFor('archive'));
  });

  test('model site: every workload selector selects emitted pods', () => {
    const { app, site } = buildModelSite();
    const m = synthApp(app);
    expect(strandedSelectors(m, site)).toEqual([]);
    expect(site.releaseGrant.consumer.podLabels).toEqual(site.releaseSync.podLabels);
  });

  test('IoT site: every workload selector selects emitted pods', () => {
    const app = Testing.app();
    const site = new IoTSite(app, 'site-a', iotProps());
    const m = synthApp(app);
    expect(strandedSelectors(m, site)).toEqual([]);
  });

  test('renaming the archive job (its construct id) never leaves a policy selecting nobody in silence', () => {
    // Simulates a rename of the archive ObjectReplication's construct id inside the blueprint: the job's pods then
    // carry the new name. Either every policy and grant follows the job, or the synthesis fails and says so.
    const original = KafkaSync.prototype.addObjectReplication;
    const spy = jest.spyOn(KafkaSync.prototype, 'addObjectReplication').mockImplementation(function (this: KafkaSync, id, options) {
      return original.call(this, `${id}-renamed`, options);
    });
    try {
      let outcome: string[] | Error;
      try {
        const { app, site } = videoSite();
        outcome = strandedSelectors(synthApp(app), site);
      } catch (e) {
        outcome = e as Error;
      }
      expect(spy).toHaveBeenCalled();
      if (outcome instanceof Error) {
        expect(outcome.message).toMatch(/archive job .* its pods carry .*archive-renamed/);
      } else {
        expect(outcome).toEqual([]);
      }
    } finally {
      spy.mockRestore();
    }
  });

  test.each([
    ['release job (its grant)', () => jest.spyOn(ModelReleaseSync, 'podLabelsFor')],
    ['download cache (the store admits it)', () => jest.spyOn(NginxEdgeCache, 'podLabelsFor')],
  ])('model site: a selector declared before the %s that misses its pods fails the synthesis', (what, spyOn) => {
    const spy = spyOn().mockImplementation((name: string) => ({ 'app.kubernetes.io/name': 'stale', 'app.kubernetes.io/instance': name }));
    try {
      expect(() => buildModelSite()).toThrow(new RegExp(`${what.replace(/[()]/g, '\\$&')} was selected by .*stale.* but its pods carry`));
    } finally {
      spy.mockRestore();
    }
  });
});
