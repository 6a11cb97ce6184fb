import { invalid, Subject, warn } from './subject';

/** Which engine reads the pattern. */
export type RegexFlavor = 're2' | 'ecmascript';

/**
 * Regular expressions handed to upstream filters (Rook `deviceFilter` and LVM `vgpattern` are Go RE2; Ceph RGW
 * notification `regex` filters are ECMAScript std::regex). The pattern must compile, must not use constructs the
 * engine lacks, and must not be a shell glob such as `*.mp4`.
 */
export class Patterns {
  /** Throws unless `pattern` is a usable regular expression for `flavor`; warns when it looks like a glob. */
  public static check(subject: Subject, prop: string, pattern: string | undefined, flavor: RegexFlavor, example: string): void {
    if (pattern === undefined) return;
    if (typeof pattern !== 'string' || pattern.length === 0) {
      throw invalid(subject, { prop, value: pattern ?? '', rule: 'must be a non-empty valid regular expression', fix: `omit it or use e.g. "${example}"` });
    }
    const glob = Patterns.globToRegex(pattern);
    let compileError: string | undefined;
    try {
      new RegExp(pattern);
    } catch (e) {
      compileError = (e as Error).message.replace(/^Invalid regular expression: /, '');
    }
    if (compileError !== undefined) {
      const looksGlob = /^\*|[^\\.\])]\*|\?$/.test(pattern) || pattern.startsWith('*');
      throw invalid(subject, {
        prop,
        value: pattern,
        rule: looksGlob ? 'is a shell glob, not a regular expression (in a regex "*" repeats the character before it)' : `must be a valid regular expression (${compileError})`,
        fix: looksGlob ? `write it as a regex: "${glob}"` : `use e.g. "${example}"`,
      });
    }
    if (flavor === 're2' && /\(\?<?[=!]|\\[1-9]/.test(pattern)) {
      throw invalid(subject, { prop, value: pattern, rule: 'uses lookaround or a backreference, which Go (RE2) regular expressions do not support', fix: `rewrite it without them, e.g. "${example}"` });
    }
    if (/^\*\.|[^.\\\])]\*\.[A-Za-z0-9]+$/.test(pattern) || /^[^\\^$()[\]|+]*\*\.[A-Za-z0-9]+$/.test(pattern)) {
      warn(subject, { prop, value: pattern, rule: 'looks like a shell glob; as a regular expression "*" repeats the character before it and "." matches any character', fix: `if you meant the glob, use "${glob}"` });
    }
  }

  /** A regex equivalent of the glob `glob` (`*` → `.*`, `?` → `.`, dots escaped, anchored). */
  public static globToRegex(glob: string): string {
    const body = glob.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c)).join('');
    return `^${body}$`;
  }

  private constructor() {}
}
