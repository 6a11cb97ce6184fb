export * from './source';
export * from './job';
export * from './velero';
export * from './restic';
export * from './rclone';
