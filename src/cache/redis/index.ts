export * from './config';
export * from './cache';
