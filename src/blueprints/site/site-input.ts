import { Cron, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { edgeError } from '../../core';
import { Cidrs, Durations, Endpoints, KeyNames, S3Rules, Schedules } from '../../core/validate';

/**
 * Blueprint-level input checks: each blueprint validates the props its user set before deriving inner values from
 * them, so a bad value is reported with the blueprint's path and the user's prop name (`cloud.archiveBucket`), not an
 * inner construct's. Internal (not exported from the package).
 */
export class SiteInput {
  /** Props every site has (EdgeSiteProps). */
  public static common(site: IConstruct, props: { readonly wanCidrs?: string[]; readonly apiServerCidrs?: string[] }): void {
    Cidrs.checkAll(site, 'wanCidrs', props.wanCidrs);
    Cidrs.checkAll(site, 'apiServerCidrs', props.apiServerCidrs);
  }

  /** VideoSurveillanceSite. */
  public static video(site: IConstruct, props: any): void {
    SiteInput.wholeNumber(site, 'cameras', props.cameras, 1, 'use the number of cameras recording to the site, e.g. 20');
    SiteInput.positive(site, 'bitrateMbps', props.bitrateMbps, 'use the cameras\' average bitrate in Mbit/s, e.g. 4');
    SiteInput.optionalWholeNumber(site, 'servers', props.servers, 1);
    SiteInput.optionalWholeNumber(site, 'drivesPerServer', props.drivesPerServer, 1);
    SiteInput.cloudKafka(site, props.cloud?.kafka);
    S3Rules.checkBucket(site, 'cloud.archiveBucket', props.cloud?.archiveBucket);
    SiteInput.schedule(site, 'cloud.archiveSchedule', props.cloud?.archiveSchedule);
    Cidrs.checkAll(site, 'cache.viewerCidrs', props.cache?.viewerCidrs);
    SiteInput.optionalWholeNumber(site, 'cache.replicas', props.cache?.replicas, 1);
    SiteInput.optionalWholeNumber(site, 'kafka.replicas', props.kafka?.replicas, 1);
    KeyNames.checkSecretRef(site, 'backup.veleroCredential', props.backup?.veleroCredential);
    KeyNames.checkSecretRef(site, 'backup.resticPassword', props.backup?.resticPassword);
    KeyNames.checkClaimNames(site, 'backup.resticClaims', props.backup?.resticClaims);
  }

  /** VideoSurveillanceSite `retention` in whole days (checked after the shape: a missing prop is reported as required). */
  public static retentionDays(site: IConstruct, retention: Duration): number {
    return Durations.wholeUnits(site, 'retention', retention, 'days', 1, 'recordings expire by whole days: MinIO lifecycle days');
  }

  /** VideoSurveillanceSite `segmentDuration` in whole minutes, at most one day (default 5). */
  public static segmentMinutes(site: IConstruct, segment: Duration | undefined): number {
    if (segment === undefined) return 5;
    const minutes = Durations.wholeUnits(site, 'segmentDuration', segment, 'minutes', 1, 'or leave it unset for 5 minutes');
    if (minutes > 1_440) {
      throw edgeError(site, { prop: 'segmentDuration', value: Durations.human(segment), rule: 'must be at most one day', fix: 'use the recorders\' segment length, e.g. Duration.minutes(5)' });
    }
    return minutes;
  }

  /** IoTSite (sensors, retention and sensorCidrs are checked in its constructor). */
  public static iot(site: IConstruct, props: any): void {
    SiteInput.cloudKafka(site, props.cloud?.kafka);
    S3Rules.checkBucket(site, 'cloud.backupBucket', props.cloud?.backupBucket);
    SiteInput.schedule(site, 'backup.resticSchedule', props.backup?.resticSchedule);
    KeyNames.checkSecretRef(site, 'backup.veleroCredential', props.backup?.veleroCredential);
    KeyNames.checkSecretRef(site, 'backup.resticPassword', props.backup?.resticPassword);
    KeyNames.checkSecretRef(site, 'ingest.token', props.ingest?.token);
    KeyNames.checkSecretRef(site, 'cache.password', props.cache?.password);
    SiteInput.optionalWholeNumber(site, 'ingest.replicas', props.ingest?.replicas, 1);
    SiteInput.optionalWholeNumber(site, 'kafka.replicas', props.kafka?.replicas, 1);
    SiteInput.optionalWholeNumber(site, 'kafka.partitions', props.kafka?.partitions, 1);
  }

  /** ModelDistributionSite (models, versionsRetained and cloud.releaseBucket are checked in its constructor). */
  public static model(site: IConstruct, props: any): void {
    SiteInput.optionalWholeNumber(site, 'servers', props.servers, 1);
    SiteInput.optionalWholeNumber(site, 'drivesPerServer', props.drivesPerServer, 1);
    if (props.bucket?.name !== undefined) S3Rules.checkBucket(site, 'bucket.name', props.bucket.name);
    if (props.cloud?.kafka?.bootstrapServers !== undefined) {
      Endpoints.checkHostPorts(site, 'cloud.kafka.bootstrapServers', props.cloud.kafka.bootstrapServers, { credentialsProp: 'cloud.kafka.credentials' });
    }
    KeyNames.checkSecretRef(site, 'cloud.kafka.caCertificate', props.cloud?.kafka?.caCertificate);
    SiteInput.schedule(site, 'release.schedule', props.release?.schedule);
    Cidrs.checkAll(site, 'cache.clientCidrs', props.cache?.clientCidrs);
    SiteInput.optionalWholeNumber(site, 'cache.replicas', props.cache?.replicas, 1);
    KeyNames.checkSecretRef(site, 'backup.veleroCredential', props.backup?.veleroCredential);
  }

  private static cloudKafka(site: IConstruct, kafka: any): void {
    if (kafka === undefined) return;
    Endpoints.checkHostPorts(site, 'cloud.kafka.bootstrapServers', kafka.bootstrapServers, { credentialsProp: 'cloud.kafka.credentials' });
    KeyNames.checkSecretRef(site, 'cloud.kafka.caCertificate', kafka.caCertificate);
    if (kafka.credentials?.secretName !== undefined) KeyNames.checkObjectName(site, 'cloud.kafka.credentials.secretName', kafka.credentials.secretName, 'Secret');
  }

  private static schedule(site: IConstruct, prop: string, cron: Cron | undefined): void {
    if (cron !== undefined) Schedules.check(site, prop, cron);
  }

  private static positive(site: IConstruct, prop: string, value: unknown, fix: string): void {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw edgeError(site, { prop, value, rule: 'must be a positive number', fix });
    }
  }

  private static wholeNumber(site: IConstruct, prop: string, value: unknown, min: number, why: string): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      const near = typeof value === 'number' && Number.isFinite(value) ? Math.max(min, Math.ceil(value)) : min;
      throw edgeError(site, { prop, value, rule: `must be a whole number of at least ${min}`, fix: `use ${near} (${why})` });
    }
  }

  private static optionalWholeNumber(site: IConstruct, prop: string, value: unknown, min: number): void {
    if (value === undefined) return;
    SiteInput.wholeNumber(site, prop, value, min, 'or leave it unset for the default');
  }

  private constructor() {}
}
