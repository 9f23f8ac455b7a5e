import { defineConfig } from 'vitest/config';

// Mutation testing (npm run test:mutation) runs the unit tests only: no llama-server, no scoreboard reporter.
// MUTATION_TESTS (comma-separated test files) narrows the run to the tests of the file under mutation: Stryker runs
// every test for each static mutant, so a narrowed run of one file is much quicker (its score can only be lower).
const only = process.env.MUTATION_TESTS?.split(',').map((f) => f.trim()).filter(Boolean);

export default defineConfig({
  test: {
    include: only?.length ? only : ['test/unit/**/*.test.ts'],
    // Real-process sampler tests measure the machine, and the schema staleness check compares files on disk:
    // neither tests the code under mutation.
    exclude: ['test/unit/sampler.test.ts', 'test/unit/schemas.test.ts'],
    reporters: ['dot'],
    // Instrumented code runs slower, and a mutation run often shares the machine (a hung mutant is still caught by
    // Stryker's own timeout).
    testTimeout: 120_000,
  },
});
