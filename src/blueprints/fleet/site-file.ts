import { Construct, IConstruct } from 'constructs';
import { edgeError } from '../../core';
import { Shape } from '../../core/validate';

const SITE_FILE_SYMBOL = Symbol.for('cdk8s-edge-storage.FleetSiteFile');
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/**
 * The only extensions a site file may have: plain data that no GitOps tool reads as configuration from a folder.
 * Argo CD directory apps apply `*.yaml`, `*.yml`, `*.json` (and Jsonnet); kustomize and Flux read `kustomization.yaml`,
 * `kustomization.yml` and `Kustomization`; Helm reads `Chart.yaml`/`values.yaml`; Argo CD reads `.argocd-source*.yaml`.
 * An allow-list (rather than a list of forbidden names) keeps future configuration file names out as well.
 */
const ALLOWED_EXTENSIONS = ['md', 'txt', 'csv'];
const ALLOWED = new RegExp(`\\.(${ALLOWED_EXTENSIONS.join('|')})$`);

/** Props of {@link FleetSiteFile}. */
export interface FleetSiteFileProps {
  /**
   * File name inside the site's folder, e.g. `REPORT.md`. Letters, digits, `.`, `_`, `-` (at most 100, starting with a
   * letter or digit), ending in `.md`, `.txt` or `.csv` (lowercase): only names that no GitOps tool reads as
   * configuration, because Argo CD and Flux would apply such a file without the fleet's security baseline or
   * validators having seen it (`kustomization`, `Kustomization`, `*.yaml`, `*.json`… are refused).
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
    Shape.check(this, props);
    if (!FILE_NAME.test(props.fileName) || props.fileName.includes('..')) {
      throw edgeError(this, {
        prop: 'fileName',
        value: props.fileName,
        rule: 'must be a plain file name: 1–100 letters, digits, \'.\', \'_\' or \'-\', starting with a letter or digit, without \'..\' or \'/\'',
        fix: 'use a name like "REPORT.md"',
      });
    }
    if (!ALLOWED.test(props.fileName)) {
      const stem = props.fileName.replace(/\.[^.]*$/, '') || 'REPORT';
      throw edgeError(this, {
        prop: 'fileName',
        value: props.fileName,
        rule: `must end in ${ALLOWED_EXTENSIONS.map((e) => `.${e}`).join(', ')}: only names no GitOps tool reads as configuration are allowed (Argo CD and Flux apply kustomization files, *.yaml, *.yml, *.json and Jsonnet from a site folder without the fleet's security baseline or validators having seen them)`,
        fix: `use e.g. "${stem}.md" or "${stem}.txt"; put Kubernetes objects in a chart instead`,
      });
    }
    Object.defineProperty(this, SITE_FILE_SYMBOL, { value: true });
    this.fileName = props.fileName;
    this.content = props.content;
  }
}
