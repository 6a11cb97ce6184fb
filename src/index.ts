export * from './core';
export * from './storage';
export * from './objectstore/minio';
export * from './backup';
export * from './cache';
export * from './sync';
export * from './capacity';
export * from './blueprints';
