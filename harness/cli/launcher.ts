import path from 'node:path';

/** harness/cli/launch.mjs: how every command of the harness is started (see that file for why). */
export const LAUNCHER = path.resolve(import.meta.dirname, 'launch.mjs');

export type CommandName = 'bench' | 'report' | 'calibrate' | 'compare' | 'serve' | 'export' | 'deploy' | 'download';

/** Node's arguments for `npm run <command> -- …args`: spawn(process.execPath, commandArgs('bench', […])). */
export function commandArgs(command: CommandName, args: readonly string[] = [], launcher = LAUNCHER): string[] {
  return [launcher, command, ...args];
}
