import { IConstruct } from 'constructs';
import { EdgeMessages, ValidationMessageOptions } from '../errors';
import { Warnings } from '../warnings';

/**
 * Who a validation message is about: a construct (named by class and path) or, for value classes that have no
 * scope (e.g. `ExternalObjectStore`), a plain label.
 */
export type Subject = IConstruct | string;

/** The library-style message for `subject`: `<Type> "<path>": <prop> = <value>: <rule>; <fix>`. */
export function messageFor(subject: Subject, options: ValidationMessageOptions): string {
  if (typeof subject !== 'string') return EdgeMessages.format(subject, options);
  const value = typeof options.value === 'string' ? `"${options.value}"` : JSON.stringify(options.value);
  return `${subject}: ${options.prop} = ${value}: ${options.rule}; ${options.fix}`;
}

/** An Error carrying `messageFor(subject, options)`. */
export function invalid(subject: Subject, options: ValidationMessageOptions): Error {
  return new Error(messageFor(subject, options));
}

/** Records a warning when `subject` is a construct (scope-less subjects cannot carry warnings). */
export function warn(subject: Subject, options: ValidationMessageOptions): void {
  if (typeof subject !== 'string') Warnings.addFormatted(subject, options);
}
