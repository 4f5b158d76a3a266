// Tests are compiled by tsc first (npm test), so jest runs plain JS from dist/ with source maps.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  testEnvironment: 'node',
  // Run tsc's output as it is, not through babel-jest: V8's coverage offsets must match dist/ and its source maps
  // (npm run test:coverage), and nothing here needs babel (no jest.mock hoisting).
  transform: {},
  testTimeout: 60000,
  maxWorkers: 2,
};
