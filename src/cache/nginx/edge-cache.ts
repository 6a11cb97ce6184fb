import { ApiObject, Chart, Lazy, Size } from 'cdk8s';
import { ContainerResources, Cpu, k8s, ServiceType } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ContainerImage, edgeError, KubeNames, NetworkPeer, RequiredSecrets, Resources } from '../../core';
import { CacheClientPeer } from '../clients';
import { Problem, bytesOf, checksum, clientPeer, clientProblems, egressToDns, egressToPeer, humanSize, isIntIn, report } from '../internal';
import { CacheOrigin } from '../origin';
import { NginxCacheConfig } from './config';
import { NginxCacheOptions, ViewerAuthentication } from './options';
import { CacheWarmUpOptions, NginxCacheWarmUp } from './warm-up';
import { secretKeyEnv, secretKeyVolume } from '../../core/secret-env';
import { KeyNames, Shape } from '../../core/validate';
import { LongRunningContainer, RestrictedPodOptions, RestrictedWorkload } from '../../core/workload';

/** `app.kubernetes.io/name` of the cache's objects. */
const APP = 'nginx-edge-cache';

/** Props of {@link NginxEdgeCache}. */
export interface NginxEdgeCacheProps extends NginxCacheOptions {
  /**
   * Name of the cache's objects (Deployment/StatefulSet, Service, PDB, NetworkPolicy; ConfigMap `<name>-config`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Number of cache pods. Each pod has its own cache.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Keep the cache on a per-replica PersistentVolumeClaim of this StorageClass (e.g. a LocalPV class on the node's
   * SSD) so it survives restarts: the cache then runs as a StatefulSet. Without it the cache lives on an `emptyDir`
   * limited to `cacheVolumeSize` and starts cold after every restart.
   * @default - an emptyDir (Deployment)
   */
  readonly storageClassName?: string;
  /**
   * The nginx image; must run as a non-root user that can bind `port` (nginx-unprivileged does).
   * @default ContainerImage.NGINX_UNPRIVILEGED
   */
  readonly image?: ContainerImage;
  /**
   * UID the nginx image runs as (the unprivileged image's `nginx` user).
   * @default 101
   */
  readonly runAsUser?: number;
  /**
   * Container resources.
   * @default - requests 100m CPU; memory request and limit 128 MiB plus the keys zone
   */
  readonly resources?: ContainerResources;
  /**
   * Port of the Service.
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * Clients the NetworkPolicy lets in.
   * @default - any source (in or outside the cluster) on the cache port
   */
  readonly allowedClients?: CacheClientPeer[];
  /**
   * How the Service is exposed. A ClusterIP Service is unreachable from the LAN; for NODE_PORT and LOAD_BALANCER the
   * Service keeps the client's address (`externalTrafficPolicy: Local`), so `cidr` clients in the NetworkPolicy match.
   * @default - ServiceType.LOAD_BALANCER when allowedClients has a `cidr` entry, else ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /**
   * Size limit of the `/tmp` emptyDir (request bodies, uncached responses buffered to disk, pid file).
   * @default Size.gibibytes(1)
   */
  readonly tempVolumeSize?: Size;
}

/**
 * An nginx caching reverse proxy in front of an origin: the L2 edge content cache on local SSD, or the L3 regional
 * cache in front of the cloud. Emits a ConfigMap with the generated `nginx.conf` (`configText`), a
 * Deployment (emptyDir cache) or StatefulSet (per-replica PVC), a Service, a PodDisruptionBudget and a
 * NetworkPolicy. The pods run the unprivileged nginx image with a read-only root filesystem.
 */
export class NginxEdgeCache extends Construct {
  /**
   * The labels that select the pods of the cache named `name` (the `name` prop, else the construct id), for a policy
   * written before the cache exists (e.g. the store's, when the store is the cache's origin); afterwards use
   * `podLabels`.
   */
  public static podLabelsFor(name: string): { [key: string]: string } {
    return RestrictedWorkload.podLabelsOf(APP, name);
  }

  /** Name of the cache's objects. */
  public readonly name: string;
  /** The Service name. */
  public readonly serviceName: string;
  /** The Service port. */
  public readonly servicePort: number;
  /** Port nginx listens on in the pods. */
  public readonly port: number;
  /** The ConfigMap holding `nginx.conf`. */
  public readonly configMapName: string;
  /**
   * The generator whose `render()` output the ConfigMap holds (internal: the tests render it with loopback paths).
   * @internal
   */
  public readonly _config: NginxCacheConfig;
  /** The nginx.conf text in the ConfigMap. */
  public readonly configText: string;
  /** URL of the cache inside the cluster, e.g. `http://video-cache.site-a.svc.cluster.local:80`. */
  public readonly url: string;
  /** The cache's pods, for NetworkPolicies of clients (and of a downstream cache using it as origin). */
  public readonly networkPeer: NetworkPeer;
  /** Labels of the cache's pods. */
  public readonly podLabels: { [key: string]: string };
  /** The Deployment or StatefulSet (escape hatch). */
  public readonly apiObject: ApiObject;
  /** Whether the cache runs as a StatefulSet with per-replica PVCs. */
  public readonly persistent: boolean;
  /** The origin. */
  public readonly origin: CacheOrigin;
  private readonly extraClients: CacheClientPeer[] = [];
  private readonly allowedClients?: CacheClientPeer[];
  /** How the Service is exposed. */
  public readonly serviceType: ServiceType;
  /** How viewers authenticate. */
  public readonly viewerAuthentication: ViewerAuthentication;

  constructor(scope: Construct, id: string, props: NginxEdgeCacheProps) {
    super(scope, id);
    Shape.check(this, props);
    KeyNames.checkSecretRef(this, 'viewerCredentials', props.viewerCredentials);
    KeyNames.checkSecretRef(this, 'originToken', props.originToken);
    this.name = props.name ?? id;
    KubeNames.assertDns1123Label(this, 'name', this.name, 56);
    const errors: Problem[] = NginxCacheConfig.problems(props);
    const replicas = props.replicas ?? 2;
    if (!isIntIn(replicas, 1, 1000)) {
      errors.push({ prop: 'replicas', value: replicas, rule: 'must be a whole number of at least 1', fix: 'use 1 or more' });
    }
    const servicePort = props.servicePort ?? 80;
    if (!isIntIn(servicePort, 1, 65535)) {
      errors.push({ prop: 'servicePort', value: servicePort, rule: 'must be a TCP port (1–65535)', fix: 'use 80' });
    }
    if (props.storageClassName !== undefined && !KubeNames.isDns1123Subdomain(props.storageClassName)) {
      errors.push({ prop: 'storageClassName', value: props.storageClassName, rule: 'must be a DNS-1123 subdomain (a StorageClass name)', fix: `use a name like "${KubeNames.suggest(props.storageClassName)}"` });
    }
    if (props.tempVolumeSize !== undefined && !(bytesOf(props.tempVolumeSize) > 0)) {
      errors.push({ prop: 'tempVolumeSize', value: humanSize(props.tempVolumeSize), rule: 'must be larger than zero', fix: 'use e.g. Size.gibibytes(1)' });
    }
    const runAsUser = props.runAsUser ?? 101;
    if (!isIntIn(runAsUser, 1, 2 ** 31 - 1)) {
      errors.push({ prop: 'runAsUser', value: runAsUser, rule: 'must be a non-zero UID (the cache runs as non-root)', fix: 'use 101, the nginx user of the unprivileged image' });
    }
    errors.push(...clientProblems('allowedClients', props.allowedClients ?? []));
    const cidrClients = (props.allowedClients ?? []).filter((c) => c.cidr !== undefined).map((c) => c.cidr!);
    this.serviceType = props.serviceType ?? (cidrClients.length > 0 ? ServiceType.LOAD_BALANCER : ServiceType.CLUSTER_IP);
    if (this.serviceType === ServiceType.EXTERNAL_NAME) {
      errors.push({ prop: 'serviceType', value: this.serviceType, rule: 'an ExternalName Service does not route to the cache pods', fix: 'use CLUSTER_IP, NODE_PORT or LOAD_BALANCER' });
    }
    const warnings = NginxCacheConfig.warnings(props);
    if (cidrClients.length > 0 && this.serviceType === ServiceType.CLUSTER_IP) {
      warnings.push({ prop: 'serviceType', value: this.serviceType, rule: `clients ${cidrClients.join(', ')} are outside the cluster, but a ClusterIP Service is only reachable from inside it`, fix: 'use ServiceType.LOAD_BALANCER or NODE_PORT (or omit serviceType)' });
    }
    report(this, errors, warnings);

    this._config = new NginxCacheConfig(props);
    this.configText = this._config.render();
    this.origin = props.origin;
    this.port = this._config.port;
    this.servicePort = servicePort;
    this.serviceName = this.name;
    this.configMapName = `${this.name}-config`;
    this.persistent = props.storageClassName !== undefined;
    this.allowedClients = props.allowedClients;
    this.viewerAuthentication = this._config.viewerAuthentication;

    // Memory: the keys zone is shared memory allocated at start and counts against the limit.
    const keysZoneMib = Math.ceil(bytesOf(this._config.keysZoneSize) / (1024 * 1024));
    const defaultMemory = Size.mebibytes(128 + keysZoneMib);
    const resources = Resources.toKube(
      { cpu: { request: Cpu.millis(100) }, memory: { request: defaultMemory, limit: defaultMemory } },
      props.resources,
    );
    const memLimit = props.resources?.memory?.limit ?? props.resources?.memory?.request;
    if (memLimit && bytesOf(memLimit) < (keysZoneMib + 32) * 1024 * 1024) {
      report(this, [{
        prop: 'resources.memory.limit',
        value: humanSize(memLimit),
        rule: `must hold the ${keysZoneMib} MiB keys zone (shared memory allocated at start) plus at least 32 MiB for nginx`,
        fix: `use at least ${keysZoneMib + 32} MiB, or a smaller keysZoneSize`,
      }], []);
    }

    const image = props.image ?? ContainerImage.NGINX_UNPRIVILEGED;
    const namespace = Chart.of(this).namespace;
    this.url = `http://${this.serviceName}${namespace ? `.${namespace}.svc.cluster.local` : ''}:${servicePort}`;
    const workload = new RestrictedWorkload({ app: APP, instance: this.name, component: 'cache', image });
    const labels = workload.labels;
    const selector = workload.podLabels;
    this.podLabels = selector;
    this.networkPeer = { namespace: namespace ?? 'default', podLabels: selector, ports: [this.port] };
    this.requireSecrets(props, namespace ?? 'default');

    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: this.configMapName, labels },
      data: { 'nginx.conf': this.configText },
    });

    const configPath = `${NginxCacheConfig.CONFIG_DIRECTORY}/nginx.conf`;
    const basicAuth = this._config.viewerAuthentication === ViewerAuthentication.BASIC && props.viewerCredentials !== undefined;
    // Start-up lines before nginx: the resolver line for a host-name origin, the origin token header line.
    const startup = [
      ...(NginxCacheConfig.resolvesOrigin(props.origin) ? [NginxCacheConfig.resolverScript()] : []),
      ...(props.originToken ? [NginxCacheConfig.originTokenScript()] : []),
    ];
    const probe = (failureThreshold: number, periodSeconds: number): k8s.Probe => ({
      httpGet: { path: NginxCacheConfig.HEALTH_PATH, port: k8s.IntOrString.fromString('http') },
      periodSeconds,
      timeoutSeconds: 2,
      failureThreshold,
    });
    const volumeMounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: NginxCacheConfig.CONFIG_DIRECTORY, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'cache', mountPath: NginxCacheConfig.CACHE_MOUNT },
      ...(this.origin.caCertificate ? [{ name: 'origin-ca', mountPath: NginxCacheConfig.ORIGIN_CA_DIRECTORY, readOnly: true }] : []),
      ...(basicAuth ? [{ name: 'viewers', mountPath: NginxCacheConfig.VIEWERS_DIRECTORY, readOnly: true }] : []),
    ];
    const volumes: k8s.Volume[] = [
      { name: 'config', configMap: { name: this.configMapName } },
      { name: 'tmp', emptyDir: { sizeLimit: Resources.quantity(props.tempVolumeSize ?? Size.gibibytes(1)) } },
      ...(this.persistent ? [] : [{ name: 'cache', emptyDir: { sizeLimit: Resources.quantity(this._config.cacheVolumeSize) } }]),
      ...(this.origin.caCertificate ? [secretKeyVolume('origin-ca', this.origin.caCertificate, 'ca.crt')] : []),
      ...(basicAuth ? [secretKeyVolume('viewers', props.viewerCredentials!, 'htpasswd', 0o440)] : []),
    ];
    const pod: RestrictedPodOptions<LongRunningContainer> = {
      annotations: { 'checksum/config': checksum(this.configText) },
      security: { runAsUser, runAsGroup: runAsUser, fsGroup: runAsUser },
      spec: {
        terminationGracePeriodSeconds: 30,
        topologySpreadConstraints: [{
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: workload.selector,
        }],
      },
      containers: [{
        name: 'nginx',
        image,
        // A host-name origin: write the resolver line from the pod's DNS settings first (see NginxCacheConfig).
        command: startup.length > 0
          ? ['/bin/sh', '-c', `${startup.join('\n')}\nexec nginx -c ${configPath} -e stderr`]
          : ['nginx', '-c', configPath, '-e', 'stderr'],
        ...(props.originToken ? { env: [secretKeyEnv(NginxCacheConfig.ORIGIN_TOKEN_ENV, props.originToken)] } : {}),
        ports: [{ name: 'http', containerPort: this.port, protocol: 'TCP' }],
        resources,
        readinessProbe: probe(2, 5),
        livenessProbe: probe(3, 10),
        // Give endpoints time to drop the pod before nginx stops.
        lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } },
        volumeMounts,
      }],
      volumes,
    };

    if (this.persistent) {
      this.apiObject = workload.statefulSet(this, 'Resource', {
        replicas,
        serviceName: this.serviceName,
        podManagementPolicy: 'Parallel',
        pod,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
        volumeClaimTemplates: [{
          name: 'cache',
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: props.storageClassName,
            resources: { requests: { storage: Resources.quantity(this._config.cacheVolumeSize) } },
          },
        }],
      });
    } else {
      this.apiObject = workload.deployment(this, 'Resource', {
        replicas,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        pod,
      });
    }

    const exposed = this.serviceType !== ServiceType.CLUSTER_IP;
    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName, labels },
      spec: {
        // Exposed outside the cluster: keep the client address so the NetworkPolicy's ipBlock rules can match it.
        ...(exposed ? { type: this.serviceType, externalTrafficPolicy: 'Local' } : {}),
        selector,
        ports: [{ name: 'http', port: servicePort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name: this.name, labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });

    const originEgress: k8s.NetworkPolicyEgressRule = this.origin.networkPeer
      ? egressToPeer(this.origin.networkPeer)
      : {
        to: this.origin.hosts.every((h) => /^\d{1,3}(\.\d{1,3}){3}$/.test(h))
          ? this.origin.hosts.map((h) => ({ ipBlock: { cidr: `${h}/32` } }))
          : [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
        ports: this.origin.ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p), protocol: 'TCP' })),
      };
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({ produce: () => this.ingressRules() }),
        egress: [egressToDns(), originEgress],
      },
    });
  }

  /**
   * A cache warm-up CronJob that requests paths (or every object under prefixes of an object store origin) through
   * this cache on a schedule, e.g. before a shift change.
   */
  public addWarmUp(id: string, options: CacheWarmUpOptions): NginxCacheWarmUp {
    if (this.viewerAuthentication === ViewerAuthentication.BASIC) {
      throw edgeError(this, { prop: 'addWarmUp', value: id, rule: 'the warm-up requests carry no viewer credentials, and this cache requires basic authentication', fix: 'warm up a cache with ViewerAuthentication.NONE, or let viewers fill it' });
    }
    return new NginxCacheWarmUp(this, id, { ...options, cache: this });
  }

  /** This cache as the origin of another cache (an L2 edge cache in front of this L3 regional cache). */
  public asOrigin(): CacheOrigin {
    return CacheOrigin.fromUrl(this.url, { networkPeer: this.networkPeer });
  }

  /**
   * Let more clients in through the NetworkPolicy (used by the warm-up). No effect when every source is allowed.
   * @internal
   */
  public _allowClient(peer: CacheClientPeer): void {
    this.extraClients.push(peer);
  }

  /** Records the Secrets the cache pods read (origin token, viewers' htpasswd, origin CA) for the operator. */
  private requireSecrets(props: NginxEdgeCacheProps, namespace: string): void {
    const who = `nginx cache ${this.name}`;
    const origin = this.origin.bucketUrl ?? `${this.origin.scheme}://${this.origin.hostHeader}${this.origin.basePath}`;
    if (props.originToken) {
      const t = props.originToken;
      RequiredSecrets.addKey(this, t, {
        namespace,
        purpose: `token ${who} sends (as Referer) to read its private origin ${origin}: letters, digits and ._~- only, `
          + `e.g. kubectl -n ${namespace} create secret generic ${t.name} --from-literal=${t.key}="$(openssl rand -hex 32)"`,
      });
    }
    if (this.viewerAuthentication === ViewerAuthentication.BASIC && props.viewerCredentials) {
      const v = props.viewerCredentials;
      RequiredSecrets.addKey(this, v, {
        namespace,
        purpose: `htpasswd file of the viewers of ${who} (basic authentication), e.g. printf 'viewer:%s\\n' "$(openssl passwd -6)" > htpasswd; `
          + `kubectl -n ${namespace} create secret generic ${v.name} --from-file=${v.key}=htpasswd`,
      });
    }
    if (this.origin.caCertificate) {
      RequiredSecrets.addKey(this, this.origin.caCertificate, { namespace, purpose: `CA certificate ${who} verifies its origin ${origin} with` });
    }
  }

  private ingressRules(): k8s.NetworkPolicyIngressRule[] {
    const ports = [{ port: k8s.IntOrString.fromNumber(this.port), protocol: 'TCP' }];
    if (this.allowedClients === undefined) return [{ ports }];
    const from = [...this.allowedClients, ...this.extraClients].map((c) => clientPeer(c));
    // An empty `from` would match every source: no clients means no ingress rule at all.
    return from.length > 0 ? [{ ports, from }] : [];
  }
}
