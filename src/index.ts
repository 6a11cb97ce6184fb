export * from './core';
export * from './cache';
