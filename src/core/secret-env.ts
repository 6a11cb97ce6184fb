// Module-internal: the one way an env var is read from a Secret key (not re-exported from the package).
import { k8s } from 'cdk8s-plus-30';

/** An env var read from one Secret key. */
export function secretKeyEnv(envName: string, ref: { readonly name: string; readonly key: string }): k8s.EnvVar {
  return { name: envName, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}
