import { Duration } from 'cdk8s';
import { ValidationMessageOptions } from '../../core';

/** Move objects to a remote tier after a delay. */
export interface LifecycleTransition {
  /** Delay after object creation (or after becoming noncurrent); whole days, 0 = as soon as the scanner runs. */
  readonly after: Duration;
  /**
   * Name of the remote tier (upper case, as MinIO stores it), added with `MinioCluster.addTier` or configured
   * out of band.
   */
  readonly tier: string;
}

/**
 * One lifecycle (ILM) rule of a bucket. Rendered to the S3 lifecycle JSON that `mc ilm import` reads.
 */
export interface LifecycleRule {
  /**
   * Rule ID (unique per bucket).
   * @default `rule-<n>`, n = 1-based position
   */
  readonly id?: string;
  /**
   * Whether the rule is active.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Only objects whose key starts with this prefix.
   * @default - every object
   */
  readonly prefix?: string;
  /**
   * Only objects carrying all these tags.
   * @default - no tag filter
   */
  readonly tags?: { [key: string]: string };
  /**
   * Delete current object versions this long after creation (whole days, at least 1).
   * @default - never
   */
  readonly expiration?: Duration;
  /**
   * Remove delete markers that no longer hide any version (versioned buckets). Cannot be combined with `expiration`
   * in one rule.
   * @default false
   */
  readonly expireDeleteMarkers?: boolean;
  /**
   * Move current versions to a remote tier; must come before `expiration`.
   * @default - no transition
   */
  readonly transition?: LifecycleTransition;
  /**
   * Delete noncurrent versions this long after they become noncurrent (whole days, at least 1; versioned buckets).
   * @default - never (unless `noncurrentVersionsToKeep` is set)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * Keep this many newest noncurrent versions out of noncurrent expiration (`NewerNoncurrentVersions`).
   * @default - no count limit
   */
  readonly noncurrentVersionsToKeep?: number;
  /**
   * Move noncurrent versions to a remote tier; must come before `noncurrentVersionExpiration`.
   * @default - no transition
   */
  readonly noncurrentVersionTransition?: LifecycleTransition;
  /**
   * MinIO's `DelMarkerExpiration` (versioned buckets, whole days, no tag filter): once a delete marker has been the
   * latest version of an object this long, MinIO removes the marker and every version of the object. This is what
   * frees the last noncurrent versions `noncurrentVersionsToKeep` would otherwise keep forever after `expiration`
   * (or a client) deleted the object. MinIO only; AWS S3 has no such action.
   * @default - delete markers and the versions under them stay
   */
  readonly deleteMarkerExpiration?: Duration;
}

const TIER_NAME = /^[A-Z0-9][A-Z0-9_-]*$/;

/**
 * Renders and checks lifecycle rules (MinIO ILM).
 *
 * Internal (not exported from the package; the library's files and the tests import it by path).
 */
export class MinioLifecycle {
  /**
   * The lifecycle configuration as the JSON document `mc ilm import` accepts (`{"Rules":[…]}`).
   * Call {@link MinioLifecycle.check} first: this renders whatever it is given.
   */
  public static toIlmJson(rules: LifecycleRule[]): any {
    return {
      Rules: rules.map((r, i) => {
        const tags = Object.entries(r.tags ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([Key, Value]) => ({ Key, Value }));
        let filter: any | undefined;
        if (tags.length > 0) {
          // And with Tags is understood by every mc/minio-go version (single Tag filters were not, in older ones).
          filter = { And: { ...(r.prefix ? { Prefix: r.prefix } : {}), Tags: tags } };
        } else if (r.prefix) {
          filter = { Prefix: r.prefix };
        }
        const rule: any = { ID: MinioLifecycle.ruleId(r, i), Status: r.enabled === false ? 'Disabled' : 'Enabled' };
        if (filter) rule.Filter = filter;
        if (r.expiration || r.expireDeleteMarkers) {
          rule.Expiration = {
            ...(r.expiration ? { Days: MinioLifecycle.days(r.expiration) } : {}),
            ...(r.expireDeleteMarkers ? { ExpiredObjectDeleteMarker: true } : {}),
          };
        }
        if (r.transition) {
          rule.Transition = { Days: MinioLifecycle.days(r.transition.after), StorageClass: r.transition.tier };
        }
        if (r.noncurrentVersionExpiration || r.noncurrentVersionsToKeep !== undefined) {
          rule.NoncurrentVersionExpiration = {
            ...(r.noncurrentVersionExpiration ? { NoncurrentDays: MinioLifecycle.days(r.noncurrentVersionExpiration) } : {}),
            ...(r.noncurrentVersionsToKeep !== undefined ? { NewerNoncurrentVersions: r.noncurrentVersionsToKeep } : {}),
          };
        }
        if (r.deleteMarkerExpiration) {
          rule.DelMarkerExpiration = { Days: MinioLifecycle.days(r.deleteMarkerExpiration) };
        }
        if (r.noncurrentVersionTransition) {
          rule.NoncurrentVersionTransition = {
            NoncurrentDays: MinioLifecycle.days(r.noncurrentVersionTransition.after),
            StorageClass: r.noncurrentVersionTransition.tier,
          };
        }
        return rule;
      }),
    };
  }

  /**
   * Every problem in `rules`: invalid day counts, contradictions (transition at or after expiration, delete-marker
   * expiration next to a day count), noncurrent-version actions on an unversioned bucket, duplicate IDs, rules with no
   * action, malformed tier names and tags.
   * @param rules the rules
   * @param versioned whether the bucket keeps versions (versioning or object lock)
   * @param propPrefix prop path used in messages, e.g. `lifecycle`
   */
  public static check(rules: LifecycleRule[], versioned: boolean, propPrefix: string = 'lifecycle'): ValidationMessageOptions[] {
    const out: ValidationMessageOptions[] = [];
    const ids = new Map<string, number>();
    rules.forEach((r, i) => {
      const at = `${propPrefix}[${i}]`;
      const id = MinioLifecycle.ruleId(r, i);
      if (id.length === 0 || id.length > 255) {
        out.push({ prop: `${at}.id`, value: id, rule: 'must be 1–255 characters', fix: 'use a short name like "expire-logs"' });
      }
      if (ids.has(id)) {
        out.push({ prop: `${at}.id`, value: id, rule: `is already used by ${propPrefix}[${ids.get(id)}]`, fix: 'give every rule of a bucket its own id' });
      }
      ids.set(id, i);
      const hasAction = r.expiration || r.expireDeleteMarkers || r.transition || r.noncurrentVersionExpiration
        || r.noncurrentVersionsToKeep !== undefined || r.noncurrentVersionTransition || r.deleteMarkerExpiration;
      if (!hasAction) {
        out.push({ prop: at, value: id, rule: 'has no action', fix: 'set expiration, transition, noncurrentVersionExpiration, noncurrentVersionsToKeep, noncurrentVersionTransition, expireDeleteMarkers or deleteMarkerExpiration' });
      }
      const days = (prop: string, d: Duration | undefined, min: number) => {
        if (!d) return undefined;
        const n = d.toDays({ integral: false });
        if (!Number.isInteger(n) || n < min) {
          out.push({ prop: `${at}.${prop}`, value: d.toHumanString(), rule: `must be a whole number of days, at least ${min}`, fix: `use Duration.days(${Math.max(min, Math.ceil(n))})` });
          return undefined;
        }
        return n;
      };
      const exp = days('expiration', r.expiration, 1);
      const tr = days('transition.after', r.transition?.after, 0);
      const ncExp = days('noncurrentVersionExpiration', r.noncurrentVersionExpiration, 1);
      const ncTr = days('noncurrentVersionTransition.after', r.noncurrentVersionTransition?.after, 0);
      days('deleteMarkerExpiration', r.deleteMarkerExpiration, 1);
      if (r.deleteMarkerExpiration && Object.keys(r.tags ?? {}).length > 0) {
        out.push({ prop: `${at}.deleteMarkerExpiration`, value: r.deleteMarkerExpiration.toHumanString(), rule: 'cannot be combined with a tag filter (MinIO refuses the lifecycle import)', fix: 'put deleteMarkerExpiration in a rule of its own, with a prefix filter at most' });
      }
      if (exp !== undefined && tr !== undefined && tr >= exp) {
        out.push({ prop: `${at}.transition.after`, value: `${tr} days`, rule: `must be earlier than expiration (${exp} days): objects would be deleted before they move`, fix: `transition before day ${exp} or expire later` });
      }
      if (ncExp !== undefined && ncTr !== undefined && ncTr >= ncExp) {
        out.push({ prop: `${at}.noncurrentVersionTransition.after`, value: `${ncTr} days`, rule: `must be earlier than noncurrentVersionExpiration (${ncExp} days)`, fix: `transition before day ${ncExp} or expire later` });
      }
      if (r.expireDeleteMarkers && r.expiration) {
        out.push({ prop: `${at}.expireDeleteMarkers`, value: true, rule: 'cannot be combined with expiration in the same rule (S3 allows either Days or ExpiredObjectDeleteMarker)', fix: 'put delete-marker cleanup in a rule of its own' });
      }
      const keep = r.noncurrentVersionsToKeep;
      if (keep !== undefined && (!Number.isInteger(keep) || keep < 1 || keep > 100)) {
        out.push({ prop: `${at}.noncurrentVersionsToKeep`, value: r.noncurrentVersionsToKeep, rule: 'must be a whole number from 1 to 100', fix: 'keep e.g. 3 noncurrent versions' });
      }
      const noncurrent = r.noncurrentVersionExpiration || r.noncurrentVersionsToKeep !== undefined
        || r.noncurrentVersionTransition || r.expireDeleteMarkers || r.deleteMarkerExpiration;
      if (noncurrent && !versioned) {
        out.push({ prop: at, value: id, rule: 'acts on noncurrent versions or delete markers, which an unversioned bucket never has', fix: 'enable versioning on the bucket or drop the noncurrent-version actions' });
      }
      for (const [prop, t] of [['transition.tier', r.transition], ['noncurrentVersionTransition.tier', r.noncurrentVersionTransition]] as Array<[string, LifecycleTransition | undefined]>) {
        if (t && !TIER_NAME.test(t.tier)) {
          out.push({ prop: `${at}.${prop}`, value: t.tier, rule: 'must be an upper-case tier name (MinIO stores tier names in upper case): letters, digits, - and _', fix: `use "${t.tier.toUpperCase().replace(/[^A-Z0-9_-]/g, '-') || 'WARM'}"` });
        }
      }
      for (const [k, v] of Object.entries(r.tags ?? {})) {
        if (k.length < 1 || k.length > 128 || v.length > 256) {
          out.push({ prop: `${at}.tags`, value: `${k}=${v}`, rule: 'tag keys must be 1–128 characters and values at most 256', fix: 'shorten the tag' });
        }
      }
    });
    return out;
  }

  /**
   * Legal but risky rule sets. On a versioned bucket, `expiration` turns the current version into a noncurrent one
   * (under a delete marker), and MinIO deletes a noncurrent version only when both `noncurrentVersionExpiration`
   * and `noncurrentVersionsToKeep` are exceeded: the last kept versions of every expired object are never freed,
   * unless some rule has `deleteMarkerExpiration`.
   * @param rules the rules
   * @param versioned whether the bucket keeps versions
   * @param propPrefix prop path used in messages
   */
  public static warnings(rules: LifecycleRule[], versioned: boolean, propPrefix: string = 'lifecycle'): ValidationMessageOptions[] {
    if (!versioned) return [];
    const expires = rules.some((r) => r.expiration && r.enabled !== false);
    const purges = rules.some((r) => r.deleteMarkerExpiration && r.enabled !== false);
    if (!expires || purges) return [];
    const out: ValidationMessageOptions[] = [];
    rules.forEach((r, i) => {
      if (r.noncurrentVersionsToKeep === undefined || r.enabled === false) return;
      out.push({
        prop: `${propPrefix}[${i}].noncurrentVersionsToKeep`,
        value: r.noncurrentVersionsToKeep,
        rule: 'with expiration on a versioned bucket, an expired object becomes a delete marker over noncurrent versions, and MinIO deletes a noncurrent version only when both noncurrentVersionExpiration and noncurrentVersionsToKeep are exceeded, so the newest kept versions of every expired object are never freed',
        fix: `add a rule with deleteMarkerExpiration (e.g. { deleteMarkerExpiration: Duration.days(${r.noncurrentVersionExpiration ? MinioLifecycle.days(r.noncurrentVersionExpiration) : 7}) }) to remove deleted objects with all their versions, or drop noncurrentVersionsToKeep`,
      });
    });
    return out;
  }

  /** The tiers `rules` transition to. */
  public static tiersOf(rules: LifecycleRule[]): string[] {
    return [...new Set(rules.flatMap((r) => [r.transition?.tier, r.noncurrentVersionTransition?.tier]).filter((t): t is string => t !== undefined))];
  }

  private static ruleId(rule: LifecycleRule, index: number): string {
    return rule.id ?? `rule-${index + 1}`;
  }

  private static days(d: Duration): number {
    return d.toDays({ integral: false });
  }

  private constructor() {}
}
