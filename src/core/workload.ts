// The one builder of every pod template the library emits (CronJob, Job, Deployment, StatefulSet): Pod Security
// "restricted" contexts, no service-account token, requests and limits on every container, probes on long-running
// ones; and the labels of the pods it builds, so policies and grants select them through the workload itself.
// Internal: not re-exported from src/core/index.ts (jsii-invisible); building blocks import it by path.
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ContainerImage } from './images';
import { EdgeLabels } from './labels';
import { LeastPrivilegePolicySpec, leastPrivilegePolicy, leastPrivilegeSpec } from './network-policy';
import { RestrictedPodSecurityOptions, RestrictedSecurity } from './security';

/** Who the pods are: the recommended labels derive from it. */
export interface WorkloadIdentity {
  /** `app.kubernetes.io/name`, e.g. `rclone`. */
  readonly app: string;
  /** `app.kubernetes.io/instance`: the object name. */
  readonly instance: string;
  /** `app.kubernetes.io/component`, e.g. `backup`. */
  readonly component: string;
  /** The image: its tag becomes `app.kubernetes.io/version`. */
  readonly image: ContainerImage;
  /**
   * The component joins the pod labels: for several workloads of one instance (a MinIO cluster's servers and its
   * provisioning Job), so that each selects only its own pods.
   */
  readonly selectByComponent?: boolean;
}

/** A container of a restricted pod: its security context comes from the builder; resources are required. */
export type RestrictedContainer = Omit<k8s.Container, 'image' | 'securityContext' | 'resources'> & {
  readonly image: ContainerImage;
  readonly resources: k8s.ResourceRequirements;
};

/** A container that runs until stopped: it also needs readiness and liveness probes. */
export type LongRunningContainer = RestrictedContainer & {
  readonly readinessProbe: k8s.Probe;
  readonly livenessProbe: k8s.Probe;
};

/** The pod part of a workload. */
export interface RestrictedPodOptions<C extends RestrictedContainer = RestrictedContainer> {
  readonly containers: C[];
  /** Containers that run to completion before the main ones (restricted too). */
  readonly initContainers?: RestrictedContainer[];
  readonly volumes?: k8s.Volume[];
  /** Pod-level security options (UID, GID, fsGroup). */
  readonly security?: RestrictedPodSecurityOptions;
  /** Leave fsGroup out (the kubelet would re-own every mounted volume to it). */
  readonly withoutFsGroup?: boolean;
  /** Pod template annotations (e.g. a config checksum that rolls the pods). */
  readonly annotations?: { [key: string]: string };
  /** Further pod spec fields (scheduling, grace period…); never the security fields. */
  readonly spec?: Omit<k8s.PodSpec, 'containers' | 'initContainers' | 'volumes' | 'securityContext' | 'automountServiceAccountToken'>;
}

/** What a Job's runs look like, alone or as a CronJob's template. */
export interface RestrictedJobSpecOptions {
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds: number;
  readonly ttlSecondsAfterFinished?: number;
  readonly podFailurePolicy?: k8s.PodFailurePolicy;
  readonly pod: RestrictedPodOptions;
}

/** The CronJob part of a scheduled workload. */
export interface RestrictedCronJobOptions extends RestrictedJobSpecOptions {
  readonly schedule: string;
  readonly timeZone?: string;
  readonly startingDeadlineSeconds?: number;
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
  readonly suspend?: boolean;
}

/** The Job part of a workload that runs once to completion. */
export interface RestrictedJobOptions extends RestrictedJobSpecOptions {
  /** metadata.name, when not the workload's name (e.g. the Job of a cluster, `<cluster>-provision`). */
  readonly name?: string;
  /**
   * The Job's name, when it is only known at synth (a Job's spec is immutable: a Job named by a hash of its content
   * runs again when the content changes).
   */
  readonly nameAtSynth?: () => string;
}

/** The Deployment part of a long-running workload. */
export interface RestrictedDeploymentOptions {
  readonly replicas: number;
  readonly strategy?: k8s.DeploymentStrategy;
  /** Object annotations (not the pods'). */
  readonly annotations?: { [key: string]: string };
  readonly pod: RestrictedPodOptions<LongRunningContainer>;
}

/** The StatefulSet part of a long-running workload. */
export interface RestrictedStatefulSetOptions {
  readonly replicas: number;
  readonly serviceName: string;
  readonly podManagementPolicy?: string;
  readonly updateStrategy?: k8s.StatefulSetUpdateStrategy;
  readonly persistentVolumeClaimRetentionPolicy?: k8s.StatefulSetPersistentVolumeClaimRetentionPolicy;
  /**
   * Claims per pod: their metadata carries the pod labels only, which never change (the API server refuses any change
   * to a StatefulSet's claim templates, so a version label there would make every image upgrade fail).
   */
  readonly volumeClaimTemplates?: Array<{ name: string; spec: k8s.PersistentVolumeClaimSpec }>;
  readonly pod: RestrictedPodOptions<LongRunningContainer>;
}

/**
 * One workload the library emits: its name, namespace and labels, and builders for its restricted pod template and
 * the object that runs it. `podLabels` is what selects its pods: Services, PodDisruptionBudgets, NetworkPolicies,
 * grants and site flows use it rather than deriving the labels again.
 */
export class RestrictedWorkload {
  /**
   * The labels that select the pods of `app` named `instance` (name + instance, stable across upgrades), and the
   * component when given (see `WorkloadIdentity.selectByComponent`).
   */
  public static podLabelsOf(app: string, instance: string, component?: string): { [key: string]: string } {
    return { ...EdgeLabels.selector({ name: app, instance }), ...(component ? { 'app.kubernetes.io/component': component } : {}) };
  }

  /** metadata.name of the workload. */
  public readonly name: string;
  /** metadata.namespace, when given (else the chart's). */
  public readonly namespace?: string;
  /** The recommended labels of the workload's objects. */
  public readonly labels: { [key: string]: string };
  /** The labels that select its pods. */
  public readonly podLabels: { [key: string]: string };

  constructor(identity: WorkloadIdentity, namespace?: string) {
    this.name = identity.instance;
    this.namespace = namespace;
    this.labels = EdgeLabels.standard({
      name: identity.app, instance: identity.instance, component: identity.component, version: identity.image.version,
    });
    this.podLabels = RestrictedWorkload.podLabelsOf(identity.app, identity.instance, identity.selectByComponent ? identity.component : undefined);
  }

  /** metadata of an object of this workload (name defaults to the workload's). */
  public metadata(name?: string, annotations?: { [key: string]: string }): k8s.ObjectMeta {
    return {
      name: name ?? this.name,
      ...(this.namespace ? { namespace: this.namespace } : {}),
      labels: this.labels,
      ...(annotations ? { annotations } : {}),
    };
  }

  /** `{ matchLabels: podLabels }`. */
  public get selector(): k8s.LabelSelector {
    return { matchLabels: this.podLabels };
  }

  /** A pod template meeting Pod Security "restricted". */
  public podTemplate(options: RestrictedPodOptions): k8s.PodTemplateSpec {
    const podSecurity = RestrictedSecurity.podSecurityContext(options.security);
    const securityContext: k8s.PodSecurityContext = options.withoutFsGroup
      ? Object.fromEntries(Object.entries(podSecurity).filter(([k]) => k !== 'fsGroup' && k !== 'fsGroupChangePolicy'))
      : podSecurity;
    const restricted = (c: RestrictedContainer): k8s.Container => ({
      ...c,
      image: c.image.reference,
      securityContext: RestrictedSecurity.containerSecurityContext(),
    });
    const containers = options.containers.map(restricted);
    return {
      metadata: { labels: this.labels, ...(options.annotations ? { annotations: options.annotations } : {}) },
      spec: {
        automountServiceAccountToken: false,
        securityContext,
        ...(options.spec ?? {}),
        ...(options.initContainers && options.initContainers.length > 0 ? { initContainers: options.initContainers.map(restricted) } : {}),
        containers,
        ...(options.volumes ? { volumes: options.volumes } : {}),
      },
    };
  }

  /** A CronJob whose runs never overlap (`concurrencyPolicy: Forbid`) and never restart a failed pod in place. */
  public cronJob(scope: Construct, id: string, options: RestrictedCronJobOptions): k8s.KubeCronJob {
    return new k8s.KubeCronJob(scope, id, {
      metadata: this.metadata(),
      spec: {
        schedule: options.schedule,
        ...(options.timeZone ? { timeZone: options.timeZone } : {}),
        concurrencyPolicy: 'Forbid',
        ...(options.startingDeadlineSeconds !== undefined ? { startingDeadlineSeconds: options.startingDeadlineSeconds } : {}),
        successfulJobsHistoryLimit: options.successfulJobsHistoryLimit,
        failedJobsHistoryLimit: options.failedJobsHistoryLimit,
        ...(options.suspend !== undefined ? { suspend: options.suspend } : {}),
        jobTemplate: { metadata: { labels: this.labels }, spec: this.jobSpec(options) },
      },
    });
  }

  /** A Job that never restarts a failed pod in place (retries are new pods, up to `backoffLimit`). */
  public job(scope: Construct, id: string, options: RestrictedJobOptions): k8s.KubeJob {
    const props: k8s.KubeJobProps = { metadata: this.metadata(options.name), spec: this.jobSpec(options) };
    return options.nameAtSynth ? new JobNamedAtSynth(scope, id, options.nameAtSynth, props) : new k8s.KubeJob(scope, id, props);
  }

  /** A Job spec (also a CronJob's template) whose failed pods are never restarted in place. */
  private jobSpec(options: RestrictedJobSpecOptions): k8s.JobSpec {
    const template = this.podTemplate(options.pod);
    return {
      backoffLimit: options.backoffLimit,
      activeDeadlineSeconds: options.activeDeadlineSeconds,
      ...(options.ttlSecondsAfterFinished !== undefined ? { ttlSecondsAfterFinished: options.ttlSecondsAfterFinished } : {}),
      ...(options.podFailurePolicy ? { podFailurePolicy: options.podFailurePolicy } : {}),
      template: { ...template, spec: { restartPolicy: 'Never', ...template.spec! } },
    };
  }

  /** A Deployment of long-running pods. */
  public deployment(scope: Construct, id: string, options: RestrictedDeploymentOptions): k8s.KubeDeployment {
    return new k8s.KubeDeployment(scope, id, {
      metadata: this.metadata(undefined, options.annotations),
      spec: {
        replicas: options.replicas,
        selector: this.selector,
        ...(options.strategy ? { strategy: options.strategy } : {}),
        template: this.podTemplate(options.pod),
      },
    });
  }

  /** A StatefulSet of long-running pods. */
  public statefulSet(scope: Construct, id: string, options: RestrictedStatefulSetOptions): k8s.KubeStatefulSet {
    return new k8s.KubeStatefulSet(scope, id, {
      metadata: this.metadata(),
      spec: {
        replicas: options.replicas,
        serviceName: options.serviceName,
        ...(options.podManagementPolicy ? { podManagementPolicy: options.podManagementPolicy } : {}),
        selector: this.selector,
        ...(options.updateStrategy ? { updateStrategy: options.updateStrategy } : {}),
        template: this.podTemplate(options.pod),
        ...(options.persistentVolumeClaimRetentionPolicy
          ? { persistentVolumeClaimRetentionPolicy: options.persistentVolumeClaimRetentionPolicy } : {}),
        ...(options.volumeClaimTemplates ? {
          volumeClaimTemplates: options.volumeClaimTemplates.map((c) => ({ metadata: { name: c.name, labels: this.podLabels }, spec: c.spec })),
        } : {}),
      },
    });
  }

  /**
   * The least-privilege NetworkPolicy of this workload's pods (named, labelled and selecting as the workload). Given a
   * function, the rules are produced at synth (for peers added after construction, such as grants).
   */
  public networkPolicy(
    scope: Construct, id: string, spec: WorkloadPolicyRules | (() => WorkloadPolicyRules), name?: string,
  ): k8s.KubeNetworkPolicy {
    const full = (rules: WorkloadPolicyRules): LeastPrivilegePolicySpec => ({
      ...rules, name: name ?? this.name, namespace: this.namespace, labels: this.labels, podLabels: this.podLabels,
    });
    if (typeof spec !== 'function') return leastPrivilegePolicy(scope, id, full(spec));
    return new k8s.KubeNetworkPolicy(scope, id, {
      metadata: this.metadata(name),
      spec: Lazy.any({ produce: () => leastPrivilegeSpec(full(spec())) }) as unknown as k8s.NetworkPolicySpec,
    });
  }
}

/** The rules of a workload's NetworkPolicy: what it lets in and out (the rest comes from the workload). */
export type WorkloadPolicyRules = Omit<LeastPrivilegePolicySpec, 'name' | 'namespace' | 'labels' | 'podLabels'>;

/** A Job whose name is only known at synth. */
class JobNamedAtSynth extends k8s.KubeJob {
  constructor(scope: Construct, id: string, private readonly nameAtSynth: () => string, props: k8s.KubeJobProps) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    json.metadata.name = this.nameAtSynth();
    return json;
  }
}
