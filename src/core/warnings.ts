import { IConstruct } from 'constructs';
import { EdgeMessages, ValidationMessageOptions } from './errors';

const METADATA_TYPE = 'cdk8s-edge-storage:warning';
const PRINTED = Symbol.for('cdk8s-edge-storage.warnings.printed');

/**
 * Warnings for legal-but-risky input. Each warning is recorded on the construct (readable with
 * {@link Warnings.collect}) and printed once to stderr when the app is validated at synth.
 *
 * Set the environment variable `EDGE_STORAGE_SILENCE_WARNINGS=1` to record without printing.
 */
export class Warnings {
  /** Record a warning on `scope`; printed at synth. */
  public static add(scope: IConstruct, message: string): void {
    const text = `[WARNING] ${message}`;
    if (scope.node.metadata.some((m) => m.type === METADATA_TYPE && m.data === text)) {
      return;
    }
    scope.node.addMetadata(METADATA_TYPE, text);
    scope.node.addValidation({
      validate: () => {
        const printed: Set<string> = ((scope as any)[PRINTED] ??= new Set<string>());
        if (!printed.has(text) && process.env.EDGE_STORAGE_SILENCE_WARNINGS !== '1') {
          console.warn(text);
        }
        printed.add(text);
        return [];
      },
    });
  }

  /** Record a warning worded like the library's errors (construct, prop, value, rule, fix). */
  public static addFormatted(scope: IConstruct, options: ValidationMessageOptions): void {
    Warnings.add(scope, EdgeMessages.format(scope, options));
  }

  /** Every warning recorded on `scope` and its descendants. */
  public static collect(scope: IConstruct): string[] {
    return scope.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === METADATA_TYPE).map((m) => String(m.data)));
  }

  private constructor() {}
}
