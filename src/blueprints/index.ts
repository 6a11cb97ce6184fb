// Internal (import by path): WorkloadFootprint (footprint calculator), SiteReport (report renderer), KafkaSiteWiring.
export type { Footprint } from './site/footprint';
export * from './site/site-namespace';
export * from './iot/iot-site';
export * from './iot/iot-site-options';
export type { DataPath, Prerequisite } from './site/report';
export * from './site/edge-site';
export * from './site/site-store';
export * from './site/site-backup';
export * from './video/video-site';
export * from './models/model-site';
export * from './models/model-site-options';
export * from './fleet';
