// `npm run report -- --merge DIR`: reads the shard runs under DIR, merges their scoreboards (merge.ts), copies each
// shard's per-cell folders and Vitest blob beside the merged scoreboard, and writes it like any run.
import { cpSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { configSchema } from '../config/schema.ts';
import { expandMatrix } from '../matrix/cells.ts';
import type { Plan } from '../plan.ts';
import { writeFileAtomic } from '../paths.ts';
import { enrichReport } from '../report/enrich.ts';
import { runReportSchema, type RunReport } from '../report/model.ts';
import { writeRunReport } from '../report/write.ts';
import { mergeShardReports, type MergeOutcome, type ShardRunInput } from './merge.ts';

/** Run directories under `dir` (or `dir` itself) whose scoreboard.json is a shard's. */
export function readShardRuns(dir: string): { runs: (ShardRunInput & { dir: string; plan: Plan | null })[]; problems: string[] } {
  const problems: string[] = [];
  // DIR is a single run when it has a plan; else the runs are its folders (its scoreboard.json is the run index).
  const candidates = existsSync(path.join(dir, 'plan.json')) ? [dir] : readdirSync(dir).map((d) => path.join(dir, d)).filter((d) => statSync(d).isDirectory()).sort();
  const runs: (ShardRunInput & { dir: string; plan: Plan | null })[] = [];
  for (const runDir of candidates) {
    const file = path.join(runDir, 'scoreboard.json');
    if (!existsSync(file)) continue;
    let report: RunReport;
    try {
      report = runReportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (e) {
      problems.push(`${file}: not a scoreboard of this harness (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    if (!report.shard) continue; // an unsharded or merged run beside the shards
    let plan: Plan | null = null;
    try {
      plan = JSON.parse(readFileSync(path.join(runDir, 'plan.json'), 'utf8')) as Plan;
    } catch {
      // a shard copied back without its plan: mergeable, but a missing shard's cells cannot be named
    }
    runs.push({ source: path.relative(process.cwd(), runDir) || runDir, dir: runDir, report, plan });
  }
  return { runs, problems };
}

/** Merges the shard runs under `dir` into `outDir` (created); returns the outcome and the files written. */
export function mergeShardDir(dir: string, outDir: string, runId: string): { outcome: MergeOutcome; written: string[] } {
  const { runs, problems } = readShardRuns(dir);
  if (problems.length > 0) return { outcome: { ok: false, problems }, written: [] };
  const withPlan = runs.find((r) => r.plan !== null)?.plan ?? null;
  const config = withPlan ? configSchema.safeParse(withPlan.config) : null;
  const matrixCellIds = config?.success ? expandMatrix(config.data).map((c) => c.id) : [];
  const outcome = mergeShardReports({ shards: runs, runId, matrixCellIds });
  if (!outcome.ok) return { outcome, written: [] };
  for (const r of runs) {
    // Per-cell folders (summary.json, responses.jsonl, samples, server.log) and other run folders, never the run's
    // own files: cell slugs differ between shards, and a folder both have (a llama-bench cache) is kept once.
    for (const entry of readdirSync(r.dir)) {
      const from = path.join(r.dir, entry);
      if (statSync(from).isDirectory()) cpSync(from, path.join(outDir, entry), { recursive: true, force: false, errorOnExist: false });
      else if (/^blob-\d+-\d+\.json$/.test(entry)) cpSync(from, path.join(outDir, 'vitest-blobs', entry));
    }
  }
  // A plan for the merged run, so `npm run report -- <merged run>` re-renders it with the run's own config.
  if (withPlan) {
    const { shard: _shard, ...rest } = withPlan;
    const merged: Plan = { ...rest, runId, runDir: outDir, cells: runs.flatMap((r) => r.plan?.cells ?? []) };
    writeFileAtomic(path.join(outDir, 'plan.json'), `${JSON.stringify(merged, null, 2)}\n`);
  }
  const report = config?.success ? enrichReport(outcome.report, config.data) : outcome.report;
  const written = writeRunReport(outDir, report);
  return { outcome: { ...outcome, report }, written };
}
