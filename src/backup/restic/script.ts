import { Duration } from 'cdk8s';
import { Bandwidth, BandwidthFormat, ValidationMessageOptions } from '../../core';
import { Format } from '../internal/format';

/**
 * Which snapshots `restic forget` keeps (per host and tag set). A snapshot kept by any rule stays.
 *
 * `keepWithin` counts back from the NEWEST snapshot in the group, not from now: if backups stopped a month ago,
 * `keepWithin: 7 days` still keeps the last week of snapshots before they stopped.
 */
export interface ResticRetention {
  /**
   * Keep the newest N snapshots.
   * @default - no such rule
   */
  readonly keepLast?: number;
  /**
   * Keep the newest snapshot of each of the last N hours that have one.
   * @default - no such rule
   */
  readonly keepHourly?: number;
  /**
   * Keep the newest snapshot of each of the last N days that have one.
   * @default - no such rule
   */
  readonly keepDaily?: number;
  /**
   * Keep the newest snapshot of each of the last N weeks that have one.
   * @default - no such rule
   */
  readonly keepWeekly?: number;
  /**
   * Keep the newest snapshot of each of the last N months that have one.
   * @default - no such rule
   */
  readonly keepMonthly?: number;
  /**
   * Keep the newest snapshot of each of the last N years that have one.
   * @default - no such rule
   */
  readonly keepYearly?: number;
  /**
   * Keep every snapshot taken within this duration before the newest snapshot (whole hours; restic's smallest unit).
   * @default - no such rule
   */
  readonly keepWithin?: Duration;
}

/** Options for {@link ResticScript.render}. */
export interface ResticScriptOptions {
  /**
   * Retention applied after each backup.
   * @default ResticScript.DEFAULT_RETENTION (keepDaily 30)
   */
  readonly retention?: ResticRetention;
  /**
   * Remove the data of forgotten snapshots (`forget --prune`).
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Run `restic check` after the backup.
   * @default true
   */
  readonly check?: boolean;
  /**
   * Also read back this percentage of the pack files in `check` (`--read-data-subset=N%`), 1–100.
   * @default - structure check only
   */
  readonly checkReadDataPercent?: number;
  /**
   * Patterns to exclude (`--exclude`).
   * @default - none
   */
  readonly excludes?: string[];
  /**
   * Do not cross filesystem boundaries (`--one-file-system`).
   * @default false
   */
  readonly oneFileSystem?: boolean;
  /**
   * Upload bandwidth limit (`--limit-upload`, whole KiB/s rounded down, at least 1).
   * @default - unlimited
   */
  readonly uploadBandwidthLimit?: Bandwidth;
  /**
   * Extended options (`-o key=value`), e.g. `s3.bucket-lookup: path`.
   * @default - none
   */
  readonly extendedOptions?: { [key: string]: string };
  /**
   * File with extra root certificates (`--cacert`).
   * @default - system trust store
   */
  readonly caCertFile?: string;
  /**
   * How long each restic command waits for a lock another client holds (`--retry-lock`, restic ≥ 0.16): `forget`,
   * `prune` and `check` need an exclusive lock, so jobs sharing a repository (several volumes or sites) would
   * otherwise fail with exit 11 whenever they overlap. Zero turns waiting off.
   * @default ResticScript.DEFAULT_RETRY_LOCK (1 hour)
   */
  readonly retryLock?: Duration;
}

const RULES: Array<[keyof ResticRetention, string]> = [
  ['keepLast', '--keep-last'],
  ['keepHourly', '--keep-hourly'],
  ['keepDaily', '--keep-daily'],
  ['keepWeekly', '--keep-weekly'],
  ['keepMonthly', '--keep-monthly'],
  ['keepYearly', '--keep-yearly'],
];

/**
 * The POSIX shell script a {@link ResticBackup} CronJob runs (busybox `sh` in the restic image). It reads
 * `RESTIC_REPOSITORY`, `RESTIC_PASSWORD`, `BACKUP_SOURCE`, `BACKUP_HOST` and `BACKUP_TAGS` from the environment and:
 *
 * 1. opens the repository and initializes it only when restic reports that none exists (exit code 10, or the
 *    "Is there a repository" hint of older versions); any other failure (wrong password, network) stops the run;
 * 2. removes stale locks left by killed runs (`unlock` never removes live locks);
 * 3. backs up `BACKUP_SOURCE` as host `BACKUP_HOST` with tags `BACKUP_TAGS`;
 * 4. applies the retention to this host + tag set only (`forget --group-by host,tags`), with `--prune`;
 * 5. runs `check` (optionally reading a subset of the data back).
 *
 * Nothing after a failed step runs (`set -eu`): a failed backup never triggers a prune. The one exception is restic's
 * exit code 3 (snapshot saved, but some source files could not be read): steps 4 and 5 still run, then the script
 * exits with 3 so the Job is marked failed.
 *
 * Internal (not exported from the package; the library's files and the tests import it by path).
 */
export class ResticScript {
  /** Used when no retention is given: one snapshot per day for 30 days. */
  public static readonly DEFAULT_RETENTION: ResticRetention = { keepDaily: 30 };

  /** Default wait for another client's repository lock (`--retry-lock`). */
  public static readonly DEFAULT_RETRY_LOCK: Duration = Duration.hours(1);

  /**
   * What is wrong with `retention`, or undefined: negative or fractional counts, no rule at all (restic would then
   * refuse to forget anything, and an all-zero policy would keep nothing), or keepWithin under one hour.
   */
  public static retentionProblem(retention: ResticRetention): ValidationMessageOptions | undefined {
    for (const [key] of RULES) {
      const v = retention[key] as number | undefined;
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
        return { prop: `retention.${key}`, value: v, rule: 'must be a whole number ≥ 0', fix: 'use e.g. keepDaily: 7' };
      }
    }
    if (retention.keepWithin !== undefined && Format.resticDuration(retention.keepWithin) === undefined) {
      return { prop: 'retention.keepWithin', value: retention.keepWithin.toHumanString(), rule: 'must be at least one hour (restic counts whole hours)', fix: 'use e.g. Duration.days(7)' };
    }
    const active = RULES.filter(([key]) => ((retention[key] as number | undefined) ?? 0) > 0).length + (retention.keepWithin ? 1 : 0);
    if (active === 0) {
      return {
        prop: 'retention',
        value: ResticScript.describeRetention(retention),
        rule: 'keeps no snapshot: every keep rule is zero or unset',
        fix: 'set at least one rule, e.g. { keepDaily: 7, keepWeekly: 4, keepMonthly: 12 }',
      };
    }
    return undefined;
  }

  /** `keepDaily=7 keepWithin=30d` style summary. */
  public static describeRetention(retention: ResticRetention): string {
    const parts = RULES.filter(([key]) => retention[key] !== undefined).map(([key]) => `${key}=${retention[key]}`);
    if (retention.keepWithin) parts.push(`keepWithin=${Format.resticDuration(retention.keepWithin) ?? retention.keepWithin.toHumanString()}`);
    return parts.join(' ') || '(none)';
  }

  /** The `restic forget` flags for `retention`, e.g. `--keep-daily 7 --keep-within 30d`. */
  public static retentionFlags(retention: ResticRetention): string[] {
    const flags: string[] = [];
    for (const [key, flag] of RULES) {
      const v = retention[key] as number | undefined;
      if (v !== undefined && v > 0) flags.push(flag, String(v));
    }
    if (retention.keepWithin) flags.push('--keep-within', Format.resticDuration(retention.keepWithin)!);
    return flags;
  }

  /**
   * The script for `options`.
   * @throws when the retention keeps nothing or has invalid values, or checkReadDataPercent is outside 1–100
   */
  public static render(options: ResticScriptOptions = {}): string {
    const retention = options.retention ?? ResticScript.DEFAULT_RETENTION;
    const problem = ResticScript.retentionProblem(retention);
    if (problem) throw new Error(`ResticScript: ${problem.prop} = ${JSON.stringify(problem.value)}: ${problem.rule}; ${problem.fix}`);
    const pct = options.checkReadDataPercent;
    if (pct !== undefined && (!Number.isFinite(pct) || pct <= 0 || pct > 100)) {
      throw new Error(`ResticScript: checkReadDataPercent = ${pct}: must be more than 0 and at most 100; use e.g. 5`);
    }
    const retryLock = options.retryLock ?? ResticScript.DEFAULT_RETRY_LOCK;
    const retrySeconds = retryLock.toSeconds({ integral: false });
    if (!Number.isInteger(retrySeconds) || retrySeconds < 0) {
      throw new Error(`ResticScript: retryLock = ${retryLock.toHumanString()}: must be zero or a whole number of seconds; use e.g. Duration.minutes(30)`);
    }
    const q = Format.shellQuote;
    const global: string[] = retrySeconds > 0 ? ['--retry-lock', `${retrySeconds}s`] : [];
    for (const [k, v] of Object.entries(options.extendedOptions ?? {}).sort(([a], [b]) => a.localeCompare(b))) global.push('-o', q(`${k}=${v}`));
    if (options.caCertFile) global.push('--cacert', q(options.caCertFile));
    if (options.uploadBandwidthLimit) global.push('--limit-upload', String(Math.max(1, BandwidthFormat.wholeKibibytesPerSecond(options.uploadBandwidthLimit))));
    const backupFlags = [
      ...(options.oneFileSystem ? ['--one-file-system'] : []),
      ...(options.excludes ?? []).flatMap((e) => ['--exclude', q(e)]),
    ];
    const forgetFlags = [...ResticScript.retentionFlags(retention), ...(options.prune ?? true ? ['--prune'] : [])];
    const checkFlags = pct !== undefined ? [`--read-data-subset=${Number(pct.toFixed(2))}%`] : [];

    const lines = [
      '# Generated by cdk8s-edge-storage (ResticBackup); POSIX sh.',
      '# Reads RESTIC_REPOSITORY, RESTIC_PASSWORD, BACKUP_SOURCE, BACKUP_HOST and BACKUP_TAGS from the environment.',
      'set -eu',
      ': "${RESTIC_REPOSITORY:?must be set}"',
      ': "${BACKUP_SOURCE:?must be set}"',
      ': "${BACKUP_HOST:?must be set}"',
      ': "${BACKUP_TAGS:?must be set}"',
      '',
      'log() { printf \'%s restic-backup: %s\\n\' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }',
      `run_restic() { restic ${[...global, '"$@"'].join(' ')}; }`,
      '',
      'if [ ! -d "$BACKUP_SOURCE" ]; then',
      '  log "source $BACKUP_SOURCE is not a directory"',
      '  exit 2',
      'fi',
      '',
      'rc=0',
      'err=$(run_restic cat config 2>&1 >/dev/null) || rc=$?',
      'if [ "$rc" -eq 0 ]; then',
      '  log "repository found"',
      'else',
      '  case "$rc:$err" in',
      '    10:* | *"Is there a repository at the following location"*)',
      '      log "no repository yet: initializing"',
      '      run_restic init',
      '      ;;',
      '    *)',
      '      printf \'%s\\n\' "$err" >&2',
      '      log "cannot open the repository (exit $rc); not initializing"',
      '      exit "$rc"',
      '      ;;',
      '  esac',
      'fi',
      '',
      'run_restic unlock',
      'log "backing up $BACKUP_SOURCE as host $BACKUP_HOST with tags $BACKUP_TAGS"',
      '# Exit 3: the snapshot was saved but some source files could not be read. Retention and check still run',
      '# (otherwise a single unreadable file stops pruning for good), and the job fails with 3 at the end.',
      'partial=0',
      `run_restic backup --host "$BACKUP_HOST" --tag "$BACKUP_TAGS"${backupFlags.length ? ' ' + backupFlags.join(' ') : ''} "$BACKUP_SOURCE" || partial=$?`,
      'case "$partial" in',
      '  0) ;;',
      '  3) log "WARNING: some source files could not be read (restic exit 3); the snapshot was saved without them" ;;',
      '  *) log "backup failed (exit $partial); retention not applied"; exit "$partial" ;;',
      'esac',
      `log "retention: ${ResticScript.describeRetention(retention)}"`,
      `run_restic forget --host "$BACKUP_HOST" --tag "$BACKUP_TAGS" --group-by host,tags ${forgetFlags.join(' ')}`,
      ...(options.check ?? true ? [
        'log "checking the repository"',
        `run_restic check${checkFlags.length ? ' ' + checkFlags.join(' ') : ''}`,
      ] : []),
      'if [ "$partial" -ne 0 ]; then',
      '  log "done, but some source files were not backed up: failing with exit $partial"',
      '  exit "$partial"',
      'fi',
      'log "done"',
      '',
    ];
    return lines.join('\n');
  }

  private constructor() {}
}
