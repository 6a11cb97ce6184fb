import { ApiObject, Testing } from 'cdk8s';
import { RestrictedSecurity, SecurityBaseline, SecurityRule } from '../../src/core';
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

/**
 * Each rule at its edges, each workload kind, and the messages (the message is what a user reads to fix the object).
 * Written against the mutation run of src/core/security-baseline.ts (`npx projen test:mutation security-baseline`).
 */
describe('SecurityBaseline.check: every kind, edge and message', () => {
  const podSpec = () => goodDeployment().spec.template.spec;
  const container = (d: any) => d.spec.template.spec.containers[0];
  const messagesOf = (manifest: any, options?: any) => SecurityBaseline.check([manifest], options).map((f) => f.message);
  const waiver = (key: string) => `, or waive it with SecurityBaseline.allow(obj, SecurityRule.${key}, reason)`;

  /** The same pod spec wrapped as `kind` the way that kind carries its pod template. */
  function asKind(kind: string, spec: any, extra: any = {}): any {
    const metadata = { name: kind.toLowerCase() };
    switch (kind) {
      case 'Pod': return { kind, metadata, spec: { ...spec, ...extra } };
      case 'CronJob': return { kind, metadata, spec: { schedule: '0 1 * * *', jobTemplate: { spec: { template: { spec: { ...spec, ...extra } } } } } };
      default: return { kind, metadata, spec: { template: { spec: { ...spec, ...extra } } } };
    }
  }

  test.each(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'])(
    'a long-running %s needs both probes', (kind) => {
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        const spec = podSpec();
        delete spec.containers[0][probe];
        expect(rulesOf(asKind(kind, spec))).toEqual([SecurityRule.PROBES]);
        expect(SecurityBaseline.check([asKind(kind, spec)])[0].message).toBe(
          `${kind} "${kind.toLowerCase()}" container "web": has no ${probe}; add readiness and liveness probes${waiver('PROBES')}`);
      }
      const none = podSpec();
      delete none.containers[0].readinessProbe;
      delete none.containers[0].livenessProbe;
      expect(messagesOf(asKind(kind, none))[0]).toMatch(/: has no readinessProbe or livenessProbe; /);
    });

  test.each([['Job', {}], ['CronJob', {}], ['Pod', { restartPolicy: 'Never' }], ['Pod', { restartPolicy: 'OnFailure' }]])(
    'a run-to-completion %s %j needs no probes but is checked otherwise', (kind, extra) => {
      const spec = podSpec();
      delete spec.containers[0].readinessProbe;
      delete spec.containers[0].livenessProbe;
      expect(rulesOf(asKind(kind, spec, extra))).toEqual([]);
      spec.hostPID = true;
      expect(rulesOf(asKind(kind, spec, extra))).toEqual([SecurityRule.NO_HOST_PID]);
    });

  test('only a Pod is run-to-completion by its restartPolicy: a controller\'s template policy does not waive probes', () => {
    const spec = podSpec();
    delete spec.containers[0].livenessProbe;
    expect(rulesOf(asKind('Deployment', spec, { restartPolicy: 'OnFailure' }))).toEqual([SecurityRule.PROBES]);
    expect(rulesOf(asKind('DaemonSet', spec, { restartPolicy: 'Never' }))).toEqual([SecurityRule.PROBES]);
  });

  test('a Pod with restartPolicy Always still needs probes', () => {
    const spec = podSpec();
    delete spec.containers[0].livenessProbe;
    expect(rulesOf(asKind('Pod', spec, { restartPolicy: 'Always' }))).toEqual([SecurityRule.PROBES]);
  });

  test.each(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'])(
    'every container rule applies to a %s', (kind) => {
      const spec = podSpec();
      Object.assign(spec.containers[0].securityContext, { privileged: true, allowPrivilegeEscalation: true, runAsUser: 0 });
      spec.containers[0].image = 'nginx';
      spec.hostIPC = true;
      expect(rulesOf(asKind(kind, spec))).toEqual([
        SecurityRule.NO_HOST_IPC, SecurityRule.NO_PRIVILEGE_ESCALATION, SecurityRule.NO_PRIVILEGED,
        SecurityRule.PINNED_IMAGE, SecurityRule.RUN_AS_NON_ROOT,
      ].sort());
    });

  test('objects without a pod template are not checked as pods', () => {
    const spec = { ...podSpec(), hostNetwork: true };
    for (const kind of ['Service', 'ConfigMap', 'PodTemplate', 'Secret']) {
      expect(rulesOf({ kind, metadata: { name: 'x' }, spec: { template: { spec } } })).toEqual([]);
    }
    expect(rulesOf({ kind: 'Deployment', metadata: { name: 'no-template' }, spec: {} })).toEqual([]);
    expect(rulesOf({ kind: 'CronJob', metadata: { name: 'no-template' }, spec: { jobTemplate: {} } })).toEqual([]);
  });

  test('half-written objects are read safely: missing spec, template, containers or metadata', () => {
    for (const m of [
      { kind: 'CronJob', metadata: { name: 'c' } },
      { kind: 'CronJob', metadata: { name: 'c' }, spec: {} },
      { kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: {} } } },
      { kind: 'Deployment', metadata: { name: 'd' } },
      { kind: 'StatefulSet', metadata: { name: 's' }, spec: {} },
    ]) {
      expect(rulesOf(m)).toEqual([]);
    }
    // A pod with no containers has only pod-level findings.
    expect(rulesOf({ kind: 'Pod', metadata: { name: 'p' }, spec: { hostPID: true } })).toEqual([SecurityRule.NO_HOST_PID]);
    // An exception scoped by name does not match an object without metadata (and does not fail on it).
    const unnamed = { kind: 'Pod', spec: { hostPID: true } };
    expect(SecurityBaseline.check([unnamed], { exceptions: [{ rule: SecurityRule.NO_HOST_PID, reason: 'profiler', name: 'agent' }] }).map((f) => f.rule))
      .toEqual([SecurityRule.NO_HOST_PID]);
  });

  test('null, primitives and objects without metadata are skipped or named safely', () => {
    expect(SecurityBaseline.check([null, undefined, 'Deployment', 42])).toEqual([]);
    expect(messagesOf({ kind: 'Secret', stringData: { a: 'b' } })).toEqual([
      'Secret "": carries literal values in data/stringData; create the Secret out of band (or with an external secret operator) and reference it by name' + waiver('NO_LITERAL_SECRETS'),
    ]);
    expect(rulesOf({ kind: 'Secret', metadata: { name: 's' }, data: {}, stringData: {} })).toEqual([]);
    expect(rulesOf({ kind: 'ConfigMap', metadata: { name: 'c' }, data: { password: 'x' } })).toEqual([]);
  });

  test('memory request, CPU request and memory limit are each required, and all named when all are missing', () => {
    for (const [drop, missing] of [['requests.memory', 'requests.memory'], ['requests.cpu', 'requests.cpu'], ['limits.memory', 'limits.memory']]) {
      const d = goodDeployment();
      const [section, key] = drop.split('.');
      delete container(d).resources[section][key];
      expect(messagesOf(d)).toEqual([
        `Deployment "site/web" container "web": has no ${missing}; set CPU and memory requests and a memory limit${waiver('RESOURCES')}`,
      ]);
    }
    const d = goodDeployment();
    delete container(d).resources;
    expect(messagesOf(d)[0]).toMatch(/: has no requests\.cpu, requests\.memory, limits\.memory; /);
  });

  test('UID 0 at pod level is inherited by containers that do not override it', () => {
    const d = goodDeployment();
    d.spec.template.spec.securityContext.runAsUser = 0;
    expect(messagesOf(d)).toEqual([
      'Deployment "site/web" container "web": runs as UID 0; set securityContext.runAsNonRoot: true and a non-zero runAsUser (RestrictedSecurity.podSecurityContext())' + waiver('RUN_AS_NON_ROOT'),
    ]);
    container(d).securityContext.runAsUser = 1000;
    expect(rulesOf(d)).toEqual([]);
    // A container-level UID 0 wins over a non-root pod-level UID.
    container(d).securityContext.runAsUser = 0;
    expect(rulesOf(d)).toEqual([SecurityRule.RUN_AS_NON_ROOT]);
  });

  test('runAsNonRoot comes from the container, else the pod; unset at both levels is a finding', () => {
    const d = goodDeployment();
    delete d.spec.template.spec.securityContext.runAsNonRoot;
    expect(rulesOf(d)).toEqual([]);
    delete container(d).securityContext.runAsNonRoot;
    expect(messagesOf(d)[0]).toMatch(/container "web": does not set runAsNonRoot: true; /);
    d.spec.template.spec.securityContext.runAsNonRoot = true;
    expect(rulesOf(d)).toEqual([]);
    delete d.spec.template.spec.securityContext;
    container(d).securityContext.runAsNonRoot = true;
    container(d).securityContext.runAsUser = 1000;
    expect(rulesOf(d)).toEqual([]);
  });

  test('capabilities: ALL must be dropped; only NET_BIND_SERVICE may be added back; messages name what is wrong', () => {
    const d = goodDeployment();
    container(d).securityContext.capabilities.add = ['NET_BIND_SERVICE'];
    expect(rulesOf(d)).toEqual([]);
    container(d).securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN', 'NET_RAW'];
    expect(messagesOf(d)).toEqual([
      'Deployment "site/web" container "web": adds capabilities SYS_ADMIN, NET_RAW; set securityContext.capabilities: { drop: [ALL] } and add back at most NET_BIND_SERVICE' + waiver('DROP_ALL_CAPABILITIES'),
    ]);
    delete container(d).securityContext.capabilities;
    expect(messagesOf(d)[0]).toMatch(/container "web": does not drop ALL capabilities; /);
    container(d).securityContext.capabilities = { drop: ['NET_RAW', 'ALL'] };
    expect(rulesOf(d)).toEqual([]);
  });

  test('seccomp: RuntimeDefault or Localhost at container or pod level; the message names what is set', () => {
    const d = goodDeployment();
    container(d).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/minio.json' };
    expect(rulesOf(d)).toEqual([]);
    delete container(d).securityContext.seccompProfile;
    expect(rulesOf(d)).toEqual([]);
    delete d.spec.template.spec.securityContext.seccompProfile;
    expect(messagesOf(d)).toEqual([
      'Deployment "site/web" container "web": seccomp profile is unset; set securityContext.seccompProfile.type: RuntimeDefault' + waiver('SECCOMP'),
    ]);
    d.spec.template.spec.securityContext.seccompProfile = { type: 'Unconfined' };
    expect(messagesOf(d)[0]).toMatch(/: seccomp profile is Unconfined; /);
    // The container level overrides the pod level, in both directions.
    container(d).securityContext.seccompProfile = { type: 'RuntimeDefault' };
    expect(rulesOf(d)).toEqual([]);
    d.spec.template.spec.securityContext.seccompProfile = { type: 'RuntimeDefault' };
    container(d).securityContext.seccompProfile = { type: 'Unconfined' };
    expect(rulesOf(d)).toEqual([SecurityRule.SECCOMP]);
  });

  test('privilege escalation must be false, not merely unset or true; privileged false is fine', () => {
    const d = goodDeployment();
    container(d).securityContext.allowPrivilegeEscalation = true;
    expect(messagesOf(d)).toEqual([
      'Deployment "site/web" container "web": does not set allowPrivilegeEscalation: false; set securityContext.allowPrivilegeEscalation: false' + waiver('NO_PRIVILEGE_ESCALATION'),
    ]);
    container(d).securityContext.allowPrivilegeEscalation = false;
    container(d).securityContext.privileged = false;
    expect(rulesOf(d)).toEqual([]);
  });

  test('pod-level findings carry no container and name the pod problem', () => {
    const d = goodDeployment();
    Object.assign(d.spec.template.spec, { hostNetwork: true, hostPID: true, hostIPC: true, volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }, { name: 'cache', emptyDir: {} }] });
    const findings = SecurityBaseline.check([d]);
    expect(findings.map((f) => f.container)).toEqual([undefined, undefined, undefined, undefined]);
    expect(findings.map((f) => [f.kind, f.name, f.namespace])).toEqual(Array(4).fill(['Deployment', 'web', 'site']));
    expect(findings.map((f) => f.message)).toEqual([
      'Deployment "site/web": uses hostNetwork; use a Service or a hostPort-free design' + waiver('NO_HOST_NETWORK'),
      'Deployment "site/web": uses hostPID; remove hostPID' + waiver('NO_HOST_PID'),
      'Deployment "site/web": uses hostIPC; remove hostIPC' + waiver('NO_HOST_IPC'),
      'Deployment "site/web": mounts hostPath "/var/log" (volume "logs"); use a PersistentVolumeClaim on a LocalPV StorageClass' + waiver('NO_HOST_PATH'),
    ]);
    // false is the same as unset
    Object.assign(d.spec.template.spec, { hostNetwork: false, hostPID: false, hostIPC: false, volumes: [] });
    expect(rulesOf(d)).toEqual([]);
  });

  test('a finding without a namespace names the object alone; per-container findings name the container', () => {
    const d = goodDeployment();
    delete d.metadata.namespace;
    container(d).image = 'nginx:latest';
    const [f] = SecurityBaseline.check([d]);
    expect(f).toEqual({
      rule: SecurityRule.PINNED_IMAGE,
      kind: 'Deployment',
      name: 'web',
      namespace: undefined,
      container: 'web',
      message: 'Deployment "web" container "web": image "nginx:latest" is not pinned; use a version tag other than latest, or a sha256 digest' + waiver('PINNED_IMAGE'),
    });
  });

  test('images: a digest or a tag pins; a missing or non-string image does not', () => {
    const d = goodDeployment();
    container(d).image = `nginx@sha256:${'a'.repeat(64)}`;
    expect(rulesOf(d)).toEqual([]);
    delete container(d).image;
    expect(messagesOf(d)[0]).toMatch(/: image "undefined" is not pinned; /);
    container(d).image = 42;
    expect(rulesOf(d)).toEqual([SecurityRule.PINNED_IMAGE]);
  });

  test('sidecars (init containers with restartPolicy Always) need probes in long-running workloads only', () => {
    const sidecar = () => {
      const c = { ...podSpec().containers[0], name: 'proxy', restartPolicy: 'Always' };
      delete c.livenessProbe;
      return c;
    };
    const d = goodDeployment();
    d.spec.template.spec.initContainers = [sidecar()];
    expect(messagesOf(d)).toEqual([
      `Deployment "site/web" container "proxy": has no livenessProbe; add readiness and liveness probes${waiver('PROBES')}`,
    ]);
    expect(rulesOf(asKind('Job', { ...podSpec(), initContainers: [sidecar()] }))).toEqual([]);
    expect(rulesOf(asKind('Pod', { ...podSpec(), initContainers: [sidecar()] }, { restartPolicy: 'Never' }))).toEqual([]);
    // The sidecar is checked like any container.
    const privileged = sidecar();
    privileged.livenessProbe = { exec: { command: ['true'] } };
    privileged.securityContext = { ...privileged.securityContext, privileged: true };
    d.spec.template.spec.initContainers = [privileged];
    expect(rulesOf(d)).toEqual([SecurityRule.NO_PRIVILEGED]);
  });

  test('plain init containers and ephemeral containers are checked but need no probes', () => {
    const bare = () => {
      const c = { ...podSpec().containers[0], name: 'debug' };
      delete c.readinessProbe;
      delete c.livenessProbe;
      return c;
    };
    const d = goodDeployment();
    d.spec.template.spec.initContainers = [{ ...bare(), restartPolicy: 'OnFailure' }];
    d.spec.template.spec.ephemeralContainers = [bare()];
    expect(rulesOf(d)).toEqual([]);
    d.spec.template.spec.ephemeralContainers[0].securityContext = {};
    // runAsNonRoot and seccomp still come from the pod level.
    expect(SecurityBaseline.check([d]).map((f) => `${f.container}:${f.rule}`)).toEqual([
      `debug:${SecurityRule.NO_PRIVILEGE_ESCALATION}`, `debug:${SecurityRule.DROP_ALL_CAPABILITIES}`,
    ]);
    d.spec.template.spec.initContainers[0].securityContext = { runAsNonRoot: false };
    expect(SecurityBaseline.check([d]).filter((f) => f.container === 'debug' && f.rule === SecurityRule.RUN_AS_NON_ROOT)).toHaveLength(1);
  });

  test('exceptions need a non-blank reason, a known rule and a matching kind and name', () => {
    const d = goodDeployment();
    d.spec.template.spec.hostPID = true;
    const hostPid = (e: any) => SecurityBaseline.check([d], { exceptions: [{ rule: SecurityRule.NO_HOST_PID, ...e }] }).length;
    expect(hostPid({ reason: 'profiler' })).toBe(0);
    expect(hostPid({ reason: '' })).toBe(1);
    expect(hostPid({ reason: ' \t ' })).toBe(1);
    expect(hostPid({ reason: 'profiler', kind: 'Deployment' })).toBe(0);
    expect(hostPid({ reason: 'profiler', kind: 'StatefulSet' })).toBe(1);
    expect(hostPid({ reason: 'profiler', kind: 'StatefulSet', name: 'web' })).toBe(1);
    expect(hostPid({ reason: 'profiler', name: 'web' })).toBe(0);
    expect(hostPid({ reason: 'profiler', kind: 'Deployment', name: 'other' })).toBe(1);
    // Annotations: the reason must be a non-blank string and the rule one the baseline knows.
    const annotated = (annotations: any) => rulesOf({ ...d, metadata: { ...d.metadata, annotations } });
    const key = SecurityBaseline.exceptionAnnotation(SecurityRule.NO_HOST_PID);
    expect(key).toBe('security.cdk8s-edge-storage.io/allow-no-host-pid');
    expect(annotated({ [key]: 'profiler' })).toEqual([]);
    expect(annotated({ [key]: '' })).toEqual([SecurityRule.NO_HOST_PID]);
    expect(annotated({ [key]: true })).toEqual([SecurityRule.NO_HOST_PID]);
    expect(annotated({ 'security.cdk8s-edge-storage.io/allow-everything': 'yes', 'other.io/allow-no-host-pid': 'yes' })).toEqual([SecurityRule.NO_HOST_PID]);
  });

  test('listExceptions lists only the baseline annotations and tolerates objects without metadata', () => {
    expect(SecurityBaseline.listExceptions([
      { kind: 'Deployment', metadata: { name: 'web', annotations: { team: 'edge', [SecurityBaseline.exceptionAnnotation(SecurityRule.NO_HOST_NETWORK)]: 'multicast' } } },
      { kind: 'ConfigMap' },
      null,
      { kind: 'DaemonSet', metadata: { name: 'agent', annotations: { [SecurityBaseline.exceptionAnnotation(SecurityRule.NO_HOST_PATH)]: 'reads /var/log' } } },
    ])).toEqual(['Deployment/web: no-host-network: multicast', 'DaemonSet/agent: no-host-path: reads /var/log']);
  });
});

describe('SecurityBaseline.allow and enforce: reasons and options', () => {
  test('allow() refuses a blank reason with a message naming the rule and the object', () => {
    const c = chart('site');
    const obj = new ApiObject(c, 'web', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' } });
    expect(() => SecurityBaseline.allow(obj, SecurityRule.NO_HOST_PATH, '  ')).toThrow(
      'SecurityBaseline: reason = "": an exception to rule "no-host-path" on ConfigMap "test/web" must say why; pass a reason');
    expect(obj.toJson().metadata.annotations).toBeUndefined(); // conformance-exempt: a ConfigMap stub, only its annotations are read
  });

  test('enforce() honours the exceptions passed to it, and reports every finding', () => {
    const c = chart('site');
    const d = goodDeployment();
    d.spec.template.spec.hostPID = true;
    d.spec.template.spec.containers[0].securityContext.privileged = true;
    new ApiObject(c, 'web', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: d.spec } as any);
    SecurityBaseline.enforce(c, { exceptions: [{ rule: SecurityRule.NO_HOST_PID, reason: 'profiler' }] });
    expect(c.node.validate()).toEqual([
      'SecurityBaseline: Deployment "site/web" container "web": is privileged; remove privileged: true' + ', or waive it with SecurityBaseline.allow(obj, SecurityRule.NO_PRIVILEGED, reason)',
    ]);
    const plain = chart('site');
    new ApiObject(plain, 'web', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: d.spec } as any);
    SecurityBaseline.enforce(plain);
    expect(plain.node.validate()).toHaveLength(2);
  });
});
