/**
 * The areas of the mutation run (`npx projen test:mutation`): the files Stryker mutates, the test files that must
 * notice (only these run, so the score is what the area's own tests catch), and the score below which the run fails.
 * @type {Record<string, { mutate: string[]; tests: string[]; break: number }>}
 */
export const AREAS = {
  'security-baseline': {
    mutate: ['src/core/security-baseline.ts'],
    tests: ['<rootDir>/test/core/security-baseline.test.ts'],
    break: 95,
  },
  'minio-erasure': {
    mutate: ['src/objectstore/minio/erasure.ts'],
    tests: ['<rootDir>/test/objectstore/minio/erasure.test.ts'],
    break: 90,
  },
  'rook-pools': {
    mutate: ['src/storage/rook/block-pool.ts', 'src/storage/rook/common.ts'],
    tests: [
      '<rootDir>/test/storage/rook/block-pool.test.ts',
      '<rootDir>/test/storage/rook/cluster.test.ts',
      '<rootDir>/test/storage/rook/filesystem.test.ts',
      '<rootDir>/test/storage/rook/object-store.test.ts',
    ],
    break: 90,
  },
  'capacity': {
    mutate: ['src/capacity/**/*.ts', '!src/capacity/index.ts'],
    tests: ['<rootDir>/test/capacity/**/*.test.ts'],
    break: 90,
  },
  'validators': {
    mutate: ['src/core/validate/cron.ts', 'src/core/validate/cron-expression.ts', 'src/core/validate/cidr.ts', 'src/core/validate/s3.ts'],
    tests: ['<rootDir>/test/core/validate/validators.test.ts'],
    break: 90,
  },
};
