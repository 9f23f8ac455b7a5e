import { verdictLabel } from '../budgets/budget.ts';
import { formatShort } from '../units.ts';
import type { CellReport } from './model.ts';
import type { CellScore, Recommendation } from './part-schemas.ts';
import { candidates, select, type Minimum, type Selection } from './select.ts';
export type { Minimum } from './select.ts';

export interface UseCase {
  id: string;
  title: string;
  /** Profiles whose budgets are hard thresholds; a use case whose profiles did not run is "not measured". */
  profiles: string[];
  weights: Record<string, number>;
}

export const USE_CASES: UseCase[] = [
  {
    id: 'interactive',
    title: 'Interactive chat',
    profiles: ['interactive'],
    weights: { 'interactive.latency_p95_s': 3, 'interactive.ttft_p95_s': 2, 'interactive.decode_tps_mean': 2, 'interactive.latency_p99_over_p50': 1 },
  },
  {
    id: 'background',
    title: 'Always-on background',
    profiles: ['idle', 'interactive'],
    weights: { 'idle.cpu_mean_pct': 3, 'idle.rss_peak_mb': 2, 'interactive.cpu_p99_pct': 2, 'interactive.cpu_mean_pct': 1 },
  },
  {
    id: 'invisible',
    title: 'Invisible while you work',
    profiles: ['invisibility'],
    weights: { 'invisibility.foreground_slowdown_pct': 3, 'invisibility.timer_lateness_p99_ms': 2, 'invisibility.cpu_p99_pct': 1 },
  },
  {
    id: 'accuracy',
    title: 'Accuracy-critical',
    profiles: ['quality'],
    // The design weights math for accuracy-critical (financial) work: as much as endpoint security, beside the overall score.
    weights: { 'quality.score_overall': 4, 'quality.score_math': 2, 'quality.score_endpoint_security': 2, 'quality.answer_latency_p95_s': 1 },
  },
  {
    id: 'long-context',
    title: 'Long context',
    profiles: ['long-context'],
    weights: { 'long-context.max_usable_context_tokens': 3, 'long-context.prefill_tps_at_max': 2, 'long-context.ttft_s_at_max': 2, 'long-context.rss_peak_mb': 1 },
  },
  {
    id: 'batch',
    title: 'Batch',
    profiles: ['batch'],
    weights: { 'batch.docs_per_hour': 3, 'batch.doc_seconds_cv_pct': 1, 'batch.cpu_mean_pct': 1 },
  },
  {
    // Energy per answer and the always-on cost; measured or estimated alike within a run (one source per machine).
    id: 'energy',
    title: 'Energy-frugal',
    profiles: ['interactive'],
    weights: { 'interactive.energy_weighted_output_wh_per_1000_tokens': 3, 'interactive.idle_power_w': 2, 'interactive.latency_p95_s': 1 },
  },
];

function pct(x: number | null): string {
  return x === null ? '' : ` (${Math.round(x * 100)} % of budget used)`;
}

function describe(useCase: UseCase, s: Selection, title = useCase.title): Recommendation {
  const ruledOut = s.excluded.map((e) => ({
    cellId: e.cellId,
    because: `${e.profile}: ${verdictLabel(e.verdict)}${e.verdict.value === null ? ` ${e.verdict.status} (${e.verdict.reason ?? ''})` : ` ${formatShort(e.verdict.value)} ${e.verdict.unit}, limit ${e.verdict.op} ${e.verdict.limit}`}`,
  }));
  if (!s.winner) {
    return { useCase: useCase.id, title, status: 'none-passed', cellId: null, runnerUp: null, score: null, reasons: ['no configuration met every budget of ' + s.profiles.join(' and ')], ruledOut };
  }
  const w = s.winner;
  const unresolved = w.unresolved.map(
    ({ profile, verdict: v }) => `not known to meet ${profile}: ${verdictLabel(v)} ${v.status}${v.reason ? ` (${v.reason})` : ''}`,
  );
  const reasons = w.contributions
    .slice()
    .sort((a, b) => b.weight * b.normalised - a.weight * a.normalised)
    .map((c) => `${c.key} = ${formatShort(c.value)} (normalised ${c.normalised.toFixed(2)}, weight ${c.weight})`);
  if (s.runnerUp) reasons.push(`runner-up ${s.runnerUp.cellId} scored ${s.runnerUp.score.toFixed(3)} against ${w.score.toFixed(3)}`);
  if (s.missing.length) reasons.push(`not measured or without a better side, so not weighed: ${s.missing.join(', ')}`);
  for (const m of s.unchecked) reasons.push(`not checked: ${m.label} ≥ ${m.min} (no ${m.key.split('.')[0]} profile in this run)`);
  const status = unresolved.length > 0 ? 'provisional' : 'recommended';
  return { useCase: useCase.id, title, status, cellId: w.cellId, runnerUp: s.runnerUp?.cellId ?? null, score: w.score, reasons: [...unresolved, ...reasons], ruledOut };
}

/** The selector's minimums from the config (`selection.min_cove_pass_rate`, `selection.min_retrieval_f1`; null: none). */
export function selectionMinimums(s: { min_cove_pass_rate: number | null; min_retrieval_f1: number | null }): Minimum[] {
  const out: Minimum[] = [];
  if (s.min_cove_pass_rate !== null) out.push({ key: 'quality.cove_pass_rate', min: s.min_cove_pass_rate, label: 'min CoVe pass rate' });
  if (s.min_retrieval_f1 !== null) out.push({ key: 'quality.retrieval_f1_mean', min: s.min_retrieval_f1, label: 'min retrieval F1' });
  return out;
}

/**
 * One recommendation per use case plus an overall best (with the configured weights, every profile that ran, and
 * the selector's minimums as hard thresholds).
 */
export function recommend(cells: readonly CellReport[], overallWeights: Record<string, number>, overallMinimums: readonly Minimum[] = []): Recommendation[] {
  const all = candidates(cells);
  const ran = new Set(cells.filter((c) => c.state === 'completed').map((c) => c.profile));
  const out = USE_CASES.map((u) => {
    if (!u.profiles.every((p) => ran.has(p))) {
      return { useCase: u.id, title: u.title, status: 'not-measured' as const, cellId: null, runnerUp: null, score: null, reasons: [`no ${u.profiles.filter((p) => !ran.has(p)).join(', ')} profile in this run`], ruledOut: [] };
    }
    return describe(u, select(all, u.weights, u.profiles));
  });
  const overall: UseCase = { id: 'overall', title: 'Overall best', profiles: [...ran].sort(), weights: overallWeights };
  // With no profile completed there is no threshold to meet: no pick, rather than a cell that never ran.
  const nothingRan = { useCase: overall.id, title: overall.title, status: 'not-measured' as const, cellId: null, runnerUp: null, score: null, reasons: ['no profile completed in this run'], ruledOut: [] };
  out.unshift(ran.size === 0 ? nothingRan : describe(overall, select(all, overallWeights, overall.profiles, overallMinimums)));
  // The winner's budgets and their headroom: the evidence a person checks first.
  for (const r of out) {
    if (!r.cellId) continue;
    const c = all.find((x) => x.cellId === r.cellId)!;
    const u = r.useCase === 'overall' ? overall : USE_CASES.find((x) => x.id === r.useCase)!;
    for (const { profile, verdict } of c.verdicts) {
      if (u.profiles.includes(profile) && verdict.status === 'pass') r.reasons.push(`passed ${profile}: ${verdictLabel(verdict)} ${formatShort(verdict.value!)} ${verdict.unit}${pct(verdict.used)}`);
    }
    if (r.useCase !== 'overall') continue;
    for (const m of overallMinimums) {
      const value = c.figures.get(m.key);
      if (u.profiles.includes(m.key.split('.')[0]!) && value !== undefined && value >= m.min) r.reasons.push(`passed ${m.label}: ${formatShort(value)} ≥ ${m.min}`);
    }
  }
  return out;
}

/** tok/s × ctx ÷ memory GB: how much context-speed a gigabyte buys. */
export function efficiency(decodeTps: number, ctx: number, rssMb: number): number | null {
  return rssMb > 0 ? (decodeTps * ctx) / (rssMb / 1000) : null;
}

export const SCORE_FORMULAS = {
  efficiency: 'decode tok/s × context tokens ÷ peak RSS in GB (interactive profile)',
  costBenefit: 'overall quality score × decode tok/s ÷ peak RSS in GB, scaled so the best cell is 100',
};

/** Efficiency and cost-benefit per cell id; null where a needed figure was not measured. */
export function cellScores(cells: readonly CellReport[]): CellScore[] {
  const all = candidates(cells);
  const ctxOf = new Map(cells.map((c) => [c.cell.id, c.cell.ctx]));
  const rows = all.map((c) => {
    const tps = c.figures.get('interactive.decode_tps_mean');
    const rss = c.figures.get('interactive.rss_peak_mb');
    const quality = c.figures.get('quality.score_overall');
    const eff = tps !== undefined && rss !== undefined ? efficiency(tps, ctxOf.get(c.cellId) ?? 0, rss) : null;
    const raw = tps !== undefined && rss !== undefined && quality !== undefined && rss > 0 ? (quality * tps) / (rss / 1000) : null;
    return { cellId: c.cellId, efficiency: eff, raw };
  });
  const best = Math.max(0, ...rows.map((r) => r.raw ?? 0));
  return rows.map((r) => ({ cellId: r.cellId, efficiency: r.efficiency, costBenefit: r.raw === null ? null : best === 0 ? 0 : (r.raw / best) * 100 }));
}
