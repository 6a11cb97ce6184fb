import { Size, SizeRoundingBehavior } from 'cdk8s';
import { IConstruct } from 'constructs';
import { edgeError } from '../../core';

/**
 * Checks a ZFS record/volume block size (a power of two from 512 B to 128 KiB) and renders it the way zfs accepts it
 * (`512`, `4K`, `128K`).
 */
export function zfsBlockSize(scope: IConstruct, prop: string, size: Size): string {
  const bytes = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
  const isPowerOfTwo = Number.isInteger(bytes) && bytes > 0 && Number.isInteger(Math.log2(bytes));
  if (!isPowerOfTwo || bytes < 512 || bytes > 128 * 1024) {
    throw edgeError(scope, {
      prop,
      value: `${bytes} bytes`,
      rule: 'must be a power of two from 512 B to 128 KiB',
      fix: 'use e.g. Size.kibibytes(128) for large sequential files (video) or Size.kibibytes(16) for databases',
    });
  }
  return bytes < 1024 ? `${bytes}` : `${bytes / 1024}K`;
}
