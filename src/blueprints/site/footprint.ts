import { parseQuantity } from './quantity';

/** What a set of manifests asks of a namespace when every workload runs at once. */
export interface Footprint {
  /** Pods at peak (replicas + rolling-update surge + one run of each Job/CronJob). */
  readonly pods: number;
  /** CPU requested, in cores. */
  readonly cpuRequests: number;
  /** CPU limits, in cores (containers without a CPU limit count 0). */
  readonly cpuLimits: number;
  /** Memory requested, in bytes. */
  readonly memoryRequests: number;
  /** Memory limits, in bytes. */
  readonly memoryLimits: number;
  /** Bytes requested by PersistentVolumeClaims (incl. StatefulSet claim templates × replicas). */
  readonly storageRequests: number;
  /** Number of PersistentVolumeClaims. */
  readonly claims: number;
}

interface PodShape { spec: any; count: number }

function podsOf(m: any): PodShape[] {
  switch (m.kind) {
    case 'Deployment': {
      const replicas = m.spec?.replicas ?? 1;
      const surgeSpec = m.spec?.strategy?.type === 'Recreate' ? 0 : m.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
      const surge = typeof surgeSpec === 'string' && surgeSpec.endsWith('%') ? Math.ceil(replicas * parseFloat(surgeSpec) / 100) : Number(surgeSpec);
      return [{ spec: m.spec?.template?.spec, count: replicas + surge }];
    }
    case 'StatefulSet': return [{ spec: m.spec?.template?.spec, count: m.spec?.replicas ?? 1 }];
    case 'DaemonSet': return [{ spec: m.spec?.template?.spec, count: 1 }];
    case 'Job': return [{ spec: m.spec?.template?.spec, count: m.spec?.parallelism ?? 1 }];
    case 'CronJob': {
      const job = m.spec?.jobTemplate?.spec;
      const overlap = m.spec?.concurrencyPolicy === 'Allow' || m.spec?.concurrencyPolicy === undefined ? 2 : 1;
      return [{ spec: job?.template?.spec, count: (job?.parallelism ?? 1) * overlap }];
    }
    case 'Pod': return [{ spec: m.spec, count: 1 }];
    // Operator-managed workloads (Strimzi): the pods the operator will create from the CR.
    case 'KafkaNodePool': return [{ spec: { containers: [{ resources: m.spec?.resources }] }, count: m.spec?.replicas ?? 1 }];
    case 'KafkaMirrorMaker2': return [{ spec: { containers: [{ resources: m.spec?.resources }] }, count: m.spec?.replicas ?? 1 }];
    case 'Kafka': {
      const eo = m.spec?.entityOperator;
      if (!eo) return [];
      const containers = [eo.topicOperator, eo.userOperator].filter(Boolean).map((o: any) => ({ resources: o.resources }));
      return [{ spec: { containers }, count: 1 }];
    }
    default: return [];
  }
}

function podResources(spec: any, key: 'requests' | 'limits', resource: string): number {
  const sum = (cs: any[]) => cs.reduce((acc, c) => acc + parseQuantity(c.resources?.[key]?.[resource] ?? 0), 0);
  const init = (spec?.initContainers ?? []) as any[];
  const sidecars = sum(init.filter((c) => c.restartPolicy === 'Always'));
  const plainInit = Math.max(0, ...init.filter((c) => c.restartPolicy !== 'Always').map((c) => sum([c])));
  return Math.max(sum(spec?.containers ?? []) + sidecars, plainInit + sidecars);
}

/**
 * Adds up what workloads ask of a namespace.
 *
 * Internal (not exported from the package; the library's files and the tests import it by path).
 */
export class WorkloadFootprint {
  /** The peak demand of `manifests` (plain objects, e.g. from `chart.toJson()`). */
  public static of(manifests: any[]): Footprint {
    let pods = 0; let cpuRequests = 0; let cpuLimits = 0; let memoryRequests = 0; let memoryLimits = 0; let storageRequests = 0; let claims = 0;
    for (const m of manifests) {
      for (const p of podsOf(m)) {
        pods += p.count;
        cpuRequests += p.count * podResources(p.spec, 'requests', 'cpu');
        cpuLimits += p.count * podResources(p.spec, 'limits', 'cpu');
        memoryRequests += p.count * podResources(p.spec, 'requests', 'memory');
        memoryLimits += p.count * podResources(p.spec, 'limits', 'memory');
      }
      if (m.kind === 'KafkaNodePool') {
        const volumes = m.spec?.storage?.type === 'jbod' ? m.spec.storage.volumes ?? [] : [m.spec?.storage ?? {}];
        for (const v of volumes.filter((x: any) => x.type === 'persistent-claim')) {
          claims += m.spec?.replicas ?? 1;
          storageRequests += (m.spec?.replicas ?? 1) * parseQuantity(v.size ?? 0);
        }
      }
      if (m.kind === 'PersistentVolumeClaim') {
        claims += 1;
        storageRequests += parseQuantity(m.spec?.resources?.requests?.storage ?? 0);
      }
      if (m.kind === 'StatefulSet') {
        for (const t of m.spec?.volumeClaimTemplates ?? []) {
          claims += m.spec?.replicas ?? 1;
          storageRequests += (m.spec?.replicas ?? 1) * parseQuantity(t.spec?.resources?.requests?.storage ?? 0);
        }
      }
    }
    return { pods, cpuRequests, cpuLimits, memoryRequests, memoryLimits, storageRequests, claims };
  }

  private constructor() {}
}
