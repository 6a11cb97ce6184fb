/**
 * What happens when the same object key was changed on both sides (edge and cloud) before they synced.
 *
 * The policy is enforced only by components that can enforce it; see `docs/sync.md` for the table:
 * - {@link ObjectReplication} (rclone) enforces every value with rclone's own comparison flags.
 * - MirrorMaker2 enforces nothing: Kafka topics are append-only logs and each site's events land in their own
 *   `<site>.<topic>` remote topic, so there is nothing to overwrite. `KafkaSync` records the policy as an annotation
 *   so consumers (which apply events to state) can read which policy the site declared.
 */
export enum ConflictPolicy {
  /**
   * The copy with the newer modification time wins (`rclone copy --update`). Depends on clocks being in sync
   * (NTP/chrony on the edge nodes).
   */
  LAST_WRITE_WINS = 'last-write-wins',
  /** The edge copy always overwrites a differing cloud copy (rclone's default comparison). */
  EDGE_PRIORITY = 'edge-priority',
  /** An object that already exists in the cloud is never overwritten from the edge (`rclone copy --ignore-existing`). */
  CLOUD_PRIORITY = 'cloud-priority',
  /**
   * Nothing is lost and a human decides: the edge copy is written, the cloud copy it displaces is moved to a
   * conflicts location first (`rclone copy --backup-dir`), where it waits for review.
   */
  MANUAL = 'manual',
}
