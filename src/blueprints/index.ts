export * from './site/footprint';
export * from './site/site-namespace';
export * from './iot/influxdb';
export * from './iot/telegraf';
export * from './models/release-script';
export * from './models/model-release-sync';
