export * from './storage-class';
export * from './recurring-job';
