import { IConstruct } from 'constructs';
import { edgeError } from '../errors';

/**
 * The check behind the shared enums (`Filesystem`, `ObjectEvent`): a construct accepts only the members its upstream
 * tool supports, and a refused member gets a message that names the ones it may use.
 */
export class EnumSubset {
  /**
   * Throws `<Class> "<path>": <prop> = <value>: <rule>; use <Enum>.<A> or <Enum>.<B>` unless `value` is one of
   * `supported`. `enumObject` and `enumName` let the fix name the members as the user writes them.
   */
  public static check(
    scope: IConstruct, prop: string, value: string, supported: readonly string[],
    enumName: string, enumObject: { [member: string]: string }, rule: string,
  ): void {
    if (supported.includes(value)) return;
    const names = supported.map((v) => `${enumName}.${Object.keys(enumObject).find((k) => enumObject[k] === v) ?? v}`);
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
    throw edgeError(scope, { prop, value, rule, fix: `use ${list}` });
  }

  private constructor() {}
}
