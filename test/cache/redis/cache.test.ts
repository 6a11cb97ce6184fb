import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-30';
import { ContainerImage, RedisCache, RedisCacheProps, RedisEvictionPolicy, RedisPersistence, SecurityBaseline, Warnings } from '../../../src';
import { RedisCacheConfig } from '../../../src/cache/redis/config';
import { chart, find, findAll, quietly, synth } from '../../support/harness';

const password = { name: 'redis-auth', key: 'password' };

describe('RedisCache', () => {
  test('defaults snapshot', () => {
    const c = chart('site-a');
    new RedisCache(c, 'l1', { password });
    expect(synth(c)).toMatchSnapshot();
  });

  test('custom snapshot: AOF persistence on a StorageClass, LFU, clients, resources', () => {
    const c = chart('site-a');
    new RedisCache(c, 'inference-cache', {
      password,
      maxMemory: Size.gibibytes(2),
      evictionPolicy: RedisEvictionPolicy.ALLKEYS_LFU,
      maxMemorySamples: 10,
      persistence: RedisPersistence.AOF,
      storageClassName: 'local-ssd',
      volumeSize: Size.gibibytes(8),
      defaultTtl: Duration.minutes(15),
      port: 6380,
      allowedClients: [{ namespace: 'ai', podLabels: { app: 'inference' } }, { cidr: '10.30.0.0/16' }],
      resources: { cpu: { request: Cpu.millis(250), limit: Cpu.units(1) }, memory: { request: Size.gibibytes(4), limit: Size.gibibytes(4) } },
      image: ContainerImage.of('registry.local/redis', '7.4.6-alpine'),
    });
    expect(synth(c)).toMatchSnapshot();
  });

  describe('defaults', () => {
    const c = chart('site-a');
    const cache = new RedisCache(c, 'l1', { password });
    const m = synth(c);
    const deployment = find(m, 'Deployment', 'l1');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const configMap = find(m, 'ConfigMap', 'l1-config');
    const conf: string = configMap.data['redis.conf'];

    test('emits config and client ConfigMaps, Deployment, Service, NetworkPolicy, and no Secret', () => {
      expect(m.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'ConfigMap/l1-client', 'ConfigMap/l1-config', 'Deployment/l1', 'NetworkPolicy/l1', 'Service/l1',
      ]);
      expect(findAll(m, 'Secret')).toEqual([]);
    });

    test('the ConfigMap holds the generator\'s container rendering', () => {
      expect(conf).toBe(cache._config.render());
      expect(configMap.data['start.sh']).toBe(cache._config.startScript());
    });

    test('maxmemory 256 MiB in bytes, allkeys-lru, no persistence, protected mode, password by include', () => {
      expect(conf).toContain('maxmemory 268435456\n');
      expect(conf).toContain('maxmemory-policy allkeys-lru\n');
      expect(conf).toContain('save ""\nappendonly no\n');
      expect(conf).toContain('protected-mode yes\n');
      expect(conf).toContain('include /run/redis/auth.conf\n');
      expect(conf).not.toMatch(/^requirepass/m);
    });

    test('the password comes from the Secret as a group-readable file, never as env', () => {
      expect(pod.volumes.find((v: any) => v.name === 'auth').secret).toEqual({ secretName: 'redis-auth', defaultMode: 0o440, items: [{ key: 'password', path: 'password' }] });
      expect(container.env).toBeUndefined();
      expect(container.command).toEqual(['/bin/sh', '/etc/redis/start.sh']);
      expect(configMap.data['start.sh']).toContain("password=\"$(cat '/etc/redis-auth/password')\"");
    });

    test('restricted pod as the redis user, read-only root, writable /data and /run/redis', () => {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
      expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(container.volumeMounts.map((v: any) => v.mountPath).sort()).toEqual(['/data', '/etc/redis', '/etc/redis-auth', '/run/redis']);
      expect(pod.volumes.find((v: any) => v.name === 'run').emptyDir).toEqual({ medium: 'Memory', sizeLimit: '1Mi' });
      expect(container.image).toBe(ContainerImage.REDIS.reference);
    });

    test('probes ping with auth; memory is 1.5 × maxmemory', () => {
      const probe = container.readinessProbe.exec.command;
      expect(probe).toEqual(['/bin/sh', '-c', cache._config.probeScript()]);
      expect(probe[2]).toBe("REDISCLI_AUTH=\"$(cat '/etc/redis-auth/password')\" redis-cli -h 127.0.0.1 -p 6379 ping | grep -qx PONG");
      expect(container.livenessProbe.exec.command).toEqual(probe);
      expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '384Mi' }, limits: { memory: '384Mi' } });
    });

    test('client ConfigMap, Service and NetworkPolicy (same namespace only, no egress)', () => {
      expect(find(m, 'ConfigMap', 'l1-client').data).toEqual({
        REDIS_HOST: 'l1.site-a.svc.cluster.local',
        REDIS_PORT: '6379',
        REDIS_URL: 'redis://l1.site-a.svc.cluster.local:6379',
        CACHE_DEFAULT_TTL_SECONDS: '300',
        REDIS_PASSWORD_SECRET: 'redis-auth/password',
      });
      expect(find(m, 'Service', 'l1').spec.ports).toEqual([{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }]);
      const np = find(m, 'NetworkPolicy', 'l1').spec;
      expect(np.ingress).toEqual([{ ports: [{ port: 6379, protocol: 'TCP' }], from: [{ podSelector: {} }] }]);
      expect(np.egress).toEqual([]);
      expect(np.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(cache.url).toBe('redis://l1.site-a.svc.cluster.local:6379');
    });

    test('passes the SecurityBaseline with no exceptions', () => {
      expect(SecurityBaseline.check(m)).toEqual([]);
      expect(SecurityBaseline.listExceptions(m)).toEqual([]);
    });
  });

  describe('custom', () => {
    test('RDB persistence makes a StatefulSet with a PVC of 2 × maxmemory and 2 × memory', () => {
      const c = chart();
      const cache = new RedisCache(c, 'l1', { password, persistence: RedisPersistence.RDB, maxMemory: Size.gibibytes(1) });
      const m = synth(c);
      expect(findAll(m, 'Deployment')).toEqual([]);
      const sts = find(m, 'StatefulSet', 'l1');
      expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } });
      expect(sts.spec.template.spec.containers[0].resources.limits.memory).toBe('2Gi');
      expect(cache._config.render()).toContain('save 3600 1 300 100 60 10000\nstop-writes-on-bgsave-error no\n');
    });

    test('AOF persistence', () => {
      const conf = new RedisCacheConfig({ password, persistence: RedisPersistence.AOF }).render();
      expect(conf).toContain('appendonly yes\nappendfsync everysec\n');
    });

    test('unauthenticated mode (explicit) turns protected mode off and mounts no secret', () => {
      const c = chart();
      const cache = new RedisCache(c, 'l1', { allowUnauthenticated: true });
      const m = quietly(() => synth(c));
      expect(cache._config.render()).toContain('protected-mode no\n');
      expect(cache._config.render()).not.toContain('include');
      expect(cache._config.startScript()).not.toContain('password');
      expect(find(m, 'Deployment', 'l1').spec.template.spec.volumes.map((v: any) => v.name)).not.toContain('auth');
    });

    test('allowedClients restrict ingress; an empty list allows none', () => {
      const c = chart();
      new RedisCache(c, 'a', { password, allowedClients: [{ namespace: 'apps', podLabels: { tier: 'web' } }] });
      new RedisCache(c, 'b', { password, allowedClients: [] });
      const m = synth(c);
      expect(find(m, 'NetworkPolicy', 'a').spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } }, podSelector: { matchLabels: { tier: 'web' } } }]);
      expect(find(m, 'NetworkPolicy', 'b').spec.ingress).toEqual([]);
    });

    test('the config checksum follows the config', () => {
      const sum = (mib: number) => {
        const c = chart();
        new RedisCache(c, 'l1', { password, maxMemory: Size.mebibytes(mib) });
        return find(synth(c), 'Deployment', 'l1').spec.template.metadata.annotations['checksum/config'];
      };
      expect(sum(64)).toBe(sum(64));
      expect(sum(64)).not.toBe(sum(128));
    });
  });

  describe('rules (fails if …)', () => {
    const build = (props: RedisCacheProps) => () => new RedisCache(chart(), 'l1', props);
    test('fails if maxMemory is zero or under 1 MiB', () => {
      expect(build({ password, maxMemory: Size.mebibytes(0) })).toThrow(/^RedisCache "test\/l1": maxMemory = "0 KiB": must be at least 1 MiB; give the cache memory/);
      expect(build({ password, maxMemory: Size.kibibytes(512) })).toThrow(/maxMemory = "512 KiB": must be at least 1 MiB/);
    });
    test('fails if there is no password and unauthenticated access was not asked for', () => {
      expect(build({})).toThrow(/^RedisCache "test\/l1": password = "none": a cache reachable over the network needs a password; pass password: .* or set allowUnauthenticated: true/);
    });
    test('fails if both a password and allowUnauthenticated are given', () => {
      expect(build({ password, allowUnauthenticated: true })).toThrow(/allowUnauthenticated = true: contradicts the password/);
    });
    test('fails if the password reference is incomplete', () => {
      expect(build({ password: { name: 'x', key: '' } })).toThrow(/password = .*: needs a Secret name and key/);
    });
    test('fails if the memory limit does not exceed maxMemory', () => {
      expect(build({ password, maxMemory: Size.gibibytes(1), resources: { memory: { limit: Size.gibibytes(1) } } }))
        .toThrow(/resources\.memory\.limit = "1 GiB": must be above maxMemory \(1 GiB\).*; use at least 1536 MiB, or lower maxMemory/);
    });
    test('fails if defaultTtl is zero', () => {
      expect(build({ password, defaultTtl: Duration.seconds(0) })).toThrow(/defaultTtl = .*: must be at least one second/);
    });
    test('fails if a negative size or duration is given (cdk8s refuses them)', () => {
      expect(() => Size.mebibytes(-1)).toThrow(/cannot be negative/);
      expect(() => Duration.minutes(-1)).toThrow(/cannot be negative/);
    });
    test('fails if port or samples are out of range', () => {
      expect(build({ password, port: 80 })).toThrow(/port = 80: must be a whole number from 1024 to 65535/);
      expect(build({ password, maxMemorySamples: 0 })).toThrow(/maxMemorySamples = 0: must be a whole number from 1 to 64/);
    });
    test('fails if volume settings are given without persistence', () => {
      expect(build({ password, storageClassName: 'local-ssd' })).toThrow(/storageClassName = "local-ssd": only applies when persistence is on/);
      expect(build({ password, volumeSize: Size.gibibytes(1) })).toThrow(/volumeSize = "1 GiB": only applies when persistence is on/);
    });
    test('fails if the volume size is zero', () => {
      expect(build({ password, persistence: RedisPersistence.RDB, volumeSize: Size.gibibytes(0) })).toThrow(/volumeSize = "0 KiB": must be larger than zero/);
    });
    test('fails if the name, storage class, UID or a client peer is invalid', () => {
      expect(build({ password, name: 'L1' })).toThrow(/name = "L1": must be a DNS-1123 label/);
      expect(build({ password, persistence: RedisPersistence.AOF, storageClassName: 'Local_SSD' })).toThrow(/storageClassName = "Local_SSD": must be a DNS-1123 subdomain/);
      expect(build({ password, runAsUser: 0 })).toThrow(/runAsUser = 0: must be a non-zero UID/);
      expect(build({ password, allowedClients: [{ cidr: 'everyone' }] })).toThrow(/allowedClients\[0\]\.cidr = "everyone": must be an address block/);
    });
    test('the generator alone throws with its own label, and refuses unsafe paths', () => {
      expect(() => new RedisCacheConfig({})).toThrow(/^RedisCacheConfig: password = "none"/);
      expect(() => new RedisCacheConfig({ password }).render({ authConfigFile: '/tmp/a b' })).toThrow(/authConfigFile = "\/tmp\/a b": must be a plain path/);
    });
  });

  describe('warnings', () => {
    test('noeviction for a cache', () => {
      const c = chart();
      new RedisCache(c, 'l1', { password, evictionPolicy: RedisEvictionPolicy.NOEVICTION });
      expect(Warnings.collect(c)).toEqual([
        '[WARNING] RedisCache "test/l1": evictionPolicy = "noeviction": a full cache then rejects writes with OOM errors instead of evicting old keys; use RedisEvictionPolicy.ALLKEYS_LRU (or ALLKEYS_LFU) for a cache',
      ]);
      quietly(() => synth(c));
    });
    test('volatile policies, unauthenticated access, a tight memory limit and a small volume', () => {
      const c = chart();
      new RedisCache(c, 'a', { password, evictionPolicy: RedisEvictionPolicy.VOLATILE_LRU });
      new RedisCache(c, 'b', { allowUnauthenticated: true });
      new RedisCache(c, 'c', { password, maxMemory: Size.gibibytes(1), resources: { memory: { limit: Size.mebibytes(1100) } } });
      new RedisCache(c, 'd', { password, persistence: RedisPersistence.RDB, maxMemory: Size.gibibytes(1), volumeSize: Size.gibibytes(1) });
      const w = Warnings.collect(c);
      expect(w).toHaveLength(4);
      expect(w[0]).toMatch(/RedisCache "test\/a": evictionPolicy = "volatile-lru": evicts only keys with a TTL/);
      expect(w[1]).toMatch(/RedisCache "test\/b": allowUnauthenticated = true: any pod the NetworkPolicy lets in/);
      expect(w[2]).toMatch(/RedisCache "test\/c": resources\.memory\.limit = "1\.07 GiB": leaves little room above maxMemory/);
      expect(w[3]).toMatch(/RedisCache "test\/d": volumeSize = "1 GiB": is less than twice maxMemory \(1 GiB\).*; use at least 2 GiB$/);
      quietly(() => synth(c));
    });
    test('no warnings for the defaults', () => {
      const c = chart();
      new RedisCache(c, 'l1', { password });
      expect(Warnings.collect(c)).toEqual([]);
    });
  });
});
