// Helpers shared by the cache constructs. Not re-exported from src/index.ts (jsii-invisible).
import { createHash } from 'crypto';
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { ValidationMessageOptions, Warnings, edgeError } from '../core';
import { CacheClientPeer } from './clients';
import { policyPeer } from '../core/network-policy';
import { Cidrs } from '../core/validate';

/** A rule broken by some input: what `edgeError` and `Warnings.addFormatted` print. */
export type Problem = ValidationMessageOptions;

/** The library's message format for a plain (non-construct) class: `<label>: <prop> = <value>: <rule>; <fix>`. */
export function plainMessage(label: string, p: Problem): string {
  const value = typeof p.value === 'string' ? `"${p.value}"` : JSON.stringify(p.value);
  return `${label}: ${p.prop} = ${value}: ${p.rule}; ${p.fix}`;
}

/** Throw the first error for `scope`; record every warning on it. */
export function report(scope: IConstruct, errors: Problem[], warnings: Problem[]): void {
  if (errors.length > 0) throw edgeError(scope, errors[0]);
  for (const w of warnings) Warnings.addFormatted(scope, w);
}

/** Size in bytes (exact for whole kibibytes). */
export function bytesOf(size: Size): number {
  return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
}

/** Size in whole kibibytes (rounded down). */
export function kibOf(size: Size): number {
  return Math.floor(size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }));
}

/** A size the way nginx reads it (`10g`, `512m`, `64k`), in the largest whole unit. */
export function nginxSize(size: Size): string {
  const kib = kibOf(size);
  if (kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)}g`;
  if (kib % 1024 === 0) return `${kib / 1024}m`;
  return `${kib}k`;
}

/** A human size for messages: `9.5 GiB`, `512 MiB`. */
export function humanSize(size: Size): string {
  const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  const units: Array<[string, number]> = [['TiB', 1024 ** 3], ['GiB', 1024 ** 2], ['MiB', 1024], ['KiB', 1]];
  for (const [unit, factor] of units) {
    if (kib >= factor) return `${Number((kib / factor).toFixed(2))} ${unit}`;
  }
  return `${kib} KiB`;
}

/** Milliseconds of a duration (fractional allowed). */
export function millisOf(d: Duration): number {
  return d.toMilliseconds({ integral: false });
}

/** A duration the way nginx reads it (`7d`, `12h`, `30m`, `45s`, `500ms`), in the largest whole unit. */
export function nginxDuration(d: Duration): string {
  const ms = Math.round(millisOf(d));
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  for (const [unit, factor] of units) {
    if (ms % factor === 0) return `${ms / factor}${unit}`;
  }
  return `${ms}ms`;
}

/** Whole seconds of a duration, rounded up (for Kubernetes fields). */
export function secondsCeil(d: Duration): number {
  return Math.ceil(millisOf(d) / 1000);
}

/** sha256 of a text (hex), for `checksum/config` pod annotations that roll pods when a ConfigMap changes. */
export function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** True for an integer in [min, max]. */
export function isIntIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

export { egressToDns, egressToPeer, peerSelector } from '../core/network-policy';

/** Characters that would end or escape an nginx directive argument. */
export const NGINX_UNSAFE = /[\s;{}"'\\#]/;

/** The NetworkPolicy peer for a cache client. */
export function clientPeer(peer: CacheClientPeer): k8s.NetworkPolicyPeer {
  return policyPeer(peer);
}

/** Problems with the clients given as `prop`. */
export function clientProblems(prop: string, peers: CacheClientPeer[]): Problem[] {
  const out: Problem[] = [];
  peers.forEach((peer, i) => {
    if (peer.cidr !== undefined && (peer.namespace !== undefined || peer.podLabels !== undefined)) {
      out.push({ prop: `${prop}[${i}]`, value: peer, rule: 'takes either a cidr or pods (namespace/podLabels), not both', fix: 'split it into two entries' });
    } else if (peer.cidr !== undefined && Cidrs.problem(peer.cidr)) {
      out.push({ prop: `${prop}[${i}].cidr`, value: peer.cidr, rule: `must be an address block in CIDR notation: ${Cidrs.problem(peer.cidr)}`, fix: 'use e.g. "10.20.0.0/16"' });
    }
  });
  return out;
}
