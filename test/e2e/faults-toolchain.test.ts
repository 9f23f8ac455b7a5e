// The user's own llama-server: a broken one is bad input (exit 2, with the fix), and one without llama-quantize
// beside it builds nothing when no model needs quantizing.
import { chmodSync, existsSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveLlama } from '../../harness/llama/resolve.ts';
import { builtinModelDir } from '../../harness/models/builtin.ts';
import { silentProgress } from '../../harness/progress.ts';
import { runBench, serversTagged, tinyConfig } from './helpers.ts';

const temp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

describe('a custom LLAMA_SERVER', () => {
  test('one whose --version fails is exit 2 naming it and the fix, not a crash', async () => {
    const server = path.join(temp('broken-llama-'), 'llama-server');
    writeFileSync(server, '#!/bin/sh\necho "error while loading shared libraries: libllama.so.0: cannot open shared object file" >&2\nexit 127\n');
    chmodSync(server, 0o755);
    const { file } = tinyConfig();
    const { code, output } = await runBench(file, ['--profile', 'idle'], { env: { LLAMA_SERVER: server } }).done;
    expect(code, output).toBe(2);
    expect(output).toContain(`LLAMA_SERVER (${server}) does not work: \`llama-server --version\` exited with code 127:`);
    expect(output).toContain('libllama.so.0: cannot open shared object file');
    expect(output).toContain('Fix: point LLAMA_SERVER at a working llama-server, or unset it to use the cached build.');
    expect(output).not.toMatch(/crashed|building llama\.cpp/);
  }, 1_200_000);

  test.skipIf(process.platform !== 'linux')('one without llama-quantize beside it, on a model that needs no quantizing, builds nothing', async () => {
    // The llama-server this test run uses (the e2e global setup built or found it), alone in a directory, and an
    // empty cache: before the fix, the missing llama-quantize started a full llama.cpp build.
    const { serverPath } = await resolveLlama(null, silentProgress);
    const bin = temp('custom-llama-');
    symlinkSync(serverPath, path.join(bin, 'llama-server'));
    const cache = temp('empty-cache-');
    const model = path.join(builtinModelDir(), 'tiny-Q4_K_M.gguf');
    const tag = `e2e-custom-server-${process.pid}`;
    const { file, outDir } = tinyConfig(`llama:\n  extra_args: [--alias, ${tag}]\n`, (t) => t.replace('    builtin: tiny', `    path: ${model}\n    quant: Q4_K_M`));
    const { code, output } = await runBench(file, ['--profile', 'idle'], {
      env: { LLAMA_SERVER: path.join(bin, 'llama-server'), XDG_CACHE_HOME: cache, PATH: '/usr/local/bin:/usr/bin:/bin' },
    }).done;
    expect([0, 1], output).toContain(code);
    expect(output).toMatch(/from env/);
    expect(output).not.toMatch(/building llama\.cpp|fetching llama\.cpp|needs llama-quantize/);
    expect(output).toMatch(/\[tiny Q4_K_M t1 c1024 nice10 · idle\] llama-server pid \d+ ready/);
    expect(existsSync(path.join(cache, 'llm-budget-bench', 'llama.cpp'))).toBe(false);
    expect(readdirSync(outDir).filter((d) => /^\d{8}-/.test(d))).toHaveLength(1);
    expect(serversTagged(tag)).toEqual([]);
  }, 1_200_000);
});
