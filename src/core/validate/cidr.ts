import { invalid, Subject, warn } from './subject';

/** A parsed address block. */
interface ParsedCidr {
  readonly family: 4 | 6;
  readonly bits: number[];
  readonly prefix: number;
}

/**
 * IPv4 and IPv6 address blocks in CIDR notation, as NetworkPolicy `ipBlock.cidr` and the programs the library
 * configures take them: an address (dotted quad with octets 0-255 and no leading zeros, or an IPv6 address), a `/`,
 * and a prefix length 0-32 or 0-128. Host bits set below the prefix are legal but warned about.
 */
export class Cidrs {
  /** Why `value` is not a CIDR block, or undefined. */
  public static problem(value: string): string | undefined {
    if (typeof value !== 'string') return 'must be a string like "10.20.0.0/16"';
    const slash = value.indexOf('/');
    if (slash < 0) return 'has no prefix length ("/" and 0-32 for IPv4, 0-128 for IPv6)';
    const address = value.slice(0, slash);
    const prefixText = value.slice(slash + 1);
    const bits = Cidrs.parseV4(address) ?? Cidrs.parseV6(address);
    if (!bits) {
      if (/^[\d.]+$/.test(address)) return `"${address}" is not an IPv4 address (four decimal octets 0-255, no leading zeros)`;
      return `"${address}" is not an IPv4 or IPv6 address`;
    }
    const max = bits.length === 32 ? 32 : 128;
    if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > max) return `prefix length "${prefixText}" must be 0-${max}`;
    return undefined;
  }

  /** Throws unless `value` is a CIDR block; warns when host bits are set (the block is then the network part only). */
  public static check(subject: Subject, prop: string, value: string): void {
    const problem = Cidrs.problem(value);
    if (problem) {
      throw invalid(subject, { prop, value, rule: `must be an address block in CIDR notation: ${problem}`, fix: `use e.g. ${Cidrs.suggest(value)}` });
    }
    const network = Cidrs.network(value);
    if (network !== value) {
      warn(subject, { prop, value, rule: `host bits are set below the prefix, so the block is ${network}`, fix: `write "${network}" (or "/32" / "/128" for one host)` });
    }
  }

  /** Checks every entry of `values` (a list prop), naming `prop[i]`. */
  public static checkAll(subject: Subject, prop: string, values: string[] | undefined): void {
    if (values === undefined) return;
    if (!Array.isArray(values)) {
      throw invalid(subject, { prop, value: values, rule: 'must be a list of CIDR blocks', fix: `use [${JSON.stringify(String(values))}]` });
    }
    values.forEach((v, i) => Cidrs.check(subject, `${prop}[${i}]`, v));
  }

  /** The block with host bits cleared, e.g. `10.1.2.3/16` → `10.1.0.0/16`. */
  public static network(value: string): string {
    const [address, prefixText] = value.split('/');
    const parsed = Cidrs.parse(address, Number(prefixText));
    if (!parsed) return value;
    const bits = parsed.bits.map((b, i) => (i < parsed.prefix ? b : 0));
    return `${parsed.family === 4 ? Cidrs.formatV4(bits) : Cidrs.formatV6(bits)}/${parsed.prefix}`;
  }

  private static parse(address: string, prefix: number): ParsedCidr | undefined {
    const v4 = Cidrs.parseV4(address);
    if (v4) return { family: 4, bits: v4, prefix };
    const v6 = Cidrs.parseV6(address);
    return v6 ? { family: 6, bits: v6, prefix } : undefined;
  }

  private static suggest(value: string): string {
    if (typeof value === 'string' && Cidrs.parseV4(value)) return `"${value}/32" for one host or "${value.split('.').slice(0, 3).join('.')}.0/24" for its /24`;
    if (typeof value === 'string' && Cidrs.parseV6(value)) return `"${value}/128"`;
    return '"10.20.0.0/16" or "2001:db8::/32"';
  }

  private static parseV4(address: string): number[] | undefined {
    const parts = address.split('.');
    if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255)) return undefined;
    return parts.flatMap((p) => Cidrs.toBits(Number(p), 8));
  }

  private static parseV6(address: string): number[] | undefined {
    if (!/^[0-9a-fA-F:.]+$/.test(address) || address.split('::').length > 2) return undefined;
    const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
    const groups = (text: string): number[][] | undefined => {
      if (text === '') return [];
      const out: number[][] = [];
      const items = text.split(':');
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (i === items.length - 1 && item.includes('.')) {
          const v4 = Cidrs.parseV4(item);
          if (!v4) return undefined;
          out.push(v4.slice(0, 16), v4.slice(16));
        } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
          out.push(Cidrs.toBits(parseInt(item, 16), 16));
        } else {
          return undefined;
        }
      }
      return out;
    };
    const a = groups(head);
    const b = tail === undefined ? [] : groups(tail);
    if (!a || !b) return undefined;
    const missing = 8 - a.length - b.length;
    if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
    // Stryker disable next-line ConditionalExpression: without "::" the check above has made missing 0
    const zeros = Array.from({ length: tail === undefined ? 0 : missing }, () => Cidrs.toBits(0, 16));
    return [...a, ...zeros, ...b].flat();
  }

  private static toBits(n: number, width: number): number[] {
    return Array.from({ length: width }, (_, i) => Math.floor(n / 2 ** (width - 1 - i)) % 2);
  }

  private static formatV4(bits: number[]): string {
    return [0, 1, 2, 3].map((o) => parseInt(bits.slice(o * 8, o * 8 + 8).join(''), 2)).join('.');
  }

  private static formatV6(bits: number[]): string {
    const groups = [0, 1, 2, 3, 4, 5, 6, 7].map((g) => parseInt(bits.slice(g * 16, g * 16 + 16).join(''), 2));
    // Compress the longest run of zero groups (length ≥ 2), as RFC 5952 does.
    let best = -1;
    let bestLen = 0;
    // Stryker disable next-line EqualityOperator: at i = 8 groups[8] is undefined, not 0, so the loop ends the same way
    for (let i = 0; i < 8;) {
      if (groups[i] !== 0) { i++; continue; }
      let j = i;
      // Stryker disable next-line EqualityOperator: groups[8] is undefined, not 0
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
      i = j;
    }
    const hex = groups.map((g) => g.toString(16));
    if (best < 0) return hex.join(':');
    return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
  }

  private constructor() {}
}
