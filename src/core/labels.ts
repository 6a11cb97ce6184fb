/** Options for {@link EdgeLabels.standard}. */
export interface StandardLabelsOptions {
  /** `app.kubernetes.io/name`: the application, e.g. `minio`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: this instance, usually the object name, e.g. `site-a-store`. */
  readonly instance: string;
  /**
   * `app.kubernetes.io/component`, e.g. `server`, `cache`, `backup`.
   * @default - no component label
   */
  readonly component?: string;
  /**
   * `app.kubernetes.io/version` (the image tag, for instance).
   * @default - no version label
   */
  readonly version?: string;
}

/**
 * The Kubernetes recommended labels the library puts on everything it emits.
 *
 * Internal (not exported from the package; the building blocks import it from `src/core`).
 */
export class EdgeLabels {
  /** `app.kubernetes.io/part-of` on every object. */
  public static readonly PART_OF = 'cdk8s-edge-storage';
  /** `app.kubernetes.io/managed-by` on every object. */
  public static readonly MANAGED_BY = 'cdk8s';

  /** All recommended labels for an object. */
  public static standard(options: StandardLabelsOptions): { [key: string]: string } {
    return {
      ...EdgeLabels.selector(options),
      ...(options.component ? { 'app.kubernetes.io/component': options.component } : {}),
      ...(options.version ? { 'app.kubernetes.io/version': EdgeLabels.labelValue(options.version) } : {}),
      'app.kubernetes.io/part-of': EdgeLabels.PART_OF,
      'app.kubernetes.io/managed-by': EdgeLabels.MANAGED_BY,
    };
  }

  /** The stable subset used in selectors (name + instance): never changes across upgrades. */
  public static selector(options: StandardLabelsOptions): { [key: string]: string } {
    return {
      'app.kubernetes.io/name': options.name,
      'app.kubernetes.io/instance': options.instance,
    };
  }

  /** Makes `value` a legal label value (≤ 63 chars of `[A-Za-z0-9._-]`, alphanumeric at both ends). */
  public static labelValue(value: string): string {
    return value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  }

  private constructor() {}
}
