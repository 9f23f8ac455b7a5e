// Merging the scoreboards of a sharded run: the shards' cells side by side in one run report, as an unsharded run
// of the same matrix would have them. Pure: the caller reads the shard runs and writes the result (merge-files.ts).
import type { CellReport, RunReport } from '../report/model.ts';
import { SHARD_PLANNER_NOTE, shardOfCell } from './shard.ts';

export interface ShardRunInput {
  /** Where it was read from, for messages (the shard run's directory). */
  source: string;
  report: RunReport;
}

export interface MergeInput {
  shards: readonly ShardRunInput[];
  runId: string;
  /** The whole matrix's cell ids (from the shards' config), to name what a missing shard did not measure. */
  matrixCellIds: readonly string[];
}

export type MergeOutcome = { ok: true; report: RunReport; missing: number[] } | { ok: false; problems: string[] };

const hostLine = (h: RunReport['host']): string => `${h.cpu ?? '?'}, ${h.cores ?? '?'} cores, ${h.memoryGb ?? '?'} GB RAM`;
const llamaLine = (r: RunReport): string => `${r.llama.version} (${r.llama.commit})`;

/**
 * Checks the shards belong together (one config, one shard count, each index once, no cell twice) and merges them.
 * A missing shard is not an error: the merged run is partial and lists that shard's cells as not run.
 */
export function mergeShardReports(input: MergeInput): MergeOutcome {
  const problems: string[] = [];
  const shards = [...input.shards].sort((a, b) => a.report.shard!.index - b.report.shard!.index || a.source.localeCompare(b.source));
  if (shards.length === 0) return { ok: false, problems: ['no shard run to merge (a run directory whose scoreboard.json has a "shard", written by npm run bench -- --shard I/N)'] };
  const first = shards[0]!.report;
  const count = first.shard!.count;
  for (const s of shards) {
    const r = s.report;
    if (r.shard!.count !== count) problems.push(`${s.source} is shard ${r.shard!.index}/${r.shard!.count}, but ${shards[0]!.source} is one of ${count}: expected every shard of one split`);
    if (r.config.hash !== first.config.hash) {
      problems.push(`${s.source} ran config ${r.config.hash.slice(0, 12)}, ${shards[0]!.source} config ${first.config.hash.slice(0, 12)}: shards of one run share one config`);
    }
  }
  const byIndex = new Map<number, string[]>();
  for (const s of shards) byIndex.set(s.report.shard!.index, [...(byIndex.get(s.report.shard!.index) ?? []), s.source]);
  for (const [index, sources] of byIndex) {
    if (sources.length > 1) problems.push(`shard ${index}/${count} is there ${sources.length} times (${sources.join(', ')}): keep one of them`);
  }
  const owner = new Map<string, string>();
  for (const s of shards) {
    for (const c of s.report.cells) {
      const key = `${c.profile} · ${c.cell.id}`;
      const before = owner.get(key);
      if (before) problems.push(`${key} is in both ${before} and ${s.source}`);
      owner.set(key, s.source);
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  const profiles = [...new Set(shards.flatMap((s) => [...s.report.cells.map((c) => c.profile), ...(s.report.notRun ?? []).map((n) => n.profile)]))].sort();
  const missingCells = input.matrixCellIds.filter((id) => missing.includes(shardOfCell(id, count)));
  const notRun = [
    ...shards.flatMap((s) => s.report.notRun ?? []),
    ...missingCells.flatMap((cell) => profiles.map((profile) => ({ cell, profile }))),
  ].sort((a, b) => a.profile.localeCompare(b.profile) || a.cell.localeCompare(b.cell));
  const cells: CellReport[] = shards.flatMap((s) => s.report.cells);
  const hosts = new Set(shards.map((s) => hostLine(s.report.host)));
  const builds = new Set(shards.map((s) => llamaLine(s.report)));
  const partialShards = shards.filter((s) => s.report.partial);
  const interrupted = shards.some((s) => s.report.interrupted);
  const notes = [
    `Merged from ${shards.length} of ${count} shard run(s): ${shards.map((s) => `${s.report.shard!.index}/${count} ${s.report.runId}`).join(', ')}.`,
    SHARD_PLANNER_NOTE,
    ...(hosts.size > 1 ? [`The shards ran on ${hosts.size} different hosts (${[...hosts].join('; ')}): cells of different shards were not measured on the same machine, so compare them with care (the host above is shard ${first.shard!.index}'s).`] : []),
    ...(builds.size > 1 ? [`The shards ran ${builds.size} different llama.cpp builds: ${[...builds].join(', ')}.`] : []),
  ];
  const endReason = [
    missing.length > 0 ? `shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing: ${missingCells.length} cell(s) not measured` : '',
    partialShards.length > 0 ? `shard run(s) ${partialShards.map((s) => `${s.report.shard!.index}/${count}`).join(', ')} partial (${partialShards.map((s) => s.report.endReason).join('; ')})` : '',
  ].filter(Boolean);
  const bandwidths = new Set(shards.map((s) => (s.report.bandwidth ? `${s.report.bandwidth.gbPerSec}` : '')));
  const report: RunReport = {
    schemaVersion: 1,
    runId: input.runId,
    createdAt: shards.map((s) => s.report.createdAt).sort()[0]!,
    finishedAt: shards.map((s) => s.report.finishedAt).sort().at(-1)!,
    partial: endReason.length > 0,
    endReason: endReason.length > 0 ? endReason.join('; ') : `merged ${shards.length} shard run(s)`,
    ...(interrupted ? { interrupted } : {}),
    ...(notRun.length > 0 ? { notRun } : {}),
    host: { ...first.host },
    llama: { ...first.llama },
    config: { ...first.config },
    models: first.models,
    percentileMethod: first.percentileMethod,
    // One machine's bandwidth stands for the roofline only when every shard measured the same figure.
    ...(first.bandwidth && bandwidths.size === 1 ? { bandwidth: first.bandwidth } : {}),
    cells,
    ...(shards.some((s) => s.report.pairedComparisons?.length) ? { pairedComparisons: shards.flatMap((s) => s.report.pairedComparisons ?? []) } : {}),
    shards: shards.map((s) => ({
      index: s.report.shard!.index,
      count,
      runId: s.report.runId,
      host: hostLine(s.report.host),
      llama: llamaLine(s.report),
      cells: new Set(s.report.cells.map((c) => c.cell.id)).size,
      partial: s.report.partial,
    })),
    notes,
  };
  return { ok: true, report, missing };
}

/**
 * The merged verdict as an exit code, the way `vitest run` would have ended an unsharded run: 1 when a test failed
 * (a budget missed, a cell errored) or the merge is partial (a shard missing or cut short), else 0.
 */
export function mergedExitCode(report: RunReport): 0 | 1 {
  if (report.partial) return 1;
  return report.cells.some((c) => c.tests.some((t) => t.state === 'failed')) ? 1 : 0;
}
