// Bad input through the real `npm run bench` / `npm run report`: exit 2 with the flag or the YAML path and line,
// every problem at once, and nothing created or started. Each run gets an empty XDG_CACHE_HOME (a build of
// llama.cpp or a generated model would land there) and a results folder that does not exist; while it runs, no
// process may name that cache folder (llama-server loads its model from there, cmake builds there). The many
// in-process cases are in test/unit/bad-input-*.test.ts.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, childEnv, tinyConfig } from './helpers.ts';

interface Ran {
  code: number | null;
  stderr: string;
  stdout: string;
  /** Processes other than the command itself that named the run's cache folder while it ran. */
  intruders: string[];
}

function pgrep(needle: string): Promise<string[]> {
  return new Promise((resolve) => {
    const p = spawn('pgrep', ['-af', needle], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', () => resolve(out.split('\n').filter((l) => l && !l.includes('pgrep'))));
  });
}

/** `npm run <script> -- ...args` with an empty cache folder of its own; watches for anything started in it. */
async function npmRun(script: 'bench' | 'report', args: string[], configFile: string): Promise<Ran & { cache: string }> {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'bad-input-cache-'));
  const env: NodeJS.ProcessEnv = { ...childEnv(configFile), XDG_CACHE_HOME: cache };
  delete env.BENCH_CONFIG;
  const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  let done = false;
  void closed.then(() => (done = true));
  const intruders = new Set<string>();
  // Every 250 ms: what this guards against (a llama.cpp build, a model being generated, a llama-server loading) lives
  // for seconds, and anything it writes is caught by the empty-cache check after. Seven of these run side by side, so
  // a tighter poll costs the machine more than the commands under test do.
  while (!done) {
    for (const line of await pgrep(cache)) intruders.add(line);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { code: await closed, stdout, stderr, intruders: [...intruders], cache };
}

function expectNothingStarted(r: Ran & { cache: string }, outDir: string): void {
  expect(r.stderr).not.toMatch(/crashed|memory bandwidth|building llama|generat/i);
  expect(r.intruders, 'processes that named the cache folder').toEqual([]);
  expect(readdirSync(r.cache), 'nothing built, generated or downloaded').toEqual([]);
  expect(existsSync(outDir), 'no results folder').toBe(false);
}

describe.concurrent('npm run bench with bad input: exit 2, nothing created or started', () => {
  test('two mistyped flags, reported together with their likely spelling', async () => {
    const { file, outDir } = tinyConfig();
    const r = await npmRun('bench', ['--config', file, '--dryrun', '--profil', 'idle'], file);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/invalid command line: 2 problems/);
    expect(r.stderr).toMatch(/--dryrun: unknown option; did you mean --dry-run\?/);
    expect(r.stderr).toMatch(/--profil: unknown option; did you mean --profile idle\?/);
    expectNothingStarted(r, outDir);
  }, 1_200_000);

  test('--config without a value', async () => {
    const { file, outDir } = tinyConfig();
    const r = await npmRun('bench', ['--profile', 'idle', '--config'], file);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--config: expected a value \(--config FILE\), got nothing/);
    expectNothingStarted(r, outDir);
  }, 1_200_000);

  test('the config path is a directory', async () => {
    const { file, outDir } = tinyConfig();
    const r = await npmRun('bench', ['--config', path.dirname(file)], file);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/\(document\): is a directory; expected a YAML file/);
    expectNothingStarted(r, outDir);
  }, 1_200_000);

  test('-t matching no cell, with --dry-run', async () => {
    const { file, outDir } = tinyConfig();
    const r = await npmRun('bench', ['--config', file, '--dry-run', '-t', 'Q8_0'], file);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/-t: "Q8_0" matches no cell .*tiny Q4_K_M t1 c1024 nice10/);
    expect(r.stdout).toBe('');
    expectNothingStarted(r, outDir);
  }, 1_200_000);

  test('a re-binding extra argument, a model_dir at / and a file that is not GGUF, with their lines', async () => {
    const { file, outDir } = tinyConfig('llama:\n  extra_args: [--host, 0.0.0.0, --webui]\n', (t) => `model_dir: /\n${t}`);
    const notGguf = path.join(path.dirname(file), 'model.gguf');
    writeFileSync(notGguf, 'not a model');
    const text = readFileSync(file, 'utf8').replace('    builtin: tiny\n', `    builtin: tiny\n  - name: mine\n    path: ${notGguf}\n    quant: Q4_K_M\n`);
    writeFileSync(file, text);
    const line = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const r = await npmRun('bench', ['--config', file, '--profile', 'idle'], file);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/invalid config .*: 4 problems/);
    expect(r.stderr).toContain(`models[1].path (line ${line('path: ')}): ${notGguf} is not a GGUF file`);
    expect(r.stderr).toContain(`model_dir (line 1): got "/", the root of the file system`);
    expect(r.stderr).toContain(`llama.extra_args[0] (line ${line('extra_args')}): "--host" is refused`);
    expect(r.stderr).toContain(`llama.extra_args[2] (line ${line('extra_args')}): "--webui" is refused`);
    expectNothingStarted(r, outDir);
  }, 1_200_000);

  test('a YAML alias bomb', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-input-bomb-'));
    const file = path.join(dir, 'bench.config.yaml');
    const levels = Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(',')}]`);
    writeFileSync(file, `l0: &l0 [lol]\n${levels.join('\n')}\noutput:\n  dir: results\n`);
    const r = await npmRun('bench', ['--config', file], file);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/\(document\) \(line 2\): YAML aliases expand to too much data/);
    expectNothingStarted(r, path.join(dir, 'results'));
  }, 1_200_000);

  test('npm run report: an unknown flag and a run id that is a path', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-input-report-'));
    mkdirSync(path.join(dir, 'x'));
    const { file, outDir } = tinyConfig();
    const r = await npmRun('report', ['--config', file, '--lst', '../x'], file);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--lst: unknown option; did you mean --list\?/);
    expect(r.stderr).toMatch(/\.\.\/x: got "\.\.\/x" \(a path, not a run id\)/);
    expectNothingStarted(r, outDir);
  }, 1_200_000);
});
