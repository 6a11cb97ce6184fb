import { createHash } from 'crypto';
import { Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, k8s, ServiceType } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  ContainerImage, edgeError, IEventTopic, KafkaCredentials, KubeNames, NetworkPeer, RequiredSecrets, Resources,
  SecretKeyReference, SecretReaders, TlsCredentials,
} from '../core';
import { secretKeyEnv, secretKeyVolume } from '../core/secret-env';
import { Cidrs, Endpoints, KeyNames, Shape } from '../core/validate';
import { RestrictedWorkload } from '../core/workload';

/** Where Telegraf forwards telemetry to Kafka (the sync topic). */
export interface TelegrafKafkaOutput {
  /** The topic (bootstrap servers, CA). */
  readonly topic: IEventTopic;
  /** The producer's credentials (a KafkaUser allowed to write the topic, e.g. what `EdgeKafkaTopic.grantProduce` returns). */
  readonly credentials: KafkaCredentials;
}

/** Props of {@link TelegrafIngest}. */
export interface TelegrafIngestProps {
  /** Namespace. */
  readonly namespace: string;
  /**
   * Object name.
   * @default 'telegraf'
   */
  readonly name?: string;
  /** InfluxDB 2 URL to write to. */
  readonly influxUrl: string;
  /**
   * InfluxDB API token Telegraf writes with. Give it a write-only token for `bucket`
   * (`influx auth create --write-bucket <bucket id>`), never the operator token.
   */
  readonly influxToken: SecretKeyReference;
  /** InfluxDB organization. */
  readonly organization: string;
  /** InfluxDB bucket. */
  readonly bucket: string;
  /**
   * Also publish every metric to this Kafka topic (edge-to-cloud telemetry sync).
   * @default - InfluxDB only
   */
  readonly kafka?: TelegrafKafkaOutput;
  /**
   * How often Telegraf flushes batches.
   * @default Duration.seconds(10)
   */
  readonly flushInterval?: Duration;
  /**
   * Replicas (the listener is stateless).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Image.
   * @default ContainerImage.TELEGRAF
   */
  readonly image?: ContainerImage;
  /**
   * Resources.
   * @default - 100m CPU; memory request and limit from {@link TelegrafIngest.memoryFor}: room for a full
   * 100,000-metric buffer per output (InfluxDB, and Kafka when set) plus the process itself
   */
  readonly resources?: ContainerResources;
  /**
   * The listener's certificate and key (e.g. `TlsCredentials.fromSecretName('telegraf-tls')` for a
   * `kubernetes.io/tls` Secret): sensors then write over HTTPS. The probes use the separate health port, which stays
   * plain HTTP inside the pod network.
   * @default - no TLS: the listener speaks plain HTTP
   */
  readonly tls?: TlsCredentials;
  /**
   * A shared token sensors must send (`Authorization: Token <token>`), from a Secret. Without it any client the
   * NetworkPolicy lets in may write.
   * @default - no token: the NetworkPolicy alone decides who may write
   */
  readonly token?: SecretKeyReference;
  /**
   * Address blocks outside the cluster (sensor LANs, gateways) allowed to write, e.g. `10.30.0.0/16`. They get an
   * ingress NetworkPolicy `<name>-sensor-lan` on the ingest port.
   * @default - none: only in-cluster pods (allow them with the site's flows)
   */
  readonly allowedCidrs?: string[];
  /**
   * How the ingest Service is exposed. For `NODE_PORT` and `LOAD_BALANCER` the Service keeps the client address
   * (`externalTrafficPolicy: Local`), so the CIDR NetworkPolicy sees the sensors' real addresses.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /**
   * Restart the pods when a Secret they read at start changes, through the Stakater Reloader controller (which must run
   * in the cluster): the Deployment gets `secret.reloader.stakater.com/reload` naming the Kafka CA and Kafka user
   * Secrets. Telegraf reads `tls_ca`, client certificates and the SCRAM password only at start, while Strimzi renews
   * its cluster and clients CAs (and the User Operator the user's certificate) on its own schedule. Without it, roll
   * the Deployment after each renewal (`kubectl rollout restart deployment/<name>`).
   * @default false
   */
  readonly reloadOnSecretChange?: boolean;
}

/** Annotation of the Stakater Reloader controller: restart the workload when one of the named Secrets changes. */
const RELOADER_SECRET_ANNOTATION = 'secret.reloader.stakater.com/reload';

/**
 * Telegraf receiving sensor data as InfluxDB line protocol over HTTP or HTTPS (the InfluxDB v2 write API on port 8186), writing
 * it to the site's InfluxDB and, optionally, to the Kafka telemetry topic for the cloud.
 */
export class TelegrafIngest extends Construct {
  /** Port sensors write to (`POST /api/v2/write`). */
  public static readonly INGEST_PORT = 8186;
  /** Port of the health endpoint used by probes. */
  public static readonly HEALTH_PORT = 8080;
  /** Metrics each output buffers while its destination is down (`metric_buffer_limit`). */
  public static readonly METRIC_BUFFER_LIMIT = 100_000;
  /**
   * Memory allowed per buffered metric: 2 KiB. Measured with Telegraf 1.36.2 (the pinned release) running the IoT
   * site's config: with InfluxDB down, 100,000 points of ~100 B line protocol (3 tags, 3 fields; the capacity
   * planner's figure) grew the process's resident memory by 1.3–1.55 KiB per point over four runs (a Go metric
   * object per point plus the garbage collector's headroom); 2 KiB leaves about 30% for more tags or fields.
   */
  public static readonly BUFFERED_METRIC_BYTES = 2048;
  /** Memory of the Telegraf process besides the buffers (Go runtime, plugins, HTTP and Kafka clients): 64 MiB. */
  public static readonly BASE_MEMORY_BYTES = 64 * 1024 * 1024;

  /**
   * Memory Telegraf needs with `outputs` full buffers (every output's destination down at once), rounded up to whole
   * MiB: BASE_MEMORY_BYTES + outputs × METRIC_BUFFER_LIMIT × BUFFERED_METRIC_BYTES.
   */
  public static memoryFor(outputs: number): Size {
    const bytes = TelegrafIngest.BASE_MEMORY_BYTES + outputs * TelegrafIngest.METRIC_BUFFER_LIMIT * TelegrafIngest.BUFFERED_METRIC_BYTES;
    return Size.mebibytes(Math.ceil(bytes / 1048576));
  }

  /** The rendered telegraf.conf (what goes into the ConfigMap). */
  public static renderConfig(props: TelegrafIngestProps): string {
    const q = (s: string) => JSON.stringify(s);
    const flush = (props.flushInterval ?? Duration.seconds(10)).toSeconds();
    const lines = [
      '[agent]',
      '  interval = "10s"',
      `  flush_interval = "${flush}s"`,
      `  metric_buffer_limit = ${TelegrafIngest.METRIC_BUFFER_LIMIT}`,
      '  omit_hostname = true',
      '',
      '[[inputs.influxdb_v2_listener]]',
      `  service_address = ":${TelegrafIngest.INGEST_PORT}"`,
      '  max_body_size = "32MiB"',
      ...(props.token ? ['  token = "${INGEST_TOKEN}"'] : []),
      ...(props.tls ? [`  tls_cert = "${TLS_DIR}/${TLS_FILES.certificate}"`, `  tls_key = "${TLS_DIR}/${TLS_FILES.privateKey}"`] : []),
      '',
      '[[outputs.influxdb_v2]]',
      `  urls = [${q(props.influxUrl)}]`,
      '  token = "${INFLUX_TOKEN}"',
      `  organization = ${q(props.organization)}`,
      `  bucket = ${q(props.bucket)}`,
      '  namedrop = ["internal*"]',
      '',
    ];
    if (props.kafka) {
      const k = props.kafka;
      lines.push(
        '[[outputs.kafka]]',
        `  brokers = [${k.topic.bootstrapServers.split(',').map((b) => q(b.trim())).join(', ')}]`,
        `  topic = ${q(k.topic.topicName)}`,
        '  namedrop = ["internal*"]',
        '  required_acks = -1',
        '  max_retry = 10',
        // zstd batches keep the edge topic (sized for the outage budget) and the mirror traffic small.
        '  compression_codec = 4',
        '  data_format = "json"',
        ...(k.topic.caCertificate ? ['  tls_ca = "/etc/kafka-ca/ca.crt"'] : []),
        ...(k.credentials.passwordEnv(KAFKA_PASSWORD_ENV)
          ? [`  sasl_username = ${q(k.credentials.username)}`, `  sasl_password = "\${${KAFKA_PASSWORD_ENV}}"`, '  sasl_mechanism = "SCRAM-SHA-512"']
          : [`  tls_cert = "${KAFKA_USER_DIR}/${KafkaCredentials.CERTIFICATE_KEY}"`, `  tls_key = "${KAFKA_USER_DIR}/${KafkaCredentials.PRIVATE_KEY_KEY}"`]),
        '',
      );
    }
    // Health with checks: Telegraf's own write statistics (inputs.internal, kept out of the real outputs) go only to
    // the health output, which answers 503 once any output's buffer holds half of metric_buffer_limit (the output
    // is failing) or no write statistics exist yet.
    lines.push(
      '[[inputs.internal]]',
      '  collect_memstats = false',
      '',
      '[[outputs.health]]',
      `  service_address = "http://:${TelegrafIngest.HEALTH_PORT}"`,
      '  namepass = ["internal_write"]',
      '  [[outputs.health.compares]]',
      '    field = "buffer_size"',
      `    lt = ${TelegrafIngest.METRIC_BUFFER_LIMIT / 2}.0`,
      '  [[outputs.health.contains]]',
      '    field = "buffer_size"',
      '',
    );
    return lines.join('\n');
  }

  /** Object name. */
  public readonly name: string;
  /** The ingest pods, for NetworkPolicies (sensors → Telegraf). */
  public readonly networkPeer: NetworkPeer;
  /** Labels of the listener's pods. */
  public readonly podLabels: { [key: string]: string };
  /** In-cluster URL sensors write to. */
  public readonly ingestUrl: string;
  /** The Deployment (escape hatch). */
  public readonly apiObject: k8s.KubeDeployment;

  constructor(scope: Construct, id: string, props: TelegrafIngestProps) {
    super(scope, id);
    Shape.check(this, props);
    SecretReaders.checkTls(this, 'tls', props.tls);
    SecretReaders.checkKafka(this, 'kafka.credentials', props.kafka?.credentials);
    Endpoints.refuseCredentials(this, 'influxUrl', props.influxUrl, { credentialsProp: 'influxToken' });
    KeyNames.checkSecretRef(this, 'influxToken', props.influxToken);
    KeyNames.checkSecretRef(this, 'token', props.token);
    this.name = props.name ?? 'telegraf';
    KubeNames.assertDns1123Label(this, 'name', this.name);
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw edgeError(this, { prop: 'replicas', value: replicas, rule: 'must be a positive integer', fix: 'use 2 for a highly available listener' });
    }
    const image = props.image ?? ContainerImage.TELEGRAF;
    const workload = new RestrictedWorkload({ app: 'telegraf', instance: this.name, component: 'ingest', image }, props.namespace);
    const selector = workload.podLabels;
    const labels = workload.labels;
    this.podLabels = selector;
    this.networkPeer = { namespace: props.namespace, podLabels: selector, ports: [TelegrafIngest.INGEST_PORT] };
    this.ingestUrl = `${props.tls ? 'https' : 'http'}://${this.name}.${props.namespace}.svc:${TelegrafIngest.INGEST_PORT}`;

    const configText = TelegrafIngest.renderConfig(props);
    const config = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, namespace: props.namespace, labels },
      data: { 'telegraf.conf': configText },
    });
    const serviceType = props.serviceType ?? ServiceType.CLUSTER_IP;
    if (serviceType === ServiceType.EXTERNAL_NAME) {
      throw edgeError(this, { prop: 'serviceType', value: serviceType, rule: 'an ExternalName Service does not route to the Telegraf pods', fix: 'use CLUSTER_IP, NODE_PORT or LOAD_BALANCER' });
    }
    const exposed = serviceType !== ServiceType.CLUSTER_IP;
    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: {
        ...(exposed ? { type: serviceType, externalTrafficPolicy: 'Local' } : {}),
        selector,
        ports: [{ name: 'ingest', port: TelegrafIngest.INGEST_PORT, targetPort: k8s.IntOrString.fromNumber(TelegrafIngest.INGEST_PORT) }],
      },
    });
    const cidrs = props.allowedCidrs ?? [];
    Cidrs.checkAll(this, 'allowedCidrs', cidrs);
    if (cidrs.length > 0) {
      new k8s.KubeNetworkPolicy(this, 'SensorLan', {
        metadata: { name: `${this.name}-sensor-lan`, namespace: props.namespace, labels },
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress'],
          ingress: [{
            from: cidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(TelegrafIngest.INGEST_PORT) }],
          }],
        },
      });
    }
    if (replicas > 1) {
      // A drain or node upgrade may take one listener at a time; the others keep accepting points.
      new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata: { name: this.name, namespace: props.namespace, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }
    const env: k8s.EnvVar[] = [secretKeyEnv('INFLUX_TOKEN', props.influxToken)];
    if (props.token) env.push(secretKeyEnv('INGEST_TOKEN', props.token));
    this.requireSecrets(props);
    const mounts: k8s.VolumeMount[] = [{ name: 'config', mountPath: '/etc/telegraf', readOnly: true }];
    const volumes: k8s.Volume[] = [{ name: 'config', configMap: { name: config.name } }];
    if (props.tls) {
      mounts.push({ name: 'tls', mountPath: TLS_DIR, readOnly: true });
      volumes.push(props.tls.volume('tls', TLS_FILES));
      props.tls.requireIn(this, { namespace: props.namespace, purpose: `Telegraf ${this.name}: certificate of the HTTPS listener sensors write to (sensors trust its CA)` });
    }
    const kafka = props.kafka;
    if (kafka) {
      const password = kafka.credentials.passwordEnv(KAFKA_PASSWORD_ENV);
      const userVolume = kafka.credentials.volume('kafka-user');
      if (password) env.push(password);
      if (userVolume) {
        mounts.push({ name: 'kafka-user', mountPath: KAFKA_USER_DIR, readOnly: true });
        volumes.push(userVolume);
      }
      kafka.credentials.requireIn(this, { namespace: props.namespace, purpose: `Telegraf ${this.name}: producer login to topic ${kafka.topic.topicName} as ${kafka.credentials.username}` });
      if (kafka.topic.caCertificate) {
        mounts.push({ name: 'kafka-ca', mountPath: '/etc/kafka-ca', readOnly: true });
        volumes.push(secretKeyVolume('kafka-ca', kafka.topic.caCertificate, 'ca.crt'));
      }
    }
    const probe = (initialDelaySeconds: number): k8s.Probe => ({ httpGet: { path: '/', port: k8s.IntOrString.fromNumber(TelegrafIngest.HEALTH_PORT) }, initialDelaySeconds, periodSeconds: 15 });
    const reloadSecrets = kafka ? [...new Set([kafka.topic.caCertificate?.name, kafka.credentials.secretName].filter((n): n is string => !!n))] : [];
    const reload: { annotations?: { [key: string]: string } } = props.reloadOnSecretChange && reloadSecrets.length > 0
      ? { annotations: { [RELOADER_SECRET_ANNOTATION]: reloadSecrets.join(',') } } : {};
    // Liveness must not fail with an output: a restart would drop the buffered metrics. It checks the listener only.
    const liveness: k8s.Probe = {
      tcpSocket: { port: k8s.IntOrString.fromNumber(TelegrafIngest.INGEST_PORT) },
      initialDelaySeconds: 30,
      periodSeconds: 15,
    };
    this.apiObject = workload.deployment(this, 'Resource', {
      annotations: reload.annotations,
      replicas,
      pod: {
        // Telegraf reads its config once: a changed ConfigMap must roll the pods.
        annotations: { 'checksum/config': createHash('sha256').update(configText).digest('hex') },
        containers: [{
          name: 'telegraf',
          image,
          args: ['--config', '/etc/telegraf/telegraf.conf'],
          ports: [{ name: 'ingest', containerPort: TelegrafIngest.INGEST_PORT }, { name: 'health', containerPort: TelegrafIngest.HEALTH_PORT }],
          env,
          // Every output buffers up to METRIC_BUFFER_LIMIT metrics while its destination is down.
          resources: Resources.toKube({
            cpu: { request: Cpu.millis(100) },
            memory: { request: TelegrafIngest.memoryFor(props.kafka ? 2 : 1) },
          }, props.resources),
          readinessProbe: probe(5),
          livenessProbe: liveness,
          volumeMounts: mounts,
        }],
        volumes,
      },
    });
  }

  /** Records the tokens the pods read (InfluxDB write token, sensors' token) with how to create them. */
  private requireSecrets(props: TelegrafIngestProps): void {
    const ns = props.namespace;
    const w = props.influxToken;
    RequiredSecrets.addKey(this, w, {
      namespace: ns,
      purpose: `write-only InfluxDB token Telegraf ${this.name} writes to bucket ${props.bucket} with (never the operator token); mint it after InfluxDB's first start (influx CLI with the operator token): `
        + `BUCKET=$(influx bucket find --org ${props.organization} --name ${props.bucket} --json | jq -r '.[0].id') && `
        + `TOKEN=$(influx auth create --org ${props.organization} --write-bucket "$BUCKET" --description ${this.name}-write --json | jq -r .token) && `
        + `kubectl -n ${ns} create secret generic ${w.name} --from-literal=${w.key}="$TOKEN"`,
    });
    if (props.token) {
      RequiredSecrets.addKey(this, props.token, {
        namespace: ns,
        purpose: `token sensors send to Telegraf ${this.name} (Authorization: Token <token>), e.g. kubectl -n ${ns} create secret generic ${props.token.name} --from-literal=${props.token.key}="$(openssl rand -hex 32)"`,
      });
    }
  }
}

/** Where the listener's certificate and key are mounted, and their file names. */
const TLS_DIR = '/etc/telegraf-tls';
const TLS_FILES = { certificate: 'cert.pem', privateKey: 'key.pem' };
/** Where a mutual-TLS Kafka user's certificate and key are mounted (files named like their keys). */
const KAFKA_USER_DIR = '/etc/kafka-user';
/** The env var holding the SCRAM password. */
const KAFKA_PASSWORD_ENV = 'KAFKA_PASSWORD';
