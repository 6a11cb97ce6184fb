/**
 * A Velero server version: decides which fields and uploaders the generated objects may use.
 */
export class VeleroVersion {
  /** Velero 1.18.1: the version whose CRDs the library's objects are validated against (the default). */
  public static readonly V1_18_1 = new VeleroVersion(1, 18, 1);

  /**
   * Any version, as `1.17.2`, `v1.17.2` or `1.17`.
   * @throws when the text is not a version
   */
  public static of(version: string): VeleroVersion {
    const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(version.trim());
    if (!m) {
      throw new Error(`VeleroVersion: version = "${version}": not a Velero version; use e.g. "1.18.1"`);
    }
    return new VeleroVersion(Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3]));
  }

  /** Major version. */
  public readonly major: number;
  /** Minor version. */
  public readonly minor: number;
  /** Patch version. */
  public readonly patch: number;

  private constructor(major: number, minor: number, patch: number) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
  }

  /** `1.18.1`. */
  public get version(): string {
    return `${this.major}.${this.minor}.${this.patch}`;
  }

  /** True when this version is `major.minor` or later. */
  public isAtLeast(major: number, minor: number): boolean {
    return this.major > major || (this.major === major && this.minor >= minor);
  }

  /** Same as `version`. */
  public toString(): string {
    return this.version;
  }
}

/** The data mover Velero's node-agent uses for file-system backups (`velero install --uploader-type`). */
export enum VeleroUploader {
  /** Kopia: the default, and the only uploader Velero 1.17 and later accept for backups. */
  KOPIA = 'kopia',
  /**
   * Restic: deprecated; Velero 1.17 refuses to back up with it (restores of old restic backups work up to 1.18;
   * 1.19 removes the restic path entirely).
   */
  RESTIC = 'restic',
}
