/** `npm run test:soak`: the long fault-injection run, on the same local stack as the integration tests. */
const base = require('./jest.config');
const integration = base.projects.find((p) => p.displayName === 'integration');

module.exports = { testTimeout: base.testTimeout, forceExit: true, ...integration, displayName: 'soak', roots: ['<rootDir>/test/soak'] };
