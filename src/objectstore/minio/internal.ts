// Helpers shared by the MinIO constructs. This file is not re-exported from the package.
import { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import type { MinioBucket } from './bucket';
import type { MinioCluster, MinioClusterProps } from './cluster';
import type { MinioErasureLayout } from './erasure';
import type { MinioPolicy } from './policy';
import type { MinioTier } from './tier';
import { ContainerImage, edgeError, IObjectStore, ObjectStoreGrant, SecretKeyReference } from '../../core';
import { RestrictedWorkload } from '../../core/workload';

/** S3 API port of the servers. */
export const API_PORT = 9000;
/** Web console port of the servers. */
export const CONSOLE_PORT = 9001;
/** `minio server --certs-dir`: the projected certificates volume. */
export const CERTS_DIR = '/etc/minio/certs';
/** Mount path of the notification queue volume (`MINIO_NOTIFY_KAFKA_QUEUE_DIR`). */
export const QUEUE_DIR = '/var/minio/events';

/** The replication rule ID of a replication: its id, or `to-<bucket>`. */
export function replicationRuleId(r: { readonly id?: string; readonly bucket: string }): string {
  return r.id ?? `to-${r.bucket}`;
}

/**
 * What the parts of a MinioCluster (server.ts, provisioner.ts, notifications.ts, checks.ts) need of it. The cluster
 * builds one in its constructor and hands it to the parts, so they never import the cluster class (only, as types,
 * its props). The lists are the cluster's own arrays: the parts read them lazily, after every addXxx.
 */
export interface MinioClusterRef {
  /** The MinioCluster construct: scope of the objects the parts create and subject of their messages. */
  readonly scope: Construct;
  readonly props: MinioClusterProps;
  readonly name: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  /** `http` or `https`. */
  readonly scheme: string;
  readonly s3Endpoint: string;
  readonly headlessServiceName: string;
  readonly serviceName: string;
  readonly layout: MinioErasureLayout;
  readonly image: ContainerImage;
  readonly mcImage: ContainerImage;
  readonly eventQueue: boolean;
  readonly runAsUser: number;
  /** The servers: their labels and the pods they select. */
  readonly server: RestrictedWorkload;
  /** The provisioning Job: its labels and the pods it selects. */
  readonly provisioner: RestrictedWorkload;
  readonly caCertificate?: SecretKeyReference;
  readonly buckets: MinioBucket[];
  readonly policies: MinioPolicy[];
  readonly tiers: MinioTier[];
  readonly grants: ObjectStoreGrant[];
}

/**
 * The cluster's workload of `component` (`server` or `provisioner`, run from `image`). Both share the instance (the
 * cluster's name), so the component is part of the pod labels: each selects only its own pods.
 */
export function minioWorkload(name: string, namespace: string, component: string, image: ContainerImage): RestrictedWorkload {
  return new RestrictedWorkload({ app: MINIO_APP, instance: name, component, image, selectByComponent: true }, namespace);
}

/** `app.kubernetes.io/name` of a cluster's pods. */
export const MINIO_APP = 'minio';
/** `app.kubernetes.io/component` of the servers. */
export const SERVER_COMPONENT = 'server';
/** `app.kubernetes.io/component` of the provisioning Job. */
export const PROVISIONER_COMPONENT = 'provisioner';

/** The remote stores the cluster talks to (tiers, then replication targets), once each. */
export function remoteStores(ref: MinioClusterRef): IObjectStore[] {
  const stores: IObjectStore[] = [];
  for (const t of ref.tiers) if (!stores.includes(t.target)) stores.push(t.target);
  for (const b of ref.buckets) for (const r of b.replication) if (!stores.includes(r.target)) stores.push(r.target);
  return stores;
}

/** A projected-volume item of the servers' certs volume. */
export interface CertItem { readonly secret: string; readonly key: string; readonly path: string }

/** Volume items of the Secret `secret` as items of the projected certs volume, below `dir` when given. */
export function certItemsOf(secret: string, items: k8s.KeyToPath[], dir?: string): CertItem[] {
  return items.map((it) => ({ secret, key: it.key, path: dir ? `${dir}/${it.path}` : it.path }));
}

/** `MINIO_ROOT_USER`/`MINIO_ROOT_PASSWORD` from the root Secret (servers and the provisioning Job). */
export function rootEnv(ref: MinioClusterRef): k8s.EnvVar[] {
  return ref.props.rootCredentials.env({ accessKeyId: 'MINIO_ROOT_USER', secretAccessKey: 'MINIO_ROOT_PASSWORD' });
}

/**
 * Throws unless `cluster` is a MinioCluster (a secondary construct made from plain JavaScript or JSON may get anything);
 * `what` is the kind of child (`bucket`), `factory` the cluster's addXxx method.
 */
export function checkClusterProp(scope: Construct, cluster: MinioCluster, what: string, factory: string): void {
  const register = (cluster as unknown as { [key: string]: unknown })[`_register${what[0].toUpperCase()}${what.slice(1)}`];
  if (typeof register !== 'function') {
    const value = (cluster as { constructor?: { name?: string } }).constructor?.name ?? typeof cluster;
    throw edgeError(scope, {
      prop: 'cluster',
      value,
      rule: `must be a MinioCluster (only a MinioCluster's provisioning Job creates ${what === 'policy' ? 'policies' : `${what}s`})`,
      fix: `pass the MinioCluster the ${what} belongs to, or use cluster.${factory}(id, options)`,
    });
  }
}
