// ModelReleaseScript (the script generator) is internal; import it by path.
export * from './model-release-sync';
