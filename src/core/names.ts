import { IConstruct } from 'constructs';
import { edgeError } from './errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Kubernetes object-name rules (DNS-1123), with messages in the library's style.
 *
 * Internal (not exported from the package; the building blocks import it from `src/core`).
 */
export class KubeNames {
  /** True when `value` is a DNS-1123 label: 1–63 chars of `a-z`, `0-9`, `-`, starting and ending alphanumeric. */
  public static isDns1123Label(value: string): boolean {
    return value.length >= 1 && value.length <= 63 && DNS1123_LABEL.test(value);
  }

  /** True when `value` is a DNS-1123 subdomain: at most 253 chars of dot-separated DNS-1123 labels. */
  public static isDns1123Subdomain(value: string): boolean {
    return value.length >= 1 && value.length <= 253 && value.split('.').every((part) => KubeNames.isDns1123Label(part));
  }

  /**
   * Throws unless `value` is a DNS-1123 label (names of Services, Namespaces, StatefulSets whose pods get DNS names).
   * @param scope the construct whose prop is checked (named in the message)
   * @param prop the prop name, e.g. `namespace`
   * @param value the value to check
   * @param maxLength a tighter limit when the name is used as a prefix (e.g. 52 for CronJobs)
   */
  public static assertDns1123Label(scope: IConstruct, prop: string, value: string, maxLength?: number): void {
    const limit = maxLength ?? 63;
    if (!KubeNames.isDns1123Label(value) || value.length > limit) {
      throw edgeError(scope, {
        prop,
        value,
        rule: `must be a DNS-1123 label: 1–${limit} characters, lowercase letters, digits and '-', starting and ending with a letter or digit`,
        fix: `use a name like "${KubeNames.suggest(value, limit)}"`,
      });
    }
  }

  /** Throws unless `value` is a DNS-1123 subdomain (names of ConfigMaps, Secrets, StorageClasses, most objects). */
  public static assertDns1123Subdomain(scope: IConstruct, prop: string, value: string): void {
    if (!KubeNames.isDns1123Subdomain(value)) {
      throw edgeError(scope, {
        prop,
        value,
        rule: 'must be a DNS-1123 subdomain: at most 253 characters, lowercase letters, digits, \'-\' and \'.\', each dot-separated part starting and ending with a letter or digit',
        fix: `use a name like "${KubeNames.suggest(value, 253)}"`,
      });
    }
  }

  /** A best-effort DNS-1123 rendering of `value`, used to suggest a fix. */
  public static suggest(value: string, maxLength: number = 63): string {
    const cleaned = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, maxLength).replace(/-+$/, '');
    return cleaned.length > 0 ? cleaned : 'my-name';
  }

  private constructor() {}
}
