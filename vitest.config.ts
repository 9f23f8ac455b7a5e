import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace.ts';
import { newRunId } from './harness/run-id.ts';

// One run id per Vitest invocation, shared by the global setup, the workers and the scoreboard reporter;
// BENCH_RESUME=<run-id> continues that run instead (the global setup checks it exists).
process.env.BENCH_RUN_ID ||= process.env.BENCH_RESUME || newRunId();

export default defineConfig({
  test: {
    projects,
    reporters: ['default', './reporters/scoreboard.ts'],
    // Measurements must not compete with each other for the CPU: one file, one worker, at a time.
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
