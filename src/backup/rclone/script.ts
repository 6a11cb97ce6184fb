import { Duration } from 'cdk8s';
import { AT_LEAST_ONE_KIB, Bandwidth, BandwidthFormat, ValidationMessageOptions } from '../../core';
import { Format } from '../internal/format';

/** What an {@link RcloneArchive} does with the selected files. */
export enum RcloneMode {
  /** Copy to the archive; the source keeps its files (a later cleanup frees space). */
  COPY = 'copy',
  /** Move to the archive: each file is deleted from the source after it was transferred and verified. */
  MOVE = 'move',
  /**
   * Make the archive mirror the source: files missing from the source are DELETED from the archive (files younger
   * than minAge are outside the filter and left alone).
   */
  SYNC = 'sync',
}

/** Options for {@link RcloneScript.render}. */
export interface RcloneScriptOptions {
  /**
   * Copy, move or sync.
   * @default RcloneMode.COPY
   */
  readonly mode?: RcloneMode;
  /**
   * Only files last modified longer ago than this (`--min-age`).
   * @default Duration.days(30)
   */
  readonly minAge?: Duration;
  /**
   * Bandwidth limit (`--bwlimit`, whole KiB/s rounded down; at least 1 KiB/s).
   * @default - unlimited
   */
  readonly bandwidthLimit?: Bandwidth;
  /**
   * Parallel file transfers (`--transfers`, 1–64).
   * @default 4
   */
  readonly transfers?: number;
  /**
   * Parallel checkers (`--checkers`, 1–64).
   * @default 8
   */
  readonly checkers?: number;
  /**
   * Compare files by checksum instead of modification time (`--checksum`) and, for copy and sync, run
   * `rclone check --one-way` afterwards. Transfers are always hash-verified when both sides share a hash.
   * @default true
   */
  readonly checksum?: boolean;
  /**
   * Only report what would be transferred (`--dry-run`).
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * In move mode, remove source directories left empty (`--delete-empty-src-dirs`); writers that expect their
   * directories to exist may break.
   * @default false
   */
  readonly deleteEmptySourceDirs?: boolean;
  /**
   * Only files matching these rclone filter patterns (e.g. `*.mp4`, `cameras/**`).
   * @default - all files
   */
  readonly includes?: string[];
  /**
   * Skip files matching these rclone filter patterns (e.g. `*.tmp`, `.partial/**`). Excludes win over includes.
   * @default - none
   */
  readonly excludes?: string[];
  /**
   * File with extra root certificates (`--ca-cert`).
   * @default - system trust store
   */
  readonly caCertFile?: string;
  /**
   * Copy the read-only config file named by `$ARCHIVE_CONFIG_TEMPLATE` (a mounted Secret) to `$RCLONE_CONFIG` before
   * running, so backends that refresh tokens can write it.
   * @default false (remotes come from RCLONE_CONFIG_* variables or local paths)
   */
  readonly copyConfigTemplate?: boolean;
}

/**
 * The POSIX shell script an {@link RcloneArchive} CronJob runs (busybox `sh` in the rclone image). It reads
 * `ARCHIVE_SOURCE` and `ARCHIVE_DEST` (a local path or `remote:path`) from the environment (and, with
 * copyConfigTemplate, `ARCHIVE_CONFIG_TEMPLATE` and `RCLONE_CONFIG`), transfers the files
 * older than minAge, and verifies the result with `rclone check --one-way` (copy and sync). A second run with
 * nothing new transfers nothing.
 *
 * Internal (not exported from the package; the library's files and the tests import it by path).
 */
export class RcloneScript {
  /** What is wrong with `options` (transfers/checkers outside 1–64, empty filter patterns), or undefined. */
  public static optionProblem(options: RcloneScriptOptions): ValidationMessageOptions | undefined {
    for (const [prop, value] of Object.entries({ transfers: options.transfers, checkers: options.checkers })) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 64)) {
        return { prop, value, rule: 'must be a whole number from 1 to 64', fix: `use e.g. ${prop === 'transfers' ? 4 : 8}` };
      }
    }
    const bandwidth = BandwidthFormat.problem('bandwidthLimit', options.bandwidthLimit, AT_LEAST_ONE_KIB);
    if (bandwidth) return bandwidth;
    for (const [prop, patterns] of Object.entries({ includes: options.includes ?? [], excludes: options.excludes ?? [] })) {
      const bad = patterns.find((p) => p.trim() === '' || /[\n\r]/.test(p));
      if (bad !== undefined) return { prop, value: bad, rule: 'patterns must be non-empty single lines', fix: 'use rclone filter patterns such as "*.tmp" or "cameras/**"' };
    }
    return undefined;
  }

  /**
   * The script for `options`.
   * @throws when optionProblem finds a problem
   */
  public static render(options: RcloneScriptOptions = {}): string {
    const problem = RcloneScript.optionProblem(options);
    if (problem) throw new Error(`RcloneScript: ${problem.prop} = ${JSON.stringify(problem.value)}: ${problem.rule}; ${problem.fix}`);
    const q = Format.shellQuote;
    const mode = options.mode ?? RcloneMode.COPY;
    const minAge = Format.rcloneDuration(options.minAge ?? Duration.days(30));
    const checksum = options.checksum ?? true;
    const filters = [
      ...(options.excludes ?? []).map((p) => ['--filter', q(`- ${p}`)]),
      ...(options.includes ?? []).map((p) => ['--filter', q(`+ ${p}`)]),
      ...((options.includes ?? []).length > 0 ? [['--filter', q('- **')]] : []),
    ].flat();
    const common = [
      ...(options.caCertFile ? ['--ca-cert', q(options.caCertFile)] : []),
      '--min-age', minAge,
      ...filters,
    ];
    const transferFlags = [
      ...common,
      ...(checksum ? ['--checksum'] : []),
      '--transfers', String(options.transfers ?? 4),
      '--checkers', String(options.checkers ?? 8),
      ...(options.bandwidthLimit ? ['--bwlimit', BandwidthFormat.rcloneBwLimit(options.bandwidthLimit)] : []),
      ...(mode === RcloneMode.MOVE && options.deleteEmptySourceDirs ? ['--delete-empty-src-dirs'] : []),
      ...(options.dryRun ? ['--dry-run'] : []),
      '--stats-one-line', '--verbose',
    ];
    const verify = checksum && mode !== RcloneMode.MOVE && !options.dryRun;
    const lines = [
      '# Generated by cdk8s-edge-storage (RcloneArchive); POSIX sh.',
      '# Reads ARCHIVE_SOURCE and ARCHIVE_DEST (local path or remote:path) from the environment.',
      'set -eu',
      ': "${ARCHIVE_SOURCE:?must be set}"',
      ': "${ARCHIVE_DEST:?must be set}"',
      '',
      'log() { printf \'%s rclone-archive: %s\\n\' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }',
      '',
      ...(options.copyConfigTemplate ? [
        ': "${RCLONE_CONFIG:?must be set}"',
        ': "${ARCHIVE_CONFIG_TEMPLATE:?must be set}"',
        'mkdir -p "$(dirname "$RCLONE_CONFIG")"',
        'cp "$ARCHIVE_CONFIG_TEMPLATE" "$RCLONE_CONFIG"',
        '',
      ] : []),
      'if [ ! -d "$ARCHIVE_SOURCE" ]; then',
      '  log "source $ARCHIVE_SOURCE is not a directory"',
      '  exit 2',
      'fi',
      '',
      `log "${mode}: files older than ${minAge} from $ARCHIVE_SOURCE to $ARCHIVE_DEST${options.dryRun ? ' (dry run)' : ''}"`,
      `rclone ${mode} "$ARCHIVE_SOURCE" "$ARCHIVE_DEST" ${transferFlags.join(' ')}`,
      ...(verify ? [
        'log "verifying the archive against the source"',
        `rclone check "$ARCHIVE_SOURCE" "$ARCHIVE_DEST" --one-way ${common.join(' ')}`,
      ] : []),
      'log "done"',
      '',
    ];
    return lines.join('\n');
  }

  private constructor() {}
}
