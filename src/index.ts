export * from './core';
export * from './backup';
