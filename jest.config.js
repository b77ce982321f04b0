/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // a temporary folder per run (TMPDIR for the workers and their child processes), removed after it, holding the
  // synth cache: each stage the infra suites need is synthesized once (test/infra/synthesized-stage.ts)
  globalSetup: '<rootDir>/test/run-folders-setup.ts',
  globalTeardown: '<rootDir>/test/run-folders-teardown.ts',
  setupFiles: ['<rootDir>/local/polyfills.ts', '<rootDir>/test/setup-env.ts'],
  testTimeout: 60000,
  // jest's default (cores - 1) runs a 2-core machine in band, one suite at a time; the slowest suites mostly wait
  // on child processes (cdk synth, the CLI, serve), so a second worker overlaps them with the rest
  maxWorkers: '100%',
  testSequencer: '<rootDir>/test/slow-suites-first.cjs',
};
