export * from './hostpath';
export * from './zfs';
export * from './lvm';
export * from './device';
