import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import { Bandwidth, CacheOrigin, NginxEdgeCache, RedisCache } from '../../src';

/**
 * The three cache tiers of an edge video site:
 * - L3: a regional nginx cache (regional cluster) in front of the cloud origin: weekly TTL, 10+ TB on NVMe.
 * - L2: the site's nginx content cache on local SSD (hours to days), whose origin is the regional cache;
 *   a miss at L3 goes on to the cloud.
 * - L1: Redis in memory for hot application data (minutes TTL).
 * Each chart is synthesized for its own cluster.
 */
export function buildApp(app: App = new App()): App {
  const regional = new Chart(app, 'regional', { namespace: 'cdn-east' });
  new NginxEdgeCache(regional, 'regional-cache', {
    origin: CacheOrigin.fromUrl('https://media.example.com/'),
    storageClassName: 'local-nvme',
    cacheVolumeSize: Size.tebibytes(12),
    expectedObjects: 5_000_000,
    inactive: Duration.days(30),
    validity: [
      { statusCodes: [200, 206], duration: Duration.days(7) },
      { statusCodes: [404], duration: Duration.minutes(1) },
    ],
    sliceSize: Size.mebibytes(8),
    replicas: 3,
  });

  const site = new Chart(app, 'site-a', { namespace: 'site-a' });
  new RedisCache(site, 'l1-cache', {
    password: { name: 'l1-cache-auth', key: 'password' },
    maxMemory: Size.gibibytes(2),
    defaultTtl: Duration.minutes(5),
  });
  const l2 = new NginxEdgeCache(site, 'edge-cache', {
    // The regional cache's address as seen from the site (sites reach the region, not the other way round).
    origin: CacheOrigin.fromUrl('https://cdn-east.example.com/'),
    storageClassName: 'openebs-hostpath',
    cacheVolumeSize: Size.tebibytes(2),
    expectedObjects: 400_000,
    inactive: Duration.days(3),
    sliceSize: Size.mebibytes(4),
    bypassLocations: ['/live/'],
    replicas: 2,
    allowedClients: [{ cidr: '192.168.10.0/24' }, { podLabels: { 'app.kubernetes.io/name': 'video-analytics' } }],
  });
  // Prefetch the day's training and playback material before each shift change.
  l2.addWarmUp('shift-prefetch', {
    schedule: Cron.schedule({ minute: '30', hour: '7,19' }),
    timeZone: 'Asia/Shanghai',
    paths: ['/playlists/today.m3u8', '/training/safety-briefing.mp4'],
    concurrency: 2,
    requestsPerSecond: 5,
    bandwidthLimit: Bandwidth.mebibytesPerSecond(20),
  });
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
