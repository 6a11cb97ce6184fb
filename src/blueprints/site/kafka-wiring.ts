import { SiteNamespace } from './site-namespace';
import { EdgeKafkaCluster, IKafkaCluster } from '../../sync';

/** Where a site's pods may go beyond the cluster (an `EdgeSite` has both). */
export interface SiteCidrs {
  readonly wanCidrs: string[];
  readonly apiServerCidrs: string[];
}

/**
 * NetworkPolicy flows a Strimzi Kafka cluster and its MirrorMaker2s need under a default-deny namespace: brokers and
 * controllers talk to each other, the entity operator talks to the brokers and the Kubernetes API, MirrorMaker2 reads
 * the local brokers and reaches the cloud cluster over the WAN. (Strimzi adds its own ingress policies for the
 * listeners and the cluster operator; egress is ours to allow.)
 *
 * Internal (not exported from the package; the library's files and the tests import it by path).
 */
export class KafkaSiteWiring {
  /** Kafka ports: KRaft controller 9090, replication 9091, the TLS client listener 9093. */
  public static readonly INTERNAL_PORTS = [9090, 9091, 9093];

  /**
   * Add the flows to `ns`. `cloudBootstrapServers` gives the WAN ports of the cloud cluster, `apiServerCidrs` where the
   * entity operator reaches the Kubernetes API.
   */
  public static wire(ns: SiteNamespace, cluster: IKafkaCluster, mirrorNames: string[], cidrs: SiteCidrs, cloudBootstrapServers?: string): void {
    const clusterPods = { 'strimzi.io/cluster': cluster.clusterName };
    const peer = { namespace: cluster.namespace, podLabels: clusterPods, ports: KafkaSiteWiring.INTERNAL_PORTS };
    ns.allowFlow('kafka-internal', { namespace: cluster.namespace, podLabels: clusterPods }, peer);
    // The Topic and User Operators watch KafkaTopic/KafkaUser resources through the API server.
    ns.allowWanEgress('kafka-operators-api', { namespace: cluster.namespace, podLabels: { 'strimzi.io/name': `${cluster.clusterName}-entity-operator` } }, [443, 6443], cidrs.apiServerCidrs);
    // Strimzi's listener NetworkPolicy admits exactly the pods of the flows declared to the brokers' client port
    // (evaluated at synth, so flows declared after this call count too).
    if (cluster instanceof EdgeKafkaCluster) {
      cluster._addListenerPeerSource(() => ns.allowedFlows
        .filter((f) => f.to && f.to.namespace === cluster.namespace && f.ports.includes(9093)
          && f.to.podLabels['strimzi.io/cluster'] === cluster.clusterName && f.to.podLabels['strimzi.io/kind'] === 'Kafka')
        .map((f) => f.from));
    }
    const wanPorts = KafkaSiteWiring.ports(cloudBootstrapServers);
    for (const name of mirrorNames) {
      const pods = { namespace: cluster.namespace, podLabels: { 'strimzi.io/cluster': name, 'strimzi.io/kind': 'KafkaMirrorMaker2' } };
      ns.allowFlow(`${name}-kafka`.slice(0, 40), pods, { ...cluster.networkPeer, ports: [9093] });
      if (wanPorts.length > 0) ns.allowWanEgress(`${name}-cloud`.slice(0, 40), pods, wanPorts, cidrs.wanCidrs);
    }
  }

  private static ports(bootstrap?: string): number[] {
    if (!bootstrap) return [];
    const ports = bootstrap.split(',').map((b) => Number(b.trim().split(':').pop())).filter((p) => Number.isInteger(p) && p > 0);
    return [...new Set(ports)];
  }

  private constructor() {}
}
