import path from 'node:path';

/** harness/cli/launch.mjs: how every command of the harness is started (see that file for why). */
export const LAUNCHER = path.resolve(import.meta.dirname, 'launch.mjs');

/** The commands launch.mjs starts, in its order (its COMMANDS; test/unit/launch.test.ts holds the two and the npm scripts equal). */
export const COMMAND_NAMES = ['bench', 'report', 'calibrate', 'compare', 'serve', 'export', 'deploy', 'download'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Node's arguments for `npm run <command> -- …args`: spawn(process.execPath, commandArgs('bench', […])). */
export function commandArgs(command: CommandName, args: readonly string[] = [], launcher = LAUNCHER): string[] {
  return [launcher, command, ...args];
}
