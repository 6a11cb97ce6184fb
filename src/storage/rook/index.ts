export { CephFailureDomain, CephPoolCompression, CephErasureCodeAlgorithm, CephPoolOptions, CephReplicatedPoolOptions, CephErasureCodedPoolOptions } from './common';
export {
  RookCephCluster, RookCephClusterProps, CephHost, CephDeviceSet, CephMonVolume, CephClusterResources, CephPriorityClassNames,
  CephSnapshotDeletionPolicy,
} from './cluster';
export {
  RookCephBlockPool, RookCephBlockPoolOptions, RookCephBlockPoolProps, RookCephErasureCodedBlockPool, RookCephErasureCodedBlockPoolOptions,
  RookCephErasureCodedBlockPoolProps, RbdStorageClassOptions, RbdFsType, RbdImageFeature,
} from './block-pool';
export { RookCephFilesystem, RookCephFilesystemOptions, RookCephFilesystemProps, CephFsStorageClassOptions } from './filesystem';
export {
  RookCephObjectStore, RookCephObjectStoreOptions, RookCephObjectStoreProps, CephBucketStorageClassOptions, RookCephObjectStoreUser,
  RookCephObjectStoreUserOptions, RookCephObjectStoreUserProps, RookCephObjectBucket, RookCephObjectBucketOptions, RookCephObjectBucketProps,
} from './object-store';
export {
  RookCephKafkaBucketNotification, RookCephKafkaBucketNotificationProps, CephKafkaNotificationOptions, CephBucketEvent, CephKafkaAckLevel,
} from './bucket-notification';
