/** `npm run test:soak`: the long fault-injection run, on the same local stack as the other tests. */
const base = require('./jest.config');

module.exports = { ...base, roots: ['<rootDir>/test/soak'], testPathIgnorePatterns: ['/node_modules/'] };
