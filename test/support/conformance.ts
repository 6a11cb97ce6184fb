import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as YAML from 'yaml';
import { locateSchemas } from '../../scripts/schema-location';

/**
 * Schema conformance: validates manifests against the pinned upstream schemas (Kubernetes 1.30 `_definitions.json`
 * and the CRDs' `openAPIV3Schema`s) with unknown fields rejected. See docs/design.md §6.
 *
 * - `additionalProperties: false` is added wherever a schema lists `properties` (along properties/items/
 *   additionalProperties, not inside anyOf/oneOf/allOf) unless it says `x-kubernetes-preserve-unknown-fields`.
 * - `nullable` without `type` is dropped (it already accepts anything); we never emit null anyway.
 * - An unknown apiVersion/kind is an error.
 * - Validators are compiled lazily per kind; CRD files are parsed only when their API group is first needed.
 * - CEL rules (`x-kubernetes-validations`) are not run: constructs restate the ones they rely on.
 */

const K8S_DEFS_ID = 'k8s-defs';
/** CRD trees loaded; Strimzi 0.51.0 (v1beta2) is left out on purpose: the library targets Strimzi 1.x `v1` only. */
const CRD_EXCLUDE = [path.join('strimzi', '0.51.0')];

interface CrdFile { file: string; groups: string[] }

class SchemaRegistry {
  private readonly dir: string;
  private readonly ajv: Ajv;
  private readonly k8sKinds = new Map<string, string>();
  private readonly crdFiles: CrdFile[] = [];
  private readonly loadedGroups = new Set<string>();
  private readonly crdSchemas = new Map<string, any>();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    this.dir = locateSchemas();
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    for (const f of ['int32', 'int64', 'float', 'double', 'int-or-string', 'quantity']) this.ajv.addFormat(f, true);
    this.ajv.addVocabulary([
      'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-patch-merge-key',
      'x-kubernetes-patch-strategy', 'x-kubernetes-group-version-kind', 'x-kubernetes-unions',
      'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields',
      'x-kubernetes-validations',
    ]);
    const defs = JSON.parse(fs.readFileSync(path.join(this.dir, 'k8s-1.30', '_definitions.json'), 'utf8'));
    for (const [name, def] of Object.entries<any>(defs.definitions)) {
      for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        // Prefer the definition named after the kind (watch events share GVKs).
        if (name.endsWith(`.${gvk.kind}`)) this.k8sKinds.set(`${apiVersion}/${gvk.kind}`, name);
      }
      defs.definitions[name] = strictify(def);
    }
    this.ajv.addSchema({ $id: K8S_DEFS_ID, definitions: defs.definitions });
    this.indexCrdFiles(path.join(this.dir, 'crds'));
  }

  /** Every apiVersion/kind this registry can validate (loads all CRDs). */
  public knownKinds(): string[] {
    for (const f of this.crdFiles) f.groups.forEach((g) => this.loadGroup(g));
    return [...this.k8sKinds.keys(), ...this.crdSchemas.keys()].sort();
  }

  public validate(obj: any): string[] {
    if (!obj || typeof obj !== 'object') return [`not an object: ${JSON.stringify(obj)}`];
    const where = `${obj.apiVersion}/${obj.kind} "${obj.metadata?.namespace ? obj.metadata.namespace + '/' : ''}${obj.metadata?.name}"`;
    const nulls = findNulls(obj, '');
    if (nulls.length > 0) return nulls.map((p) => `${where}: null value at ${p} (never emit null)`);
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return [`${where}: apiVersion and kind are required`];
    if (typeof obj.metadata?.name !== 'string' || obj.metadata.name.length === 0) return [`${where}: metadata.name is required`];
    const validate = this.validatorFor(obj.apiVersion, obj.kind);
    if (!validate) return [`${where}: unknown apiVersion/kind: no pinned schema in ${this.dir} defines ${obj.apiVersion} ${obj.kind}`];
    if (validate(obj)) return [];
    return (validate.errors ?? []).map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as any).additionalProperty}"` : e.keyword === 'enum' ? ` ${JSON.stringify((e.params as any).allowedValues)}` : '';
      return `${where}: ${e.instancePath || '/'} ${e.message}${extra}`;
    });
  }

  private validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = `${apiVersion}/${kind}`;
    const cached = this.validators.get(key);
    if (cached) return cached;
    let schema: any;
    const k8sName = this.k8sKinds.get(key);
    if (k8sName) {
      schema = { $ref: `${K8S_DEFS_ID}#/definitions/${k8sName}` };
    } else {
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      this.loadGroup(group);
      schema = this.crdSchemas.get(key);
      if (!schema) return undefined;
    }
    const fn = this.ajv.compile(schema);
    this.validators.set(key, fn);
    return fn;
  }

  private indexCrdFiles(dir: string) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (CRD_EXCLUDE.some((x) => full.endsWith(x))) continue;
      if (entry.isDirectory()) {
        this.indexCrdFiles(full);
      } else if (/\.ya?ml$/.test(entry.name)) {
        const text = fs.readFileSync(full, 'utf8');
        const groups = [...text.matchAll(/^ {2}group: (\S+)\s*$/gm)].map((m) => m[1]);
        this.crdFiles.push({ file: full, groups: [...new Set(groups)] });
      }
    }
  }

  private loadGroup(group: string) {
    if (this.loadedGroups.has(group)) return;
    this.loadedGroups.add(group);
    for (const f of this.crdFiles.filter((c) => c.groups.includes(group))) {
      for (const doc of YAML.parseAllDocuments(fs.readFileSync(f.file, 'utf8'))) {
        const crd = doc.toJS({ maxAliasCount: -1 });
        if (crd?.kind !== 'CustomResourceDefinition' || crd.spec.group !== group) continue;
        for (const v of crd.spec.versions ?? []) {
          if (!v.served || !v.schema?.openAPIV3Schema) continue;
          const schema = strictify(v.schema.openAPIV3Schema);
          // CRD schemas leave metadata open; hold it to the real ObjectMeta.
          schema.properties = { ...schema.properties, metadata: { $ref: `${K8S_DEFS_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` } };
          schema.properties.apiVersion = { type: 'string', enum: [`${group}/${v.name}`] };
          schema.properties.kind = { type: 'string', enum: [crd.spec.names.kind] };
          this.crdSchemas.set(`${group}/${v.name}/${crd.spec.names.kind}`, schema);
        }
      }
    }
  }
}

/** Deep copy of a schema with unknown fields rejected and `nullable` made ajv-friendly (see module doc). */
export function strictify(schema: any, insideCombinator = false): any {
  if (Array.isArray(schema)) return schema.map((s) => strictify(s, insideCombinator));
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries<any>(schema)) {
    if (k === 'properties' || k === 'patternProperties' || k === 'definitions') {
      out[k] = Object.fromEntries(Object.entries<any>(v).map(([name, s]) => [name, strictify(s)]));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      out[k] = typeof v === 'object' ? strictify(v) : v;
    } else if (k === 'anyOf' || k === 'oneOf' || k === 'allOf') {
      out[k] = (v as any[]).map((s) => strictify(s, true));
    } else {
      out[k] = v;
    }
  }
  if (out.nullable !== undefined && out.type === undefined) delete out.nullable;
  if (out.properties && out.additionalProperties === undefined && !insideCombinator && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

function findNulls(value: any, at: string): string[] {
  if (value === null) return [at || '/'];
  if (typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => findNulls(v, `${at}/${k}`));
}

let registry: SchemaRegistry | undefined;

/** The process-wide registry (built on first use). */
export function schemas(): SchemaRegistry {
  return (registry ??= new SchemaRegistry());
}

/** Every schema violation in `manifests`, one line each. Empty means conformant. */
export function conformanceErrors(manifests: any[]): string[] {
  return manifests.flatMap((m) => schemas().validate(m));
}
