export * from './erasure';
// MinioLifecycle (the ILM checks and renderer) is internal; import it by path.
export type { LifecycleRule, LifecycleTransition } from './lifecycle';
export * from './bucket';
export * from './policy';
export * from './tier';
export * from './options';
export * from './cluster';
