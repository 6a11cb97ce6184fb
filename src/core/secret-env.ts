// Module-internal: the one way an env var or a file is read from a single Secret key (not re-exported from the package).
import { k8s } from 'cdk8s-plus-30';

/** An env var read from one Secret key. */
export function secretKeyEnv(envName: string, ref: { readonly name: string; readonly key: string }): k8s.EnvVar {
  return { name: envName, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

/**
 * A Secret volume named `volumeName` holding only the key `ref.key`, as the file `path`. `defaultMode` only where the
 * pod sets an `fsGroup` (0440 without one leaves the file unreadable to a non-root user); otherwise the API's 0644.
 */
export function secretKeyVolume(
  volumeName: string, ref: { readonly name: string; readonly key: string }, path: string, defaultMode?: number,
): k8s.Volume {
  const mode = defaultMode !== undefined ? { defaultMode } : {};
  return { name: volumeName, secret: { secretName: ref.name, ...mode, items: [{ key: ref.key, path }] } };
}
