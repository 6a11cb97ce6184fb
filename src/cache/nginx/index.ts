// NginxCacheConfig and CacheWarmUpScript (the generators) are internal; import them by path.
export * from './options';
export * from './edge-cache';
export * from './warm-up';
