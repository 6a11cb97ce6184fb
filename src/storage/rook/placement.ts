// Placement rules of a RookCephCluster: pools against the failure domains the storage layout gives, daemons per
// node, device classes across pools, and the built-in .mgr pool that follows the pools' device class.
import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { CephPoolRecord } from './common';
import { StorageLayout } from './storage-layout';
import { EdgeLabels, EdgeMessages, edgeError, Warnings } from '../../core';

/** What the pool placement check reads from the cluster. */
export interface PlacementContext {
  /** Name of the CephCluster (for messages). */
  readonly clusterName: string;
  /** The cluster's hosts, nodes and OSDs. */
  readonly layout: StorageLayout;
  /** Whether the cluster sets `mon_osd_down_out_subtree_limit` itself for the 2+2-on-4-hosts layout. */
  readonly autoDownOutSubtreeLimit: boolean;
}

/** The placement rules (static helpers called by RookCephCluster). Not exported from the package. */
export class CephPlacement {
  /** Checks a pool against the cluster's failure domains: throws when it cannot fit, warns when it cannot be checked. */
  public static checkPool(cluster: PlacementContext, r: CephPoolRecord): void {
    const owner = r.owner;
    const p = (name: string) => (r.prop ? `${r.prop}.${name}` : name);
    const needed = r.size;
    const domains = cluster.layout.failureDomains(r.failureDomain);
    const chunkProp = p('dataChunks') + '+' + (r.prop ? `${r.prop}.codingChunks` : 'codingChunks');
    if (!r.replicated && r.codingChunks === 1) {
      Warnings.addFormatted(owner, { prop: p('codingChunks'), value: 1, rule: `pool "${r.poolName}" survives only one lost ${r.failureDomain}: a second failure during recovery loses data (extremely risky)`, fix: 'use codingChunks 2' });
    }
    if (domains.count >= needed) {
      if (!r.replicated && domains.exact && domains.count === needed) {
        Warnings.addFormatted(owner, {
          prop: chunkProp,
          value: needed,
          rule: `pool "${r.poolName}" uses every one of the ${needed} ${domains.noun} of cluster "${cluster.clusterName}": it keeps serving with one down but cannot re-create the lost chunks elsewhere (no self-healing)`,
          fix: `add a ${needed + 1}th ${r.failureDomain} with OSDs (k+m+1 is recommended)${r.failureDomain !== 'host' ? '' : needed === 4 && cluster.autoDownOutSubtreeLimit
            ? '; until then the cluster gets cephConfig global.mon_osd_down_out_subtree_limit = "host" so a down host is not marked out'
            : '; until then consider cephConfig global.mon_osd_down_out_subtree_limit = "host"'}`,
        });
      }
      return;
    }
    if (domains.exact) {
      const known = r.failureDomain === 'host' && cluster.layout.crushHosts.count > 0 && cluster.layout.nodeNames.length === cluster.layout.crushHosts.count ? ` (${cluster.layout.nodeNames.join(', ')})` : '';
      const fixes = r.replicated
        ? `lower replicas to ${Math.max(1, domains.count)}, add ${r.failureDomain === 'host' ? 'hosts with OSDs' : 'OSDs'}, or use failureDomain osd`
        : `add ${needed - domains.count} ${r.failureDomain === 'host' ? 'host(s) with OSDs' : 'OSD(s)'}, lower dataChunks/codingChunks (e.g. ${ErasureSuggestion.for(domains.count)})${r.failureDomain === 'host' ? ', or use failureDomain osd' : ''}`;
      throw edgeError(owner, {
        prop: r.replicated ? p('replicas') : chunkProp,
        value: needed,
        rule: `pool "${r.poolName}" needs at least ${needed} ${domains.noun} for failureDomain ${r.failureDomain}, but cluster "${cluster.clusterName}" has ${domains.count}${known}; Ceph would accept the pool and then hang writes`,
        fix: fixes,
      });
    }
    Warnings.addFormatted(owner, {
      prop: r.replicated ? p('replicas') : chunkProp,
      value: needed,
      rule: `pool "${r.poolName}" needs at least ${needed} ${domains.noun} for failureDomain ${r.failureDomain}; could not be checked: ${domains.unknown.join('; ')}${domains.count > 0 ? ` (${domains.count} known)` : ''}`,
      fix: `make sure at least ${needed} ${domains.noun} carry OSDs, or list hosts with explicit devices (and device sets with nodes) so the library can check`,
    });
  }

  /** Checks that `count` mons or mgrs fit one per node (unless `allowMultiple`). */
  public static checkDaemonsPerNode(
    scope: IConstruct, layout: StorageLayout, prop: string, count: number, allowMultiple: boolean, allowProp: string, daemons: string,
  ): void {
    if (allowMultiple || count <= layout.nodes.count) return;
    if (layout.nodes.exact) {
      throw edgeError(scope, {
        prop,
        value: count,
        rule: `${count} ${daemons} need ${count} nodes, but the cluster knows ${layout.nodes.count} (${layout.nodeNames.join(', ') || 'none'}) and Rook places at most one per node`,
        fix: `use ${prop} ${prop === 'monCount' ? Math.max(1, layout.nodes.count % 2 === 0 ? layout.nodes.count - 1 : layout.nodes.count) : Math.max(1, layout.nodes.count)}, add hosts, or set ${allowProp}: true (test clusters only)`,
      });
    }
    Warnings.addFormatted(scope, {
      prop,
      value: count,
      rule: `${count} ${daemons} need ${count} nodes; could not be checked: ${layout.nodes.unknown.join('; ')} (${layout.nodes.count} known)`,
      fix: `make sure at least ${count} schedulable nodes exist, or set ${allowProp}: true`,
    });
  }

  /**
   * Whether a 2+2 erasure-coded pool with failureDomain host sits on exactly 4 hosts, so a down host must not be marked
   * out (`mon_osd_down_out_subtree_limit = host`).
   */
  public static needsDownOutSubtreeLimit(layout: StorageLayout, pools: CephPoolRecord[]): boolean {
    return layout.crushHosts.exact && layout.crushHosts.count === 4 && pools.some((p) => !p.replicated && p.failureDomain === 'host' && p.size === 4);
  }

  /** The error when some pools set a deviceClass and others do not (empty when consistent). */
  public static deviceClassErrors(pools: CephPoolRecord[]): string[] {
    const withClass = pools.filter((p) => p.deviceClass !== undefined);
    const without = pools.filter((p) => p.deviceClass === undefined);
    if (withClass.length > 0 && without.length > 0) {
      const first = without[0];
      return [EdgeMessages.format(first.owner, {
        prop: first.prop ? `${first.prop}.deviceClass` : 'deviceClass',
        value: 'unset',
        rule: `pool "${first.poolName}" has no deviceClass while ${withClass.map((p) => `"${p.poolName}" (${p.deviceClass})`).join(', ')} ha${withClass.length === 1 ? 's' : 've'} one; pools without a class use the whole CRUSH root, which overlaps the class roots and stops the PG autoscaler. Pools without deviceClass: ${without.map((p) => `"${p.poolName}"`).join(', ')}`,
        fix: 'set deviceClass on every pool of the cluster (metadata pools included) or on none',
      })];
    }
    return [];
  }

  /**
   * The CephBlockPool for Ceph's built-in `.mgr` pool, created once a pool sets a deviceClass: it then needs one too,
   * taken (with size and failure domain) from the largest replicated pool.
   */
  public static builtinMgrPool(cluster: Construct, namespace: string, clusterName: string, pools: CephPoolRecord[]): ApiObject {
    return new ApiObject(cluster, 'builtin-mgr', {
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephBlockPool',
      metadata: {
        name: 'builtin-mgr',
        namespace,
        labels: EdgeLabels.standard({ name: 'ceph', instance: clusterName, component: 'builtin-mgr-pool' }),
      },
      spec: Lazy.any({
        produce: () => {
          const replicated = pools.filter((p) => p.replicated);
          const ref = replicated.reduce<CephPoolRecord | undefined>((best, p) => (best === undefined || p.size > best.size ? p : best), undefined);
          const deviceClass = (ref?.deviceClass ?? pools.find((p) => p.deviceClass !== undefined)?.deviceClass)!;
          return {
            name: '.mgr',
            failureDomain: ref?.failureDomain ?? 'host',
            deviceClass,
            replicated: { size: ref?.size ?? 3, requireSafeReplicaSize: (ref?.size ?? 3) > 1 },
            parameters: { compression_mode: 'none' },
          };
        },
      }),
    } as any);
  }
}

/** Suggests a smaller EC profile that fits `domains` failure domains. */
class ErasureSuggestion {
  public static for(domains: number): string {
    if (domains >= 4) return `${domains - 2}+2`;
    if (domains === 3) return '2+1 (extremely risky) or a replicated pool';
    return 'a replicated pool';
  }
}
