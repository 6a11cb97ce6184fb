import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { edgeError, EdgeLabels, KubeNames, Warnings } from '../core';
import { Shape } from '../core/validate';

/** What happens to a PersistentVolume when its claim is deleted. */
export enum ReclaimPolicy {
  /** Delete the volume and its data (the Kubernetes default). */
  DELETE = 'Delete',
  /** Keep the volume for manual recovery; an admin deletes it. */
  RETAIN = 'Retain',
}

/** When a volume is provisioned and bound. */
export enum VolumeBindingMode {
  /** Wait until a pod using the claim is scheduled, so the volume is created on that pod's node. */
  WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer',
  /** Provision as soon as the claim exists (only sensible for network-attached/replicated storage). */
  IMMEDIATE = 'Immediate',
}

/** A node-label requirement limiting where volumes may be provisioned. */
export interface TopologyRequirement {
  /** Node label key, e.g. `kubernetes.io/hostname` or `topology.kubernetes.io/zone`. */
  readonly key: string;
  /** Accepted label values. */
  readonly values: string[];
}

/** Props every storage class construct accepts. */
export interface StorageClassCommonProps {
  /**
   * The StorageClass name that claims refer to.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * What happens to a volume when its claim is deleted.
   * @default ReclaimPolicy.DELETE
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /**
   * Let claims grow after creation.
   * @default - true where the driver supports expansion, false otherwise
   */
  readonly allowVolumeExpansion?: boolean;
  /**
   * Restrict provisioning to nodes matching all of these label requirements.
   * @default - any node
   */
  readonly allowedTopologies?: TopologyRequirement[];
  /**
   * Mark this class as the cluster default (annotation `storageclass.kubernetes.io/is-default-class`).
   * @default false
   */
  readonly isDefault?: boolean;
  /**
   * Mount options passed to the filesystem.
   * @default - none
   */
  readonly mountOptions?: string[];
  /**
   * When volumes are provisioned. Local volumes must wait for the first consumer.
   * @default VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER
   */
  readonly volumeBindingMode?: VolumeBindingMode;
}

/** The driver-specific part a storage class construct hands to {@link EdgeStorageClass}. */
export interface StorageClassDriverSpec {
  /** The provisioner / CSI driver name. */
  readonly provisioner: string;
  /**
   * Driver parameters.
   * @default - none
   */
  readonly parameters?: { [key: string]: string };
  /**
   * Extra annotations (driver configuration carried in annotations).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /** Volumes live on one node: binding must wait for the first consumer. */
  readonly nodeLocal: boolean;
  /** Whether the driver can expand volumes. */
  readonly supportsExpansion: boolean;
  /**
   * Binding mode when the user gives none.
   * @default VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER
   */
  readonly defaultBindingMode?: VolumeBindingMode;
}

/**
 * Base of the library's StorageClass constructs: names, labels, the common props and their rules.
 */
export abstract class EdgeStorageClass extends Construct {
  /** The name claims use in `storageClassName`. */
  public readonly storageClassName: string;
  /** The provisioner (CSI driver) of this class. */
  public readonly provisioner: string;
  /** The underlying StorageClass (escape hatch). */
  public readonly apiObject: k8s.KubeStorageClass;

  protected constructor(scope: Construct, id: string, props: StorageClassCommonProps, driver: StorageClassDriverSpec) {
    super(scope, id);
    Shape.check(this, props);
    this.storageClassName = props.name ?? id;
    this.provisioner = driver.provisioner;
    KubeNames.assertDns1123Subdomain(this, 'name', this.storageClassName);

    const bindingMode = props.volumeBindingMode ?? driver.defaultBindingMode ?? VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER;
    if (driver.nodeLocal && bindingMode !== VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER) {
      throw edgeError(this, {
        prop: 'volumeBindingMode',
        value: bindingMode,
        rule: 'a node-local volume must be created on the node where its pod is scheduled; Immediate binding picks a node before the scheduler does and pods then fail to schedule',
        fix: 'use VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER (the default)',
      });
    }
    if (props.allowVolumeExpansion === true && !driver.supportsExpansion) {
      throw edgeError(this, {
        prop: 'allowVolumeExpansion',
        value: true,
        rule: `the ${driver.provisioner} provisioner cannot expand volumes`,
        fix: 'leave allowVolumeExpansion unset, or use a driver that supports expansion (LVM or ZFS LocalPV, Longhorn)',
      });
    }
    for (const t of props.allowedTopologies ?? []) {
      if (t.key.length === 0 || t.values.length === 0) {
        throw edgeError(this, {
          prop: 'allowedTopologies',
          value: t,
          rule: 'each requirement needs a label key and at least one value',
          fix: 'e.g. { key: "kubernetes.io/hostname", values: ["edge-node-1"] }',
        });
      }
    }

    const annotations: { [key: string]: string } = { ...driver.annotations };
    if (props.isDefault) {
      annotations['storageclass.kubernetes.io/is-default-class'] = 'true';
    }
    const params = driver.parameters ?? {};
    this.apiObject = new k8s.KubeStorageClass(this, 'Resource', {
      metadata: {
        name: this.storageClassName,
        labels: EdgeLabels.standard({ name: 'storage-class', instance: this.storageClassName, component: 'storage' }),
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      provisioner: driver.provisioner,
      ...(Object.keys(params).length > 0 ? { parameters: params } : {}),
      reclaimPolicy: props.reclaimPolicy ?? ReclaimPolicy.DELETE,
      volumeBindingMode: bindingMode,
      allowVolumeExpansion: props.allowVolumeExpansion ?? driver.supportsExpansion,
      ...(props.mountOptions && props.mountOptions.length > 0 ? { mountOptions: props.mountOptions } : {}),
      ...(props.allowedTopologies && props.allowedTopologies.length > 0
        ? { allowedTopologies: [{ matchLabelExpressions: props.allowedTopologies.map((t) => ({ key: t.key, values: t.values })) }] }
        : {}),
    });
    if (props.reclaimPolicy === ReclaimPolicy.RETAIN && driver.nodeLocal) {
      Warnings.add(this, `${this.constructor.name} "${this.node.path}": reclaimPolicy = "Retain" on node-local volumes leaves data and PersistentVolumes behind on the node after claims are deleted; clean them up by hand or use Delete`);
    }
  }
}

/** What happens to the snapshot content when a VolumeSnapshot is deleted. */
export enum SnapshotDeletionPolicy {
  /** Delete the underlying snapshot too. */
  DELETE = 'Delete',
  /** Keep the underlying snapshot. */
  RETAIN = 'Retain',
}

/** Options for a VolumeSnapshotClass. */
export interface VolumeSnapshotClassOptions {
  /**
   * Name of the VolumeSnapshotClass.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * What happens to the snapshot content when the VolumeSnapshot is deleted.
   * @default SnapshotDeletionPolicy.DELETE
   */
  readonly deletionPolicy?: SnapshotDeletionPolicy;
  /**
   * Mark as the default snapshot class for its driver.
   * @default false
   */
  readonly isDefault?: boolean;
}

/** Props of {@link CsiVolumeSnapshotClass}. */
export interface CsiVolumeSnapshotClassProps extends VolumeSnapshotClassOptions {
  /** The CSI driver that takes the snapshots. */
  readonly driver: string;
  /**
   * Driver parameters.
   * @default - none
   */
  readonly parameters?: { [key: string]: string };
}

/**
 * A `snapshot.storage.k8s.io/v1` VolumeSnapshotClass. Needs the external-snapshotter CRDs and controller
 * (v8.x) on the cluster.
 */
export class CsiVolumeSnapshotClass extends Construct {
  /** The class name VolumeSnapshots refer to. */
  public readonly snapshotClassName: string;
  /** The underlying object (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: CsiVolumeSnapshotClassProps) {
    super(scope, id);
    Shape.check(this, props);
    this.snapshotClassName = props.name ?? id;
    KubeNames.assertDns1123Subdomain(this, 'name', this.snapshotClassName);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotClass',
      metadata: {
        name: this.snapshotClassName,
        labels: EdgeLabels.standard({ name: 'volume-snapshot-class', instance: this.snapshotClassName, component: 'storage' }),
        ...(props.isDefault ? { annotations: { 'snapshot.storage.kubernetes.io/is-default-class': 'true' } } : {}),
      },
      driver: props.driver,
      deletionPolicy: props.deletionPolicy ?? SnapshotDeletionPolicy.DELETE,
      ...(props.parameters && Object.keys(props.parameters).length > 0 ? { parameters: props.parameters } : {}),
    });
  }
}
