import { Duration, Size } from 'cdk8s';
import { ContainerResources, ServiceType } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { IoTSiteProps } from './iot-site-options';
import { BackupSource, ResticBackup, ResticRepository, VeleroBackupLocation, VeleroSchedule } from '../../backup';
import { RedisCache } from '../../cache';
import { CapacityEstimate, CapacityPlanner } from '../../capacity';
import { formatBytes, formatNumber, formatSeconds } from '../../capacity/text';
import {
  AT_LEAST_ONE_KIB, Bandwidth, BandwidthFormat, ContainerImage, EdgeMessages, edgeError, KafkaCredentials, KubeNames, Resources, TlsCredentials,
  Warnings,
} from '../../core';
import { Cidrs, Durations, KeyNames, Shape } from '../../core/validate';
import { ConflictPolicy, EdgeKafkaCluster, EdgeKafkaTopic, KafkaSync } from '../../sync';
import { InfluxDb, TelegrafIngest } from '../../timeseries';
import { EdgeSite } from '../site/edge-site';
import { KafkaSiteWiring } from '../site/kafka-wiring';
import { Prerequisite, SiteReport } from '../site/report';
import { SiteInput } from '../site/site-input';

const GIB = 2 ** 30;
/** Share of a broker volume retained topic data may fill (the sync module's disk check uses the same figure). */
const KAFKA_DISK_FILL = 0.85;

/**
 * An IoT edge site: sensors write InfluxDB line protocol to Telegraf, which stores every point in InfluxDB 2.x (one
 * replica on a LocalPV volume sized by the capacity planner, bucket retention = retention) and publishes it to a
 * Kafka telemetry topic that MirrorMaker2 pushes to the cloud (the topic's retention covers the WAN outage budget).
 * Query clients read through a Redis L1 cache (cache-aside). restic backs the InfluxDB volume up to the cloud store
 * and Velero backs the namespace's resources up there. The namespace denies all traffic except these flows.
 */
export class IoTSite extends EdgeSite {
  /** Smallest InfluxDB volume the site creates (WAL, index and compactions need room even for tiny data sets). */
  public static readonly MIN_VOLUME_GIB = 5;
  /** Smallest Kafka volume the site creates. */
  public static readonly MIN_KAFKA_VOLUME_GIB = 20;

  private static endpointPorts(endpoint: string): number[] {
    const url = new URL(endpoint);
    return [url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80];
  }

  /** StorageClass of the volumes. */
  public readonly storageClassName: string;
  /** The sample interval. */
  public readonly sampleInterval: Duration;
  /** The capacity estimate for the points kept. */
  public readonly estimate: CapacityEstimate;
  /** Size of the InfluxDB volume. */
  public readonly volumeSize: Size;
  /** Size of each Kafka volume. */
  public readonly kafkaStorageSize: Size;
  /** Bytes per second written to the telemetry topic (points as sent). */
  public readonly telemetryBytesPerSecond: number;
  /** InfluxDB. */
  public readonly influxdb: InfluxDb;
  /** Telegraf. */
  public readonly ingest: TelegrafIngest;
  /** The Redis L1 cache. */
  public readonly cache: RedisCache;
  /** The site's Kafka. */
  public readonly kafka: EdgeKafkaCluster;
  /** The telemetry topic. */
  public readonly telemetry: EdgeKafkaTopic;
  /** Telegraf's login to the telemetry topic (write only): the Secret Strimzi's User Operator writes. */
  public readonly telemetryProducer: KafkaCredentials;
  /** MirrorMaker2 to the cloud. */
  public readonly sync: KafkaSync;
  /** Velero's location in the cloud store. */
  public readonly veleroLocation: VeleroBackupLocation;
  /** Velero schedules (daily, weekly). */
  public readonly veleroSchedules: VeleroSchedule[];
  /** restic backup of the InfluxDB volume. */
  public readonly resticBackup: ResticBackup;
  /** The script the backup job's init container runs: `influx backup` of every bucket and the metadata into `$DUMP_DIR`. */
  public readonly influxBackupScript: string;
  private readonly exposed: boolean;

  constructor(scope: Construct, id: string, props: IoTSiteProps) {
    super(scope, id, props);
    SiteInput.iot(this, props);
    Shape.check(this, props);
    const site = this.siteName;
    const influxOpts = props.influxdb ?? {};
    const ingestOpts = props.ingest ?? {};
    const cacheOpts = props.cache ?? {};
    const kafkaOpts = props.kafka ?? {};

    // --- Input ----------------------------------------------------------------------------------------------
    KubeNames.assertDns1123Subdomain(this, 'storageClassName', props.storageClassName);
    this.storageClassName = props.storageClassName;
    const retentionDays = Durations.wholeUnits(this, 'retention', props.retention, 'days', 1, 'it becomes the InfluxDB bucket retention, in days');
    this.sampleInterval = props.sampleInterval ?? Duration.seconds(10);
    const sampleSeconds = this.sampleInterval.toSeconds({ integral: false });
    if (!(sampleSeconds > 0)) {
      throw edgeError(this, { prop: 'sampleInterval', value: this.sampleInterval.toHumanString(), rule: 'must be longer than zero', fix: 'use the sensors\' reporting period, e.g. Duration.seconds(10)' });
    }
    const sensorCidrs = props.sensorCidrs ?? [];
    Cidrs.checkAll(this, 'sensorCidrs', sensorCidrs);
    const sensorSources = props.sensorSources
      ?? (sensorCidrs.length > 0 ? [] : [{ namespace: site, podLabels: { 'app.kubernetes.io/component': 'sensor-gateway' } }]);
    if (sensorSources.length === 0 && sensorCidrs.length === 0) {
      throw edgeError(this, { prop: 'sensorSources', value: [], rule: 'with no sensorSources and no sensorCidrs nothing may write to Telegraf', fix: 'list the gateway pods in sensorSources or the sensor LANs in sensorCidrs' });
    }
    const queryClients = props.queryClients ?? [{ namespace: site, podLabels: { 'app.kubernetes.io/component': 'query-client' } }];

    // --- Capacity: the planner sizes the InfluxDB volume --------------------------------------------------
    this.estimate = this.plan(props);
    const neededGib = Math.max(IoTSite.MIN_VOLUME_GIB, Math.ceil(this.estimate.provisionedBytes / GIB - 1e-9));
    if (influxOpts.volumeSize !== undefined && Resources.bytes(influxOpts.volumeSize) < this.estimate.provisionedBytes) {
      throw edgeError(this, {
        prop: 'influxdb.volumeSize',
        value: Resources.sizeString(influxOpts.volumeSize),
        rule: `holds less than the planner provisions for ${formatNumber(props.sensors)} sensors every ${formatSeconds(sampleSeconds)} kept ${retentionDays} days: `
          + `${formatBytes(this.estimate.provisionedBytes)} (${formatBytes(this.estimate.logicalBytes)} of points ÷ fill target ${this.estimate.fillTarget})`,
        fix: `use at least ${Math.ceil(this.estimate.provisionedBytes / GIB - 1e-9)}Gi (or omit it to size it from the planner), shorten retention or sample less often`,
      });
    }
    this.volumeSize = influxOpts.volumeSize ?? Size.gibibytes(neededGib);

    // Telemetry topic: every point as sent, kept for the outage budget + 24 h on every replica.
    this.telemetryBytesPerSecond = this.estimate.transferBytes / 86_400;
    const outageBudget = kafkaOpts.outageBudget ?? Duration.hours(72);
    const brokers = kafkaOpts.replicas ?? 1;
    const retentionSeconds = outageBudget.toSeconds({ integral: false }) + 86_400;
    // The topic declares its rate in whole KiB/s and checks the volume against that rate: size from the same figure.
    const declaredRate = Bandwidth.kibibytesPerSecond(Math.max(1, Math.ceil(this.telemetryBytesPerSecond / 1024)));
    const perBroker = Number.isInteger(brokers) && brokers >= 1 && retentionSeconds > 0
      ? declaredRate.toBytesPerSecond() * retentionSeconds * EdgeKafkaCluster.derivedReplicationFactor(brokers) / brokers / KAFKA_DISK_FILL
      : 0;
    this.kafkaStorageSize = kafkaOpts.storageSize ?? Size.gibibytes(Math.max(IoTSite.MIN_KAFKA_VOLUME_GIB, Math.ceil(perBroker / GIB)));

    // --- InfluxDB -------------------------------------------------------------------------------------------
    const adminSecretName = influxOpts.adminSecretName ?? `${site}-influxdb-admin`;
    this.influxdb = new InfluxDb(this, 'InfluxDb', {
      namespace: site,
      storageClassName: influxOpts.storageClassName ?? props.storageClassName,
      volumeSize: this.volumeSize,
      retention: props.retention,
      adminSecretName,
      organization: influxOpts.organization,
      bucket: influxOpts.bucket,
      image: influxOpts.image,
      resources: this.influxResources(influxOpts.resources),
    });

    // --- Kafka: telemetry topic, mirrored to the cloud --------------------------------------------------------
    this.kafka = new EdgeKafkaCluster(this, 'events', {
      namespace: site,
      replicas: brokers,
      storageSize: this.kafkaStorageSize,
      storageClassName: kafkaOpts.storageClassName ?? props.storageClassName,
    });
    this.telemetry = new EdgeKafkaTopic(this, 'telemetry', {
      cluster: this.kafka,
      outageBudget,
      partitions: kafkaOpts.partitions,
      expectedWriteRate: declaredRate,
    });
    const producer = this.telemetry.grantProduce('TelegrafProducer', { username: 'telegraf' });
    this.telemetryProducer = producer;
    this.sync = new KafkaSync(this, 'cloud-sync', {
      source: this.kafka, site, topics: [this.telemetry], target: props.cloud.kafka, conflictPolicy: ConflictPolicy.EDGE_PRIORITY,
    });

    // --- Ingest -------------------------------------------------------------------------------------------
    const serviceType = ingestOpts.serviceType ?? (sensorCidrs.length > 0 ? ServiceType.LOAD_BALANCER : ServiceType.CLUSTER_IP);
    this.exposed = serviceType !== ServiceType.CLUSTER_IP;
    // Telegraf writes with a token that may only write the site's bucket (the operator mints it; see the report).
    const writeToken = ingestOpts.writeToken ?? { name: `${site}-telegraf-influxdb-write`, key: 'token' };
    KeyNames.checkSecretRef(this, 'ingest.writeToken', writeToken);
    const tls = ingestOpts.tls ?? TlsCredentials.fromSecretName(`${site}-telegraf-tls`);
    this.ingest = new TelegrafIngest(this, 'Ingest', {
      namespace: site,
      influxUrl: this.influxdb.url,
      influxToken: writeToken,
      tls,
      organization: this.influxdb.organization,
      bucket: this.influxdb.bucket,
      kafka: { topic: this.telemetry, credentials: producer },
      flushInterval: ingestOpts.flushInterval,
      replicas: ingestOpts.replicas,
      image: ingestOpts.image,
      resources: ingestOpts.resources,
      token: ingestOpts.token,
      allowedCidrs: sensorCidrs,
      serviceType,
      reloadOnSecretChange: ingestOpts.reloadOnSecretChange,
    });
    if (sensorCidrs.length > 0 && !this.exposed) {
      Warnings.addFormatted(this, {
        prop: 'ingest.serviceType',
        value: serviceType,
        rule: 'sensorCidrs are outside the cluster, but a ClusterIP Service is only reachable from inside it',
        fix: 'use ServiceType.LOAD_BALANCER or NODE_PORT (or omit serviceType)',
      });
    }
    if (sensorCidrs.length > 0 && !ingestOpts.token) {
      Warnings.addFormatted(this, {
        prop: 'ingest.token',
        value: 'unset',
        rule: `any host in ${sensorCidrs.join(', ')} can write points without authenticating`,
        fix: 'give the sensors a shared token: ingest.token = { name, key } of a Secret',
      });
    }

    // --- Redis L1 cache (cache-aside: clients read Redis, fall back to InfluxDB, store the result) -----------
    const redisPassword = cacheOpts.password ?? { name: `${site}-redis`, key: 'password' };
    this.cache = new RedisCache(this, 'QueryCache', {
      name: 'query-cache',
      password: redisPassword,
      maxMemory: cacheOpts.maxMemory,
      defaultTtl: cacheOpts.defaultTtl ?? this.sampleInterval,
      evictionPolicy: cacheOpts.evictionPolicy,
      image: cacheOpts.image,
      resources: cacheOpts.resources,
      allowedClients: queryClients.map((q) => ({ namespace: q.namespace, podLabels: q.podLabels })),
    });

    // --- Backups ------------------------------------------------------------------------------------------
    const store = props.cloud.backupStore;
    const prefix = (props.cloud.backupPrefix ?? site).replace(/^\/+|\/+$/g, '');
    // Resources only: the InfluxDB volume goes through restic below, and Kafka only buffers what the cloud receives.
    const velero = this.addVeleroBackups(props.backup, {
      store, bucket: props.cloud.backupBucket, prefix: prefix ? `${prefix}/velero` : 'velero', snapshotVolumes: false,
    });
    this.veleroLocation = velero.location;
    this.veleroSchedules = velero.schedules;
    const resticPassword = props.backup.resticPassword ?? { name: `${site}-restic`, key: 'password' };
    // A running InfluxDB changes its WAL, index and shards under a file copy: `influx backup` asks the server for a
    // consistent snapshot (all buckets, the metadata store and its SQL store) through the API instead. Uncompressed,
    // so restic deduplicates shards that did not change between runs and compresses them itself.
    const operatorToken = props.backup.influxOperatorToken ?? this.influxdb.token;
    this.influxBackupScript = [
      'set -eu',
      '# influx reads the server address and the operator token from INFLUX_HOST and INFLUX_TOKEN.',
      'influx backup --compression none "$DUMP_DIR"',
      'echo "influx backup finished: $(du -sk "$DUMP_DIR" | cut -f1) KiB in $DUMP_DIR"',
      '',
    ].join('\n');
    BandwidthFormat.check(this, 'backup.resticUploadBandwidthLimit', props.backup.resticUploadBandwidthLimit, AT_LEAST_ONE_KIB);
    const resticRepository = ResticRepository.s3(store, { bucket: props.cloud.backupBucket, prefix: prefix ? `${prefix}/restic/influxdb` : 'restic/influxdb' });
    this.resticBackup = new ResticBackup(this, 'restic-influxdb', {
      networkPolicy: false, // the site's flows (restic-influxdb, restic-cloud/-store) describe its traffic
      source: BackupSource.fromDump({
        image: influxOpts.image ?? ContainerImage.INFLUXDB,
        script: this.influxBackupScript,
        env: { INFLUX_HOST: this.influxdb.url, INFLUX_CONFIGS_PATH: '/tmp/influx-configs' },
        secretEnv: { INFLUX_TOKEN: operatorToken },
        // The dump holds at most what the data volume holds.
        sizeLimit: this.volumeSize,
      }),
      repository: resticRepository,
      password: resticPassword,
      host: site,
      tags: [site, 'influxdb'],
      schedule: props.backup.resticSchedule,
      retention: props.backup.resticRetention ?? { keepDaily: 14, keepWeekly: 8, keepMonthly: 6 },
      uploadBandwidthLimit: props.backup.resticUploadBandwidthLimit,
    });
    this.requireStoreKeys(store, `restic access to the backup bucket ${props.cloud.backupBucket}`, resticRepository.keyUses);

    // --- Network flows (default deny + exactly these) -------------------------------------------------------
    const telegrafPods = { namespace: site, podLabels: this.ingest.networkPeer.podLabels };
    for (const [i, s] of sensorSources.entries()) this.allow(`sensor-${i}-telegraf`, s, this.ingest.networkPeer);
    this.allow('telegraf-influxdb', telegrafPods, this.influxdb.networkPeer);
    this.allow('telegraf-kafka', telegrafPods, this.kafka.networkPeer);
    for (const [i, q] of queryClients.entries()) {
      this.allow(`query-${i}-influxdb`, q, this.influxdb.networkPeer);
      this.allow(`query-${i}-redis`, q, this.cache.networkPeer);
    }
    KafkaSiteWiring.wire(this.siteNamespace, this.kafka, [this.sync.apiObject.name], this, props.cloud.kafka.bootstrapServers);
    const resticPods = { namespace: site, podLabels: this.resticBackup.podLabels };
    this.allow('restic-influxdb', resticPods, this.influxdb.networkPeer);
    if (store.networkPeer) {
      this.allow('restic-store', resticPods, store.networkPeer);
    } else {
      this.allowWan('restic-cloud', resticPods, IoTSite.endpointPorts(store.s3Endpoint));
    }

    // --- The site's applications in the quota: gateways and query clients in the site namespace ---------------
    const localApps = [...sensorSources, ...queryClients].filter((c) => c.namespace === site).length;
    this.addApplicationFootprint(
      { pods: 2 * localApps, cpu: 0.25 * localApps, memory: Size.mebibytes(512 * localApps) },
      `${localApps} gateway/query-client group(s) in the site namespace × 2 pods, 250m CPU and 512 MiB per group`,
    );

    // --- Report ---------------------------------------------------------------------------------------------
    const sensorsNode = `Sensors (${formatNumber(props.sensors)}, every ${formatSeconds(sampleSeconds)})`;
    const influxNode = `InfluxDB (${Resources.sizeString(this.volumeSize)}, ${retentionDays} d)`;
    const kafkaNode = `Kafka ${this.telemetry.topicName}`;
    this.addDataPath(sensorsNode, 'Telegraf', `line protocol (HTTPS :${TelegrafIngest.INGEST_PORT})`);
    this.addDataPath('Telegraf', influxNode, `bucket ${this.influxdb.bucket}`);
    this.addDataPath('Telegraf', kafkaNode, 'JSON points (zstd)');
    this.addDataPath(kafkaNode, 'Cloud Kafka', `MirrorMaker2 (${site}.${this.telemetry.topicName})`);
    this.addDataPath(influxNode, 'Redis L1 cache', 'hot query results (cache-aside)');
    this.addDataPath('Redis L1 cache', 'Query clients', 'cached results');
    this.addDataPath(influxNode, 'Query clients', 'Flux/InfluxQL on a cache miss');
    this.addDataPath(influxNode, 'Cloud backup bucket', 'influx backup, then restic');
    this.addDataPath('Site namespace', 'Cloud backup bucket', 'Velero (resources)');
  }

  /** What the cluster must run, and the Secrets to create, for this site. */
  public prerequisites(): Prerequisite[] {
    return [
      ...this.sharedPrerequisites({
        storageClassName: this.storageClassName,
        storageClassKind: 'LocalPV, WaitForFirstConsumer (e.g. OpenEBS LVM LocalPV 1.x)',
        volumes: 'InfluxDB and Kafka volumes',
        loadBalancerFor: this.exposed ? 'address for sensors outside the cluster' : undefined,
        velero: this.veleroLocation,
      }),
      { component: 'Cloud Kafka + cloud S3', version: 'any Kafka ≥ 3.x; S3 API', purpose: 'telemetry sync and backups' },
    ];
  }

  /** The site report (Markdown). */
  public report(): string {
    const topicRetention = this.telemetry.retention?.toHours({ integral: false }) ?? 0;
    return SiteReport.render({
      title: `IoT site "${this.siteName}"`,
      capacityMarkdown: this.estimate.toMarkdown(),
      capacityNotes: [
        `InfluxDB volume: ${Resources.sizeString(this.volumeSize)} on StorageClass "${this.storageClassName}" `
          + `(planner provisions ${formatBytes(this.estimate.provisionedBytes)}; rounded up to whole GiB, at least ${IoTSite.MIN_VOLUME_GIB}Gi, unless given)`,
        `Telemetry topic: ${formatBytes(this.telemetryBytesPerSecond)}/s of points × ${topicRetention} h retention (outage budget `
          + `${this.telemetry.outageBudget.toHumanString()} + 24 h) × ${this.telemetry.replicas} replica(s) on ${this.kafka.brokerCount} broker(s) `
          + `→ ${Resources.sizeString(this.kafkaStorageSize)} per Kafka volume (filled to at most ${KAFKA_DISK_FILL * 100}%)`,
        ...this.applicationFootprintNote(),
        `Backups: influx backup (operator token) into an emptyDir of at most ${Resources.sizeString(this.volumeSize)}, then restic of that folder `
          + `(max ${this.resticBackup.maxInterval.toHumanString()} between runs); `
          + 'Velero daily (30 days) and weekly (90 days) of the namespace\'s resources',
      ],
      prerequisites: this.prerequisites(),
      dataPaths: this.dataPaths,
      scope: this,
      secrets: this.requiredSecrets,
      provedBy: [
        'test/blueprints/iot-site-e2e.real.test.ts runs this site\'s telegraf.conf with a real Telegraf (sensor line protocol over HTTPS '
          + 'with the token → an InfluxDB write-API stand-in, and → the telemetry topic on a real Kafka with the site\'s SCRAM users and ACLs), '
          + 'its KafkaMirrorMaker2 config with a real MirrorMaker2 to a second broker, its redis.conf and start script with redis-server, and '
          + 'its backup CronJob\'s scripts with restic into a loopback S3 (InfluxDB and the influx CLI are stand-ins: neither can be built here).',
      ],
    });
  }

  /** InfluxDB's resources: the planner's memory figures unless overridden (then warned about when smaller). */
  private influxResources(given: ContainerResources | undefined): ContainerResources {
    const request = Size.kibibytes(this.estimate.memoryRequestBytes! / 1024);
    const limit = Size.kibibytes(this.estimate.memoryLimitBytes! / 1024);
    const memory = given?.memory;
    const givenLimit = memory?.limit ?? memory?.request;
    if (givenLimit !== undefined && Resources.bytes(givenLimit) < this.estimate.memoryRequestBytes!) {
      Warnings.addFormatted(this, {
        prop: 'influxdb.resources.memory',
        value: Resources.sizeString(givenLimit),
        rule: `is below InfluxData's sizing guidance for ${formatNumber(this.estimate.writesPerSecond!, 3)} writes/s over ${formatNumber(this.estimate.seriesCardinality!)} series `
          + `(${Resources.sizeString(request)}–${Resources.sizeString(limit)}); InfluxDB may be OOM-killed while compacting or answering queries`,
        fix: `omit influxdb.resources.memory to use the planner's figures, or give at least ${Resources.sizeString(request)}`,
      });
    }
    return {
      cpu: given?.cpu,
      ephemeralStorage: given?.ephemeralStorage,
      memory: memory ? { request: memory.request, limit: memory.limit ?? memory.request } : { request, limit },
    };
  }

  private plan(props: IoTSiteProps): CapacityEstimate {
    try {
      return CapacityPlanner.iot({
        sensors: props.sensors,
        sampleInterval: this.sampleInterval,
        retention: props.retention,
        bytesPerPoint: props.bytesPerPoint,
        compressionRatio: props.compressionRatio,
        fillTarget: props.fillTarget,
      });
    } catch (e) {
      // The planner names its own props (sensors, sampleInterval, bytesPerPoint…), which are this construct's props too.
      const lines = String((e as Error).message).split('\n')
        .map((l) => `${EdgeMessages.label(this)}: ${l.replace(/^CapacityPlanner\.iot: /, '')}`);
      throw new Error(lines.join('\n'));
    }
  }
}
