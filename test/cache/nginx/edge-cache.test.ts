import { Cron, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-30';
import {
  Bandwidth, CacheOrigin, CacheStaleCondition, ContainerImage, ExternalObjectStore, NginxEdgeCache, NginxEdgeCacheProps,
  ObjectStoreFlavor, SecurityBaseline, Warnings, S3Credentials,
} from '../../../src';
import { NginxCacheConfig } from '../../../src/cache/nginx/config';
import { chart, find, findAll, quietly, synth } from '../../support/harness';

const origin = () => CacheOrigin.fromUrl('https://origin.example.com/media/');
const store = () => new ExternalObjectStore({
  s3Endpoint: 'https://minio.site-a.svc.cluster.local:9000',
  credentials: S3Credentials.fromSecretName('site-s3'),
  flavor: ObjectStoreFlavor.MINIO,
  caCertificate: { name: 'site-ca', key: 'ca.crt' },
  networkPeer: { namespace: 'storage', podLabels: { app: 'minio' }, ports: [9000] },
});

describe('NginxEdgeCache', () => {
  test('defaults snapshot', () => {
    const c = chart('site-a');
    new NginxEdgeCache(c, 'video-cache', { origin: origin() });
    expect(synth(c)).toMatchSnapshot();
  });

  test('custom snapshot: StatefulSet on LocalPV, object store origin, slices, clients, warm-up', () => {
    const c = chart('site-a');
    const cache = new NginxEdgeCache(c, 'video-cache', {
      origin: CacheOrigin.fromObjectStore(store(), { bucket: 'segments' }),
      storageClassName: 'openebs-hostpath-ssd',
      cacheVolumeSize: Size.gibibytes(500),
      maxSize: Size.gibibytes(400),
      expectedObjects: 2_000_000,
      inactive: Duration.days(3),
      validity: [{ statusCodes: [200, 206], duration: Duration.hours(12) }, { statusCodes: [404], duration: Duration.seconds(30) }],
      cacheKey: '$uri$slice_range',
      cacheLockTimeout: Duration.seconds(10),
      useStale: [CacheStaleCondition.ERROR, CacheStaleCondition.TIMEOUT, CacheStaleCondition.HTTP_503],
      minUses: 2,
      sliceSize: Size.mebibytes(4),
      bypassLocations: ['/live/'],
      replicas: 3,
      servicePort: 8080,
      resources: { cpu: { request: Cpu.millis(500), limit: Cpu.units(2) }, memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) } },
      allowedClients: [{ cidr: '10.20.0.0/16' }, { namespace: 'players', podLabels: { app: 'player' } }],
      image: ContainerImage.of('registry.local/nginx-unprivileged', '1.28.0-alpine'),
    });
    cache.addWarmUp('prefetch', {
      schedule: Cron.schedule({ minute: '30', hour: '6' }),
      timeZone: 'Asia/Shanghai',
      paths: ['/playlists/today.m3u8'],
      prefixes: ['cam-01/today/'],
      concurrency: 4,
      requestsPerSecond: 10,
      bandwidthLimit: Bandwidth.mebibytesPerSecond(40),
    });
    expect(synth(c)).toMatchSnapshot();
  });

  describe('defaults', () => {
    const c = chart('site-a');
    const cache = new NginxEdgeCache(c, 'video-cache', { origin: origin() });
    const m = synth(c);
    const deployment = find(m, 'Deployment', 'video-cache');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const conf: string = find(m, 'ConfigMap', 'video-cache-config').data['nginx.conf'];

    test('emits ConfigMap, Deployment, Service, PDB and NetworkPolicy, and no Secret', () => {
      expect(m.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'ConfigMap/video-cache-config', 'Deployment/video-cache', 'NetworkPolicy/video-cache', 'PodDisruptionBudget/video-cache', 'Service/video-cache',
      ]);
      expect(m.every((o) => o.metadata.namespace === 'site-a')).toBe(true);
    });

    test('the ConfigMap holds the generator\'s container rendering', () => {
      expect(conf).toBe(cache._config.render());
      expect(cache.configText).toBe(conf);
    });

    test('max_size leaves 10% of the 10 GiB volume free; 10 MiB keys zone; 7 day inactive', () => {
      expect(conf).toContain('keys_zone=edge_cache:10m');
      expect(conf).toMatch(/max_size=9g inactive=7d use_temp_path=off;/);
      expect(conf).toContain('proxy_cache_path /var/cache/nginx/edge levels=1:2');
    });

    test('unprivileged image, read-only root, writable /tmp and cache volume', () => {
      expect(container.image).toBe(ContainerImage.NGINX_UNPRIVILEGED.reference);
      // A host-name origin: the container writes the resolver line from /etc/resolv.conf, then execs nginx.
      expect(container.command).toEqual(['/bin/sh', '-c', `${NginxCacheConfig.resolverScript()}\nexec nginx -c /etc/nginx/edge/nginx.conf -e stderr`]);
      expect(conf).toContain(`include ${NginxCacheConfig.RESOLVER_FILE};`);
      expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101, fsGroup: 101 });
      expect(container.volumeMounts.map((v: any) => v.mountPath).sort()).toEqual(['/etc/nginx/edge', '/tmp', '/var/cache/nginx']);
      expect(pod.volumes.find((v: any) => v.name === 'cache').emptyDir).toEqual({ sizeLimit: '10Gi' });
      expect(pod.volumes.find((v: any) => v.name === 'tmp').emptyDir).toEqual({ sizeLimit: '1Gi' });
      expect(conf).toContain('pid /tmp/nginx.pid;');
      expect(conf).toContain('proxy_temp_path /tmp/proxy_temp;');
      expect(conf).not.toMatch(/^user /m);
    });

    test('probes hit the health endpoint; resources include the keys zone', () => {
      expect(container.readinessProbe.httpGet).toEqual({ path: NginxCacheConfig.HEALTH_PATH, port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: NginxCacheConfig.HEALTH_PATH, port: 'http' });
      expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '138Mi' }, limits: { memory: '138Mi' } });
    });

    test('Service, PDB and URL', () => {
      expect(find(m, 'Service', 'video-cache').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
      expect(find(m, 'PodDisruptionBudget', 'video-cache').spec.maxUnavailable).toBe(1);
      expect(deployment.spec.replicas).toBe(2);
      expect(cache.url).toBe('http://video-cache.site-a.svc.cluster.local:80');
    });

    test('NetworkPolicy: any client on 8080; egress to DNS and the origin on 443', () => {
      const np = find(m, 'NetworkPolicy', 'video-cache').spec;
      expect(np.ingress).toEqual([{ ports: [{ port: 8080, protocol: 'TCP' }] }]);
      expect(np.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ port: 443, protocol: 'TCP' }] });
      expect(np.egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    });

    test('https origin: SNI and verification against the system bundle; HTTP/1.1; base path; name resolved per request', () => {
      expect(conf).toContain('set $edge_origin origin.example.com:443;');
      expect(conf).toContain('rewrite ^/(.*)$ /media/$1 break;');
      expect(conf).toContain('proxy_pass https://$edge_origin;');
      expect(conf).not.toMatch(/upstream edge_origin|keepalive 32;/);
      expect(conf).toContain('proxy_http_version 1.1;');
      expect(conf).toContain('proxy_set_header Connection "";');
      expect(conf).toContain('proxy_set_header Host origin.example.com;');
      expect(conf).toContain('proxy_ssl_server_name on;');
      expect(conf).toContain('proxy_ssl_verify on;');
      expect(conf).toContain('proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;');
    });

    test('cache behaviour defaults: lock, stale, background update, revalidate, status header', () => {
      expect(conf).toContain('proxy_cache_key $request_uri;');
      expect(conf).toContain('proxy_cache_valid 200 206 1d;');
      expect(conf).toContain('proxy_cache_valid 301 1h;');
      expect(conf).toContain('proxy_cache_valid 404 1m;');
      expect(conf).toContain('proxy_cache_lock on;');
      expect(conf).toContain('proxy_cache_lock_timeout 5s;');
      expect(conf).toContain('proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;');
      expect(conf).toContain('proxy_cache_background_update on;');
      expect(conf).toContain('proxy_cache_revalidate on;');
      expect(conf).toContain('proxy_cache_min_uses 1;');
      expect(conf).toContain('add_header X-Cache-Status $upstream_cache_status always;');
      expect(conf).not.toContain('slice ');
    });

    test('passes the SecurityBaseline with no exceptions', () => {
      expect(SecurityBaseline.check(m)).toEqual([]);
      expect(SecurityBaseline.listExceptions(m)).toEqual([]);
    });
  });

  describe('custom', () => {
    test('a LocalPV storage class makes a StatefulSet with a per-replica PVC of the volume size', () => {
      const c = chart('site-a');
      new NginxEdgeCache(c, 'cache', { origin: origin(), storageClassName: 'local-ssd', cacheVolumeSize: Size.gibibytes(200) });
      const m = synth(c);
      expect(findAll(m, 'Deployment')).toEqual([]);
      const sts = find(m, 'StatefulSet', 'cache');
      expect(sts.spec.volumeClaimTemplates).toEqual([expect.objectContaining({
        metadata: expect.objectContaining({ name: 'cache' }),
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-ssd', resources: { requests: { storage: '200Gi' } } },
      })]);
      expect(sts.spec.template.spec.volumes.map((v: any) => v.name)).not.toContain('cache');
      expect(sts.spec.serviceName).toBe('cache');
      expect(find(m, 'ConfigMap', 'cache-config').data['nginx.conf']).toContain('max_size=180g');
    });

    test('slicing puts $slice_range in the key and the Range header, caches 206, and turns background update off', () => {
      const c = chart();
      const cache = new NginxEdgeCache(c, 'cache', { origin: origin(), sliceSize: Size.mebibytes(2), validity: [{ statusCodes: [200], duration: Duration.hours(6) }] });
      const conf = cache.configText;
      expect(conf).toContain('slice 2m;');
      expect(conf).toContain('proxy_set_header Range $slice_range;');
      expect(conf).toContain('proxy_cache_key $request_uri$slice_range;');
      expect(conf).toContain('proxy_cache_valid 206 6h;');
      expect(conf).toContain('proxy_cache_background_update off;');
      synth(c);
    });

    test('keys zone derived from expectedObjects (+25%), and memory follows it', () => {
      const c = chart();
      const cache = new NginxEdgeCache(c, 'cache', { origin: origin(), expectedObjects: 500_000 });
      expect(cache.configText).toContain('keys_zone=edge_cache:79m');
      expect(find(synth(c), 'Deployment', 'cache').spec.template.spec.containers[0].resources.limits.memory).toBe('207Mi');
    });

    test('with slicing the keys zone holds one key per slice of the cache (max_size / sliceSize), plus one per object', () => {
      // Every slice is its own cache key: a 1 TiB cache of 1 MiB slices holds ~943,000 keys whatever the object count.
      const c = chart();
      const cache = new NginxEdgeCache(c, 'cache', { origin: origin(), cacheVolumeSize: Size.tebibytes(1), sliceSize: Size.mebibytes(1), cacheKey: '$uri$slice_range' });
      const maxSizeBytes = cache._config.maxSize.toKibibytes() * 1024;
      const sliceKeys = Math.floor(maxSizeBytes / (1024 * 1024));
      const zoneMib = cache._config.keysZoneSize.toKibibytes() / 1024;
      // nginx's documented figure: a 1 MB zone stores about 8,000 keys.
      expect(zoneMib * 8000).toBeGreaterThanOrEqual(sliceKeys);
      expect(zoneMib * 8000).toBeLessThanOrEqual(sliceKeys * 1.3);
      expect(cache.configText).toContain(`keys_zone=edge_cache:${zoneMib}m`);
      // Objects add at most one partial slice each.
      const withObjects = new NginxEdgeCache(chart(), 'cache', { origin: origin(), cacheVolumeSize: Size.tebibytes(1), sliceSize: Size.mebibytes(1), cacheKey: '$uri$slice_range', expectedObjects: 200_000 });
      expect(withObjects._config.keysZoneSize.toKibibytes() / 1024 * 8000).toBeGreaterThanOrEqual(sliceKeys + 200_000);
      // Memory follows the zone.
      expect(parseInt(find(synth(c), 'Deployment', 'cache').spec.template.spec.containers[0].resources.limits.memory, 10)).toBeGreaterThanOrEqual(zoneMib + 32);
    });

    test('an L2 cache chained to an L3 cache: egress only to the L3 pods, Host is the L3 service', () => {
      const c = chart('site-a');
      const l3 = new NginxEdgeCache(c, 'regional', { origin: origin() });
      const l2 = new NginxEdgeCache(c, 'edge', { origin: l3.asOrigin() });
      const m = synth(c);
      expect(l2.configText).toContain('proxy_set_header Host regional.site-a.svc.cluster.local;');
      expect(l2.configText).toContain('proxy_pass http://$edge_origin;');
      expect(l2.configText).not.toContain('rewrite');
      expect(find(m, 'NetworkPolicy', 'edge').spec.egress[1]).toEqual({
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'site-a' } }, podSelector: { matchLabels: l3.podLabels } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      });
    });

    test('an object store origin with a private CA mounts the CA and verifies against it', () => {
      const c = chart('site-a');
      const cache = new NginxEdgeCache(c, 'cache', { origin: CacheOrigin.fromObjectStore(store(), { bucket: 'segments' }) });
      const pod = find(synth(c), 'Deployment', 'cache').spec.template.spec;
      expect(pod.volumes.find((v: any) => v.name === 'origin-ca').secret).toEqual({ secretName: 'site-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] });
      expect(cache.configText).toContain('proxy_ssl_trusted_certificate /etc/nginx/origin-ca/ca.crt;');
      expect(cache.configText).toContain('rewrite ^/(.*)$ /segments/$1 break;');
      expect(cache.configText).toContain('proxy_pass https://$edge_origin;');
      expect(cache.configText).toContain('proxy_set_header Host minio.site-a.svc.cluster.local:9000;');
    });

    test('a virtual-hosted object store puts the bucket in the host name', () => {
      const aws = new ExternalObjectStore({ s3Endpoint: 'https://s3.eu-west-1.amazonaws.com', credentials: S3Credentials.fromSecretName('aws'), flavor: ObjectStoreFlavor.AWS_S3 });
      const o = CacheOrigin.fromObjectStore(aws, { bucket: 'my-videos' });
      expect(o.hostHeader).toBe('my-videos.s3.eu-west-1.amazonaws.com');
      expect(o.basePath).toBe('/');
      expect(o.bucketUrl).toBe('https://my-videos.s3.eu-west-1.amazonaws.com');
    });

    test('IP origins get an IP-block egress; several URLs are balanced', () => {
      const c = chart();
      const cache = new NginxEdgeCache(c, 'cache', { origin: CacheOrigin.fromUrls(['http://10.1.0.5:8080', 'http://10.1.0.6:8080']) });
      expect(cache.configText).toMatch(/server 10\.1\.0\.5:8080 .*\n\s+server 10\.1\.0\.6:8080 /);
      expect(find(synth(c), 'NetworkPolicy', 'cache').spec.egress[1].to).toEqual([{ ipBlock: { cidr: '10.1.0.5/32' } }, { ipBlock: { cidr: '10.1.0.6/32' } }]);
    });

    test('allowedClients restricts ingress; an empty list allows none', () => {
      const c = chart();
      new NginxEdgeCache(c, 'open', { origin: origin(), allowedClients: [{ cidr: '192.168.1.0/24' }, { podLabels: { app: 'player' } }] });
      new NginxEdgeCache(c, 'closed', { origin: origin(), allowedClients: [] });
      const m = synth(c);
      expect(find(m, 'NetworkPolicy', 'open').spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '192.168.1.0/24' } }, { podSelector: { matchLabels: { app: 'player' } } }]);
      expect(find(m, 'NetworkPolicy', 'closed').spec.ingress).toEqual([]);
    });

    test('the pod template carries a config checksum, so a config change rolls the pods', () => {
      const checksumOf = (minUses: number) => {
        const c = chart();
        new NginxEdgeCache(c, 'cache', { origin: origin(), minUses });
        return find(synth(c), 'Deployment', 'cache').spec.template.metadata.annotations['checksum/config'];
      };
      expect(checksumOf(1)).toMatch(/^[0-9a-f]{64}$/);
      expect(checksumOf(1)).toBe(checksumOf(1));
      expect(checksumOf(2)).not.toBe(checksumOf(1));
    });

    test('warm-up: CronJob with bounded concurrency, rate and bandwidth; let in by a restricted cache', () => {
      const c = chart('site-a');
      const cache = new NginxEdgeCache(c, 'cache', { origin: origin(), minUses: 2, allowedClients: [{ cidr: '10.0.0.0/8' }] });
      const warm = cache.addWarmUp('shift', { schedule: Cron.schedule({ minute: '45', hour: '7' }), paths: ['/a.mp4', '/b.mp4'], concurrency: 4, requestsPerSecond: 2, bandwidthLimit: Bandwidth.mebibytesPerSecond(8) });
      const m = synth(c);
      const cron = find(m, 'CronJob', 'cache-shift');
      expect(cron.spec.schedule).toBe('45 7 * * *');
      expect(cron.spec.concurrencyPolicy).toBe('Forbid');
      const job = cron.spec.jobTemplate.spec;
      expect(job.activeDeadlineSeconds).toBe(3600);
      expect(job.template.spec.restartPolicy).toBe('Never');
      const container = job.template.spec.containers[0];
      expect(container.image).toBe(ContainerImage.CURL.reference);
      const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
      expect(env).toMatchObject({ CACHE_URL: 'http://cache.site-a.svc.cluster.local:80', CONCURRENCY: '4', RATE: '1800/h', LIMIT_RATE: String(2 * 1024 * 1024), ROUNDS: '2', MAX_TIME: '600' });
      expect(find(m, 'ConfigMap', 'cache-shift').data['paths.txt']).toBe('/a.mp4\n/b.mp4\n');
      expect(find(m, 'NetworkPolicy', 'cache').spec.ingress[0].from).toContainEqual({ podSelector: { matchLabels: warm.podLabels } });
    });

    test('warm-up: the bandwidth share per worker is whole bytes per second, rounded down', () => {
      const c = chart('site-a');
      const cache = new NginxEdgeCache(c, 'cache', { origin: origin() });
      // 100 Mbit/s = 12,500,000 B/s over 3 workers = 4,166,666.67 → 4166666 each (never more than the cap in total).
      cache.addWarmUp('megabits', { schedule: Cron.daily(), paths: ['/a'], concurrency: 3, bandwidthLimit: Bandwidth.mbps(100) });
      // The least cap, 1 KiB/s, over 32 workers is 32 B/s each, not 0 (curl takes 0 as unlimited).
      cache.addWarmUp('least', { schedule: Cron.daily(), paths: ['/a'], concurrency: 32, bandwidthLimit: Bandwidth.kibibytesPerSecond(1) });
      const m = synth(c);
      const limit = (name: string) => find(m, 'CronJob', name).spec.jobTemplate.spec.template.spec.containers[0].env.find((e: any) => e.name === 'LIMIT_RATE').value;
      expect(limit('cache-megabits')).toBe(String(Math.floor(100 * 1_000_000 / 8 / 3)));
      expect(limit('cache-least')).toBe(String(1024 / 32));
    });
  });

  describe('rules (fails if …)', () => {
    const build = (props: Partial<NginxEdgeCacheProps>) => () => new NginxEdgeCache(chart(), 'cache', { origin: origin(), ...props });

    test('fails if maxSize leaves less than 10% of the volume free', () => {
      expect(build({ cacheVolumeSize: Size.gibibytes(10), maxSize: Size.mebibytes(9500) })).toThrow(
        /^NginxEdgeCache "test\/cache": maxSize = "9\.28 GiB": must leave at least 10% of the 10 GiB cache volume free .* so at most 9 GiB; lower maxSize to 9 GiB or less, or raise cacheVolumeSize to at least 10\.31 GiB$/,
      );
    });
    test('fails if several origin servers are given by host name', () => {
      expect(build({ origin: CacheOrigin.fromUrls(['http://a.example.com', 'http://b.example.com']) })).toThrow(
        /origin = "http:\/\/a\.example\.com:80,b\.example\.com:80\/": lists several servers by host name: .*; give one host name that resolves to all origin servers/,
      );
    });
    test('fails if maxSize equals the volume', () => {
      expect(build({ cacheVolumeSize: Size.gibibytes(100), maxSize: Size.gibibytes(100) })).toThrow(/maxSize = "100 GiB": must leave at least 10%/);
    });
    test.each([
      ['cacheVolumeSize', { cacheVolumeSize: Size.gibibytes(0) }],
      ['maxSize', { maxSize: Size.gibibytes(0) }],
      ['keysZoneSize', { keysZoneSize: Size.mebibytes(0) }],
      ['sliceSize', { sliceSize: Size.mebibytes(0) }],
    ])('fails if %s is zero', (prop, props) => {
      expect(build(props)).toThrow(new RegExp(`${prop} = "0 KiB": must be larger than zero; give a positive size`));
    });
    test.each([
      ['inactive', { inactive: Duration.seconds(0) }],
      ['cacheLockTimeout', { cacheLockTimeout: Duration.seconds(0) }],
      ['originConnectTimeout', { originConnectTimeout: Duration.millis(0) }],
      ['originReadTimeout', { originReadTimeout: Duration.minutes(0) }],
      ['validity\\[0\\]\\.duration', { validity: [{ statusCodes: [200], duration: Duration.seconds(0) }] }],
    ])('fails if %s is zero', (prop, props) => {
      expect(build(props)).toThrow(new RegExp(`${prop} = ".*": must be longer than zero`));
    });
    test('fails if a negative size or duration is given (cdk8s refuses them)', () => {
      expect(() => Size.gibibytes(-1)).toThrow(/cannot be negative/);
      expect(() => Duration.seconds(-1)).toThrow(/cannot be negative/);
    });
    test.each([99, 600, 200.5, -1])('fails if a status code is %p', (code) => {
      expect(build({ validity: [{ statusCodes: [code], duration: Duration.hours(1) }] })).toThrow(
        new RegExp(`validity\\[0\\]\\.statusCodes = ${code}: must be an HTTP status code \\(a whole number from 100 to 599\\); use codes such as`),
      );
    });
    test('fails if a status code is given twice', () => {
      expect(build({ validity: [{ statusCodes: [200], duration: Duration.hours(1) }, { statusCodes: [404, 200], duration: Duration.hours(2) }] }))
        .toThrow(/validity\[1\]\.statusCodes = 200: is already given in validity\[0\]; give each status code one duration/);
    });
    test('fails if statusCodes is empty', () => {
      expect(build({ validity: [{ statusCodes: [], duration: Duration.hours(1) }] })).toThrow(/validity\[0\]\.statusCodes = \[\]: must list at least one status code/);
    });
    test('fails if slice is combined with background update', () => {
      expect(build({ sliceSize: Size.mebibytes(1), backgroundUpdate: true })).toThrow(
        /^NginxEdgeCache "test\/cache": backgroundUpdate = true: cannot be combined with sliceSize.*; remove backgroundUpdate .* or remove sliceSize$/,
      );
    });
    test('fails if slicing with a key without $slice_range', () => {
      expect(build({ sliceSize: Size.mebibytes(1), cacheKey: '$uri' })).toThrow(/cacheKey = "\$uri": must contain \$slice_range when sliceSize is set.*; use "\$uri\$slice_range"/);
    });
    test('fails if the slice size is not whole KiB', () => {
      expect(build({ sliceSize: Size.kibibytes(1.5) })).toThrow(/sliceSize = .*: must be a whole number of KiB/);
    });
    test.each(['', '$uri;', '$uri {', '$host $uri'])('fails if cacheKey is %j', (key) => {
      expect(build({ cacheKey: key })).toThrow(/cacheKey = .*: must be a non-empty nginx string/);
    });
    test.each([0, 1.5])('fails if minUses is %p', (minUses) => {
      expect(build({ minUses })).toThrow(/minUses = .*: must be a whole number of at least 1/);
    });
    test.each([80, 70000])('fails if port is %p', (port) => {
      expect(build({ port })).toThrow(/port = \d+: must be a whole number from 1024 to 65535 .*; use 8080/);
    });
    test.each(['api/', '/', '/a b/', '/x;', '/$uri'])('fails if a bypass location is %j', (loc) => {
      expect(build({ bypassLocations: [loc] })).toThrow(/bypassLocations\[0\] = .*: must be a path prefix other than "\/"/);
    });
    test('fails if a bypass location is listed twice or is the health path', () => {
      expect(build({ bypassLocations: ['/api/', '/api/'] })).toThrow(/bypassLocations\[1\] = "\/api\/": is listed twice/);
      expect(build({ bypassLocations: [NginxCacheConfig.HEALTH_PATH] })).toThrow(/is the cache's own health endpoint/);
    });
    test('fails if keysZoneSize is under 1 MiB or the volume under 64 MiB', () => {
      expect(build({ keysZoneSize: Size.kibibytes(512) })).toThrow(/keysZoneSize = "512 KiB": must be at least 1 MiB/);
      expect(build({ cacheVolumeSize: Size.mebibytes(32) })).toThrow(/cacheVolumeSize = "32 MiB": must be at least 64 MiB/);
    });
    test('fails if expectedObjects is not a positive whole number', () => {
      expect(build({ expectedObjects: 0 })).toThrow(/expectedObjects = 0: must be a positive whole number/);
    });
    test.each([
      ['originKeepalive', -1], ['workerProcesses', 0], ['workerConnections', 2],
    ])('fails if %s is %p', (prop, value) => {
      expect(build({ [prop]: value })).toThrow(new RegExp(`${prop} = ${value}: must be a whole number from`));
    });
    test('fails if the name is not a DNS label', () => {
      expect(build({ name: 'Video_Cache' })).toThrow(/name = "Video_Cache": must be a DNS-1123 label/);
    });
    test('fails if replicas is 0, servicePort is 0 or runAsUser is root', () => {
      expect(build({ replicas: 0 })).toThrow(/replicas = 0: must be a whole number of at least 1/);
      expect(build({ servicePort: 0 })).toThrow(/servicePort = 0: must be a TCP port/);
      expect(build({ runAsUser: 0 })).toThrow(/runAsUser = 0: must be a non-zero UID/);
    });
    test('fails if storageClassName or tempVolumeSize is invalid', () => {
      expect(build({ storageClassName: 'Local SSD' })).toThrow(/storageClassName = "Local SSD": must be a DNS-1123 subdomain/);
      expect(build({ tempVolumeSize: Size.mebibytes(0) })).toThrow(/tempVolumeSize = "0 KiB": must be larger than zero/);
    });
    test('fails if the memory limit cannot hold the keys zone', () => {
      expect(build({ keysZoneSize: Size.mebibytes(100), resources: { memory: { limit: Size.mebibytes(120) } } }))
        .toThrow(/resources\.memory\.limit = "120 MiB": must hold the 100 MiB keys zone .*; use at least 132 MiB/);
    });
    test('fails if a client peer mixes cidr and pods, or the cidr is malformed', () => {
      expect(build({ allowedClients: [{ cidr: '10.0.0.0/8', podLabels: { a: 'b' } }] })).toThrow(/allowedClients\[0\] = .*: takes either a cidr or pods/);
      expect(build({ allowedClients: [{ cidr: '10.0.0.0' }] })).toThrow(/allowedClients\[0\]\.cidr = "10\.0\.0\.0": must be an address block in CIDR notation/);
    });
    test('the generator alone throws the same rules with its own label', () => {
      expect(() => new NginxCacheConfig({ origin: origin(), sliceSize: Size.mebibytes(1), backgroundUpdate: true })).toThrow(/^NginxCacheConfig: backgroundUpdate = true: cannot be combined with sliceSize/);
    });
  });

  describe('warm-up rules (fails if …)', () => {
    const warm = (options: any, o: CacheOrigin = origin()) => () => new NginxEdgeCache(chart(), 'cache', { origin: o }).addWarmUp('warm', { schedule: Cron.daily(), ...options });
    test('fails if there is nothing to request', () => {
      expect(warm({})).toThrow(/^NginxCacheWarmUp "test\/cache\/warm": paths = \[\]: a warm-up needs paths or prefixes to request/);
    });
    test('fails if prefixes are given for an origin that is not an object store', () => {
      expect(warm({ prefixes: ['today/'] })).toThrow(/prefixes = \["today\/"\]: can only be listed when the cache's origin is an object store, but it is https:\/\/origin\.example\.com:443\/media\/; list the paths explicitly/);
    });
    test.each(['a.mp4', '/a b.mp4', '/a";.mp4'])('fails if a path is %j', (p) => {
      expect(warm({ paths: [p] })).toThrow(/paths\[0\] = .*: must be a URL path starting with "\/"/);
    });
    test('fails if a prefix starts with "/"', () => {
      expect(warm({ prefixes: ['/today/'] }, CacheOrigin.fromObjectStore(store(), { bucket: 'b12' }))).toThrow(/prefixes\[0\] = "\/today\/": must be an object key prefix/);
    });
    test('fails if concurrency, rate, bandwidth or timeouts are out of range', () => {
      expect(warm({ paths: ['/a'], concurrency: 0 })).toThrow(/concurrency = 0: must be a whole number from 1 to 32/);
      expect(warm({ paths: ['/a'], requestsPerSecond: 0 })).toThrow(/requestsPerSecond = 0: must be more than 0/);
      expect(warm({ paths: ['/a'], bandwidthLimit: Bandwidth.bytesPerSecond(1023) })).toThrow(/bandwidthLimit = "1023 B\/s": must be at least 1 KiB\/s; use e.g. Bandwidth.mebibytesPerSecond\(10\)/);
      expect(warm({ paths: ['/a'], requestTimeout: Duration.millis(10) })).toThrow(/requestTimeout = .*: must be at least one second/);
    });
    test('fails if the CronJob name is too long', () => {
      expect(() => new NginxEdgeCache(chart(), 'a'.repeat(40), { origin: origin() }).addWarmUp('w'.repeat(15), { schedule: Cron.daily(), paths: ['/a'] }))
        .toThrow(/name = "a+-w+": must be a DNS-1123 label: 1–52 characters/);
    });
  });

  describe('warnings', () => {
    test('a keys zone too small for expectedObjects', () => {
      const c = chart();
      new NginxEdgeCache(c, 'cache', { origin: origin(), keysZoneSize: Size.mebibytes(2), expectedObjects: 100_000 });
      expect(Warnings.collect(c)).toEqual([
        '[WARNING] NginxEdgeCache "test/cache": keysZoneSize = "2 MiB": holds about 16000 keys (8,000 per MiB) but expectedObjects is 100000: nginx will evict entries while the disk still has room; use at least Size.mebibytes(13), or leave keysZoneSize out to derive it',
      ]);
      quietly(() => synth(c));
    });
    test('a keys zone too small for the slices of the cache', () => {
      const c = chart();
      const cache = new NginxEdgeCache(c, 'cache', { origin: origin(), cacheVolumeSize: Size.gibibytes(500), sliceSize: Size.mebibytes(1), cacheKey: '$uri$slice_range', keysZoneSize: Size.mebibytes(10) });
      const sliceKeys = Math.floor(cache._config.maxSize.toKibibytes() / 1024);
      expect(Warnings.collect(c)).toEqual([
        expect.stringContaining(`keysZoneSize = "10 MiB": holds about 80000 keys (8,000 per MiB) but the cache holds up to ${sliceKeys} slices`),
      ]);
      quietly(() => synth(c));
    });
    test('background update without stale-while-updating, and tiny slices', () => {
      const c = chart();
      new NginxEdgeCache(c, 'a', { origin: origin(), backgroundUpdate: true, useStale: [CacheStaleCondition.ERROR] });
      new NginxEdgeCache(c, 'b', { origin: origin(), sliceSize: Size.kibibytes(64) });
      const w = Warnings.collect(c);
      expect(w).toHaveLength(2);
      expect(w[0]).toMatch(/NginxEdgeCache "test\/a": backgroundUpdate = true: has no effect unless useStale contains UPDATING/);
      expect(w[1]).toMatch(/NginxEdgeCache "test\/b": sliceSize = "64 KiB": is below 256 KiB/);
      quietly(() => synth(c));
    });
    test('an https origin without certificate verification', () => {
      const c = chart();
      new NginxEdgeCache(c, 'cache', { origin: CacheOrigin.fromUrl('https://origin.example.com', { verifyTls: false }) });
      expect(Warnings.collect(c)).toEqual([
        '[WARNING] NginxEdgeCache "test/cache": origin.verifyTls = false: the cache accepts any certificate from the origin, so a man in the middle can fill the cache; keep verification on and give the origin\'s caCertificate if it is privately signed',
      ]);
      quietly(() => synth(c));
    });
    test('originKeepalive with a host-name origin (no connection pool with a re-resolved name)', () => {
      const c = chart();
      new NginxEdgeCache(c, 'a', { origin: origin(), originKeepalive: 16 });
      new NginxEdgeCache(c, 'b', { origin: CacheOrigin.fromUrl('http://10.0.0.9:8080'), originKeepalive: 16 });
      const w = Warnings.collect(c);
      expect(w).toHaveLength(1);
      expect(w[0]).toMatch(/NginxEdgeCache "test\/a": originKeepalive = 16: has no effect for an origin given by host name/);
      quietly(() => synth(c));
    });
    test('no warnings for the defaults', () => {
      const c = chart();
      new NginxEdgeCache(c, 'cache', { origin: origin() });
      expect(Warnings.collect(c)).toEqual([]);
    });
  });
});

describe('CacheOrigin', () => {
  test('parses URLs: default ports, base path, host header', () => {
    const o = CacheOrigin.fromUrl('http://origin.example.com/videos');
    expect([o.scheme, o.servers, o.basePath, o.hostHeader, o.ports]).toEqual(['http', ['origin.example.com:80'], '/videos/', 'origin.example.com', [80]]);
    expect(CacheOrigin.fromUrl('https://o.example.com:8443').hostHeader).toBe('o.example.com:8443');
    expect(CacheOrigin.fromUrl('https://o.example.com', { hostHeader: 'cdn.example.com' }).hostHeader).toBe('cdn.example.com');
  });
  test.each([
    ['ftp://x', /must be an http\(s\) URL with a host/],
    ['origin.example.com', /must be an http\(s\) URL with a host/],
    ['https://user:pw@x.example.com', /url = "https:\/\/\*\*\*@x\.example\.com": must not carry credentials .*CacheOrigin\.fromObjectStore/],
    ['https://x.example.com/?a=1', /must not carry credentials, a query or a fragment/],
    ['https://x.example.com/a;b/', /characters nginx cannot take literally/],
  ])('fails if the URL is %s', (url, error) => {
    expect(() => CacheOrigin.fromUrl(url)).toThrow(error);
  });
  test('fails if URLs differ in scheme or path, repeat, or are missing', () => {
    expect(() => CacheOrigin.fromUrls(['http://a', 'https://b'])).toThrow(/all origin URLs must share scheme and base path/);
    expect(() => CacheOrigin.fromUrls(['http://a/x/', 'http://b/y/'])).toThrow(/all origin URLs must share scheme and base path/);
    expect(() => CacheOrigin.fromUrls(['http://a', 'http://a:80'])).toThrow(/an origin server is listed twice/);
    expect(() => CacheOrigin.fromUrls([])).toThrow(/at least one origin URL is needed/);
    expect(() => CacheOrigin.fromUrl('http://a', { hostHeader: 'a b' })).toThrow(/hostHeader = "a b": must be a host name/);
  });
  test('fails if the bucket name is invalid', () => {
    expect(() => CacheOrigin.fromObjectStore(store(), { bucket: 'My_Bucket' })).toThrow('CacheOrigin: bucket = "My_Bucket": not a valid S3 bucket name: may only contain lowercase letters, digits, dots and hyphens; use a name like "my-bucket"');
    // Both edges of the one rule (S3Rules): 3 and 63 characters pass, 2 and 64 do not.
    expect(CacheOrigin.fromObjectStore(store(), { bucket: 'abc' }).bucket).toBe('abc');
    expect(CacheOrigin.fromObjectStore(store(), { bucket: 'a'.repeat(63) }).bucket).toBe('a'.repeat(63));
    expect(() => CacheOrigin.fromObjectStore(store(), { bucket: 'ab' })).toThrow(/bucket = "ab": not a valid S3 bucket name: must be 3-63 characters long \(is 2\)/);
    expect(() => CacheOrigin.fromObjectStore(store(), { bucket: 'a'.repeat(64) })).toThrow(/not a valid S3 bucket name: must be 3-63 characters long \(is 64\)/);
    expect(() => CacheOrigin.fromObjectStore(store(), { bucket: '10.0.0.1' })).toThrow(/bucket = "10.0.0.1": not a valid S3 bucket name: must not look like an IP address/);
  });
});
