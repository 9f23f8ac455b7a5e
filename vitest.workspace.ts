import { defineProject } from 'vitest/config';

/** Profiles measure: they run one file at a time, with long timeouts, behind the global setup that prepares the plan. */
function profile(name: string, order: number) {
  return defineProject({
    test: {
      name,
      // Profiles run one after another in PROFILE_PROJECTS order (without it Vitest may interleave projects).
      sequence: { groupOrder: order },
      include: [`suites/${name}.test.ts`],
      globalSetup: ['./harness/vitest/global-setup.ts'],
      setupFiles: ['./harness/vitest/worker-guard.ts'],
      testTimeout: 60_000,
      hookTimeout: 600_000,
    },
  });
}

// Run order: stress soaks last, after the profiles whose results pick its cell.
export const PROFILE_PROJECTS = ['idle', 'interactive', 'quality', 'invisibility', 'long-context', 'batch', 'wake', 'concurrency', 'stress'] as const;

export default [
  ...PROFILE_PROJECTS.map((name, i) => profile(name, i)),
  defineProject({ test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } }),
  defineProject({
    test: {
      name: 'e2e',
      include: ['test/e2e/**/*.test.ts'],
      globalSetup: ['./test/e2e/provision.ts'],
      setupFiles: ['./harness/vitest/worker-guard.ts'],
      testTimeout: 600_000,
      hookTimeout: 1_200_000,
    },
  }),
];
