export * from './core';
export * from './objectstore/minio';
