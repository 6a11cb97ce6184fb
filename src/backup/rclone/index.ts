export * from './remote';
export * from './script';
export * from './archive';
