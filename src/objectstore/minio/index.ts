export * from './erasure';
export * from './lifecycle';
export * from './bucket';
export * from './policy';
export * from './tier';
export * from './options';
export * from './cluster';
