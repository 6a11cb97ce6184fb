import { App, Chart, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ContainerImage, ISiteFactory } from '../src';
import { EdgeLabels, Resources, RestrictedSecurity } from '../src/core';

/**
 * A realistic stand-in for a video-surveillance edge site, built from plain L1 objects with the foundation helpers:
 * namespace + quota + limits, default-deny and allow NetworkPolicies, a 4-replica object-store StatefulSet with its
 * Services, PDB and config, a playback cache Deployment, an ingest Deployment, a backup CronJob and a bucket-setup Job.
 *
 * It exists so the fleet benchmark measures a site of the right size and shape (28 objects, one chart) before the
 * real `VideoSurveillanceSite` blueprint exists. Every object validates against the pinned schemas and passes the
 * SecurityBaseline (test/blueprints/fleet/stand-in-site.test.ts).
 */
export class StandInSite extends Construct {
  /** Number of Kubernetes objects one site emits. */
  public static readonly OBJECT_COUNT = 28;

  constructor(scope: Construct, id: string, siteName: string, siteIndex: number) {
    super(scope, id);
    const ns = siteName;
    const cameras = 16 + (siteIndex % 48);
    const driveGi = 500 + 10 * (siteIndex % 50);
    const store = EdgeLabels.standard({ name: 'minio', instance: `${ns}-store`, component: 'object-store', version: ContainerImage.MINIO.version });
    const storeSel = EdgeLabels.selector({ name: 'minio', instance: `${ns}-store` });
    const cache = EdgeLabels.standard({ name: 'nginx', instance: `${ns}-cache`, component: 'cache', version: ContainerImage.NGINX_UNPRIVILEGED.version });
    const cacheSel = EdgeLabels.selector({ name: 'nginx', instance: `${ns}-cache` });
    const ingest = EdgeLabels.standard({ name: 'ingest', instance: `${ns}-ingest`, component: 'ingest', version: ContainerImage.CURL.version });
    const ingestSel = EdgeLabels.selector({ name: 'ingest', instance: `${ns}-ingest` });
    const backup = EdgeLabels.standard({ name: 'restic', instance: `${ns}-backup`, component: 'backup', version: ContainerImage.RESTIC.version });
    const backupSel = EdgeLabels.selector({ name: 'restic', instance: `${ns}-backup` });
    const meta = (name: string, labels: { [k: string]: string }) => ({ name, namespace: ns, labels });
    const podSc = RestrictedSecurity.podSecurityContext();
    const sc = RestrictedSecurity.containerSecurityContext();
    const small = Resources.toKube({ cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(64) } });
    const cacheResources = Resources.toKube({
      cpu: { request: Cpu.millis(200) },
      memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
    });
    const backupResources = Resources.toKube({
      cpu: { request: Cpu.millis(100) },
      memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) },
    });
    const httpProbe = (path: string, port: number) => ({ httpGet: { path, port: k8s.IntOrString.fromNumber(port) }, periodSeconds: 10 });
    const dns: k8s.NetworkPolicyEgressRule = {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
    };

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: ns,
        labels: {
          'app.kubernetes.io/part-of': EdgeLabels.PART_OF,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'edge.example.com/site': siteName,
        },
      },
    });
    new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: meta(`${ns}-quota`, { 'app.kubernetes.io/part-of': EdgeLabels.PART_OF }),
      spec: {
        hard: {
          'requests.cpu': k8s.Quantity.fromString('8'),
          'requests.memory': k8s.Quantity.fromString('24Gi'),
          'limits.memory': k8s.Quantity.fromString('32Gi'),
          'requests.storage': k8s.Quantity.fromString(`${4 * driveGi + 50}Gi`),
          'persistentvolumeclaims': k8s.Quantity.fromNumber(8),
        },
      },
    });
    new k8s.KubeLimitRange(this, 'Limits', {
      metadata: meta(`${ns}-limits`, { 'app.kubernetes.io/part-of': EdgeLabels.PART_OF }),
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') },
          default: { memory: k8s.Quantity.fromString('256Mi') },
          max: { memory: k8s.Quantity.fromString('8Gi') },
        }],
      },
    });

    // NetworkPolicies: deny by default, then exactly the flows.
    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: meta(`${ns}-default-deny`, { 'app.kubernetes.io/part-of': EdgeLabels.PART_OF }),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new k8s.KubeNetworkPolicy(this, 'StorePolicy', {
      metadata: meta(`${ns}-store`, store),
      spec: {
        podSelector: { matchLabels: storeSel },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [{ podSelector: { matchLabels: cacheSel } }, { podSelector: { matchLabels: ingestSel } }, { podSelector: { matchLabels: backupSel } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }] },
          { from: [{ podSelector: { matchLabels: storeSel } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }] },
        ],
        egress: [dns, { to: [{ podSelector: { matchLabels: storeSel } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }] }],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'CachePolicy', {
      metadata: meta(`${ns}-cache`, cache),
      spec: {
        podSelector: { matchLabels: cacheSel },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(8080) }] }],
        egress: [dns, { to: [{ podSelector: { matchLabels: storeSel } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }] }],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'IngestPolicy', {
      metadata: meta(`${ns}-ingest`, ingest),
      spec: {
        podSelector: { matchLabels: ingestSel },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(8554) }] }],
        egress: [dns, { to: [{ podSelector: { matchLabels: storeSel } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }] }],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'BackupPolicy', {
      metadata: meta(`${ns}-backup`, backup),
      spec: {
        podSelector: { matchLabels: backupSel },
        policyTypes: ['Ingress', 'Egress'],
        egress: [
          dns,
          { to: [{ podSelector: { matchLabels: storeSel } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(9000) }] },
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }] },
        ],
      },
    });

    for (const [accountId, name, labels] of [['StoreAccount', `${ns}-store`, store], ['CacheAccount', `${ns}-cache`, cache], ['BackupAccount', `${ns}-backup`, backup]] as const) {
      new k8s.KubeServiceAccount(this, accountId, { metadata: meta(name, labels), automountServiceAccountToken: false });
    }

    // Object store: 4 servers, one drive each.
    new k8s.KubeConfigMap(this, 'StoreConfig', {
      metadata: meta(`${ns}-store-env`, store),
      data: {
        MINIO_VOLUMES: `http://${ns}-store-{0...3}.${ns}-store-hl.${ns}.svc.cluster.local/data`,
        MINIO_STORAGE_CLASS_STANDARD: 'EC:2',
        MINIO_PROMETHEUS_AUTH_TYPE: 'public',
        CAMERAS: String(cameras),
      },
    });
    const storePorts = [{ name: 'api', port: 9000, targetPort: k8s.IntOrString.fromNumber(9000) }, { name: 'console', port: 9001, targetPort: k8s.IntOrString.fromNumber(9001) }];
    new k8s.KubeService(this, 'StoreHeadless', {
      metadata: meta(`${ns}-store-hl`, store),
      spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: storeSel, ports: storePorts },
    });
    new k8s.KubeService(this, 'StoreService', {
      metadata: meta(`${ns}-store`, store),
      spec: { selector: storeSel, ports: storePorts },
    });
    new k8s.KubeStatefulSet(this, 'Store', {
      metadata: meta(`${ns}-store`, store),
      spec: {
        serviceName: `${ns}-store-hl`,
        replicas: 4,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: storeSel },
        template: {
          metadata: { labels: store },
          spec: {
            serviceAccountName: `${ns}-store`,
            automountServiceAccountToken: false,
            securityContext: podSc,
            affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: storeSel } }] } },
            containers: [{
              name: 'minio',
              image: ContainerImage.MINIO.reference,
              args: ['server', '--console-address', ':9001'],
              envFrom: [{ configMapRef: { name: `${ns}-store-env` } }],
              env: [
                { name: 'MINIO_ROOT_USER', valueFrom: { secretKeyRef: { name: `${ns}-store-root`, key: 'user' } } },
                { name: 'MINIO_ROOT_PASSWORD', valueFrom: { secretKeyRef: { name: `${ns}-store-root`, key: 'password' } } },
              ],
              ports: [{ name: 'api', containerPort: 9000 }, { name: 'console', containerPort: 9001 }],
              readinessProbe: httpProbe('/minio/health/ready', 9000),
              livenessProbe: httpProbe('/minio/health/live', 9000),
              resources: Resources.toKube({ cpu: { request: Cpu.units(1) }, memory: { request: Size.gibibytes(4), limit: Size.gibibytes(6) } }),
              securityContext: sc,
              volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } }],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'openebs-hostpath',
            resources: { requests: { storage: k8s.Quantity.fromString(`${driveGi}Gi`) } },
          },
        }],
      },
    });
    new k8s.KubePodDisruptionBudget(this, 'StoreBudget', {
      metadata: meta(`${ns}-store`, store),
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: storeSel } },
    });

    // Playback cache.
    new k8s.KubeConfigMap(this, 'CacheConfig', {
      metadata: meta(`${ns}-cache-conf`, cache),
      data: {
        'default.conf': [
          `proxy_cache_path /var/cache/nginx/video levels=1:2 keys_zone=video:64m max_size=${20 + (siteIndex % 20)}g inactive=7d use_temp_path=off;`,
          'server {',
          '  listen 8080;',
          '  location /healthz { return 200; }',
          '  location / {',
          '    slice 4m;',
          '    proxy_cache video;',
          '    proxy_cache_key $uri$is_args$args$slice_range;',
          '    proxy_set_header Range $slice_range;',
          '    proxy_cache_valid 200 206 7d;',
          `    proxy_pass http://${ns}-store.${ns}.svc.cluster.local:9000;`,
          '  }',
          '}',
          '',
        ].join('\n'),
      },
    });
    new k8s.KubeDeployment(this, 'Cache', {
      metadata: meta(`${ns}-cache`, cache),
      spec: {
        replicas: 2,
        selector: { matchLabels: cacheSel },
        template: {
          metadata: { labels: cache },
          spec: {
            serviceAccountName: `${ns}-cache`,
            automountServiceAccountToken: false,
            securityContext: podSc,
            containers: [{
              name: 'nginx',
              image: ContainerImage.NGINX_UNPRIVILEGED.reference,
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: httpProbe('/healthz', 8080),
              livenessProbe: httpProbe('/healthz', 8080),
              resources: cacheResources,
              securityContext: sc,
              volumeMounts: [
                { name: 'conf', mountPath: '/etc/nginx/conf.d', readOnly: true },
                { name: 'cache', mountPath: '/var/cache/nginx' },
                { name: 'run', mountPath: '/tmp' },
              ],
            }],
            volumes: [
              { name: 'conf', configMap: { name: `${ns}-cache-conf` } },
              { name: 'cache', persistentVolumeClaim: { claimName: `${ns}-cache` } },
              { name: 'run', emptyDir: {} },
            ],
          },
        },
      },
    });
    new k8s.KubePersistentVolumeClaim(this, 'CacheVolume', {
      metadata: meta(`${ns}-cache`, cache),
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'openebs-hostpath', resources: { requests: { storage: k8s.Quantity.fromString('50Gi') } } },
    });
    new k8s.KubeService(this, 'CacheService', {
      metadata: meta(`${ns}-cache`, cache),
      spec: { selector: cacheSel, ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromNumber(8080) }] },
    });
    new k8s.KubePodDisruptionBudget(this, 'CacheBudget', {
      metadata: meta(`${ns}-cache`, cache),
      spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: cacheSel } },
    });

    // Camera ingest (segment uploader).
    new k8s.KubeDeployment(this, 'Ingest', {
      metadata: meta(`${ns}-ingest`, ingest),
      spec: {
        replicas: 1,
        selector: { matchLabels: ingestSel },
        template: {
          metadata: { labels: ingest },
          spec: {
            automountServiceAccountToken: false,
            securityContext: podSc,
            containers: [{
              name: 'ingest',
              image: ContainerImage.CURL.reference,
              command: ['/bin/sh', '-c', 'while true; do sleep 3600; done'],
              env: [{ name: 'CAMERAS', value: String(cameras) }, { name: 'SEGMENT_MINUTES', value: '5' }],
              ports: [{ name: 'rtsp', containerPort: 8554 }],
              readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(8554) } },
              livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(8554) } },
              resources: small,
              securityContext: sc,
            }],
          },
        },
      },
    });
    new k8s.KubeService(this, 'IngestService', {
      metadata: meta(`${ns}-ingest`, ingest),
      spec: { selector: ingestSel, ports: [{ name: 'rtsp', port: 8554, targetPort: k8s.IntOrString.fromNumber(8554) }] },
    });

    // Backup of the metadata volume to the cloud, and the one-shot bucket setup.
    new k8s.KubeConfigMap(this, 'BackupScript', {
      metadata: meta(`${ns}-backup-script`, backup),
      data: { 'backup.sh': '#!/bin/sh\nset -eu\nrestic snapshots >/dev/null 2>&1 || restic init\nrestic backup /data --tag site\nrestic forget --keep-daily 7 --keep-weekly 4 --prune\n' },
    });
    new k8s.KubeCronJob(this, 'Backup', {
      metadata: meta(`${ns}-backup`, backup),
      spec: {
        schedule: `${siteIndex % 60} 2 * * *`,
        concurrencyPolicy: 'Forbid',
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            template: {
              metadata: { labels: backup },
              spec: {
                restartPolicy: 'OnFailure',
                serviceAccountName: `${ns}-backup`,
                automountServiceAccountToken: false,
                securityContext: podSc,
                containers: [{
                  name: 'restic',
                  image: ContainerImage.RESTIC.reference,
                  command: ['/bin/sh', '/scripts/backup.sh'],
                  env: [
                    { name: 'RESTIC_REPOSITORY', value: `s3:https://backup.example.com/edge/${ns}` },
                    { name: 'RESTIC_PASSWORD_FILE', value: '/secrets/restic/password' },
                  ],
                  resources: backupResources,
                  securityContext: sc,
                  volumeMounts: [
                    { name: 'scripts', mountPath: '/scripts', readOnly: true },
                    { name: 'password', mountPath: '/secrets/restic', readOnly: true },
                    { name: 'data', mountPath: '/data', readOnly: true },
                    { name: 'cache', mountPath: '/.cache' },
                  ],
                }],
                volumes: [
                  { name: 'scripts', configMap: { name: `${ns}-backup-script` } },
                  { name: 'password', secret: { secretName: `${ns}-restic` } },
                  { name: 'data', persistentVolumeClaim: { claimName: `${ns}-cache`, readOnly: true } },
                  { name: 'cache', emptyDir: {} },
                ],
              },
            },
          },
        },
      },
    });
    new k8s.KubeJob(this, 'BucketSetup', {
      metadata: meta(`${ns}-bucket-setup`, store),
      spec: {
        backoffLimit: 6,
        ttlSecondsAfterFinished: 86400,
        template: {
          metadata: { labels: store },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            securityContext: podSc,
            containers: [{
              name: 'mc',
              image: ContainerImage.MINIO_MC.reference,
              command: ['/bin/sh', '-c', `mc alias set edge http://${ns}-store:9000 "$USER" "$PASS" && mc mb --ignore-existing edge/video && mc ilm rule add --expire-days ${7 + (siteIndex % 24)} edge/video`],
              env: [
                { name: 'USER', valueFrom: { secretKeyRef: { name: `${ns}-store-root`, key: 'user' } } },
                { name: 'PASS', valueFrom: { secretKeyRef: { name: `${ns}-store-root`, key: 'password' } } },
                { name: 'MC_CONFIG_DIR', value: '/tmp/mc' },
              ],
              resources: small,
              securityContext: sc,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
    new k8s.KubeRole(this, 'BackupRole', {
      metadata: meta(`${ns}-backup`, backup),
      rules: [{ apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list'] }],
    });
    new k8s.KubeRoleBinding(this, 'BackupRoleBinding', {
      metadata: meta(`${ns}-backup`, backup),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${ns}-backup` },
      subjects: [{ kind: 'ServiceAccount', name: `${ns}-backup`, namespace: ns }],
    });
  }
}

/** Site names `<prefix>-00001` … for a fleet of `count` sites. */
export function standInSiteNames(count: number, prefix: string = 'site'): string[] {
  const width = Math.max(5, String(count).length);
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(width, '0')}`);
}

/**
 * A fleet of `count` stand-in sites, one chart per site named after the site (so each site's folder holds
 * `<site>.k8s.yaml`).
 */
export class StandInSiteFactory implements ISiteFactory {
  private readonly names: string[];
  private readonly indexOf = new Map<string, number>();

  constructor(count: number) {
    this.names = standInSiteNames(count);
    this.names.forEach((n, i) => this.indexOf.set(n, i));
  }

  public siteNames(): string[] {
    return this.names;
  }

  public buildSite(app: App, siteName: string): void {
    const chart = new Chart(app, siteName, { disableResourceNameHashes: true });
    new StandInSite(chart, 'Site', siteName, this.indexOf.get(siteName) ?? 0);
  }
}
