import * as fs from 'fs';
import * as path from 'path';
import { cutLines, sha256 } from '../../scripts/fetch-schemas';
import { locateSchemas, SCHEMA_LOCK } from '../../scripts/schema-location';

// The lock file that `npm run fetch-schemas` downloads from must describe exactly the schemas the tests use.
const lock = JSON.parse(fs.readFileSync(SCHEMA_LOCK, 'utf8'));
const dir = locateSchemas();

test('every pinned file is in the lock with a matching sha256 and size', () => {
  for (const entry of lock.files) {
    const data = fs.readFileSync(path.join(dir, entry.path));
    expect({ path: entry.path, sha256: sha256(data), bytes: data.length }).toEqual({ path: entry.path, sha256: entry.sha256, bytes: entry.bytes });
    expect(entry.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\//);
  }
});

test('every schema file in the folder is locked', () => {
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.relative(dir, path.join(d, e.name))]));
  const onDisk = walk(dir).filter((p) => p !== 'SOURCES.md').sort();
  expect(lock.files.map((e: any) => e.path).sort()).toEqual(onDisk);
});

test('line cutting keeps the 1-based inclusive range and ends with a newline', () => {
  expect(cutLines('a\nb\nc\nd\n', 2, 3)).toBe('b\nc\n');
});

test('the schema locator prefers $EDGE_STORAGE_SCHEMAS and explains how to get schemas when none are found', () => {
  expect(locateSchemas({ EDGE_STORAGE_SCHEMAS: dir }, '/nonexistent/repo')).toBe(path.resolve(dir));
  expect(locateSchemas({ EDGE_STORAGE_SCHEMAS: '/nonexistent' })).toBe(dir); // falls through to the next candidate
  expect(() => locateSchemas({}, '/nonexistent/repo')).toThrow(/Upstream schemas not found[\s\S]*Fix: run `npm run fetch-schemas`[\s\S]*EDGE_STORAGE_SCHEMAS/);
});
