// The package surface: what users compose (docs/design.md §2). Each folder's index exports its public types; the
// internal generators, renderers and helpers stay importable by path for the library's own files and the tests.
// `src/core/index.ts` is also what the building blocks import, so it keeps the internal helpers (KubeNames, EdgeLabels,
// Resources, RestrictedSecurity, RcloneEnv, EdgeMessages, edgeError, ObjectStoreGrantStatements); only the names below
// reach the package.
export type { ValidationMessageOptions } from './core/errors';
export { Bandwidth } from './core/bandwidth';
export { ContainerImage } from './core/images';
export { SecurityBaseline, SecurityRule } from './core/security-baseline';
export type { SecurityFinding, SecurityException, SecurityCheckOptions } from './core/security-baseline';
export { Warnings } from './core/warnings';
export { RequiredSecrets, S3Credentials, KafkaAuthentication, KafkaCredentials, TlsCredentials } from './core/secrets';
export type {
  RequiredSecret, SecretUse, SecretKeyReference, S3CredentialsKeys, S3CredentialsEnvNames, KafkaCredentialsOptions, KafkaUserCredentialsOptions,
  TlsCredentialsKeys, TlsCredentialsPaths,
} from './core/secrets';
export { ObjectStoreFlavor, ExternalObjectStore } from './core/interfaces';
export type {
  NetworkPeer, IObjectStore, ExternalObjectStoreProps,
  KafkaSecretCopies, IEventTopic,
} from './core/interfaces';
export { ObjectStoreAccess } from './core/grants';
export { Filesystem, ObjectEvent } from './core/vocabulary';
export type {
  ObjectStoreConsumer, ObjectStoreGrantOptions, ObjectStoreGrant, IGrantableObjectStore, S3KeyUse,
} from './core/grants';
export * from './storage';
export * from './storage/rook';
export * from './objectstore/minio';
export * from './backup';
export * from './cache';
export * from './sync';
export * from './timeseries';
export * from './capacity';
export * from './blueprints';
