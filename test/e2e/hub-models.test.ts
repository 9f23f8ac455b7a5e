// Hub models end to end against the fake hub on 127.0.0.1 (HF_ENDPOINT): `npm run bench -- --dry-run` lists the
// download with its size and fetches nothing; a real plan preparation downloads only the quantization the matrix uses
// and records its GGUF metadata; a download that would fail exits 2.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gguf } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { builtinModelDir } from '../../harness/models/builtin.ts';
import { parameterCount } from '../../harness/models/generate.ts';
import { readGgufMetadata } from '../../harness/models/metadata.ts';
import { preparePlan, type Plan } from '../../harness/plan.ts';
import { formatBytes } from '../../harness/units.ts';
import { startFakeHub, type FakeHub } from '../fixtures/fake-hub.ts';
import { writeTinyGguf } from '../fixtures/tiny-gguf.ts';
import { ROOT, childEnv, tinyConfig } from './helpers.ts';
import { commandArgs } from '../../harness/cli/launcher.ts';

const REPO = 'fake-org/tiny-GGUF';
const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

/** Two quantizations of one tiny model, of different sizes (file_type 15 is Q4_K_M, 7 is Q8_0). */
function makeFiles(): Record<string, Buffer> {
  const dir = tmp('hub-src-');
  writeTinyGguf(path.join(dir, 'q4.gguf'), { fileType: 15 });
  writeTinyGguf(path.join(dir, 'q8.gguf'), { fileType: 7, padElements: 20_000 });
  return {
    [`${REPO}/tiny-Q4_K_M.gguf`]: readFileSync(path.join(dir, 'q4.gguf')),
    [`${REPO}/tiny-Q8_0.gguf`]: readFileSync(path.join(dir, 'q8.gguf')),
  };
}

const FILES = makeFiles();
const Q4 = FILES[`${REPO}/tiny-Q4_K_M.gguf`]!;
const Q8 = FILES[`${REPO}/tiny-Q8_0.gguf`]!;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The e2e tiny config with a hub model offering Q4_K_M and Q8_0, and a matrix that uses Q4_K_M only. */
function hubConfig(opts: { q4File?: string } = {}) {
  const modelDir = tmp('model-dir-');
  const { file, outDir } = tinyConfig('', (t) =>
    t
      .replace(
        '  - name: tiny\n    builtin: tiny\n',
        `  - name: hubtiny\n    repo: ${REPO}\n    files:\n      Q4_K_M: ${opts.q4File ?? 'tiny-Q4_K_M.gguf'}\n      Q8_0: tiny-Q8_0.gguf\n` +
          `    sha256:\n      Q4_K_M: ${sha256(Q4)}\nmodel_dir: ${modelDir}\n`,
      )
      .replace('models: [tiny]', 'models: [hubtiny]'),
  );
  return { file, outDir, modelDir };
}

/** Every file under a directory (none when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

let hub: FakeHub;
let hfHome: string;
beforeAll(async () => {
  hub = await startFakeHub(FILES);
  hfHome = tmp('hf-home-');
});
afterAll(() => hub.close());

/** The hub's own environment variables, pointing at the fake hub and an empty Hugging Face home. */
const hubEnv = () => ({ HF_ENDPOINT: hub.url, HF_HOME: hfHome, HF_TOKEN: '' });

/** `npm run bench` in a child, asynchronously: the fake hub answers from this process, so it must not block. */
function bench(config: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, commandArgs('bench', ['--config', config, ...args]), {
    cwd: ROOT,
    env: { ...childEnv(config), ...hubEnv() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // A hang guard only (a dry run takes seconds): 10 minutes, so that a command's start on a machine at load 10+ never reaches it.
  const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}

describe('npm run bench -- --dry-run with a hub model', () => {
  test('lists the one download the matrix needs with its size, and the cell with file and memory; downloads nothing', async () => {
    const { file, outDir, modelDir } = hubConfig();
    hub.requests.length = 0;
    const r = await bench(file, '--dry-run');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const label = `${REPO}/tiny-Q4_K_M.gguf at main`;
    expect(r.stdout).toContain(`downloads for the planned cells: 1 file, ${formatBytes(Q4.length)}`);
    expect(r.stdout).toMatch(new RegExp(`^ {2}download +hubtiny Q4_K_M +${label} +${formatBytes(Q4.length)} +download ${Q4.length} bytes$`, 'm'));
    // The model scan reports both definitions; only the planned one is a download.
    expect(r.stdout).toMatch(/^ {2}download +hubtiny Q8_0 +fake-org\/tiny-GGUF\/tiny-Q8_0\.gguf at main$/m);
    expect(r.stdout).not.toMatch(/^ {2}download +hubtiny Q8_0 .*bytes/m);
    const memory = formatBytes(Math.round(Q4.length * 1.2));
    expect(r.stdout).toContain('cells in order: 1');
    expect(r.stdout).toMatch(new RegExp(`^ {2}1\\. +hubtiny Q4_K_M t1 c1024 nice10 +${label} +${formatBytes(Q4.length)} +memory ≈ ${memory} \\(file × 1\\.2\\)$`, 'm'));
    // HEAD requests only, and for the planned file only; nothing written, no run directory.
    expect(hub.requests.length).toBeGreaterThan(0);
    expect(hub.requests.every((q) => q.method === 'HEAD' && !q.path.includes('Q8_0'))).toBe(true);
    expect(filesUnder(modelDir)).toEqual([]);
    expect(existsSync(outDir)).toBe(false);
  });

  test('a file the hub does not have: the dry run says so and exits 2', async () => {
    const { file } = hubConfig({ q4File: 'no-such-file.gguf' });
    const r = await bench(file, '--dry-run');
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/FAILS +hubtiny Q4_K_M .*not found: fake-org\/tiny-GGUF\/no-such-file\.gguf at revision main/);
    expect(r.stderr).toContain('cannot download model "hubtiny" Q4_K_M: not found');
  });
});

describe('plan preparation with a hub model', () => {
  let plan: Plan;
  let modelDir: string;
  let config: string;
  const progress: string[] = [];

  beforeAll(async () => {
    const made = hubConfig();
    modelDir = made.modelDir;
    config = made.file;
    for (const [k, v] of Object.entries(hubEnv())) vi.stubEnv(k, v);
    hub.requests.length = 0;
    try {
      plan = await preparePlan({ configFile: config, runId: 'hub-e2e', progress: (m) => progress.push(m) });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test('downloads only the quantization the matrix uses, verified, into model_dir', () => {
    const q4Path = path.join(modelDir, 'models--fake-org--tiny-GGUF', 'main', 'tiny-Q4_K_M.gguf');
    expect(filesUnder(modelDir).sort()).toEqual([q4Path, `${q4Path}.sha256`]);
    expect(plan.cells.map((c) => c.model.path)).toEqual([q4Path]);
    expect(plan.cells[0]!.model).toMatchObject({ sha256: sha256(Q4), bytes: Q4.length });
    // The CDN served the Q4_K_M bytes and nothing else; Q8_0 was never asked for.
    const gets = hub.requests.filter((q) => q.method === 'GET');
    expect(gets.length).toBeGreaterThan(0);
    expect(gets.every((q) => q.path.includes(sha256(Q4)) || q.path.includes('tiny-Q4_K_M.gguf'))).toBe(true);
    expect(hub.requests.some((q) => q.path.includes('Q8_0') || q.path.includes(sha256(Q8)))).toBe(false);
    expect(progress.some((m) => m.startsWith(`downloading ${REPO}/tiny-Q4_K_M.gguf at main: ${formatBytes(Q4.length)} of ${formatBytes(Q4.length)} (100 %)`))).toBe(true);
    expect(progress).toContain(`model "hubtiny" Q4_K_M: downloaded, ${q4Path} (${formatBytes(Q4.length)})`);
  });

  test('records the GGUF metadata and the memory prediction per planned cell in plan.json', () => {
    const written = JSON.parse(readFileSync(path.join(plan.runDir, 'plan.json'), 'utf8')) as Plan;
    const cell = written.cells[0]!;
    expect(cell.model.metadata).toMatchObject({ architecture: 'llama', fileType: 'Q4_K_M', parameterCount: 26_816, tensorBytes: 54_016, trainedContext: 512 });
    expect(cell.memory?.basis).toBe('weights × 1.2 + KV cache (c1024)');
    expect(cell.memory?.bytes).toBeGreaterThan(54_016 * 1.2);
  });

  test('a second dry run finds the download and predicts memory from its metadata', async () => {
    hub.requests.length = 0;
    const r = await bench(config, '--dry-run');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('downloads for the planned cells: 0 files, 0 B');
    expect(r.stdout).toMatch(/^ {2}have +hubtiny Q4_K_M .*already downloaded: /m);
    expect(r.stdout).toMatch(/^ {2}1\. +hubtiny Q4_K_M t1 c1024 nice10 +\/.*tiny-Q4_K_M\.gguf .*\(weights × 1\.2 \+ KV cache \(c1024\)\)$/m);
    expect(hub.requests).toEqual([]);
  });

  test('a non-dry run whose download fails exits 2 before any server starts', async () => {
    const { file, outDir } = hubConfig({ q4File: 'gone.gguf' });
    const r = await bench(file, '--profile', 'idle');
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('cannot get model "hubtiny" Q4_K_M: not found: fake-org/tiny-GGUF/gone.gguf at revision main');
    expect(r.stdout + r.stderr).not.toMatch(/RUN|idle\.test\.ts/);
    expect(existsSync(path.join(outDir, 'scoreboard.json'))).toBe(false);
  });
});

test('metadata of the quantized built-in tiny model: parameter count and tensor bytes from ggml block sizes', async () => {
  const file = path.join(builtinModelDir(), 'tiny-Q4_K_M.gguf'); // made by the e2e global setup
  const bytes = statSync(file).size;
  const m = await readGgufMetadata(file, bytes);
  expect(m).toMatchObject({ architecture: 'llama', fileType: 'Q4_K_M', parameterCount: parameterCount('tiny'), trainedContext: 8192, layers: 4 });
  // The data section holds every tensor plus at most 31 bytes of alignment padding each.
  const dataBytes = bytes - Number((await gguf(file, { allowLocalFile: true })).tensorDataOffset);
  expect(m.tensorBytes).toBeLessThanOrEqual(dataBytes);
  expect(m.tensorBytes).toBeGreaterThanOrEqual(dataBytes - 31 * m.tensorCount);
});
