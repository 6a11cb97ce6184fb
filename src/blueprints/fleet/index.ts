export * from './types';
export * from './site-file';
export * from './fleet';
