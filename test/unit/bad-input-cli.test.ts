// Bad input on the command line and in the environment of `npm run bench`: exit 2 naming the flag (or variable),
// every problem at once, nothing created or started. In process, through the CLI's validation entry point; the real
// `npm run bench` subprocess cases are in test/e2e/bad-input-cli.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../harness/cli/args.ts';
import { BENCH_FLAGS, VITEST_REFUSED } from '../../harness/cli/bench-input.ts';
import { BASE, accepts, rejects, sandbox } from './bad-input-helpers.ts';

describe('the command line: every problem at once, exit 2, nothing created', () => {
  test('a typo of a flag gets a "did you mean"', () => {
    rejects(sandbox(), [/invalid command line: 1 problem/, /--dryrun: unknown option; did you mean --dry-run\?/], ['--dryrun']);
  });
  test('two bad flags and a stray argument are reported together', () => {
    const e = rejects(sandbox(), [/invalid command line: 3 problems/, /--dryrun: .*--dry-run/, /--profil: .*did you mean --profile idle\?/, /stray: unexpected argument/], [
      '--dryrun',
      '--profil',
      'idle',
      'stray',
    ]);
    expect(e.problems.map((p) => p.path)).toEqual(['--dryrun', '--profil', 'stray']);
  });
  test('--config without a value does not fall back to the default file', () => {
    rejects(sandbox(), [/--config: expected a value \(--config FILE\), got nothing/], ['--config'], {}, false);
  });
  test('--config followed by another flag: the flag is not taken as the file', () => {
    rejects(sandbox(), [/--config: expected a value .*got the option "--dry-run"/], ['--config', '--dry-run'], {}, false);
  });
  test('a mistyped flag with its value: the value is not also called a stray argument', () => {
    const e = rejects(sandbox(), [/--confg: unknown option; did you mean --config x\.yaml\?/], ['--confg', 'x.yaml']);
    expect(e.problems).toHaveLength(1);
  });
  test('a flag given twice', () => {
    rejects(sandbox(), [/--config: given more than once/], ['--config', 'other.yaml'], {});
  });
  test('a boolean flag with a value', () => {
    rejects(sandbox(), [/--dry-run: takes no value, got "yes"/], ['--dry-run=yes']);
  });
  test('an unknown profile, with its likely spelling', () => {
    rejects(sandbox(), [/--profile: got "idel" \(did you mean idle\?\), expected one of: idle, interactive/], ['--profile', 'idel']);
  });
  test('an empty profile name', () => {
    rejects(sandbox(), [/--profile: got an empty name/], ['--profile', 'idle,,interactive']);
  });
  test('--profile selecting only disabled profiles', () => {
    rejects(sandbox(`${BASE}profiles:\n  concurrency:\n    enabled: false\n`), [/--profile: selects only disabled profiles \(profiles\.concurrency\.enabled: false\)/], ['--profile', 'concurrency']);
  });
  test('-t matching no cell', () => {
    rejects(sandbox(), [/-t: "Q8_0" matches no cell .*its cells are: tiny Q4_K_M t1 c1024 nice10/], ['-t', 'Q8_0']);
  });
  test('-t matching no cell with --dry-run (the dry run honours -t)', () => {
    rejects(sandbox(), [/-t: "\^small" matches no cell/], ['--dry-run', '-t', '^small']);
  });
  test('-t that is not a regular expression', () => {
    rejects(sandbox(), [/-t: got "\(Q4", not a valid regular expression/], ['-t', '(Q4']);
  });
  test('--bail that is not a count', () => {
    rejects(sandbox(), [/--bail: got "0", expected a whole number/], ['--bail', '0']);
  });
  test('Vitest options that are not passed on say why', () => {
    rejects(sandbox(), [/--project: not accepted here: each profile is a Vitest project: choose them with --profile/, /--ui: .*npm run bench:ui/, /--watch: .*runs once/], [
      '--project',
      'idle',
      '--ui',
      '--watch',
    ]);
  });
  test('arguments after "--" are not handed to Vitest unchecked', () => {
    rejects(sandbox(), [/--reporter=json: unexpected argument after "--"/], ['--', '--reporter=json']);
  });
  test('--resume and --baseline that are paths, not run ids', () => {
    rejects(sandbox(), [/--resume: got "\.\.\/\.\.\/etc" \(a path, not a run id\)/, /--baseline: got "a\/b" \(a path, not a run id\)/], ['--resume', '../../etc', '--baseline', 'a/b']);
  });
  test('--resume of a run that does not exist', () => {
    rejects(sandbox(), [/--resume: no run 20990101-000000-abcdef to resume: .*plan\.json does not exist/], ['--resume', '20990101-000000-abcdef']);
  });
  test('--baseline of a run without a scoreboard', () => {
    rejects(sandbox(), [/--baseline: no run 20990101-000000-abcdef with a scoreboard\.json under/], ['--baseline', '20990101-000000-abcdef']);
  });
  test('--tune stress, --flow with Vitest options, an unknown flow', () => {
    rejects(sandbox(), [/--tune: got "stress" \(stress soaks one cell/], ['--tune', 'stress']);
    rejects(sandbox(), [/--tune: --tune chooses the cells itself; expected no Vitest options, got -t Q4/], ['--tune', 'idle', '-t', 'Q4']);
    rejects(sandbox(), [/--flow: got "fast", expected one of: guided/], ['--flow', 'fast']);
  });
  test('command-line and config problems come in one report', () => {
    const sb = sandbox(BASE.replace('threads: [1]', 'threads: [0]'));
    rejects(sb, [/invalid command line: 1 problem\n {2}--dryrun/, /invalid config .*: 1 problem\n {2}matrix\.threads\[0\] \(line 7\): got 0, expected ≥ 1/], ['--dryrun']);
  });
});

describe('the environment', () => {
  test('BENCH_RUN_ID that is a path', () => {
    rejects(sandbox(), [/invalid environment: 1 problem\n {2}BENCH_RUN_ID: got "\.\.\/\.\.\/tmp\/x" \(a path, not a run id\)/], [], { BENCH_RUN_ID: '../../tmp/x' });
  });
  test('BENCH_BASELINE and BENCH_RESUME that are not run ids', () => {
    rejects(sandbox(), [/BENCH_BASELINE: got "\/etc"/, /BENCH_RESUME: got "-rf"/], [], { BENCH_BASELINE: '/etc', BENCH_RESUME: '-rf' });
  });
  test('--resume naming another run than BENCH_RUN_ID', () => {
    const sb = sandbox();
    mkdirSync(path.join(sb.results, '20990101-000000-abcdef'), { recursive: true });
    writeFileSync(path.join(sb.results, '20990101-000000-abcdef', 'plan.json'), '{}');
    let message = '';
    try {
      accepts(sb, ['--resume', '20990101-000000-abcdef'], { BENCH_RUN_ID: '20990101-000000-fedcba' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/--resume: got 20990101-000000-abcdef, but BENCH_RUN_ID=20990101-000000-fedcba names another run/);
  });
  test('llama-server variables that would open the server up or fetch a model', () => {
    rejects(sandbox(), [/invalid environment: 2 problems/, /LLAMA_ARG_HF_REPO: llama-server reads it as --hf-repo, which is refused/, /LLAMA_ARG_TOOLS: llama-server reads it as --tools/], [], {
      LLAMA_ARG_TOOLS: 'all',
      LLAMA_ARG_HF_REPO: 'org/model',
      LLAMA_ARG_HOST: '0.0.0.0', // overridden by the fixed --host 127.0.0.1: not a problem
      LLAMA_ARG_REPACK: 'false', // tunes the server: fine
    });
  });
  test('LLAMA_SERVER that does not exist', () => {
    rejects(sandbox(), [/LLAMA_SERVER: \/nonexistent\/llama-server does not exist; expected the llama-server program/], [], { LLAMA_SERVER: '/nonexistent/llama-server' });
  });
});

describe('the control: good input passes and still creates nothing', () => {
  test('the base config, -t that keeps a cell, passed-on Vitest options', () => {
    const r = accepts(sandbox(), ['--profile', 'idle,interactive', '-t', 'Q4_K_M', '--bail', '1', '--silent']);
    expect(r.profiles).toEqual(['idle', 'interactive']);
    expect(r.vitestArgs).toEqual(['-t', 'Q4_K_M', '--bail', '1', '--silent']);
  });
  test('-t=PATTERN and --testNamePattern=PATTERN mean -t PATTERN', () => {
    expect(accepts(sandbox(), ['-t=t1']).vitestArgs).toEqual(['-t', 't1']);
    expect(accepts(sandbox(), ['--testNamePattern=t1']).vitestArgs).toEqual(['-t', 't1']);
  });
  test('--help wins over everything else', () => {
    expect(parseCommandLine(['--help', '--dryrun'], BENCH_FLAGS).values.help).toBe(true);
  });
  test('every refused Vitest flag is a flag', () => {
    for (const flag of Object.keys(VITEST_REFUSED)) expect(flag).toMatch(/^-/);
  });
});
