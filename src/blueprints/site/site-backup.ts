import { SecretKeyReference } from '../../core';

/** Velero settings every site blueprint accepts. */
export interface SiteVeleroOptions {
  /**
   * Velero's credentials file (an AWS-style file under this key of a Secret in Velero's namespace) for the backup
   * location: keys of the cloud bucket, or with `siteLocal` the same keys as the site store's `velero` grant.
   */
  readonly veleroCredential: SecretKeyReference;
  /**
   * Velero's namespace.
   * @default 'velero'
   */
  readonly veleroNamespace?: string;
  /**
   * Labels of Velero's pods, used only with `siteLocal` (the site store admits them). `velero install` labels its
   * pods `component: velero` / `deploy: velero`, the Helm chart `app.kubernetes.io/name: velero`: the default admits
   * both by admitting every pod of Velero's namespace.
   * @default - every pod of veleroNamespace
   */
  readonly veleroPodLabels?: { [key: string]: string };
  /**
   * Keep the backups in the site's own store instead of the cloud. They then share the site's failure domain and a
   * restore needs the store they protect: only for labs or a second copy.
   * @default false
   */
  readonly siteLocal?: boolean;
  /**
   * URL the Velero CLI downloads logs and descriptions from, when the location's URL is cluster-internal (always the
   * case with siteLocal).
   * @default - the location's URL (a warning when it is cluster-internal)
   */
  readonly publicUrl?: string;
}
