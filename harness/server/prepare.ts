// A server started elsewhere, before the run: the checks that need this machine's state (the API key's variable is
// set; a given pid is alive and listens on the target's port), then what the server says it is. Bad input throws a
// ConfigError naming the YAML path (or the flag); a server that does not answer as its kind should, a TargetError.
import type { LoadedConfig } from '../config/load.ts';
import { ConfigError, type ConfigProblem } from '../config/errors.ts';
import { isLoopbackHost, isRemoteTarget, targetModels } from '../config/target-schema.ts';
import type { LlamaInstall } from '../llama/resolve.ts';
import type { Progress } from '../progress.ts';
import { probeTarget } from './probe.ts';
import { checkServerProcess, readPidFile } from './process-identity.ts';
import { remoteCapabilities, type PlannedTarget, type SampledProcess } from './target.ts';

/** Why CPU and RSS of a server not started here are skipped when no pid was given. */
export const NO_PID_REASON = 'the server was not started here and no pid was given (target.pid, target.pid_file or --pid), so its CPU and RSS cannot be sampled';

/** The pid to sample, checked: from target.pid or target.pid_file. */
function sampledProcess(loaded: LoadedConfig, problems: ConfigProblem[]): SampledProcess | null {
  const t = loaded.config.target;
  if (!isRemoteTarget(t)) return null;
  let pid = t.pid;
  let from: SampledProcess['from'] = 'target.pid';
  if (pid === undefined && t.pid_file !== undefined) {
    from = 'target.pid_file';
    const read = readPidFile(t.pid_file);
    if ('problem' in read) {
      problems.push({ ...loaded.where(['target', 'pid_file']), message: read.problem });
      return null;
    }
    pid = read.pid;
  }
  if (pid === undefined) return null;
  const checked = checkServerProcess(pid, t.url);
  if ('problem' in checked) {
    problems.push({ ...loaded.where(['target', from === 'target.pid' ? 'pid' : 'pid_file']), message: checked.problem });
    return null;
  }
  return { pid, from, name: checked.identity.name, exe: checked.identity.exe, listens: checked.listens };
}

/** The API key from the variable target.api_key_env names; a problem when it is unset or empty. */
function apiKey(loaded: LoadedConfig, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): string | null {
  const name = loaded.config.target.api_key_env;
  if (name === undefined) return null;
  const value = env[name];
  if (!value) {
    problems.push({ ...loaded.where(['target', 'api_key_env']), message: `the environment variable ${name} is ${value === '' ? 'empty' : 'not set'}; expected it to hold the API key` });
    return null;
  }
  return value;
}

/** The checks of a remote target that read this machine's state; [] for a launched server. */
export function checkTargetLive(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): ConfigProblem[] {
  if (!isRemoteTarget(loaded.config.target)) return [];
  const problems: ConfigProblem[] = [];
  apiKey(loaded, env, problems);
  sampledProcess(loaded, problems);
  return problems;
}

/**
 * The plan's view of a remote target: checked (ConfigError), probed (TargetError), with its capabilities. `llama`
 * stands where a launched server's install would: the server's reported version and commit, its URL for a path.
 */
export async function prepareRemoteTarget(loaded: LoadedConfig, progress: Progress, env: NodeJS.ProcessEnv = process.env): Promise<{ target: PlannedTarget; llama: LlamaInstall }> {
  const t = loaded.config.target;
  if (!isRemoteTarget(t)) throw new Error('prepareRemoteTarget: the target is a launched llama-server');
  const problems: ConfigProblem[] = [];
  const key = apiKey(loaded, env, problems);
  const process = sampledProcess(loaded, problems);
  if (problems.length > 0) throw new ConfigError(loaded.file, problems);
  const { api, facts } = await probeTarget({ kind: t.kind, url: t.url, apiKey: key, models: targetModels(t), loadTimeoutMs: loaded.config.llama.load_timeout_s * 1000, progress });
  for (const note of facts.notes) progress(`target ${t.url}: ${note}`);
  const loopback = isLoopbackHost(new URL(t.url).hostname);
  const target: PlannedTarget = {
    kind: t.kind,
    url: t.url,
    api,
    apiKeyEnv: t.api_key_env ?? null,
    facts,
    capabilities: remoteCapabilities(t.kind, facts, process !== null, loopback),
    process,
    noProcess: process ? null : NO_PID_REASON,
  };
  progress(
    `target: ${facts.name} ${facts.reported} at ${t.url}, not started here` +
      (process ? `; sampling ${process.from} ${process.pid} (${process.name}${process.exe ? `, ${process.exe}` : ''}), which listens on ${process.listens}` : `; CPU and RSS skipped: ${NO_PID_REASON}`),
  );
  return { target, llama: { serverPath: t.url, quantizePath: null, benchPath: null, source: 'remote', version: facts.version, commit: facts.commit ?? '' } };
}
