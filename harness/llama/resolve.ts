import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import type { Progress } from '../progress.ts';
import type { Quantizer } from '../models/builtin.ts';
import { ensureCachedBuild, findCachedBuild, type CachedBuild } from './build.ts';
import { runProgram } from './run-program.ts';
import { ToolchainError } from './toolchain.ts';

export interface LlamaInstall {
  serverPath: string;
  /**
   * llama-quantize beside the server, on PATH, or in the cached build; null when there is none yet: a cell whose
   * model needs quantizing builds it then (quantizerFor), and a run with nothing to quantize never builds.
   */
  quantizePath: string | null;
  /** llama-bench beside llama-server (the same build), for each cell's serving overhead; null when there is none. */
  benchPath?: string | null;
  /** Where it was found; `remote`: a server started elsewhere (target.url), whose version it reported itself. */
  source: 'config' | 'env' | 'path' | 'cache' | 'remote';
  /** As printed by `llama-server --version`, e.g. "0.5.0-dev". */
  version: string;
  commit: string;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string, env = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (executable(candidate)) return candidate;
  }
  return null;
}

type LocalSource = Exclude<LlamaInstall['source'], 'remote'>;

const WHERE: Record<LocalSource, string> = {
  config: 'llama.server_path in the config',
  env: 'LLAMA_SERVER',
  path: 'llama-server on PATH',
  cache: 'the cached llama.cpp build',
};

const FIX: Record<LocalSource, (serverPath: string) => string> = {
  config: () => 'point llama.server_path at a working llama-server, or remove it to use the cached build',
  env: () => 'point LLAMA_SERVER at a working llama-server, or unset it to use the cached build',
  path: (p) => `fix or remove ${p}, or set LLAMA_SERVER to a working llama-server`,
  cache: (p) => `remove ${path.dirname(path.dirname(p))} so the harness builds it again`,
};

/**
 * Version and commit from `llama-server --version`. A binary that does not run or does not say its version is
 * the user's setup, not a harness bug: a ToolchainError (exit code 2) saying what to fix.
 */
export async function llamaVersion(serverPath: string, source: LocalSource = 'config'): Promise<{ version: string; commit: string }> {
  const r = await runProgram(serverPath, ['--version'], { timeoutMs: 30_000 });
  // e.g. "version: 0.5.0-dev (build 1, commit de3ff81)" or, in older releases, "version: 4589 (de3ff81)"
  const m = /version:\s*(.+?)\s*\((?:build\s+\S+,\s*)?(?:commit\s+)?([0-9a-f]{7,40})\)/.exec(r.all);
  if (m) return { version: m[1]!, commit: m[2]! };
  const how = r.timedOut
    ? 'did not answer within 30 s'
    : r.spawnError !== undefined
      ? `could not be run (${r.spawnError})`
      : r.signal
        ? `was killed by ${r.signal}`
        : r.exitCode !== 0
          ? `exited with code ${r.exitCode}`
          : 'printed no version line';
  const output = r.all.trim().split('\n').slice(-10).join('\n');
  throw new ToolchainError(
    `${WHERE[source]} (${serverPath}) does not work: \`${path.basename(serverPath)} --version\` ${how}` +
      `${output ? `:\n${output}` : ''}\nFix: ${FIX[source](serverPath)}.`,
  );
}

/**
 * Resolution order: llama.server_path in the config, then LLAMA_SERVER, then llama-server on PATH,
 * then the cached build (compiled on first use). llama-quantize is looked up beside the chosen server first.
 */
export async function resolveLlama(serverPathFromConfig: string | null, progress: Progress, env = process.env): Promise<LlamaInstall> {
  let serverPath: string | null = null;
  let source: LlamaInstall['source'] = 'cache';
  if (serverPathFromConfig) {
    serverPath = path.resolve(serverPathFromConfig);
    source = 'config';
  } else if (env.LLAMA_SERVER) {
    serverPath = path.resolve(env.LLAMA_SERVER);
    source = 'env';
  } else {
    const found = onPath('llama-server', env);
    if (found) {
      serverPath = found;
      source = 'path';
    }
  }
  if (serverPath && !executable(serverPath)) {
    const where = source === 'config' ? 'llama.server_path' : 'LLAMA_SERVER';
    throw new ToolchainError(`${where} points at ${serverPath}, which ${existsSync(serverPath) ? 'is not executable' : 'does not exist'}`);
  }
  let quantizePath = serverPath ? path.join(path.dirname(serverPath), 'llama-quantize') : null;
  if (quantizePath && !executable(quantizePath)) quantizePath = onPath('llama-quantize', env) ?? findCachedBuild()?.quantizePath ?? null;
  if (!serverPath) {
    // No server of the user's: the cached build provides both.
    const build = await ensureCachedBuild(progress);
    serverPath = build.serverPath;
    quantizePath = build.quantizePath;
  }
  const { version, commit } = await llamaVersion(serverPath, source);
  const benchPath = path.join(path.dirname(serverPath), 'llama-bench');
  return { serverPath, quantizePath, benchPath: executable(benchPath) ? benchPath : null, source, version, commit };
}

/**
 * llama-quantize for the built-in model's quantizations. With a server of the user's and no llama-quantize beside
 * it, on PATH or in the cache, it is built from source, but only when a model really needs quantizing, and the
 * progress line says why.
 */
export function quantizerFor(llama: LlamaInstall, progress: Progress, build: (progress: Progress) => Promise<CachedBuild> = ensureCachedBuild): Quantizer {
  if (llama.quantizePath) return { path: llama.quantizePath, commit: llama.commit };
  return {
    commit: llama.commit,
    path: async (why) => {
      progress(
        `${why} needs llama-quantize, and there is none beside ${llama.serverPath} or on PATH: building llama.cpp from source for it ` +
          '(5 to 10 minutes, once; put llama-quantize beside llama-server to skip this)',
      );
      return (await build(progress)).quantizePath;
    },
  };
}
