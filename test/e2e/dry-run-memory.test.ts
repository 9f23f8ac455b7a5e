// `npm run bench -- --dry-run` with a local model file larger than this machine's RAM: a sparse file (it uses one block
// of disk) named *.gguf, twice the total RAM, holding the GGUF magic and then zeros. The magic passes the config's
// check, but the header behind it is no GGUF header, so the estimate falls back to file size × 1.2;
// the memory pre-check skips the cell with that reason, the other cell still runs, the exit code is 0, and nothing is
// loaded: no llama-server starts and the output directory is not even created.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { MEMORY_OVERHEAD_FACTOR } from '../../harness/models/memory.ts';
import { formatBytes } from '../../harness/units.ts';
import { ROOT, childEnv, tinyConfig } from './helpers.ts';
import { commandArgs } from '../../harness/cli/launcher.ts';

/** Pids of processes whose command line names `needle` (pgrep exits 1 when none does). */
function processesNaming(needle: string): Promise<number[]> {
  return new Promise((resolve) => {
    const p = spawn('pgrep', ['-f', needle], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', () => resolve(out.split('\n').filter(Boolean).map(Number)));
  });
}

describe.skipIf(process.platform !== 'linux')('dry run with a model larger than RAM', () => {
  test('the cell is skipped by the memory pre-check with the reason, exit 0, nothing loaded', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-huge-'));
    const huge = path.join(dir, 'huge-Q4_K_M.gguf');
    const bytes = 2 * os.totalmem();
    const fd = openSync(huge, 'w');
    writeSync(fd, 'GGUF');
    ftruncateSync(fd, bytes);
    closeSync(fd);
    const blocks = statSync(huge).blocks;
    expect(blocks).toBeLessThanOrEqual(64); // sparse: one block of disk for the magic

    const { file, outDir } = tinyConfig('', (t) =>
      t
        .replace('    builtin: tiny\n', `    builtin: tiny\n  - name: huge\n    path: ${huge}\n    quant: Q4_K_M\n`)
        .replace('models: [tiny]', 'models: [tiny, huge]'),
    );
    const child = spawn(process.execPath, commandArgs('bench', ['--config', file, '--dry-run']), {
      cwd: ROOT,
      env: childEnv(file),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // While it runs, nothing but the dry run itself may name the file (a llama-server would: -m <file>).
    const loaders = new Set<number>();
    let done = false;
    void closed.then(() => (done = true));
    while (!done) {
      for (const pid of await processesNaming(huge)) if (pid !== child.pid) loaders.add(pid);
      await new Promise((r) => setTimeout(r, 50));
    }
    const code = await closed;

    expect(code, stderr).toBe(0);
    expect(loaders.size, `processes that named ${huge}: ${[...loaders].join(', ')}`).toBe(0);
    expect(stdout).toContain('nothing is downloaded and no server is started');
    expect(stdout).toMatch(new RegExp(`present\\s+huge Q4_K_M\\s+${huge}\\s+\\(${formatBytes(bytes).replace('.', '\\.')}\\)`));
    expect(stdout).toContain('cells in order: 2 (1 to run, 1 skipped)');
    // Zeros after the magic are no GGUF header: the estimate is the file size × 1.2, over the RAM available.
    const needMb = Math.round((bytes * MEMORY_OVERHEAD_FACTOR) / 1e6);
    const hugeLine = stdout.split('\n').find((l) => l.includes('huge Q4_K_M t1 c1024 nice10'));
    expect(hugeLine, stdout).toBeDefined();
    expect(hugeLine).toContain(`memory ≈ ${formatBytes(Math.round(bytes * MEMORY_OVERHEAD_FACTOR))} (file × ${MEMORY_OVERHEAD_FACTOR})`);
    const reason = hugeLine!.match(/skip: memory pre-check: needs about (\d+) MB \(file × 1\.2 = (\d+) MB\), over available RAM (\d+) MB$/);
    expect(reason, hugeLine).not.toBeNull();
    expect(Math.abs(Number(reason![1]) - needMb)).toBeLessThanOrEqual(1);
    expect(Number(reason![3])).toBeLessThan(os.totalmem() / 1e6);
    // The model that fits is planned first (smaller) and runs, with its estimate from the GGUF metadata.
    const tinyLine = stdout.split('\n').find((l) => l.includes('tiny Q4_K_M t1 c1024 nice10'))!;
    expect(tinyLine).toMatch(/^\s+1\.\s/);
    expect(tinyLine).toContain('(weights × 1.2 + KV cache (c1024))');
    expect(tinyLine).not.toContain('skip:');
    // No run was started: no run directory, no server.log anywhere, and the file is still the magic and holes.
    expect(existsSync(outDir)).toBe(false);
    expect(statSync(huge).blocks).toBe(blocks);
  }, 1_200_000);
});
