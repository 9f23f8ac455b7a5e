import { describe, expect, test } from 'vitest';
import { mergeShardReports, mergedExitCode } from '../../harness/shard/merge.ts';
import { inShard, parseShard, shardOfCell } from '../../harness/shard/shard.ts';
import { cell, run } from './fleet-fixtures.ts';

describe('parseShard', () => {
  test('INDEX/COUNT with 1 ≤ INDEX ≤ COUNT', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '2', '2/', '/4', '2/0', '-1/4', '1.5/4', '2/4/1', 'a/b', '', '1/10000']) expect(parseShard(bad)).toHaveProperty('problem');
  });
});

describe('shardOfCell', () => {
  const ids = Array.from({ length: 400 }, (_, i) => `m Q4_K_M t${(i % 8) + 1} c${512 * (i + 1)} nice10`);
  test('by the id alone: a cell keeps its shard whatever else the matrix holds', () => {
    const before = ids.map((id) => shardOfCell(id, 4));
    // Checked with sha256sum: the id's digest starts 66f28c861aa2 (even: shard 1 of 2), the other's 92e241d8c105 (odd: 2).
    expect(shardOfCell('tiny Q4_K_M t1 c1024 nice10', 2)).toBe(1);
    expect(shardOfCell('tiny Q4_K_M t1 c512 nice10', 2)).toBe(2);
    expect([...ids, 'added later', 'another'].slice(0, ids.length).map((id) => shardOfCell(id, 4))).toEqual(before);
  });
  test('every cell in exactly one shard, and the shards roughly even', () => {
    const counts = [0, 0, 0, 0];
    for (const id of ids) {
      const owners = [1, 2, 3, 4].filter((i) => inShard(id, { index: i, count: 4 }));
      expect(owners).toHaveLength(1);
      counts[owners[0]! - 1]!++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(60); // 100 expected each; a broken hash piles them up
  });
});

const A = 'tiny Q4_K_M t1';
const B = 'tiny Q4_K_M t2';
const C = 'tiny Q5_K_M t1';
const host = { cpu: 'CPU', cores: 2, memoryGb: 24 };
const shardRun = (index: number, count: number, cells: ReturnType<typeof cell>[], extra = {}) =>
  ({ source: `s${index}`, report: run(`shard-${index}`, host, cells, { shard: { index, count, cellsTotal: 3 }, ...extra }) });

describe('mergeShardReports', () => {
  test('the union of the shards\' cells, the shards listed, the planner note, and the merged verdict', () => {
    const out = mergeShardReports({ shards: [shardRun(2, 2, [cell(C, 1, 900)]), shardRun(1, 2, [cell(A, 1, 900), cell(B, 3, 900)])], runId: 'm', matrixCellIds: [A, B, C] });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.report.cells.map((c) => c.cell.id)).toEqual([A, B, C]);
    expect(out.report.shards!.map((s) => [s.index, s.runId, s.cells])).toEqual([[1, 'shard-1', 2], [2, 'shard-2', 1]]);
    expect(out.report.partial).toBe(false);
    expect(out.report.notes!.join(' ')).toContain('applied within each shard only');
    expect(mergedExitCode(out.report)).toBe(1); // B's latency fails
  });

  test('a missing shard: partial, its cells listed as not run, exit 1 even when the rest passed', () => {
    const ids = [A, B, C];
    const missingIndex = shardOfCell(C, 3);
    const present = ids.filter((id) => shardOfCell(id, 3) !== missingIndex);
    const shards = [...new Set(present.map((id) => shardOfCell(id, 3)))].map((i) => shardRun(i, 3, present.filter((id) => shardOfCell(id, 3) === i).map((id) => cell(id, 1, 900))));
    const out = mergeShardReports({ shards, runId: 'm', matrixCellIds: ids });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.missing).toContain(missingIndex);
    expect(out.report.partial).toBe(true);
    expect(out.report.endReason).toMatch(new RegExp(`shard\\(s\\) .*${missingIndex}/3.* missing`));
    expect(out.report.notRun).toContainEqual({ cell: C, profile: 'interactive' });
    expect(mergedExitCode(out.report)).toBe(1);
  });

  test('shards that do not belong together are refused, each reason named', () => {
    const twice = mergeShardReports({ shards: [shardRun(1, 2, [cell(A, 1, 900)]), { ...shardRun(1, 2, [cell(B, 1, 900)]), source: 'again' }], runId: 'm', matrixCellIds: [] });
    expect(twice).toEqual({ ok: false, problems: ['shard 1/2 is there 2 times (again, s1): keep one of them'] });
    const splits = mergeShardReports({ shards: [shardRun(1, 2, [cell(A, 1, 900)]), shardRun(2, 3, [cell(B, 1, 900)])], runId: 'm', matrixCellIds: [] });
    expect(splits.ok ? [] : splits.problems.join('\n')).toContain('s2 is shard 2/3, but s1 is one of 2');
    const configs = mergeShardReports({ shards: [shardRun(1, 2, [cell(A, 1, 900)]), shardRun(2, 2, [cell(B, 1, 900)], { config: { file: 'x', hash: '0'.repeat(64) } })], runId: 'm', matrixCellIds: [] });
    expect(configs.ok ? [] : configs.problems.join('\n')).toContain('shards of one run share one config');
    const dup = mergeShardReports({ shards: [shardRun(1, 2, [cell(A, 1, 900)]), shardRun(2, 2, [cell(A, 1, 900)])], runId: 'm', matrixCellIds: [] });
    expect(dup.ok ? [] : dup.problems).toEqual([`interactive · ${A} is in both s1 and s2`]);
    expect(mergeShardReports({ shards: [], runId: 'm', matrixCellIds: [] }).ok).toBe(false);
  });

  test('every budget met on every shard: exit 0; hosts that differ are said', () => {
    const other = { ...shardRun(2, 2, [cell(C, 1, 900)]) };
    other.report = { ...other.report, host: { ...other.report.host, cpu: 'Other CPU' } };
    const out = mergeShardReports({ shards: [shardRun(1, 2, [cell(A, 1, 900)]), other], runId: 'm', matrixCellIds: [A, C] });
    expect(out.ok && mergedExitCode(out.report)).toBe(0);
    expect(out.ok && out.report.notes!.join(' ')).toContain('The shards ran on 2 different hosts');
  });
});
