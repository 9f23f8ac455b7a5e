// model_dir is scanned within bounds (depth and entries, no symbolic links followed), and the dry run lists only the
// cells `-t` keeps, saying so.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { configSchema } from '../../harness/config/schema.ts';
import { renderDryRun } from '../../harness/dry-run/render.ts';
import { MAX_SCAN_DEPTH, scanModels } from '../../harness/models/scan.ts';

function configWith(modelDir: string) {
  const config = configSchema.parse({ models: [{ name: 'tiny', builtin: 'tiny' }], matrix: { models: ['tiny'], quants: ['Q4_K_M'], threads: [1], ctx: [512] } });
  return { ...config, model_dir: modelDir };
}

describe('the model_dir scan is bounded', () => {
  test('folders deeper than the download layout are not walked, and the scan says so', async () => {
    const modelDir = mkdtempSync(path.join(os.tmpdir(), 'scan-deep-'));
    const shallow = path.join(modelDir, 'models--org--a', 'refs', 'pr', '1');
    mkdirSync(shallow, { recursive: true });
    writeFileSync(path.join(shallow, 'a.gguf'), 'GGUF');
    const deep = path.join(modelDir, ...Array.from({ length: MAX_SCAN_DEPTH + 2 }, (_, i) => `d${i}`));
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(deep, 'deep.gguf'), 'GGUF');
    const scan = await scanModels(configWith(modelDir));
    expect(scan.unreferenced.map((f) => f.path)).toEqual([path.join(shallow, 'a.gguf')]);
    expect(scan.truncated).toMatch(/more than 6 levels deep were not scanned/);
  });

  test('a huge folder stops after the entry limit', async () => {
    const modelDir = mkdtempSync(path.join(os.tmpdir(), 'scan-wide-'));
    for (let i = 0; i < 30; i++) writeFileSync(path.join(modelDir, `f${String(i).padStart(2, '0')}.gguf`), 'GGUF');
    const scan = await scanModels(configWith(modelDir), { limits: { depth: 6, entries: 10 } });
    expect(scan.unreferenced).toHaveLength(10);
    expect(scan.truncated).toBe('stopped after 10 entries: is model_dir the right folder?');
  });

  test('symbolic links are not followed (a link to / scans nothing)', async () => {
    const modelDir = mkdtempSync(path.join(os.tmpdir(), 'scan-link-'));
    symlinkSync('/', path.join(modelDir, 'root'));
    const scan = await scanModels(configWith(modelDir), { limits: { depth: 6, entries: 50 } });
    expect(scan.unreferenced).toEqual([]);
    expect(scan.truncated).toBeUndefined();
  });
});

describe('dry run with -t', () => {
  test('lists the kept cells and says how many of the matrix', () => {
    const lines = renderDryRun({
      configFile: '/c.yaml',
      scan: { modelDir: '/m', entries: [], unreferenced: [], partial: [], truncated: 'stopped after 10000 entries: is model_dir the right folder?' },
      downloads: [],
      cells: [{ id: 'tiny Q4_K_M t1 c512 nice10', file: 'f', bytes: null, memory: null }],
      selection: { pattern: 't1', matrixCells: 2 },
    });
    expect(lines).toContain('  model_dir not scanned whole: stopped after 10000 entries: is model_dir the right folder?');
    expect(lines).toContain("cells in order: 1; -t t1 keeps 1 of the matrix's 2");
  });
});
