import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ObjectStoreAccess, ObjectStoreGrant, RequiredSecret } from '../../core';

/** A data path shown in a site report's flowchart. */
export interface DataPath {
  /** Source node label, e.g. `Cameras`. */
  readonly from: string;
  /** Destination node label, e.g. `MinIO (4 × 1 drives, EC:2)`. */
  readonly to: string;
  /** What flows, e.g. `5-min segments (S3 PUT)`. */
  readonly label: string;
}

/** Something that must be installed on the cluster for a site to work. */
export interface Prerequisite {
  /** Component, e.g. `Strimzi operator`. */
  readonly component: string;
  /** Version(s), e.g. `1.x (kafka.strimzi.io/v1, KRaft)`. */
  readonly version: string;
  /** Why the site needs it. */
  readonly purpose: string;
}

/** Inputs of {@link SiteReport.render}. */
export interface SiteReportOptions {
  /** Report title. */
  readonly title: string;
  /** Markdown of the capacity section (the planner's table with inputs and formula). */
  readonly capacityMarkdown: string;
  /** Extra lines under the capacity table (e.g. hardware fit). */
  readonly capacityNotes: string[];
  /** Prerequisites. */
  readonly prerequisites: Prerequisite[];
  /** Data paths for the flowchart. */
  readonly dataPaths: DataPath[];
  /** The construct whose objects are listed as components. */
  readonly scope: IConstruct;
  /**
   * Access grants (who may do what on which store).
   * @default - none
   */
  readonly grants?: ObjectStoreGrant[];
  /**
   * Secrets the operator must create.
   * @default - none
   */
  readonly secrets?: RequiredSecret[];
  /**
   * What of the site's data path the library's test suite runs with the real programs (one sentence per test file),
   * shown under the flowchart as "Proved by".
   * @default - no line
   */
  readonly provedBy?: string[];
}

/**
 * Renders a site's Markdown report: capacity, components and images, prerequisites, data-path flowchart.
 *
 * Internal (not exported from the package; the library's files and the tests import it by path).
 */
export class SiteReport {
  /** Render the report. */
  public static render(o: SiteReportOptions): string {
    const lines: string[] = [`# ${o.title}`, '', '## Capacity', '', o.capacityMarkdown.trim(), ''];
    for (const n of o.capacityNotes) lines.push(`- ${n}`);
    if (o.capacityNotes.length > 0) lines.push('');
    lines.push('## Components', '', '| kind | name | namespace | images |', '| --- | --- | --- | --- |');
    const objects = o.scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((a) => a.toJson());
    const counts = new Map<string, number>();
    for (const m of objects) {
      counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
      const images = SiteReport.imagesOf(m);
      if (images.length === 0 && !SiteReport.MAJOR_KINDS.has(m.kind)) continue;
      lines.push(`| ${m.kind} | ${m.metadata?.name ?? ''} | ${m.metadata?.namespace ?? ''} | ${images.map((i) => `\`${i}\``).join(', ')} |`);
    }
    lines.push('', `Objects: ${objects.length} (${[...counts.entries()].sort().map(([k, n]) => `${n} ${k}`).join(', ')}).`, '');
    lines.push('## Prerequisites', '', '| component | version | needed for |', '| --- | --- | --- |');
    for (const p of o.prerequisites) lines.push(`| ${p.component} | ${p.version} | ${p.purpose} |`);
    const grants = o.grants ?? [];
    if (grants.length > 0) {
      lines.push('', '## Access grants', '', 'Each consumer has its own store user and a policy naming only these buckets and actions.', '',
        '| consumer | pods | access | buckets | policy | keys Secret |', '| --- | --- | --- | --- | --- | --- |');
      for (const g of grants) {
        const pods = Object.keys(g.consumer.podLabels).length > 0
          ? `${g.consumer.namespace}: ${Object.entries(g.consumer.podLabels).map(([k, v]) => `${k}=${v}`).join(', ')}`
          : `${g.consumer.namespace}: every pod`;
        const access = g.access === ObjectStoreAccess.READ_WRITE ? 'read + write' : g.access === ObjectStoreAccess.WRITE ? 'write (upload only)' : 'read';
        lines.push(`| ${g.consumer.name} | ${pods} | ${access} | ${g.buckets.join(', ')}${g.prefix ? ` (prefix ${g.prefix})` : ''} | ${g.policyName} | ${g.credentials.secretName} |`);
      }
    }
    const secrets = o.secrets ?? [];
    if (secrets.length > 0) {
      lines.push('', '## Secrets to create', '', 'The manifests only reference these Secrets; create them before applying.', '',
        '| Secret | namespace | keys | read by |', '| --- | --- | --- | --- |');
      for (const s of secrets) lines.push(`| ${s.name} | ${s.namespace} | ${s.keys.join(', ')} | ${s.purpose} |`);
      const policies = secrets.filter((s) => s.policy !== undefined);
      if (policies.length > 0) {
        lines.push('', '## Key policies', '', 'Keys you create on a store the site does not provision need only these permissions; give them nothing else.');
        for (const s of policies) lines.push('', `${s.name} (namespace ${s.namespace}):`, '', '```json', s.policy!.trim(), '```');
      }
    }
    lines.push('', '## Data paths', '', '```mermaid', 'flowchart LR');
    const ids = new Map<string, string>();
    const id = (label: string) => {
      if (!ids.has(label)) ids.set(label, `n${ids.size}`);
      return ids.get(label)!;
    };
    for (const p of o.dataPaths) {
      lines.push(`  ${id(p.from)}["${SiteReport.escape(p.from)}"] -->|"${SiteReport.escape(p.label)}"| ${id(p.to)}["${SiteReport.escape(p.to)}"]`);
    }
    lines.push('```', '');
    const proofs = o.provedBy ?? [];
    if (proofs.length > 0) lines.push(`Proved by: ${proofs.join(' ')}`, '');
    return lines.join('\n');
  }

  private static readonly MAJOR_KINDS = new Set([
    'CephCluster', 'CephObjectStore', 'CephFilesystem', 'Kafka', 'KafkaNodePool', 'KafkaMirrorMaker2', 'KafkaTopic',
    'BackupStorageLocation', 'Schedule', 'StorageClass', 'Namespace', 'ResourceQuota',
  ]);

  private static imagesOf(m: any): string[] {
    const spec = m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template?.spec : m.kind === 'Pod' ? m.spec : m.spec?.template?.spec;
    if (!spec) return [];
    return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c: any) => c.image).filter((i: any) => typeof i === 'string');
  }

  private static escape(s: string): string {
    return s.replace(/"/g, '#quot;');
  }

  private constructor() {}
}
