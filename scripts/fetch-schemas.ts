/**
 * Downloads the pinned upstream schemas listed in schemas.lock.json into .schema-cache/, verifying every sha256.
 * Used when ../shared/schemas is not beside the repository (see scripts/schema-location.ts).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { SCHEMA_CACHE, SCHEMA_LOCK } from './schema-location';

interface LockEntry { path: string; url: string; sha256: string; bytes: number; lines?: { from: number; to: number } }

export function cutLines(text: string, from: number, to: number): string {
  const lines = text.split('\n');
  return lines.slice(from - 1, to).join('\n') + '\n';
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function main() {
  const lock: { files: LockEntry[] } = JSON.parse(fs.readFileSync(SCHEMA_LOCK, 'utf8'));
  const staging = `${SCHEMA_CACHE}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  let failures = 0;
  for (const entry of lock.files) {
    const res = await fetch(entry.url);
    if (!res.ok) {
      console.error(`FAIL ${entry.path}: HTTP ${res.status} for ${entry.url}`);
      failures++;
      continue;
    }
    let body: Buffer = Buffer.from(await res.arrayBuffer());
    if (entry.lines) body = Buffer.from(cutLines(body.toString('utf8'), entry.lines.from, entry.lines.to), 'utf8');
    const digest = sha256(body);
    if (digest !== entry.sha256) {
      console.error(`FAIL ${entry.path}: sha256 ${digest} does not match the lock (${entry.sha256})`);
      failures++;
      continue;
    }
    const target = path.join(staging, entry.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, body);
    console.log(`ok   ${entry.path} (${body.length} bytes)`);
  }
  if (failures > 0) {
    console.error(`${failures} file(s) failed; .schema-cache left unchanged`);
    process.exit(1);
  }
  fs.rmSync(SCHEMA_CACHE, { recursive: true, force: true });
  fs.renameSync(staging, SCHEMA_CACHE);
  console.log(`${lock.files.length} schema files verified into ${SCHEMA_CACHE}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
