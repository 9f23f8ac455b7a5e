// A shard run's own files: the name of its Vitest blob report, the note its scoreboard carries, and the scoreboard of
// a shard that holds no cell (Vitest fails a file without tests, so such a shard never reaches the reporter).
import { statSync } from 'node:fs';
import path from 'node:path';
import { modelFileFacts } from '../report/model-files.ts';
import type { Plan } from '../plan.ts';
import type { RunReport } from '../report/model.ts';
import { writeRunReport } from '../report/write.ts';
import { PERCENTILE_METHOD } from '../stats/summary.ts';
import { SHARD_PLANNER_NOTE, shardLabel, type Shard } from './shard.ts';

/** Vitest's own name for a shard's blob (`blob-<i>-<n>.json`), inside the shard's run directory. */
export const blobFileName = (s: Shard): string => `blob-${s.index}-${s.count}.json`;

export function shardNote(s: Shard & { cellsTotal: number }): string {
  return `Shard ${shardLabel(s)} of the matrix's ${s.cellsTotal} cell(s): merge the shards' runs with npm run report -- --merge DIR. ${SHARD_PLANNER_NOTE}`;
}

/** The run-level fields every scoreboard takes from its plan. */
export function reportShell(plan: Plan, partial: boolean, endReason: string): RunReport {
  const finishedAt = new Date();
  // The GPU facts are structured: the scoreboard keeps them beside the host's flat fields, not among them.
  const { gpu, ...host } = plan.host;
  return {
    schemaVersion: 1,
    runId: plan.runId,
    createdAt: plan.createdAt,
    finishedAt: finishedAt.toISOString(),
    // An unreadable start time gives no duration rather than a made-up one.
    ...(Number.isFinite(Date.parse(plan.createdAt)) ? { durationMs: Math.max(0, finishedAt.getTime() - Date.parse(plan.createdAt)) } : {}),
    modelFiles: modelFileFacts(plan.cells, fileDate),
    partial,
    endReason,
    host,
    ...(gpu ? { gpu } : {}),
    llama: { version: plan.llama.version, commit: plan.llama.commit, serverPath: plan.llama.serverPath, source: plan.llama.source },
    config: { file: plan.configFile, hash: plan.configHash },
    models: plan.config.models.map((m) =>
      m.builtin
        ? { name: m.name, kind: 'builtin' as const, detail: `the generated ${m.builtin} default model (random weights)` }
        : { name: m.name, kind: 'file' as const, detail: m.path ?? Object.values(m.files ?? {}).join(', ') },
    ),
    percentileMethod: PERCENTILE_METHOD,
    cells: [],
  };
}

/** A shard with no cell of the matrix: a finished, empty scoreboard that says so. */
export function writeEmptyShardReport(plan: Plan): string[] {
  if (!plan.shard) throw new Error('writeEmptyShardReport: the plan is not a shard');
  const report: RunReport = {
    ...reportShell(plan, false, `shard ${shardLabel(plan.shard)} holds none of the matrix's ${plan.shard.cellsTotal} cell(s)`),
    shard: plan.shard,
    notes: [shardNote(plan.shard)],
  };
  return writeRunReport(path.resolve(plan.runDir), report, { html: true });
}

/** A file's modification time, or undefined when it cannot be read (a model file moved since the plan). */
function fileDate(file: string): string | undefined {
  try {
    return statSync(file).mtime.toISOString();
  } catch {
    return undefined;
  }
}
