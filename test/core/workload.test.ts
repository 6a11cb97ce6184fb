import { k8s } from 'cdk8s-plus-30';
import { ContainerImage } from '../../src';
import { RestrictedWorkload } from '../../src/core/workload';
import { chart, find, synth } from '../support/harness';

const image = ContainerImage.of('docker.io/library/busybox', '1.37.0');
const resources: k8s.ResourceRequirements = {
  requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') },
  limits: { memory: k8s.Quantity.fromString('16Mi') },
};
const probe = { exec: { command: ['true'] } };

function workload(namespace?: string) {
  return new RestrictedWorkload({ app: 'demo', instance: 'demo-a', component: 'test', image }, namespace);
}

describe('RestrictedWorkload', () => {
  test('pod labels are name + instance; object labels add component, version and the library labels', () => {
    const w = workload();
    expect(w.podLabels).toEqual({ 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/instance': 'demo-a' });
    expect(w.labels).toMatchObject({ ...w.podLabels, 'app.kubernetes.io/component': 'test', 'app.kubernetes.io/version': '1.37.0' });
    expect(RestrictedWorkload.podLabelsOf('demo', 'demo-a')).toEqual(w.podLabels);
  });

  test('every container, init containers too, gets the restricted context; the pod no token', () => {
    const t = workload().podTemplate({
      initContainers: [{ name: 'init', image, resources }],
      containers: [{ name: 'main', image, resources }],
    });
    expect(t.metadata!.labels).toEqual(workload().labels);
    expect(t.spec!.automountServiceAccountToken).toBe(false);
    expect(t.spec!.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, fsGroup: 65532 });
    for (const c of [...t.spec!.initContainers!, ...t.spec!.containers]) {
      expect(c.image).toBe('docker.io/library/busybox:1.37.0');
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });

  test('withoutFsGroup leaves fsGroup and its change policy out', () => {
    const t = workload().podTemplate({ withoutFsGroup: true, containers: [{ name: 'main', image, resources }] });
    expect(t.spec!.securityContext).not.toHaveProperty('fsGroup');
    expect(t.spec!.securityContext).not.toHaveProperty('fsGroupChangePolicy');
    expect(t.spec!.securityContext).toMatchObject({ runAsUser: 65532, runAsGroup: 65532 });
  });

  test('a root UID is refused', () => {
    expect(() => workload().podTemplate({ security: { runAsUser: 0 }, containers: [{ name: 'main', image, resources }] })).toThrow(/runAsUser = 0/);
  });

  test('Deployment, StatefulSet and CronJob select (and label) exactly the pods they template', () => {
    const c = chart('site-a');
    const w = workload('site-a');
    const pod = { containers: [{ name: 'main', image, resources, readinessProbe: probe, livenessProbe: probe }] };
    w.deployment(c, 'D', { replicas: 2, pod });
    const s = new RestrictedWorkload({ app: 'demo', instance: 'demo-b', component: 'test', image }, 'site-a');
    s.statefulSet(c, 'S', { replicas: 1, serviceName: 'demo-b', updateStrategy: { type: 'OnDelete' }, pod, volumeClaimTemplates: [{ name: 'data', spec: { accessModes: ['ReadWriteOnce'] } }] });
    const j = new RestrictedWorkload({ app: 'demo', instance: 'demo-c', component: 'test', image }, 'site-a');
    j.cronJob(c, 'C', { schedule: '0 * * * *', successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1, backoffLimit: 0, activeDeadlineSeconds: 60, pod });
    const m = synth(c);
    const d = find(m, 'Deployment', 'demo-a');
    expect(d.metadata.namespace).toBe('site-a');
    expect(d.spec.selector.matchLabels).toEqual(w.podLabels);
    expect(d.spec.template.metadata.labels).toMatchObject(w.podLabels);
    const st = find(m, 'StatefulSet', 'demo-b');
    expect(st.spec.selector.matchLabels).toEqual(s.podLabels);
    expect(st.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(st.spec.volumeClaimTemplates[0].metadata.labels).toEqual(s.podLabels);
    const cj = find(m, 'CronJob', 'demo-c');
    expect(cj.spec.concurrencyPolicy).toBe('Forbid');
    expect(cj.spec.jobTemplate.metadata.labels).toEqual(j.labels);
    expect(cj.spec.jobTemplate.spec.template.metadata.labels).toMatchObject(j.podLabels);
    expect(cj.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
  });

  test('claim templates carry only labels that survive an upgrade (a StatefulSet\'s volumeClaimTemplates are immutable)', () => {
    const claimLabels = (tag: string) => {
      const c = chart('site-a');
      const w = new RestrictedWorkload({ app: 'demo', instance: 'demo-b', component: 'test', image: ContainerImage.of('docker.io/library/busybox', tag) }, 'site-a');
      w.statefulSet(c, 'S', {
        replicas: 1,
        serviceName: 'demo-b',
        pod: { containers: [{ name: 'main', image, resources, readinessProbe: probe, livenessProbe: probe }] },
        volumeClaimTemplates: [{ name: 'data', spec: { accessModes: ['ReadWriteOnce'] } }],
      });
      return { w, labels: find(synth(c), 'StatefulSet', 'demo-b').spec.volumeClaimTemplates[0].metadata.labels };
    };
    const before = claimLabels('1.36.1');
    const after = claimLabels('1.37.0');
    expect(after.labels).toEqual(before.labels);
    expect(after.labels).toEqual(after.w.podLabels);
  });

  test('a Job: restricted pods that never restart in place; a name given at synth replaces the static one', () => {
    const c = chart('site-a');
    const w = workload('site-a');
    let content = 'one';
    w.job(c, 'J', {
      name: 'demo-a-run',
      nameAtSynth: () => `demo-a-run-${content}`,
      backoffLimit: 2,
      activeDeadlineSeconds: 60,
      ttlSecondsAfterFinished: 30,
      pod: { containers: [{ name: 'main', image, resources }] },
    });
    w.job(c, 'Plain', { backoffLimit: 0, activeDeadlineSeconds: 10, pod: { containers: [{ name: 'main', image, resources }] } });
    content = 'two';
    const m = synth(c);
    expect(m.filter((o) => o.kind === 'Job' && o.metadata.name === 'demo-a-run-one')).toHaveLength(0);
    const job = find(m, 'Job', 'demo-a-run-two');
    expect(job.metadata.labels).toEqual(w.labels);
    expect(job.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 60, ttlSecondsAfterFinished: 30 });
    expect(job.spec.template.metadata.labels).toMatchObject(w.podLabels);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(job.spec.template.spec.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false });
    const plain = find(m, 'Job', 'demo-a');
    expect(plain.spec).not.toHaveProperty('ttlSecondsAfterFinished');
    expect(plain.spec.backoffLimit).toBe(0);
  });

  test('selectByComponent: two workloads of one instance select only their own pods', () => {
    const server = new RestrictedWorkload({ app: 'demo', instance: 'demo-a', component: 'server', image, selectByComponent: true });
    const job = new RestrictedWorkload({ app: 'demo', instance: 'demo-a', component: 'provisioner', image, selectByComponent: true });
    expect(server.podLabels).toEqual({ ...workload().podLabels, 'app.kubernetes.io/component': 'server' });
    expect(job.podLabels).toEqual(RestrictedWorkload.podLabelsOf('demo', 'demo-a', 'provisioner'));
    expect(job.podLabels).not.toEqual(server.podLabels);
    expect(server.labels).toMatchObject(server.podLabels);
  });

  test('a NetworkPolicy given as a function takes its rules at synth', () => {
    const c = chart();
    const w = workload();
    const peers: Array<{ podLabels: { [key: string]: string } }> = [];
    w.networkPolicy(c, 'P', () => ({ ingress: [{ from: peers, ports: [80] }] }), 'demo-a-policy');
    peers.push({ podLabels: { app: 'late' } });
    const np = find(synth(c), 'NetworkPolicy', 'demo-a-policy');
    expect(np.metadata.labels).toEqual(w.labels);
    expect(np.spec.podSelector.matchLabels).toEqual(w.podLabels);
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'late' } } }], ports: [{ port: 80, protocol: 'TCP' }] }]);
  });

  test('its NetworkPolicy selects its pods', () => {
    const c = chart();
    const w = workload();
    w.networkPolicy(c, 'P', { ingress: [], egress: {} });
    const np = find(synth(c), 'NetworkPolicy', 'demo-a');
    expect(np.spec.podSelector.matchLabels).toEqual(w.podLabels);
    expect(np.metadata.labels).toEqual(w.labels);
  });
});
