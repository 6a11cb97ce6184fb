// Internal validators shared by every construct (not exported from the package; see docs/validation.md).
export * from './subject';
export * from './cron-expression';
export * from './cron';
export * from './cidr';
export * from './names';
export * from './s3';
export * from './url';
export * from './regex';
export * from './shape';
export * from './enum-subset';
export * from './duration';
