export * from './storage-class';
export * from './openebs';
export * from './longhorn';
