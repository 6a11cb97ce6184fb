import { ApiObject, Chart, JsonPatch, Size } from 'cdk8s';
import { ContainerResources, k8s } from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { edgeError, KubeNames, Resources } from '../../core';

/**
 * A CRUSH failure domain: the bucket type across which a pool spreads its replicas or erasure-coded chunks.
 * Rook labels OSDs with `host` (the node name) and, from node labels, `zone`/`region`
 * (`topology.kubernetes.io/*`) and `rack`, `row`, `room`, `datacenter`, `chassis` (`topology.rook.io/*`).
 */
export class CephFailureDomain {
  /** Each OSD is its own failure domain: survives disk loss only. */
  public static readonly OSD = new CephFailureDomain('osd');
  /** Each node is a failure domain (Rook's default): survives the loss of whole nodes. */
  public static readonly HOST = new CephFailureDomain('host');
  /** Racks, from the `topology.rook.io/rack` node label. */
  public static readonly RACK = new CephFailureDomain('rack');
  /** Zones, from the `topology.kubernetes.io/zone` node label. */
  public static readonly ZONE = new CephFailureDomain('zone');
  /** Regions, from the `topology.kubernetes.io/region` node label. */
  public static readonly REGION = new CephFailureDomain('region');

  /**
   * Another CRUSH bucket type (e.g. `row`, `room`, `datacenter`, `chassis`).
   * @throws when the name is not a lowercase identifier
   */
  public static custom(typeName: string): CephFailureDomain {
    if (!/^[a-z][a-z0-9_-]*$/.test(typeName)) {
      throw new Error(`CephFailureDomain: type = ${JSON.stringify(typeName)}: must be a CRUSH bucket type name (lowercase letters, digits, '-', '_'); use e.g. "rack" or "datacenter"`);
    }
    return new CephFailureDomain(typeName);
  }

  private constructor(
    /** The CRUSH type name, as written to `failureDomain`. */
    public readonly value: string) {}

  /** Same as `value`. */
  public toString(): string {
    return this.value;
  }
}

/** Inline compression of a pool's data (`compression_mode`). */
export enum CephPoolCompression {
  /** Never compress. */
  NONE = 'none',
  /** Compress only when the client hints that data is compressible. */
  PASSIVE = 'passive',
  /** Compress unless the client hints that data is incompressible. */
  AGGRESSIVE = 'aggressive',
  /** Always compress. */
  FORCE = 'force',
}

/** Erasure-code plugin of a pool. */
export enum CephErasureCodeAlgorithm {
  /** Intel ISA-L (fast on x86). */
  ISA = 'isa',
  /** Jerasure (portable). */
  JERASURE = 'jerasure',
}

/** Options shared by replicated and erasure-coded pools. */
export interface CephPoolOptions {
  /**
   * CRUSH failure domain across which the pool spreads its copies or chunks.
   * @default CephFailureDomain.HOST
   */
  readonly failureDomain?: CephFailureDomain;
  /**
   * CRUSH device class (`hdd`, `ssd`, `nvme` or a custom class) the pool is restricted to. Set it on every pool of
   * the cluster or on none: mixing pools with and without a device class makes the PG autoscaler see overlapping
   * roots and stop working.
   * @default - any device
   */
  readonly deviceClass?: string;
  /**
   * Inline compression.
   * @default - Ceph's default (no compression)
   */
  readonly compression?: CephPoolCompression;
  /**
   * Expected share of the cluster's capacity (0–1), a hint for the PG autoscaler.
   * @default - no hint
   */
  readonly targetSizeRatio?: number;
  /**
   * Maximum bytes the pool may hold (pool quota).
   * @default - no quota
   */
  readonly quota?: Size;
  /**
   * Extra Ceph pool properties (`ceph osd pool set <pool> <key> <value>`).
   * @default - none
   */
  readonly parameters?: { [key: string]: string };
}

/** A replicated pool. */
export interface CephReplicatedPoolOptions extends CephPoolOptions {
  /**
   * Copies of every object (the pool's `size`). Needs at least that many failure domains.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Refuse `replicas: 1` (Rook's `requireSafeReplicaSize`). Turn off only for throw-away data.
   * @default true
   */
  readonly requireSafeReplicaSize?: boolean;
}

/** An erasure-coded pool: objects are cut into `dataChunks` pieces plus `codingChunks` parity pieces. */
export interface CephErasureCodedPoolOptions extends CephPoolOptions {
  /**
   * Data chunks per object (k). At least 2.
   * @default 2
   */
  readonly dataChunks?: number;
  /**
   * Coding (parity) chunks per object (m): how many failure domains may be lost. At least 1; 1 is extremely risky.
   * @default 2
   */
  readonly codingChunks?: number;
  /**
   * Erasure-code plugin.
   * @default - the cluster's `osd_pool_default_erasure_code_profile` plugin
   */
  readonly algorithm?: CephErasureCodeAlgorithm;
}

/** What the cluster needs to know about each pool to check placement. */
export interface CephPoolRecord {
  /** The construct that owns the pool (named in messages). */
  readonly owner: IConstruct;
  /** Ceph pool name (for messages). */
  readonly poolName: string;
  /** The option path used in messages, e.g. `metadataPool`. */
  readonly prop: string;
  readonly replicated: boolean;
  /** How many failure domains one object spans: the copies of a replicated pool, k + m chunks of an erasure-coded one. */
  readonly size: number;
  readonly dataChunks?: number;
  readonly codingChunks?: number;
  readonly failureDomain: string;
  readonly deviceClass?: string;
}

/** Renders pool options into Rook's PoolSpec. Not exported from the package. */
export class PoolSpecs {
  public static replicated(opts: CephReplicatedPoolOptions): any {
    return {
      failureDomain: (opts.failureDomain ?? CephFailureDomain.HOST).value,
      ...(opts.deviceClass ? { deviceClass: opts.deviceClass } : {}),
      replicated: {
        size: opts.replicas ?? 3,
        requireSafeReplicaSize: opts.requireSafeReplicaSize ?? true,
        // Stryker disable next-line ConditionalExpression: an undefined ratio is dropped from the JSON either way
        ...(opts.targetSizeRatio !== undefined ? { targetSizeRatio: opts.targetSizeRatio } : {}),
      },
      ...PoolSpecs.common(opts),
    };
  }

  public static erasureCoded(opts: CephErasureCodedPoolOptions): any {
    return {
      failureDomain: (opts.failureDomain ?? CephFailureDomain.HOST).value,
      ...(opts.deviceClass ? { deviceClass: opts.deviceClass } : {}),
      erasureCoded: {
        dataChunks: opts.dataChunks ?? 2,
        codingChunks: opts.codingChunks ?? 2,
        ...(opts.algorithm ? { algorithm: opts.algorithm } : {}),
      },
      ...PoolSpecs.common(opts, opts.targetSizeRatio),
    };
  }

  /** A quota as Rook's `maxSize` string (`10Gi`). */
  public static quotaString(size: Size): string {
    return Resources.sizeString(size);
  }

  /** Checks pool options that are wrong on their own (before any cluster-wide placement check). */
  public static validate(owner: IConstruct, prop: string, opts: CephReplicatedPoolOptions | CephErasureCodedPoolOptions,
    erasureCoded: boolean): void {
    const p = (name: string) => (prop ? `${prop}.${name}` : name);
    // Stryker disable next-line ConditionalExpression: an undefined class tests as the text "undefined", which the pattern accepts
    if (opts.deviceClass !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(opts.deviceClass)) {
      throw edgeError(owner, { prop: p('deviceClass'), value: opts.deviceClass, rule: 'must be a CRUSH device class name (letters, digits, "-", "_")', fix: 'use e.g. "ssd", "hdd" or "nvme"' });
    }
    if (opts.targetSizeRatio !== undefined && !(opts.targetSizeRatio > 0 && opts.targetSizeRatio <= 1)) {
      throw edgeError(owner, { prop: p('targetSizeRatio'), value: opts.targetSizeRatio, rule: 'must be a share of the cluster between 0 (exclusive) and 1', fix: 'use e.g. 0.5 for half of the cluster' });
    }
    if (opts.quota !== undefined && Resources.bytes(opts.quota) < 1024 * 1024) {
      throw edgeError(owner, { prop: p('quota'), value: Resources.sizeString(opts.quota), rule: 'must be at least 1 MiB', fix: 'use a larger quota or omit it' });
    }
    if (!erasureCoded) {
      const r = opts as CephReplicatedPoolOptions;
      const size = r.replicas ?? 3;
      if (!Number.isInteger(size) || size < 1 || size > 10) {
        throw edgeError(owner, { prop: p('replicas'), value: size, rule: 'must be a whole number of copies from 1 to 10', fix: 'use 3 (Ceph\'s default) or 2 on very small clusters' });
      }
      if (size === 1 && (r.requireSafeReplicaSize ?? true)) {
        throw edgeError(owner, { prop: p('replicas'), value: 1, rule: 'a single copy loses data with any disk failure, and Rook refuses it while requireSafeReplicaSize is true', fix: 'use 2 or 3 replicas, or set requireSafeReplicaSize: false for throw-away data' });
      }
    } else {
      const e = opts as CephErasureCodedPoolOptions;
      const k = e.dataChunks ?? 2;
      const m = e.codingChunks ?? 2;
      if (!Number.isInteger(k) || k < 2) {
        throw edgeError(owner, { prop: p('dataChunks'), value: k, rule: 'erasure coding needs at least 2 data chunks (with 1 it is plain replication at higher cost)', fix: 'use dataChunks 2 or more, or a replicated pool' });
      }
      if (!Number.isInteger(m) || m < 1) {
        throw edgeError(owner, { prop: p('codingChunks'), value: m, rule: 'with 0 coding chunks the loss of any one failure domain loses data', fix: 'use codingChunks 2 (or at least 1)' });
      }
    }
  }

  private static common(opts: CephPoolOptions, ecTargetSizeRatio?: number): any {
    const parameters: { [key: string]: string } = { ...(opts.parameters ?? {}) };
    if (opts.compression) parameters.compression_mode = opts.compression;
    if (ecTargetSizeRatio !== undefined) parameters.target_size_ratio = String(ecTargetSizeRatio);
    return {
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
      ...(opts.quota ? { quotas: { maxSize: PoolSpecs.quotaString(opts.quota) } } : {}),
    };
  }

  private constructor() {}
}

/** Small helpers shared by the Rook constructs. Not exported from the package. */
export class RookNames {
  /** The StorageClass annotation that marks the cluster default. */
  public static readonly DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

  /** `name` if it is a DNS-1123 label (≤ `max` chars), else throws naming the prop. */
  public static label(owner: IConstruct, prop: string, name: string, max?: number): string {
    KubeNames.assertDns1123Label(owner, prop, name, max);
    return name;
  }

  /** Removes `metadata.namespace` from a cluster-scoped object that cdk8s gave the chart's namespace. */
  public static clusterScoped(obj: ApiObject): void {
    // Stryker disable next-line ConditionalExpression: removing an absent key is a no-op in cdk8s's JSON patch; the check states the intent
    if (Chart.of(obj).namespace !== undefined) {
      obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
  }

  /** Requests/limits as plain JSON (quantities as strings) for a Rook CR (which cdk8s does not convert). */
  public static resources(given: ContainerResources): any {
    return k8s.toJson_ResourceRequirements(Resources.toKube({}, given));
  }

  private constructor() {}
}
