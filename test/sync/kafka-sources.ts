// The Kafka objects the library emits, per source: every example under examples/ that has Kafka, and each site
// blueprint with its default props and a customized variant (props as in test/blueprints/*.test.ts). The real-tier
// tests take topic, user, ACL and group names only from these synthesized manifests.
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Cron, Duration, Size, Testing } from 'cdk8s';
import {
  Bandwidth, DecimalSize, EdgeKafkaCluster, EdgeKafkaTopic, EdgeKafkaUser, ExternalObjectStore, IoTSite, IoTSiteProps, KafkaAclOperation,
  KafkaAclPatternType,
  KafkaAclPermission, KafkaAclResourceType, KafkaCredentials, KafkaCloudCluster, ModelDistributionSite, ObjectLockMode, ObjectStoreFlavor,
  TopicCleanupPolicy, VideoSurveillanceSite, VideoSurveillanceSiteProps, S3Credentials,
} from '../../src';
import { props as modelProps } from '../blueprints/model-site-support';
import { synth } from '../support/harness';

/** One source of Kafka objects. */
export interface KafkaSource {
  /** e.g. `example kafka-sync`, `VideoSurveillanceSite (custom)`. */
  readonly name: string;
  /** Every synthesized object. */
  readonly manifests: any[];
  /** Its `KafkaTopic` objects. */
  readonly topics: any[];
  /** Its `KafkaUser` objects. */
  readonly users: any[];
}

const examplesDir = path.resolve(__dirname, '..', '..', 'examples');

function source(name: string, app: App): KafkaSource {
  const manifests = synth(app);
  return {
    name,
    manifests,
    topics: manifests.filter((m) => m.kind === 'KafkaTopic'),
    users: manifests.filter((m) => m.kind === 'KafkaUser'),
  };
}

/** Every example app that emits a KafkaTopic or a KafkaUser. */
export function exampleSources(): KafkaSource[] {
  const names = fs.readdirSync(examplesDir).filter((n) => fs.existsSync(path.join(examplesDir, n, 'main.ts'))).sort();
  const out: KafkaSource[] = [];
  for (const name of names) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(examplesDir, name, 'main.ts'));
    const s = source(`example ${name}`, mod.buildApp(Testing.app()));
    if (s.topics.length > 0 || s.users.length > 0) out.push(s);
  }
  return out;
}

const cloudKafka = (username: string, secretName: string): KafkaCloudCluster => ({
  bootstrapServers: 'kafka.cloud.example.com:9093',
  caCertificate: { name: 'cloud-kafka-ca', key: 'ca.crt' },
  credentials: KafkaCredentials.fromSecretName(secretName, { username }),
});

function videoProps(): VideoSurveillanceSiteProps {
  return {
    siteName: 'site-a',
    cameras: 20,
    bitrateMbps: 4,
    retention: Duration.days(7),
    driveSize: DecimalSize.terabytes(8),
    storageClassName: 'lvm-xfs',
    cloud: {
      kafka: cloudKafka('site-a-mm2', 'cloud-user'),
      archive: new ExternalObjectStore({ s3Endpoint: 'https://s3.example.com', flavor: ObjectStoreFlavor.AWS_S3, credentials: S3Credentials.fromSecretName('cloud-archive') }),
      archiveBucket: 'video-archive',
    },
    backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' } },
  };
}

function iotProps(): IoTSiteProps {
  return {
    siteName: 'site-a',
    sensors: 10_000,
    retention: Duration.days(30),
    storageClassName: 'lvm-xfs',
    wanCidrs: ['198.51.100.0/24'],
    cloud: {
      kafka: cloudKafka('site-a-mm2', 'cloud-kafka-user'),
      backupStore: new ExternalObjectStore({
        s3Endpoint: 'https://s3.eu-central-1.amazonaws.com', region: 'eu-central-1', flavor: ObjectStoreFlavor.AWS_S3, credentials: S3Credentials.fromSecretName('cloud-backup-keys'),
      }),
      backupBucket: 'fleet-backups',
    },
    backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' } },
  };
}

/** The three blueprints, each with defaults and with the Kafka-relevant customizations of their unit tests. */
export function blueprintSources(): KafkaSource[] {
  const build = (name: string, make: (app: App) => void): KafkaSource => {
    const app = Testing.app();
    make(app);
    return source(name, app);
  };
  return [
    build('VideoSurveillanceSite (defaults)', (app) => new VideoSurveillanceSite(app, 'site-a', videoProps())),
    build('VideoSurveillanceSite (custom)', (app) => new VideoSurveillanceSite(app, 'site-a', {
      ...videoProps(),
      drivesPerServer: 2,
      store: { parity: 4 },
      retention: Duration.days(14),
      segmentDuration: Duration.minutes(10),
      kafka: { storageSize: Size.gibibytes(50) },
    })),
    build('IoTSite (defaults)', (app) => new IoTSite(app, 'site-a', iotProps())),
    build('IoTSite (custom)', (app) => new IoTSite(app, 'site-a', {
      ...iotProps(),
      sensors: 2_500,
      sampleInterval: Duration.seconds(30),
      retention: Duration.days(365),
      bytesPerPoint: 120,
      compressionRatio: 8,
      kafka: { replicas: 3, outageBudget: Duration.hours(24), partitions: 6, storageClassName: 'lvm-ext4' },
      backup: { veleroCredential: { name: 'velero-site-a', key: 'cloud' }, resticSchedule: Cron.schedule({ minute: '30', hour: '*/6' }) },
    })),
    build('ModelDistributionSite (defaults)', (app) => new ModelDistributionSite(app, 'site', modelProps())),
    build('ModelDistributionSite (custom)', (app) => new ModelDistributionSite(app, 'site', {
      ...modelProps(),
      siteName: 'kiosk-7',
      models: undefined,
      discoverUpTo: 6,
      versionsRetained: 2,
      averageModelSize: DecimalSize.megabytes(800),
      servers: 6,
      drivesPerServer: 2,
      driveSize: DecimalSize.gigabytes(200),
      cloud: { ...modelProps().cloud, releasePrefix: 'kiosk/', releaseTopic: 'kiosk-releases' },
      bucket: { name: 'model-store', objectLock: { mode: ObjectLockMode.GOVERNANCE, period: Duration.days(3) } },
      kafka: { storageSize: Size.gibibytes(5), identityReplication: true, consumerGroup: 'vision-reloader' },
    })),
  ];
}

/**
 * The building blocks' options the examples and blueprints leave at their defaults (props as in
 * test/sync/kafka-topic-user.test.ts): an explicit topic name, compaction with and without deletion, a size limit,
 * a smaller message limit, extra config, and a user with a prefix rule, a host-scoped deny rule and quotas.
 */
export function optionSources(): KafkaSource[] {
  const app = Testing.app();
  const c = new Chart(app, 'options', { namespace: 'site-a' });
  const cluster = new EdgeKafkaCluster(c, 'edge', { replicas: 3 });
  const objects = new EdgeKafkaTopic(c, 'objects', { cluster, retentionBytes: Size.gibibytes(20), expectedWriteRate: Bandwidth.kibibytesPerSecond(8) });
  new EdgeKafkaTopic(c, 'releases', {
    cluster,
    topicName: 'Model_Releases',
    partitions: 1,
    replicas: 3,
    minInsyncReplicas: 2,
    cleanupPolicy: TopicCleanupPolicy.COMPACT_DELETE,
    outageBudget: Duration.days(7),
    retention: Duration.days(14),
    maxMessageBytes: Size.kibibytes(256),
    config: { 'compression.type': 'zstd' },
  });
  const state = new EdgeKafkaTopic(c, 'state', { cluster, cleanupPolicy: TopicCleanupPolicy.COMPACT });
  const user = new EdgeKafkaUser(c, 'ops', {
    cluster,
    acls: [{ resourceType: KafkaAclResourceType.TOPIC, resourceName: 'site-a.', patternType: KafkaAclPatternType.PREFIX, operations: [KafkaAclOperation.DESCRIBE] }],
    producerByteRate: Bandwidth.mebibytesPerSecond(1),
    consumerByteRate: Bandwidth.mebibytesPerSecond(2),
  });
  user.addAcl({ resourceType: KafkaAclResourceType.CLUSTER, operations: [KafkaAclOperation.DESCRIBE], permission: KafkaAclPermission.DENY, host: '10.0.0.1' });
  user.allowProduce(objects);
  state.grantConsume('state-reader', { group: 'state-readers' });
  return [source('EdgeKafkaTopic/EdgeKafkaUser options', app)];
}

/** Every source: examples, blueprints, then the building blocks' other options. */
export function kafkaSources(): KafkaSource[] {
  return [...exampleSources(), ...blueprintSources(), ...optionSources()];
}
