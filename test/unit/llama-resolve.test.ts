// Finding llama-server: a binary that does not run is the user's setup (exit 2, with the fix), and llama-quantize
// is only built when a model really needs quantizing.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CachedBuild } from '../../harness/llama/build.ts';
import { llamaVersion, quantizerFor, resolveLlama, type LlamaInstall } from '../../harness/llama/resolve.ts';
import { ToolchainError } from '../../harness/llama/toolchain.ts';

function script(body: string, name = 'llama-server'): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'fake-llama-')), name);
  writeFileSync(file, body);
  chmodSync(file, 0o755);
  return file;
}

describe('llamaVersion', () => {
  test('reads "version: X (build N, commit abc1234)"', async () => {
    const ok = script('#!/bin/sh\necho "version: 0.5.0-dev (build 1, commit de3ff81)"\n');
    await expect(llamaVersion(ok)).resolves.toEqual({ version: '0.5.0-dev', commit: 'de3ff81' });
  });

  test('a binary whose --version fails is a ToolchainError (exit code 2) with its output and the fix', async () => {
    const broken = script('#!/bin/sh\necho "error while loading shared libraries: libllama.so.0" >&2\nexit 127\n');
    const e = await llamaVersion(broken, 'env').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolchainError);
    expect((e as ToolchainError).exitCode).toBe(2);
    expect((e as Error).message).toBe(
      `LLAMA_SERVER (${broken}) does not work: \`llama-server --version\` exited with code 127:\n` +
        'error while loading shared libraries: libllama.so.0\n' +
        'Fix: point LLAMA_SERVER at a working llama-server, or unset it to use the cached build.',
    );
  });

  test('a binary that prints no version line, or cannot be executed, says so', async () => {
    await expect(llamaVersion(script('#!/bin/sh\necho hello\n'), 'config')).rejects.toThrow(
      /llama.server_path in the config \(.*\) does not work: `llama-server --version` printed no version line:\nhello\nFix: point llama.server_path at a working llama-server/,
    );
    await expect(llamaVersion(script('\x7fELF garbage'), 'path')).rejects.toThrow(/llama-server on PATH \(.*\) does not work: `llama-server --version` (could not be run|exited with code)/);
    await expect(llamaVersion(script('#!/bin/sh\nkill -9 $$\n'), 'cache')).rejects.toThrow(/the cached llama.cpp build .* was killed by SIGKILL[\s\S]*Fix: remove .* so the harness builds it again/);
  });

  test('resolveLlama with a broken LLAMA_SERVER fails as a ToolchainError, and builds nothing', async () => {
    const broken = script('#!/bin/sh\nexit 1\n');
    const said: string[] = [];
    const env = { ...process.env, LLAMA_SERVER: broken, XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), 'empty-cache-')), PATH: '/usr/bin:/bin' };
    const e = await resolveLlama(null, (m) => said.push(m), env).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolchainError);
    expect(said).toEqual([]);
  });
});

describe('quantizerFor', () => {
  const install = (quantizePath: string | null): LlamaInstall => ({ serverPath: '/opt/llama/llama-server', quantizePath, source: 'env', version: '1', commit: 'abc1234' });

  test('llama-quantize found: its path, no build', () => {
    expect(quantizerFor(install('/opt/llama/llama-quantize'), () => {})).toEqual({ path: '/opt/llama/llama-quantize', commit: 'abc1234' });
  });

  test('none found: nothing is built until a quantization asks, and then the progress says why', async () => {
    const said: string[] = [];
    let builds = 0;
    const build = async (): Promise<CachedBuild> => {
      builds++;
      return { binDir: '/cache/bin', serverPath: '/cache/bin/llama-server', quantizePath: '/cache/bin/llama-quantize', benchPath: '/cache/bin/llama-bench', commit: 'de3ff81' };
    };
    const q = quantizerFor(install(null), (m) => said.push(m), build);
    expect(builds).toBe(0);
    expect(typeof q.path).toBe('function');
    await expect((q.path as (why: string) => Promise<string>)('quantizing the tiny model to Q4_K_M')).resolves.toBe('/cache/bin/llama-quantize');
    expect(builds).toBe(1);
    expect(said).toEqual([
      'quantizing the tiny model to Q4_K_M needs llama-quantize, and there is none beside /opt/llama/llama-server or on PATH: building llama.cpp from source for it (5 to 10 minutes, once; put llama-quantize beside llama-server to skip this)',
    ]);
  });
});
