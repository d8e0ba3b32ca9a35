/**
 * Type checking and the build are done once, by the global setup (tsc over src, storage, commands
 * and test, incremental); jest itself only transpiles (fast, per file).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  // Most suites wait on emulated clouds and child processes, not on the CPU: two workers on the two
  // cores of this machine halve the wall time. Timing-sensitive tests freeze clocks or count resources.
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/global-setup.js',
};
