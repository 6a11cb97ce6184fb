export { RcloneRemote } from './remote';
export type { RcloneS3RemoteOptions, RcloneConfigSecretOptions, RcloneClaimRemoteOptions } from './remote';
// RcloneScript (the script generator) is internal; import it by path.
export { RcloneMode } from './script';
export * from './archive';
