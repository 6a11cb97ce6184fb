import { Duration } from 'cdk8s';
import { LifecycleRule } from '../../../src';
import { MinioLifecycle } from '../../../src/objectstore/minio/lifecycle';

describe('MinioLifecycle.toIlmJson', () => {
  test('renders the S3 lifecycle JSON that mc ilm import reads', () => {
    const rules: LifecycleRule[] = [
      { id: 'expire-raw', prefix: 'raw/', expiration: Duration.days(30), transition: { after: Duration.days(7), tier: 'WARM' } },
      { tags: { class: 'evidence', camera: 'gate' }, noncurrentVersionExpiration: Duration.days(14), noncurrentVersionsToKeep: 3 },
      { enabled: false, noncurrentVersionTransition: { after: Duration.days(1), tier: 'COLD' }, noncurrentVersionExpiration: Duration.days(90) },
      { expireDeleteMarkers: true },
    ];
    expect(MinioLifecycle.toIlmJson(rules)).toEqual({
      Rules: [
        {
          ID: 'expire-raw',
          Status: 'Enabled',
          Filter: { Prefix: 'raw/' },
          Expiration: { Days: 30 },
          Transition: { Days: 7, StorageClass: 'WARM' },
        },
        {
          ID: 'rule-2',
          Status: 'Enabled',
          Filter: { And: { Tags: [{ Key: 'camera', Value: 'gate' }, { Key: 'class', Value: 'evidence' }] } },
          NoncurrentVersionExpiration: { NoncurrentDays: 14, NewerNoncurrentVersions: 3 },
        },
        {
          ID: 'rule-3',
          Status: 'Disabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 90 },
          NoncurrentVersionTransition: { NoncurrentDays: 1, StorageClass: 'COLD' },
        },
        { ID: 'rule-4', Status: 'Enabled', Expiration: { ExpiredObjectDeleteMarker: true } },
      ],
    });
  });

  test('prefix and tags together go under And', () => {
    expect(MinioLifecycle.toIlmJson([{ prefix: 'a/', tags: { k: 'v' }, expiration: Duration.days(1) }]).Rules[0].Filter)
      .toEqual({ And: { Prefix: 'a/', Tags: [{ Key: 'k', Value: 'v' }] } });
  });

  test('a transition at day 0 is allowed and rendered', () => {
    expect(MinioLifecycle.check([{ transition: { after: Duration.days(0), tier: 'WARM' } }], false)).toEqual([]);
    expect(MinioLifecycle.toIlmJson([{ transition: { after: Duration.days(0), tier: 'WARM' } }]).Rules[0].Transition).toEqual({ Days: 0, StorageClass: 'WARM' });
  });

  test('tiersOf lists every tier the rules move data to', () => {
    expect(MinioLifecycle.tiersOf([
      { transition: { after: Duration.days(1), tier: 'WARM' } },
      { noncurrentVersionTransition: { after: Duration.days(1), tier: 'COLD' } },
      { transition: { after: Duration.days(2), tier: 'WARM' } },
    ])).toEqual(['WARM', 'COLD']);
  });
});

describe('MinioLifecycle.check', () => {
  const check = (rule: LifecycleRule, versioned = true) => MinioLifecycle.check([rule], versioned);

  test('valid rules pass', () => {
    expect(check({ expiration: Duration.days(30), transition: { after: Duration.days(7), tier: 'WARM' } }, false)).toEqual([]);
    expect(check({ noncurrentVersionsToKeep: 5 })).toEqual([]);
  });

  test('fails if a transition is at or after the expiration', () => {
    expect(check({ expiration: Duration.days(7), transition: { after: Duration.days(7), tier: 'WARM' } })).toEqual([{
      prop: 'lifecycle[0].transition.after',
      value: '7 days',
      rule: 'must be earlier than expiration (7 days): objects would be deleted before they move',
      fix: 'transition before day 7 or expire later',
    }]);
    expect(check({ expiration: Duration.days(7), transition: { after: Duration.days(30), tier: 'WARM' } })[0].prop).toBe('lifecycle[0].transition.after');
  });

  test('fails if a noncurrent transition is at or after the noncurrent expiration', () => {
    expect(check({ noncurrentVersionExpiration: Duration.days(3), noncurrentVersionTransition: { after: Duration.days(5), tier: 'COLD' } })[0])
      .toEqual({ prop: 'lifecycle[0].noncurrentVersionTransition.after', value: '5 days', rule: 'must be earlier than noncurrentVersionExpiration (3 days)', fix: 'transition before day 3 or expire later' });
  });

  test('fails if days are fractional or zero where S3 needs at least one', () => {
    expect(check({ expiration: Duration.hours(36) })[0]).toEqual({ prop: 'lifecycle[0].expiration', value: '1 day 12 hours', rule: 'must be a whole number of days, at least 1', fix: 'use Duration.days(2)' });
    expect(check({ expiration: Duration.days(0) })[0].rule).toBe('must be a whole number of days, at least 1');
    expect(check({ noncurrentVersionExpiration: Duration.days(0) })[0].prop).toBe('lifecycle[0].noncurrentVersionExpiration');
    expect(check({ transition: { after: Duration.hours(12), tier: 'WARM' } })[0].rule).toBe('must be a whole number of days, at least 0');
  });

  test('fails if days are negative (cdk8s Duration refuses them)', () => {
    expect(() => check({ expiration: Duration.days(-1) })).toThrow(/cannot be negative/);
  });

  test('fails if noncurrentVersionsToKeep is not 1..100', () => {
    for (const n of [0, -1, 1.5, 101]) {
      expect(check({ noncurrentVersionsToKeep: n })[0]).toEqual({ prop: 'lifecycle[0].noncurrentVersionsToKeep', value: n, rule: 'must be a whole number from 1 to 100', fix: 'keep e.g. 3 noncurrent versions' });
    }
  });

  test('fails if delete-marker expiry is combined with a day count', () => {
    expect(check({ expiration: Duration.days(3), expireDeleteMarkers: true })[0].prop).toBe('lifecycle[0].expireDeleteMarkers');
  });

  test('fails if noncurrent-version actions are set on an unversioned bucket', () => {
    for (const rule of [{ noncurrentVersionExpiration: Duration.days(3) }, { noncurrentVersionsToKeep: 2 }, { expireDeleteMarkers: true }, { noncurrentVersionTransition: { after: Duration.days(1), tier: 'COLD' } }]) {
      expect(check(rule, false)).toEqual([{ prop: 'lifecycle[0]', value: 'rule-1', rule: 'acts on noncurrent versions or delete markers, which an unversioned bucket never has', fix: 'enable versioning on the bucket or drop the noncurrent-version actions' }]);
    }
  });

  test('fails if a rule has no action', () => {
    expect(check({ prefix: 'x/' })[0]).toEqual({ prop: 'lifecycle[0]', value: 'rule-1', rule: 'has no action', fix: 'set expiration, transition, noncurrentVersionExpiration, noncurrentVersionsToKeep, noncurrentVersionTransition, expireDeleteMarkers or deleteMarkerExpiration' });
  });

  test('fails if two rules share an id', () => {
    const problems = MinioLifecycle.check([{ id: 'a', expiration: Duration.days(1) }, { id: 'a', expiration: Duration.days(2) }], false);
    expect(problems).toEqual([{ prop: 'lifecycle[1].id', value: 'a', rule: 'is already used by lifecycle[0]', fix: 'give every rule of a bucket its own id' }]);
    expect(MinioLifecycle.check([{ id: '', expiration: Duration.days(1) }], false)[0].rule).toBe('must be 1–255 characters');
  });

  test('fails if a tier name is not upper case', () => {
    expect(check({ transition: { after: Duration.days(1), tier: 'warm tier' } })[0]).toEqual({
      prop: 'lifecycle[0].transition.tier',
      value: 'warm tier',
      rule: 'must be an upper-case tier name (MinIO stores tier names in upper case): letters, digits, - and _',
      fix: 'use "WARM-TIER"',
    });
  });

  test('fails if a tag is too long or empty', () => {
    expect(check({ tags: { '': 'v' }, expiration: Duration.days(1) })[0].prop).toBe('lifecycle[0].tags');
    expect(check({ tags: { k: 'v'.repeat(257) }, expiration: Duration.days(1) })[0].rule).toBe('tag keys must be 1–128 characters and values at most 256');
  });
});
