// The bad-input suite's sandbox: a config in a fresh folder, an empty cache folder (XDG_CACHE_HOME) and a results
// folder that does not exist. `rejects` runs the validation entry point of `npm run bench` in process and asserts
// exit 2, and that nothing was created or started: no results folder, nothing in the cache (no build, no model), no
// child process.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { validateBenchInput, type BenchRequest } from '../../harness/cli/bench-input.ts';
import { ConfigError } from '../../harness/config/errors.ts';
import type { Machine } from '../../harness/config/machine.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');
/** Checks against a fixed two-CPU machine, so CPU-list cases mean the same everywhere. */
export const MACHINE: Machine = { cpus: [0, 1], cores: 2 };

/** Ten lines; a case's extra YAML starts at line 11. */
export const BASE = `models:
  - name: tiny
    builtin: tiny
matrix:
  models: [tiny]
  quants: [Q4_K_M]
  threads: [1]
  ctx: [1024]
output:
  dir: results
`;

/** The smallest file that passes the GGUF magic check. */
export const GGUF_BYTES = Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(28)]);

export interface Sandbox {
  dir: string;
  cache: string;
  results: string;
  configFile: string;
  file: (name: string, content: string | Uint8Array) => string;
}

export function sandbox(config: string | Uint8Array = BASE): Sandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
  const cache = path.join(dir, 'cache');
  mkdirSync(cache);
  const configFile = path.join(dir, 'bench.config.yaml');
  writeFileSync(configFile, config);
  const file = (name: string, content: string | Uint8Array) => {
    const f = path.join(dir, name);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, content);
    return f;
  };
  return { dir, cache, results: path.join(dir, 'results'), configFile, file };
}

/** Pids of this process's children, from every thread's /proc children list (empty off Linux). */
export function childPids(): number[] {
  try {
    return readdirSync('/proc/self/task')
      .flatMap((t) => readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/))
      .filter(Boolean)
      .map(Number)
      .sort();
  } catch {
    return [];
  }
}

function validate(sb: Sandbox, argv: string[], env: NodeJS.ProcessEnv, withConfig: boolean) {
  return validateBenchInput([...(withConfig ? ['--config', sb.configFile] : []), ...argv], { env: { XDG_CACHE_HOME: sb.cache, ...env }, cwd: sb.dir, machine: MACHINE });
}

function nothingCreated(sb: Sandbox, before: number[]): void {
  expect(existsSync(sb.results), 'no results folder').toBe(false);
  expect(readdirSync(sb.cache), 'nothing built, generated or downloaded into the cache').toEqual([]);
  expect(childPids(), 'no process started').toEqual(before);
}

/** Runs the validation; expects exit 2 with every pattern in the message, nothing created or started. */
export function rejects(sb: Sandbox, patterns: RegExp[], argv: string[] = [], env: NodeJS.ProcessEnv = {}, withConfig = true): ConfigError {
  const before = childPids();
  let error: unknown;
  try {
    validate(sb, argv, env, withConfig);
  } catch (e) {
    error = e;
  }
  expect(error, 'expected bad input').toBeInstanceOf(ConfigError);
  const e = error as ConfigError;
  expect(e.exitCode).toBe(2);
  for (const p of patterns) expect(e.message).toMatch(p);
  for (const p of e.problems) expect(p.message.match(/\bgot\b/g)?.length ?? 0, `"got" repeated in: ${p.message}`).toBeLessThanOrEqual(1);
  nothingCreated(sb, before);
  return e;
}

/** The control: the same sandbox with good input passes, and still creates nothing. */
export function accepts(sb: Sandbox, argv: string[] = [], env: NodeJS.ProcessEnv = {}): BenchRequest {
  const before = childPids();
  const r = validate(sb, argv, env, true);
  expect(r.kind).not.toBe('help');
  nothingCreated(sb, before);
  return r as BenchRequest;
}
