import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../paths.ts';
import { scoreboardCsv } from './csv.ts';
import { summaryCsv } from './csv-wide.ts';
import { maxPerBucket } from './downsample.ts';
import { reportHtml, type Timeline } from './html.ts';
import { countVerdicts, overallVerdict, runReportSchema, sortCells, type OverallVerdict, type RunReport } from './model.ts';
import { readGradedItems } from './read-evidence.ts';
import { smallCellFile } from './cell-file.ts';
import { readAppendix } from './read-appendix.ts';
import { updateRegistry } from '../deploy/registry.ts';

export interface RunIndexEntry {
  runId: string;
  createdAt: string;
  finishedAt: string;
  partial: boolean;
  llama: string;
  configHash: string;
  counts: Record<OverallVerdict, number>;
  cells: { profile: string; cell: string; verdict: string }[];
}

/**
 * Owns the paths: every result file is written whole (temp file + rename), so a crash never leaves half a file.
 * `formats` (output.formats) leaves out the CSV or the HTML; scoreboard.json is always written (resume, re-render,
 * merges and history read it). `html: false` defers the HTML (written after each cell, the HTML only at the end).
 */
export function writeRunReport(runDir: string, report: RunReport, options: { html: boolean; formats?: readonly string[] } = { html: true }): string[] {
  const sorted = { ...report, cells: sortCells(report.cells) };
  const formats = options.formats ?? ['json', 'csv', 'html'];
  const written = [path.join(runDir, 'scoreboard.json')];
  writeFileAtomic(written[0]!, `${JSON.stringify(sorted, null, 2)}\n`);
  if (formats.includes('csv')) {
    written.push(path.join(runDir, 'scoreboard.csv'));
    writeFileAtomic(written.at(-1)!, scoreboardCsv(sorted));
  }
  if (options.html && formats.includes('html')) {
    written.push(path.join(runDir, 'report.html'));
    writeFileAtomic(written.at(-1)!, reportHtml(sorted, readTimelines(runDir, sorted), readGradedItems(runDir, sorted), undefined, readAppendix(runDir, sorted)));
  }
  // One row per cell (the long CSV's wide companion); last, so the files above keep their places in `written`.
  if (formats.includes('csv')) {
    const summary = path.join(runDir, 'scoreboard-summary.csv');
    writeFileAtomic(summary, summaryCsv(sorted));
    written.push(summary);
  }
  updateRunIndex(path.dirname(runDir), sorted);
  updateRegistry(path.dirname(runDir), sorted);
  return written;
}

const TIMELINE_POINTS = 60;
/** A samples file larger than this is not charted (100 ms ticks for a day are about 90 MB). */
const MAX_SAMPLES_BYTES = 256 * 1024 * 1024;

/** CPU and RSS over time per cell, from each cell's metrics_samples.csv (absent or unreadable: no chart). */
export function readTimelines(runDir: string, report: RunReport): Map<string, Timeline> {
  const out = new Map<string, Timeline>();
  for (const c of report.cells) {
    const file = smallCellFile(runDir, c.measurement?.files.samples, MAX_SAMPLES_BYTES);
    if (!file) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const [header, ...lines] = text.trim().split('\n');
    const cols = (header ?? '').split(',');
    const [t, cpu, rss] = ['t_ms', 'cpu_machine_pct', 'rss_mb'].map((name) => cols.indexOf(name));
    const cpuPoints: { x: number; y: number }[] = [];
    const rssPoints: { x: number; y: number }[] = [];
    for (const line of lines) {
      const f = line.split(',');
      const x = Number(f[t!]) / 1000;
      if (f[cpu!]) cpuPoints.push({ x, y: Number(f[cpu!]) });
      if (f[rss!]) rssPoints.push({ x, y: Number(f[rss!]) });
    }
    out.set(`${c.cell.slug}/${c.profile}`, { cpu: maxPerBucket(cpuPoints, TIMELINE_POINTS), rss: maxPerBucket(rssPoints, TIMELINE_POINTS) });
  }
  return out;
}

/** An earlier run's scoreboard, by id, from the same output directory. */
export function readRunReport(outputDir: string, runId: string): RunReport {
  const file = path.join(outputDir, runId, 'scoreboard.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no scoreboard for run ${runId} (looked for ${file})`);
  }
  return runReportSchema.parse(JSON.parse(text));
}

/** `results/scoreboard.json`: one entry per run, newest last; a rerun of the same id replaces its entry. */
export function updateRunIndex(outputDir: string, report: RunReport): void {
  const file = path.join(outputDir, 'scoreboard.json');
  let runs: RunIndexEntry[] = [];
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { runs?: RunIndexEntry[] };
    runs = Array.isArray(parsed.runs) ? parsed.runs : [];
  } catch {
    // first run, or an unreadable index: start a new one rather than lose this run
  }
  const counts = countVerdicts(report.cells);
  const entry: RunIndexEntry = {
    runId: report.runId,
    createdAt: report.createdAt,
    finishedAt: report.finishedAt,
    partial: report.partial,
    llama: `${report.llama.version} (${report.llama.commit})`,
    configHash: report.config.hash,
    counts,
    cells: report.cells.map((c) => ({ profile: c.profile, cell: c.cell.id, verdict: overallVerdict(c) })),
  };
  runs = [...runs.filter((r) => r.runId !== report.runId), entry].sort((a, b) => a.runId.localeCompare(b.runId));
  writeFileAtomic(file, `${JSON.stringify({ runs }, null, 2)}\n`);
}
