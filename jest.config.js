/**
 * Two projects: `unit` needs no server and runs in seconds (`npm run test:unit`); `integration` talks to
 * the real local stack, which its global setup brings up. `npm test` runs both.
 */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/setup/quiet-logs.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
};

module.exports = {
  testTimeout: 120000,
  // Temporal's native runtime can outlive the last worker by a few seconds; never let CI wait on it.
  forceExit: true,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/test/unit'], testMatch: ['**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
