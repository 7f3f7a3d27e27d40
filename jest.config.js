/** Unit tests run on their own; integration tests share one local stack brought up by the global setup. */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The soak runs for minutes on its own: npm run test:soak (jest.soak.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/soak/'],
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup/quiet-logs.ts'],
  testTimeout: 120000,
  // Temporal's native runtime can outlive the last worker by a few seconds; never let CI wait on it.
  forceExit: true,
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
};
