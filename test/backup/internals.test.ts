import { spawnSync } from 'child_process';
import { Duration, Size } from 'cdk8s';
import { CronExpression } from '../../src/backup/internal/cron';
import { Format } from '../../src/backup/internal/format';
import { S3Names } from '../../src/backup/internal/s3-names';
import { S3Targets } from '../../src/backup/internal/s3-targets';

describe('CronExpression', () => {
  test.each<[string, number]>([
    ['0 2 * * *', 24 * 60],
    ['15 */6 * * *', 6 * 60],
    ['0 3 * * 0', 7 * 24 * 60],
    ['0 3 * * SUN', 7 * 24 * 60],
    ['0 9-17 * * MON-FRI', (7 + 24 + 24 + 9) * 60], // Friday 17:00 to Monday 09:00
    ['0 0 1 * *', 31 * 24 * 60],
    ['0 0 1 1 *', 366 * 24 * 60], // 2028-01-01 to 2029-01-01 spans the leap day
    ['@daily', 24 * 60],
    ['@hourly', 60],
    ['*/5 * * * *', 5],
    ['0 0 29 2 *', (5 * 365 + 1) * 24 * 60], // once in the five-year window
    ['0 12 1,15 * *', 17 * 24 * 60], // 15th to 1st of a 31-day month
    ['0 0 13 * 5', 7 * 24 * 60], // day-of-month OR day-of-week (robfig semantics): every Friday at least
  ])('%s: longest gap %d minutes', (expr, gap) => {
    expect(CronExpression.parse(expr).maxGapMinutes()).toBe(gap);
  });

  test('never-firing expressions have no gap', () => {
    expect(CronExpression.parse('0 0 31 2 *').maxGapMinutes()).toBeUndefined();
  });

  test('every-minute detection', () => {
    expect(CronExpression.parse('* 2 * * *').everyMinute).toBe(true);
    expect(CronExpression.parse('0 2 * * *').everyMinute).toBe(false);
  });

  test.each([
    ['', /has 1 field/],
    ['1 2 3 4', /has 4 field/],
    ['60 * * * *', /minute field: 60 is outside 0-59/],
    ['0 0 0 * *', /day-of-month field: 0 is outside 1-31/],
    ['0 0 * 13 *', /month field: 13 is outside 1-12/],
    ['0 0 * * 8', /day-of-week field: 8 is outside 0-6/],
    ['0 0 * * MON-', /not a range like 1-5/],
    ['0 0 ? * *', /day-of-month/], // '?' is fine in day fields…
    ['? 0 * * *', /"\?" is only allowed for day-of-month and day-of-week/],
    ['0,,5 * * * *', /empty list item/],
    ['0/5/2 * * * *', /more than one step/],
    ['a * * * *', /"a" is not a number/],
  ])('%j is rejected or parsed as documented', (expr, message) => {
    if (expr === '0 0 ? * *') {
      expect(CronExpression.parse(expr).maxGapMinutes()).toBe(24 * 60);
      return;
    }
    expect(() => CronExpression.parse(expr)).toThrow(message);
  });
});

describe('Format', () => {
  test.each<[Duration, string]>([
    [Duration.hours(720), '720h0m0s'],
    [Duration.minutes(90), '1h30m0s'],
    [Duration.minutes(5), '5m0s'],
    [Duration.seconds(45), '45s'],
    [Duration.seconds(0), '0s'],
    [Duration.days(90), '2160h0m0s'],
  ])('Go duration of %s is %s', (d, s) => expect(Format.goDuration(d)).toBe(s));

  test('restic and rclone durations', () => {
    expect(Format.resticDuration(Duration.days(30))).toBe('30d');
    expect(Format.resticDuration(Duration.hours(36))).toBe('36h');
    expect(Format.resticDuration(Duration.minutes(59))).toBeUndefined();
    expect(Format.rcloneDuration(Duration.days(30))).toBe('30d');
    expect(Format.rcloneDuration(Duration.hours(12))).toBe('12h');
    expect(Format.rcloneDuration(Duration.minutes(90))).toBe('90m');
    expect(Format.rcloneDuration(Duration.seconds(61))).toBe('61s');
  });

  test('shell quoting survives a round trip through sh', () => {
    for (const word of ['plain', '*.tmp', "it's", 'a b', '$HOME', '`x`', '"q"', 'back\\slash']) {
      const r = spawnSync('sh', ['-c', `printf '%s' ${Format.shellQuote(word)}`], { encoding: 'utf8' });
      expect(r.stdout).toBe(word);
    }
  });

  test('sizes in KiB round up', () => {
    expect(Format.kibibytes(Size.mebibytes(10))).toBe(10240);
    expect(Format.minutes(24 * 60 + 90)).toBe('1d1h30m');
  });
});

describe('S3 names and overlaps', () => {
  test.each(['velero', 'edge-backups-01', 'a.b.c', 'x'.repeat(63)])('bucket %s is valid', (b) => expect(S3Names.bucketProblem(b)).toBeUndefined());
  test.each(['ab', 'x'.repeat(64), 'Velero', 'a_b', '-ab', 'ab-', 'a..b', '192.168.1.1', 'xn--abc', 'sthree-x', 'b--ol-s3', 'b.mrap', 'b--x-s3'])('bucket %s is invalid', (b) => expect(S3Names.bucketProblem(b)).toBeDefined());

  test('overlap means same endpoint, same bucket, nested prefixes', () => {
    const t = (bucket: string, prefix?: string, endpoint = 'http://minio:9000') => ({ endpoint, bucket, prefix, what: 'x' });
    expect(S3Targets.overlaps(t('b'), t('b', 'p'))).toBe(true);
    expect(S3Targets.overlaps(t('b', 'p'), t('b', 'p/q'))).toBe(true);
    expect(S3Targets.overlaps(t('b', 'p'), t('b', 'pq'))).toBe(false);
    expect(S3Targets.overlaps(t('b', 'p'), t('c', 'p'))).toBe(false);
    expect(S3Targets.overlaps(t('b', 'p'), t('b', 'p', 'http://MINIO:9000/'))).toBe(true);
    expect(S3Targets.overlaps(t('b', 'p'), t('b', 'p', 'http://other:9000'))).toBe(false);
  });
});
