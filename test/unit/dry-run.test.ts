import { describe, expect, test } from 'vitest';
import { dryRunExitCode, renderDryRun, type DryRunReport } from '../../harness/dry-run/render.ts';
import { formatBytes } from '../../harness/units.ts';

function report(overrides: Partial<DryRunReport> = {}): DryRunReport {
  return {
    configFile: '/cfg/bench.config.yaml',
    scan: {
      modelDir: '/models',
      entries: [
        { model: 'tiny', quant: 'Q4_K_M', source: 'builtin', state: 'present', where: '/cache/tiny-Q4_K_M.gguf', bytes: 14_115_584 },
        { model: 'qwen', quant: 'Q4_K_M', source: 'hub', state: 'download', where: 'org/qwen/q4.gguf at main', bytes: null },
      ],
      unreferenced: [{ path: '/models/stray.gguf', bytes: 2_000_000_000 }],
      partial: [],
    },
    downloads: [{ model: 'qwen', quant: 'Q4_K_M', label: 'org/qwen/q4.gguf at main', bytes: 1_117_320_736, needed: true, reason: 'download 1117320736 bytes' }],
    cells: [
      { id: 'tiny Q4_K_M t1 c1024 nice10', file: '/cache/tiny-Q4_K_M.gguf', bytes: 14_115_584, memory: { bytes: 20_000_000, basis: 'weights × 1.2 + KV cache (c1024)' } },
      { id: 'qwen Q4_K_M t1 c1024 nice10', file: 'org/qwen/q4.gguf at main', bytes: 1_117_320_736, memory: { bytes: 1_340_784_883, basis: 'file × 1.2' } },
    ],
    ...overrides,
  };
}

describe('renderDryRun', () => {
  test('models, downloads with sizes and total, then the cells in order with file, size and memory', () => {
    const lines = renderDryRun(report());
    expect(lines).toEqual([
      'dry run of /cfg/bench.config.yaml: nothing is downloaded and no server is started',
      'models (model_dir /models):',
      '  present   tiny Q4_K_M  /cache/tiny-Q4_K_M.gguf (14.1 MB)',
      '  download  qwen Q4_K_M  org/qwen/q4.gguf at main',
      '  not in any definition: /models/stray.gguf (2.00 GB)',
      'downloads for the planned cells: 1 file, 1.12 GB',
      '  download  qwen Q4_K_M  org/qwen/q4.gguf at main  1.12 GB  download 1117320736 bytes',
      'cells in order: 2',
      '  1.  tiny Q4_K_M t1 c1024 nice10  /cache/tiny-Q4_K_M.gguf   14.1 MB  memory ≈ 20.0 MB (weights × 1.2 + KV cache (c1024))',
      '  2.  qwen Q4_K_M t1 c1024 nice10  org/qwen/q4.gguf at main  1.12 GB  memory ≈ 1.34 GB (file × 1.2)',
    ]);
    expect(dryRunExitCode(report())).toBe(0);
  });

  test('skip reasons (from a planner) are shown per cell and counted', () => {
    const r = report();
    r.cells[1]!.skip = 'memory pre-check: needs about 1279 MB, over available RAM 1000 MB';
    const lines = renderDryRun(r);
    expect(lines).toContain('cells in order: 2 (1 to run, 1 skipped)');
    expect(lines.at(-1)).toMatch(/^ {2}2\. {2}qwen Q4_K_M .*memory ≈ 1\.34 GB \(file × 1\.2\); skip: memory pre-check: needs about 1279 MB/);
  });

  test('a download that would fail is marked, counted, and makes the exit code 2', () => {
    const r = report({
      downloads: [{ model: 'qwen', quant: 'Q4_K_M', label: 'org/qwen/q4.gguf at main', bytes: null, needed: true, reason: 'x', error: 'not found: org/qwen/q4.gguf at revision main' }],
    });
    const lines = renderDryRun(r);
    expect(lines).toContain('downloads for the planned cells: 0 files, 0 B');
    expect(lines).toContain('  FAILS  qwen Q4_K_M  org/qwen/q4.gguf at main  size unknown  not found: org/qwen/q4.gguf at revision main');
    expect(lines).toContain('1 download would fail: the run would exit 2');
    expect(dryRunExitCode(r)).toBe(2);
  });

  test('nothing to download, files already present, unknown sizes, partial downloads', () => {
    const r = report({
      downloads: [{ model: 'qwen', quant: 'Q4_K_M', label: 'org/qwen/q4.gguf at main', bytes: 5, needed: false, reason: 'already downloaded: /models/q4.gguf' }],
      cells: [{ id: 'c', file: 'f', bytes: null, memory: null }],
    });
    r.scan.partial = [{ path: '/models/q8.gguf.part', bytes: 1500 }];
    const lines = renderDryRun(r);
    expect(lines).toContain('downloads for the planned cells: 0 files, 0 B');
    expect(lines).toContain('  have  qwen Q4_K_M  org/qwen/q4.gguf at main  5 B  already downloaded: /models/q4.gguf');
    expect(lines).toContain('  partial download, resumed by the next download: /models/q8.gguf.part (1.50 kB)');
    expect(lines.at(-1)).toBe('  1.  c  f  size unknown  memory unknown');
  });
});

test('formatBytes uses decimal units with three significant digits', () => {
  expect([0, 999, 1000, 14_115_584, 123_456_789, 4_920_000_000].map(formatBytes)).toEqual(['0 B', '999 B', '1.00 kB', '14.1 MB', '123 MB', '4.92 GB']);
});
