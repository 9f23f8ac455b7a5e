import type { TestProject } from 'vitest/node';

type PrepareRun = typeof import('./prepare-run.ts');

declare global {
  // The module behind every profile project's global setup, imported once per Vitest process (see below).
  var __benchPrepareRun: Promise<PrepareRun> | undefined;
}

/**
 * Every profile project has this global setup, and Vitest imports a project's global setup through that project's
 * own module graph: without this, a run of N profiles would load the plan's ~100 modules N times in the main process
 * (measured: ~0.4 s of CPU each), and once more for the scoreboard reporter. So the work lives in prepare-run.ts,
 * imported once per process, by the reporter when it is loaded (it shares those modules) or by the first project.
 */
export default async function setup(project: TestProject): Promise<void> {
  globalThis.__benchPrepareRun ??= import('./prepare-run.ts');
  await (await globalThis.__benchPrepareRun).prepareProject(project);
}
