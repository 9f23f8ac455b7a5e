import { defineProject } from 'vitest/config';

/** Profiles measure: they run one file at a time, with long timeouts, behind the global setup that prepares the plan. */
function profile(name: string) {
  return defineProject({
    test: {
      name,
      include: [`suites/${name}.test.ts`],
      globalSetup: ['./harness/vitest/global-setup.ts'],
      setupFiles: ['./harness/vitest/worker-guard.ts'],
      testTimeout: 60_000,
      hookTimeout: 600_000,
    },
  });
}

export const PROFILE_PROJECTS = ['idle', 'interactive', 'quality', 'invisibility'] as const;

export default [
  ...PROFILE_PROJECTS.map(profile),
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
