import { IPersistentVolumeClaim } from 'cdk8s-plus-30';

/** Options for {@link BackupSource}. */
export interface BackupSourceOptions {
  /**
   * A directory inside the claim to back up or archive, relative to the claim's root (e.g. `recordings/cam-01`).
   * @default - the whole claim
   */
  readonly path?: string;
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

  /** Name of the claim. */
  public readonly claimName: string;
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
