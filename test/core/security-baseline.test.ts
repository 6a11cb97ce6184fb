import { ApiObject, Testing } from 'cdk8s';
import { RestrictedSecurity, SecurityBaseline, SecurityRule } from '../../src';
import { chart, synth } from '../support/harness';

/** A compliant Deployment pod template, as plain JSON. */
function goodDeployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'site' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          securityContext: RestrictedSecurity.podSecurityContext(),
          containers: [{
            name: 'web',
            image: 'docker.io/nginxinc/nginx-unprivileged:1.28.0-alpine',
            securityContext: RestrictedSecurity.containerSecurityContext(),
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '64Mi' } },
            readinessProbe: { httpGet: { path: '/', port: 8080 } },
            livenessProbe: { httpGet: { path: '/', port: 8080 } },
          }],
        },
      },
    },
  };
}

function rulesOf(manifest: any): string[] {
  return SecurityBaseline.check([manifest]).map((f) => f.rule).sort();
}

describe('SecurityBaseline.check', () => {
  test('a restricted Deployment passes', () => {
    expect(SecurityBaseline.check([goodDeployment()])).toEqual([]);
  });

  test.each<[string, (d: any) => void, SecurityRule[]]>([
    ['no runAsNonRoot', (d) => { delete d.spec.template.spec.securityContext.runAsNonRoot; delete d.spec.template.spec.containers[0].securityContext.runAsNonRoot; }, [SecurityRule.RUN_AS_NON_ROOT]],
    ['UID 0', (d) => { d.spec.template.spec.containers[0].securityContext.runAsUser = 0; }, [SecurityRule.RUN_AS_NON_ROOT]],
    ['privilege escalation', (d) => { delete d.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation; }, [SecurityRule.NO_PRIVILEGE_ESCALATION]],
    ['capabilities kept', (d) => { d.spec.template.spec.containers[0].securityContext.capabilities = { drop: ['NET_RAW'] }; }, [SecurityRule.DROP_ALL_CAPABILITIES]],
    ['capability added', (d) => { d.spec.template.spec.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']; }, [SecurityRule.DROP_ALL_CAPABILITIES]],
    ['seccomp unconfined', (d) => { d.spec.template.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; }, [SecurityRule.SECCOMP]],
    ['privileged', (d) => { d.spec.template.spec.containers[0].securityContext.privileged = true; }, [SecurityRule.NO_PRIVILEGED]],
    ['hostNetwork', (d) => { d.spec.template.spec.hostNetwork = true; }, [SecurityRule.NO_HOST_NETWORK]],
    ['hostPID', (d) => { d.spec.template.spec.hostPID = true; }, [SecurityRule.NO_HOST_PID]],
    ['hostIPC', (d) => { d.spec.template.spec.hostIPC = true; }, [SecurityRule.NO_HOST_IPC]],
    ['hostPath', (d) => { d.spec.template.spec.volumes = [{ name: 'data', hostPath: { path: '/var/data' } }]; }, [SecurityRule.NO_HOST_PATH]],
    ['no memory limit', (d) => { delete d.spec.template.spec.containers[0].resources.limits; }, [SecurityRule.RESOURCES]],
    ['no cpu request', (d) => { delete d.spec.template.spec.containers[0].resources.requests.cpu; }, [SecurityRule.RESOURCES]],
    ['no liveness probe', (d) => { delete d.spec.template.spec.containers[0].livenessProbe; }, [SecurityRule.PROBES]],
    ['latest image', (d) => { d.spec.template.spec.containers[0].image = 'nginx:latest'; }, [SecurityRule.PINNED_IMAGE]],
    ['tagless image', (d) => { d.spec.template.spec.containers[0].image = 'nginx'; }, [SecurityRule.PINNED_IMAGE]],
  ])('flags %s', (_name, mutate, expected) => {
    const d = goodDeployment();
    mutate(d);
    expect(rulesOf(d)).toEqual(expected);
  });

  test('pod-level runAsNonRoot and seccomp cover containers; container level overrides', () => {
    const d = goodDeployment();
    delete d.spec.template.spec.containers[0].securityContext.runAsNonRoot;
    delete d.spec.template.spec.containers[0].securityContext.seccompProfile;
    expect(rulesOf(d)).toEqual([]);
    d.spec.template.spec.containers[0].securityContext.runAsNonRoot = false;
    expect(rulesOf(d)).toEqual([SecurityRule.RUN_AS_NON_ROOT]);
  });

  test('init containers are checked but need no probes; Jobs and CronJobs need no probes', () => {
    const d = goodDeployment();
    const init = { ...d.spec.template.spec.containers[0], name: 'init' };
    delete init.readinessProbe;
    delete init.livenessProbe;
    d.spec.template.spec.initContainers = [init];
    expect(rulesOf(d)).toEqual([]);
    d.spec.template.spec.initContainers[0].image = 'busybox';
    expect(rulesOf(d)).toEqual([SecurityRule.PINNED_IMAGE]);

    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'job' }, spec: { schedule: '0 1 * * *', jobTemplate: { spec: { template: { spec: { ...goodDeployment().spec.template.spec } } } } } };
    delete cron.spec.jobTemplate.spec.template.spec.containers[0].livenessProbe;
    expect(rulesOf(cron)).toEqual([]);
    cron.spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged = true;
    expect(rulesOf(cron)).toEqual([SecurityRule.NO_PRIVILEGED]);
  });

  test('every pod-bearing kind is checked', () => {
    const spec = { ...goodDeployment().spec.template.spec, hostNetwork: true };
    for (const m of [
      { kind: 'Pod', metadata: { name: 'p' }, spec },
      { kind: 'StatefulSet', metadata: { name: 's' }, spec: { template: { spec } } },
      { kind: 'DaemonSet', metadata: { name: 'd' }, spec: { template: { spec } } },
      { kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec } } },
    ]) {
      expect(rulesOf(m)).toEqual([SecurityRule.NO_HOST_NETWORK]);
    }
  });

  test('Secrets with literal values are flagged; empty references are not', () => {
    expect(rulesOf({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: 'hunter2' } })).toEqual([SecurityRule.NO_LITERAL_SECRETS]);
    expect(rulesOf({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'eA==' } })).toEqual([SecurityRule.NO_LITERAL_SECRETS]);
    expect(rulesOf({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } })).toEqual([]);
  });

  test('messages name the object, container, problem, fix and the waiver', () => {
    const d = goodDeployment();
    d.spec.template.spec.containers[0].securityContext.privileged = true;
    expect(SecurityBaseline.check([d])[0].message).toBe(
      'Deployment "site/web" container "web": is privileged; remove privileged: true, or waive it with SecurityBaseline.allow(obj, SecurityRule.NO_PRIVILEGED, reason)',
    );
  });

  test('annotated exceptions waive exactly the named rule, and need a reason', () => {
    const d = goodDeployment();
    d.spec.template.spec.hostNetwork = true;
    d.spec.template.spec.containers[0].securityContext.privileged = true;
    d.metadata.annotations = { [SecurityBaseline.exceptionAnnotation(SecurityRule.NO_HOST_NETWORK)]: 'needs the node address for multicast discovery' };
    expect(rulesOf(d)).toEqual([SecurityRule.NO_PRIVILEGED]);
    d.metadata.annotations[SecurityBaseline.exceptionAnnotation(SecurityRule.NO_HOST_NETWORK)] = ' ';
    expect(rulesOf(d)).toEqual([SecurityRule.NO_HOST_NETWORK, SecurityRule.NO_PRIVILEGED]);
    expect(SecurityBaseline.listExceptions([{ kind: 'Deployment', metadata: { name: 'web', annotations: { [SecurityBaseline.exceptionAnnotation(SecurityRule.NO_PRIVILEGED)]: 'why' } } }]))
      .toEqual(['Deployment/web: no-privileged: why']);
  });

  test('exceptions passed as options can be scoped by kind and name', () => {
    const d = goodDeployment();
    d.spec.template.spec.hostPID = true;
    expect(SecurityBaseline.check([d], { exceptions: [{ rule: SecurityRule.NO_HOST_PID, reason: 'profiler', name: 'other' }] })).toHaveLength(1);
    expect(SecurityBaseline.check([d], { exceptions: [{ rule: SecurityRule.NO_HOST_PID, reason: 'profiler', kind: 'Deployment', name: 'web' }] })).toHaveLength(0);
  });
});

describe('SecurityBaseline.allow and enforce', () => {
  function podChart(privileged: boolean) {
    const c = chart('site');
    const d = goodDeployment();
    d.spec.template.spec.containers[0].securityContext.privileged = privileged;
    const obj = new ApiObject(c, 'web', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: d.spec } as any);
    return { c, obj };
  }

  test('enforce fails synthesis with every finding', () => {
    const { c } = podChart(true);
    SecurityBaseline.enforce(c);
    expect(() => Testing.synth(c)).toThrow(/SecurityBaseline: Deployment "site\/web" container "web": is privileged/);
  });

  test('enforce covers objects added after the call, and allow() waives with a visible annotation', () => {
    const c = chart('site');
    SecurityBaseline.enforce(c);
    const d = goodDeployment();
    d.spec.template.spec.containers[0].securityContext.privileged = true;
    const obj = new ApiObject(c, 'web', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: d.spec } as any);
    expect(() => Testing.synth(c)).toThrow(/is privileged/);
    SecurityBaseline.allow(obj, SecurityRule.NO_PRIVILEGED, 'loads a kernel module');
    const manifests = synth(c);
    expect(manifests[0].metadata.annotations).toEqual({ 'security.cdk8s-edge-storage.io/allow-no-privileged': 'loads a kernel module' });
  });

  test('allow() needs a reason', () => {
    const { obj } = podChart(false);
    expect(() => SecurityBaseline.allow(obj, SecurityRule.NO_PRIVILEGED, '')).toThrow(/must say why/);
  });

  test('the test harness enforces the baseline and the schemas', () => {
    const { c } = podChart(false);
    expect(synth(c)).toHaveLength(1);
    const bad = podChart(true);
    expect(() => synth(bad.c)).toThrow(/1 conformance problem\(s\):\n {2}SecurityBaseline: .*is privileged/);
    const typo = chart();
    new ApiObject(typo, 'x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, dataa: { a: 'b' } } as any);
    expect(() => synth(typo)).toThrow(/must NOT have additional properties "dataa"/);
  });
});
