export * from './cluster';
export * from './cluster-ref';
export * from './user';
export * from './topic';
export * from './mirror';
export * from './cloud-mirror';
