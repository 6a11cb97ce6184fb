/**
 * The TypeScript blocks of the documentation, type-checked against the library's sources (not a test file; used by
 * snippets.test.ts). Conventions (also in docs/design.md, "Documentation snippets"):
 *
 * - Every fenced block whose info string is `ts` or `typescript` in README.md and docs/**\/*.md is compiled, each as a
 *   module of its own, with `cdk8s-edge-storage` mapped to src/index.ts.
 * - A block with no `import` line is a fragment: it gets every export of the library and the common cdk8s names
 *   (`App`, `Chart`, `Size`, `Duration`, `Cron`, `ApiObject`) imported for it.
 * - Names a fragment assumes beyond those are declared in a comment directly above the block:
 *   `<!-- snippet-context` … TypeScript declarations … `-->`. They are compiled with the block.
 * - `<!-- snippet: skip — reason -->` directly above a block leaves it out; keep these rare, with a reason.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** One fenced TypeScript block of a Markdown file. */
export interface Snippet {
  /** Path relative to the repository root, e.g. `docs/minio.md`. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The block's text, its fence indentation removed. */
  readonly code: string;
  /** Declarations from a `snippet-context` comment, if any. */
  readonly context?: string;
  /** 1-based line where the `snippet-context` comment starts. */
  readonly contextLine?: number;
  /** The reason given by a `snippet: skip` comment; the block is not compiled. */
  readonly skip?: string;
}

const OPEN = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;

/** The fenced `ts`/`typescript` blocks of one Markdown text. */
export function extractSnippets(file: string, text: string): Snippet[] {
  const lines = text.split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let close = i + 1;
    const closeRe = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    while (close < lines.length && !closeRe.test(lines[close])) close++;
    if (close >= lines.length) throw new Error(`${file}:${i + 1}: unterminated code block`);
    if (lang === 'ts' || lang === 'typescript') {
      const body = lines.slice(i + 1, close).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
      out.push({ file, line: i + 1, code: body.join('\n'), ...markers(file, lines, i) });
    }
    i = close;
  }
  return out;
}

/** The `snippet…` HTML comments stacked directly above the fence at index `fence` (no blank line between). */
function markers(file: string, lines: string[], fence: number): Pick<Snippet, 'context' | 'contextLine' | 'skip'> {
  const found: { context?: string; contextLine?: number; skip?: string } = {};
  let end = fence - 1;
  while (end >= 0 && lines[end].trim().endsWith('-->')) {
    let start = end;
    while (start >= 0 && !lines[start].includes('<!--')) start--;
    if (start < 0) throw new Error(`${file}:${end + 1}: '-->' without '<!--'`);
    const comment = lines.slice(start, end + 1).join('\n');
    const inner = comment.slice(comment.indexOf('<!--') + 4, comment.lastIndexOf('-->'));
    const skip = /^\s*snippet:\s*skip\b\s*[—:-]?\s*(.*)$/s.exec(inner);
    const context = /^\s*snippet-context\b[^\n]*\n([\s\S]*)$/.exec(inner);
    if (skip) {
      if (!skip[1].trim()) throw new Error(`${file}:${start + 1}: 'snippet: skip' needs a reason`);
      found.skip = skip[1].trim();
    } else if (context) {
      found.context = context[1].replace(/\s+$/, '');
      found.contextLine = start + 2; // the first declaration line
    } else if (/^\s*snippet\b/.test(inner)) {
      throw new Error(`${file}:${start + 1}: unknown snippet marker "${inner.trim()}"`);
    }
    end = start - 1;
  }
  return found;
}

/** README.md and every Markdown file under docs/, relative to the repository root. */
export function documentationFiles(root = REPO_ROOT): string[] {
  const files = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) files.push(rel);
    }
  };
  walk('docs');
  return files;
}

/** Every TypeScript block of the documentation. */
export function documentationSnippets(root = REPO_ROOT): Snippet[] {
  return documentationFiles(root).flatMap((f) => extractSnippets(f, fs.readFileSync(path.join(root, f), 'utf8')));
}

/** One compiler diagnostic, placed in the Markdown file. */
export interface SnippetProblem {
  readonly where: string;
  readonly message: string;
}

const CDK8S_NAMES = ['ApiObject', 'App', 'Chart', 'Cron', 'Duration', 'Size'];

function compilerOptions(root: string): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    inlineSourceMap: false,
    inlineSources: false,
    rootDir: undefined,
    outDir: undefined,
    // Snippets show calls for their effect; an unused name in them is not a mistake.
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: ['node'],
    paths: { 'cdk8s-edge-storage': [path.join(root, 'src', 'index.ts')] },
  };
}

/**
 * Type-checks every snippet in one program (the library's sources are checked once for all of them) and returns
 * each diagnostic with the Markdown file and line it comes from.
 */
export function checkSnippets(snippets: Snippet[], root = REPO_ROOT): SnippetProblem[] {
  const options = compilerOptions(root);
  const dir = path.join(root, 'test', 'docs', '.snippets');
  const host = ts.createCompilerHost(options, true);
  const parsed = new Map<string, ts.SourceFile | undefined>(); // the library's files, parsed once for both passes
  const virtual = new Map<string, { text: string; snippet: Snippet; prefixLines: number; contextLines: number }>();

  // Pass 1: the library's export names, for the fragments' implicit import.
  const indexFile = path.join(dir, '__exports.ts');
  const indexText = "export * from 'cdk8s-edge-storage';\n";
  const baseHost: ts.CompilerHost = {
    ...host,
    fileExists: (f) => f === indexFile || virtual.has(f) || host.fileExists(f),
    readFile: (f) => (f === indexFile ? indexText : virtual.get(f)?.text ?? host.readFile(f)),
    getSourceFile: (f, lang, onError, create) => {
      const text = f === indexFile ? indexText : virtual.get(f)?.text;
      if (text !== undefined) return ts.createSourceFile(f, text, lang, true);
      if (!parsed.has(f)) parsed.set(f, host.getSourceFile(f, lang, onError, create));
      return parsed.get(f);
    },
  };
  const first = ts.createProgram({ rootNames: [indexFile], options, host: baseHost });
  const checker = first.getTypeChecker();
  const indexSymbol = checker.getSymbolAtLocation(first.getSourceFile(indexFile)!);
  const libraryNames = indexSymbol ? checker.getExportsOfModule(indexSymbol).map((s) => s.name).sort() : [];
  if (libraryNames.length === 0) {
    return [{ where: 'src/index.ts', message: 'could not read the library exports' }, ...first.getOptionsDiagnostics().map((d) => ({
      where: 'compiler options', message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }))];
  }
  const cdk8sNames = CDK8S_NAMES.filter((n) => !libraryNames.includes(n));
  const implicitImports = `import { ${cdk8sNames.join(', ')} } from 'cdk8s';\nimport { ${libraryNames.join(', ')} } from 'cdk8s-edge-storage';\n`;

  // Pass 2: every snippet as a module of its own.
  snippets.filter((s) => !s.skip).forEach((s, n) => {
    const fragment = !/^\s*import\s/m.test(s.code);
    const prefix = `${fragment ? implicitImports : ''}${s.context ? `${s.context}\n` : ''}`;
    const contextLines = s.context ? s.context.split('\n').length : 0;
    const prefixLines = prefix.split('\n').length - 1;
    const name = path.join(dir, `${s.file.replace(/[^\w.-]/g, '_')}_${s.line}_${n}.ts`);
    virtual.set(name, { text: `${prefix}${s.code}\nexport {};\n`, snippet: s, prefixLines, contextLines });
  });
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host: baseHost });

  const problems: SnippetProblem[] = program.getOptionsDiagnostics().concat(program.getGlobalDiagnostics()).map((d) => ({
    where: 'compiler options', message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
  for (const [name, v] of virtual) {
    const sf = program.getSourceFile(name)!;
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line; // 0-based in the virtual file
      const column = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).character;
      const contextStart = v.prefixLines - v.contextLines;
      let where: string;
      if (line >= v.prefixLines) where = `${v.snippet.file}:${v.snippet.line + 1 + line - v.prefixLines}:${column + 1}`;
      else if (line >= contextStart && v.snippet.contextLine) where = `${v.snippet.file}:${v.snippet.contextLine + line - contextStart} (snippet-context)`;
      else where = `${v.snippet.file}:${v.snippet.line} (implicit imports)`;
      problems.push({ where, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') });
    }
  }
  return problems;
}
