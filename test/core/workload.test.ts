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
    s.statefulSet(c, 'S', { replicas: 1, serviceName: 'demo-b', pod, volumeClaimTemplates: [{ name: 'data', spec: { accessModes: ['ReadWriteOnce'] } }] });
    const j = new RestrictedWorkload({ app: 'demo', instance: 'demo-c', component: 'test', image }, 'site-a');
    j.cronJob(c, 'C', { schedule: '0 * * * *', successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1, backoffLimit: 0, activeDeadlineSeconds: 60, pod });
    const m = synth(c);
    const d = find(m, 'Deployment', 'demo-a');
    expect(d.metadata.namespace).toBe('site-a');
    expect(d.spec.selector.matchLabels).toEqual(w.podLabels);
    expect(d.spec.template.metadata.labels).toMatchObject(w.podLabels);
    const st = find(m, 'StatefulSet', 'demo-b');
    expect(st.spec.selector.matchLabels).toEqual(s.podLabels);
    expect(st.spec.volumeClaimTemplates[0].metadata.labels).toEqual(s.labels);
    const cj = find(m, 'CronJob', 'demo-c');
    expect(cj.spec.concurrencyPolicy).toBe('Forbid');
    expect(cj.spec.jobTemplate.metadata.labels).toEqual(j.labels);
    expect(cj.spec.jobTemplate.spec.template.metadata.labels).toMatchObject(j.podLabels);
    expect(cj.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
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
