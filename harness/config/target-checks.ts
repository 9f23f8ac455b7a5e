// Checks of the `target:` block that need the rest of the config, and the `--url` / `--pid` shortcut. Whether the
// server answers, whether a pid is alive and whether an API key is set are checked before the run starts
// (harness/server/target-live.ts), not here: a config stays loadable (e.g. for `npm run report`) after the server
// it measured has gone.
import path from 'node:path';
import type { CheckContext, Where } from './checks.ts';
import type { ConfigProblem } from './errors.ts';
import { isRemoteTarget, type TargetOverride } from './target-schema.ts';

export const TARGET_URL_VAR = 'BENCH_TARGET_URL';
export const TARGET_PID_VAR = 'BENCH_TARGET_PID';

export interface OverrideOutcome {
  values: TargetOverride;
  problems: ConfigProblem[];
  /** The flag (or variable) that stands for a target key, for problems the schema finds in its value. */
  where: (keys: readonly PropertyKey[]) => ReturnType<Where> | null;
}

const PID = /^[1-9]\d{0,6}$/;

/**
 * The override from the command line when given, else from BENCH_TARGET_URL / BENCH_TARGET_PID (how `npm run bench`
 * hands `--url` and `--pid` to Vitest, and how a plain `npx vitest run` can name a running server).
 */
export function targetOverrideFrom(cli: TargetOverride | undefined, env: NodeJS.ProcessEnv): OverrideOutcome {
  const problems: ConfigProblem[] = [];
  let values: TargetOverride;
  let names: { url: string; pid: string; source: ConfigProblem['source'] };
  if (cli) {
    values = cli;
    names = { url: '--url', pid: '--pid', source: 'command line' };
  } else {
    values = {};
    names = { url: TARGET_URL_VAR, pid: TARGET_PID_VAR, source: 'environment' };
    const url = env[TARGET_URL_VAR];
    const pid = env[TARGET_PID_VAR];
    if (url) values.url = url;
    if (pid) {
      if (PID.test(pid)) values.pid = Number(pid);
      else problems.push({ path: TARGET_PID_VAR, source: 'environment', message: `got "${pid}", expected a process id (a whole number ≥ 1)` });
    }
  }
  return {
    values,
    problems,
    where: (keys) => {
      if (keys[0] !== 'target') return null;
      if (keys[1] === 'url' && values.url !== undefined) return { path: names.url, source: names.source };
      if ((keys[1] === 'pid' || keys[1] === 'pid_file') && values.pid !== undefined) return { path: names.pid, source: names.source };
      return null;
    },
  };
}

/**
 * A remote target measures what the client controls (model name, prompts, concurrency): the matrix axes and
 * llama-server settings of a launched server are not applied, and the user is told which. pid_file is resolved
 * against the config's folder like every other path.
 */
export function checkTarget(ctx: CheckContext): void {
  const { config, where } = ctx;
  const target = config.target;
  if (!isRemoteTarget(target)) return;
  if (target.pid_file !== undefined) target.pid_file = path.resolve(ctx.baseDir, target.pid_file);
  const m = config.matrix;
  const ignored = [
    ...(['quants', 'threads', 'ctx', 'priority'] as const).map((axis) => `matrix.${axis}`),
    // The knob axes the config sets (every matrix key beyond the five core axes and the model list).
    ...Object.keys(m)
      .filter((k) => !['models', 'quants', 'threads', 'ctx', 'priority'].includes(k) && m[k as keyof typeof m] !== undefined)
      .map((k) => `matrix.${k}`),
  ];
  const llama = config.llama;
  const llamaSet = [
    ...(llama.server_path !== null ? ['llama.server_path'] : []),
    ...(llama.cpu_affinity !== null ? ['llama.cpu_affinity'] : []),
    ...(llama.extra_args.length > 0 ? ['llama.extra_args'] : []),
    ...(llama.parallel !== 1 ? ['llama.parallel'] : []),
  ];
  ctx.warnings.push({
    ...where(['target', 'kind']),
    message:
      `a ${target.kind} target was started elsewhere with its own settings: ${[...ignored, ...llamaSet].join(', ')} ` +
      `${ignored.length + llamaSet.length === 1 ? 'is' : 'are'} not applied, and matrix.models is replaced by ${target.model === undefined ? "the server's own model" : 'target.model'} (one cell per model name)`,
  });
}
