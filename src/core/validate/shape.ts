import { SHAPE_SPECS } from './shape-specs';
import { invalid, Subject } from './subject';

/** What {@link Shape.check} verifies beyond the generic walk. Paths are dotted; `a[]` means every entry of list `a`. */
export interface ShapeSpec {
  /** Props that must be present. */
  readonly required?: string[];
  /** Props that must be finite numbers when present. */
  readonly numbers?: string[];
  /** Props that must be strings when present. */
  readonly strings?: string[];
  /** Props that must be lists when present. */
  readonly arrays?: string[];
  /** Props that must be booleans when present. */
  readonly booleans?: string[];
}

const MAX_DEPTH = 6;

/**
 * The runtime shape guard every constructor runs first. TypeScript callers cannot get these wrong, but plain
 * JavaScript, JSON configs and `as any` can: `null` anywhere, `undefined` or `null` inside a list, `NaN`, a string
 * where a number is expected, a missing required prop. Each is reported naming the prop, instead of a
 * `Cannot read properties of undefined` later or a `null` written into YAML.
 */
export class Shape {
  /**
   * Throws on the first shape problem in `props`. Without `spec`, a construct's spec comes from its class (or the
   * nearest base class) in the generated SHAPE_SPECS.
   */
  public static check(subject: Subject, props: unknown, given?: ShapeSpec): void {
    const spec = given ?? Shape.specOf(subject);
    if (props === undefined || props === null || typeof props !== 'object' || Array.isArray(props)) {
      if (props === undefined && (spec.required ?? []).length === 0) return;
      throw invalid(subject, { prop: 'props', value: props === undefined ? 'undefined' : props, rule: 'must be an object of props', fix: `pass { ${(spec.required ?? []).map((r) => `${r}: …`).join(', ')} }` });
    }
    Shape.walk(subject, props, '', 0);
    for (const path of spec.required ?? []) {
      for (const { at, value } of Shape.resolve(props, path)) {
        if (value === undefined || value === null) {
          throw invalid(subject, { prop: at, value: value === null ? null : 'undefined', rule: 'is required', fix: `set ${at}` });
        }
      }
    }
    const typed: Array<[string[] | undefined, string, (v: unknown) => boolean, (v: unknown) => string]> = [
      [spec.numbers, 'a number', (v) => typeof v === 'number' && !Number.isNaN(v), (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? `write ${Number(v)} without quotes` : 'give a number')],
      [spec.strings, 'a string', (v) => typeof v === 'string', (v) => `write it in quotes: "${String(v)}"`],
      [spec.arrays, 'a list', (v) => Array.isArray(v), (v) => `wrap it in a list: [${JSON.stringify(v)}]`],
      [spec.booleans, 'true or false', (v) => typeof v === 'boolean', (v) => (v === 'true' || v === 'false' ? `write ${v} without quotes` : 'use true or false')],
    ];
    for (const [paths, what, ok, fix] of typed) {
      for (const path of paths ?? []) {
        for (const { at, value } of Shape.resolve(props, path)) {
          if (value !== undefined && !ok(value)) {
            throw invalid(subject, { prop: at, value, rule: `must be ${what}, got ${typeof value}`, fix: fix(value) });
          }
        }
      }
    }
  }

  private static specOf(subject: Subject): ShapeSpec {
    if (typeof subject === 'string') return {};
    for (let proto = Object.getPrototypeOf(subject); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      const spec = SHAPE_SPECS[proto.constructor.name];
      if (spec) return spec;
    }
    return {};
  }

  private static walk(subject: Subject, value: any, path: string, depth: number): void {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const at = `${path}[${i}]`;
        if (item === undefined || item === null) {
          throw invalid(subject, { prop: at, value: item === null ? null : 'undefined', rule: `the list ${path} has an empty (${item === null ? 'null' : 'undefined'}) entry`, fix: 'remove the entry or give a value' });
        }
        Shape.walk(subject, item, at, depth + 1);
      });
      return;
    }
    if (typeof value === 'number' && Number.isNaN(value)) {
      throw invalid(subject, { prop: path, value: String(value), rule: 'is not a number (NaN)', fix: 'give a number' });
    }
    if (!Shape.isPlain(value)) return;
    for (const [key, v] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (v === null) {
        throw invalid(subject, { prop: at, value: null, rule: 'null is not a value', fix: `omit ${at} to take the default, or give a value` });
      }
      Shape.walk(subject, v, at, depth + 1);
    }
  }

  private static isPlain(value: unknown): value is { [key: string]: unknown } {
    if (value === null || typeof value !== 'object') return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  }

  private static resolve(props: any, path: string): Array<{ at: string; value: unknown }> {
    let current: Array<{ at: string; value: any }> = [{ at: '', value: props }];
    for (const part of path.split('.')) {
      const each = part.endsWith('[]');
      const key = each ? part.slice(0, -2) : part;
      const next: Array<{ at: string; value: any }> = [];
      for (const c of current) {
        if (c.value === undefined || c.value === null || typeof c.value !== 'object') continue;
        const at = c.at === '' ? key : `${c.at}.${key}`;
        const v = c.value[key];
        if (each) {
          if (Array.isArray(v)) v.forEach((item, i) => next.push({ at: `${at}[${i}]`, value: item }));
        } else {
          next.push({ at, value: v });
        }
      }
      current = next;
    }
    return current;
  }

  private constructor() {}
}
