import { App } from 'cdk8s';
import { MATRIX, MatrixCase } from './input-matrix-cases';
import { synth } from '../support/harness';

type Grade = 'threw with construct + prop + value + fix' | 'threw weakly' | 'crashed' | 'produced YAML';

/** Grades one bad input: what the library did with it. */
function grade(k: MatrixCase): { grade: Grade; message: string } {
  let app: App;
  try {
    app = k.build(k.bad);
    synth(app);
  } catch (e) {
    const err = e as Error;
    if (!(err instanceof Error) || err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError) return { grade: 'crashed', message: String(err?.message ?? err) };
    const m = err.message;
    const namesConstruct = m.startsWith(`${k.construct} "`) || m.startsWith(`${k.construct}: `);
    const at = m.indexOf(`${k.prop} = `);
    const namesProp = at >= 0;
    const showsValue = namesProp && m.slice(at).includes(k.shown);
    const hasFix = namesProp && /; \S/.test(m.slice(at));
    return { grade: namesConstruct && namesProp && showsValue && hasFix ? 'threw with construct + prop + value + fix' : 'threw weakly', message: m };
  }
  return { grade: 'produced YAML', message: '' };
}

describe('input matrix (issue 16)', () => {
  test('has at least 80 mistakes across every class', () => {
    expect(MATRIX.length).toBeGreaterThanOrEqual(80);
    expect(new Set(MATRIX.map((k) => k.family))).toEqual(new Set(['schedule', 'zone', 'cidr', 'names', 'credentials', 'shape', 'blueprint']));
  });

  test.each(MATRIX.map((k) => [`${k.family}: ${k.mistake}`, k] as const))('%s: the control synthesizes', (_, k) => {
    expect(synth(k.build(k.good)).length).toBeGreaterThan(0);
  });

  test.each(MATRIX.map((k) => [`${k.family}: ${k.mistake}`, k] as const))('%s: refused, naming construct, prop, value and fix', (_, k) => {
    const g = grade(k);
    expect({ grade: g.grade, message: g.message }).toEqual({ grade: 'threw with construct + prop + value + fix', message: g.message });
  });
});
