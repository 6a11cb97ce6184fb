export * from './redundancy';
export * from './format';
export * from './estimate';
export * from './props';
export * from './fit';
export * from './planner';
