export * from './conflict-policy';
export * from './object-replication';
export * from './kafka';
export * from './model-release';
