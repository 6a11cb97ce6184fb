// The Secrets the library reads: one credentials type per kind (S3 keys, Kafka client, TLS), each accepting a
// cdk8s-plus `ISecret` or a Secret name, rendering its own env or volume, and recording who reads it so a site (or any
// chart) can list the Secrets its operator must create. The library never holds a secret value.
import { Chart } from 'cdk8s';
import { ISecret, k8s } from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { secretKeyEnv } from './secret-env';
import { KeyNames } from './validate/names';
import { invalid } from './validate/subject';

/** A Secret the cluster operator must create (the library references Secrets, it never holds their values). */
export interface RequiredSecret {
  /** Secret name. */
  readonly name: string;
  /** Namespace it must be created in. */
  readonly namespace: string;
  /** Keys it must hold, e.g. `AWS_ACCESS_KEY_ID`. */
  readonly keys: string[];
  /** What it is for (who reads it). */
  readonly purpose: string;
  /**
   * For keys the operator creates on a store the library does not provision: the IAM policy (JSON) to give them,
   * the least their readers need.
   * @default - none (the keys' user is provisioned by the library, or they are not store keys)
   */
  readonly policy?: string;
}

/** Who reads a Secret: recorded with {@link RequiredSecrets.add} (or a credentials type's `requireIn`). */
export interface SecretUse {
  /** Namespace of the pods that read it (the Secret must exist there). */
  readonly namespace: string;
  /** What it is for, for the operator (who reads it, how to create it). */
  readonly purpose: string;
  /**
   * The IAM policy to give keys the operator creates on a store the library does not provision.
   * @default - none
   */
  readonly policy?: string;
}

const REGISTRY = new WeakMap<Chart, RequiredSecret[]>();

/**
 * The Secrets the pods of a chart read, recorded by the constructs that read them: one entry per namespace and
 * name, the keys of every reader united. Sites list them in their report; any chart can read them with `of`.
 */
export class RequiredSecrets {
  /** Record that pods in `secret.namespace` read `secret` (merged with an earlier entry of the same name and namespace). */
  public static add(scope: IConstruct, secret: RequiredSecret): void {
    const chart = Chart.of(scope);
    const list = REGISTRY.get(chart) ?? [];
    REGISTRY.set(chart, list);
    const i = list.findIndex((s) => s.name === secret.name && s.namespace === secret.namespace);
    if (i < 0) {
      list.push({ ...secret, keys: [...secret.keys] });
      return;
    }
    const prev = list[i];
    list[i] = {
      name: prev.name,
      namespace: prev.namespace,
      keys: [...new Set([...prev.keys, ...secret.keys])],
      purpose: prev.purpose === secret.purpose || prev.purpose.includes(secret.purpose) ? prev.purpose : `${prev.purpose}; ${secret.purpose}`,
      ...(prev.policy ?? secret.policy ? { policy: prev.policy ?? secret.policy } : {}),
    };
  }

  /** Record that pods read the one key `ref`. */
  public static addKey(scope: IConstruct, ref: SecretKeyReference, use: SecretUse): void {
    const policy = use.policy ? { policy: use.policy } : {};
    RequiredSecrets.add(scope, { name: ref.name, namespace: use.namespace, keys: [ref.key], purpose: use.purpose, ...policy });
  }

  /** Every Secret recorded in `scope`'s chart, in the order first recorded. */
  public static of(scope: IConstruct): RequiredSecret[] {
    return (REGISTRY.get(Chart.of(scope)) ?? []).map((s) => ({ ...s, keys: [...s.keys] }));
  }

  private constructor() {}
}

/** One key of a Kubernetes Secret (a token, a password, a CA certificate). Use `{ name: secret.name, key }` for an `ISecret`. */
export interface SecretKeyReference {
  /** Secret name (same namespace as the consumer). */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** The argument each factory takes the Secret's name from (`secretName` unless listed). */
const NAME_ARGUMENT: { [method: string]: string } = { fromSecret: 'secret.name', fromKafkaUser: 'username' };

function checkName(factory: string, name: string): void {
  const prop = NAME_ARGUMENT[factory.slice(factory.indexOf('.') + 1)] ?? 'secretName';
  if (typeof name !== 'string' || name === '') {
    throw invalid(factory, { prop, value: name ?? '', rule: 'a Secret name is required', fix: 'pass the name of the Secret (or the cdk8s-plus Secret) that holds the values' });
  }
  KeyNames.checkObjectName(factory, prop, name, 'Secret');
}

/** Key names of an {@link S3Credentials} Secret. */
export interface S3CredentialsKeys {
  /**
   * Key holding the access key id.
   * @default 'AWS_ACCESS_KEY_ID'
   */
  readonly accessKeyIdKey?: string;
  /**
   * Key holding the secret access key.
   * @default 'AWS_SECRET_ACCESS_KEY'
   */
  readonly secretAccessKeyKey?: string;
}

/** Env var names {@link S3Credentials.env} renders. */
export interface S3CredentialsEnvNames {
  /**
   * Env var of the access key id.
   * @default 'AWS_ACCESS_KEY_ID'
   */
  readonly accessKeyId?: string;
  /**
   * Env var of the secret access key.
   * @default 'AWS_SECRET_ACCESS_KEY'
   */
  readonly secretAccessKey?: string;
}

/** S3 access keys (an access key id and its secret key) held in a Secret, never as literal values. */
export class S3Credentials {
  /** Default key (and env var) of the access key id. */
  public static readonly ACCESS_KEY_ID = 'AWS_ACCESS_KEY_ID';
  /** Default key (and env var) of the secret access key. */
  public static readonly SECRET_ACCESS_KEY = 'AWS_SECRET_ACCESS_KEY';

  /** The keys held by `secret` (a cdk8s-plus Secret, imported or created in the chart). */
  public static fromSecret(secret: ISecret, keys?: S3CredentialsKeys): S3Credentials {
    return new S3Credentials('S3Credentials.fromSecret', secret?.name, keys ?? {});
  }

  /** The keys held by the Secret named `secretName` (in the reader's namespace). */
  public static fromSecretName(secretName: string, keys?: S3CredentialsKeys): S3Credentials {
    return new S3Credentials('S3Credentials.fromSecretName', secretName, keys ?? {});
  }

  /**
   * Keys a Kubernetes operator writes into the Secret named `secretName` (e.g. Rook for a CephObjectStoreUser or an
   * ObjectBucketClaim): `writtenBy` says which. The cluster operator does not create that Secret, so `requireIn`
   * records nothing.
   */
  public static fromOperatorSecret(secretName: string, writtenBy: string, keys?: S3CredentialsKeys): S3Credentials {
    const factory = 'S3Credentials.fromOperatorSecret';
    if (typeof writtenBy !== 'string' || writtenBy.trim() === '') {
      throw invalid(factory, { prop: 'writtenBy', value: writtenBy ?? '', rule: 'says who writes the Secret', fix: 'name the operator and its object, e.g. "Rook (CephObjectStoreUser store-app)"' });
    }
    return new S3Credentials(factory, secretName, keys ?? {}, writtenBy);
  }

  /** Name of the Secret. */
  public readonly secretName: string;
  /** Key holding the access key id. */
  public readonly accessKeyIdKey: string;
  /** Key holding the secret access key. */
  public readonly secretAccessKeyKey: string;
  /**
   * Who writes the Secret, for keys a Kubernetes operator creates (see `fromOperatorSecret`).
   * @default - the cluster operator creates it
   */
  public readonly writtenBy?: string;

  private constructor(factory: string, secretName: string, keys: S3CredentialsKeys, writtenBy?: string) {
    checkName(factory, secretName);
    this.writtenBy = writtenBy;
    KeyNames.checkSecretKey(factory, 'keys.accessKeyIdKey', keys.accessKeyIdKey);
    KeyNames.checkSecretKey(factory, 'keys.secretAccessKeyKey', keys.secretAccessKeyKey);
    this.secretName = secretName;
    this.accessKeyIdKey = keys.accessKeyIdKey ?? S3Credentials.ACCESS_KEY_ID;
    this.secretAccessKeyKey = keys.secretAccessKeyKey ?? S3Credentials.SECRET_ACCESS_KEY;
    if (this.accessKeyIdKey === this.secretAccessKeyKey) {
      throw invalid(factory, { prop: 'keys.secretAccessKeyKey', value: this.secretAccessKeyKey, rule: 'the access key id and the secret access key must be different keys of the Secret', fix: 'name two keys, e.g. the defaults AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY' });
    }
  }

  /** The keys the Secret must hold. */
  public get keys(): string[] {
    return [this.accessKeyIdKey, this.secretAccessKeyKey];
  }

  /** The two env vars a client reads its keys from, by `secretKeyRef`. */
  public env(names?: S3CredentialsEnvNames): k8s.EnvVar[] {
    return [
      secretKeyEnv(names?.accessKeyId ?? S3Credentials.ACCESS_KEY_ID, { name: this.secretName, key: this.accessKeyIdKey }),
      secretKeyEnv(names?.secretAccessKey ?? S3Credentials.SECRET_ACCESS_KEY, { name: this.secretName, key: this.secretAccessKeyKey }),
    ];
  }

  /**
   * Record in `scope`'s chart that pods of `use.namespace` read these keys (nothing for keys an operator writes, see
   * `writtenBy`).
   */
  public requireIn(scope: IConstruct, use: SecretUse): void {
    if (this.writtenBy !== undefined) return;
    const policy = use.policy ? { policy: use.policy } : {};
    RequiredSecrets.add(scope, { name: this.secretName, namespace: use.namespace, keys: this.keys, purpose: use.purpose, ...policy });
  }
}

/** How a Kafka client authenticates (Strimzi KafkaUser types). */
export enum KafkaAuthentication {
  /** SCRAM-SHA-512 over TLS; the password is in the KafkaUser's Secret under `password`. */
  SCRAM_SHA_512 = 'scram-sha-512',
  /** Mutual TLS; the KafkaUser's Secret holds `user.crt` and `user.key`. */
  TLS = 'tls',
}

/** Options of {@link KafkaCredentials}. */
export interface KafkaCredentialsOptions {
  /** The user name (for Strimzi, the KafkaUser's name). */
  readonly username: string;
  /**
   * The authentication mechanism.
   * @default KafkaAuthentication.SCRAM_SHA_512
   */
  readonly authentication?: KafkaAuthentication;
  /**
   * Namespace of the Secret (Strimzi writes it in the Kafka cluster's namespace). Consumers in another namespace are
   * rejected at synth unless they name a copy in their own namespace (`secretCopies`).
   * @default - the topic's `secretNamespace` (or the namespace of its Strimzi bootstrap address); else not checked
   */
  readonly namespace?: string;
}

/** Options of {@link KafkaCredentials.fromKafkaUser}. */
export interface KafkaUserCredentialsOptions {
  /** Namespace of the Kafka cluster (where the User Operator writes the Secret). */
  readonly namespace: string;
  /**
   * The user's authentication mechanism.
   * @default KafkaAuthentication.SCRAM_SHA_512
   */
  readonly authentication?: KafkaAuthentication;
}

/**
 * The credentials of a Kafka client held in a Secret in Strimzi's layout: `password` for SCRAM-SHA-512, `user.crt`
 * and `user.key` for mutual TLS (the User Operator writes that Secret, named after the KafkaUser).
 */
export class KafkaCredentials {
  /** Key of the SCRAM password. */
  public static readonly PASSWORD_KEY = 'password';
  /** Key of the client certificate (mutual TLS). */
  public static readonly CERTIFICATE_KEY = 'user.crt';
  /** Key of the client private key (mutual TLS). */
  public static readonly PRIVATE_KEY_KEY = 'user.key';

  /**
   * The Secret Strimzi's User Operator writes for the `KafkaUser` named `username` in `options.namespace` (named after
   * the user). The operator of the cluster does not create it, so `requireIn` records nothing for readers in that
   * namespace; readers elsewhere need a copy (`copiedTo`), which the operator does create.
   */
  public static fromKafkaUser(username: string, options: KafkaUserCredentialsOptions): KafkaCredentials {
    if (!options || typeof options.namespace !== 'string' || options.namespace === '') {
      throw invalid('KafkaCredentials.fromKafkaUser', { prop: 'options.namespace', value: options?.namespace ?? '', rule: 'the User Operator writes the Secret in the Kafka cluster\'s namespace, which is required', fix: 'pass the namespace of the Kafka cluster the KafkaUser belongs to' });
    }
    const writtenBy = `Strimzi's User Operator (KafkaUser ${username} in ${options.namespace})`;
    return new KafkaCredentials('KafkaCredentials.fromKafkaUser', username, { username, authentication: options.authentication, namespace: options.namespace }, writtenBy);
  }

  /** The credentials held by `secret` (a cdk8s-plus Secret). */
  public static fromSecret(secret: ISecret, options: KafkaCredentialsOptions): KafkaCredentials {
    return new KafkaCredentials('KafkaCredentials.fromSecret', secret?.name, options);
  }

  /** The credentials held by the Secret named `secretName` (for a Strimzi KafkaUser: the user's name). */
  public static fromSecretName(secretName: string, options: KafkaCredentialsOptions): KafkaCredentials {
    return new KafkaCredentials('KafkaCredentials.fromSecretName', secretName, options);
  }

  /** The authentication mechanism. */
  public readonly authentication: KafkaAuthentication;
  /** The user name. */
  public readonly username: string;
  /** Name of the Secret. */
  public readonly secretName: string;
  /** Namespace of the Secret, when known. */
  public readonly namespace?: string;
  /**
   * Who writes the Secret, for a KafkaUser's own Secret (`fromKafkaUser`: Strimzi's User Operator), so the cluster
   * operator need not create it.
   * @default - the cluster operator creates it
   */
  public readonly writtenBy?: string;

  private constructor(factory: string, secretName: string, options: KafkaCredentialsOptions, writtenBy?: string) {
    checkName(factory, secretName);
    if (!options || typeof options.username !== 'string' || options.username === '') {
      throw invalid(factory, { prop: 'options.username', value: options?.username ?? '', rule: 'the client\'s user name is required', fix: 'pass the KafkaUser\'s name' });
    }
    this.secretName = secretName;
    this.username = options.username;
    this.authentication = options.authentication ?? KafkaAuthentication.SCRAM_SHA_512;
    this.namespace = options.namespace;
    this.writtenBy = writtenBy;
    if (this.authentication !== KafkaAuthentication.SCRAM_SHA_512 && this.authentication !== KafkaAuthentication.TLS) {
      throw invalid(factory, { prop: 'options.authentication', value: String(this.authentication), rule: 'must be a KafkaAuthentication member', fix: 'use KafkaAuthentication.SCRAM_SHA_512 or KafkaAuthentication.TLS' });
    }
    if (options.namespace !== undefined) KeyNames.checkObjectName(factory, 'options.namespace', options.namespace, 'namespace');
  }

  /** The keys the Secret holds. */
  public get keys(): string[] {
    return this.authentication === KafkaAuthentication.TLS
      ? [KafkaCredentials.CERTIFICATE_KEY, KafkaCredentials.PRIVATE_KEY_KEY]
      : [KafkaCredentials.PASSWORD_KEY];
  }

  /** The same credentials read from a copy of the Secret named `secretName` (in the consumer's own namespace). */
  public copiedTo(secretName: string, namespace: string): KafkaCredentials {
    return new KafkaCredentials('KafkaCredentials.copiedTo', secretName, { username: this.username, authentication: this.authentication, namespace });
  }

  /** The env var holding the SCRAM password; undefined for mutual TLS (mount the certificate instead). */
  public passwordEnv(envName: string): k8s.EnvVar | undefined {
    if (this.authentication !== KafkaAuthentication.SCRAM_SHA_512) return undefined;
    return secretKeyEnv(envName, { name: this.secretName, key: KafkaCredentials.PASSWORD_KEY });
  }

  /**
   * The read-only Secret volume named `volumeName` holding the client certificate and key as files named like their
   * keys, for mutual TLS; undefined for SCRAM-SHA-512 (read the password with `passwordEnv`).
   */
  public volume(volumeName: string): k8s.Volume | undefined {
    const items = this.items();
    return items.length > 0 ? { name: volumeName, secret: { secretName: this.secretName, items, defaultMode: 0o440 } } : undefined;
  }

  /** The client certificate and key as volume items named like their keys (certificate first); none for SCRAM-SHA-512. */
  public items(): k8s.KeyToPath[] {
    if (this.authentication !== KafkaAuthentication.TLS) return [];
    return [KafkaCredentials.CERTIFICATE_KEY, KafkaCredentials.PRIVATE_KEY_KEY].map((key) => ({ key, path: key }));
  }

  /**
   * Record in `scope`'s chart that pods of `use.namespace` read these credentials. Nothing is recorded for the
   * User Operator's own Secret read in its namespace (Strimzi creates it, not the cluster's operator).
   */
  public requireIn(scope: IConstruct, use: SecretUse): void {
    if (this.writtenBy !== undefined && use.namespace === this.namespace) return;
    RequiredSecrets.add(scope, { name: this.secretName, namespace: use.namespace, keys: this.keys, purpose: use.purpose });
  }
}

/** Key names of a {@link TlsCredentials} Secret. */
export interface TlsCredentialsKeys {
  /**
   * Key of the certificate (PEM, with its chain).
   * @default 'tls.crt'
   */
  readonly certificateKey?: string;
  /**
   * Key of the private key (PEM).
   * @default 'tls.key'
   */
  readonly privateKeyKey?: string;
  /**
   * Key of a CA certificate in the same Secret (as cert-manager writes `ca.crt`).
   * @default - none
   */
  readonly caCertificateKey?: string;
}

/** File names {@link TlsCredentials.volume} mounts the keys as. */
export interface TlsCredentialsPaths {
  /**
   * File of the certificate.
   * @default 'tls.crt'
   */
  readonly certificate?: string;
  /**
   * File of the private key.
   * @default 'tls.key'
   */
  readonly privateKey?: string;
  /**
   * File of the CA certificate (only when the Secret has one).
   * @default 'ca.crt'
   */
  readonly caCertificate?: string;
}

/** A TLS certificate and its private key held in a Secret (`kubernetes.io/tls` layout by default). */
export class TlsCredentials {
  /** Default key of the certificate. */
  public static readonly CERTIFICATE_KEY = 'tls.crt';
  /** Default key of the private key. */
  public static readonly PRIVATE_KEY_KEY = 'tls.key';

  /** The certificate held by `secret` (e.g. a cdk8s-plus `TlsSecret`). */
  public static fromSecret(secret: ISecret, keys?: TlsCredentialsKeys): TlsCredentials {
    return new TlsCredentials('TlsCredentials.fromSecret', secret?.name, keys ?? {});
  }

  /** The certificate held by the Secret named `secretName` (in the reader's namespace). */
  public static fromSecretName(secretName: string, keys?: TlsCredentialsKeys): TlsCredentials {
    return new TlsCredentials('TlsCredentials.fromSecretName', secretName, keys ?? {});
  }

  /** Name of the Secret. */
  public readonly secretName: string;
  /** Key of the certificate. */
  public readonly certificateKey: string;
  /** Key of the private key. */
  public readonly privateKeyKey: string;
  /** Key of the CA certificate, when the Secret has one. */
  public readonly caCertificateKey?: string;

  private constructor(factory: string, secretName: string, keys: TlsCredentialsKeys) {
    checkName(factory, secretName);
    KeyNames.checkSecretKey(factory, 'keys.certificateKey', keys.certificateKey);
    KeyNames.checkSecretKey(factory, 'keys.privateKeyKey', keys.privateKeyKey);
    KeyNames.checkSecretKey(factory, 'keys.caCertificateKey', keys.caCertificateKey);
    this.secretName = secretName;
    this.certificateKey = keys.certificateKey ?? TlsCredentials.CERTIFICATE_KEY;
    this.privateKeyKey = keys.privateKeyKey ?? TlsCredentials.PRIVATE_KEY_KEY;
    this.caCertificateKey = keys.caCertificateKey;
    const all = this.keys;
    if (new Set(all).size !== all.length) {
      throw invalid(factory, { prop: 'keys', value: all.join(', '), rule: 'the certificate, the private key and the CA certificate must be different keys of the Secret', fix: 'name distinct keys, e.g. tls.crt, tls.key and ca.crt' });
    }
  }

  /** The keys the Secret must hold. */
  public get keys(): string[] {
    return [this.certificateKey, this.privateKeyKey, ...(this.caCertificateKey ? [this.caCertificateKey] : [])];
  }

  /** The CA certificate key as a one-key reference, when the Secret has one. */
  public get caCertificate(): SecretKeyReference | undefined {
    return this.caCertificateKey ? { name: this.secretName, key: this.caCertificateKey } : undefined;
  }

  /** A read-only Secret volume named `volumeName` holding the keys as the files `paths` names. */
  public volume(volumeName: string, paths?: TlsCredentialsPaths): k8s.Volume {
    return { name: volumeName, secret: { secretName: this.secretName, items: this.items(paths), defaultMode: 0o440 } };
  }

  /** The keys as volume items (certificate, private key, then the CA when the Secret has one) named as `paths` says. */
  public items(paths?: TlsCredentialsPaths): k8s.KeyToPath[] {
    return [
      { key: this.certificateKey, path: paths?.certificate ?? TlsCredentials.CERTIFICATE_KEY },
      { key: this.privateKeyKey, path: paths?.privateKey ?? TlsCredentials.PRIVATE_KEY_KEY },
      ...(this.caCertificateKey ? [{ key: this.caCertificateKey, path: paths?.caCertificate ?? 'ca.crt' }] : []),
    ];
  }

  /** Record in `scope`'s chart that pods of `use.namespace` read this certificate. */
  public requireIn(scope: IConstruct, use: SecretUse): void {
    RequiredSecrets.add(scope, { name: this.secretName, namespace: use.namespace, keys: this.keys, purpose: use.purpose });
  }
}
