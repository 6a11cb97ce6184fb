export * from './core';
export * from './storage';
export * from './capacity';
export * from './blueprints';
