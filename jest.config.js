/** Type checking is done once by `npm run build` (tsc over src, storage, commands and test); jest only transpiles (fast, per file). */
module.exports = {
  testEnvironment: 'node',
  roots: ["<rootDir>/test"],
  modulePathIgnorePatterns: ["<rootDir>/dist/"],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
};
