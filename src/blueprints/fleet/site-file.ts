import { Construct, IConstruct } from 'constructs';
import { edgeError } from '../../core';

const SITE_FILE_SYMBOL = Symbol.for('cdk8s-edge-storage.FleetSiteFile');
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Extensions GitOps tools read as manifests from a folder (Argo CD directory apps, kustomize/Flux). */
const MANIFEST_EXTENSIONS = /\.(ya?ml|json|jsonnet|libsonnet)$/i;

/** Props of {@link FleetSiteFile}. */
export interface FleetSiteFileProps {
  /**
   * File name inside the site's folder, e.g. `REPORT.md`. Letters, digits, `.`, `_`, `-` (at most 100, starting with a
   * letter or digit); not a manifest extension (`.yaml`, `.yml`, `.json`, `.jsonnet`, `.libsonnet`), because GitOps
   * tools would try to apply it.
   */
  readonly fileName: string;
  /** The file's text (written as UTF-8). */
  readonly content: string;
}

/**
 * A non-manifest file (typically the site's Markdown report) that {@link Fleet} writes into the site's folder next
 * to its `*.k8s.yaml` manifests. Add it anywhere in the site's construct tree. Plain `app.synth()` ignores it, so
 * the manifests are the same with or without it.
 */
export class FleetSiteFile extends Construct {
  /** The conventional name of a site report. */
  public static readonly REPORT_FILE_NAME = 'REPORT.md';

  /** True when `x` is a {@link FleetSiteFile}. */
  public static isFleetSiteFile(x: any): x is FleetSiteFile {
    return x !== null && typeof x === 'object' && SITE_FILE_SYMBOL in x;
  }

  /** Adds the site's report as `REPORT.md`. */
  public static report(scope: Construct, markdown: string): FleetSiteFile {
    return new FleetSiteFile(scope, 'FleetReport', { fileName: FleetSiteFile.REPORT_FILE_NAME, content: markdown });
  }

  /** Every {@link FleetSiteFile} under `scope` (scope included), in construct-tree order. */
  public static findAll(scope: IConstruct): FleetSiteFile[] {
    return scope.node.findAll().filter((c): c is FleetSiteFile => FleetSiteFile.isFleetSiteFile(c));
  }

  /** The file name. */
  public readonly fileName: string;
  /** The file's text. */
  public readonly content: string;

  constructor(scope: Construct, id: string, props: FleetSiteFileProps) {
    super(scope, id);
    if (!FILE_NAME.test(props.fileName) || props.fileName.includes('..')) {
      throw edgeError(this, {
        prop: 'fileName',
        value: props.fileName,
        rule: 'must be a plain file name: 1–100 letters, digits, \'.\', \'_\' or \'-\', starting with a letter or digit, without \'..\' or \'/\'',
        fix: 'use a name like "REPORT.md"',
      });
    }
    if (MANIFEST_EXTENSIONS.test(props.fileName)) {
      throw edgeError(this, {
        prop: 'fileName',
        value: props.fileName,
        rule: 'must not use a manifest extension (.yaml, .yml, .json, .jsonnet, .libsonnet): GitOps tools apply every such file in a site folder',
        fix: `use a non-manifest extension, e.g. "${props.fileName.replace(MANIFEST_EXTENSIONS, '')}.md" or ".txt"`,
      });
    }
    Object.defineProperty(this, SITE_FILE_SYMBOL, { value: true });
    this.fileName = props.fileName;
    this.content = props.content;
  }
}
