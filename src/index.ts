export * from './core';
export * from './sync';
