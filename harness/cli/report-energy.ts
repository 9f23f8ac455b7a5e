// `npm run report -- [RUN-ID] --energy-benchmark NAME`: the run's energy figures estimated again with another
// coefficient (harness/energy/reestimate.ts), energy budgets judged again on them, and a note saying so.
import { evaluateBudget, type Budget } from '../budgets/budget.ts';
import type { BenchConfig } from '../config/schema.ts';
import { coefficientNamed, loadBenchmarks } from '../energy/benchmarks.ts';
import { ENERGY_METRIC_NAMES } from '../energy/declare.ts';
import { hasMeasuredEnergy, reestimateCell } from '../energy/reestimate.ts';
import type { RunReport } from '../report/model.ts';
import type { Metric } from '../measurement/schema.ts';

const ENERGY = new Set<string>(ENERGY_METRIC_NAMES);

/** The report with re-estimated energy figures; throws an Error with the reason (an older run, an unknown name). */
export function reestimateRun(
  report: RunReport,
  runDir: string,
  plan: { config: BenchConfig; configFile: string; budgets?: Record<string, Budget[]> },
  name: string,
): RunReport {
  const coefficient = coefficientNamed(loadBenchmarks(plan.config.energy.benchmarks_file, plan.configFile), name);
  const grid = { gPerKwh: plan.config.energy.grid_intensity_g_per_kwh, source: plan.config.energy.grid_intensity_source };
  const options = { resamples: plan.config.verdicts.bootstrap_resamples, level: plan.config.verdicts.confidence, seed: 1 };
  let changed = 0;
  let kept = 0;
  const cells = report.cells.map((c) => {
    if (c.state !== 'completed' || !Object.keys(c.metrics).some((k) => ENERGY.has(k))) return c;
    if (hasMeasuredEnergy(c)) {
      kept++;
      return c;
    }
    const figures = reestimateCell(runDir, c, coefficient, grid);
    const metrics: Record<string, Metric> = { ...c.metrics, ...figures } as Record<string, Metric>;
    // Budgets on energy figures are judged again on the new estimate; the others stand as measured.
    const budgets = (plan.budgets?.[c.profile] ?? []).filter((b) => ENERGY.has(b.metric));
    const verdicts = [...c.verdicts.filter((v) => !ENERGY.has(v.metric)), ...budgets.map((b) => evaluateBudget(b, metrics[b.metric], options))].sort((a, b) => a.metric.localeCompare(b.metric));
    const counts = { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 };
    for (const v of verdicts) counts[v.status]++;
    changed++;
    return { ...c, metrics, verdicts, counts };
  });
  if (changed === 0 && kept === 0) throw new Error(`run ${report.runId} has no energy figures to re-estimate`);
  const note =
    `Energy figures of ${changed} cell(s) re-estimated after the run with the coefficient ${name} (npm run report -- --energy-benchmark ${name}): estimated, not measured` +
    `${kept > 0 ? `; ${kept} cell(s) with measured figures kept them (an estimate never replaces a measurement)` : ''}. A rebuild without the flag keeps these figures; re-estimate with the run's own coefficient (energy.estimate in its config) to go back.`;
  return { ...report, cells, notes: [...(report.notes ?? []).filter((n) => !n.startsWith('Energy figures of ')), note] };
}
