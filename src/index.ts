export * from './core';
export * from './blueprints';
