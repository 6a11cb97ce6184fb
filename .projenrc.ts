import { cdk8s, javascript, JsonFile } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-edge-storage',
  description: 'cdk8s constructs for edge storage and data management: Rook Ceph erasure coding, MinIO, OpenEBS and Longhorn storage classes, Velero/Restic/Rclone backup, Nginx/Redis caches, Kafka edge-to-cloud sync, site blueprints and fleet synthesis.',
  author: 'cdk8s-edge-storage developers',
  authorAddress: 'dev@example.invalid',
  repositoryUrl: 'https://example.invalid/cdk8s-edge-storage.git',
  keywords: ['cdk8s', 'kubernetes', 'edge', 'storage', 'ceph', 'rook', 'minio', 'velero', 'strimzi'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.16.0',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  cdk8sVersion: '2.70.0',
  projenVersion: '0.103.25',
  constructsVersion: '10.3.0',
  peerDeps: ['cdk8s-plus-30@^2.4.10'],
  bundledDeps: ['yaml@^2.8.1'],
  devDeps: [
    'ajv@^8.17.1', 'ajv-formats@^3.0.1', 'cdk8s-cli@^2.207.60',
    // Mutation testing (`test:mutation`); the 9.x line is the last that supports Node 20 (10.x needs Node 22).
    '@stryker-mutator/core@9.6.1', '@stryker-mutator/jest-runner@9.6.1',
  ],
  // The other jsii languages (build locally with `npx projen package-all` until published; .NET: no SDK here).
  publishToPypi: { distName: 'cdk8s-edge-storage', module: 'cdk8s_edge_storage' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8s_edge_storage',
    mavenGroupId: 'io.github.cdk8s-edge-storage',
    mavenArtifactId: 'cdk8s-edge-storage',
  },
  publishToGo: { moduleName: 'example.invalid/cdk8s-edge-storage-go', packageName: 'cdk8sedgestorage' },
  github: false,
  release: false,
  depsUpgrade: false,
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'bench', 'scripts', 'projenrc', '.projenrc.ts'] },
  jestOptions: {
    passWithNoTests: false,
    coverageText: false, // the per-file table (180 lines) stays in coverage/; the run prints the summary
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      maxWorkers: 2,
      // The fast tier: real-program tests (`*.real.test.ts`) run in `test:real`.
      testPathIgnorePatterns: ['/node_modules/', '\\.real\\.test\\.ts$'],
      // Mutation runs (`test:mutation`) copy the repository into .stryker-tmp/: not modules of this one.
      modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
      // Quiet runs: warnings silenced unless a test asserts them; temp folders (cdk8s.outdir.*) removed afterwards.
      setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
      globalSetup: '<rootDir>/test/support/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/jest-global-teardown.ts',
      coverageReporters: ['json', 'lcov', 'clover', 'cobertura', 'text-summary'],
    },
  },
  tsconfigDev: {
    include: ['../examples/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts'],
    compilerOptions: {},
  },
  // `/node_modules` (no slash) also ignores a worktree's node_modules symlink, which `node_modules/` does not match.
  gitignore: ['/node_modules', 'examples/*/dist/', '.schema-cache/', 'bench/out/', '.tools/', '.stryker-tmp/', 'reports/mutation/'],
  npmignoreEnabled: true,
});

// jsii-pacmak stays on the release whose Go runtime (github.com/aws/jsii-runtime-go, same version) the Go module
// proxy serves: the Go bindings require exactly that runtime version.
project.addDevDeps('jsii-pacmak@1.139.0');

// Java and Go bindings of dependencies that the reachable Maven and Go registries lack (scripts/bindings-deps.sh).
const bindingsDeps = project.addTask('package:bindings-deps', {
  description: 'Build the Java/Go bindings of jsii dependencies missing from the registries into node_modules/<dep>/dist',
  exec: 'bash scripts/bindings-deps.sh',
});
for (const lang of ['java', 'go']) {
  project.tasks.tryFind(`package:${lang}`)?.prependSpawn(bindingsDeps);
}

// `npx projen build` packages JavaScript only (fast); `npx projen package-all` adds Python, Java and Go, and the real
// tier's binding tests build those themselves when they are missing.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// The package ships lib/, .jsii, API.md, docs/ and README: nothing that only builds or tests the repository.
for (const pattern of ['/examples/', '/bench/', '/scripts/', '/.ci/', '/docs/BENCHMARKS.md', '/schemas.lock.json', '/.schema-cache/', '/.tools/', '/tsconfig.dev.json', '/cdk8s.yaml', '/stryker.config.mjs', '/reports/', '/CONTRIBUTING.md', '/dist/', '/.eslintrc.json']) {
  project.addPackageIgnore(pattern);
}

// Offline-friendly task environment (see docs/design.md §1).
for (const [k, v] of Object.entries({
  JSII_SILENCE_SUPPORT_WARNING: '1',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
  CDK8S_CHECK_UPGRADE: 'false',
})) {
  project.tasks.addEnvironment(k, v);
}

// One-way imports: core <- building blocks <- blueprints (docs/design.md §2).
const blocks = ['storage', 'objectstore', 'backup', 'cache', 'sync', 'timeseries'];
const zones: Array<{ target: string; from: string; message: string }> = [
  {
    target: './src/core',
    from: './src/!(core)/**/*',
    message: 'src/core is the bottom layer: it must not import building blocks, capacity or blueprints.',
  },
  {
    target: './src/capacity',
    from: './src/!(core|capacity)/**/*',
    message: 'src/capacity is pure math: it may import only src/core.',
  },
];
for (const block of blocks) {
  zones.push({
    target: `./src/${block}`,
    from: './src/blueprints',
    message: 'Building blocks must not import blueprints (blueprints compose blocks, not the other way round).',
  });
  for (const other of blocks.filter((b) => b !== block)) {
    zones.push({
      target: `./src/${block}`,
      from: `./src/${other}`,
      message: `Building blocks meet through interfaces in src/core: src/${block} must not import src/${other}.`,
    });
  }
}
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', { zones }],
});

// A test file that fails to load (e.g. a missing program) counts as a failed test in the JUnit report.
project.testTask.env('JEST_JUNIT_REPORT_TEST_SUITE_ERRORS', 'true');
// `npm test` runs against the jsii-compiled lib/ too (the CLI tests run the built bin).
project.testTask.prependSpawn(project.compileTask);
project.addBins({ 'cdk8s-edge-storage': 'lib/cli/bin.js' });

// Main job: synthesize every example app into examples/<name>/dist.
project.addTask('examples', {
  description: 'Synthesize every app under examples/ into examples/<name>/dist/*.k8s.yaml',
  exec: 'ts-node --transpile-only scripts/synth-examples.ts',
});
// The real-program tier: install the programs (idempotent, cached in .tools/), then run every `*.real.test.ts`.
project.addTask('test:tools', {
  description: 'Install the programs the real-program tests run (apt, pip, Go builds, Maven jars) into .tools/',
  exec: 'bash scripts/test-tools.sh',
});
const testReal = project.addTask('test:real', {
  description: 'Real-program tier: API server, Kafka, MinIO, nginx, redis, restic, rclone, moto on loopback',
  env: { JEST_JUNIT_OUTPUT_DIR: 'test-reports/real', JEST_JUNIT_REPORT_TEST_SUITE_ERRORS: 'true' },
});
testReal.spawn(project.tasks.tryFind('test:tools')!);
testReal.exec([
  'jest --ci --coverage=false --maxWorkers=1',
  "--testPathIgnorePatterns '/node_modules/' --testMatch '<rootDir>/test/**/*.real.test.ts'",
  // `--` ends the array options, so `npx projen test:real <path pattern>…` runs only the matching files.
  '--reporters default --reporters jest-junit --',
].join(' '), { receiveArgs: true });
const testAll = project.addTask('test:all', { description: 'Both tiers: `test` (fast) then `test:real`' });
testAll.spawn(project.testTask);
testAll.spawn(testReal);

// Mutation testing of the rule modules (StrykerJS): minutes per area, so never part of `test` or .ci/run.
project.addTask('test:mutation', {
  description: 'Mutation testing (StrykerJS) of the rule modules, one run per area of scripts/mutation-areas.mjs; fails below each area\'s break threshold',
  exec: 'node scripts/mutation.mjs',
  receiveArgs: true,
});

project.addTask('fetch-schemas', {
  description: 'Download the pinned upstream schemas (schemas.lock.json, sha256-verified) into .schema-cache/',
  exec: 'ts-node --transpile-only scripts/fetch-schemas.ts',
});
project.addTask('bench', {
  description: 'Run the benchmarks in bench/ (never part of the tests)',
  exec: 'ts-node --transpile-only bench/run.ts',
  receiveArgs: true,
});


// Type-checking (and typed linting) for the folders outside src/ and test/.
for (const dir of ['examples', 'bench', 'scripts']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['./**/*.ts'], exclude: ['./**/dist/**'] },
  });
}

project.synth();
