export * from './redundancy';
export * from './format';
export * from './estimate';
export * from './planner';
