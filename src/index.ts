export * from './core';
export * from './storage/rook';
