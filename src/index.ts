export * from './core';
export * from './storage';
export * from './cache';
export * from './capacity';
export * from './blueprints';
