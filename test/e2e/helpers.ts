import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { commandArgs } from '../../harness/cli/launcher.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const VITEST = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
export const TINY_CONFIG = readFileSync(path.join(ROOT, 'test/fixtures/tiny.config.yaml'), 'utf8');

/** A tiny-model config in a fresh temp dir; `extra` YAML is appended, `replace` edits the base text. */
export function tinyConfig(extra = '', replace: (text: string) => string = (t) => t): { file: string; outDir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-e2e-'));
  const outDir = path.join(dir, 'results');
  const text = replace(TINY_CONFIG)
    .replace('../../prompts/interactive.jsonl', path.join(ROOT, 'prompts/interactive.jsonl'))
    .replace('dir: ../../results', `dir: ${outDir}`);
  const file = path.join(dir, 'bench.config.yaml');
  writeFileSync(file, `${text}${extra}`);
  return { file, outDir };
}

/** Environment for a nested Vitest: its own run id and output, not the outer run's. */
export function childEnv(configFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_CONFIG: configFile, FORCE_COLOR: '0', NO_COLOR: '1' };
  delete env.BENCH_RUN_ID;
  delete env.BENCH_RUN_DIR;
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  delete env.NODE_ENV;
  delete env.TEST;
  return env;
}

export interface Finished {
  code: number | null;
  output: string;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Finished>;
  /** The output so far. */
  output: () => string;
}

function collect(child: ChildProcess): Running {
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const done = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, output })));
  return { child, done, output: () => output };
}

export function runVitest(args: string[], configFile: string, options: { detached?: boolean; env?: NodeJS.ProcessEnv } = {}): Running {
  const child = spawn(process.execPath, [VITEST, 'run', ...args], {
    cwd: ROOT,
    env: { ...childEnv(configFile), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  return collect(child);
}

/** `npm run bench -- --config FILE ...args` (the CLI, through harness/cli/launch.mjs), in its own process group when `detached`. */
export function runBench(configFile: string, args: string[], options: { detached?: boolean; env?: NodeJS.ProcessEnv } = {}): Running {
  const child = spawn(process.execPath, commandArgs('bench', ['--config', configFile, ...args]), {
    cwd: ROOT,
    env: { ...childEnv(configFile), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  return collect(child);
}

/** Pids of llama-server processes whose command line contains `tag`. */
export function serversTagged(tag: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `llama-server.*${tag}`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | null | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Waits for `probe` while `run` is still going: a run that ends first fails the wait at once with its output,
 * rather than after the timeout (which only bounds a run that hangs).
 */
export async function waitWhileRunning<T>(run: Running, what: string, timeoutMs: number, probe: () => T | null | undefined | false): Promise<T> {
  let ended = false;
  void run.done.then(() => (ended = true));
  return waitFor(what, timeoutMs, () => {
    const v = probe();
    if (v) return v;
    if (ended) throw new Error(`the run ended before ${what}:\n${run.output().slice(-3000)}`);
    return v;
  });
}

/** The single run directory under `outDir`, once it exists. */
export function runDirIn(outDir: string): string | null {
  if (!existsSync(outDir)) return null;
  const id = readdirSync(outDir).find((d) => /^\d{8}-\d{6}-[0-9a-f]{6}$/.test(d));
  return id ? path.join(outDir, id) : null;
}

/** Lines in a file (0 when it does not exist yet). */
export function lineCount(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}
