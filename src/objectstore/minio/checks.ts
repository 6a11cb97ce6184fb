// The rules of a MinioCluster: props checked in the constructor, warnings, and the whole-tree checks run at synth
// (names, grants, tiers, encryption, notifications). This file is not re-exported from the package.
import { Construct } from 'constructs';
import type { MinioClusterProps } from './cluster';
import { MinioClusterRef } from './internal';
import { MinioLifecycle } from './lifecycle';
import { bucketNotificationErrors, targetIdErrors } from './notifications';
import { MinioKesOptions } from './options';
import { EdgeMessages, edgeError, Filesystem, KubeNames, Resources, SecretReaders, ValidationMessageOptions, Warnings } from '../../core';

/** Checks of a MinioCluster. */
export class MinioClusterChecks {
  /** Throws on the first prop that is wrong on its own (drive and queue sizes, Secrets, TLS, retries, KES, clients). */
  public static checkProps(scope: Construct, props: MinioClusterProps): void {
    if (Resources.bytes(props.driveSize) <= 0) {
      throw edgeError(scope, { prop: 'driveSize', value: '0', rule: 'must be positive', fix: 'use e.g. Size.tebibytes(1)' });
    }
    if (props.storageClassName !== undefined) KubeNames.assertDns1123Subdomain(scope, 'storageClassName', props.storageClassName);
    SecretReaders.checkTls(scope, 'tls', props.tls);
    SecretReaders.checkTls(scope, 'kes.clientCertificate', props.kes?.clientCertificate);
    if (props.eventQueueSize && Resources.bytes(props.eventQueueSize) <= 0) {
      throw edgeError(scope, { prop: 'eventQueueSize', value: '0', rule: 'must be positive', fix: 'use e.g. Size.gibibytes(1)' });
    }
    if (props.eventQueueLimit !== undefined && (!Number.isInteger(props.eventQueueLimit) || props.eventQueueLimit < 1)) {
      throw edgeError(scope, { prop: 'eventQueueLimit', value: props.eventQueueLimit, rule: 'must be a whole number of at least 1', fix: 'use e.g. 100000' });
    }
    const prov = props.provisioning ?? {};
    if (prov.backoffLimit !== undefined && (!Number.isInteger(prov.backoffLimit) || prov.backoffLimit < 0)) {
      throw edgeError(scope, { prop: 'provisioning.backoffLimit', value: prov.backoffLimit, rule: 'must be a whole number of at least 0', fix: 'use e.g. 6' });
    }
    if (prov.attemptsPerStep !== undefined && (!Number.isInteger(prov.attemptsPerStep) || prov.attemptsPerStep < 1)) {
      throw edgeError(scope, { prop: 'provisioning.attemptsPerStep', value: prov.attemptsPerStep, rule: 'must be a whole number of at least 1', fix: 'use e.g. 10' });
    }
    MinioClusterChecks.checkKes(scope, props.kes);
    for (const [i, peer] of (props.allowedClients ?? []).entries()) {
      KubeNames.assertDns1123Label(scope, `allowedClients[${i}].namespace`, peer.namespace);
    }
  }

  /** Records the warnings of a legal but risky cluster (frozen images, ext4, no server-loss tolerance, KES). */
  public static warn(ref: MinioClusterRef, tolerate: boolean): void {
    const props = ref.props;
    const scope = ref.scope;
    const layout = ref.layout;
    const frozen = [ref.image, ref.mcImage].filter((i) => i.frozenUpstream);
    if (frozen.length > 0) {
      Warnings.addFormatted(scope, {
        prop: frozen.includes(ref.image) ? 'image' : 'mcImage',
        value: frozen.map((i) => i.reference).join(', '),
        rule: 'the MinIO community images are frozen (upstream unmaintained since 2026-02: no new community builds or security fixes)',
        fix: 'pass image/mcImage to use an AIStor or maintained fork build',
      });
    }
    if (props.driveFilesystem === Filesystem.EXT4 || (props.driveFilesystem === undefined && /ext4/i.test(props.storageClassName ?? ''))) {
      Warnings.addFormatted(scope, { prop: 'driveFilesystem', value: 'ext4', rule: 'MinIO recommends XFS for its drives (ext4 is slower and less tested with erasure coding)', fix: 'use an XFS local-PV StorageClass' });
    }
    if (!tolerate && !layout.toleratesServerLoss) {
      Warnings.addFormatted(scope, {
        prop: 'tolerateServerLoss',
        value: false,
        rule: `${layout.servers} servers × ${layout.drivesPerServer} drives at ${layout.storageClass} lose write quorum with one server down, so the PodDisruptionBudget allows no voluntary disruption (node drains block)`,
        fix: layout.violations(true)[0]?.fix ?? 'add parity or servers',
      });
    }
    if (props.oneServerPerNode === false) {
      Warnings.addFormatted(scope, { prop: 'oneServerPerNode', value: false, rule: 'two servers on one node fail together, which the one-server-loss arithmetic does not cover', fix: 'keep oneServerPerNode on when there are enough nodes' });
    }
    if (props.kes) {
      Warnings.addFormatted(scope, { prop: 'kes', value: props.kes.keyName, rule: 'with KES on, MinIO encrypts its IAM and configuration data with this key; KES cannot be turned off later and MinIO will not start without it', fix: 'make sure KES and its key store are backed up and highly available' });
    }
  }

  /** What is wrong with the cluster and its children as a whole (run at synth). */
  public static treeErrors(ref: MinioClusterRef): string[] {
    const fmt = (c: Construct, o: ValidationMessageOptions) => EdgeMessages.format(c, o);
    const out: string[] = [];
    const dup = <T>(items: T[], key: (t: T) => string, what: string, construct: (t: T) => Construct) => {
      const seen = new Map<string, T>();
      for (const it of items) {
        const k = key(it);
        if (seen.has(k)) out.push(fmt(construct(it), { prop: 'name', value: k, rule: `another ${what} of the cluster (${construct(seen.get(k)!).node.path}) has this name`, fix: `give every ${what} its own name` }));
        seen.set(k, it);
      }
    };
    dup(ref.buckets, (b) => b.bucketName, 'bucket', (b) => b);
    dup(ref.policies, (p) => p.policyName, 'policy', (p) => p);
    dup(ref.tiers, (t) => t.tierName, 'tier', (t) => t);

    const names = new Set(ref.buckets.map((b) => b.bucketName));
    for (const g of ref.grants) {
      for (const b of g.buckets) {
        if (!names.has(b)) {
          out.push(fmt(ref.scope, { prop: `grant to "${g.consumer.name}": buckets`, value: b, rule: 'is not a bucket of this cluster (the policy would name a bucket nobody creates)', fix: `add it with cluster.addBucket("…", { name: "${b}" }) or grant an existing bucket` }));
        }
      }
    }
    const tiers = new Set([...ref.tiers.map((t) => t.tierName), ...(ref.props.existingTiers ?? [])]);
    for (const b of ref.buckets) {
      for (const tier of MinioLifecycle.tiersOf(b.lifecycle ?? [])) {
        if (!tiers.has(tier)) {
          out.push(fmt(b, { prop: 'lifecycle', value: tier, rule: 'transitions to a tier the cluster does not have (MinIO rejects the lifecycle import)', fix: `add it with cluster.addTier("${tier.toLowerCase()}", …) or list it in existingTiers` }));
        }
      }
      if (b.encryption && !ref.props.kes) {
        out.push(fmt(b, { prop: 'encryption', value: b.encryption, rule: 'server-side encryption needs KES on the cluster', fix: 'set kes on the MinioCluster or drop encryption' }));
      }
      if (b.notifications.length > 0 && !ref.eventQueue) {
        out.push(fmt(b, { prop: 'notifications', value: b.notifications.length, rule: 'notifications need the event queue volume so events survive restarts and broker outages', fix: 'set eventQueue: true on the cluster (before the first deployment: volume claim templates are immutable)' }));
      }
      out.push(...bucketNotificationErrors(ref, b));
    }
    out.push(...targetIdErrors(ref));
    return out;
  }

  private static checkKes(scope: Construct, kes: MinioKesOptions | undefined): void {
    if (!kes) return;
    if (kes.endpoints.length === 0) {
      throw edgeError(scope, { prop: 'kes.endpoints', value: [], rule: 'KES needs at least one endpoint', fix: 'pass e.g. ["https://kes.kes.svc.cluster.local:7373"]' });
    }
    for (const e of kes.endpoints) {
      if (!/^https:\/\/[^/\s,]+$/.test(e)) {
        throw edgeError(scope, { prop: 'kes.endpoints', value: e, rule: 'must be an https URL with host and optional port (KES only speaks TLS)', fix: 'use e.g. "https://kes.kes.svc.cluster.local:7373"' });
      }
    }
    if (!kes.keyName) {
      throw edgeError(scope, { prop: 'kes.keyName', value: '', rule: 'MinIO needs a default KES key', fix: 'create a key on KES and pass its name' });
    }
    if ((kes.apiKey === undefined) === (kes.clientCertificate === undefined)) {
      throw edgeError(scope, { prop: 'kes', value: kes.apiKey ? 'apiKey and clientCertificate' : 'neither apiKey nor clientCertificate', rule: 'MinIO authenticates to KES with exactly one of an API key or a client certificate', fix: 'set exactly one of apiKey and clientCertificate' });
    }
  }

  private constructor() {}
}
