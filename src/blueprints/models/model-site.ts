import { Cron, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { ModelCloudOptions, ModelDistributionSiteProps } from './model-site-options';
import { VeleroBackupLocation, VeleroSchedule } from '../../backup';
import { CacheOrigin, NginxEdgeCache } from '../../cache';
import { CapacityEstimate, CapacityFit, CapacityPlanner, DecimalSize } from '../../capacity';
import { AT_LEAST_ONE_KIB, BandwidthFormat, edgeError, IEventTopic, KafkaCredentials, KubeNames, ObjectStoreAccess, ObjectStoreGrant, Warnings } from '../../core';
import { S3Rules, Shape } from '../../core/validate';
import { BucketAnonymousAccess, LifecycleRule, MinioBucket, MinioCluster } from '../../objectstore/minio';
import { EdgeKafkaCluster, KafkaCloudToEdgeMirror, ModelReleaseSync } from '../../sync';
import { EdgeSite } from '../site/edge-site';
import { KafkaSiteWiring } from '../site/kafka-wiring';
import { Prerequisite, SiteReport } from '../site/report';
import { SiteInput } from '../site/site-input';
import { FlowSource } from '../site/site-namespace';

/**
 * An AI-model distribution edge site. The cloud publishes each model version to a release bucket
 * (`<model>/<version>/…` + `SHA256SUMS`) and announces it in `<model>/release`; a CronJob at the site pulls new
 * versions into a versioned MinIO bucket, verifies every file's SHA-256 and only then repoints `<model>/current`,
 * keeping `versionsRetained` versions as rollback targets; MirrorMaker2 pulls the cloud's release announcements into a
 * small local Kafka for the site's consumers; an nginx cache serves downloads to the site's inference pods (pointers
 * are never served stale for named models); Velero backs the namespace up. The capacity planner checks
 * the drives hold models × (versionsRetained + 1) × averageModelSize before any YAML is written.
 */
export class ModelDistributionSite extends EdgeSite {
  /** The components of the site's inference clients, by default. */
  public static readonly DEFAULT_CLIENT_LABELS: { [key: string]: string } = { 'app.kubernetes.io/component': 'inference' };

  /** Object name of the release job. */
  private static readonly RELEASE = 'model-release';
  /** Object name of the download cache. */
  private static readonly CACHE = 'model-cache';

  private static portOf(endpoint: string): number {
    const u = new URL(endpoint);
    return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  }

  private static describeSchedule(cron: Cron): string {
    return cron.expressionString === '*/5 * * * *' ? 'every 5 min' : `cron ${cron.expressionString}`;
  }

  private static humanSize(size: Size): string {
    const mib = DecimalSize.toBytes(size) / 2 ** 20;
    return Number.isInteger(mib) ? `${mib} MiB` : `${DecimalSize.toBytes(size)} B`;
  }

  /** StorageClass of the drives and volumes. */
  public readonly storageClassName: string;
  /** Model names, when given (empty when only a count was given). */
  public readonly modelNames: string[];
  /** Number of models the site is sized for. */
  public readonly modelCount: number;
  /** Versions kept per model. */
  public readonly versionsRetained: number;
  /** Noncurrent object versions ILM keeps per key (`versionsRetained − 1`; 0 means only the expiry applies). */
  public readonly noncurrentVersionsKept: number;
  /** How long noncurrent versions stay recoverable. */
  public readonly noncurrentVersionExpiration: Duration;
  /**
   * The capacity estimate at peak: `versionsRetained + 1` versions per model (a release is pulled and verified before
   * the oldest is pruned, and the pruned folder lingers as a noncurrent version until ILM expires it).
   */
  public readonly estimate: CapacityEstimate;
  /** How the estimate fits the hardware. */
  public readonly fit: CapacityFit;
  /** The model store. */
  public readonly store: MinioCluster;
  /** The versioned model bucket. */
  public readonly modelBucket: MinioBucket;
  /** Read-write grant of the release job on the model bucket. */
  public readonly releaseGrant: ObjectStoreGrant;
  /** The job that pulls, verifies and promotes releases. */
  public readonly releaseSync: ModelReleaseSync;
  /** The download cache. */
  public readonly cache: NginxEdgeCache;
  /** The site's Kafka. */
  public readonly kafka: EdgeKafkaCluster;
  /** MirrorMaker2 pulling the release announcements from the cloud. */
  public readonly releaseMirror: KafkaCloudToEdgeMirror;
  /** The edge copy of the release topic (what local consumers read). */
  public readonly releaseEvents: IEventTopic;
  /** Credentials of the site's release-event consumers (KafkaUser Secret, consumer group). */
  public readonly releaseEventConsumer: KafkaCredentials;
  /**
   * Prefix of the consumer groups the release-event clients may use (one group per pod).
   * @default - undefined with kafka.sharedConsumerGroup (one literal group)
   */
  public readonly releaseEventGroupPrefix?: string;
  /** Velero's location (the backup store, or the site store with backup.siteLocal). */
  public readonly veleroLocation: VeleroBackupLocation;
  /** Velero schedules (daily, weekly). */
  public readonly veleroSchedules: VeleroSchedule[];
  /** Release job schedule (the release latency at the edge). */
  public readonly releaseSchedule: Cron;
  private readonly clients: FlowSource[];

  constructor(scope: Construct, id: string, props: ModelDistributionSiteProps) {
    super(scope, id, props);
    SiteInput.model(this, props);
    Shape.check(this, props);
    const site = this.siteName;
    this.storageClassName = props.storageClassName;
    const servers = props.servers ?? 4;
    const drivesPerServer = props.drivesPerServer ?? 1;
    const storeOpts = props.store ?? {};
    const bucketOpts = props.bucket ?? {};
    const releaseOpts = props.release ?? {};
    const cacheOpts = props.cache ?? {};
    const kafkaOpts = props.kafka ?? {};

    // --- Inputs ---------------------------------------------------------------------------------------------
    this.modelNames = this.checkModels(props.models, props.discoverUpTo);
    this.modelCount = this.modelNames.length > 0 ? this.modelNames.length : props.discoverUpTo!;
    this.versionsRetained = props.versionsRetained;
    if (!Number.isInteger(props.versionsRetained) || props.versionsRetained < 1 || props.versionsRetained > 100) {
      throw edgeError(this, {
        prop: 'versionsRetained', value: props.versionsRetained, rule: 'must be a whole number from 1 to 100 (the current version counts)', fix: 'use 2 or more to keep a rollback target, e.g. 3',
      });
    }
    if (props.versionsRetained === 1) {
      Warnings.addFormatted(this, { prop: 'versionsRetained', value: 1, rule: 'keeps no previous version at the edge, so a bad release cannot be rolled back locally', fix: 'keep at least 2 versions' });
    }
    const sizeBytes = props.averageModelSize ? DecimalSize.toBytes(props.averageModelSize) : NaN;
    if (!(sizeBytes > 0)) {
      throw edgeError(this, { prop: 'averageModelSize', value: props.averageModelSize ? `${sizeBytes} bytes` : 'unset', rule: 'must be larger than zero', fix: 'give the average size of one model version, e.g. DecimalSize.gigabytes(3)' });
    }
    this.checkCloud(props.cloud);
    const bucketName = bucketOpts.name ?? 'models';
    this.noncurrentVersionExpiration = bucketOpts.noncurrentVersionExpiration ?? Duration.days(1);
    this.noncurrentVersionsKept = props.versionsRetained - 1;
    this.clients = props.clients ?? [{ namespace: site, podLabels: ModelDistributionSite.DEFAULT_CLIENT_LABELS }];
    if (this.clients.length === 0 && (cacheOpts.clientCidrs ?? []).length === 0) {
      throw edgeError(this, { prop: 'clients', value: [], rule: 'nobody could download models (no client pods and no cache.clientCidrs)', fix: 'leave clients out for the default inference pods, or list the pods that load models' });
    }
    for (const [i, c] of this.clients.entries()) KubeNames.assertDns1123Label(this, `clients[${i}].namespace`, c.namespace);
    // The release job's grant and the store's admission of the cache come before the job and the cache exist (the job
    // signs with the grant's keys, the store is the cache's origin): checked against their pods below.
    const releasePods = { namespace: site, podLabels: ModelReleaseSync.podLabelsFor(ModelDistributionSite.RELEASE) };
    const cachePods = { namespace: site, podLabels: NginxEdgeCache.podLabelsFor(ModelDistributionSite.CACHE) };

    // --- Store ----------------------------------------------------------------------------------------------
    this.store = this.addSiteStore({
      servers,
      drivesPerServer,
      driveSize: props.driveSize,
      storageClassName: props.storageClassName,
      options: storeOpts,
      // No bucket notifications here: release events come from the cloud, not from the store.
      eventQueue: false,
      // The cache reads without signing; the release job (and site-local Velero) come in through grants.
      clients: [cachePods],
    });

    // --- Capacity: models × (versionsRetained + 1) × averageModelSize on the store's erasure layout -----------
    const layout = this.store.layout;
    const redundancy = EdgeSite.storeRedundancy(this.store);
    this.estimate = CapacityPlanner.models({
      models: this.modelCount,
      versionsRetained: props.versionsRetained + 1,
      averageModelSize: props.averageModelSize,
      redundancy,
      fillTarget: props.fillTarget,
      distributionWindow: releaseOpts.distributionWindow,
    });
    this.fit = CapacityPlanner.fit(this.estimate, { servers, drivesPerServer, driveSize: props.driveSize, redundancy, fillTarget: props.fillTarget });
    if (!this.fit.fits) {
      const maxVersions = Math.floor(this.fit.availableBytes / (this.modelCount * sizeBytes) + 1e-9) - 1;
      const maxModels = Math.floor(this.fit.availableBytes / ((props.versionsRetained + 1) * sizeBytes) + 1e-9);
      const options = [
        ...this.fit.options.filter((o) => !o.startsWith('keep fewer versions')),
        ...(maxVersions >= 1 ? [`keep fewer versions: versionsRetained at most ${maxVersions} (now ${props.versionsRetained})`] : []),
        ...(maxModels >= 1 ? [`serve fewer models: at most ${maxModels} (now ${this.modelCount})`] : []),
      ];
      throw edgeError(this, {
        prop: 'models × (versionsRetained + 1) × averageModelSize',
        value: `${this.modelCount} × (${props.versionsRetained} + 1) × ${this.estimate.inputs.find((l) => l.label === 'Average model size')?.value ?? `${sizeBytes} B`}`,
        rule: this.fit.summary,
        fix: options.join('; or '),
      });
    }

    // --- Model bucket: versioned, ILM bounds noncurrent versions by count and by age --------------------------
    const lifecycle: LifecycleRule[] = [
      { id: 'noncurrent-expiry', noncurrentVersionExpiration: this.noncurrentVersionExpiration },
      ...(this.noncurrentVersionsKept >= 1 ? [{ id: 'noncurrent-versions', noncurrentVersionsToKeep: this.noncurrentVersionsKept }] : []),
      { id: 'delete-markers', expireDeleteMarkers: true },
    ];
    this.modelBucket = this.store.addBucket('Models', {
      name: bucketName,
      versioning: true,
      objectLock: bucketOpts.objectLock !== undefined,
      retention: bucketOpts.objectLock,
      // The cache fetches without signing; only the cache, the release job and Velero can reach the store.
      anonymousAccess: BucketAnonymousAccess.DOWNLOAD,
      lifecycle,
    });
    this.releaseGrant = this.grant(this.store, ObjectStoreAccess.READ_WRITE, { name: 'model-release', ...releasePods }, { buckets: [bucketName] });

    // --- Release job: pull, verify, promote -----------------------------------------------------------------
    this.releaseSchedule = releaseOpts.schedule ?? Cron.schedule({ minute: '*/5' });
    BandwidthFormat.check(this, 'release.bandwidthLimit', releaseOpts.bandwidthLimit, AT_LEAST_ONE_KIB);
    const prefix = props.cloud.releasePrefix?.replace(/^\/+|\/+$/g, '');
    this.releaseSync = new ModelReleaseSync(this, 'Release', {
      namespace: site,
      name: ModelDistributionSite.RELEASE,
      source: props.cloud.releaseStore,
      sourceBucket: prefix ? `${props.cloud.releaseBucket}/${prefix}` : props.cloud.releaseBucket,
      target: this.releaseGrant.objectStore,
      targetBucket: bucketName,
      models: this.modelNames,
      discoverUpTo: this.modelNames.length > 0 ? undefined : this.modelCount,
      versionsRetained: props.versionsRetained,
      pinned: releaseOpts.pinned,
      schedule: this.releaseSchedule,
      bandwidthLimit: releaseOpts.bandwidthLimit,
      image: releaseOpts.image,
      resources: releaseOpts.resources,
    });
    this.checkSelects('release job (its grant)', releasePods.podLabels, this.releaseSync.podLabels);

    // --- Download cache -------------------------------------------------------------------------------------
    const sliceSize = cacheOpts.sliceSize ?? Size.mebibytes(8);
    const validity = cacheOpts.validity ?? Duration.minutes(1);
    const oneRelease = this.modelCount * sizeBytes;
    const defaultVolume = Size.gibibytes(Math.max(10, Math.ceil(oneRelease / 0.9 / 2 ** 30)));
    this.cache = new NginxEdgeCache(this, 'Cache', {
      name: ModelDistributionSite.CACHE,
      origin: CacheOrigin.fromObjectStore(this.store, { bucket: bucketName }),
      storageClassName: cacheOpts.storageClassName ?? props.storageClassName,
      cacheVolumeSize: cacheOpts.cacheVolumeSize ?? defaultVolume,
      replicas: cacheOpts.replicas ?? 2,
      sliceSize,
      inactive: cacheOpts.inactive ?? Duration.days(7),
      // Short freshness + revalidation: unchanged objects cost a bodiless 304, pointers never go stale for long.
      validity: [
        { statusCodes: [200, 206], duration: validity },
        { statusCodes: [404], duration: Duration.seconds(10) },
      ],
      revalidate: true,
      // The pointers of named models are never cached.
      bypassLocations: this.modelNames.flatMap((m) => [`/${m}/current`, `/${m}/history`]),
      // Objects, not slices: the keys zone counts one key per slice of the cache volume itself.
      expectedObjects: this.modelCount * (props.versionsRetained + 3),
      serviceType: cacheOpts.serviceType,
      allowedClients: [
        ...(cacheOpts.clientCidrs ?? []).map((cidr) => ({ cidr })),
        ...this.clients.map((c) => ({ namespace: c.namespace, podLabels: c.podLabels })),
      ],
    });
    this.checkSelects('download cache (the store admits it)', cachePods.podLabels, this.cache.podLabels);

    // --- Release events: cloud topic → MirrorMaker2 at the edge → local Kafka → site consumers ----------------
    const releaseTopic = props.cloud.releaseTopic ?? 'model-releases';
    this.kafka = new EdgeKafkaCluster(this, 'events', {
      namespace: site,
      replicas: kafkaOpts.replicas ?? 1,
      storageSize: kafkaOpts.storageSize ?? Size.gibibytes(10),
      storageClassName: kafkaOpts.storageClassName ?? props.storageClassName,
    });
    this.releaseMirror = new KafkaCloudToEdgeMirror(this, 'model-releases', {
      source: props.cloud.kafka,
      target: this.kafka,
      site,
      topics: [releaseTopic],
      identityReplication: kafkaOpts.identityReplication,
    });
    this.releaseEvents = this.releaseMirror.edgeTopic(releaseTopic);
    const consumerGroup = kafkaOpts.consumerGroup ?? 'model-consumers';
    this.releaseEventGroupPrefix = kafkaOpts.sharedConsumerGroup ? undefined : `${consumerGroup}-`;
    this.releaseEventConsumer = this.releaseMirror.grantConsume('Consumers', kafkaOpts.sharedConsumerGroup
      ? { username: consumerGroup, group: consumerGroup }
      : { username: consumerGroup, groupPrefix: this.releaseEventGroupPrefix });

    // --- Backups --------------------------------------------------------------------------------------------
    const backup = props.backup;
    if (!backup.siteLocal && !backup.bucket) {
      throw edgeError(this, { prop: 'backup.bucket', value: 'unset', rule: 'Velero backs the site up to a cloud bucket by default (backups kept in the store they protect are not backups)', fix: 'name a writable bucket (on backup.store, default the release store\'s endpoint) whose keys are in veleroCredential, or set backup.siteLocal: true (labs only)' });
    }
    if (backup.bucket !== undefined && backup.bucket === props.cloud.releaseBucket) {
      throw edgeError(this, { prop: 'backup.bucket', value: backup.bucket, rule: 'is the release bucket, whose top-level folders are models', fix: 'use a bucket of its own for backups' });
    }
    const velero = this.addVeleroBackups(backup, backup.bucket
      ? { store: backup.store ?? props.cloud.releaseStore, bucket: backup.bucket, prefix: (backup.prefix ?? `${site}/velero`).replace(/^\/+|\/+$/g, '') }
      : undefined);
    this.veleroLocation = velero.location;
    this.veleroSchedules = velero.schedules;

    // --- Network flows (default deny + exactly these) -------------------------------------------------------
    for (const [i, c] of this.clients.entries()) this.allow(`client-${i}-cache`, c, this.cache.networkPeer);
    this.allow('cache-store', { namespace: site, podLabels: this.cache.podLabels }, this.store.serverNetworkPeer);
    const cloudStore = props.cloud.releaseStore;
    if (cloudStore.networkPeer) {
      this.allow('release-source', { namespace: site, podLabels: this.releaseSync.podLabels }, cloudStore.networkPeer);
    } else {
      this.allowWan('release-cloud', { namespace: site, podLabels: this.releaseSync.podLabels }, [ModelDistributionSite.portOf(cloudStore.s3Endpoint)]);
    }
    for (const [i, c] of this.clients.entries()) this.allow(`client-${i}-kafka`, c, { ...this.kafka.networkPeer, ports: [9093] });
    KafkaSiteWiring.wire(this.siteNamespace, this.kafka, [this.releaseMirror.apiObject.name], this, props.cloud.kafka.bootstrapServers);

    // --- The site's applications in the quota: inference clients in the site namespace ------------------------
    const localClients = this.clients.filter((c) => c.namespace === site).length;
    this.addApplicationFootprint(
      { pods: 2 * localClients, cpu: 1 * localClients, memory: Size.gibibytes(4 * localClients) },
      `${localClients} client group(s) in the site namespace × 2 pods, 1 CPU and 4 GiB per group`,
    );

    // --- Report ---------------------------------------------------------------------------------------------
    const storeLabel = `MinIO ${servers}×${drivesPerServer} (EC:${layout.parity}), bucket ${bucketName}`;
    const every = ModelDistributionSite.describeSchedule(this.releaseSchedule);
    this.addDataPath('Cloud release bucket', 'Release job (rclone)', `pull announced versions (${every})`);
    this.addDataPath('Release job (rclone)', storeLabel, 'SHA-256-verified versions, then {model}/current');
    this.addDataPath(storeLabel, 'nginx model cache', `slices of ${ModelDistributionSite.humanSize(sliceSize)}, revalidated after ${validity.toHumanString()}`);
    this.addDataPath('nginx model cache', 'Inference clients', 'model downloads (GET {model}/current, then {model}/{version}/…)');
    this.addDataPath('Site namespace', backup.siteLocal ? storeLabel : 'Cloud backup bucket', 'Velero backups (daily, weekly)');

    // --- Cloud keys: the IAM policy of what the site's jobs do with them (the jobs list the Secrets) ------------------
    this.requireStoreKeys(props.cloud.releaseStore, `release job reading ${props.cloud.releaseBucket}`, this.releaseSync.sourceKeyUses);
    this.addDataPath(`Cloud Kafka ${releaseTopic}`, `Kafka ${this.releaseEvents.topicName}`, 'MirrorMaker2 pull (cloud → edge)');
    this.addDataPath(`Kafka ${this.releaseEvents.topicName}`, 'Inference clients', 'release events: reload once {model}/current shows the version');
  }

  /** What the cluster must run for this site. */
  public prerequisites(): Prerequisite[] {
    return [
      ...this.sharedPrerequisites({
        storageClassName: this.storageClassName,
        storageClassKind: 'XFS LocalPV (e.g. OpenEBS LVM LocalPV 1.x)',
        volumes: 'MinIO drives and cache volumes',
        loadBalancerFor: EdgeSite.cacheLanAddress(this.cache),
        velero: this.veleroLocation,
      }),
      {
        component: 'Cloud Kafka',
        version: 'any Kafka ≥ 3.x',
        purpose: `release events (topic ${this.releaseMirror.topicNames.join(', ')}); a read-only user with KafkaCloudToEdgeMirror.aclRulesForSource`,
      },
      {
        component: 'Cloud release bucket',
        version: 'S3 API; `<model>/release` + `<model>/<version>/` with `SHA256SUMS`',
        purpose: 'source of the model versions (read-only keys suffice)',
      },
    ];
  }

  /** The site report (Markdown). */
  public report(): string {
    const sched = this.releaseSchedule.expressionString;
    return SiteReport.render({
      title: `Model distribution site "${this.siteName}"`,
      capacityMarkdown: this.capacityMarkdown(),
      capacityNotes: [
        this.fit.summary,
        ...this.applicationFootprintNote(),
        `Versions on disk per model at peak = versionsRetained (${this.versionsRetained}) + 1: a release is pulled and verified before the oldest `
          + `version is pruned, and the pruned folder stays as a noncurrent version for ${this.noncurrentVersionExpiration.toHumanString()}.`,
        `Model bucket "${this.modelBucket.bucketName}": versioned${this.modelBucket.objectLock ? `, object lock ${this.modelBucket.retention?.mode} ${this.modelBucket.retention?.period.toHumanString()}` : ''}; `
          + `ILM deletes noncurrent versions after ${this.noncurrentVersionExpiration.toHumanString()}`
          + (this.noncurrentVersionsKept >= 1 ? ` and keeps at most ${this.noncurrentVersionsKept} noncurrent version${this.noncurrentVersionsKept === 1 ? '' : 's'} per key (versionsRetained − 1)` : '')
          + '; expired delete markers are removed.',
        `Release latency: the job runs on \`${sched}\`; a verified release is served at most one schedule interval plus the pull time after it is announced. `
          + `The announcement reaches the local topic ${this.releaseEvents.topicName} within seconds; consumers reload once \`<model>/current\` shows the announced version.`,
        this.modelNames.length > 0
          ? `Models: ${this.modelNames.join(', ')}.`
          : `Models: up to ${this.modelCount}, discovered from the release bucket (the job fails listing any surplus model).`,
      ],
      prerequisites: this.prerequisites(),
      dataPaths: this.dataPaths,
      scope: this,
      grants: this.grants,
      secrets: this.requiredSecrets,
      provedBy: [
        'test/blueprints/model-site-e2e.real.test.ts runs the example retail site for real on loopback: its MinIO servers and'
          + ' provisioning Job, the release job\'s script under rclone pulling, SHA-256-checking and promoting releases from a'
          + ' cloud MinIO (a corrupt one refused, a pinned rollback), the nginx cache serving them, and MirrorMaker2 carrying'
          + ' the release event between two Kafka brokers to two consumers with their own groups (a group outside the prefix refused).',
      ],
    });
  }

  /** The planner's table, with the peak version count labelled as such. */
  private capacityMarkdown(): string {
    const peak = this.versionsRetained + 1;
    return this.estimate.toMarkdown()
      .replace(`| Versions retained | ${peak} | input |`, `| Versions on disk per model (peak) | ${peak} | versionsRetained ${this.versionsRetained} + 1 being pulled or expiring |`)
      .replace('| Objects retained |', '| Version folders at peak |')
      .replace(/× (\d+) versions/g, '× $1 versions on disk')
      .replace('logical = models × versionsRetained ×', 'logical = models × (versionsRetained + 1) ×');
  }

  private checkModels(models: string[] | undefined, discoverUpTo: number | undefined): string[] {
    if (models !== undefined && discoverUpTo !== undefined) {
      throw edgeError(this, { prop: 'discoverUpTo', value: discoverUpTo, rule: 'the site either serves the named models or discovers them, not both', fix: 'remove discoverUpTo to serve only the named models, or remove models to discover them' });
    }
    if (discoverUpTo !== undefined) {
      if (!Number.isInteger(discoverUpTo) || discoverUpTo < 1) {
        throw edgeError(this, { prop: 'discoverUpTo', value: discoverUpTo, rule: 'must be a positive whole number of models (the number the site is sized for)', fix: 'give e.g. 20, or name the models in models' });
      }
      return [];
    }
    if (models === undefined) {
      throw edgeError(this, { prop: 'models', value: [], rule: 'the site needs the models it serves: their names, or discoverUpTo', fix: 'give e.g. models: ["detector", "ocr"] or discoverUpTo: 20' });
    }
    if (!Array.isArray(models) || models.length === 0) {
      throw edgeError(this, { prop: 'models', value: Array.isArray(models) ? [] : models, rule: 'must name at least one model', fix: 'give e.g. ["detector", "ocr"], or discoverUpTo: 20 instead' });
    }
    for (const m of models) {
      if (typeof m !== 'string' || !KubeNames.isDns1123Label(m)) {
        throw edgeError(this, {
          prop: 'models', value: m, rule: 'model names must be DNS-1123 labels (they are the top-level folders of the release bucket and part of cache paths)', fix: `use a name like "${KubeNames.suggest(String(m))}"`,
        });
      }
    }
    const dupes = models.filter((m, i) => models.indexOf(m) !== i);
    if (dupes.length > 0) {
      throw edgeError(this, { prop: 'models', value: dupes[0], rule: 'is listed twice', fix: 'list each model once' });
    }
    return [...models];
  }

  private checkCloud(cloud: ModelCloudOptions): void {
    const folders = typeof cloud.releaseBucket === 'string' && cloud.releaseBucket.includes('/');
    S3Rules.checkBucket(this, 'cloud.releaseBucket', cloud.releaseBucket, folders ? 'give the bucket name only; put folders in releasePrefix' : undefined);
    const prefix = cloud.releasePrefix;
    if (prefix !== undefined && !/^\/*[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/*$/.test(prefix)) {
      throw edgeError(this, { prop: 'cloud.releasePrefix', value: prefix, rule: 'must be a folder path of letters, digits, ".", "_" and "-" separated by "/"', fix: 'use e.g. "fleet-eu/models"' });
    }
    try {
      ModelDistributionSite.portOf(cloud.releaseStore.s3Endpoint);
    } catch {
      throw edgeError(this, { prop: 'cloud.releaseStore.s3Endpoint', value: cloud.releaseStore.s3Endpoint, rule: 'must be an http(s) URL', fix: 'use e.g. "https://s3.eu-central-1.amazonaws.com"' });
    }
  }
}
