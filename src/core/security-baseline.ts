import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ContainerImage } from './images';

/** The rules {@link SecurityBaseline} checks. Values are the suffixes of the exception annotation keys. */
export enum SecurityRule {
  /** Containers run with `runAsNonRoot: true` (pod or container level) and never as UID 0. */
  RUN_AS_NON_ROOT = 'run-as-non-root',
  /** Every container sets `allowPrivilegeEscalation: false`. */
  NO_PRIVILEGE_ESCALATION = 'no-privilege-escalation',
  /** Every container drops `ALL` capabilities and adds back at most `NET_BIND_SERVICE`. */
  DROP_ALL_CAPABILITIES = 'drop-all-capabilities',
  /** Seccomp profile `RuntimeDefault` (or `Localhost`) at pod or container level. */
  SECCOMP = 'seccomp',
  /** No `privileged: true` container. */
  NO_PRIVILEGED = 'no-privileged',
  /** No `hostNetwork: true`. */
  NO_HOST_NETWORK = 'no-host-network',
  /** No `hostPID: true`. */
  NO_HOST_PID = 'no-host-pid',
  /** No `hostIPC: true`. */
  NO_HOST_IPC = 'no-host-ipc',
  /** No `hostPath` volume. */
  NO_HOST_PATH = 'no-host-path',
  /** Every container requests CPU and memory and has a memory limit. */
  RESOURCES = 'resources',
  /** Long-running containers have readiness and liveness probes. */
  PROBES = 'probes',
  /** Images are pinned to a tag (not `latest`) or a digest. */
  PINNED_IMAGE = 'pinned-image',
  /** No Secret object carries literal values (`data`/`stringData`): credentials are referenced, never emitted. */
  NO_LITERAL_SECRETS = 'no-literal-secrets',
}

/** One violation found by {@link SecurityBaseline.check}. */
export interface SecurityFinding {
  /** The rule broken. */
  readonly rule: SecurityRule;
  /** Kind of the offending object. */
  readonly kind: string;
  /** `metadata.name` of the offending object. */
  readonly name: string;
  /**
   * `metadata.namespace` of the offending object.
   * @default - cluster-scoped or the chart's default namespace
   */
  readonly namespace?: string;
  /**
   * The container, for per-container rules.
   * @default - a pod- or object-level finding
   */
  readonly container?: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** An exception granted outside the manifests (for checking manifests you do not generate). */
export interface SecurityException {
  /** The rule waived. */
  readonly rule: SecurityRule;
  /** Why the workload needs it; must not be empty. */
  readonly reason: string;
  /**
   * Only for objects of this kind.
   * @default - any kind
   */
  readonly kind?: string;
  /**
   * Only for objects with this name.
   * @default - any name
   */
  readonly name?: string;
}

/** Options for {@link SecurityBaseline.check}. */
export interface SecurityCheckOptions {
  /**
   * Extra exceptions, on top of those annotated on the objects themselves.
   * @default - only annotated exceptions
   */
  readonly exceptions?: SecurityException[];
}

const ANNOTATION_PREFIX = 'security.cdk8s-edge-storage.io/allow-';
const LONG_RUNNING = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController']);
const RULES = new Set<string>(Object.values(SecurityRule));

/**
 * The library's security baseline: Pod Security "restricted" plus resources, probes, pinned images and no literal
 * credentials. Every object the library emits passes it by default; a workload that truly needs more carries an
 * explicit exception annotation naming the rule and the reason
 * (`security.cdk8s-edge-storage.io/allow-<rule>: <reason>`), added with {@link SecurityBaseline.allow}.
 */
export class SecurityBaseline {
  /** The annotation key that waives `rule` for one object. */
  public static exceptionAnnotation(rule: SecurityRule): string {
    return `${ANNOTATION_PREFIX}${rule}`;
  }

  /**
   * Waive `rule` for `apiObject`, recording `reason` in an annotation so reviewers see it in the YAML.
   * @throws when the reason is empty
   */
  public static allow(apiObject: ApiObject, rule: SecurityRule, reason: string): void {
    if (reason.trim().length === 0) {
      throw new Error(`SecurityBaseline: reason = "": an exception to rule "${rule}" on ${apiObject.kind} "${apiObject.node.path}" must say why; pass a reason`);
    }
    apiObject.metadata.addAnnotation(SecurityBaseline.exceptionAnnotation(rule), reason);
  }

  /**
   * Check manifests (plain objects, e.g. from `chart.toJson()` or parsed YAML) and return every violation.
   */
  public static check(manifests: any[], options: SecurityCheckOptions = {}): SecurityFinding[] {
    const findings: SecurityFinding[] = [];
    for (const manifest of manifests) {
      // Stryker disable next-line ConditionalExpression: a primitive has no kind or metadata, so it yields no finding either way
      if (!manifest || typeof manifest !== 'object') continue;
      const waived = SecurityBaseline.waivedRules(manifest, options.exceptions ?? []);
      for (const finding of SecurityBaseline.checkObject(manifest)) {
        if (!waived.has(finding.rule)) findings.push(finding);
      }
    }
    return findings;
  }

  /**
   * Every exception granted in `manifests` (from annotations), as `kind/name: rule: reason`, for review.
   */
  public static listExceptions(manifests: any[]): string[] {
    const out: string[] = [];
    for (const m of manifests) {
      for (const [key, reason] of Object.entries<string>(m?.metadata?.annotations ?? {})) {
        if (key.startsWith(ANNOTATION_PREFIX)) {
          // Stryker disable next-line OptionalChaining: the annotations came from metadata, so it exists here
          out.push(`${m.kind}/${m.metadata?.name}: ${key.slice(ANNOTATION_PREFIX.length)}: ${reason}`);
        }
      }
    }
    return out;
  }

  /**
   * Make synthesis fail when any object under `scope` (an App or a Chart) breaks the baseline.
   * The check runs at synth, so objects added after this call are covered too.
   */
  public static enforce(scope: IConstruct, options: SecurityCheckOptions = {}): void {
    scope.node.addValidation({
      validate: () => {
        const objects = scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((o) => o.toJson());
        return SecurityBaseline.check(objects, options).map((f) => `SecurityBaseline: ${f.message}`);
      },
    });
  }

  private static waivedRules(manifest: any, exceptions: SecurityException[]): Set<string> {
    const waived = new Set<string>();
    for (const [key, reason] of Object.entries<any>(manifest.metadata?.annotations ?? {})) {
      const rule = key.startsWith(ANNOTATION_PREFIX) ? key.slice(ANNOTATION_PREFIX.length) : undefined;
      // Stryker disable next-line ConditionalExpression,LogicalOperator: waiving a rule the baseline does not know matches no finding
      if (rule && RULES.has(rule) && typeof reason === 'string' && reason.trim().length > 0) waived.add(rule);
    }
    for (const e of exceptions) {
      if (e.reason.trim().length === 0) continue;
      if ((e.kind === undefined || e.kind === manifest.kind) && (e.name === undefined || e.name === manifest.metadata?.name)) {
        waived.add(e.rule);
      }
    }
    return waived;
  }

  private static podSpecOf(manifest: any): any | undefined {
    switch (manifest.kind) {
      case 'Pod': return manifest.spec;
      case 'CronJob': return manifest.spec?.jobTemplate?.spec?.template?.spec;
      case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'ReplicationController': case 'Job':
        return manifest.spec?.template?.spec;
      // Stryker disable next-line ConditionalExpression: falling out of the switch returns undefined as well
      default: return undefined;
    }
  }

  private static checkObject(manifest: any): SecurityFinding[] {
    const kind = String(manifest.kind);
    const name = String(manifest.metadata?.name ?? '');
    const namespace: string | undefined = manifest.metadata?.namespace;
    const where = `${kind} "${namespace ? `${namespace}/` : ''}${name}"`;
    const findings: SecurityFinding[] = [];
    const add = (rule: SecurityRule, problem: string, fix: string, container?: string) => findings.push({
      rule,
      kind,
      name,
      namespace,
      container,
      message: `${where}${container ? ` container "${container}"` : ''}: ${problem}; ${fix}, or waive it with SecurityBaseline.allow(obj, SecurityRule.${SecurityBaseline.ruleKey(rule)}, reason)`,
    });

    if (kind === 'Secret' && (Object.keys(manifest.data ?? {}).length > 0 || Object.keys(manifest.stringData ?? {}).length > 0)) {
      add(SecurityRule.NO_LITERAL_SECRETS, 'carries literal values in data/stringData', 'create the Secret out of band (or with an external secret operator) and reference it by name');
    }

    const pod = SecurityBaseline.podSpecOf(manifest);
    if (!pod) return findings;
    const podSc = pod.securityContext ?? {};
    if (pod.hostNetwork === true) add(SecurityRule.NO_HOST_NETWORK, 'uses hostNetwork', 'use a Service or a hostPort-free design');
    if (pod.hostPID === true) add(SecurityRule.NO_HOST_PID, 'uses hostPID', 'remove hostPID');
    if (pod.hostIPC === true) add(SecurityRule.NO_HOST_IPC, 'uses hostIPC', 'remove hostIPC');
    // Stryker disable next-line ArrayDeclaration: a placeholder entry has no hostPath
    for (const v of pod.volumes ?? []) {
      if (v.hostPath) add(SecurityRule.NO_HOST_PATH, `mounts hostPath "${v.hostPath.path}" (volume "${v.name}")`, 'use a PersistentVolumeClaim on a LocalPV StorageClass');
    }

    const restartNever = kind === 'Pod' && (pod.restartPolicy === 'Never' || pod.restartPolicy === 'OnFailure');
    const longRunning = LONG_RUNNING.has(kind) && !restartNever;
    const groups: Array<[any[], boolean]> = [
      [pod.containers ?? [], longRunning],
      // Sidecars (init containers with restartPolicy Always) run for the pod's lifetime.
      // Stryker disable next-line ArrayDeclaration: a placeholder entry has no restartPolicy Always
      [(pod.initContainers ?? []).filter((c: any) => c.restartPolicy === 'Always'), longRunning],
      [(pod.initContainers ?? []).filter((c: any) => c.restartPolicy !== 'Always'), false],
      [pod.ephemeralContainers ?? [], false],
    ];
    for (const [containers, needsProbes] of groups) {
      for (const c of containers) {
        const sc = c.securityContext ?? {};
        const cn = String(c.name);
        const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
        const runAsUser = sc.runAsUser ?? podSc.runAsUser;
        if (runAsNonRoot !== true || runAsUser === 0) {
          add(SecurityRule.RUN_AS_NON_ROOT, runAsUser === 0 ? 'runs as UID 0' : 'does not set runAsNonRoot: true', 'set securityContext.runAsNonRoot: true and a non-zero runAsUser (RestrictedSecurity.podSecurityContext())', cn);
        }
        if (sc.allowPrivilegeEscalation !== false) {
          add(SecurityRule.NO_PRIVILEGE_ESCALATION, 'does not set allowPrivilegeEscalation: false', 'set securityContext.allowPrivilegeEscalation: false', cn);
        }
        // Stryker disable next-line ArrayDeclaration: a placeholder entry is not ALL
        const drop: string[] = sc.capabilities?.drop ?? [];
        const extra = (sc.capabilities?.add ?? []).filter((a: string) => a !== 'NET_BIND_SERVICE');
        if (!drop.includes('ALL') || extra.length > 0) {
          add(SecurityRule.DROP_ALL_CAPABILITIES, !drop.includes('ALL') ? 'does not drop ALL capabilities' : `adds capabilities ${extra.join(', ')}`, 'set securityContext.capabilities: { drop: [ALL] } and add back at most NET_BIND_SERVICE', cn);
        }
        const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
        if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
          add(SecurityRule.SECCOMP, `seccomp profile is ${seccomp ?? 'unset'}`, 'set securityContext.seccompProfile.type: RuntimeDefault', cn);
        }
        if (sc.privileged === true) add(SecurityRule.NO_PRIVILEGED, 'is privileged', 'remove privileged: true', cn);
        const req = c.resources?.requests ?? {};
        const lim = c.resources?.limits ?? {};
        const missing = [req.cpu === undefined && 'requests.cpu', req.memory === undefined && 'requests.memory', lim.memory === undefined && 'limits.memory'].filter(Boolean);
        if (missing.length > 0) add(SecurityRule.RESOURCES, `has no ${missing.join(', ')}`, 'set CPU and memory requests and a memory limit', cn);
        if (needsProbes) {
          const probes = [!c.readinessProbe && 'readinessProbe', !c.livenessProbe && 'livenessProbe'].filter(Boolean);
          if (probes.length > 0) add(SecurityRule.PROBES, `has no ${probes.join(' or ')}`, 'add readiness and liveness probes', cn);
        }
        if (typeof c.image !== 'string' || !ContainerImage.isPinned(c.image)) {
          add(SecurityRule.PINNED_IMAGE, `image "${c.image}" is not pinned`, 'use a version tag other than latest, or a sha256 digest', cn);
        }
      }
    }
    return findings;
  }

  private static ruleKey(rule: SecurityRule): string {
    // Stryker disable next-line OptionalChaining: every SecurityRule value has a key
    return Object.entries(SecurityRule).find(([, v]) => v === rule)?.[0] ?? rule;
  }

  private constructor() {}
}
