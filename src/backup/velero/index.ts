export * from './version';
export * from './location';
export * from './schedule';
