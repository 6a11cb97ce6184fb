export * from './config';
export * from './options';
export * from './edge-cache';
export * from './warm-up';
export * from './warm-up-script';
