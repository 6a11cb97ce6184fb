import { invalid, Subject } from './subject';
import { KubeNames } from '../names';

/**
 * Names the API server validates inside objects the library writes: keys of Secrets and ConfigMaps (what
 * `secretKeyRef.key` points at) and PersistentVolumeClaim names.
 */
export class KeyNames {
  /** Why `key` is not a valid Secret/ConfigMap key, or undefined. */
  public static secretKeyProblem(key: string): string | undefined {
    if (typeof key !== 'string' || key.length === 0) return 'must not be empty';
    if (key.length > 253) return `must be at most 253 characters (is ${key.length})`;
    if (key === '.' || key === '..') return 'must not be "." or ".."';
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) return "may only contain letters, digits, '-', '_' and '.'";
    return undefined;
  }

  /** Throws unless `key` is a valid Secret key (the API server refuses e.g. spaces and '/' in `secretKeyRef.key`). */
  public static checkSecretKey(subject: Subject, prop: string, key: string | undefined): void {
    if (key === undefined) return;
    const problem = KeyNames.secretKeyProblem(key);
    if (problem) {
      const suggestion = String(key).replace(/[^-._a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 253);
      const fix = suggestion !== '' && suggestion !== key && !KeyNames.secretKeyProblem(suggestion) ? `use a key like "${suggestion}" (and store the value under it)` : 'use a key like "password"';
      throw invalid(subject, { prop, value: key, rule: `not a valid Secret key: ${problem}`, fix });
    }
  }

  /** Throws unless `name` is a valid Secret, ConfigMap or PersistentVolumeClaim name (a DNS-1123 subdomain). */
  public static checkObjectName(subject: Subject, prop: string, name: string | undefined, kind: string = 'object'): void {
    if (name === undefined) return;
    if (typeof name !== 'string' || !KubeNames.isDns1123Subdomain(name)) {
      const suggestion = KubeNames.suggest(String(name), 253);
      throw invalid(subject, {
        prop,
        value: name,
        rule: `not a valid ${kind} name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters`,
        fix: `use the ${kind}'s real name, e.g. "${suggestion === name ? 'data' : suggestion}"`,
      });
    }
  }

  /** Checks every claim name in `names`, naming `prop[i]`. */
  public static checkClaimNames(subject: Subject, prop: string, names: string[] | undefined): void {
    (names ?? []).forEach((n, i) => KeyNames.checkObjectName(subject, `${prop}[${i}]`, n, 'PersistentVolumeClaim'));
  }

  /**
   * Checks a `{ name, key }` Secret reference's name and key. Empty parts are left to the construct's own check,
   * which says what the reference is for.
   */
  public static checkSecretRef(subject: Subject, prop: string, ref: { readonly name: string; readonly key: string } | undefined): void {
    if (ref === undefined || typeof ref !== 'object' || !ref.name || !ref.key) return;
    KeyNames.checkObjectName(subject, `${prop}.name`, ref.name, 'Secret');
    KeyNames.checkSecretKey(subject, `${prop}.key`, ref.key);
  }

  private constructor() {}
}
