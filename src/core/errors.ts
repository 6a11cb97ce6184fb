import { IConstruct } from 'constructs';

/**
 * What a validation message must say (docs/design.md §5): the prop, the bad value, the rule, and the fix.
 */
export interface ValidationMessageOptions {
  /** The prop (or derived quantity) that is wrong, e.g. `dataChunks+codingChunks`. */
  readonly prop: string;
  /** The offending value, rendered with `JSON.stringify` unless it is already a string. */
  readonly value: any;
  /** The rule that the value breaks. */
  readonly rule: string;
  /** What the user should do instead. */
  readonly fix: string;
}

/**
 * Builds the library's error and warning messages so that every construct words them the same way:
 * `MinioCluster "site/Store": parity = 5: must be at most half the erasure set (4); use parity 2…4`.
 *
 * Internal (not exported from the package; the building blocks import it from `src/core`).
 */
export class EdgeMessages {
  /** The message text for `construct`: `<Type> "<path>": <prop> = <value>: <rule>; <fix>`. */
  public static format(construct: IConstruct, options: ValidationMessageOptions): string {
    const value = typeof options.value === 'string' ? `"${options.value}"` : JSON.stringify(options.value);
    return `${EdgeMessages.label(construct)}: ${options.prop} = ${value}: ${options.rule}; ${options.fix}`;
  }

  /** `<ConstructClass> "<construct path>"`, the prefix every message starts with. */
  public static label(construct: IConstruct): string {
    return `${construct.constructor.name} "${construct.node.path}"`;
  }

  private constructor() {}
}

/** An `Error` carrying `EdgeMessages.format(construct, options)`: throw it from constructors. */
export function edgeError(construct: IConstruct, options: ValidationMessageOptions): Error {
  return new Error(EdgeMessages.format(construct, options));
}
