import { Duration, Size } from 'cdk8s';
import { ContainerResources, Cpu, k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { ContainerImage, KubeNames, NetworkPeer, RequiredSecrets, Resources, SecretKeyReference } from '../core';
import { secretKeyEnv } from '../core/secret-env';
import { Durations, Shape } from '../core/validate';
import { RestrictedWorkload } from '../core/workload';

/** Props of {@link InfluxDb}. */
export interface InfluxDbProps {
  /** Namespace. */
  readonly namespace: string;
  /**
   * Object name prefix.
   * @default 'influxdb'
   */
  readonly name?: string;
  /** StorageClass of the data volume (a LocalPV class). */
  readonly storageClassName: string;
  /** Size of the data volume (from the capacity planner). */
  readonly volumeSize: Size;
  /**
   * How long data is kept in the initial bucket (InfluxDB enforces it by deleting older shards): a whole number of
   * days, at least one (`Duration.days(30)`).
   */
  readonly retention: Duration;
  /**
   * Organization created at first start.
   * @default 'edge'
   */
  readonly organization?: string;
  /**
   * Bucket created at first start.
   * @default 'telemetry'
   */
  readonly bucket?: string;
  /**
   * Secret holding the initial admin user name, password and operator (all-access) API token under the keys
   * `InfluxDb.ADMIN_USERNAME_KEY`, `ADMIN_PASSWORD_KEY` and `ADMIN_TOKEN_KEY` (`username`, `password`, `token`: the
   * image's first-start setup reads exactly these three). Recorded in the chart's `RequiredSecrets`.
   */
  readonly adminSecretName: string;
  /**
   * Image.
   * @default ContainerImage.INFLUXDB
   */
  readonly image?: ContainerImage;
  /**
   * Resources.
   * @default - 250m CPU, 512Mi memory request and limit
   */
  readonly resources?: ContainerResources;
}

/**
 * InfluxDB 2.x as a single-replica StatefulSet on a local volume, initialised on first start (org, bucket with the
 * retention, admin token) from a Secret. Restricted pod (UID 1000), read-only root filesystem, `/health` probes.
 */
export class InfluxDb extends Construct {
  /** The HTTP API port. */
  public static readonly PORT = 8086;
  /** UID and GID InfluxDB runs as (the official image's `influxdb` user); also the fsGroup of its volume. */
  public static readonly UID = 1000;
  /** Key of the admin Secret holding the initial admin user name. */
  public static readonly ADMIN_USERNAME_KEY = 'username';
  /** Key of the admin Secret holding the initial admin password. */
  public static readonly ADMIN_PASSWORD_KEY = 'password';
  /** Key of the admin Secret holding the operator (all-access) API token. */
  public static readonly ADMIN_TOKEN_KEY = 'token';
  /** Object name (StatefulSet, Service). */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** In-cluster URL of the API. */
  public readonly url: string;
  /** Organization. */
  public readonly organization: string;
  /** Bucket. */
  public readonly bucket: string;
  /** The API token, by reference. */
  public readonly token: SecretKeyReference;
  /** The pods, for NetworkPolicies. */
  public readonly networkPeer: NetworkPeer;
  /** Labels of the database's pods. */
  public readonly podLabels: { [key: string]: string };
  /** Name of the data claim of replica 0 (for volume backups). */
  public readonly dataClaimName: string;
  /** The StatefulSet (escape hatch). */
  public readonly apiObject: k8s.KubeStatefulSet;

  constructor(scope: Construct, id: string, props: InfluxDbProps) {
    super(scope, id);
    Shape.check(this, props);
    this.name = props.name ?? 'influxdb';
    this.namespace = props.namespace;
    KubeNames.assertDns1123Label(this, 'name', this.name);
    const retentionDays = Durations.wholeUnits(this, 'retention', props.retention, 'days', 1, 'the bucket retention is written in days');
    this.organization = props.organization ?? 'edge';
    this.bucket = props.bucket ?? 'telemetry';
    KubeNames.assertDns1123Subdomain(this, 'adminSecretName', props.adminSecretName);
    this.token = { name: props.adminSecretName, key: InfluxDb.ADMIN_TOKEN_KEY };
    const image = props.image ?? ContainerImage.INFLUXDB;
    const workload = new RestrictedWorkload({ app: 'influxdb', instance: this.name, component: 'timeseries', image }, this.namespace);
    const selector = workload.podLabels;
    const labels = workload.labels;
    this.podLabels = selector;
    this.networkPeer = { namespace: this.namespace, podLabels: selector, ports: [InfluxDb.PORT] };
    this.url = `http://${this.name}.${this.namespace}.svc:${InfluxDb.PORT}`;
    this.dataClaimName = `data-${this.name}-0`;
    const admin = (key: string): SecretKeyReference => ({ name: props.adminSecretName, key });
    const adminKeys = [InfluxDb.ADMIN_USERNAME_KEY, InfluxDb.ADMIN_PASSWORD_KEY, InfluxDb.ADMIN_TOKEN_KEY];
    RequiredSecrets.add(this, {
      name: props.adminSecretName,
      namespace: this.namespace,
      keys: adminKeys,
      purpose: `InfluxDB ${this.name}: first-start setup (admin user and password) and the operator token (all access: administration and backups only), `
        + `e.g. kubectl -n ${this.namespace} create secret generic ${props.adminSecretName} --from-literal=${InfluxDb.ADMIN_USERNAME_KEY}=admin `
        + `--from-literal=${InfluxDb.ADMIN_PASSWORD_KEY}="$(openssl rand -hex 16)" --from-literal=${InfluxDb.ADMIN_TOKEN_KEY}="$(openssl rand -hex 32)"`,
    });
    const probe = (path: string, initialDelaySeconds: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromNumber(InfluxDb.PORT) },
      initialDelaySeconds,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 6,
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: { selector, ports: [{ name: 'http', port: InfluxDb.PORT, targetPort: k8s.IntOrString.fromNumber(InfluxDb.PORT) }] },
    });
    this.apiObject = workload.statefulSet(this, 'Resource', {
      serviceName: this.name,
      replicas: 1,
      pod: {
        security: { runAsUser: InfluxDb.UID },
        containers: [{
          name: 'influxdb',
          image,
          ports: [{ name: 'http', containerPort: InfluxDb.PORT }],
          env: [
            { name: 'DOCKER_INFLUXDB_INIT_MODE', value: 'setup' },
            secretKeyEnv('DOCKER_INFLUXDB_INIT_USERNAME', admin(InfluxDb.ADMIN_USERNAME_KEY)),
            secretKeyEnv('DOCKER_INFLUXDB_INIT_PASSWORD', admin(InfluxDb.ADMIN_PASSWORD_KEY)),
            secretKeyEnv('DOCKER_INFLUXDB_INIT_ADMIN_TOKEN', admin(InfluxDb.ADMIN_TOKEN_KEY)),
            { name: 'DOCKER_INFLUXDB_INIT_ORG', value: this.organization },
            { name: 'DOCKER_INFLUXDB_INIT_BUCKET', value: this.bucket },
            { name: 'DOCKER_INFLUXDB_INIT_RETENTION', value: `${retentionDays}d` },
            { name: 'INFLUXD_REPORTING_DISABLED', value: 'true' },
          ],
          resources: Resources.toKube({ cpu: { request: Cpu.millis(250) }, memory: { request: Size.mebibytes(512) } }, props.resources),
          readinessProbe: probe('/health', 5),
          livenessProbe: probe('/health', 30),
          volumeMounts: [
            { name: 'data', mountPath: '/var/lib/influxdb2' },
            { name: 'config', mountPath: '/etc/influxdb2' },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        }],
        volumes: [{ name: 'config', emptyDir: {} }, { name: 'tmp', emptyDir: {} }],
      },
      volumeClaimTemplates: [{
        name: 'data',
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: props.storageClassName, resources: { requests: { storage: Resources.quantity(props.volumeSize) } } },
      }],
    });
  }
}
