import { k8s } from 'cdk8s-plus-30';

/** Options for {@link RestrictedSecurity.podSecurityContext}. */
export interface RestrictedPodSecurityOptions {
  /**
   * UID all containers run as.
   * @default 65532
   */
  readonly runAsUser?: number;
  /**
   * GID all containers run as.
   * @default - same as runAsUser
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes (set it to the data's group so a backup job can read it).
   * @default - same as runAsGroup
   */
  readonly fsGroup?: number;
  /**
   * Only change volume ownership when it differs (`OnRootMismatch`): much faster on big volumes.
   * @default true
   */
  readonly fsGroupChangeOnRootMismatch?: boolean;
}

/** Options for {@link RestrictedSecurity.containerSecurityContext}. */
export interface RestrictedContainerSecurityOptions {
  /**
   * Mount the root filesystem read-only. Turn off only for images that must write outside their volumes.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Capabilities to add back after dropping ALL. Pod Security "restricted" allows only `NET_BIND_SERVICE`.
   * @default - none
   */
  readonly addCapabilities?: string[];
}

/**
 * Security contexts that meet Pod Security "restricted": non-root, no privilege escalation, all capabilities dropped,
 * RuntimeDefault seccomp, read-only root filesystem.
 *
 * Internal (not exported from the package; the building blocks import it from `src/core`).
 */
export class RestrictedSecurity {
  /** Default UID/GID (the "nonroot" user of distroless images; any non-zero UID works with restricted). */
  public static readonly DEFAULT_UID = 65532;

  /** A pod-level security context for "restricted". */
  public static podSecurityContext(options: RestrictedPodSecurityOptions = {}): k8s.PodSecurityContext {
    const runAsUser = options.runAsUser ?? RestrictedSecurity.DEFAULT_UID;
    const runAsGroup = options.runAsGroup ?? runAsUser;
    if (runAsUser === 0) {
      throw new Error('RestrictedSecurity: runAsUser = 0: Pod Security "restricted" forbids running as root; use a non-zero UID');
    }
    return {
      runAsNonRoot: true,
      runAsUser,
      runAsGroup,
      fsGroup: options.fsGroup ?? runAsGroup,
      ...(options.fsGroupChangeOnRootMismatch ?? true ? { fsGroupChangePolicy: 'OnRootMismatch' } : {}),
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }

  /** A container-level security context for "restricted". */
  public static containerSecurityContext(options: RestrictedContainerSecurityOptions = {}): k8s.SecurityContext {
    const add = options.addCapabilities ?? [];
    const illegal = add.filter((c) => c !== 'NET_BIND_SERVICE');
    if (illegal.length > 0) {
      throw new Error(`RestrictedSecurity: addCapabilities = ${JSON.stringify(illegal)}: Pod Security "restricted" only allows adding NET_BIND_SERVICE; listen on a port above 1023 instead`);
    }
    return {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: options.readOnlyRootFilesystem ?? true,
      capabilities: { drop: ['ALL'], ...(add.length > 0 ? { add } : {}) },
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }

  private constructor() {}
}
