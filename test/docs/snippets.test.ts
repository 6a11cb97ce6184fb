// Every TypeScript block in README.md and docs/ compiles against the library's sources (conventions in
// test/docs/snippets.ts and docs/design.md, "Documentation snippets"). One compiler program checks all of them.
import { checkSnippets, documentationSnippets, extractSnippets, Snippet } from './snippets';

const snippets = documentationSnippets();

test('the documentation has TypeScript blocks, and none is skipped', () => {
  const files = new Set(snippets.map((s) => s.file));
  expect([...files]).toEqual(expect.arrayContaining(['README.md', 'docs/access.md', 'docs/minio.md', 'docs/video.md']));
  const skipped = snippets.filter((s) => s.skip).map((s) => `${s.file}:${s.line} (${s.skip})`);
  // None today. A block that truly cannot compile carries `<!-- snippet: skip — reason -->` and is listed here.
  expect(skipped).toEqual([]);
});

test('every TypeScript block of README.md and docs/ compiles against src/', () => {
  // Two controls ride in the same program: a wrong type inside a block and an undeclared name in a context comment
  // must be reported at their Markdown lines, or the check could not notice a broken block.
  const controls: Snippet[] = [
    ...extractSnippets('control-a.md', ['# control', '', '```ts', 'const site = new App();', "const n: number = 'four';", '```'].join('\n')),
    ...extractSnippets('control-b.md', ['<!-- snippet-context', 'declare const chart: Chartt;', '-->', '```typescript', 'chart.node.id;', '```'].join('\n')),
  ];
  const problems = checkSnippets([...snippets, ...controls]);
  const report = (ps: typeof problems) => ps.map((p) => `${p.where}: ${p.message}`).join('\n');

  const fromControls = problems.filter((p) => p.where.startsWith('control-'));
  expect(report(fromControls)).toMatch(/^control-a\.md:5:7: Type 'string' is not assignable to type 'number'\.$/m);
  expect(report(fromControls)).toMatch(/^control-b\.md:2 \(snippet-context\): Cannot find name 'Chartt'/m);

  expect(report(problems.filter((p) => !p.where.startsWith('control-')))).toBe('');
});
