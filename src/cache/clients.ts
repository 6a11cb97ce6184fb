/**
 * Clients a cache's NetworkPolicy lets in: pods (by namespace and labels) or addresses outside the cluster (by CIDR,
 * e.g. the site's camera or player LAN).
 */
export interface CacheClientPeer {
  /**
   * Namespace of the client pods.
   * @default - the cache's own namespace
   */
  readonly namespace?: string;
  /**
   * Labels of the client pods.
   * @default - every pod of the namespace
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * An address block instead of pods, e.g. `10.20.0.0/16`. When set, `namespace` and `podLabels` must be left out.
   * @default - pods, not addresses
   */
  readonly cidr?: string;
}
