import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

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

export function runVitest(args: string[], configFile: string, options: { detached?: boolean } = {}): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [VITEST, 'run', ...args], {
    cwd: ROOT,
    env: childEnv(configFile),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const done = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, output })));
  return { child, done };
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
