// The servers of a MinioCluster: headless and client Services, the StatefulSet (environment, certificates volume,
// probes, drives), the PodDisruptionBudget and the NetworkPolicy. This file is not re-exported from the package.
import { ApiObject, Lazy, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-30';
import { API_PORT, CERTS_DIR, CertItem, certItemsOf, CONSOLE_PORT, MinioClusterRef, QUEUE_DIR, remoteStores, rootEnv } from './internal';
import { kafkaCertItems, kafkaServerEnv } from './notifications';
import { Resources } from '../../core';
import { secretKeyEnv } from '../../core/secret-env';

/** Builds the servers' objects in the cluster's scope. */
export class MinioServer {
  /** Creates the Services, StatefulSet, PodDisruptionBudget and NetworkPolicy; returns the StatefulSet. */
  public static create(ref: MinioClusterRef): ApiObject {
    const server = ref.server;
    const console = ref.props.console ?? false;
    new k8s.KubeService(ref.scope, 'Headless', {
      metadata: server.metadata(ref.headlessServiceName),
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: server.podLabels,
        ports: [{ name: ref.scheme, port: API_PORT, targetPort: k8s.IntOrString.fromNumber(API_PORT) }],
      },
    });
    new k8s.KubeService(ref.scope, 'Service', {
      metadata: server.metadata(ref.serviceName),
      spec: {
        type: 'ClusterIP',
        selector: server.podLabels,
        ports: [
          { name: ref.scheme, port: API_PORT, targetPort: k8s.IntOrString.fromNumber(API_PORT) },
          ...(console ? [{ name: 'console', port: CONSOLE_PORT, targetPort: k8s.IntOrString.fromNumber(CONSOLE_PORT) }] : []),
        ],
      },
    });
    const statefulSet = MinioServer.statefulSet(ref);
    new k8s.KubePodDisruptionBudget(ref.scope, 'Budget', {
      metadata: server.metadata(),
      spec: {
        selector: server.selector,
        maxUnavailable: k8s.IntOrString.fromNumber(
          Math.min(ref.layout.serverFailuresToleratedForWrites, ref.layout.serverFailuresToleratedForReads, ref.layout.servers),
        ),
      },
    });
    MinioServer.networkPolicy(ref);
    return statefulSet;
  }

  /** The `minio server` volume argument with MinIO's three-dot ellipsis. */
  public static volumesArg(ref: MinioClusterRef): string {
    const { servers, drivesPerServer } = ref.layout;
    const host = servers > 1 ? `${ref.name}-{0...${servers - 1}}` : `${ref.name}-0`;
    const drives = drivesPerServer > 1 ? `/data{0...${drivesPerServer - 1}}` : '/data0';
    return `${ref.scheme}://${host}.${ref.headlessServiceName}.${ref.namespace}.svc.${ref.clusterDomain}${drives}`;
  }

  private static statefulSet(ref: MinioClusterRef): ApiObject {
    const props = ref.props;
    const server = ref.server;
    const { servers, drivesPerServer } = ref.layout;
    const drives = Array.from({ length: drivesPerServer }, (_, i) => `data${i}`);
    const probe = (path: string, period: number, failures: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromNumber(API_PORT), scheme: ref.scheme.toUpperCase() },
      periodSeconds: period,
      timeoutSeconds: 5,
      failureThreshold: failures,
    });
    const affinityTerm = { labelSelector: server.selector, topologyKey: props.failureDomainKey ?? 'kubernetes.io/hostname' };
    const claim = (name: string, size: Size) => ({
      name,
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
        resources: { requests: { storage: Resources.quantity(size) } },
      },
    });
    return server.statefulSet(ref.scope, 'Resource', {
      serviceName: ref.headlessServiceName,
      replicas: servers,
      podManagementPolicy: 'Parallel',
      // MinIO refuses peers with a different binary or MINIO_* environment, and /minio/health/ready answers before the
      // object layer is up: pods are replaced only when deleted, all together (see docs/minio.md, "Changing the servers").
      updateStrategy: { type: 'OnDelete' },
      pod: {
        security: { runAsUser: ref.runAsUser },
        spec: {
          enableServiceLinks: false,
          affinity: {
            podAntiAffinity: props.oneServerPerNode === false
              ? { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: affinityTerm }] }
              : { requiredDuringSchedulingIgnoredDuringExecution: [affinityTerm] },
          },
          ...(props.nodeSelector ? { nodeSelector: props.nodeSelector } : {}),
          ...(props.tolerations ? { tolerations: props.tolerations } : {}),
          ...(props.priorityClassName ? { priorityClassName: props.priorityClassName } : {}),
        },
        containers: [{
          name: 'minio',
          image: ref.image,
          command: ['minio'],
          args: [
            'server',
            '--address', `:${API_PORT}`,
            '--console-address', `:${CONSOLE_PORT}`,
            '--certs-dir', CERTS_DIR,
            MinioServer.volumesArg(ref),
          ],
          ports: [
            { name: ref.scheme, containerPort: API_PORT },
            ...(props.console ? [{ name: 'console', containerPort: CONSOLE_PORT }] : []),
          ],
          env: Lazy.any({ produce: () => MinioServer.env(ref) }),
          readinessProbe: probe('/minio/health/ready', 10, 3),
          livenessProbe: probe('/minio/health/live', 10, 6),
          startupProbe: probe('/minio/health/live', 5, 60),
          resources: Resources.toKube(
            { cpu: { request: Cpu.millis(500) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) } },
            props.resources,
          ),
          volumeMounts: Lazy.any({
            produce: () => [
              ...drives.map((d) => ({ name: d, mountPath: `/${d}` })),
              ...(ref.eventQueue ? [{ name: 'events', mountPath: QUEUE_DIR }] : []),
              { name: 'certs', mountPath: CERTS_DIR, readOnly: true },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          }),
        }],
        volumes: Lazy.any({
          produce: () => [
            { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
            { name: 'certs', projected: { defaultMode: 0o440, sources: MinioServer.certSources(ref) } },
          ],
        }),
      },
      volumeClaimTemplates: [
        ...drives.map((d) => claim(d, props.driveSize)),
        ...(ref.eventQueue ? [claim('events', props.eventQueueSize ?? Size.gibibytes(1))] : []),
      ],
    });
  }

  private static networkPolicy(ref: MinioClusterRef): void {
    const console = ref.props.console ?? false;
    // Ingress only: the servers' own egress (peers, KES, notification targets, remote tiers and replication
    // targets) is left to the namespace's policies. Produced at synth: grants made after construction admit their
    // consumers.
    ref.server.networkPolicy(ref.scope, 'NetworkPolicy', () => ({
      ingress: [
        // Server-to-server traffic (same port as the S3 API).
        { from: [{ podLabels: ref.server.podLabels }], ports: [API_PORT] },
        // The provisioning Job.
        { from: [{ podLabels: ref.provisioner.podLabels }], ports: [API_PORT] },
        ...[...(ref.props.allowedClients ?? []), ...MinioServer.grantPeers(ref)].map((peer) => ({
          from: [{ namespace: peer.namespace, podLabels: peer.podLabels }],
          ports: console ? [API_PORT, CONSOLE_PORT] : [API_PORT],
        })),
      ],
    }));
  }

  /** The consumers of grants, once each (for the store's NetworkPolicy). */
  private static grantPeers(ref: MinioClusterRef): Array<{ namespace: string; podLabels: { [key: string]: string } }> {
    const seen = new Set<string>();
    const out: Array<{ namespace: string; podLabels: { [key: string]: string } }> = [];
    for (const g of ref.grants) {
      const key = JSON.stringify([g.consumer.namespace, g.consumer.podLabels]);
      const allowed = (ref.props.allowedClients ?? []).some((p) => JSON.stringify([p.namespace, p.podLabels]) === key);
      if (seen.has(key) || allowed) continue;
      seen.add(key);
      out.push({ namespace: g.consumer.namespace, podLabels: g.consumer.podLabels });
    }
    return out;
  }

  /** The server container's environment: root keys, storage class, console, metrics, region, Kafka targets, KES. */
  private static env(ref: MinioClusterRef): k8s.EnvVar[] {
    const props = ref.props;
    const env: k8s.EnvVar[] = [
      ...rootEnv(ref),
      { name: 'MINIO_STORAGE_CLASS_STANDARD', value: ref.layout.storageClass },
      { name: 'MINIO_BROWSER', value: props.console ? 'on' : 'off' },
      { name: 'MINIO_PROMETHEUS_AUTH_TYPE', value: props.publicMetrics ? 'public' : 'jwt' },
      ...(props.region ? [{ name: 'MINIO_SITE_REGION', value: props.region }] : []),
      ...kafkaServerEnv(ref),
    ];
    const kes = props.kes;
    if (kes) {
      env.push({ name: 'MINIO_KMS_KES_ENDPOINT', value: kes.endpoints.join(',') });
      env.push({ name: 'MINIO_KMS_KES_KEY_NAME', value: kes.keyName });
      if (kes.apiKey) env.push(secretKeyEnv('MINIO_KMS_KES_API_KEY', kes.apiKey));
      if (kes.clientCertificate) {
        env.push({ name: 'MINIO_KMS_KES_CERT_FILE', value: `${CERTS_DIR}/${KES_CLIENT_FILES.certificate}` });
        env.push({ name: 'MINIO_KMS_KES_KEY_FILE', value: `${CERTS_DIR}/${KES_CLIENT_FILES.privateKey}` });
      }
      if (kes.caCertificate) env.push({ name: 'MINIO_KMS_KES_CAPATH', value: `${CERTS_DIR}/CAs/kes-ca.crt` });
    }
    return env;
  }

  /** Items of the projected certs volume: TLS pair, CAs (TLS, Kafka, KES, remotes), client certificates. */
  private static certSources(ref: MinioClusterRef): k8s.VolumeProjection[] {
    const items: CertItem[] = [];
    const tls = ref.props.tls;
    // MinIO reads its pair as public.crt/private.key in the certs directory and trusts every file under CAs/.
    if (tls) items.push(...certItemsOf(tls.secretName, tls.items({ certificate: 'public.crt', privateKey: 'private.key', caCertificate: 'CAs/ca.crt' })));
    items.push(...kafkaCertItems(ref));
    const kes = ref.props.kes;
    if (kes?.caCertificate) items.push({ secret: kes.caCertificate.name, key: kes.caCertificate.key, path: 'CAs/kes-ca.crt' });
    // Only the pair: a CA in the client certificate's Secret is not KES's (that is kes.caCertificate).
    const client = kes?.clientCertificate;
    if (client) items.push(...certItemsOf(client.secretName, client.items(KES_CLIENT_FILES).filter((it) => it.key !== client.caCertificateKey)));
    remoteStores(ref).forEach((store, i) => {
      if (store.caCertificate) items.push({ secret: store.caCertificate.name, key: store.caCertificate.key, path: `CAs/remote-${i + 1}.crt` });
    });
    // Group by Secret, preserving first-seen order; drop exact duplicates.
    const bySecret = new Map<string, Array<{ key: string; path: string }>>();
    for (const it of items) {
      const list = bySecret.get(it.secret) ?? [];
      if (!list.some((x) => x.path === it.path)) list.push({ key: it.key, path: it.path });
      bySecret.set(it.secret, list);
    }
    return [
      // MinIO creates <certs-dir>/CAs at start-up and exits when it cannot; this item guarantees the directory
      // exists in the read-only volume (the file is not PEM and is ignored).
      { downwardApi: { items: [{ path: 'CAs/pod-name', fieldRef: { fieldPath: 'metadata.name' } }] } },
      ...[...bySecret.entries()].map(([name, list]) => ({ secret: { name, items: list } })),
    ];
  }

  private constructor() {}
}

/** Where MinIO's KES client certificate and key are mounted in the certs directory. */
const KES_CLIENT_FILES = { certificate: 'kes/client.crt', privateKey: 'kes/client.key' };
