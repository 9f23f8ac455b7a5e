// Where runs live for the commands that read one (export, serve --from-run, report --best): output.dir of the config
// (--config, $BENCH_CONFIG, ./bench.config.yaml), or ./results (or $BENCH_OUTPUT_DIR) without one. Problems are
// collected, never thrown, so a command reports them with its own.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigProblem } from '../config/errors.ts';
import { configPathFromEnv, loadConfig, type LoadedConfig } from '../config/load.ts';
import { outputDir } from '../plan.ts';
import { isRunId, runIdProblem } from '../run-id.ts';

export interface RunsDir {
  configFile: string;
  loaded: LoadedConfig | null;
  dir: string;
}

export function runsDir(configFlag: string | undefined, problems: ConfigProblem[]): RunsDir {
  const configFile = configPathFromEnv(configFlag);
  let dir = path.resolve(process.env.BENCH_OUTPUT_DIR ?? 'results');
  let loaded: LoadedConfig | null = null;
  if (configFlag !== undefined || existsSync(configFile)) {
    try {
      loaded = loadConfig(configFile);
      dir = outputDir(loaded.config, configFile);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  return { configFile, loaded, dir };
}

/** Run ids under `dir` that have a scoreboard.json, oldest first. */
export function finishedRuns(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((d) => isRunId(d) && existsSync(path.join(dir, d, 'scoreboard.json'))).sort() : [];
}

/** The run directory for `flag`'s value, or a problem naming the flag. */
export function runDirFor(flag: string, id: string, dir: string, problems: ConfigProblem[]): string | null {
  if (!isRunId(id)) {
    problems.push({ path: flag, message: runIdProblem(id), source: 'command line' });
    return null;
  }
  const runs = finishedRuns(dir);
  if (!runs.includes(id)) {
    problems.push({ path: flag, message: `no run ${id} with a scoreboard.json under ${dir}; runs: ${runs.join(', ') || 'none'}`, source: 'command line' });
    return null;
  }
  return path.join(dir, id);
}
