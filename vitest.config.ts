import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace.ts';
import { newRunId } from './harness/run-id.ts';
import { installModuleCacheFix } from './harness/vitest/module-cache-fix.ts';

// Before Vitest loads any module through its cache (see the file for the Vitest bug it works around).
installModuleCacheFix();

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
    // Transformed modules kept on disk (node_modules/.experimental-vitest-cache, keyed by each file's content, the
    // config and the Vitest version): a run otherwise transforms ~190 harness files again before it measures anything,
    // paid by each of the e2e suite's ~45 nested runs (measured: a nested idle + interactive run 12.2–13.3 → 9.9–11.8 s
    // of CPU). Imports here name their files with extensions, so a cached transform cannot point at a renamed file
    // (vitest#11246). `npx vitest --clearCache` empties it.
    experimental: { fsModuleCache: true },
  },
});
