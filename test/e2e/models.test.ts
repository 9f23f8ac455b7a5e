import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { vocabFile } from '../../harness/llama/build.ts';
import { EXPECTED_F16_SHA256 } from '../../harness/models/builtin.ts';
import { VOCAB_FILE, generateBuiltinModel } from '../../harness/models/generate.ts';
import { sha256File } from '../../harness/models/hash.ts';
import { silentProgress } from '../../harness/progress.ts';
import { ROOT, childEnv, tinyConfig } from './helpers.ts';
import { commandArgs } from '../../harness/cli/launcher.ts';

describe('generated default model', () => {
  test('the tiny generator output is byte-identical to the pinned SHA-256', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'gen-')), 'tiny.gguf');
    generateBuiltinModel('tiny', await vocabFile(VOCAB_FILE, silentProgress), out);
    expect(await sha256File(out)).toBe(EXPECTED_F16_SHA256.tiny);
  });
});

describe('npm run bench with bad input', () => {
  const run = (config: string) =>
    spawnSync(process.execPath, commandArgs('bench', ['--config', config]), { cwd: ROOT, encoding: 'utf8', env: childEnv(config) });

  test('an invalid config exits 2 naming the YAML path', () => {
    const { file } = tinyConfig('', (t) => t.replace('threads: [1]', 'threads: [-1]'));
    const r = run(file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/matrix\.threads\[0\] \(line \d+\): got -1, expected ≥ 1/);
  });
  test('a missing config file exits 2', () => {
    const r = run('/nonexistent/bench.config.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/file not found/);
  });
  test('a corrupt model file fails its cell, and the run goes on to write a scoreboard', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'corrupt-'));
    const bad = path.join(dir, 'broken.gguf');
    execFileSync('sh', ['-c', `printf 'GGUF not really a model' > ${bad}`]);
    // The tiny cell must pass: swap growth is machine-wide (another process swapping on a loaded machine would fail
    // it), so that budget is off; the idle CPU budget stays (it reads the server's own CPU, which load does not add to).
    const { file, outDir } = tinyConfig('', (t) =>
      t
        .replace('    builtin: tiny', `    builtin: tiny\n  - name: broken\n    path: ${bad}\n    quant: Q4_K_M`)
        .replace('models: [tiny]', 'models: [broken, tiny]')
        .replace('    duration_s: 2\n', '    duration_s: 2\n    budgets:\n      swap_growth_mb: "off"\n'),
    );
    const r = spawnSync(process.execPath, commandArgs('bench', ['--config', file, '--profile', 'idle']), { cwd: ROOT, encoding: 'utf8', env: childEnv(file) });
    const output = r.stdout + r.stderr;
    expect(r.status, output).toBe(1);
    expect(output).toMatch(/broken Q4_K_M t1 c1024 nice10 > runs to completion/);
    expect(output).toMatch(/\| broken Q4_K_M t1 c1024 nice10 +\|.*ERROR/);
    expect(output).toMatch(/\| tiny Q4_K_M t1 c1024 nice10 +\|.*pass/);
    expect(output).toContain(outDir);
  }, 1_200_000);
});
