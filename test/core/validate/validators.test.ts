import { Cron, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Warnings } from '../../../src';
import { Cidrs, Endpoints, KeyNames, Patterns, S3Rules, Schedules, Shape, TimeZones } from '../../../src/core/validate';

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
