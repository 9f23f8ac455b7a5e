import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { Progress } from '../progress.ts';
import { ensureCachedBuild } from './build.ts';
import { ToolchainError } from './toolchain.ts';

export interface LlamaInstall {
  serverPath: string;
  quantizePath: string;
  /** llama-bench beside llama-server (the same build), for each cell's serving overhead; null when there is none. */
  benchPath?: string | null;
  source: 'config' | 'env' | 'path' | 'cache';
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

export async function llamaVersion(serverPath: string): Promise<{ version: string; commit: string }> {
  const r = await execa(serverPath, ['--version'], { all: true, reject: false, timeout: 30_000 });
  // e.g. "version: 0.5.0-dev (build 1, commit de3ff81)" or, in older releases, "version: 4589 (de3ff81)"
  const m = /version:\s*(.+?)\s*\((?:build\s+\S+,\s*)?(?:commit\s+)?([0-9a-f]{7,40})\)/.exec(r.all ?? '');
  if (!m) throw new Error(`could not read the version of ${serverPath} (exit ${r.exitCode}):\n${(r.all ?? '').slice(-500)}`);
  return { version: m[1]!, commit: m[2]! };
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
  if (quantizePath && !executable(quantizePath)) quantizePath = onPath('llama-quantize', env);
  if (!serverPath || !quantizePath) {
    const build = await ensureCachedBuild(progress);
    serverPath ??= build.serverPath;
    quantizePath ??= build.quantizePath;
  }
  const { version, commit } = await llamaVersion(serverPath);
  const benchPath = path.join(path.dirname(serverPath), 'llama-bench');
  return { serverPath, quantizePath, benchPath: executable(benchPath) ? benchPath : null, source, version, commit };
}
