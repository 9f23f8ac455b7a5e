import { defineConfig } from 'vitest/config';

// Mutation testing (npm run test:mutation) runs the unit tests only: no llama-server, no scoreboard reporter.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // Real-process sampler tests measure the machine, and the schema staleness check compares files on disk:
    // neither tests the code under mutation.
    exclude: ['test/unit/sampler.test.ts', 'test/unit/schemas.test.ts'],
    reporters: ['dot'],
  },
});
