// The props of IoTSite and their option groups (cloud, backup, InfluxDB, ingest, cache, Kafka); iot-site.ts builds
// the site from them.
import { Cron, Duration, Size } from 'cdk8s';
import { ContainerResources, ServiceType } from 'cdk8s-plus-30';
import type { IoTSite } from './iot-site';
import { ResticRetention } from '../../backup';
import { RedisEvictionPolicy } from '../../cache';
import { Bandwidth, ContainerImage, IObjectStore, SecretKeyReference, TlsCredentials } from '../../core';
import { KafkaSyncTarget } from '../../sync';
import { EdgeSiteProps } from '../site/edge-site';
import { SiteVeleroOptions } from '../site/site-backup';
import { FlowSource } from '../site/site-namespace';

/** Where the site sends telemetry and backups. */
export interface IoTCloudOptions {
  /** The cloud Kafka cluster MirrorMaker2 pushes the telemetry topic to. */
  readonly kafka: KafkaSyncTarget;
  /**
   * The cloud (or regional) object store the backups go to: the Velero location and the restic repository of the
   * InfluxDB volume. The site has no object store of its own. Its credentials Secret must exist in the site namespace
   * (restic reads it there).
   */
  readonly backupStore: IObjectStore;
  /** Bucket in the backup store (it must exist). */
  readonly backupBucket: string;
  /**
   * Key prefix in the bucket: Velero writes under `<prefix>/velero`, restic under `<prefix>/restic/influxdb`.
   * @default - the site name
   */
  readonly backupPrefix?: string;
}

/** Backups of the site (Velero into the cloud backup store; the site has no store of its own for siteLocal). */
export interface IoTBackupOptions extends SiteVeleroOptions {
  /**
   * restic repository password of the InfluxDB volume backups. Keep a copy outside the site.
   * @default - key `password` of Secret `<site>-restic`
   */
  readonly resticPassword?: SecretKeyReference;
  /**
   * InfluxDB token the backup job runs `influx backup` with. InfluxDB 2.x only serves its backup API to an operator
   * token (the one created for the first user at setup, i.e. the admin Secret's `token`); no narrower token can back
   * up. Give a separate Secret to keep the setup Secret out of the backup job's reach, not to lower its rights.
   * @default - key `token` of the InfluxDB admin Secret
   */
  readonly influxOperatorToken?: SecretKeyReference;
  /**
   * When the InfluxDB volume is backed up (the site's recovery point for data not yet mirrored to the cloud).
   * @default - daily at 01:00
   */
  readonly resticSchedule?: Cron;
  /**
   * Which restic snapshots to keep.
   * @default - keepDaily 14, keepWeekly 8, keepMonthly 6
   */
  readonly resticRetention?: ResticRetention;
  /**
   * Upload bandwidth cap of the restic job, to leave WAN capacity for the telemetry mirror (restic `--limit-upload`;
   * at least 1 KiB/s).
   * @default - unlimited
   */
  readonly resticUploadBandwidthLimit?: Bandwidth;
}

/** Overrides for InfluxDB. */
export interface IoTInfluxDbOptions {
  /**
   * Size of the data volume. Must hold at least what the planner provisions.
   * @default - the planner's provisioned bytes rounded up to whole GiB, at least 5Gi
   */
  readonly volumeSize?: Size;
  /**
   * StorageClass of the data volume (a LocalPV class).
   * @default - the site's storageClassName
   */
  readonly storageClassName?: string;
  /**
   * Secret with the initial admin `username`, `password` and operator API `token` (for setup and administration; Telegraf
   * writes with its own write-only token, see `ingest.writeToken`).
   * @default '<site>-influxdb-admin'
   */
  readonly adminSecretName?: string;
  /**
   * Organization created at first start.
   * @default 'edge'
   */
  readonly organization?: string;
  /**
   * Bucket created at first start (its retention is the site's `retention`).
   * @default 'telemetry'
   */
  readonly bucket?: string;
  /**
   * Image.
   * @default ContainerImage.INFLUXDB
   */
  readonly image?: ContainerImage;
  /**
   * Resources. A memory request or limit given here replaces the planner's figure (a warning when it is below
   * InfluxData's sizing guidance); the parts not given keep their defaults.
   * @default - 250m CPU; memory request and limit from the capacity planner (InfluxData's single-node sizing
   * guidance for the planned writes per second and series: e.g. 2Gi–4Gi below 5,000 writes/s and 100,000 series)
   */
  readonly resources?: ContainerResources;
}

/** Overrides for the Telegraf ingest. */
export interface IoTIngestOptions {
  /**
   * Telegraf replicas.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * How often Telegraf flushes batches to InfluxDB and Kafka.
   * @default Duration.seconds(10)
   */
  readonly flushInterval?: Duration;
  /**
   * Token sensors must send (`Authorization: Token …`), from a Secret.
   * @default - none: the NetworkPolicy alone decides who may write (a warning when sensorCidrs are given)
   */
  readonly token?: SecretKeyReference;
  /**
   * How the ingest Service is exposed.
   * @default - ServiceType.LOAD_BALANCER when sensorCidrs are given (sensors outside the cluster need an address),
   * else ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /**
   * Image.
   * @default ContainerImage.TELEGRAF
   */
  readonly image?: ContainerImage;
  /**
   * Resources.
   * @default - 100m CPU; memory request and limit = `TelegrafIngest.memoryFor(2)`: its InfluxDB and Kafka outputs
   * each buffer up to 100,000 metrics while their destination is down
   */
  readonly resources?: ContainerResources;
  /**
   * Restart Telegraf through the Stakater Reloader controller when the Kafka CA or Kafka user Secret changes (Strimzi
   * renews them; Telegraf reads them only at start). See {@link TelegrafIngestProps.reloadOnSecretChange}.
   * @default false
   */
  readonly reloadOnSecretChange?: boolean;
  /**
   * A write-only InfluxDB token for the site's bucket, which Telegraf writes with. The library cannot mint tokens: the
   * operator creates it after InfluxDB's first start (`influx auth create --org <org> --write-bucket <bucket id>`; the
   * report lists the exact command).
   * @default - `{ name: '<site>-telegraf-influxdb-write', key: 'token' }`
   */
  readonly writeToken?: SecretKeyReference;
  /**
   * The certificate Telegraf's listener serves; sensors write over HTTPS and must trust its CA.
   * @default - TlsCredentials.fromSecretName('<site>-telegraf-tls'): a `kubernetes.io/tls` Secret
   */
  readonly tls?: TlsCredentials;
}

/** Overrides for the Redis L1 cache of hot query results. */
export interface IoTCacheOptions {
  /**
   * Memory for cached results.
   * @default Size.mebibytes(256)
   */
  readonly maxMemory?: Size;
  /**
   * TTL clients put on cached results (published in the `query-cache-client` ConfigMap).
   * @default - the sample interval: a cached result is at most one sample behind
   */
  readonly defaultTtl?: Duration;
  /**
   * Redis password.
   * @default - key `password` of Secret `<site>-redis`
   */
  readonly password?: SecretKeyReference;
  /**
   * Eviction policy.
   * @default RedisEvictionPolicy.ALLKEYS_LRU
   */
  readonly evictionPolicy?: RedisEvictionPolicy;
  /**
   * Image.
   * @default ContainerImage.REDIS
   */
  readonly image?: ContainerImage;
  /**
   * Resources.
   * @default - 100m CPU; memory 1.5 × maxMemory
   */
  readonly resources?: ContainerResources;
}

/** Overrides for the site's Kafka. */
export interface IoTKafkaOptions {
  /**
   * KRaft nodes.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Volume per node. Checked at synth against the telemetry topic's rate × retention × replicas.
   * @default - sized from the telemetry rate and the retention (outage budget + 24 h), at least 20Gi
   */
  readonly storageSize?: Size;
  /**
   * StorageClass of the Kafka volumes.
   * @default - the site's storageClassName
   */
  readonly storageClassName?: string;
  /**
   * How long the WAN may be down without losing telemetry on its way to the cloud.
   * @default Duration.hours(72)
   */
  readonly outageBudget?: Duration;
  /**
   * Partitions of the telemetry topic.
   * @default 3
   */
  readonly partitions?: number;
}

/** Props of {@link IoTSite}. */
export interface IoTSiteProps extends EdgeSiteProps {
  /** Sensors (series) reporting. */
  readonly sensors: number;
  /**
   * Time between two points of one sensor.
   * @default Duration.seconds(10)
   */
  readonly sampleInterval?: Duration;
  /**
   * How long points stay in InfluxDB (the bucket's retention): a whole number of days, at least one
   * (`Duration.days(30)`).
   */
  readonly retention: Duration;
  /** StorageClass of the InfluxDB and Kafka volumes (a LocalPV class). */
  readonly storageClassName: string;
  /**
   * Size of one point as sent (line protocol), in bytes.
   * @default 100
   */
  readonly bytesPerPoint?: number;
  /**
   * InfluxDB's compression (uncompressed ÷ stored).
   * @default 10
   */
  readonly compressionRatio?: number;
  /**
   * Highest planned fill level of the InfluxDB volume.
   * @default 0.85
   */
  readonly fillTarget?: number;
  /**
   * In-cluster pods that write points (gateways, MQTT bridges).
   * @default - pods labelled `app.kubernetes.io/component: sensor-gateway` in the site namespace, unless sensorCidrs
   * are given (then none)
   */
  readonly sensorSources?: FlowSource[];
  /**
   * Address blocks of sensors outside the cluster that write directly to Telegraf.
   * @default - none
   */
  readonly sensorCidrs?: string[];
  /**
   * Pods that query InfluxDB and use the Redis cache (dashboards, APIs).
   * @default - pods labelled `app.kubernetes.io/component: query-client` in the site namespace
   */
  readonly queryClients?: FlowSource[];
  /** Cloud telemetry sync and backup store. */
  readonly cloud: IoTCloudOptions;
  /** Backups. */
  readonly backup: IoTBackupOptions;
  /**
   * InfluxDB overrides.
   * @default - see IoTInfluxDbOptions
   */
  readonly influxdb?: IoTInfluxDbOptions;
  /**
   * Telegraf overrides.
   * @default - see IoTIngestOptions
   */
  readonly ingest?: IoTIngestOptions;
  /**
   * Redis cache overrides.
   * @default - see IoTCacheOptions
   */
  readonly cache?: IoTCacheOptions;
  /**
   * Kafka overrides.
   * @default - see IoTKafkaOptions
   */
  readonly kafka?: IoTKafkaOptions;
}

