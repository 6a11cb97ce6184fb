import { ApiObject, Chart, Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ContainerImage, KubeNames, NetworkPeer, RequiredSecrets, Resources } from '../../core';
import { CacheClientPeer } from '../clients';
import { Problem, bytesOf, checksum, clientPeer, clientProblems, humanSize, isIntIn, report, secondsCeil } from '../internal';
import { RedisCacheConfig, RedisCacheOptions, RedisPersistence } from './config';
import { secretKeyVolume } from '../../core/secret-env';
import { KeyNames, Shape } from '../../core/validate';
import { LongRunningContainer, RestrictedPodOptions, RestrictedWorkload } from '../../core/workload';

/** Props of {@link RedisCache}. */
export interface RedisCacheProps extends RedisCacheOptions {
  /**
   * Name of the cache's objects (Deployment/StatefulSet, Service, NetworkPolicy; ConfigMaps `<name>-config` and
   * `<name>-client`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The Redis image.
   * @default ContainerImage.REDIS
   */
  readonly image?: ContainerImage;
  /**
   * UID the image runs as (the official image's `redis` user).
   * @default 999
   */
  readonly runAsUser?: number;
  /**
   * Container resources. The memory limit must exceed `maxMemory`: Redis needs room for client buffers,
   * fragmentation and (with persistence) the copy-on-write of a forked snapshot.
   * @default - requests 100m CPU; memory request and limit 1.5 × maxMemory (2 × with persistence)
   */
  readonly resources?: ContainerResources;
  /**
   * StorageClass of the data volume when `persistence` is on.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Size of the data volume when `persistence` is on (snapshots and AOF rewrites need about twice the data).
   * @default - 2 × maxMemory, rounded up to a whole GiB
   */
  readonly volumeSize?: Size;
  /**
   * Clients the NetworkPolicy lets in.
   * @default - every pod of the cache's namespace
   */
  readonly allowedClients?: CacheClientPeer[];
}

/**
 * A single Redis instance as the L1 in-memory cache (minutes TTL, sub-millisecond hits): a ConfigMap with the
 * generated `redis.conf` (`configText`) and start script, a Deployment (a StatefulSet with a PVC when
 * persistence is on), a Service, a NetworkPolicy, and a `<name>-client` ConfigMap that clients load with `envFrom`
 * (`REDIS_HOST`, `REDIS_PORT`, `REDIS_URL`, `CACHE_DEFAULT_TTL_SECONDS`).
 */
export class RedisCache extends Construct {
  /** Name of the cache's objects. */
  public readonly name: string;
  /** The Service name. */
  public readonly serviceName: string;
  /** Host name of the Service inside the cluster. */
  public readonly host: string;
  /** The port. */
  public readonly port: number;
  /** `redis://host:port`. */
  public readonly url: string;
  /** The ConfigMap clients load with `envFrom`. */
  public readonly clientConfigMapName: string;
  /**
   * The generator whose output the ConfigMap holds (internal: the tests render it with loopback paths).
   * @internal
   */
  public readonly _config: RedisCacheConfig;
  /** The redis.conf text in the ConfigMap. */
  public readonly configText: string;
  /** The cache's pods, for NetworkPolicies of clients. */
  public readonly networkPeer: NetworkPeer;
  /** Labels of the cache's pods. */
  public readonly podLabels: { [key: string]: string };
  /** The Deployment or StatefulSet (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: RedisCacheProps = {}) {
    super(scope, id);
    Shape.check(this, props);
    KeyNames.checkSecretRef(this, 'password', props.password);
    this.name = props.name ?? id;
    KubeNames.assertDns1123Label(this, 'name', this.name, 56);
    const errors: Problem[] = RedisCacheConfig.problems(props);
    const warnings: Problem[] = RedisCacheConfig.warnings(props);
    const runAsUser = props.runAsUser ?? 999;
    if (!isIntIn(runAsUser, 1, 2 ** 31 - 1)) {
      errors.push({ prop: 'runAsUser', value: runAsUser, rule: 'must be a non-zero UID (the cache runs as non-root)', fix: 'use 999, the redis user of the official image' });
    }
    if (props.storageClassName !== undefined && !KubeNames.isDns1123Subdomain(props.storageClassName)) {
      errors.push({ prop: 'storageClassName', value: props.storageClassName, rule: 'must be a DNS-1123 subdomain (a StorageClass name)', fix: `use a name like "${KubeNames.suggest(props.storageClassName)}"` });
    }
    const persistence = props.persistence ?? RedisPersistence.NONE;
    if (persistence === RedisPersistence.NONE && (props.storageClassName !== undefined || props.volumeSize !== undefined)) {
      errors.push({ prop: props.storageClassName !== undefined ? 'storageClassName' : 'volumeSize', value: props.storageClassName ?? humanSize(props.volumeSize!), rule: 'only applies when persistence is on', fix: 'set persistence to RedisPersistence.RDB or AOF, or remove it' });
    }
    errors.push(...clientProblems('allowedClients', props.allowedClients ?? []));

    const maxMemory = props.maxMemory ?? Size.mebibytes(256);
    const maxBytes = bytesOf(maxMemory);
    const factor = persistence === RedisPersistence.NONE ? 1.5 : 2;
    const memLimit = props.resources?.memory?.limit ?? props.resources?.memory?.request;
    if (memLimit && maxBytes >= 1024 * 1024) {
      const limitBytes = bytesOf(memLimit);
      if (limitBytes <= maxBytes) {
        errors.push({
          prop: 'resources.memory.limit',
          value: humanSize(memLimit),
          rule: `must be above maxMemory (${humanSize(maxMemory)}): Redis needs memory beyond its data, and the container would be OOM-killed before Redis evicts`,
          fix: `use at least ${Math.ceil(maxBytes * factor / 1024 / 1024)} MiB, or lower maxMemory`,
        });
      } else if (limitBytes < maxBytes * (persistence === RedisPersistence.NONE ? 1.25 : 2)) {
        warnings.push({
          prop: 'resources.memory.limit',
          value: humanSize(memLimit),
          rule: `leaves little room above maxMemory (${humanSize(maxMemory)}) for buffers and fragmentation${persistence === RedisPersistence.NONE ? '' : ' and the copy-on-write of snapshots'}`,
          fix: `use about ${Math.ceil(maxBytes * factor / 1024 / 1024)} MiB`,
        });
      }
    }
    if (props.volumeSize !== undefined && persistence !== RedisPersistence.NONE) {
      if (!(bytesOf(props.volumeSize) > 0)) {
        errors.push({ prop: 'volumeSize', value: humanSize(props.volumeSize), rule: 'must be larger than zero', fix: 'leave it out to use 2 × maxMemory' });
      } else if (bytesOf(props.volumeSize) < 2 * maxBytes) {
        warnings.push({ prop: 'volumeSize', value: humanSize(props.volumeSize), rule: `is less than twice maxMemory (${humanSize(maxMemory)}): a snapshot or AOF rewrite may not fit next to the previous one`, fix: `use at least ${humanSize(Size.kibibytes(Math.ceil(2 * maxBytes / 1024)))}` });
      }
    }
    report(this, errors, warnings);

    this._config = new RedisCacheConfig(props);
    this.port = this._config.port;
    this.serviceName = this.name;
    const namespace = Chart.of(this).namespace;
    this.host = namespace ? `${this.serviceName}.${namespace}.svc.cluster.local` : this.serviceName;
    this.url = `redis://${this.host}:${this.port}`;
    this.clientConfigMapName = `${this.name}-client`;
    if (props.password) {
      const p = props.password;
      const ns = namespace ?? 'default';
      RequiredSecrets.addKey(this, p, {
        namespace: ns,
        purpose: `password of Redis ${this.name} (requirepass; its clients read the same key, named in ConfigMap ${this.clientConfigMapName}), `
          + `e.g. kubectl -n ${ns} create secret generic ${p.name} --from-literal=${p.key}="$(openssl rand -hex 24)"`,
      });
    }
    const image = props.image ?? ContainerImage.REDIS;
    const workload = new RestrictedWorkload({ app: 'redis', instance: this.name, component: 'cache', image });
    const labels = workload.labels;
    const selector = workload.podLabels;
    this.podLabels = selector;
    this.networkPeer = { namespace: namespace ?? 'default', podLabels: selector, ports: [this.port] };

    this.configText = this._config.render();
    const configText = this.configText;
    const startScript = this._config.startScript();
    const configMapName = `${this.name}-config`;
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: configMapName, labels },
      data: { 'redis.conf': configText, 'start.sh': startScript },
    });
    new k8s.KubeConfigMap(this, 'Client', {
      metadata: { name: this.clientConfigMapName, labels },
      data: {
        REDIS_HOST: this.host,
        REDIS_PORT: String(this.port),
        REDIS_URL: this.url,
        CACHE_DEFAULT_TTL_SECONDS: String(secondsCeil(props.defaultTtl ?? Duration.minutes(5))),
        ...(props.password ? { REDIS_PASSWORD_SECRET: `${props.password.name}/${props.password.key}` } : {}),
      },
    });

    const probeCommand = ['/bin/sh', '-c', this._config.probeScript()];
    const defaultMemory = Size.mebibytes(Math.ceil(maxBytes * factor / 1024 / 1024));
    const volumeMounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: '/etc/redis', readOnly: true },
      { name: 'run', mountPath: '/run/redis' },
      { name: 'data', mountPath: '/data' },
      ...(props.password ? [{ name: 'auth', mountPath: '/etc/redis-auth', readOnly: true }] : []),
    ];
    const volumes: k8s.Volume[] = [
      { name: 'config', configMap: { name: configMapName } },
      { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
      ...(persistence === RedisPersistence.NONE ? [{ name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }] : []),
      // 0440: readable by the fsGroup (the redis user), not by others.
      ...(props.password ? [secretKeyVolume('auth', props.password, 'password', 0o440)] : []),
    ];
    const pod: RestrictedPodOptions<LongRunningContainer> = {
      annotations: { 'checksum/config': checksum(configText + startScript) },
      security: { runAsUser, runAsGroup: runAsUser, fsGroup: runAsUser },
      spec: { enableServiceLinks: false, terminationGracePeriodSeconds: 30 },
      containers: [{
        name: 'redis',
        image,
        command: ['/bin/sh', '/etc/redis/start.sh'],
        ports: [{ name: 'redis', containerPort: this.port, protocol: 'TCP' }],
        resources: Resources.toKube(
          { cpu: { request: Cpu.millis(100) }, memory: { request: defaultMemory, limit: defaultMemory } },
          props.resources,
        ),
        readinessProbe: { exec: { command: probeCommand }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
        livenessProbe: { exec: { command: probeCommand }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
        volumeMounts,
      }],
      volumes,
    };

    if (persistence === RedisPersistence.NONE) {
      this.apiObject = workload.deployment(this, 'Resource', {
        replicas: 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        pod,
      });
    } else {
      const volumeSize = props.volumeSize ?? Size.gibibytes(Math.ceil(2 * maxBytes / 1024 ** 3));
      this.apiObject = workload.statefulSet(this, 'Resource', {
        replicas: 1,
        serviceName: this.serviceName,
        pod,
        volumeClaimTemplates: [{
          name: 'data',
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
            resources: { requests: { storage: Resources.quantity(volumeSize) } },
          },
        }],
      });
    }

    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName, labels },
      spec: {
        selector,
        ports: [{ name: 'redis', port: this.port, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' }],
      },
    });

    const from = props.allowedClients ? props.allowedClients.map((c) => clientPeer(c)) : [{ podSelector: {} }];
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        // Redis needs no egress; an empty `from` would match every source, so no clients means no ingress rule.
        ingress: from.length > 0 ? [{ ports: [{ port: k8s.IntOrString.fromNumber(this.port), protocol: 'TCP' }], from }] : [],
        egress: [],
      },
    });
  }
}
