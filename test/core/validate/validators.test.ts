import { Cron, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Warnings } from '../../../src';
import { Cidrs, Durations, Endpoints, KeyNames, Patterns, S3Rules, Schedules, Shape, TimeZones } from '../../../src/core/validate';

function scope(): Construct {
  return new Construct(Testing.chart(), 'thing');
}

describe('Schedules', () => {
  test.each([
    ['0 2 * * *'], ['*/15 * * * *'], ['0 0 1 1 *'], ['30 3 * * MON-FRI'], ['0 0,12 1-7 JAN,jul ?'], ['@daily'], ['@hourly'], ['5/10 * * * *'], ['0 23 * * 0'],
  ])('accepts %s', (expr) => {
    expect(Schedules.check(scope(), 'schedule', expr).expression).toBe(expr);
  });

  test.each([
    ['0 24 * * *', /hour field: 24 is outside 0-23/],
    ['60 * * * *', /minute field: 60 is outside 0-59/],
    ['0 2 * *', /has 4 field\(s\), needs 5/],
    ['0 0 2 * * *', /has 6 field\(s\), needs 5/],
    ['0 2 32 * *', /day-of-month field: 32 is outside 1-31/],
    ['0 2 * 13 *', /month field: 13 is outside 1-12/],
    ['0 2 * * 7', /day-of-week field: 7 is outside 0-6/],
    ['0 2 * * MOM', /"MOM" is not a number or a name/],
    ['*/0 * * * *', /step "0" must be a positive number/],
    ['0 5-2 * * *', /runs backwards/],
    ['@every 5m', /unknown descriptor/],
    ['CRON_TZ=UTC 0 2 * * *', /time zone prefix/],
    ['0 0 30 2 *', /never fires/],
  ])('refuses %s', (expr, why) => {
    expect(() => Schedules.check(scope(), 'schedule', expr)).toThrow(why);
    expect(() => Schedules.check(scope(), 'schedule', expr)).toThrow(/^Construct "test\/thing": schedule = "/);
  });

  test('a cdk8s Cron with hour 24 is refused like the string', () => {
    expect(() => Schedules.check(scope(), 'schedule', Cron.schedule({ minute: '0', hour: '24' }))).toThrow(/schedule = "0 24 \* \* \*": not a valid cron expression: hour field: 24 is outside 0-23; use five fields/);
  });

  test('every-minute schedules warn instead of failing', () => {
    const s = scope();
    Schedules.check(s, 'schedule', '* 2 * * *');
    expect(Warnings.collect(s)).toEqual([expect.stringMatching(/schedule = "\* 2 \* \* \*": the minute field is "\*"/)]);
  });
});

describe('Durations', () => {
  test.each([
    ['7 days', Duration.days(7), 'days', 7], ['48 hours', Duration.hours(48), 'days', 2], ['2,880 minutes', Duration.minutes(2_880), 'days', 2],
    ['600 seconds', Duration.seconds(600), 'minutes', 10], ['60,000 ms', Duration.millis(60_000), 'minutes', 1], ['1 day', Duration.days(1), 'minutes', 1_440],
  ] as const)('%s counts as whole %s (%d)', (_label, d, unit, n) => {
    expect(Durations.wholeUnits(scope(), 'p', d, unit, 1, 'why')).toBe(n);
  });

  test.each([
    [Duration.hours(36), 'days', 'p = "1 day 12 hours": must be a whole number of days, at least 1; use Duration.days(2) (why)'],
    [Duration.days(0), 'days', 'p = "0 days": must be a whole number of days, at least 1; use Duration.days(1) (why)'],
    [Duration.seconds(0), 'minutes', 'p = "0 minutes": must be a whole number of minutes, at least 1; use Duration.minutes(1) (why)'],
    [Duration.seconds(90), 'minutes', 'p = "1 minute 30 seconds": must be a whole number of minutes, at least 1; use Duration.minutes(2) (why)'],
    [Duration.days(Infinity), 'days', 'p = "Infinity days": must be a whole number of days, at least 1; use Duration.days(1) (why)'],
    [7, 'days', 'p = 7: must be a Duration; use Duration.days(7) (why)'],
    [2.5, 'minutes', 'p = 2.5: must be a Duration; use Duration.minutes(3) (why)'],
    [undefined, 'days', 'p = "undefined": must be a Duration; use Duration.days(1) (why)'],
  ] as const)('refuses %j as whole %s', (value, unit, message) => {
    expect(() => Durations.wholeUnits(scope(), 'p', value, unit, 1, 'why')).toThrow(`Construct "test/thing": ${message}`);
  });

  test('human: every part kept, singular and plural, where cdk8s would write 25 hours as "1 day 60 minutes"', () => {
    expect(Durations.human(Duration.hours(25))).toBe('1 day 1 hour');
    expect(Durations.human(Duration.seconds(93_784))).toBe('1 day 2 hours 3 minutes 4 seconds');
    expect(Durations.human(Duration.millis(1_500))).toBe('1 second 500 milliseconds');
    expect(Durations.human(Duration.minutes(0), 'minutes')).toBe('0 minutes');
  });
});

describe('TimeZones', () => {
  test.each([['UTC'], ['Etc/UTC'], ['Europe/Berlin'], ['America/Argentina/Buenos_Aires'], ['Europe/Kyiv'], ['Asia/Kolkata'], ['US/Eastern'], ['Etc/GMT+5'], ['America/Port-au-Prince']])('accepts %s', (zone) => {
    expect(TimeZones.problem(zone)).toBeUndefined();
  });

  test.each([
    ['Mars/Olympus_Mons', /no such zone/, /"Europe\/Berlin"/],
    ['europe/berlin', /case-sensitive/, /use "Europe\/Berlin"/],
    ['CET+1', /no such zone/, /UTC/],
    ['Local', /no such zone/, /UTC/],
    ['ACT', /not in the tz database/, /use "Australia\/Darwin"/],
    ['Etc/GMT+14', /no such zone/, /UTC/],
  ])('refuses %s', (zone, rule, fix) => {
    const p = TimeZones.problem(zone)!;
    expect(p.rule).toMatch(rule);
    expect(p.fix).toMatch(fix);
    expect(() => TimeZones.check(scope(), 'timeZone', zone)).toThrow(/timeZone = ".*": not an IANA time zone name/);
  });
});

describe('Cidrs', () => {
  test.each([['10.0.0.0/8'], ['0.0.0.0/0'], ['192.168.1.7/32'], ['::/0'], ['2001:db8::/32'], ['fd00:1:2::/48'], ['::ffff:10.0.0.0/104']])('accepts %s', (v) => {
    expect(Cidrs.problem(v)).toBeUndefined();
  });

  test.each([
    ['10.0.0.0', /no prefix length/],
    ['10.0.0.256/24', /not an IPv4 address/],
    ['10.0.0/24', /not an IPv4 address/],
    ['010.0.0.0/8', /no leading zeros/],
    ['10.0.0.0/33', /prefix length "33" must be 0-32/],
    ['10.0.0.0/', /prefix length "" must be 0-32/],
    ['2001:db8::/129', /must be 0-128/],
    ['2001:db8:::/32', /not an IPv4 or IPv6 address/],
    ['lan/24', /not an IPv4 or IPv6 address/],
    [' 10.0.0.0/8', /not an IPv4 or IPv6 address/],
  ])('refuses %s', (v, why) => {
    expect(Cidrs.problem(v)).toMatch(why);
    expect(() => Cidrs.check(scope(), 'cidrs[0]', v)).toThrow(/cidrs\[0\] = ".*": must be an address block in CIDR notation: .*; use e\.g\./);
  });

  test('a bare address gets a /32 suggestion', () => {
    expect(() => Cidrs.check(scope(), 'cidr', '10.1.2.3')).toThrow(/use e\.g\. "10\.1\.2\.3\/32" for one host or "10\.1\.2\.0\/24"/);
  });

  test('host bits below the prefix warn with the network block', () => {
    const s = scope();
    Cidrs.check(s, 'cidr', '10.1.2.3/16');
    Cidrs.check(s, 'cidr6', '2001:db8::1/64');
    expect(Warnings.collect(s)).toEqual([
      expect.stringMatching(/cidr = "10\.1\.2\.3\/16": host bits are set below the prefix, so the block is 10\.1\.0\.0\/16/),
      expect.stringMatching(/cidr6 = "2001:db8::1\/64": .* 2001:db8::\/64/),
    ]);
  });
});

describe('KeyNames', () => {
  test.each([['password'], ['ca.crt'], ['AWS_ACCESS_KEY_ID'], ['.dockerconfigjson']])('accepts Secret key %s', (k) => {
    expect(KeyNames.secretKeyProblem(k)).toBeUndefined();
  });
  test.each([['my key', /use a key like "my-key"/], ['a/b', /use a key like "a-b"/], ['', /use a key like "password"/], ['..', /use a key like "password"/]])('refuses Secret key %j', (k, fix) => {
    expect(() => KeyNames.checkSecretKey(scope(), 'credential.key', k)).toThrow(fix);
  });
  test('claim names must be DNS-1123 subdomains', () => {
    expect(() => KeyNames.checkClaimNames(scope(), 'resticClaims', ['ok-claim', 'NVR Index'])).toThrow(/resticClaims\[1\] = "NVR Index": not a valid PersistentVolumeClaim name.*use the PersistentVolumeClaim's real name, e\.g\. "nvr-index"/);
  });
});

describe('S3Rules', () => {
  test.each([['us-east-1'], ['us_east'], ['helloWorld'], ['eu-central-1']])('accepts region %s', (r) => expect(S3Rules.regionProblem(r)).toBeUndefined());
  test.each([['-fdslka'], ['my region'], ['1region'], ['x'], ['']])('refuses region %j', (r) => {
    expect(() => S3Rules.checkRegion(scope(), 'region', r)).toThrow(/region = ".*": not a valid S3 region: must start with a letter.*; use (e\.g\. )?"/);
  });

  test.each([['ab'], ['My_Bucket'], ['xn--bucket'], ['192.168.1.10'], ['a..b'], ['bucket-.x'], ['-leading'], ['a'.repeat(70)], ['bucket-s3alias'], ['sthree-x']])('the fix for bucket %j is valid and different', (b) => {
    expect(S3Rules.bucketProblem(b)).toBeDefined();
    const fix = S3Rules.suggestBucket(b);
    expect(S3Rules.bucketProblem(fix)).toBeUndefined();
    expect(fix).not.toBe(b);
    expect(() => S3Rules.checkBucket(scope(), 'bucket', b)).toThrow(`use a name like "${fix}"`);
  });

  // The one bucket-name rule (MinIO buckets, tiers and replication targets, Velero, restic, rclone, sync, caches,
  // blueprints): both edges of each limit.
  test.each([['abc'], ['a'.repeat(63)], ['a.b'], ['0ab'], ['ab9'], ['1.2.3.4a'], ['1.2.3'], ['a-b.c-d']])('accepts bucket %j', (b) => {
    expect(S3Rules.bucketProblem(b)).toBeUndefined();
    expect(() => S3Rules.checkBucket(scope(), 'bucket', b)).not.toThrow();
  });
  test.each([
    ['ab', 'must be 3-63 characters long (is 2)'],
    ['a'.repeat(64), 'must be 3-63 characters long (is 64)'],
    ['abC', 'may only contain lowercase letters, digits, dots and hyphens'],
    ['a_b', 'may only contain lowercase letters, digits, dots and hyphens'],
    ['.ab', 'must begin and end with a letter or digit'],
    ['ab-', 'must begin and end with a letter or digit'],
    ['a..b', 'must not contain two adjacent dots'],
    ['a.-b', 'must not have a dot next to a hyphen'],
    ['1.2.3.4', 'must not look like an IP address'],
    ['xn--ab', 'must not start with the reserved prefix "xn--"'],
    ['ab--ol-s3', 'must not end with the reserved suffix "--ol-s3"'],
  ])('refuses bucket %j, naming the subject, the prop and the rule', (b, rule) => {
    expect(() => S3Rules.checkBucket(scope(), 'bucket', b)).toThrow(`Construct "test/thing": bucket = "${b}": not a valid S3 bucket name: ${rule}; use a name like "`);
  });
  test('a given fix replaces the suggested name', () => {
    expect(() => S3Rules.checkBucket(scope(), 'cloud.bucket', 'fleet/models', 'give the bucket name only')).toThrow('cloud.bucket = "fleet/models": not a valid S3 bucket name: may only contain lowercase letters, digits, dots and hyphens; give the bucket name only');
  });
});

describe('Endpoints', () => {
  test('credentials in a URL are refused, redacted, with a pointer to the credentials prop', () => {
    expect(() => Endpoints.check(scope(), 's3Endpoint', 'https://admin:s3cret@s3.example.com', { credentialsProp: 'credentials.secretName' }))
      .toThrow('Construct "test/thing": s3Endpoint = "https://***@s3.example.com": must not carry credentials (user:password@): they would be written into the manifest in clear text; remove them from the URL ("https://s3.example.com") and give a Secret through credentials.secretName');
    expect(() => Endpoints.check(scope(), 'url', 'https://admin:s3cret@s3.example.com', { credentialsProp: 'x' })).not.toThrow(/s3cret/);
  });
  test('a non-URL is refused', () => {
    expect(() => Endpoints.check(scope(), 'url', 's3.example.com', { credentialsProp: 'x' })).toThrow(/url = "s3\.example\.com": must be a http\/https URL with a host/);
  });
  test('bootstrap servers with credentials are refused', () => {
    expect(() => Endpoints.checkHostPorts(scope(), 'bootstrapServers', 'u:p@kafka:9093', { credentialsProp: 'credentials' })).toThrow(/bootstrapServers = "\*\*\*@kafka:9093": must not carry credentials/);
    expect(() => Endpoints.checkHostPorts(scope(), 'bootstrapServers', 'kafka:9093', { credentialsProp: 'credentials' })).not.toThrow();
  });
});

describe('Patterns', () => {
  test('a glob is refused with its regex form', () => {
    expect(() => Patterns.check(scope(), 'keyRegex', '*.mp4', 'ecmascript', '\\.mp4$')).toThrow(/keyRegex = "\*\.mp4": is a shell glob, not a regular expression.*; write it as a regex: "\^\.\*\\\.mp4\$"/);
  });
  test('an uncompilable pattern is refused', () => {
    expect(() => Patterns.check(scope(), 'deviceFilter', 'sd[b-', 're2', '^sd[b-d]')).toThrow(/deviceFilter = "sd\[b-": must be a valid regular expression/);
  });
  test('RE2 has no lookaround', () => {
    expect(() => Patterns.check(scope(), 'deviceFilter', '^sd(?!a)', 're2', '^sd[b-z]')).toThrow(/lookaround or a backreference/);
  });
  test('a glob that happens to compile warns', () => {
    const s = scope();
    Patterns.check(s, 'keyRegex', 'video/*.mp4', 'ecmascript', '\\.mp4$');
    expect(Warnings.collect(s)).toEqual([expect.stringMatching(/looks like a shell glob/)]);
  });
  test('a plain regex passes silently', () => {
    const s = scope();
    Patterns.check(s, 'deviceFilter', '^sd[b-d]$', 're2', '^sd[b-d]');
    expect(Warnings.collect(s)).toEqual([]);
  });
});

describe('Shape', () => {
  const spec = { required: ['cameras', 'cloud', 'cloud.bucket'], numbers: ['cameras', 'hosts[].size'], arrays: ['cidrs'], strings: ['cloud.bucket'] };
  test.each([
    [{ cameras: 3, cloud: { bucket: 'b' }, cidrs: ['10.0.0.0/8', undefined] }, /cidrs\[1\] = "undefined": the list cidrs has an empty \(undefined\) entry; remove the entry/],
    [{ cameras: 3, cloud: { bucket: 'b' }, cidrs: [null] }, /cidrs\[0\] = null: the list cidrs has an empty \(null\) entry/],
    [{ cameras: '3', cloud: { bucket: 'b' } }, /cameras = "3": must be a number, got string; write 3 without quotes/],
    [{ cameras: 3 }, /cloud = "undefined": is required; set cloud/],
    [{ cameras: 3, cloud: {} }, /cloud\.bucket = "undefined": is required; set cloud\.bucket/],
    [{ cameras: 3, cloud: { bucket: null } }, /cloud\.bucket = null: null is not a value; omit cloud\.bucket/],
    [{ cameras: NaN, cloud: { bucket: 'b' } }, /cameras = "NaN": is not a number \(NaN\)/],
    [{ cameras: 3, cloud: { bucket: 'b' }, cidrs: '10.0.0.0/8' }, /cidrs = "10\.0\.0\.0\/8": must be a list, got string; wrap it in a list: \["10\.0\.0\.0\/8"\]/],
    [{ cameras: 3, cloud: { bucket: 'b' }, hosts: [{ size: 'big' }] }, /hosts\[0\]\.size = "big": must be a number, got string; give a number/],
    [undefined, /props = "undefined": must be an object of props; pass \{ cameras: …/],
  ])('refuses %j', (props, why) => {
    expect(() => Shape.check(scope(), props, spec)).toThrow(why);
  });
  test('accepts a good shape and ignores class instances', () => {
    expect(() => Shape.check(scope(), { cameras: 3, cloud: { bucket: 'b' }, schedule: Cron.daily(), hosts: [{ size: 2 }] }, spec)).not.toThrow();
  });
});

/** The schedule maths and messages the validators mutation run found unchecked. */
describe('Schedules: longest gap between runs, names and messages', () => {
  const gap = (expr: string) => Schedules.check(scope(), 'schedule', expr).maxGapMinutes;

  test.each([
    ['0 2 * * *', 1_440],
    ['*/15 * * * *', 15],
    ['5/10 * * * *', 60 - 55 + 5], // 5, 15 … 55, then 5 past the next hour
    ['30 3 * * MON-FRI', 3 * 1_440], // Friday 03:30 to Monday 03:30
    ['0 23 * * 0', 7 * 1_440],
    ['0 22,2 * * *', 20 * 60], // hours given out of order: 02:00 → 22:00 is the long gap
    ['50,10 0 * * *', 1_440 - 40], // minutes out of order: 00:50 → 00:10 next day
    ['0 0 1 * MON', 7 * 1_440], // both day fields restricted: the 1st OR a Monday, so at most a week
    ['0 0 1 FEB *', 366 * 1_440], // 1 Feb 2028 → 1 Feb 2029 spans 29 Feb
    ['0 0,12 1-7 JAN,jul ?', 177.5 * 1_440], // 7 Jul 12:00 → 1 Jan 00:00
    ['0 0 29 2 *', 1_826 * 1_440], // once in 2025–2029: the whole five-year window
  ])('%s: %d minutes at most between runs', (expr, minutes) => {
    expect(gap(expr)).toBe(minutes);
  });

  test.each([
    ['@yearly', 366 * 1_440], ['@annually', 366 * 1_440], ['@monthly', 31 * 1_440], ['@weekly', 7 * 1_440],
    ['@daily', 1_440], ['@midnight', 1_440], ['@hourly', 60],
  ])('descriptor %s', (expr, minutes) => {
    expect(gap(expr)).toBe(minutes);
  });

  test('every month and weekday name means its own month or day', () => {
    const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
    months.forEach((name, i) => {
      expect(gap(`0 0 1 ${name} *`)).toBe(gap(`0 0 1 ${i + 1} *`));
    });
    ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'].forEach((name, i) => {
      expect(gap(`0 0 * * ${name},${(i + 3) % 7}`)).toBe(gap(`0 0 * * ${i},${(i + 3) % 7}`));
    });
    expect(gap('0 0 * * mon-fri')).toBe(3 * 1_440);
  });

  test('a schedule that never fires says how to fix it; the every-minute warning too', () => {
    expect(() => Schedules.check(scope(), 'schedule', '0 0 31 4 *')).toThrow(
      'Construct "test/thing": schedule = "0 0 31 4 *": never fires (no date matches the day-of-month and month fields); choose a day that exists in the month, e.g. day "1" or "28"');
    const s = scope();
    Schedules.check(s, 'schedule', '* 2 * * *');
    expect(Warnings.collect(s)[0]).toMatch(/; set the minute, e.g\. Cron\.schedule\(\{ minute: "0", hour: "2" \}\)$/);
  });

  test('surrounding spaces are ignored; "*" in the minute field warns, a fixed minute does not', () => {
    expect(gap(' 0 2 * * * ')).toBe(1_440);
    const s = scope();
    Schedules.check(s, 'schedule', '0 * * * *');
    expect(Warnings.collect(s)).toEqual([]);
  });

  test.each([
    ['0 2 0 * *', 'day-of-month field: 0 is outside 1-31'],
    ['0 2 * 0 *', 'month field: 0 is outside 1-12'],
    ['0 x2 * * *', 'hour field: "x2" is not a number'],
    ['0 2 * * 1x', 'day-of-week field: "1x" is not a number or a name (SUN,MON,TUE,WED,THU,FRI,SAT)'],
    ['*/a5 * * * *', 'minute field: step "a5" must be a positive number'],
    ['0 0 1,,2 * *', 'day-of-month field "1,,2" has an empty list item'],
    ['*/5/2 * * * *', 'minute field: "*/5/2" has more than one step'],
    ['? * * * *', 'minute field: "?" is only allowed for day-of-month and day-of-week'],
    ['0 2 * JAN-? *', 'month field: "?" is not a number or a name (JAN,FEB,MAR,APR,MAY,JUN,JUL,AUG,SEP,OCT,NOV,DEC)'],
    ['0 1-2-3 * * *', 'hour field: "1-2-3" is not a range like 1-5'],
    ['0 -3 * * *', 'hour field: "-3" is not a range like 1-5'],
    ['0 3- * * *', 'hour field: "3-" is not a range like 1-5'],
    ['0 5-5 * * 8', 'day-of-week field: 8 is outside 0-6'],
    ['0 2 * * * TZ=UTC', 'has 6 field(s), needs 5'],
    ['TZ=UTC 0 2 * * *', 'a time zone prefix is not allowed in the schedule'],
    ['@every', 'unknown descriptor "@every" (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)'],
  ])('refuses %s: %s', (expr, why) => {
    expect(() => Schedules.check(scope(), 'schedule', expr)).toThrow(`schedule = "${expr}": not a valid cron expression: ${why}`);
  });

  test('a single-value range and a range with a step are accepted', () => {
    expect(gap('0 5-5 * * *')).toBe(1_440);
    expect(gap('0 1-23/2 * * *')).toBe(2 * 60); // odd hours, 23:00 → 01:00 included: every gap is 2 h
  });

  test('a schedule that is not a string or a cdk8s Cron is refused', () => {
    expect(() => Schedules.check(scope(), 'schedule', undefined as any)).toThrow(
      'Construct "test/thing": schedule = "undefined": must be a cdk8s Cron; pass e.g. Cron.schedule({ minute: "0", hour: "2" })');
    expect(() => Schedules.check(scope(), 'schedule', 7 as any)).toThrow(/schedule = 7: must be a cdk8s Cron/);
  });

  test('a time zone that is not a string is refused; no zone is fine', () => {
    expect(() => TimeZones.check(scope(), 'timeZone', 1 as any)).toThrow('Construct "test/thing": timeZone = 1: must be a string; use an IANA name such as "Europe/Berlin"');
    expect(() => TimeZones.check(scope(), 'timeZone', undefined)).not.toThrow();
  });
});

/** Address blocks at the edges the validators mutation run found unchecked. */
describe('Cidrs: parsing, network blocks and advice', () => {
  test.each([
    ['2001:db8::/32', '2001:db8::/32'],
    ['::1/128', '::1/128'],
    ['::/0', '::/0'],
    ['1:2:3:4:5:6:7:8/128', '1:2:3:4:5:6:7:8/128'],
    ['1:2:3:4:5:6:7:8/64', '1:2:3:4::/64'],
    ['1::2:3/128', '1::2:3/128'],
    ['1:2:3::5:6:7:8/128', '1:2:3:0:5:6:7:8/128'], // "::" standing for one group; one zero group is not compressed
    ['1:0:0:0:0:0:0:0/128', '1::/128'],
    ['1:2:3:4:5:6:7:0/128', '1:2:3:4:5:6:7:0/128'],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'], // two runs of equal length: the first is compressed
    ['::ffff:10.1.2.3/128', '::ffff:a01:203/128'],
    ['10.1.2.255/24', '10.1.2.0/24'],
    ['255.255.255.255/32', '255.255.255.255/32'],
    ['not-an-address/24', 'not-an-address/24'],
  ])('network(%s) = %s', (block, network) => {
    expect(Cidrs.network(block)).toBe(network);
  });

  test.each([
    ['10.0.0.0/08', 'prefix length "08" must be 0-32'],
    ['10.0.0.0/8x', 'prefix length "8x" must be 0-32'],
    ['/8', '"" is not an IPv4 or IPv6 address'],
    ['12345::/16', '"12345::" is not an IPv4 or IPv6 address'],
    ['1::2::3/64', '"1::2::3" is not an IPv4 or IPv6 address'],
    ['::1.2.3.4:5/64', '"::1.2.3.4:5" is not an IPv4 or IPv6 address'],
    ['::ffff:10.0.0.256/104', '"::ffff:10.0.0.256" is not an IPv4 or IPv6 address'],
    ['1:2:3:4:5:6:7/64', '"1:2:3:4:5:6:7" is not an IPv4 or IPv6 address'],
    ['1:2:3:4::5:6:7:8/64', '"1:2:3:4::5:6:7:8" is not an IPv4 or IPv6 address'],
    ['g::/16', '"g::" is not an IPv4 or IPv6 address'],
  ])('refuses %s: %s', (block, problem) => {
    expect(Cidrs.problem(block)).toBe(problem);
  });

  test('advice names a block of the same family', () => {
    expect(() => Cidrs.check(scope(), 'cidr', '2001:db8::1')).toThrow(/: has no prefix length \("\/" and 0-32 for IPv4, 0-128 for IPv6\); use e\.g\. "2001:db8::1\/128"$/);
    expect(() => Cidrs.check(scope(), 'cidr', 'lan')).toThrow(/; use e\.g\. "10\.20\.0\.0\/16" or "2001:db8::\/32"$/);
    expect(() => Cidrs.check(scope(), 'cidr', 10 as any)).toThrow(/cidr = 10: must be an address block in CIDR notation: must be a string like "10\.20\.0\.0\/16"; use e\.g\. "10\.20\.0\.0\/16" or "2001:db8::\/32"$/);
  });

  test('a clean block does not warn; a block with host bits says which block it is', () => {
    const s = scope();
    Cidrs.check(s, 'cidr', '10.0.0.0/8');
    expect(Warnings.collect(s)).toEqual([]);
    Cidrs.check(s, 'cidr', '10.1.2.3/16');
    expect(Warnings.collect(s)).toEqual([expect.stringContaining('cidr = "10.1.2.3/16": host bits are set below the prefix, so the block is 10.1.0.0/16; write "10.1.0.0/16" (or "/32" / "/128" for one host)')]);
  });

  test('checkAll checks each entry by its index, and refuses a value that is not a list', () => {
    expect(() => Cidrs.checkAll(scope(), 'wanCidrs', undefined)).not.toThrow();
    expect(() => Cidrs.checkAll(scope(), 'wanCidrs', ['10.0.0.0/8', '10.0.0.1'])).toThrow(/wanCidrs\[1\] = "10\.0\.0\.1": must be an address block/);
    expect(() => Cidrs.checkAll(scope(), 'wanCidrs', '10.0.0.0/8' as any)).toThrow(
      'Construct "test/thing": wanCidrs = "10.0.0.0/8": must be a list of CIDR blocks; use ["10.0.0.0/8"]');
  });
});

/** Bucket and region advice, and the time-zone names outside Area/Location, at the edges the mutation run found. */
describe('S3Rules advice and TimeZones names', () => {
  test.each([
    ['My_Bucket', 'my-bucket'],
    ['Logs..Archive', 'logs.archive'],
    ['logs.-x', 'logs-x'],
    ['-Leading-', 'leading'],
    ['a'.repeat(70), 'a'.repeat(63)],
    ['x'.repeat(62) + '-yy', 'x'.repeat(62)], // cut to 63, then the hyphen it ends on dropped
    ['192.168.1.10', '192-168-1-10'],
    ['xn--bucket', 'bucket'],
    ['sthree-sthree-data', 'data'],
    ['data-s3alias-s3alias', 'data'],
    ['ab', 'ab-bucket'],
    ['', 'edge-bucket'],
    ['---', 'edge-bucket'],
    ['edge-bucket', 'edge-bucket-1'],
  ])('suggestBucket(%j) = %j', (bucket, suggestion) => {
    expect(S3Rules.suggestBucket(bucket)).toBe(suggestion);
  });

  test('bucket names: IP-like only when all four parts are numbers; non-strings refused', () => {
    expect(S3Rules.bucketProblem('192.168.10.1')).toBe('must not look like an IP address');
    expect(S3Rules.bucketProblem('x192.168.1.1')).toBeUndefined();
    expect(S3Rules.bucketProblem('1.2.3.4.5')).toBeUndefined();
    expect(S3Rules.bucketProblem(5 as any)).toBe('must be a string');
    expect(S3Rules.regionProblem(5 as any)).toBe('must be a string');
  });

  test.each([
    ['us east 1', 'use "us-east-1"'],
    ['1region', 'use "region"'],
    ['eu central 1 ', 'use "eu-central-1"'],
    ['x', 'use e.g. "us-east-1"'],
    ['9', 'use e.g. "us-east-1"'],
  ])('region %j: %s', (region, fix) => {
    expect(() => S3Rules.checkRegion(scope(), 'region', region)).toThrow(new RegExp(`: not a valid S3 region: [^;]+; ${fix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  test('no region is fine', () => {
    expect(() => S3Rules.checkRegion(scope(), 'region', undefined)).not.toThrow();
  });

  const topLevel = ['UTC', 'UCT', 'GMT', 'GMT0', 'GMT+0', 'GMT-0', 'Greenwich', 'Universal', 'Zulu', 'CET', 'CST6CDT', 'EET', 'EST',
    'EST5EDT', 'HST', 'MET', 'MST', 'MST7MDT', 'PST8PDT', 'WET', 'Cuba', 'Egypt', 'Eire', 'GB', 'GB-Eire', 'Hongkong', 'Iceland', 'Iran',
    'Israel', 'Jamaica', 'Japan', 'Kwajalein', 'Libya', 'NZ', 'NZ-CHAT', 'Navajo', 'PRC', 'Poland', 'Portugal', 'ROC', 'ROK', 'Singapore',
    'Turkey', 'W-SU'];
  const links = ['Africa/Asmera', 'America/Buenos_Aires', 'Antarctica/South_Pole', 'Arctic/Longyearbyen', 'Asia/Calcutta', 'Atlantic/Faeroe',
    'Australia/ACT', 'Brazil/East', 'Canada/Eastern', 'Chile/Continental', 'Etc/Greenwich', 'Europe/Kiev', 'Indian/Antananarivo',
    'Mexico/General', 'Pacific/Samoa', 'US/Eastern'];

  test('every top-level zone name of the tz database is accepted, and one old link per area', () => {
    expect([...topLevel, ...links].filter((z) => TimeZones.problem(z) !== undefined)).toEqual([]);
  });

  test('on a runtime that cannot list its zones, names are still checked against the tz database layout', () => {
    // Older JavaScript runtimes lack Intl.supportedValuesOf: then every name is resolved by Intl and checked for the
    // shape of a tz database name (a top-level name, or a known area and capitalised locations).
    const intl = Intl as any;
    const original = intl.supportedValuesOf;
    intl.supportedValuesOf = undefined;
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the module, loaded after the runtime is changed
        const fresh = require('../../../src/core/validate/cron').TimeZones as typeof TimeZones;
        expect([...topLevel, ...links, 'Europe/Berlin'].filter((z) => fresh.problem(z) !== undefined)).toEqual([]);
        expect(fresh.problem('europe/berlin')).toEqual({ rule: 'not an IANA time zone name: not in the tz database the API server looks names up in', fix: 'use "Europe/Berlin"' });
        expect(fresh.problem('utc')).toEqual({ rule: 'not an IANA time zone name: names are case-sensitive', fix: 'use "UTC"' });
        expect(fresh.problem('Mars/Olympus_Mons')?.rule).toBe('not an IANA time zone name: no such zone in the tz database');
      });
    } finally {
      intl.supportedValuesOf = original;
    }
  });
});
