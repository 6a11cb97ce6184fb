// The provisioning of a MinioCluster: the plan (buckets, tiers, policies, users) read from the cluster's children,
// the ConfigMap with the rendered script and JSON files, and the mc Job with its NetworkPolicy.
// This file is not re-exported from the package.
import { createHash } from 'crypto';
import { Duration, Lazy, Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-30';
import { MinioBucket } from './bucket';
import { API_PORT, MinioClusterRef, remoteStores, replicationRuleId, rootEnv } from './internal';
import { MinioLifecycle } from './lifecycle';
import { derivedTargetId, kafkaTargetArn } from './notifications';
import { MinioProvisioningScript, PlanBucket, PlanCredential, ProvisioningPlan, ProvisioningStep } from './provisioning';
import type { MinioTier } from './tier';
import { IObjectStore, Resources, S3Credentials } from '../../core';
import { CidrEgress, endpointEgress } from '../../core/network-policy';
import { secretKeyEnv, secretKeyVolume } from '../../core/secret-env';

interface CredentialEnv {
  readonly users: Map<string, PlanCredential>;
  readonly tiers: Map<MinioTier, PlanCredential>;
  readonly remotes: Map<IObjectStore, PlanCredential>;
  readonly env: k8s.EnvVar[];
  readonly readTokens: Map<string, string>;
}

/** Where the Job finds the cluster's CA, when TLS with a CA is on. */
const CA_FILE = '/etc/minio-ca/ca.crt';

const keyOf = (c: S3Credentials) => `${c.secretName}/${c.accessKeyIdKey}/${c.secretAccessKeyKey}`;

/**
 * The provisioning ConfigMap, NetworkPolicy and Job of a cluster, created (in the cluster's scope) when the first
 * bucket, policy or tier is added. Their content is rendered at synth from the cluster's children.
 */
export class MinioProvisioner {
  /** Name of the ConfigMap (script, lifecycle and policy JSON). */
  public readonly configMapName: string;

  constructor(private readonly ref: MinioClusterRef) {
    this.configMapName = `${ref.name}-provision`;
    const workload = ref.provisioner;
    new k8s.KubeConfigMap(ref.scope, 'ProvisioningConfig', {
      metadata: workload.metadata(this.configMapName),
      data: Lazy.any({ produce: () => this.configFiles() }),
    });
    const prov = ref.props.provisioning ?? {};
    const caFile = this.caFile();
    // The Job talks to its own servers and to the remote stores it configures (replication targets, tiers); nothing
    // talks to it.
    workload.networkPolicy(ref.scope, 'ProvisioningNetworkPolicy', () => ({
      ingress: [],
      egress: remoteStores(ref).reduce(
        (acc, store) => {
          const e = endpointEgress(store.s3Endpoint, store.networkPeer, undefined);
          return { peers: [...acc.peers, ...e.peers], cidrs: [...acc.cidrs, ...e.cidrs] };
        },
        { peers: [{ namespace: ref.namespace, podLabels: ref.server.podLabels, ports: [API_PORT] }], cidrs: [] as CidrEgress[] },
      ),
    }), `${ref.name}-provision`);
    workload.job(ref.scope, 'Provisioning', {
      name: `${ref.name}-provision`,
      nameAtSynth: () => this.jobName,
      backoffLimit: prov.backoffLimit ?? 6,
      activeDeadlineSeconds: (prov.activeDeadline ?? Duration.minutes(30)).toSeconds(),
      ttlSecondsAfterFinished: (prov.ttlAfterFinished ?? Duration.hours(24)).toSeconds(),
      pod: {
        security: { runAsUser: ref.runAsUser },
        spec: { enableServiceLinks: false },
        containers: [{
          name: 'mc',
          image: ref.mcImage,
          command: ['/bin/sh', '/config/provision.sh'],
          env: Lazy.any({ produce: () => this.jobEnv() }),
          resources: Resources.toKube(
            { cpu: { request: Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) } },
            prov.resources,
          ),
          volumeMounts: [
            { name: 'config', mountPath: '/config', readOnly: true },
            { name: 'home', mountPath: '/tmp' },
            ...(caFile ? [{ name: 'ca', mountPath: '/etc/minio-ca', readOnly: true }] : []),
          ],
        }],
        volumes: [
          { name: 'config', configMap: { name: this.configMapName, defaultMode: 0o444 } },
          { name: 'home', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
          ...(ref.caCertificate ? [secretKeyVolume('ca', ref.caCertificate, 'ca.crt')] : []),
        ],
      },
    });
  }

  /** Name of the Job: it carries a hash of its content (Job specs are immutable). */
  public get jobName(): string {
    return `${this.ref.name}-provision-${this.contentHash()}`;
  }

  /** The provisioning script and its steps. */
  public rendered(): { readonly script: string; readonly steps: ProvisioningStep[] } {
    return MinioProvisioningScript.render(this.plan());
  }

  private caFile(): string | undefined {
    return this.ref.caCertificate ? CA_FILE : undefined;
  }

  /** Every Secret-backed credential the Job needs, as environment variables. */
  private credentialEnv(): CredentialEnv {
    const ref = this.ref;
    const env: k8s.EnvVar[] = [];
    const add = (prefix: string, c: S3Credentials, label: string): PlanCredential => {
      const accessEnv = `${prefix}_ACCESS_KEY`;
      const secretEnv = `${prefix}_SECRET_KEY`;
      env.push(...c.env({ accessKeyId: accessEnv, secretAccessKey: secretEnv }));
      return { accessEnv, secretEnv, label };
    };
    const users = new Map<string, PlanCredential>();
    for (const p of ref.policies) {
      for (const c of [...p.users, ...p.groups.flatMap((g) => g.members)]) {
        const k = keyOf(c);
        if (!users.has(k)) users.set(k, add(`USER_${users.size + 1}`, c, `user from Secret ${c.secretName}`));
      }
    }
    const remotes = new Map<IObjectStore, PlanCredential>();
    const tiers = new Map<MinioTier, PlanCredential>();
    for (const store of remoteStores(ref)) {
      remotes.set(store, add(`REMOTE_${remotes.size + 1}`, store.credentials, `keys of ${store.s3Endpoint}`));
    }
    for (const t of ref.tiers) tiers.set(t, remotes.get(t.target)!);
    const readTokens = new Map<string, string>();
    for (const b of ref.buckets) {
      if (!b.readToken) continue;
      const name = `READ_TOKEN_${readTokens.size + 1}`;
      env.push(secretKeyEnv(name, b.readToken));
      readTokens.set(b.bucketName, name);
    }
    return { users, tiers, remotes, env, readTokens };
  }

  private jobEnv(): k8s.EnvVar[] {
    const caFile = this.caFile();
    return [
      { name: 'MINIO_ENDPOINT', value: this.ref.s3Endpoint },
      ...rootEnv(this.ref),
      { name: 'HOME', value: '/tmp' },
      { name: 'MC_CONFIG_DIR', value: '/tmp/.mc' },
      { name: 'PROVISION_MAX_ATTEMPTS', value: String(this.ref.props.provisioning?.attemptsPerStep ?? 10) },
      ...(caFile ? [{ name: 'SSL_CERT_FILE', value: caFile }] : []),
      ...this.credentialEnv().env,
    ];
  }

  private plan(): ProvisioningPlan {
    const ref = this.ref;
    const creds = this.credentialEnv();
    const buckets: PlanBucket[] = ref.buckets.map((b) => ({
      name: b.bucketName,
      objectLock: b.objectLock,
      versioning: b.versioned,
      retention: b.retention ? { mode: b.retention.mode, days: b.retention.period.toDays() } : undefined,
      quotaBytes: b.quota ? b.quota.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024 : undefined,
      anonymous: b.anonymousAccess,
      readTokenEnv: creds.readTokens.get(b.bucketName),
      encryption: b.encryption ? { type: b.encryption, key: b.encryption === 'sse-kms' ? b.encryptionKey ?? ref.props.kes?.keyName : undefined } : undefined,
      ilmFile: b.lifecycle ? `ilm-${b.bucketName}.json` : undefined,
      events: b.notifications.map((n) => ({
        arn: kafkaTargetArn(ref, derivedTargetId(n)),
        events: n.events ?? [],
        prefix: n.prefix,
        suffix: n.suffix,
      })),
      replication: b.replication.map((r, i) => {
        const url = new URL(r.target.s3Endpoint);
        const replicate = [...(r.replicateDeletes ? ['delete', 'delete-marker'] : []), ...(r.replicateExistingObjects ?? true ? ['existing-objects'] : [])];
        return {
          id: replicationRuleId(r),
          priority: r.priority ?? i + 1,
          scheme: url.protocol.replace(':', ''),
          hostPort: url.host,
          bucket: r.bucket,
          credential: creds.remotes.get(r.target)!,
          // `mc replicate add` enables metadata sync whatever --replicate says, and `mc replicate update` disables
          // whatever --replicate leaves out: list it always, so a re-run's update keeps the rule as add made it (it
          // also keeps the list non-empty, which add requires). One-way, it replicates nothing extra.
          replicate: [...replicate, 'metadata-sync'].join(','),
          synchronous: r.synchronous ?? false,
          bandwidthBytes: r.bandwidthLimit !== undefined ? MinioBucket.replicationBandwidthBytes(r.bandwidthLimit) : undefined,
          storageClass: r.storageClass,
        };
      }),
    }));
    return {
      source: ref.scope.node.path,
      tiers: ref.tiers.map((t) => ({
        name: t.tierName,
        type: t.tierType,
        endpoint: t.target.s3Endpoint,
        bucket: t.bucket,
        prefix: t.prefix,
        region: t.region,
        storageClass: t.storageClass,
        credential: creds.tiers.get(t)!,
      })),
      buckets,
      users: [...creds.users.values()],
      policies: ref.policies.map((p) => ({
        name: p.policyName,
        file: `policy-${p.policyName}.json`,
        users: p.users.map((u) => creds.users.get(keyOf(u))!),
        groups: p.groups.map((g) => ({ name: g.name, members: g.members.map((m) => creds.users.get(keyOf(m))!) })),
      })),
    };
  }

  private configFiles(): { [key: string]: string } {
    const files: { [key: string]: string } = { 'provision.sh': this.rendered().script };
    for (const b of this.ref.buckets) {
      if (b.lifecycle) files[`ilm-${b.bucketName}.json`] = JSON.stringify(MinioLifecycle.toIlmJson(b.lifecycle), undefined, 2) + '\n';
    }
    for (const p of this.ref.policies) files[`policy-${p.policyName}.json`] = JSON.stringify(p.document, undefined, 2) + '\n';
    return files;
  }

  private contentHash(): string {
    const content = JSON.stringify({
      files: this.configFiles(),
      env: this.jobEnv(),
      image: this.ref.mcImage.reference,
      endpoint: this.ref.s3Endpoint,
    });
    return createHash('sha256').update(content).digest('hex').slice(0, 8);
  }
}
