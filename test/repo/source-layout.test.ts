import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The shape of src/ (issue 18, "Done when"): files small enough to change, and an import graph without loops.
 *
 * (a) **File size.** A `src/**\/*.ts` file longer than {@link MAX_LINES} lines must say why it stays whole in its
 *     top-of-file comment: one line of that leading comment block (the comment lines before the first line of code)
 *     starts with `// Size: ` followed by the reason (at least {@link MIN_REASON} characters), e.g.
 *     `// Size: one nginx.conf generator whose sections share the same validated options; split pieces would pass them all.`
 *
 * (b) **Import loops.** The graph has one edge per relative `import … from './x'`, `export … from './x'`,
 *     side-effect `import './x'` and `import x = require('./x')` in src/, resolved to `x.ts` or `x/index.ts`. Type-only
 *     imports and exports (`import type`, `export type`, or braces whose every name is marked `type`) are left out:
 *     TypeScript erases them, so they cannot form a loop at run time. Every strongly connected component of more than
 *     one file is a loop, and the only one allowed is a **parent/child pair**: exactly two files in the same folder
 *     (a construct and the child construct it creates, where the child needs a value from its parent's file).
 *     Anything larger, or a pair across folders, fails.
 */
const MAX_LINES = 600;
const MIN_REASON = 20;
const SIZE_MARKER = '// Size: ';
const root = path.resolve(__dirname, '..', '..');

function sourceFiles(): string[] {
  return (fs.readdirSync(path.join(root, 'src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.posix.join('src', f.split(path.sep).join('/')))
    .sort();
}

/** Lines of the leading comment block: comment lines before the first line of code (blank lines skipped). */
export function leadingComment(text: string): string[] {
  const out: string[] = [];
  let inBlock = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (inBlock) {
      out.push(line);
      if (line.includes('*/')) inBlock = false;
      continue;
    }
    if (line === '') continue;
    if (line.startsWith('//')) {
      out.push(line);
      continue;
    }
    if (line.startsWith('/*')) {
      out.push(line);
      inBlock = !line.includes('*/');
      continue;
    }
    break;
  }
  return out;
}

/** Why a long file stays whole, from its `// Size: ` line; undefined when missing or too short to be a reason. */
export function sizeReason(text: string): string | undefined {
  const line = leadingComment(text).find((l) => l.startsWith(SIZE_MARKER));
  const reason = line?.slice(SIZE_MARKER.length).trim();
  return reason !== undefined && reason.length >= MIN_REASON ? reason : undefined;
}

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Whether an import/export clause names values (not only types). */
function carriesValues(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (!clause) return true; // import './x' runs the module
    if (clause.isTypeOnly) return false;
    if (clause.name) return true;
    const bindings = clause.namedBindings;
    if (!bindings || ts.isNamespaceImport(bindings)) return true;
    return bindings.elements.length === 0 || bindings.elements.some((e) => !e.isTypeOnly);
  }
  if (node.isTypeOnly) return false;
  const clause = node.exportClause;
  if (!clause || ts.isNamespaceExport(clause)) return true;
  return clause.elements.length === 0 || clause.elements.some((e) => !e.isTypeOnly);
}

/** The src files `file` imports values from (relative specifiers only). Throws on a specifier it cannot resolve. */
export function valueImports(file: string, text: string, exists: (p: string) => boolean): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specs: string[] = [];
  for (const st of sf.statements) {
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      if (carriesValues(st)) specs.push(st.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(st) && !st.isTypeOnly && ts.isExternalModuleReference(st.moduleReference)
      && ts.isStringLiteral(st.moduleReference.expression)) {
      specs.push(st.moduleReference.expression.text);
    }
  }
  return specs.filter((s) => s.startsWith('.')).map((s) => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), s));
    for (const candidate of [`${base}.ts`, `${base}/index.ts`]) if (exists(candidate)) return candidate;
    throw new Error(`${file}: cannot resolve import '${s}'`);
  });
}

/** Strongly connected components with more than one node (Tarjan), each sorted, in a stable order. */
export function loops(graph: { [node: string]: string[] }): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph[v] ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of Object.keys(graph).sort()) if (!index.has(v)) visit(v);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/** The allowed loop: exactly two files in one folder (a construct and the child it creates). */
export function isParentChildPair(component: string[]): boolean {
  return component.length === 2 && path.posix.dirname(component[0]) === path.posix.dirname(component[1]);
}

describe('the checks themselves', () => {
  test('a loop of three files is found; a two-file loop in one folder is a parent/child pair, across folders it is not', () => {
    const found = loops({ 'a/x.ts': ['a/y.ts'], 'a/y.ts': ['a/z.ts'], 'a/z.ts': ['a/x.ts'], 'b/p.ts': ['b/c.ts'], 'b/c.ts': ['b/p.ts'], 'c/q.ts': ['d/r.ts'], 'd/r.ts': ['c/q.ts'], 'e/s.ts': ['a/x.ts'] });
    expect(found).toEqual([['a/x.ts', 'a/y.ts', 'a/z.ts'], ['b/c.ts', 'b/p.ts'], ['c/q.ts', 'd/r.ts']]);
    expect(found.map(isParentChildPair)).toEqual([false, true, false]);
  });

  test('type-only imports and exports are not edges; value and side-effect imports are', () => {
    const exists = (p: string) => ['src/a/b.ts', 'src/a/c/index.ts'].includes(p);
    const text = [
      "import type { T } from './b';",
      "import { type U, type V } from './b';",
      "export type { W } from './b';",
      "import { X } from './b';",
      "export { Y } from './c';",
      "import './b';",
      "import { k8s } from 'cdk8s-plus-30';",
    ].join('\n');
    expect(valueImports('src/a/m.ts', text, exists)).toEqual(['src/a/b.ts', 'src/a/c/index.ts', 'src/a/b.ts']);
    expect(() => valueImports('src/a/m.ts', "import { Z } from './missing';", exists)).toThrow(/cannot resolve import '.\/missing'/);
  });

  test('the size reason must be a `// Size: ` line of the leading comment, and say something', () => {
    expect(sizeReason('// Size: one generator whose sections share the validated options.\nimport { x } from "y";\n')).toBeDefined();
    expect(sizeReason('/**\n * Intro.\n */\n// Size: one generator whose sections share the validated options.\nconst a = 1;\n')).toBeDefined();
    expect(sizeReason('// Size: big\nconst a = 1;\n')).toBeUndefined();
    expect(sizeReason('const a = 1;\n// Size: one generator whose sections share the validated options.\n')).toBeUndefined();
  });
});

describe('src/', () => {
  const files = sourceFiles();
  const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]));

  test(`no file above ${MAX_LINES} lines without a "${SIZE_MARKER.trim()}" reason at its top`, () => {
    const offenders = files
      .filter((f) => lineCount(texts.get(f)!) > MAX_LINES && sizeReason(texts.get(f)!) === undefined)
      .map((f) => `${f}: ${lineCount(texts.get(f)!)} lines; split it by concern or state why it stays whole in a top-of-file line "${SIZE_MARKER}<reason>"`);
    expect(offenders).toEqual([]);
  });

  test('the import graph has no loop other than a parent/child pair', () => {
    const graph: { [file: string]: string[] } = {};
    for (const f of files) graph[f] = valueImports(f, texts.get(f)!, (p) => texts.has(p));
    expect(Object.values(graph).flat().length).toBeGreaterThan(files.length); // the parser found the imports at all
    const bad = loops(graph).filter((c) => !isParentChildPair(c)).map((c) => `loop of ${c.length} files: ${c.join(', ')}`);
    expect(bad).toEqual([]);
  });
});
