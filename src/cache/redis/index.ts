// RedisCacheConfig (the generator) is internal; import it by path.
export { RedisEvictionPolicy, RedisPersistence } from './config';
export type { RedisCacheOptions } from './config';
export * from './cache';
