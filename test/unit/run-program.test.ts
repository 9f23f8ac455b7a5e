import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runProgram } from '../../harness/llama/run-program.ts';

function script(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'run-command-')), 'cmd');
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return file;
}

describe('runProgram', () => {
  test('both streams, in arrival order in `all`, and the exit code; stdin is closed', async () => {
    const r = await runProgram(script('#!/bin/sh\necho out1\nsleep 0.05\necho err1 >&2\nsleep 0.05\necho out2\nread x && echo "read $x"\nexit 3\n'), [], { timeoutMs: 30_000 });
    expect(r).toEqual({ stdout: 'out1\nout2\n', stderr: 'err1\n', all: 'out1\nerr1\nout2\n', exitCode: 3, signal: null, timedOut: false });
  });

  test('arguments are passed as they are, never through a shell', async () => {
    const r = await runProgram(script('#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\n'), ['a b', '$(echo no)', ';ls'], { timeoutMs: 30_000 });
    expect(r.stdout).toBe('[a b]\n[$(echo no)]\n[;ls]\n');
    expect(r.exitCode).toBe(0);
  });

  test('a command that overruns is stopped and said to have timed out', async () => {
    const started = Date.now();
    const r = await runProgram(script('#!/bin/sh\necho started\nexec sleep 30\n'), [], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGTERM');
    expect(r.stdout).toBe('started\n');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('one that ignores SIGTERM is killed', async () => {
    const r = await runProgram(script('#!/bin/sh\ntrap "" TERM\nwhile :; do sleep 0.1; done\n'), [], { timeoutMs: 200, killGraceMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
  });

  test('a killed command reports its signal, not a code', async () => {
    const r = await runProgram(script('#!/bin/sh\nkill -9 $$\n'), [], { timeoutMs: 30_000 });
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false });
    expect(r.spawnError).toBeUndefined();
  });

  test('a file that cannot be started says why, and resolves', async () => {
    const missing = await runProgram(path.join(os.tmpdir(), 'no-such-command-here'), [], { timeoutMs: 30_000 });
    expect(missing.spawnError).toMatch(/^ENOENT/);
    const notExecutable = script('#!/bin/sh\necho hi\n');
    chmodSync(notExecutable, 0o644);
    expect((await runProgram(notExecutable, [], { timeoutMs: 30_000 })).spawnError).toMatch(/^EACCES/);
  });
});
