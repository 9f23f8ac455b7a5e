import { betterOfKey } from '../budgets/catalogue.ts';
import type { Verdict } from '../measurement/schema.ts';
import type { CellReport } from './model.ts';

/** A figure of a cell across profiles, keyed `profile.metric`, e.g. `interactive.latency_p95_s`. */
export type CellFigures = Map<string, number>;

export interface Candidate {
  cellId: string;
  figures: CellFigures;
  /** Every verdict of every profile the cell ran (or that stands for it), for hard thresholds and evidence. */
  verdicts: { profile: string; verdict: Verdict }[];
}

/** Gathers each cell id's figures and verdicts over profiles; a skipped duplicate borrows its representative's. */
export function candidates(cells: readonly CellReport[]): Candidate[] {
  const byId = new Map<string, Candidate>();
  const find = (profile: string, id: string) => cells.find((c) => c.profile === profile && c.cell.id === id);
  for (const c of cells) {
    const cand: Candidate = byId.get(c.cell.id) ?? { cellId: c.cell.id, figures: new Map(), verdicts: [] };
    byId.set(c.cell.id, cand);
    const source = c.state === 'skipped' && c.representative ? find(c.profile, c.representative) : c;
    if (!source || source.state !== 'completed') {
      if (c.state !== 'skipped') cand.verdicts.push({ profile: c.profile, verdict: notRun(c) });
      continue;
    }
    for (const [metric, m] of Object.entries(source.metrics)) if (m.status === 'ok' && m.value !== null) cand.figures.set(`${c.profile}.${metric}`, m.value);
    for (const v of source.verdicts) cand.verdicts.push({ profile: c.profile, verdict: v });
  }
  return [...byId.values()].sort((a, b) => a.cellId.localeCompare(b.cellId));
}

function notRun(c: CellReport): Verdict {
  return { metric: 'runs', label: 'runs to completion', source: '', op: '>=', limit: 1, unit: '', value: null, status: 'error', margin: null, used: null, reason: c.error ?? 'the cell did not run' };
}

export interface Contribution {
  key: string;
  value: number;
  normalised: number;
  weight: number;
}

export interface Ranked {
  cellId: string;
  score: number;
  contributions: Contribution[];
  /**
   * Budgets of the use case's profiles that were neither met nor missed: inconclusive (the interval straddles the
   * limit) or skipped (not measurable). A cell with any is never "qualified": it ranks after every cell that met
   * every budget, and a pick among such cells is provisional.
   */
  unresolved: { profile: string; verdict: Verdict }[];
}

/** A hard minimum on a `profile.metric` figure (the selector's `min_cove_pass_rate`, `min_retrieval_f1`). */
export interface Minimum {
  key: string;
  min: number;
  label: string;
}

export interface Selection {
  /** Hard thresholds: the profiles whose every budget a candidate must meet. */
  profiles: string[];
  winner: Ranked | null;
  runnerUp: Ranked | null;
  ranked: Ranked[];
  /** Cells ruled out by a hard threshold, with the first budget that ruled each one out. */
  excluded: { cellId: string; profile: string; verdict: Verdict }[];
  /** Weighted figures nobody had, or that the registry gives no better side, so they did not count. */
  missing: string[];
  /** Minimums on a profile that did not run in this selection: not checked, and said so. */
  unchecked: Minimum[];
}

/** The verdict a minimum gives a cell: fail below it, pass at or above it, skipped (never met) without the figure. */
export function minimumVerdict(m: Minimum, value: number | undefined): Verdict {
  const dot = m.key.indexOf('.');
  const base = { metric: m.key.slice(dot + 1), label: m.label, source: `>= ${m.min}`, op: '>=' as const, limit: m.min, unit: 'score' };
  if (value === undefined) return { ...base, value: null, status: 'skipped', margin: null, used: null, reason: `${m.key} was not measured for this cell` };
  return { ...base, value, status: value >= m.min ? 'pass' : 'fail', margin: value - m.min, used: value === 0 ? null : m.min / value };
}

const UNRESOLVED: readonly Verdict['status'][] = ['inconclusive', 'skipped'];

const TIE_BREAK = ['interactive.latency_p95_s', 'interactive.decode_tps_mean'];

/**
 * Weighted selection. Hard thresholds first: a cell that missed (fail) or could not measure (error) any budget of
 * `profiles`, or is below a minimum on one of them, is ruled out; a minimum whose figure the cell lacks leaves it
 * unresolved (a minimum on a profile outside `profiles` is not checked and is listed in `unchecked`). Each weighted
 * figure is normalised to [0, 1] over the remaining candidates (inverted
 * where the registry says lower is better; all-equal → 1), and the weighted mean ranks them, cells that met every
 * budget before cells with inconclusive or skipped budgets. Ties go to lower p95 latency, then higher decode speed,
 * then the cell id.
 */
export function select(all: readonly Candidate[], weights: Record<string, number>, profiles: readonly string[], minimums: readonly Minimum[] = []): Selection {
  const excluded: Selection['excluded'] = [];
  const profileOf = (key: string) => key.slice(0, Math.max(0, key.indexOf('.')));
  const checked = minimums.filter((m) => profiles.includes(profileOf(m.key)));
  const unchecked = minimums.filter((m) => !checked.includes(m));
  // A minimum is one more budget of its profile: a cell below it is ruled out, one without the figure is unresolved.
  const withMinimums = all.map((c) => ({
    ...c,
    verdicts: [...c.verdicts, ...checked.map((m) => ({ profile: profileOf(m.key), verdict: minimumVerdict(m, c.figures.get(m.key)) }))],
  }));
  const eligible = withMinimums.filter((c) => {
    const ruledOut = c.verdicts.find((v) => profiles.includes(v.profile) && (v.verdict.status === 'fail' || v.verdict.status === 'error'));
    if (ruledOut) excluded.push({ cellId: c.cellId, ...ruledOut });
    const ranAll = profiles.every((p) => [...c.figures.keys()].some((k) => k.startsWith(`${p}.`)));
    return !ruledOut && ranAll;
  });
  const keys = Object.keys(weights).filter((k) => weights[k]! > 0);
  const present = keys.filter((k) => betterOfKey(k) !== 'neither' && eligible.some((c) => c.figures.has(k)));
  const missing = keys.filter((k) => !present.includes(k));
  const range = new Map(present.map((k) => {
    const vs = eligible.map((c) => c.figures.get(k)).filter((v): v is number => v !== undefined);
    // A reduce, not Math.min(...vs): a scoreboard of 100,000 cells overflows the engine's argument limit.
    return [k, { min: vs.reduce((m, v) => (v < m ? v : m), Infinity), max: vs.reduce((m, v) => (v > m ? v : m), -Infinity) }] as const;
  }));
  const ranked: Ranked[] = eligible.map((c) => {
    const contributions = present.map((key) => {
      const value = c.figures.get(key);
      const { min, max } = range.get(key)!;
      let normalised = 0;
      if (value !== undefined) {
        normalised = max === min ? 1 : (value - min) / (max - min);
        if (betterOfKey(key) === 'lower' && max !== min) normalised = 1 - normalised;
      }
      return { key, value: value ?? NaN, normalised, weight: weights[key]! };
    });
    const total = contributions.reduce((a, x) => a + x.weight, 0);
    const score = total === 0 ? 0 : contributions.reduce((a, x) => a + x.weight * x.normalised, 0) / total;
    const unresolved = c.verdicts.filter((v) => profiles.includes(v.profile) && UNRESOLVED.includes(v.verdict.status));
    return { cellId: c.cellId, score, contributions, unresolved };
  });
  const figure = (id: string, key: string) => eligible.find((c) => c.cellId === id)?.figures.get(key);
  ranked.sort((a, b) => {
    const resolved = Number(a.unresolved.length > 0) - Number(b.unresolved.length > 0);
    if (resolved !== 0) return resolved;
    if (Math.abs(b.score - a.score) > 1e-12) return b.score - a.score;
    for (const key of TIE_BREAK) {
      const x = figure(a.cellId, key);
      const y = figure(b.cellId, key);
      if (x !== undefined && y !== undefined && x !== y) return betterOfKey(key) === 'lower' ? x - y : y - x;
    }
    return a.cellId.localeCompare(b.cellId);
  });
  return { profiles: [...profiles], winner: ranked[0] ?? null, runnerUp: ranked[1] ?? null, ranked, excluded, missing, unchecked };
}
