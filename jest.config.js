/**
 * Type checking and the build are done once, by the global setup (tsc over src, storage, commands
 * and test, incremental); jest itself only transpiles (fast, per file).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ["<rootDir>/test"],
  modulePathIgnorePatterns: ["<rootDir>/dist/"],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/global-setup.js',
};
