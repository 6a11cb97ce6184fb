/**
 * What happens when the same object key was changed on both sides (edge and cloud) since they last synced.
 *
 * A conflict is a real one: {@link ObjectReplication} keeps a fingerprint of both copies of every key from its last
 * run, so it knows which side changed. For every policy, a key changed only at the edge is copied to the cloud, a key
 * changed only in the cloud is left alone (the copy is one-way: the cloud change stays in the cloud), and a key
 * missing in the cloud is copied. The policy decides only keys changed on both sides (or, on the first run, keys that
 * exist on both sides with different content). See `docs/sync.md` for the table.
 *
 * MirrorMaker2 enforces nothing: Kafka topics are append-only logs and each site's events land in their own
 * `<site>.<topic>` remote topic, so there is nothing to overwrite. `KafkaSync` records the policy as an annotation
 * so consumers (which apply events to state) can read which policy the site declared.
 */
export enum ConflictPolicy {
  /**
   * The copy with the newer modification time wins. Depends on clocks being in sync (NTP/chrony on the edge nodes);
   * equal times keep the cloud copy.
   */
  LAST_WRITE_WINS = 'last-write-wins',
  /** The edge copy overwrites the cloud copy. */
  EDGE_PRIORITY = 'edge-priority',
  /** The cloud copy is kept; the edge change is not copied (a later edge change, after this run, is copied again). */
  CLOUD_PRIORITY = 'cloud-priority',
  /**
   * Nothing is lost and a human decides: the edge copy is written, and the cloud copy it displaces is first copied to
   * the conflicts path under a folder named after the run (`<conflictsPath>/<UTC time>/<key>`), so an earlier saved
   * copy of the same key is never overwritten.
   */
  MANUAL = 'manual',
  /**
   * Merge the contents of both versions. Refused by {@link ObjectReplication}: objects are replaced whole and mostly
   * binary, and a merge needs the common ancestor and a format-aware tool. Use `MANUAL` and merge in the application,
   * or send mergeable data as events (`KafkaSync`: each site appends to its own topic, so nothing is overwritten).
   */
  MERGE = 'merge',
}
