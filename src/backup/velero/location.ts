import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { VeleroVersion } from './version';
import { EdgeLabels, edgeError, EdgeMessages, IObjectStore, KubeNames, ObjectStoreAccess, ObjectStoreFlavor, ObjectStoreGrantStatements, RequiredSecrets, SecretKeyReference, Warnings } from '../../core';
import { Endpoints, KeyNames, S3Rules, Shape } from '../../core/validate';
import { Format } from '../internal/format';
import { S3Names } from '../internal/s3-names';
import { S3Targets } from '../internal/s3-targets';

/** A Velero BackupStorageLocation, defined here or existing in the cluster. */
export interface IVeleroBackupLocation {
  /** `metadata.name` of the BackupStorageLocation. */
  readonly locationName: string;
  /** Namespace of the BackupStorageLocation (Velero's namespace). */
  readonly namespace: string;
  /** Whether backups may be written there (locations from `fromLocationName` are assumed ReadWrite). */
  readonly accessMode: VeleroAccessMode;
}

/** Whether Velero may write to a location. */
export enum VeleroAccessMode {
  /** Backups are written and synced. */
  READ_WRITE = 'ReadWrite',
  /** Only restores (e.g. another site's location, or during a migration). */
  READ_ONLY = 'ReadOnly',
}

/**
 * The `checksumAlgorithm` the AWS plugin adds to uploads (aws-sdk-go-v2 flexible checksums). The plugin defaults to
 * CRC32, which many S3-compatible stores reject or mishandle (MinIO and Ceph releases before the feature, Garage,
 * R2, Scality…), failing backups at upload.
 */
export enum VeleroChecksumAlgorithm {
  /** No checksum header (`checksumAlgorithm: ""`): the safe choice for S3-compatible stores. */
  NONE = 'none',
  /** CRC32 (the plugin's default, used for AWS S3). */
  CRC32 = 'CRC32',
  /** CRC32C. */
  CRC32C = 'CRC32C',
  /** SHA1. */
  SHA1 = 'SHA1',
  /** SHA256. */
  SHA256 = 'SHA256',
}

/** Props of {@link VeleroBackupLocation}. */
export interface VeleroBackupLocationProps {
  /**
   * `metadata.name` of the location (Velero's own default location is called `default`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Velero's namespace (locations, schedules and their Secrets must live there).
   * @default 'velero'
   */
  readonly namespace?: string;
  /** Bucket for the backups. Velero must own it (or the prefix): it refuses locations holding foreign top-level folders. */
  readonly bucket: string;
  /**
   * Prefix inside the bucket, e.g. `velero/site-a` (one per cluster).
   * @default - the bucket root
   */
  readonly prefix?: string;
  /**
   * The object store to use (MinIO, Ceph RGW, or an `ExternalObjectStore`): gives s3Url, region, path style, flavor and
   * CA certificate. Its access-key Secret is not usable by Velero (see `credential`).
   * @default - use s3Url/region, or AWS S3 when neither is given
   */
  readonly objectStore?: IObjectStore;
  /**
   * Explicit S3 endpoint (`http(s)://host[:port]`), instead of objectStore.
   * @default - from objectStore; AWS S3 when neither is given
   */
  readonly s3Url?: string;
  /**
   * Signing region.
   * @default - objectStore's region; "us-east-1" for an explicit s3Url; looked up by Velero for AWS S3
   */
  readonly region?: string;
  /**
   * Path-style addressing.
   * @default - objectStore's setting; true for an explicit s3Url unless the flavor is AWS_S3
   */
  readonly s3ForcePathStyle?: boolean;
  /**
   * What implementation serves an explicit s3Url.
   * @default ObjectStoreFlavor.GENERIC_S3 for an explicit s3Url, AWS_S3 without one
   */
  readonly flavor?: ObjectStoreFlavor;
  /**
   * CA certificate (PEM) of a privately signed endpoint, in a Secret in Velero's namespace (`caCertRef`, Velero ≥ 1.18).
   * @default - objectStore's CA certificate, else the system trust store
   */
  readonly caCertificate?: SecretKeyReference;
  /**
   * The Secret key (in Velero's namespace) holding an AWS-style credentials file:
   * `[default]` / `aws_access_key_id=…` / `aws_secret_access_key=…`.
   * @default - required unless useServerCredentials is set
   */
  readonly credential?: SecretKeyReference;
  /**
   * The keys in `credential` are those of a grant (`grantReadWrite` on a store the library provisions), whose user the
   * store's provisioning creates with the grant's policy. The credential is then recorded in the chart's
   * `RequiredSecrets` without `keyPolicy`, which is only for keys the operator creates on a store the library does not
   * provision.
   * @default false
   */
  readonly grantedKeys?: boolean;
  /**
   * Use the credentials Velero was installed with (`--secret-file`, IRSA…) instead of a per-location Secret.
   * @default false
   */
  readonly useServerCredentials?: boolean;
  /**
   * Profile inside the credentials file.
   * @default - "default"
   */
  readonly profile?: string;
  /**
   * Make this Velero's default location (used by backups and schedules that name none). At most one per namespace.
   * @default false
   */
  readonly isDefault?: boolean;
  /**
   * Read-write or read-only.
   * @default VeleroAccessMode.READ_WRITE
   */
  readonly accessMode?: VeleroAccessMode;
  /**
   * How often Velero checks the location is reachable (0 disables the check).
   * @default - Velero's server default (1 minute)
   */
  readonly validationFrequency?: Duration;
  /**
   * How often Velero syncs backup objects from the bucket into the cluster (0 disables the sync).
   * @default - Velero's server default (1 minute)
   */
  readonly backupSyncPeriod?: Duration;
  /**
   * Checksum algorithm of uploads.
   * @default - VeleroChecksumAlgorithm.NONE for S3-compatible stores (any flavor but AWS_S3); the plugin's CRC32 for AWS S3
   */
  readonly checksumAlgorithm?: VeleroChecksumAlgorithm;
  /**
   * URL the Velero CLI uses for downloads (logs, describe) when the in-cluster s3Url is not reachable from outside.
   * @default - s3Url
   */
  readonly publicUrl?: string;
  /**
   * More AWS-plugin `config` keys (`serverSideEncryption`, `kmsKeyId`, `tagging`, `signatureVersion`,
   * `enableSharedConfig`, `customerKeyEncryptionFile`, `customerKeyEncryptionSecret` — `<Secret name>/<key>` of a
   * 32-byte SSE-C key in Velero's namespace, `insecureSkipTLSVerify`). The plugin rejects unknown keys and more than
   * one of `kmsKeyId`, `customerKeyEncryptionFile`, `customerKeyEncryptionSecret`.
   * @default - none
   */
  readonly config?: { [key: string]: string };
  /**
   * The Velero version installed.
   * @default VeleroVersion.V1_18_1
   */
  readonly veleroVersion?: VeleroVersion;
}

/** `spec.config` keys the AWS object-store plugin accepts (it refuses others), minus those derived from props. */
const EXTRA_CONFIG_KEYS = ['serverSideEncryption', 'kmsKeyId', 'customerKeyEncryptionFile', 'customerKeyEncryptionSecret', 'signatureVersion', 'enableSharedConfig', 'tagging', 'insecureSkipTLSVerify', 'credentialsFile'];
/** The AWS plugin refuses a location that sets more than one of these (one SSE method only). */
const SSE_KEYS = ['kmsKeyId', 'customerKeyEncryptionFile', 'customerKeyEncryptionSecret'];
const DERIVED_CONFIG_KEYS: { [key: string]: string } = {
  region: 'region', s3Url: 's3Url or objectStore', s3ForcePathStyle: 's3ForcePathStyle', checksumAlgorithm: 'checksumAlgorithm', profile: 'profile', publicUrl: 'publicUrl',
};

/** Typed spec of `velero.io/v1` BackupStorageLocation (the fields the library sets). */
interface BackupStorageLocationSpec {
  provider: string;
  objectStorage: { bucket: string; prefix?: string; caCertRef?: { name: string; key: string } };
  config: { [key: string]: string };
  credential?: { name: string; key: string };
  default?: boolean;
  accessMode: string;
  validationFrequency?: string;
  backupSyncPeriod?: string;
}

/**
 * A Velero BackupStorageLocation (`velero.io/v1`) on S3 through the AWS plugin: a bucket of MinIO, Ceph RGW, a
 * cloud service, or AWS S3 itself. For S3-compatible stores it sets `checksumAlgorithm: ""` (see
 * {@link VeleroChecksumAlgorithm}).
 *
 * Velero must already be installed (with the AWS plugin); the library does not install it or grant it any RBAC.
 */
export class VeleroBackupLocation extends Construct implements IVeleroBackupLocation {
  /** A location that exists in the cluster (e.g. Velero's `default`). */
  public static fromLocationName(scope: Construct, id: string, locationName: string, namespace: string = 'velero'): IVeleroBackupLocation {
    const c = new Construct(scope, id);
    KubeNames.assertDns1123Subdomain(c, 'locationName', locationName);
    KubeNames.assertDns1123Label(c, 'namespace', namespace);
    return { locationName, namespace, accessMode: VeleroAccessMode.READ_WRITE };
  }

  private static assertUrl(scope: Construct, prop: string, value: string): void {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.replace(/\/$/, '') !== '' || url.username || url.password) {
      throw edgeError(scope, { prop, value, rule: 'must be an http(s) URL with host and optional port, and no path or credentials', fix: 'use e.g. "http://minio.storage.svc.cluster.local:9000"' });
    }
  }

  private static isClusterLocal(url: string): boolean {
    const host = new URL(url).hostname;
    return /\.svc(\.cluster\.local)?$/.test(host) || host === 'localhost' || host.startsWith('127.') || !host.includes('.');
  }

  /** The BackupStorageLocation object (escape hatch). */
  public readonly apiObject: ApiObject;
  public readonly locationName: string;
  public readonly namespace: string;
  public readonly accessMode: VeleroAccessMode;
  /** Whether this is the default location. */
  public readonly isDefault: boolean;
  /** The bucket. */
  public readonly bucket: string;
  /**
   * The prefix (no trailing slash).
   * @default - the bucket root
   */
  public readonly prefix?: string;
  /** The Velero version the location was generated for. */
  public readonly veleroVersion: VeleroVersion;
  /**
   * The least-privilege IAM policy (JSON, in the AWS grammar that MinIO and Ceph RGW also accept) for the keys in
   * `credential`, for stores whose users the operator creates: list the bucket under the prefix, and get, put and
   * delete objects under it (multipart uploads included); only list and get for a READ_ONLY location. Velero needs
   * nothing else here (volume snapshots are not part of the location).
   */
  public readonly keyPolicy: string;

  constructor(scope: Construct, id: string, props: VeleroBackupLocationProps) {
    super(scope, id);
    Shape.check(this, props);
    S3Rules.checkRegion(this, 'region', props.region);
    KeyNames.checkSecretRef(this, 'credential', props.credential);
    KeyNames.checkSecretRef(this, 'caCertificate', props.caCertificate);
    if (props.s3Url !== undefined) Endpoints.check(this, 's3Url', props.s3Url, { credentialsProp: 'credential (a Secret key holding the cloud credentials file)' });
    if (props.publicUrl !== undefined) Endpoints.check(this, 'publicUrl', props.publicUrl, { credentialsProp: 'credential (a Secret key holding the cloud credentials file)' });
    this.locationName = props.name ?? id;
    this.namespace = props.namespace ?? 'velero';
    this.veleroVersion = props.veleroVersion ?? VeleroVersion.V1_18_1;
    this.accessMode = props.accessMode ?? VeleroAccessMode.READ_WRITE;
    this.isDefault = props.isDefault ?? false;
    KubeNames.assertDns1123Subdomain(this, 'name', this.locationName);
    KubeNames.assertDns1123Label(this, 'namespace', this.namespace);
    S3Names.assertBucket(this, 'bucket', props.bucket);
    this.bucket = props.bucket;
    this.prefix = S3Names.normalizePrefix(this, 'prefix', props.prefix);

    if (props.objectStore && props.s3Url !== undefined) {
      throw edgeError(this, { prop: 's3Url', value: props.s3Url, rule: 'objectStore already gives the endpoint', fix: 'pass either objectStore or s3Url, not both' });
    }
    const store = props.objectStore;
    const s3Url = store?.s3Endpoint ?? props.s3Url;
    if (props.s3Url !== undefined) VeleroBackupLocation.assertUrl(this, 's3Url', props.s3Url);
    if (props.publicUrl !== undefined) VeleroBackupLocation.assertUrl(this, 'publicUrl', props.publicUrl);
    const flavor = props.flavor ?? store?.flavor ?? (s3Url ? ObjectStoreFlavor.GENERIC_S3 : ObjectStoreFlavor.AWS_S3);
    const region = props.region ?? store?.region ?? (s3Url ? 'us-east-1' : undefined);
    const pathStyle = props.s3ForcePathStyle ?? store?.forcePathStyle ?? (s3Url !== undefined && flavor !== ObjectStoreFlavor.AWS_S3);
    const caCert = props.caCertificate ?? store?.caCertificate;
    const checksum = props.checksumAlgorithm ?? (flavor === ObjectStoreFlavor.AWS_S3 ? undefined : VeleroChecksumAlgorithm.NONE);

    if (props.useServerCredentials && props.credential) {
      throw edgeError(this, { prop: 'useServerCredentials', value: true, rule: 'conflicts with credential', fix: 'pass either credential or useServerCredentials: true' });
    }
    if (!props.useServerCredentials && (!props.credential?.name || !props.credential?.key)) {
      throw edgeError(this, {
        prop: 'credential',
        value: props.credential ?? '',
        rule: `a Secret reference { name, key } in namespace "${this.namespace}" holding an AWS-style credentials file is required`,
        fix: `create it (kubectl -n ${this.namespace} create secret generic ${this.locationName}-s3 --from-file=cloud=credentials-velero) and pass { name: "${this.locationName}-s3", key: "cloud" }, or set useServerCredentials: true`,
      });
    }
    if (caCert && !this.veleroVersion.isAtLeast(1, 18)) {
      throw edgeError(this, {
        prop: 'caCertificate',
        value: `${caCert.name}/${caCert.key}`,
        rule: `Velero ${this.veleroVersion} has no caCertRef (a CA certificate Secret on the location needs Velero 1.18 or later)`,
        fix: 'upgrade Velero to 1.18, or install Velero with --cacert and drop the CA certificate here',
      });
    }
    if (props.profile !== undefined && !/^[A-Za-z0-9_.-]+$/.test(props.profile)) {
      throw edgeError(this, { prop: 'profile', value: props.profile, rule: 'not a credentials-file profile name', fix: 'use the name inside [brackets] in the credentials file, e.g. "default"' });
    }
    for (const [prop, d] of Object.entries({ validationFrequency: props.validationFrequency, backupSyncPeriod: props.backupSyncPeriod })) {
      if (d !== undefined && !Number.isInteger(d.toSeconds({ integral: false }))) {
        throw edgeError(this, { prop, value: d.toHumanString(), rule: 'must be whole seconds', fix: 'use e.g. Duration.minutes(5)' });
      }
    }

    const config: { [key: string]: string } = {};
    if (region !== undefined) config.region = region;
    if (s3Url !== undefined) config.s3Url = s3Url;
    if (pathStyle) config.s3ForcePathStyle = 'true';
    if (checksum !== undefined) config.checksumAlgorithm = checksum === VeleroChecksumAlgorithm.NONE ? '' : checksum;
    if (props.profile !== undefined) config.profile = props.profile;
    if (props.publicUrl !== undefined) config.publicUrl = props.publicUrl;
    for (const [key, value] of Object.entries(props.config ?? {})) {
      if (DERIVED_CONFIG_KEYS[key]) {
        throw edgeError(this, { prop: `config.${key}`, value, rule: `is set from the ${DERIVED_CONFIG_KEYS[key]} prop`, fix: `use the ${DERIVED_CONFIG_KEYS[key]} prop instead` });
      }
      if (!EXTRA_CONFIG_KEYS.includes(key)) {
        throw edgeError(this, { prop: `config.${key}`, value, rule: 'the AWS plugin rejects unknown config keys (the location turns Unavailable)', fix: `use one of ${EXTRA_CONFIG_KEYS.join(', ')}` });
      }
      config[key] = value;
    }
    const sse = config.customerKeyEncryptionSecret;
    if (sse !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[-._a-zA-Z0-9]+$/.test(sse)) {
      throw edgeError(this, { prop: 'config.customerKeyEncryptionSecret', value: sse, rule: 'must be "<Secret name>/<key>" of a Secret in Velero\'s namespace holding the 32-byte SSE-C key', fix: 'use e.g. "velero-sse-c/key"' });
    }
    const sseSet = SSE_KEYS.filter((k) => config[k] !== undefined && config[k] !== '');
    if (sseSet.length > 1) {
      const last = sseSet[sseSet.length - 1];
      throw edgeError(this, { prop: `config.${last}`, value: config[last], rule: `the AWS plugin accepts only one of ${SSE_KEYS.join(', ')} (also set: ${sseSet.slice(0, -1).join(', ')})`, fix: 'keep one encryption method' });
    }
    if (config.insecureSkipTLSVerify === 'true') {
      Warnings.addFormatted(this, { prop: 'config.insecureSkipTLSVerify', value: 'true', rule: 'TLS certificates are not verified (man-in-the-middle risk)', fix: 'pass the CA certificate as caCertificate instead' });
    }
    if (s3Url?.startsWith('http://') && !VeleroBackupLocation.isClusterLocal(s3Url)) {
      Warnings.addFormatted(this, { prop: 's3Url', value: s3Url, rule: 'plain http to a host outside the cluster: backup contents and request signatures cross the network unencrypted', fix: 'use https' });
    }
    if (props.validationFrequency !== undefined && Format.seconds(props.validationFrequency) === 0) {
      Warnings.addFormatted(this, { prop: 'validationFrequency', value: '0s', rule: 'the location is never validated, so an unreachable store goes unnoticed until a backup fails', fix: 'leave it unset or use e.g. Duration.minutes(5)' });
    }

    const spec: BackupStorageLocationSpec = {
      provider: 'aws',
      objectStorage: {
        bucket: props.bucket,
        ...(this.prefix ? { prefix: this.prefix } : {}),
        ...(caCert ? { caCertRef: { name: caCert.name, key: caCert.key } } : {}),
      },
      config,
      ...(props.credential && !props.useServerCredentials ? { credential: { name: props.credential.name, key: props.credential.key } } : {}),
      ...(this.isDefault ? { default: true } : {}),
      accessMode: this.accessMode,
      ...(props.validationFrequency !== undefined ? { validationFrequency: Format.goDuration(props.validationFrequency) } : {}),
      ...(props.backupSyncPeriod !== undefined ? { backupSyncPeriod: Format.goDuration(props.backupSyncPeriod) } : {}),
    };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'velero.io/v1',
      kind: 'BackupStorageLocation',
      metadata: {
        name: this.locationName,
        namespace: this.namespace,
        labels: EdgeLabels.standard({ name: 'velero', instance: this.locationName, component: 'backup-location' }),
      },
      spec,
    } as any);

    // Velero (AWS plugin) lists, reads, writes and deletes only under the location's root; the region is configured or
    // looked up unsigned, so nothing outside the prefix is needed.
    const access = this.accessMode === VeleroAccessMode.READ_ONLY ? ObjectStoreAccess.READ : ObjectStoreAccess.READ_WRITE;
    this.keyPolicy = ObjectStoreGrantStatements.policyDocument([{ bucket: props.bucket, prefix: this.prefix, access }]);
    const endpoint = s3Url ?? 'AWS S3';
    if (props.credential && !props.useServerCredentials) {
      const where = `bucket ${this.bucket}${this.prefix ? ` (prefix ${this.prefix})` : ''} on ${endpoint}`;
      RequiredSecrets.addKey(this, props.credential, {
        namespace: this.namespace,
        purpose: `Velero location ${this.locationName}: AWS credentials file ([default] aws_access_key_id / aws_secret_access_key) with keys for ${where}`
          + (props.grantedKeys ? '' : '; give the keys only the IAM policy under "Key policies" (keyPolicy)')
          + `, e.g. kubectl -n ${this.namespace} create secret generic ${props.credential.name} --from-file=${props.credential.key}=credentials-velero`,
        ...(props.grantedKeys ? {} : { policy: this.keyPolicy }),
      });
    }
    if (caCert) {
      RequiredSecrets.addKey(this, caCert, { namespace: this.namespace, purpose: `CA certificate Velero verifies ${endpoint} with (location ${this.locationName}, caCertRef)` });
    }
    S3Targets.register(this, { endpoint: s3Url ?? `aws-s3:${region ?? ''}`, bucket: props.bucket, prefix: this.prefix, what: 'Velero location' });
    this.node.addValidation({ validate: () => this.validateTree() });
  }

  private validateTree(): string[] {
    const errors: string[] = [];
    if (this.isDefault) {
      const others = this.node.root.node.findAll()
        .filter((c): c is VeleroBackupLocation => c instanceof VeleroBackupLocation && c !== this && c.isDefault && c.namespace === this.namespace);
      if (others.length > 0) {
        errors.push(EdgeMessages.format(this, {
          prop: 'isDefault',
          value: true,
          rule: `namespace "${this.namespace}" already has a default location (${others.map((o) => o.node.path).join(', ')}); Velero needs exactly one`,
          fix: 'set isDefault on one location only',
        }));
      }
    }
    for (const { construct, target } of S3Targets.overlapping(this)) {
      // Report each pair once for two Velero locations, always for other tools.
      if (construct instanceof VeleroBackupLocation && construct.node.path < this.node.path) continue;
      const mine = S3Targets.of(this)!;
      errors.push(EdgeMessages.format(this, {
        prop: 'bucket/prefix',
        value: `${mine.bucket}/${mine.prefix ?? ''}`,
        rule: `overlaps the ${target.what} of "${construct.node.path}" (${target.bucket}/${target.prefix ?? ''}); Velero marks a location Unavailable when its prefix holds folders it does not own`,
        fix: 'give each tool its own bucket or a non-nested prefix, e.g. "velero/site-a" and "restic/site-a"',
      }));
    }
    return errors;
  }
}
