export * from './influxdb';
export * from './telegraf';
