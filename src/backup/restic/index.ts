export { ResticRepository } from './repository';
export type { ResticS3RepositoryOptions, ResticRestCredentials, ResticRestRepositoryOptions, ResticClaimRepositoryOptions } from './repository';
// ResticScript (the script generator) is internal; import it by path.
export type { ResticRetention } from './script';
export * from './backup';
