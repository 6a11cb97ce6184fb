export * from './core';
export * from './storage';
export * from './blueprints';
