export * from './clients';
export * from './origin';
export * from './nginx';
export * from './redis';
