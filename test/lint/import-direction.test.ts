import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// docs/design.md §2: imports flow core <- building blocks <- blueprints, and building blocks meet only through core.
// These tests lint small snippets as if they lived at the given paths, with the project's own eslint config.
const root = path.resolve(__dirname, '..', '..');
const eslintBin = path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');

/**
 * Lint `code` as a temporary file in `dir` with the project's eslint config (the typed parser needs a real file).
 * Returns the import-direction messages; throws on any parse error so a broken setup cannot pass silently.
 */
async function restrictedPathErrors(dir: string, code: string): Promise<string[]> {
  const absDir = path.join(root, dir);
  const created = !fs.existsSync(absDir);
  fs.mkdirSync(absDir, { recursive: true });
  const file = path.join(absDir, `lint-probe-${process.pid}.ts`);
  fs.writeFileSync(file, code);
  try {
    const res = spawnSync(process.execPath, [eslintBin, '--no-ignore', '--format', 'json', file], {
      cwd: root, encoding: 'utf8', env: { ...process.env, ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
    });
    const [result] = JSON.parse(res.stdout);
    const fatal = result.messages.filter((m: any) => m.fatal || !m.ruleId);
    if (fatal.length > 0) throw new Error(`eslint could not lint the probe: ${JSON.stringify(fatal)}`);
    return result.messages.filter((m: any) => m.ruleId === 'import/no-restricted-paths').map((m: any) => m.message);
  } finally {
    fs.rmSync(file, { force: true });
    if (created) fs.rmSync(absDir, { recursive: true, force: true });
  }
}

test('core must not import a building block', async () => {
  expect(await restrictedPathErrors('src/core', "import { LvmLocalPvStorageClass } from '../storage';\nexport const x = LvmLocalPvStorageClass;\n"))
    .toEqual([expect.stringMatching(/src\/core is the bottom layer/)]);
});

test('a building block must not import another building block', async () => {
  expect(await restrictedPathErrors('src/cache', "import { LvmLocalPvStorageClass } from '../storage';\nexport const x = LvmLocalPvStorageClass;\n"))
    .toEqual([expect.stringMatching(/src\/cache must not import src\/storage/)]);
});

test('a building block may import core', async () => {
  expect(await restrictedPathErrors('src/cache', "import { KubeNames } from '../core';\nexport const x = KubeNames;\n")).toEqual([]);
});
