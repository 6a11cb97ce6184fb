import { Cron, Duration, Size } from 'cdk8s';
import { ServiceType } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { BackupSource, ResticBackup, ResticRepository, VeleroBackupLocation, VeleroSchedule } from '../../backup';
import { CacheOrigin, NginxEdgeCache, ViewerAuthentication } from '../../cache';
import { CapacityEstimate, CapacityFit, CapacityPlanner } from '../../capacity';
import { AT_LEAST_ONE_KIB, Bandwidth, BandwidthFormat, edgeError, IObjectStore, KafkaCredentials, ObjectEvent, ObjectStoreAccess, ObjectStoreGrant, SecretKeyReference } from '../../core';
import { Shape } from '../../core/validate';
import { MinioBucket, MinioCluster } from '../../objectstore/minio';
import { ConflictPolicy, EdgeKafkaCluster, EdgeKafkaTopic, KafkaSync, KafkaSyncTarget, ObjectReplication } from '../../sync';
import { EdgeSite, EdgeSiteProps } from '../site/edge-site';
import { KafkaSiteWiring } from '../site/kafka-wiring';
import { Prerequisite, SiteReport } from '../site/report';
import { SiteVeleroOptions } from '../site/site-backup';
import { SiteInput } from '../site/site-input';
import { FlowSource } from '../site/site-namespace';
import { SiteStoreOptions } from '../site/site-store';

/** Where the site sends events and archives segments. */
export interface VideoCloudOptions {
  /** The cloud Kafka cluster MirrorMaker2 pushes segment events to. */
  readonly kafka: KafkaSyncTarget;
  /** The cloud object store segments are archived to before they expire at the edge. */
  readonly archive: IObjectStore;
  /** Bucket in the cloud store. */
  readonly archiveBucket: string;
  /**
   * Key prefix in the cloud bucket.
   * @default - the site name
   */
  readonly archivePrefix?: string;
  /**
   * How often new segments are copied to the cloud (the archive's recovery-point objective).
   * @default - hourly
   */
  readonly archiveSchedule?: Cron;
  /**
   * WAN bandwidth cap of the archive copy (rclone `--bwlimit`). It must exceed the planner's WAN rate (a day of recordings
   * over the archive window) by {@link VideoSurveillanceSite.ARCHIVE_BANDWIDTH_MARGIN}, or the backlog grows until
   * segments expire unarchived.
   * @default - unlimited
   */
  readonly archiveBandwidthLimit?: Bandwidth;
}

/** Overrides for the playback cache. */
export interface VideoCacheOptions {
  /**
   * Cache volume per replica.
   * @default Size.gibibytes(200)
   */
  readonly cacheVolumeSize?: Size;
  /**
   * StorageClass of the cache volumes.
   * @default - the site's storageClassName
   */
  readonly storageClassName?: string;
  /**
   * Replicas.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Range-request slice size.
   * @default Size.mebibytes(4)
   */
  readonly sliceSize?: Size;
  /**
   * How long an unused segment stays cached.
   * @default Duration.days(2)
   */
  readonly inactive?: Duration;
  /**
   * Address ranges of playback clients (operators' workstations, video walls).
   * @default - none: only pods labelled `app.kubernetes.io/component: viewer` in the site namespace
   */
  readonly viewerCidrs?: string[];
  /**
   * How the cache's Service is exposed (the LAN needs NODE_PORT or LOAD_BALANCER; both keep the client address with
   * `externalTrafficPolicy: Local` so the CIDR rules match).
   * @default - ServiceType.LOAD_BALANCER when viewerCidrs are given, else ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /**
   * How viewers authenticate at the cache. NONE serves every recording to any client in viewerCidrs (and any viewer
   * pod) without credentials; it is warned about and only fits footage that may be public.
   * @default ViewerAuthentication.BASIC
   */
  readonly viewerAuthentication?: ViewerAuthentication;
  /**
   * Secret key with the viewers' htpasswd file (basic authentication).
   * @default - Secret `playback-viewers`, key `htpasswd` (listed in the report's Secrets to create)
   */
  readonly viewerCredentials?: SecretKeyReference;
  /**
   * Secret key with the token the cache sends the store; the recordings bucket allows anonymous reads only with it.
   * @default - Secret `playback-origin-token`, key `token` (listed in the report's Secrets to create)
   */
  readonly originToken?: SecretKeyReference;
}

/** Overrides for the site's Kafka. */
export interface VideoKafkaOptions {
  /**
   * KRaft nodes.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Volume per node.
   * @default Size.gibibytes(20)
   */
  readonly storageSize?: Size;
  /**
   * StorageClass of the Kafka volumes.
   * @default - the site's storageClassName
   */
  readonly storageClassName?: string;
  /**
   * How long the WAN may be down without losing events.
   * @default Duration.hours(72)
   */
  readonly outageBudget?: Duration;
}

/**
 * Backups of the site: Velero into the cloud archive store (bucket `cloud.archiveBucket`, prefix
 * `<archivePrefix>-velero`) unless `siteLocal`.
 */
export interface VideoBackupOptions extends SiteVeleroOptions {
  /**
   * Claims (in the site namespace) of metadata volumes to back up with restic into the cloud archive store.
   * @default - none
   */
  readonly resticClaims?: string[];
  /**
   * restic repository password (required with resticClaims).
   * @default - none
   */
  readonly resticPassword?: SecretKeyReference;
}

/** Props of {@link VideoSurveillanceSite}. */
export interface VideoSurveillanceSiteProps extends EdgeSiteProps {
  /** Cameras recording continuously. */
  readonly cameras: number;
  /** Average bitrate per camera in Mbps. */
  readonly bitrateMbps: number;
  /**
   * How long recordings stay on the hot tier: a whole number of days, at least one (`Duration.days(7)`; the bucket
   * expires them by MinIO lifecycle days).
   */
  readonly retention: Duration;
  /** Size of each MinIO drive. */
  readonly driveSize: Size;
  /** StorageClass of the MinIO drives (an XFS LocalPV class). */
  readonly storageClassName: string;
  /**
   * MinIO servers (one per node).
   * @default 4
   */
  readonly servers?: number;
  /**
   * Drives per server.
   * @default 1
   */
  readonly drivesPerServer?: number;
  /**
   * Length of one recorded segment (one object): a whole number of minutes, at most one day.
   * @default Duration.minutes(5)
   */
  readonly segmentDuration?: Duration;
  /**
   * Highest planned fill level of the drives.
   * @default 0.85
   */
  readonly fillTarget?: number;
  /**
   * Pods that write segments (recorders/NVR). Each entry gets its own write-only store user (`recorders`, or
   * `recorders-<i>` when there are several), keys in Secret `store-recorders[-<i>]`.
   * @default - pods labelled `app.kubernetes.io/component: recorder` in the site namespace
   */
  readonly recorders?: FlowSource[];
  /** Cloud event sync and archive. */
  readonly cloud: VideoCloudOptions;
  /** Backups. */
  readonly backup: VideoBackupOptions;
  /**
   * Hot-tier overrides.
   * @default - see SiteStoreOptions
   */
  readonly store?: SiteStoreOptions;
  /**
   * Playback cache overrides.
   * @default - see VideoCacheOptions
   */
  readonly cache?: VideoCacheOptions;
  /**
   * Kafka overrides.
   * @default - see VideoKafkaOptions
   */
  readonly kafka?: VideoKafkaOptions;
}

/**
 * A video-surveillance edge site: recorders write 5-minute segments to a 4-node MinIO (erasure-coded, one server may
 * fail), the bucket expires them after the hot retention while an rclone job copies new segments to the cloud archive,
 * every new segment raises an event on a Kafka topic that MirrorMaker2 pushes to the cloud, an nginx cache serves
 * playback (range requests sliced), and Velero backs the namespace up into the store. The capacity planner checks the
 * hardware holds the retention before any YAML is written.
 */
export class VideoSurveillanceSite extends EdgeSite {
  /** The archive copy's bandwidth cap must be at least this × the planner's WAN rate. */
  public static readonly ARCHIVE_BANDWIDTH_MARGIN = 1.2;

  /** Labels of in-cluster playback clients (video walls, analytics) allowed to use the cache. */
  public static readonly VIEWER_LABELS: { [key: string]: string } = { 'app.kubernetes.io/component': 'viewer' };

  /** Object name of the archive copy (its construct id). */
  private static readonly ARCHIVE = 'archive';
  /** Object name of the playback cache. */
  private static readonly CACHE = 'playback';

  /** StorageClass of the drives and volumes. */
  public readonly storageClassName: string;
  /** The capacity estimate for the recordings. */
  public readonly estimate: CapacityEstimate;
  /** How the estimate fits the hardware. */
  public readonly fit: CapacityFit;
  /** The hot tier. */
  public readonly store: MinioCluster;
  /** The recordings bucket. */
  public readonly recordings: MinioBucket;
  /** Write grants of the recorders (one per recorder source). */
  public readonly recorderGrants: ObjectStoreGrant[];
  /** Read grant of the archive job on the recordings bucket. */
  public readonly archiveGrant: ObjectStoreGrant;
  /** The site's Kafka. */
  public readonly kafka: EdgeKafkaCluster;
  /** Segment events. */
  public readonly segmentEvents: EdgeKafkaTopic;
  /** The store's login to the segment-events topic (write only, for its bucket notifications). */
  public readonly segmentEventsProducer: KafkaCredentials;
  /** MirrorMaker2 to the cloud. */
  public readonly sync: KafkaSync;
  /** The archive copy to the cloud. */
  public readonly archive: ObjectReplication;
  /** The playback cache. */
  public readonly cache: NginxEdgeCache;
  /** Velero's location (the cloud archive store, or the site store with backup.siteLocal). */
  public readonly veleroLocation: VeleroBackupLocation;
  /** Velero schedules (daily, weekly). */
  public readonly veleroSchedules: VeleroSchedule[];
  /** restic backups of metadata volumes. */
  public readonly resticBackups: ResticBackup[] = [];

  constructor(scope: Construct, id: string, props: VideoSurveillanceSiteProps) {
    super(scope, id, props);
    SiteInput.video(this, props);
    Shape.check(this, props);
    const site = this.siteName;
    this.storageClassName = props.storageClassName;
    const servers = props.servers ?? 4;
    const drivesPerServer = props.drivesPerServer ?? 1;
    const retentionDays = SiteInput.retentionDays(this, props.retention);
    const segmentMinutes = SiteInput.segmentMinutes(this, props.segmentDuration);
    const storeOpts = props.store ?? {};
    const cacheOpts = props.cache ?? {};
    const kafkaOpts = props.kafka ?? {};

    // --- Hot tier -------------------------------------------------------------------------------------------
    const recorders = props.recorders ?? [{ namespace: site, podLabels: { 'app.kubernetes.io/component': 'recorder' } }];
    // The store admits the cache before the cache exists (the store is its origin): checked against the cache below.
    const cachePods = NginxEdgeCache.podLabelsFor(VideoSurveillanceSite.CACHE);
    this.store = this.addSiteStore({
      servers,
      drivesPerServer,
      driveSize: props.driveSize,
      storageClassName: props.storageClassName,
      options: storeOpts,
      // The cache cannot sign S3 requests: it reads with the bucket's read token; everyone else comes in through a grant.
      clients: [{ namespace: site, podLabels: cachePods }],
    });

    // --- Capacity: the planner sizes the site from cameras × bitrate × retention --------------------------
    const layout = this.store.layout;
    const redundancy = EdgeSite.storeRedundancy(this.store);
    this.estimate = CapacityPlanner.video({
      cameras: props.cameras,
      bitrateMbps: props.bitrateMbps,
      retention: props.retention,
      segmentDuration: Duration.minutes(segmentMinutes),
      redundancy,
      fillTarget: props.fillTarget,
    });
    this.fit = CapacityPlanner.fit(this.estimate, { servers, drivesPerServer, driveSize: props.driveSize, redundancy, fillTarget: props.fillTarget });
    if (!this.fit.fits) {
      throw edgeError(this, {
        prop: 'cameras × bitrateMbps × retention',
        value: `${props.cameras} × ${props.bitrateMbps} Mbps × ${retentionDays} days`,
        rule: this.fit.summary,
        fix: this.fit.options.join('; or '),
      });
    }

    // --- Events: Kafka at the edge, MirrorMaker2 pushes to the cloud --------------------------------------
    this.kafka = new EdgeKafkaCluster(this, 'events', {
      namespace: site,
      replicas: kafkaOpts.replicas ?? 1,
      storageSize: kafkaOpts.storageSize ?? Size.gibibytes(20),
      storageClassName: kafkaOpts.storageClassName ?? props.storageClassName,
    });
    this.segmentEvents = new EdgeKafkaTopic(this, 'segment-events', {
      cluster: this.kafka, outageBudget: kafkaOpts.outageBudget ?? Duration.hours(72),
    });
    const notifier = this.segmentEvents.grantProduce('StoreNotifications', { username: 'store-notifications' });
    this.segmentEventsProducer = notifier;
    const originToken = cacheOpts.originToken ?? { name: 'playback-origin-token', key: 'token' };
    const viewerAuthentication = cacheOpts.viewerAuthentication ?? ViewerAuthentication.BASIC;
    const viewerCredentials = viewerAuthentication === ViewerAuthentication.BASIC
      ? cacheOpts.viewerCredentials ?? { name: 'playback-viewers', key: 'htpasswd' } : undefined;

    this.recordings = this.store.addBucket('Recordings', {
      name: 'recordings',
      // Private: the playback cache (which cannot sign) reads with the token, everyone else through a grant.
      readToken: originToken,
      lifecycle: [{ id: 'hot-retention', expiration: Duration.days(retentionDays) }],
      notifications: [{ topic: this.segmentEvents, credentials: notifier, events: [ObjectEvent.OBJECT_CREATED, ObjectEvent.OBJECT_REMOVED] }],
    });
    this.recorderGrants = recorders.map((r, i) => this.grant(this.store, ObjectStoreAccess.WRITE,
      { name: recorders.length === 1 ? 'recorders' : `recorders-${i}`, namespace: r.namespace, podLabels: r.podLabels },
      { buckets: [this.recordings.bucketName] }));

    this.sync = new KafkaSync(this, 'cloud-sync', {
      source: this.kafka, site, topics: [this.segmentEvents], target: props.cloud.kafka, conflictPolicy: ConflictPolicy.EDGE_PRIORITY,
    });

    // --- Bytes: segments to the cloud archive before they expire at the edge --------------------------------
    this.checkArchiveBandwidth(props.cloud.archiveBandwidthLimit);
    this.archiveGrant = this.grant(this.store, ObjectStoreAccess.READ,
      { name: 'archive', namespace: site, podLabels: ObjectReplication.podLabelsFor(VideoSurveillanceSite.ARCHIVE) }, { buckets: [this.recordings.bucketName] });
    this.archive = this.sync.addObjectReplication(VideoSurveillanceSite.ARCHIVE, {
      // The site namespace's flows (default deny + exactly the data paths) describe this job's traffic.
      networkPolicy: false,
      source: this.archiveGrant.objectStore,
      sourceBucket: 'recordings',
      destination: props.cloud.archive,
      destinationBucket: props.cloud.archiveBucket,
      destinationPrefix: props.cloud.archivePrefix ?? site,
      schedule: props.cloud.archiveSchedule ?? Cron.schedule({ minute: '15' }),
      bandwidthLimit: props.cloud.archiveBandwidthLimit,
      // Only objects newer than the hot retention can still be at the edge; skip scanning anything older.
      maxAge: Duration.days(retentionDays),
    });
    this.checkSelects('archive job (its read grant)', this.archiveGrant.consumer.podLabels, this.archive.podLabels);

    // --- Playback cache -------------------------------------------------------------------------------------
    this.cache = new NginxEdgeCache(this, 'PlaybackCache', {
      name: VideoSurveillanceSite.CACHE,
      origin: CacheOrigin.fromObjectStore(this.store, { bucket: 'recordings' }),
      storageClassName: cacheOpts.storageClassName ?? props.storageClassName,
      cacheVolumeSize: cacheOpts.cacheVolumeSize ?? Size.gibibytes(200),
      replicas: cacheOpts.replicas ?? 2,
      sliceSize: cacheOpts.sliceSize ?? Size.mebibytes(4),
      inactive: cacheOpts.inactive ?? Duration.days(2),
      expectedObjects: Math.ceil(this.estimate.segmentsPerDay ?? 0),
      serviceType: cacheOpts.serviceType,
      originToken,
      viewerAuthentication,
      viewerCredentials,
      allowedClients: [
        ...(cacheOpts.viewerCidrs ?? []).map((cidr) => ({ cidr })),
        { podLabels: VideoSurveillanceSite.VIEWER_LABELS },
      ],
    });
    this.checkSelects('playback cache (the store admits it)', cachePods, this.cache.podLabels);

    // --- Backups --------------------------------------------------------------------------------------------
    const archivePrefix = props.cloud.archivePrefix ?? site;
    const velero = this.addVeleroBackups(props.backup, { store: props.cloud.archive, bucket: props.cloud.archiveBucket, prefix: `${archivePrefix}-velero` });
    this.veleroLocation = velero.location;
    this.veleroSchedules = velero.schedules;
    const claims = props.backup.resticClaims ?? [];
    if (claims.length > 0 && !props.backup.resticPassword) {
      throw edgeError(this, { prop: 'backup.resticPassword', value: 'unset', rule: 'restic backups of resticClaims need a repository password', fix: 'pass a Secret key reference holding the password' });
    }
    const resticRepository = claims.length > 0
      ? ResticRepository.s3(props.cloud.archive, { bucket: props.cloud.archiveBucket, prefix: `${archivePrefix}-restic` }) : undefined;
    for (const claim of claims) {
      this.resticBackups.push(new ResticBackup(this, `restic-${claim}`, {
        networkPolicy: false, // the site's flows describe its traffic
        source: BackupSource.fromClaimName(claim),
        repository: resticRepository!,
        password: props.backup.resticPassword!,
        host: site,
        retention: { keepDaily: 14, keepWeekly: 8, keepMonthly: 6 },
      }));
    }

    // --- Network flows (default deny + exactly these) -------------------------------------------------------
    // Recorders, the archive job and (site-local) Velero reach the store through their grants.
    this.allow('cache-store', { namespace: site, podLabels: this.cache.podLabels }, this.store.serverNetworkPeer);
    this.allow('viewer-cache', { namespace: site, podLabels: VideoSurveillanceSite.VIEWER_LABELS }, this.cache.networkPeer);
    this.allowWan('archive-cloud', { namespace: site, podLabels: this.archive.podLabels }, [443, 80]);
    this.allow('store-kafka', { namespace: site, podLabels: this.store.podLabels }, this.kafka.networkPeer);
    KafkaSiteWiring.wire(this.siteNamespace, this.kafka, [this.sync.apiObject.name], this, props.cloud.kafka.bootstrapServers);
    for (const r of this.resticBackups) {
      this.allowWan(`restic-${r.node.id.replace(/^restic-/, '')}`.slice(0, 40), { namespace: site, podLabels: r.podLabels }, [443, 80]);
    }

    // --- The site's applications in the quota: recorders (one per 25 cameras) and 2 viewers ---------------------
    const recorderPods = Math.ceil(props.cameras / 25);
    this.addApplicationFootprint(
      { pods: recorderPods + 2, cpu: Math.round((0.05 * props.cameras + 0.5) * 100) / 100, memory: Size.mebibytes(64 * props.cameras + 512) },
      `${recorderPods} recorder pods (one per 25 cameras, 50m CPU and 64 MiB per camera) + 2 viewers (512 MiB)`,
    );

    // --- Report ---------------------------------------------------------------------------------------------
    this.addDataPath('Cameras', 'Recorders (NVR)', 'RTSP streams');
    this.addDataPath('Recorders (NVR)', `MinIO ${servers}×${drivesPerServer} (EC:${layout.parity})`, `${segmentMinutes}-min segments (S3 PUT)`);
    this.addDataPath(`MinIO ${servers}×${drivesPerServer} (EC:${layout.parity})`, 'Kafka segment-events', 'bucket notifications');
    this.addDataPath('Kafka segment-events', 'Cloud Kafka', `MirrorMaker2 (${site}.segment-events)`);
    this.addDataPath(`MinIO ${servers}×${drivesPerServer} (EC:${layout.parity})`, 'nginx playback cache', 'range requests (slices, with the read token)');
    this.addDataPath('nginx playback cache', 'Viewers', viewerCredentials ? 'playback (basic auth)' : 'playback (no authentication)');
    this.addDataPath(`MinIO ${servers}×${drivesPerServer} (EC:${layout.parity})`, 'Cloud archive bucket', 'rclone copy (hourly)');
    this.addDataPath('Site namespace', props.backup.siteLocal ? `MinIO ${servers}×${drivesPerServer} (EC:${layout.parity})` : 'Cloud archive bucket', 'Velero backups (daily, weekly)');

    // --- Secrets the site references (grants list their own) -------------------------------------------------
    this.requireStoreKeys(props.cloud.archive, `archive job${this.resticBackups.length > 0 ? ' (and restic)' : ''} writing to ${props.cloud.archiveBucket}`,
      [...this.archive.destinationKeyUses, ...resticRepository?.keyUses ?? []]);
  }

  private checkArchiveBandwidth(given: Bandwidth | undefined): void {
    const limit = BandwidthFormat.check(this, 'cloud.archiveBandwidthLimit', given, AT_LEAST_ONE_KIB);
    if (limit === undefined) return;
    const capMbps = limit.toMbps();
    const needMbps = this.estimate.wanMbps * VideoSurveillanceSite.ARCHIVE_BANDWIDTH_MARGIN;
    if (capMbps < needMbps) {
      throw edgeError(this, {
        prop: 'cloud.archiveBandwidthLimit',
        value: limit.toString().endsWith(' Mbit/s') ? limit.toString() : `${limit.toString()} = ${capMbps.toFixed(1)} Mbit/s`,
        rule: `is below the planner's WAN rate ${this.estimate.wanMbps.toFixed(1)} Mbit/s (a day of recordings over the archive window) × margin ${VideoSurveillanceSite.ARCHIVE_BANDWIDTH_MARGIN} = ${needMbps.toFixed(1)} Mbit/s: the archive backlog would grow until segments expire unarchived`,
        fix: `raise it to at least Bandwidth.mbps(${Math.ceil(needMbps)}) or omit it`,
      });
    }
  }

  /** What the cluster must run for this site. */
  public prerequisites(): Prerequisite[] {
    return [
      ...this.sharedPrerequisites({
        storageClassName: this.storageClassName,
        storageClassKind: 'XFS LocalPV (e.g. OpenEBS LVM LocalPV 1.x)',
        volumes: 'MinIO drives, Kafka and cache volumes',
        loadBalancerFor: EdgeSite.cacheLanAddress(this.cache),
        velero: this.veleroLocation,
      }),
      { component: 'Cloud Kafka + cloud S3', version: 'any Kafka ≥ 3.x; S3 API', purpose: 'event sync and segment archive' },
    ];
  }

  /** The site report (Markdown). */
  public report(): string {
    return SiteReport.render({
      title: `Video surveillance site "${this.siteName}"`,
      capacityMarkdown: this.estimate.toMarkdown(),
      capacityNotes: [this.fit.summary, ...this.applicationFootprintNote()],
      prerequisites: this.prerequisites(),
      dataPaths: this.dataPaths,
      scope: this,
      grants: this.grants,
      secrets: this.requiredSecrets,
      provedBy: [
        '`test/blueprints/video-site-events.real.test.ts` runs the example site\'s MinIO (every server, from its StatefulSet), its provisioning Job, a TLS + SCRAM Kafka with its topic, users and ACLs, and MirrorMaker2 configured from its KafkaMirrorMaker2: each segment a recorder uploads with its grant\'s keys (which may not read or delete) raises a bucket notification that reaches the cloud Kafka as `<site>.segment-events`, and uploads succeed with as many servers down as the erasure layout tolerates, but not with one more.',
        '`test/blueprints/video-site-archive.real.test.ts` runs the store from its StatefulSet and provisioning Job (real MinIO and mc), the archive CronJob\'s pod (rclone) into a cloud MinIO (a second run copies nothing), the playback cache (nginx with its nginx.conf: range requests MISS then HIT in slices, cached segments served with the store stopped), the restic CronJob\'s script into the cloud bucket, and Velero\'s S3 operations with the cloud keys under the report\'s key policy and with the site-local grant (allowed under the prefix, denied outside).',
      ],
    });
  }
}
