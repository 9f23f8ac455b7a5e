// Mutation testing of the core (npm run test:mutation): a surviving mutant is a missing test. Not part of npm test.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  checkers: [],
  coverageAnalysis: 'perTest',
  mutate: [
    'harness/stats/**/*.ts',
    'harness/budgets/budget.ts',
    'harness/sampler/proc.ts',
    'harness/client/stream.ts',
    'harness/report/select.ts',
    'harness/report/recommend.ts',
    'harness/report/compare.ts',
    'harness/report/ratings.ts',
    'harness/scoring/**/*.ts',
  ],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  concurrency: 2,
  timeoutMS: 20000,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['results', 'reports', '.vitest-reports', 'html'],
};
