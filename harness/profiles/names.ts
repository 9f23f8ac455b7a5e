// The profiles' names, in the registry's order, and nothing else: vitest.config.ts and vitest.workspace.ts read
// this list, so loading Vitest's config does not bundle and run every profile's code (137 files, 1.6 s of CPU
// before each run did any work). registry.ts stays the one home of profiles; a unit test holds this list to it.
export const PROFILE_NAMES_IN_ORDER = [
  'idle',
  'interactive',
  'quality',
  'invisibility',
  'long-context',
  'batch',
  'wake',
  'sleep-race',
  'concurrency',
  'crossover',
  'temperature',
  'stress',
] as const;
