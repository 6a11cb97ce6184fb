import { Construct } from 'constructs';
import { edgeError, Filesystem } from '../../core';
import { EdgeStorageClass, StorageClassCommonProps } from '../storage-class';
import { CasConfigEntry, renderCasConfig } from './cas-config';
import { EnumSubset, Shape } from '../../core/validate';

/** The quota type OpenEBS hostpath enforces on each filesystem it supports quotas on. */
const QUOTA_TYPES: { [fs: string]: string } = { [Filesystem.XFS]: 'XFSQuota', [Filesystem.EXT4]: 'EXT4Quota' };

/** Quota enforcement for hostpath volumes (without it a volume can fill the whole disk). */
export interface HostPathQuota {
  /**
   * The filesystem the base path lives on: `Filesystem.XFS` (project quotas; the base path must be on XFS mounted
   * with `prjquota`) or `Filesystem.EXT4` (project quotas; the filesystem needs the `project` feature and the
   * `prjquota` mount option).
   */
  readonly filesystem: Filesystem;
  /**
   * Soft limit above the claim's capacity, in percent of the capacity.
   * @default 0
   */
  readonly softLimitGracePercent?: number;
  /**
   * Hard limit above the claim's capacity, in percent of the capacity.
   * @default 0
   */
  readonly hardLimitGracePercent?: number;
}

/** Props of {@link HostPathLocalPvStorageClass}. */
export interface HostPathLocalPvStorageClassProps extends StorageClassCommonProps {
  /**
   * Directory on each node under which volume directories are created (put it on a dedicated data disk).
   * @default '/var/openebs/local'
   */
  readonly basePath?: string;
  /**
   * Node labels that identify a node for volume affinity, instead of `kubernetes.io/hostname` (useful when nodes are
   * replaced but keep their disks).
   * @default - kubernetes.io/hostname
   */
  readonly nodeAffinityLabels?: string[];
  /**
   * Enforce the claim size with filesystem project quotas.
   * @default - no quota: a volume can use the whole filesystem
   */
  readonly quota?: HostPathQuota;
}

/**
 * OpenEBS LocalPV hostpath (`openebs.io/local`): a directory per volume under a base path on the node. Simple and
 * fast, node-local, no expansion, no snapshots.
 */
export class HostPathLocalPvStorageClass extends EdgeStorageClass {
  /** The configured base path. */
  public readonly basePath: string;

  constructor(scope: Construct, id: string, props: HostPathLocalPvStorageClassProps = {}) {
    const basePath = props.basePath ?? '/var/openebs/local';
    const config: CasConfigEntry[] = [
      { name: 'StorageType', value: 'hostpath' },
      { name: 'BasePath', value: basePath },
    ];
    if (props.nodeAffinityLabels && props.nodeAffinityLabels.length > 0) {
      config.push({ name: 'NodeAffinityLabels', list: props.nodeAffinityLabels });
    }
    if (props.quota) {
      config.push({
        name: QUOTA_TYPES[props.quota.filesystem],
        enabled: 'true',
        data: {
          softLimitGrace: `${props.quota.softLimitGracePercent ?? 0}%`,
          hardLimitGrace: `${props.quota.hardLimitGracePercent ?? 0}%`,
        },
      });
    }
    super(scope, id, props, {
      provisioner: 'openebs.io/local',
      annotations: { 'openebs.io/cas-type': 'local', 'cas.openebs.io/config': renderCasConfig(config) },
      nodeLocal: true,
      supportsExpansion: false,
    });
    Shape.check(this, props);
    this.basePath = basePath;

    if (!basePath.startsWith('/') || basePath.includes('..') || basePath === '/') {
      throw edgeError(this, { prop: 'basePath', value: basePath, rule: 'must be an absolute directory path other than / with no ".." segments', fix: 'use e.g. "/mnt/data/openebs"' });
    }
    for (const label of props.nodeAffinityLabels ?? []) {
      if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(label)) {
        throw edgeError(this, { prop: 'nodeAffinityLabels', value: label, rule: 'must be a Kubernetes label key ([prefix/]name)', fix: 'use e.g. "openebs.io/nodeid"' });
      }
    }
    if (props.quota) {
      EnumSubset.check(this, 'quota.filesystem', props.quota.filesystem, Object.keys(QUOTA_TYPES), 'Filesystem', Filesystem, 'OpenEBS hostpath enforces project quotas on XFS and ext4 only');
      const soft = props.quota.softLimitGracePercent ?? 0;
      const hard = props.quota.hardLimitGracePercent ?? 0;
      for (const [prop, v] of [['quota.softLimitGracePercent', soft], ['quota.hardLimitGracePercent', hard]] as Array<[string, number]>) {
        if (!Number.isFinite(v) || v < 0 || v > 100) {
          throw edgeError(this, { prop, value: v, rule: 'must be a percentage of the claim capacity between 0 and 100', fix: 'use e.g. 0 (limit = claim size) or 10' });
        }
      }
      if (soft > hard) {
        throw edgeError(this, { prop: 'quota.softLimitGracePercent', value: soft, rule: `the soft limit must not exceed the hard limit (hardLimitGracePercent = ${hard})`, fix: `raise hardLimitGracePercent to at least ${soft} or lower the soft grace` });
      }
    }
  }
}
