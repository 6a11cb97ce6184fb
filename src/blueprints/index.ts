export * from './site/footprint';
export * from './site/site-namespace';
export * from './iot/influxdb';
export * from './iot/telegraf';
