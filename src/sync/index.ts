export * from './conflict-policy';
export * from './object-replication';
export * from './kafka';
