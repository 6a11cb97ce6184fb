export * from './core';
export * from './capacity';
