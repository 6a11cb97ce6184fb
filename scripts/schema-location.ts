import * as fs from 'fs';
import * as path from 'path';

/** Repository root (this file lives in scripts/). */
export const REPO_ROOT = path.resolve(__dirname, '..');
/** Where `npm run fetch-schemas` puts the downloaded schemas. */
export const SCHEMA_CACHE = path.join(REPO_ROOT, '.schema-cache');
/** The committed lock file: upstream URL + sha256 for every schema file. */
export const SCHEMA_LOCK = path.join(REPO_ROOT, 'schemas.lock.json');

const MARKER = path.join('k8s-1.30', '_definitions.json');

/**
 * The schema folder the tests use: `$EDGE_STORAGE_SCHEMAS`, else `../shared/schemas` beside the repository,
 * else the cache filled by `npm run fetch-schemas`. Throws with instructions when none holds the schemas.
 */
export function locateSchemas(env: NodeJS.ProcessEnv = process.env, repoRoot: string = REPO_ROOT): string {
  const candidates: Array<[string, string]> = [];
  if (env.EDGE_STORAGE_SCHEMAS) candidates.push(['$EDGE_STORAGE_SCHEMAS', path.resolve(env.EDGE_STORAGE_SCHEMAS)]);
  candidates.push(['../shared/schemas', path.resolve(repoRoot, '..', 'shared', 'schemas')]);
  candidates.push(['.schema-cache (npm run fetch-schemas)', path.join(repoRoot, '.schema-cache')]);
  for (const [, dir] of candidates) {
    if (fs.existsSync(path.join(dir, MARKER))) return dir;
  }
  throw new Error([
    'Upstream schemas not found. The conformance tests validate every manifest against the pinned Kubernetes 1.30 and',
    'CRD schemas and never skip. Looked in:',
    ...candidates.map(([label, dir]) => `  - ${label}: ${dir}`),
    'Fix: run `npm run fetch-schemas` (downloads the files listed in schemas.lock.json and checks their sha256),',
    'or point EDGE_STORAGE_SCHEMAS at a folder laid out like ../shared/schemas.',
  ].join('\n'));
}
