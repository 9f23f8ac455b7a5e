// Hand-made scoreboards for report tests: one shell of plain host and build facts, so each test states only the
// cells and fields it is about.
import type { Cell } from '../../harness/measurement/schema.ts';
import type { CellReport, RunReport } from '../../harness/report/model.ts';

/** A finished, passed run around `cells`; `extra` overrides any field. */
export function runReport(cells: CellReport[], extra: Partial<RunReport> = {}): RunReport {
  return {
    schemaVersion: 1,
    runId: '20260101-000000-abcdef',
    createdAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    partial: false,
    endReason: 'passed',
    host: { cpu: 'Test CPU', cores: 2, memoryGb: 24, os: 'Debian 12', kernel: '6.1' },
    llama: { version: '0.5.0-dev', commit: 'de3ff81', serverPath: '/x/llama-server', source: 'cache' },
    config: { file: 'bench.config.yaml', hash: 'a'.repeat(64) },
    models: [],
    percentileMethod: 'type 7',
    cells,
    ...extra,
  };
}

/** A cell of the matrix: tiny Q4_K_M t1 c1024 nice10 unless `over` says otherwise; id and slug follow the fields. */
export function matrixCell(over: Partial<Cell> = {}): Cell {
  const c = { model: 'tiny', quant: 'Q4_K_M', threads: 1, ctx: 1024, priority: 'nice10', ...over };
  const id = over.id ?? `${c.model} ${c.quant} t${c.threads} c${c.ctx} ${c.priority}`;
  return { ...c, id, slug: over.slug ?? id.replace(/\W+/g, '_') } as Cell;
}

/** A completed cell of `profile` with no metrics, verdicts or tests yet; `extra` fills them. */
export function cellReport(profile: string, cell: Cell, extra: Partial<CellReport> = {}): CellReport {
  return { profile, cell, state: 'completed', metrics: {}, verdicts: [], counts: { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 }, tests: [], sampleResponses: [], ...extra };
}
