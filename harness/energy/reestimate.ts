/**
 * `npm run report -- --energy-benchmark <name>`: a stored run's energy figures estimated again with another
 * coefficient, from the run's own files (each request's marks in responses.jsonl, the machine's CPU per tick in
 * metrics_samples.csv, the idle baseline and window marks in the cell's `energy_marks` series). The figures are
 * `estimated` and say which coefficient; a cell whose figures were measured keeps them (an estimate never replaces
 * or joins a measurement). Runs recorded before the samples carried `epoch_ms` cannot be re-estimated: a clear error.
 */
import { readFileSync } from 'node:fs';
import { CPU_COUNT } from '../sampler/proc.ts';
import type { SampleRow } from '../sampler/sampler.ts';
import { cellFile } from '../report/cell-file.ts';
import type { CellReport } from '../report/model.ts';
import { describeCoefficient, type EnergyCoefficient } from './benchmarks.ts';
import { ENERGY_METRIC_NAMES } from './declare.ts';
import type { EnergyMetrics } from './metrics.ts';
import { EnergyRecorder, type EnergyMark, type RequestMarks } from './recorder.ts';

const mark = (epochMs: number): EnergyMark => ({ at: epochMs, packageJ: null });
const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));

/** Sampler rows on the wall clock (epoch ms), from metrics_samples.csv; an error when the file has no time anchor. */
export function samplesOnEpoch(csv: string, file: string): SampleRow[] {
  const [header, ...lines] = csv.trim().split('\n');
  const cols = (header ?? '').split(',');
  const at = cols.indexOf('epoch_ms');
  if (at < 0) throw new Error(`${file} has no epoch_ms column: the run predates the samples' time anchor, so its energy cannot be re-estimated (run the cell again)`);
  const col = (name: string) => cols.indexOf(name);
  const [sys, cpu] = [col('system_cpu_pct'), col('cpu_machine_pct')];
  const rows: SampleRow[] = [];
  let since: number | null = null;
  for (const line of lines) {
    const f = line.split(',');
    const t = Number(f[at]);
    if (!Number.isFinite(t)) continue;
    // The first tick of the file ended the sampler's first interval; its start is unknown, so it covers no time.
    rows.push({
      at: t, since: since ?? t, cpuCorePct: null, cpuMachinePct: cpu < 0 ? null : num(f[cpu]), rssMb: null, pids: 1, systemCpuPct: sys < 0 ? null : num(f[sys]),
      swapUsedMb: null, psiCpuPct: null, psiMemoryPct: null, psiIoPct: null, temperatureC: null, frequencyMhz: null, energyJ: null,
    });
    since = t;
  }
  return rows;
}

/** Each measured, answered request's marks from responses.jsonl (warmup and failed requests left out). */
export function requestMarksOf(jsonl: string): RequestMarks[] {
  const out: RequestMarks[] = [];
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { warmup?: boolean; ok?: boolean; energy?: Record<string, number | null>; prompt_tokens?: number | null; output_tokens?: number; timings?: { prompt_ms: number; predicted_ms: number } | null };
    if (r.warmup || !r.ok || !r.energy || typeof r.energy.start_epoch_ms !== 'number') continue;
    const e = r.energy;
    out.push({
      start: mark(e.start_epoch_ms!),
      split: typeof e.split_epoch_ms === 'number' ? mark(e.split_epoch_ms) : null,
      end: typeof e.end_epoch_ms === 'number' ? mark(e.end_epoch_ms) : null,
      inputTokens: r.prompt_tokens ?? null,
      outputTokens: r.output_tokens ?? 0,
      serverActiveMs: r.timings ? r.timings.prompt_ms + r.timings.predicted_ms : null,
    });
  }
  return out;
}

/** Whether any of the cell's energy figures was measured (RAPL) or attributed from a measurement. */
export function hasMeasuredEnergy(c: CellReport): boolean {
  return ENERGY_METRIC_NAMES.some((n) => c.metrics[n]?.method === 'measured' || (c.metrics[n]?.method === 'attributed' && c.metrics.total_wh?.method === 'measured'));
}

/** The cell's energy figures under `coefficient`; throws with the reason when the run's files cannot give them. */
export function reestimateCell(runDir: string, c: CellReport, coefficient: EnergyCoefficient, grid: { gPerKwh: number; source: string }): EnergyMetrics {
  const where = `${c.cell.id} · ${c.profile}`;
  const marksRow = c.measurement?.series?.energy_marks?.[0];
  if (!marksRow) throw new Error(`${where}: the cell recorded no energy marks (a run from before they were kept, or energy was off): its energy cannot be re-estimated`);
  const samplesFile = cellFile(runDir, c.measurement?.files.samples);
  const responsesFile = cellFile(runDir, c.measurement?.files.responses);
  if (!samplesFile || !responsesFile) throw new Error(`${where}: metrics_samples.csv or responses.jsonl is missing from the run directory`);
  const rows = samplesOnEpoch(readFileSync(samplesFile, 'utf8'), samplesFile);
  const requests = requestMarksOf(readFileSync(responsesFile, 'utf8'));
  const basis = `${describeCoefficient(coefficient, CPU_COUNT)}; re-estimated after the run (npm run report -- --energy-benchmark ${coefficient.name})`;
  const recorder = new EnergyRecorder({ kind: 'estimate', coefficient, basis });
  const b = marksRow;
  const baseline = typeof b.baseline_from_epoch_ms === 'number' && typeof b.baseline_to_epoch_ms === 'number' ? { from: mark(b.baseline_from_epoch_ms), to: mark(b.baseline_to_epoch_ms) } : null;
  return recorder.finish({
    requests,
    baseline,
    baselineS: b.baseline_s ?? 0,
    window: { from: mark(b.window_from_epoch_ms ?? 0), to: mark(b.window_to_epoch_ms ?? 0) },
    rows,
    noProcess: rows.some((r) => r.cpuMachinePct !== null) ? null : 'the samples hold no server CPU reading',
    grid,
  });
}
