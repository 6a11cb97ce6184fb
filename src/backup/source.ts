import { Size, SizeRoundingBehavior } from 'cdk8s';
import { ContainerResources, IPersistentVolumeClaim } from 'cdk8s-plus-30';
import { ContainerImage, SecretKeyReference } from '../core';

/** Options for {@link BackupSource}. */
export interface BackupSourceOptions {
  /**
   * A directory inside the claim to back up or archive, relative to the claim's root (e.g. `recordings/cam-01`).
   * @default - the whole claim
   */
  readonly path?: string;
}

/**
 * A consistent copy of an application's data, written by the application's own tool (e.g. `influx backup`,
 * `pg_dump`) into a scratch directory just before the backup. Use it instead of a claim for databases that keep
 * changing their files while they run.
 */
export interface BackupDumpOptions {
  /** Image that carries the dump tool (usually the application's own image, which has its CLI). */
  readonly image: ContainerImage;
  /**
   * Shell script (`/bin/sh -c`) that writes the dump into the directory `$DUMP_DIR` and exits non-zero when it fails
   * (the backup then does not run).
   */
  readonly script: string;
  /**
   * Plain environment variables of the dump container.
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Environment variables taken from Secret keys (tokens, passwords).
   * @default - none
   */
  readonly secretEnv?: { [name: string]: SecretKeyReference };
  /**
   * Largest dump expected: the `sizeLimit` of the emptyDir it is written to (node disk; the kubelet evicts the pod
   * beyond it). Leave that much free ephemeral storage on the nodes.
   */
  readonly sizeLimit: Size;
  /**
   * Resources of the dump container.
   * @default - 100m CPU, 128Mi memory request and limit
   */
  readonly resources?: ContainerResources;
}

/**
 * The data a {@link ResticBackup} or an {@link RcloneArchive} reads: a PersistentVolumeClaim in the job's namespace,
 * optionally narrowed to a directory inside it.
 *
 * A ReadWriteOnce claim can only be mounted on the node that already mounts it: for such volumes set the job's
 * `colocateWithPodLabels` (LocalPV volumes carry node affinity and need nothing).
 */
export class BackupSource {
  /** A claim given by name. */
  public static fromClaimName(claimName: string, options: BackupSourceOptions = {}): BackupSource {
    return new BackupSource(claimName, options.path);
  }

  /** A cdk8s-plus PersistentVolumeClaim (one you define, or `PersistentVolumeClaim.fromClaimName`). */
  public static fromClaim(claim: IPersistentVolumeClaim, options: BackupSourceOptions = {}): BackupSource {
    return new BackupSource(claim.name, options.path);
  }

  /**
   * A dump written by an init container into an emptyDir, which the backup then reads (ResticBackup only).
   * @throws when the script is empty or the size limit is not positive
   */
  public static fromDump(options: BackupDumpOptions): BackupSource {
    if (typeof options.script !== 'string' || options.script.trim() === '') {
      throw new Error('BackupSource.fromDump: script = "": must not be empty; give the shell commands that write the dump into "$DUMP_DIR"');
    }
    if (!(options.sizeLimit.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) > 0)) {
      throw new Error('BackupSource.fromDump: sizeLimit = 0: must be positive; give the largest dump expected, e.g. Size.gibibytes(20)');
    }
    const source = new BackupSource('', undefined);
    (source as { dump?: BackupDumpOptions }).dump = options;
    return source;
  }

  /** Name of the claim (empty for a dump). */
  public readonly claimName: string;
  /**
   * The dump to take before the backup.
   * @default - none: the claim is read directly
   */
  public readonly dump?: BackupDumpOptions;
  /**
   * Directory inside the claim, without leading or trailing slashes.
   * @default - the whole claim
   */
  public readonly path?: string;

  private constructor(claimName: string, path?: string) {
    this.claimName = claimName;
    const trimmed = path?.replace(/^\/+|\/+$/g, '');
    this.path = trimmed ? trimmed : undefined;
  }
}
