import { Cron, Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { Bandwidth, BandwidthFormat, ContainerImage, KubeNames, RequiredSecrets, Resources, SecretReaders } from '../../core';
import { endpointEgress } from '../../core/network-policy';
import { secretKeyVolume } from '../../core/secret-env';
import { RestrictedWorkload } from '../../core/workload';
import { NGINX_UNSAFE, Problem, isIntIn, millisOf, report, secondsCeil } from '../internal';
import type { NginxEdgeCache } from './edge-cache';
import { CacheWarmUpScript } from './warm-up-script';
import { Schedules, Shape, TimeZones } from '../../core/validate';

/** Options of {@link NginxEdgeCache.addWarmUp}. */
export interface CacheWarmUpOptions {
  /** When to warm the cache, e.g. shortly before a shift change. */
  readonly schedule: Cron;
  /**
   * Time zone of the schedule (IANA name, e.g. `Asia/Shanghai`).
   * @default - the kube-controller-manager's time zone
   */
  readonly timeZone?: string;
  /**
   * Paths to request through the cache, e.g. `/playlists/today.m3u8`.
   * @default - none (give paths, prefixes or both)
   */
  readonly paths?: string[];
  /**
   * Key prefixes whose objects are listed in the origin's bucket and requested through the cache (only for a cache
   * whose origin is an object store; the Job lists with the store's credentials).
   * @default - none
   */
  readonly prefixes?: string[];
  /**
   * Requests in flight at once.
   * @default 2
   */
  readonly concurrency?: number;
  /**
   * Most requests started per second, over all workers.
   * @default 5
   */
  readonly requestsPerSecond?: number;
  /**
   * Most bytes per second downloaded, over all workers (protects the site's uplink; at least 1 KiB/s). Each worker
   * gets an equal share, in whole bytes per second rounded down (curl `--limit-rate`).
   * @default - no bandwidth limit
   */
  readonly bandwidthLimit?: Bandwidth;
  /**
   * Longest time one request may take.
   * @default Duration.minutes(10)
   */
  readonly requestTimeout?: Duration;
  /**
   * Longest time the whole warm-up may take before the Job is stopped.
   * @default Duration.hours(1)
   */
  readonly activeDeadline?: Duration;
  /**
   * HTTP client image (needs `curl` ≥ 7.84 and a POSIX shell).
   * @default ContainerImage.CURL
   */
  readonly image?: ContainerImage;
  /**
   * Emit a NetworkPolicy for the warm-up pods: no ingress; egress only to DNS, the cache, and (when it lists
   * prefixes) the origin store (its pods, or its endpoint port when it is outside the cluster).
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Container resources.
   * @default - requests 50m CPU and 64 MiB memory, 64 MiB memory limit
   */
  readonly resources?: ContainerResources;
}

/** Props of {@link NginxCacheWarmUp}. */
export interface NginxCacheWarmUpProps extends CacheWarmUpOptions {
  /** The cache to warm. */
  readonly cache: NginxEdgeCache;
}

/**
 * A CronJob that requests paths through an {@link NginxEdgeCache} so they are cached before clients ask (the seed's
 * prefetch), with bounded concurrency, request rate and bandwidth. Its script is the `warmup.sh` key of its ConfigMap.
 */
export class NginxCacheWarmUp extends Construct {
  /** Name of the CronJob and its ConfigMap. */
  public readonly name: string;
  /** Labels of the warm-up pods. */
  public readonly podLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: NginxCacheWarmUpProps) {
    super(scope, id);
    Shape.check(this, props);
    TimeZones.check(this, 'timeZone', props.timeZone);
    const cache = props.cache;
    this.name = `${cache.name}-${id}`;
    KubeNames.assertDns1123Label(this, 'name', this.name, 52);
    const paths = props.paths ?? [];
    const prefixes = props.prefixes ?? [];
    const concurrency = props.concurrency ?? 2;
    const rps = props.requestsPerSecond ?? 5;
    const errors: Problem[] = [];
    if (paths.length === 0 && prefixes.length === 0) {
      errors.push({ prop: 'paths', value: [], rule: 'a warm-up needs paths or prefixes to request', fix: 'give paths such as ["/videos/intro.mp4"] or, for an object store origin, prefixes' });
    }
    paths.forEach((p, i) => {
      if (!p.startsWith('/') || NGINX_UNSAFE.test(p) || /[\x00-\x1f\x7f]/.test(p)) {
        errors.push({ prop: `paths[${i}]`, value: p, rule: 'must be a URL path starting with "/" without spaces, quotes, \';\', \'{\', \'}\', \'#\' or backslashes (percent-encode them)', fix: 'use e.g. "/videos/intro.mp4"' });
      }
    });
    if (prefixes.length > 0 && !cache.origin.objectStore) {
      errors.push({ prop: 'prefixes', value: prefixes, rule: `can only be listed when the cache's origin is an object store, but it is ${cache.origin.toString()}`, fix: 'list the paths explicitly, or use CacheOrigin.fromObjectStore' });
    }
    prefixes.forEach((p, i) => {
      if (/[\x00-\x1f\x7f]/.test(p) || p.startsWith('/')) {
        errors.push({ prop: `prefixes[${i}]`, value: p, rule: 'must be an object key prefix (no leading "/", no control characters)', fix: 'use e.g. "videos/2025-01-01/"' });
      }
    });
    if (!isIntIn(concurrency, 1, 32)) {
      errors.push({ prop: 'concurrency', value: concurrency, rule: 'must be a whole number from 1 to 32', fix: 'use 2–4 so the warm-up does not crowd out clients' });
    }
    if (!(rps > 0) || rps > 1000) {
      errors.push({ prop: 'requestsPerSecond', value: rps, rule: 'must be more than 0 and at most 1000', fix: 'use e.g. 5' });
    }
    const bandwidth = BandwidthFormat.problem('bandwidthLimit', props.bandwidthLimit, {
      bytesPerSecond: 1024, rule: 'must be at least 1 KiB/s', fix: 'use e.g. Bandwidth.mebibytesPerSecond(10), or omit it for no limit',
    });
    if (bandwidth) errors.push(bandwidth);
    for (const [prop, d] of [['requestTimeout', props.requestTimeout], ['activeDeadline', props.activeDeadline]] as Array<[string, Duration | undefined]>) {
      if (d !== undefined && !(millisOf(d) >= 1000)) {
        errors.push({ prop, value: d.toHumanString(), rule: 'must be at least one second', fix: 'give a longer duration' });
      }
    }
    report(this, errors, []);

    const image = props.image ?? ContainerImage.CURL;
    const workload = new RestrictedWorkload({ app: 'cache-warm-up', instance: this.name, component: 'warm-up', image });
    const labels = workload.labels;
    this.podLabels = workload.podLabels;
    cache._allowClient({ podLabels: this.podLabels });

    const script = CacheWarmUpScript.render();
    const data: { [key: string]: string } = {
      'warmup.sh': script,
      'paths.txt': paths.map((p) => `${p}\n`).join(''),
      'prefixes.txt': prefixes.map((p) => `${p}\n`).join(''),
    };
    new k8s.KubeConfigMap(this, 'Config', { metadata: { name: this.name, labels }, data });

    // curl --rate takes whole requests per time unit: spread the total over the workers, per hour for precision.
    const perWorkerPerHour = Math.max(1, Math.floor(rps * 3600 / concurrency));
    // An equal share per worker, rounded down; at least 1 KiB/s over at most 32 workers leaves each 32 B/s or more.
    const limitRate = props.bandwidthLimit ? Math.floor(BandwidthFormat.wholeBytesPerSecond(props.bandwidthLimit) / concurrency) : undefined;
    const store = cache.origin.objectStore;
    const namespace = SecretReaders.namespaceOf(this);
    if (store && prefixes.length > 0) {
      SecretReaders.checkS3(this, 'cache origin\'s objectStore.credentials', store.credentials, 'the warm-up\'s listing');
      store.credentials.requireIn(this, { namespace, purpose: `S3 keys the cache warm-up ${this.name} lists ${cache.origin.bucketUrl} with` });
    }
    const env: k8s.EnvVar[] = [
      { name: 'CACHE_URL', value: cache.url },
      { name: 'WARMUP_DIR', value: '/etc/warmup' },
      { name: 'CONCURRENCY', value: String(concurrency) },
      { name: 'RATE', value: `${perWorkerPerHour}/h` },
      ...(limitRate ? [{ name: 'LIMIT_RATE', value: String(limitRate) }] : []),
      { name: 'MAX_TIME', value: String(secondsCeil(props.requestTimeout ?? Duration.minutes(10))) },
      { name: 'ROUNDS', value: String(cache._config.minUses) },
      { name: 'HOME', value: '/tmp' },
      ...(store && prefixes.length > 0 ? [
        { name: 'S3_BUCKET_URL', value: cache.origin.bucketUrl! },
        { name: 'S3_REGION', value: store.region },
        ...store.credentials.env(),
        ...(store.caCertificate ? [{ name: 'S3_CA_FILE', value: '/etc/warmup-ca/ca.crt' }] : []),
      ] : []),
    ];
    const withCa = store !== undefined && prefixes.length > 0 && store.caCertificate !== undefined;
    if (withCa) {
      RequiredSecrets.addKey(this, store.caCertificate!, {
        namespace,
        purpose: `CA certificate the warm-up ${this.name} verifies ${store.s3Endpoint} with when it lists the prefixes`,
      });
    }

    if (props.networkPolicy ?? true) {
      const listing = store && prefixes.length > 0 ? endpointEgress(store.s3Endpoint, store.networkPeer, undefined) : { peers: [], cidrs: [] };
      workload.networkPolicy(this, 'NetworkPolicy', {
        ingress: [],
        egress: { peers: [cache.networkPeer, ...listing.peers], cidrs: listing.cidrs },
      });
    }
    workload.cronJob(this, 'Resource', {
      schedule: Schedules.check(this, 'schedule', props.schedule).expression,
      timeZone: props.timeZone,
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      backoffLimit: 2,
      activeDeadlineSeconds: secondsCeil(props.activeDeadline ?? Duration.hours(1)),
      ttlSecondsAfterFinished: 86400,
      pod: {
        containers: [{
          name: 'warm-up',
          image,
          command: ['/bin/sh', '/etc/warmup/warmup.sh'],
          env,
          resources: Resources.toKube(
            { cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(64) } },
            props.resources,
          ),
          volumeMounts: [
            { name: 'config', mountPath: '/etc/warmup', readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
            ...(withCa ? [{ name: 'store-ca', mountPath: '/etc/warmup-ca', readOnly: true }] : []),
          ],
        }],
        volumes: [
          { name: 'config', configMap: { name: this.name } },
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
          ...(withCa ? [secretKeyVolume('store-ca', store!.caCertificate!, 'ca.crt')] : []),
        ],
      },
    });
  }
}
