export * from './release-script';
export * from './model-release-sync';
