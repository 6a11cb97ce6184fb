// The enums several building blocks share (docs/design.md §3: one name per concept). Each construct accepts the
// members its upstream tool supports and refuses the others with a message that lists them (`EnumSubset.check`).

/**
 * A filesystem: what a volume is formatted with, or what a host path lives on.
 *
 * One enum for every block; each construct accepts the members its driver supports (a ZFS zvol takes all four, a
 * Ceph RBD or Longhorn volume only `EXT4` and `XFS`) and refuses the others when it is constructed.
 */
export enum Filesystem {
  /** ext4. */
  EXT4 = 'ext4',
  /** XFS. */
  XFS = 'xfs',
  /** btrfs. */
  BTRFS = 'btrfs',
  /** ZFS (a ZFS dataset rather than a filesystem on a block device). */
  ZFS = 'zfs',
}

/**
 * An object event a bucket notification can subscribe to; the value is its S3 event type (wildcards for a family).
 *
 * One enum for every object store; each store accepts the events it can publish and refuses the others when the
 * notification is added: MinIO subscribes by event family (`OBJECT_CREATED`, `OBJECT_REMOVED`, `OBJECT_ACCESSED`,
 * `REPLICATION`, `LIFECYCLE`), Ceph RGW also by the single operations and lifecycle steps.
 */
export enum ObjectEvent {
  /** Any object creation (PUT, POST, COPY, completed multipart upload). */
  OBJECT_CREATED = 's3:ObjectCreated:*',
  /** PUT of an object. */
  OBJECT_CREATED_PUT = 's3:ObjectCreated:Put',
  /** POST upload of an object. */
  OBJECT_CREATED_POST = 's3:ObjectCreated:Post',
  /** Server-side copy. */
  OBJECT_CREATED_COPY = 's3:ObjectCreated:Copy',
  /** Completed multipart upload (large objects such as video segments). */
  OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD = 's3:ObjectCreated:CompleteMultipartUpload',
  /** Any object removal (DELETE, delete marker created). */
  OBJECT_REMOVED = 's3:ObjectRemoved:*',
  /** DELETE of an object. */
  OBJECT_REMOVED_DELETE = 's3:ObjectRemoved:Delete',
  /** A delete marker was created (versioned buckets). */
  OBJECT_REMOVED_DELETE_MARKER_CREATED = 's3:ObjectRemoved:DeleteMarkerCreated',
  /** Any object read (GET, HEAD). */
  OBJECT_ACCESSED = 's3:ObjectAccessed:*',
  /** Any replication event (bucket replication to another store). */
  REPLICATION = 's3:Replication:*',
  /**
   * Any lifecycle (ILM) event: transitions to a tier and expiries (MinIO's `ilm` event family). It has no single S3
   * event type, so its value is the family name.
   */
  LIFECYCLE = 'ilm',
  /** Lifecycle expired the current version. */
  LIFECYCLE_EXPIRATION_CURRENT = 's3:ObjectLifecycle:Expiration:Current',
  /** Lifecycle expired a non-current version. */
  LIFECYCLE_EXPIRATION_NONCURRENT = 's3:ObjectLifecycle:Expiration:NonCurrent',
  /** Lifecycle transitioned the current version to another storage class. */
  LIFECYCLE_TRANSITION_CURRENT = 's3:ObjectLifecycle:Transition:Current',
  /** Any multisite sync event (Ceph RGW multisite). */
  OBJECT_SYNCED = 's3:ObjectSynced:*',
}
