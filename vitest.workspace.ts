import { defineProject } from 'vitest/config';
// Names only: importing the registry would bundle every profile's code into the config (see harness/profiles/names.ts).
import { PROFILE_NAMES_IN_ORDER } from './harness/profiles/names.ts';

/** Profiles measure: they run one file at a time, with long timeouts, behind the global setup that prepares the plan. */
export function profileProject(name: string, order: number) {
  return defineProject({
    test: {
      name,
      // Profiles run one after another in PROFILE_PROJECTS order (without it Vitest may interleave projects).
      sequence: { groupOrder: order },
      // Each profile's test file is one line in its folder: `await defineProfileSuite('<name>')`.
      include: [`harness/profiles/${name}/${name}.test.ts`],
      globalSetup: ['./harness/vitest/global-setup.ts'],
      setupFiles: ['./harness/vitest/worker-guard.ts'],
      testTimeout: 60_000,
      hookTimeout: 600_000,
    },
  });
}

// One project per profile of the registry, in its order: stress soaks last, after the profiles whose results pick its cell.
export const PROFILE_PROJECTS = PROFILE_NAMES_IN_ORDER;

export default [
  ...PROFILE_PROJECTS.map((name, i) => profileProject(name, i)),
  // The harness's own tests measure nothing about the machine, so their files may run side by side.
  // The 30 s per test is a hang guard: on a machine at load 20, heavier unit tests (bootstrap, the registry copy)
  // overran Vitest's 5 s default. The limit only stops a hang.
  // Not isolated: the unit files are pure over plain data (no module mocks, no env or global edits), so each worker
  // imports the harness once instead of once per file. Measured beside an e2e run: 145 → 61 s of CPU, 205 → 127 s wall.
  defineProject({ test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 100 }, fileParallelism: true, maxWorkers: 2, testTimeout: 30_000, isolate: false } }),
  defineProject({
    test: {
      name: 'e2e',
      include: ['test/e2e/**/*.test.ts'],
      // Four files at once: with three, the two cores sat idle 15 % of the e2e phase (settle times, idle windows,
      // waits on servers); with four, under 6 % (measured from /proc/stat over a whole npm test: 21 s idle of 395 s).
      // Every e2e assertion must hold on a loaded machine anyway (tagged servers, progress-driven waits, ranges where
      // the OS decides).
      fileParallelism: true,
      maxWorkers: 4,
      sequence: { groupOrder: 101 },
      globalSetup: ['./test/e2e/provision.ts'],
      setupFiles: ['./harness/vitest/worker-guard.ts'],
      testTimeout: 1_200_000,
      hookTimeout: 1_200_000,
    },
  }),
];
