// harness/cli/launch.mjs runs a command from an esbuild bundle it keeps up to date. Here it runs in a small
// repository of its own (a copy of the launcher, eight one-file commands, an ESM package.json, node_modules linking esbuild and tsx), so
// the real bundle cache is not touched: each module must keep its own import.meta, the command its arguments, an
// edit must be what runs, an unchanged tree must not rebuild, and an unwritable cache must fall back to tsx.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { COMMAND_NAMES } from '../../harness/cli/launcher.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COMMANDS = COMMAND_NAMES;

function repo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'launch-'));
  mkdirSync(path.join(dir, 'harness/cli'), { recursive: true });
  mkdirSync(path.join(dir, 'harness/lib/deep'), { recursive: true });
  copyFileSync(path.join(ROOT, 'harness/cli/launch.mjs'), path.join(dir, 'harness/cli/launch.mjs'));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(path.join(dir, 'node_modules'));
  for (const pkg of ['esbuild', '@esbuild', 'tsx']) symlinkSync(path.join(ROOT, 'node_modules', pkg), path.join(dir, 'node_modules', pkg));
  for (const c of COMMANDS) {
    writeFileSync(
      path.join(dir, `harness/cli/${c}.ts`),
      [
        "import { where } from '../lib/where.ts';",
        'const args: string[] = process.argv.slice(2);',
        "const lazy = await import('../lib/deep/lazy.ts');",
        `console.log(JSON.stringify({ command: '${c}', args, entry: import.meta.filename, where: where(), lazy: lazy.value(), entryUrl: import.meta.url }));`,
      ].join('\n'),
    );
  }
  writeFileSync(path.join(dir, 'harness/lib/where.ts'), 'export const where = (): string => import.meta.dirname;\n');
  writeFileSync(path.join(dir, 'harness/lib/deep/lazy.ts'), "export const value = (): string => `v1 ${import.meta.url}`;\n");
  return dir;
}

function run(dir: string, command: string, args: string[] = []) {
  const r = spawnSync(process.execPath, [path.join(dir, 'harness/cli/launch.mjs'), command, ...args], { encoding: 'utf8', env: { ...process.env, LLM_BUDGET_BENCH_DEBUG_LAUNCH: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr, json: r.status === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>) : null };
}

const manifest = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'node_modules/.cache/llm-budget-bench/cli/current.json'), 'utf8')) as { fingerprint: string; inputs: Record<string, string> };

describe('launch.mjs', () => {
  test("each module keeps its own import.meta, the command gets its arguments, dynamic imports work", () => {
    const dir = repo();
    const r = run(dir, 'report', ['--list', 'a b', '--config=x.yaml']);
    expect(r.err).toBe('');
    expect(r.json).toEqual({
      command: 'report',
      args: ['--list', 'a b', '--config=x.yaml'],
      entry: path.join(dir, 'harness/cli/report.ts'),
      where: path.join(dir, 'harness/lib'),
      lazy: `v1 file://${path.join(dir, 'harness/lib/deep/lazy.ts')}`,
      entryUrl: `file://${path.join(dir, 'harness/cli/report.ts')}`,
    });
    // built once, for every command, from these sources
    expect(Object.keys(manifest(dir).inputs).sort()).toEqual([...COMMANDS.map((c) => `harness/cli/${c}.ts`), 'harness/lib/deep/lazy.ts', 'harness/lib/where.ts'].sort());
  });

  test('an unchanged tree runs the same build; an edited file (even a lazily imported one) is rebuilt and runs', () => {
    const dir = repo();
    expect(run(dir, 'bench').json?.lazy).toMatch(/^v1 /);
    const first = manifest(dir).fingerprint;
    const built = statSync(path.join(dir, 'node_modules/.cache/llm-budget-bench/cli', first)).mtimeMs;
    expect(run(dir, 'deploy').json?.command).toBe('deploy');
    expect(manifest(dir).fingerprint).toBe(first);
    expect(statSync(path.join(dir, 'node_modules/.cache/llm-budget-bench/cli', first)).mtimeMs).toBe(built);
    writeFileSync(path.join(dir, 'harness/lib/deep/lazy.ts'), "export const value = (): string => 'v2, edited';\n");
    expect(run(dir, 'bench').json?.lazy).toBe('v2, edited');
    expect(manifest(dir).fingerprint).not.toBe(first);
  });

  test('every command has its npm script, and each script starts it through the launcher', () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const launched = Object.entries(scripts).filter(([, command]) => command.includes('harness/cli/launch.mjs'));
    expect(Object.fromEntries(launched)).toEqual(Object.fromEntries(COMMAND_NAMES.map((c) => [c, `node harness/cli/launch.mjs ${c}`])));
    expect(Object.values(scripts).filter((command) => /harness\/cli\/\w+\.ts/.test(command))).toEqual([]);
  });

  test('an unknown command is exit 2 naming the commands', () => {
    const r = run(repo(), 'benchh');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`got "benchh", expected one of: ${COMMAND_NAMES.join(', ')}`);
  });

  test('a cache that cannot be written: the command runs through tsx, with the same answers', () => {
    const dir = repo();
    mkdirSync(path.join(dir, 'node_modules/.cache/llm-budget-bench'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules/.cache/llm-budget-bench/cli'), 'a file where the cache folder goes');
    const r = run(dir, 'serve', ['--port', '0']);
    expect(r.err).toMatch(/\[launch\] running through tsx: /);
    expect(r.json).toMatchObject({ command: 'serve', args: ['--port', '0'], entry: path.join(dir, 'harness/cli/serve.ts'), where: path.join(dir, 'harness/lib') });
    rmSync(dir, { recursive: true, force: true });
  });

  test('a source that does not compile is the compiler error through tsx, not a stale bundle', () => {
    const dir = repo();
    expect(run(dir, 'bench').code).toBe(0);
    writeFileSync(path.join(dir, 'harness/lib/where.ts'), 'export const where = (: string => 1;\n');
    const r = run(dir, 'bench');
    expect(r.code).not.toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/where\.ts/);
  });
});
