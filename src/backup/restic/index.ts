export * from './repository';
export * from './script';
export * from './backup';
