// The props of ModelDistributionSite and their option groups (cloud, bucket, release job, cache, Kafka, backup);
// model-site.ts builds the site from them.
import { Cron, Duration, Size } from 'cdk8s';
import { ContainerResources, ServiceType } from 'cdk8s-plus-30';
import type { ModelDistributionSite } from './model-site';
import { Bandwidth, ContainerImage, IObjectStore } from '../../core';
import { BucketRetention } from '../../objectstore/minio';
import { KafkaCloudCluster } from '../../sync';
import { EdgeSiteProps } from '../site/edge-site';
import { SiteVeleroOptions } from '../site/site-backup';
import { FlowSource } from '../site/site-namespace';
import { SiteStoreOptions } from '../site/site-store';

/** Where the site's releases come from. */
export interface ModelCloudOptions {
  /**
   * The cloud object store the releases are published to. Read-only credentials suffice: the site never writes to it.
   * Layout per model: `<model>/release` (the announced version name), `<model>/<version>/…` with a `SHA256SUMS`.
   */
  readonly releaseStore: IObjectStore;
  /** Bucket of the releases in the cloud store. */
  readonly releaseBucket: string;
  /**
   * Key prefix of the model folders in the release bucket (e.g. a fleet or tenant folder).
   * @default - the bucket root
   */
  readonly releasePrefix?: string;
  /**
   * The cloud Kafka cluster release announcements are pulled from. MirrorMaker2 runs at the site and dials out (sites
   * sit behind NAT); its cloud user only needs the read-only rules of `KafkaCloudToEdgeMirror.aclRulesForSource`.
   */
  readonly kafka: KafkaCloudCluster;
  /**
   * Cloud topic carrying the release announcements.
   * @default 'model-releases'
   */
  readonly releaseTopic?: string;
}


/** The model bucket. */
export interface ModelBucketOptions {
  /**
   * Bucket name.
   * @default 'models'
   */
  readonly name?: string;
  /**
   * Create the bucket with object lock and this default retention, so that no client (not even one holding the
   * job's keys) can destroy a version before it ends. Object lock can only be chosen when the bucket is created.
   * Versions stay on disk for at least the period, even after they were pruned.
   * @default - no object lock (the bucket is still versioned)
   */
  readonly objectLock?: BucketRetention;
  /**
   * How long a noncurrent version (an overwritten pointer, a pruned version folder, an accidentally overwritten or
   * deleted object) stays recoverable before ILM deletes it (whole days). The capacity check assumes at most one
   * pruned version per model is waiting for this expiry; keep it short.
   * @default Duration.days(1)
   */
  readonly noncurrentVersionExpiration?: Duration;
}

/** Overrides for the release job ({@link ModelReleaseSync}). */
export interface ModelReleaseOptions {
  /**
   * How often the job looks for releases: the release latency at the edge is at most this plus the pull time.
   * @default - every 5 minutes
   */
  readonly schedule?: Cron;
  /**
   * Rollback: model → retained version to serve instead of the cloud's release (see docs/models.md).
   * @default - follow the cloud's releases
   */
  readonly pinned?: { [model: string]: string };
  /**
   * WAN bandwidth cap of the pulls (rclone `--bwlimit`; at least 1 KiB/s).
   * @default - unlimited
   */
  readonly bandwidthLimit?: Bandwidth;
  /**
   * Time allowed to pull one new version of every model (sizes the WAN line of the report).
   * @default Duration.hours(1)
   */
  readonly distributionWindow?: Duration;
  /**
   * Image (needs rclone and sha256sum).
   * @default ContainerImage.RCLONE
   */
  readonly image?: ContainerImage;
  /**
   * Resources.
   * @default - 100m CPU, 256Mi memory
   */
  readonly resources?: ContainerResources;
}

/** Overrides for the model download cache. */
export interface ModelCacheOptions {
  /**
   * Cache volume per replica.
   * @default - one version of every model plus nginx's 10 % headroom, at least 10 GiB
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
   * Slice size: large models are fetched and cached in slices, so many clients pulling a new model at once share one
   * origin fetch per slice and interrupted downloads resume with range requests.
   * @default Size.mebibytes(8)
   */
  readonly sliceSize?: Size;
  /**
   * How long a cached object is used before nginx revalidates it with the store (a conditional request answered
   * `304 Not Modified` without a body for unchanged objects). Version folders never change; this bounds how stale a
   * `current` pointer can be when model names are not known (named models bypass the cache for their pointers).
   * @default Duration.minutes(1)
   */
  readonly validity?: Duration;
  /**
   * How long an unused object stays cached.
   * @default Duration.days(7)
   */
  readonly inactive?: Duration;
  /**
   * Address ranges of download clients outside the cluster (e.g. edge devices on the site LAN).
   * @default - none: only the site's `clients` pods
   */
  readonly clientCidrs?: string[];
  /**
   * How the cache's Service is exposed (the LAN needs NODE_PORT or LOAD_BALANCER; both keep the client address with
   * `externalTrafficPolicy: Local` so the CIDR rules match).
   * @default - ServiceType.LOAD_BALANCER when clientCidrs are given, else ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
}

/** Overrides for the site's Kafka (the local copy of the release events). */
export interface ModelKafkaOptions {
  /**
   * KRaft nodes.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Volume per node.
   * @default Size.gibibytes(10)
   */
  readonly storageSize?: Size;
  /**
   * StorageClass of the Kafka volumes.
   * @default - the site's storageClassName
   */
  readonly storageClassName?: string;
  /**
   * Keep the cloud topic's name at the edge instead of `<cloud alias>.<topic>`.
   * @default false
   */
  readonly identityReplication?: boolean;
  /**
   * KafkaUser name of the site's clients reading release events, and the prefix of their consumer groups: each
   * client pod uses its own group `<consumerGroup>-<pod name>` (a PREFIXED group ACL), so every pod hears every release.
   * @default 'model-consumers'
   */
  readonly consumerGroup?: string;
  /**
   * Make all clients share the one literal group `consumerGroup` instead (each event then reaches one pod only).
   * @default false
   */
  readonly sharedConsumerGroup?: boolean;
}

/**
 * Backups of the site: Velero into a cloud bucket (the release store's keys are read-only, so the backup store is
 * named here), or into the site store with `siteLocal`.
 */
export interface ModelBackupOptions extends SiteVeleroOptions {
  /**
   * The cloud (or regional) store the backups go to. Velero signs with `veleroCredential`, not with the store's keys.
   * @default - the release store's endpoint (cloud.releaseStore)
   */
  readonly store?: IObjectStore;
  /**
   * Bucket of the backups in that store (it must exist; not the release bucket, whose folders are models).
   * @default - none: required unless siteLocal
   */
  readonly bucket?: string;
  /**
   * Key prefix of the Velero location.
   * @default - `<site>/velero`
   */
  readonly prefix?: string;
}

/** Props of {@link ModelDistributionSite}. */
export interface ModelDistributionSiteProps extends EdgeSiteProps {
  /**
   * The models the site serves, by name: DNS-1123 labels, the top-level folders of the release bucket. Give either
   * this or `discoverUpTo`.
   * @default - none named: `discoverUpTo` must be given
   */
  readonly models?: string[];
  /**
   * Serve every model folder announced in the cloud, up to this many (the site is sized for that many), instead of a
   * list of names. Give either this or `models`.
   * @default - no discovery: `models` must be given
   */
  readonly discoverUpTo?: number;
  /** Versions kept per model at the edge: the current one plus rollback targets (1–100). */
  readonly versionsRetained: number;
  /** Average size of one model version (use `DecimalSize.gigabytes(3)` for decimal sizes). */
  readonly averageModelSize: Size;
  /** Size of each MinIO drive. */
  readonly driveSize: Size;
  /** StorageClass of the MinIO drives (an XFS LocalPV class) and, by default, of the cache and Kafka volumes. */
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
   * Highest planned fill level of the drives.
   * @default 0.85
   */
  readonly fillTarget?: number;
  /**
   * Pods that download models (through the cache) and read release events.
   * @default - pods labelled `app.kubernetes.io/component: inference` in the site namespace
   */
  readonly clients?: FlowSource[];
  /** Where releases come from. */
  readonly cloud: ModelCloudOptions;
  /** Backups. */
  readonly backup: ModelBackupOptions;
  /**
   * Store overrides.
   * @default - see SiteStoreOptions
   */
  readonly store?: SiteStoreOptions;
  /**
   * Model bucket overrides.
   * @default - see ModelBucketOptions
   */
  readonly bucket?: ModelBucketOptions;
  /**
   * Release job overrides.
   * @default - see ModelReleaseOptions
   */
  readonly release?: ModelReleaseOptions;
  /**
   * Download cache overrides.
   * @default - see ModelCacheOptions
   */
  readonly cache?: ModelCacheOptions;
  /**
   * Kafka overrides.
   * @default - see ModelKafkaOptions
   */
  readonly kafka?: ModelKafkaOptions;
}
