// What each quantization's quality loss means, in the design's words: per quantization one sentence ("Q4_K_M keeps
// 96 % of the baseline's accuracy: safe for all uses"; "Q3_K_M drops to 70 % on math: avoid for financial work"),
// and per use the quantization levels that are safe for it. Derived from the degradation table (free-form scores
// against each model's highest-precision quantization); pure.
import { z } from 'zod';
import { quantBits } from './degradation.ts';
import type { DegradationRow } from './part-schemas.ts';

/** A use of the answers: the golden categories it relies on, with their weights. */
export interface QualityUse {
  id: string;
  title: string;
  weights: Record<string, number>;
}

/**
 * The uses the interpretation judges. Accuracy-critical work (the financial kind) weights math twice; the design
 * document that names this weight was not available, so the 2 is ours (README "Quality interpretation").
 */
export const QUALITY_USES: readonly QualityUse[] = [
  { id: 'interactive', title: 'Interactive chat', weights: { comprehension: 1, reasoning: 1, format: 1 } },
  { id: 'accuracy', title: 'Accuracy-critical (financial work)', weights: { math: 2, endpoint_security: 1, reasoning: 1 } },
  { id: 'security', title: 'Endpoint security triage', weights: { endpoint_security: 1 } },
  { id: 'structured', title: 'Structured output', weights: { format: 1 } },
];

/** What a person would do with a category: the "avoid for …" of a sentence. */
const ACTIVITY: Record<string, string> = {
  math: 'financial work',
  endpoint_security: 'security decisions',
  comprehension: 'questions about documents',
  reasoning: 'multi-step decisions',
  format: 'structured output',
};
const activity = (category: string) => ACTIVITY[category] ?? `${category.replaceAll('_', ' ')} work`;

export const quantInterpretationSchema = z.object({
  quant: z.string(),
  baseline: z.boolean(),
  /** score_overall ÷ the baseline's, in %; null where either is missing or the baseline scored 0. */
  overallRetentionPct: z.number().nullable(),
  /** Per category (free-form `score_<category>`), score ÷ baseline score in %; null: not measured or baseline 0. */
  retentionPct: z.record(z.string(), z.number().nullable()),
  /** The use ids this quantization is safe for. */
  safeFor: z.array(z.string()),
  sentence: z.string(),
});
export const qualityGroupInterpretationSchema = z.object({
  model: z.string(),
  ctx: z.number(),
  baselineQuant: z.string(),
  quants: z.array(quantInterpretationSchema),
  /** Per use (and `all`), the quantizations safe for it, highest precision first. */
  safe: z.array(z.object({ useCase: z.string(), title: z.string(), quants: z.array(z.string()), note: z.string().optional() })),
});
export const qualityInterpretationSchema = z.object({
  safeRetentionPct: z.number(),
  floorPct: z.number(),
  uses: z.array(z.object({ id: z.string(), title: z.string(), weights: z.record(z.string(), z.number()) })),
  groups: z.array(qualityGroupInterpretationSchema),
});
export type QuantInterpretation = z.infer<typeof quantInterpretationSchema>;
export type QualityInterpretation = z.infer<typeof qualityInterpretationSchema>;

export interface GradedQuant {
  model: string;
  ctx: number;
  quant: string;
}

export interface InterpretationOptions {
  /** Safe when the weighted retention over a use's categories is at least this (%). */
  safeRetentionPct: number;
  /** …and no relied-on category is below this (%). */
  floorPct: number;
  uses?: readonly QualityUse[];
}

const CATEGORY = /^score_(.+)$/;
const categoryOf = (metric: string): string | null => {
  if (metric === 'score_overall' || metric.endsWith('_constrained')) return null;
  return CATEGORY.exec(metric)?.[1] ?? null;
};
const pct = (x: number) => `${Math.round(x)} %`;
// Shares are ratios of scores: 0.72 / 0.8 is 89.99999999999999 in floating point, and it means 90.
const EPS = 1e-9;
const byPrecision = (a: string, b: string) => quantBits(b) - quantBits(a) || a.localeCompare(b);

/** score ÷ baseline in %, or null when the baseline scored 0 (nothing to keep a share of). */
function retention(row: DegradationRow): number | null {
  return row.baselineScore > 0 ? (row.score / row.baselineScore) * 100 : null;
}

interface UseJudgement {
  safe: boolean;
  /** Why not, when not safe because a figure is unknown. */
  unknown: string[];
}

function judgeUse(use: QualityUse, retained: Record<string, number | null>, o: InterpretationOptions): UseJudgement {
  const relied = Object.entries(use.weights).filter(([, w]) => w > 0);
  const unknown = relied.filter(([c]) => retained[c] === null || retained[c] === undefined).map(([c]) => c);
  if (relied.length === 0 || unknown.length > 0) return { safe: false, unknown };
  const total = relied.reduce((a, [, w]) => a + w, 0);
  const weighted = relied.reduce((a, [c, w]) => a + w * retained[c]!, 0) / total;
  const floorOk = relied.every(([c]) => retained[c]! >= o.floorPct - EPS);
  return { safe: weighted >= o.safeRetentionPct - EPS && floorOk, unknown: [] };
}

/**
 * Per model × context (the degradation table's groups): each graded quantization's retention per category, the
 * uses it is safe for, and its sentence; per use the safe levels. A quantization is safe for a use when every
 * category the use relies on was measured on both sides with a baseline above 0, the weighted retention is at least
 * `safeRetentionPct` and no relied-on category is below `floorPct`. "All uses": safe for every use and every
 * category measured (custom sets included) at least `safeRetentionPct`. Unknown is never safe.
 */
export function interpretQuality(rows: readonly DegradationRow[], graded: readonly GradedQuant[], o: InterpretationOptions): QualityInterpretation {
  const uses = o.uses ?? QUALITY_USES;
  const groups = new Map<string, { model: string; ctx: number; quants: Set<string> }>();
  for (const g of graded) {
    const key = `${g.model}\0${g.ctx}`;
    const group = groups.get(key) ?? { model: g.model, ctx: g.ctx, quants: new Set<string>() };
    group.quants.add(g.quant);
    groups.set(key, group);
  }
  const out: QualityInterpretation['groups'] = [];
  for (const { model, ctx, quants } of [...groups.values()].sort((a, b) => a.model.localeCompare(b.model) || a.ctx - b.ctx)) {
    const mine = rows.filter((r) => r.model === model && r.ctx === ctx && r.mode !== 'constrained');
    const ordered = [...quants].sort(byPrecision);
    // The degradation table names the baseline; without rows (one quantization graded) it is the highest precision.
    const baselineQuant = mine[0]?.baselineQuant ?? ordered[0]!;
    const others = ordered.filter((q) => q !== baselineQuant);
    const baselineCategories = new Set(mine.map((r) => categoryOf(r.metric)).filter((c): c is string => c !== null));
    const interpreted: QuantInterpretation[] = [];
    if (others.length === 0) {
      interpreted.push({ quant: baselineQuant, baseline: true, overallRetentionPct: null, retentionPct: {}, safeFor: [], sentence: `${baselineQuant} is the only quantization graded for ${model} c${ctx}: no baseline to compare it with` });
    } else {
      // The baseline keeps all of itself, but that says nothing where it did not answer: it is listed for a use only
      // when it scored above 0 on every category the use relies on (its own scores are judged by the budgets).
      const baseScore = new Map<string, number>();
      for (const r of mine) {
        const c = categoryOf(r.metric);
        if (c !== null) baseScore.set(c, r.baselineScore);
      }
      const answersFor = (u: QualityUse) => {
        const relied = Object.entries(u.weights).filter(([, w]) => w > 0);
        return relied.length > 0 && relied.every(([c]) => (baseScore.get(c) ?? 0) > 0);
      };
      const baseSafe = uses.filter(answersFor).map((u) => u.id);
      const baseAll = baseSafe.length === uses.length && [...baseScore.values()].every((v) => v > 0);
      interpreted.push({ quant: baselineQuant, baseline: true, overallRetentionPct: 100, retentionPct: {}, safeFor: baseAll ? ['all', ...baseSafe] : baseSafe, sentence: `${baselineQuant} is the baseline (the highest precision graded)${baseAll ? '' : baselineGaps(uses, answersFor)}` });
    }
    for (const quant of others) {
      const own = mine.filter((r) => r.quant === quant);
      const retained: Record<string, number | null> = {};
      const zeroBaseline: string[] = [];
      for (const c of baselineCategories) retained[c] = null;
      for (const r of own) {
        const c = categoryOf(r.metric);
        if (c === null) continue;
        retained[c] = retention(r);
        if (r.baselineScore <= 0) zeroBaseline.push(c);
      }
      const overallRow = own.find((r) => r.metric === 'score_overall');
      const overall = overallRow ? retention(overallRow) : null;
      const judged = uses.map((u) => ({ u, j: judgeUse(u, retained, o) }));
      const safeFor = judged.filter(({ j }) => j.safe).map(({ u }) => u.id);
      const known = Object.entries(retained).filter((e): e is [string, number] => e[1] !== null);
      const unknown = Object.keys(retained).filter((c) => retained[c] === null).sort();
      const allSafe = own.length > 0 && unknown.length === 0 && safeFor.length === uses.length && known.every(([, r]) => r >= o.safeRetentionPct - EPS);
      interpreted.push({ quant, baseline: false, overallRetentionPct: overall, retentionPct: retained, safeFor: allSafe ? ['all', ...safeFor] : safeFor, sentence: sentence(quant, { overall, known, unknown, zeroBaseline, allSafe, safeFor, uses, measured: own.length > 0, safePct: o.safeRetentionPct }) });
    }
    const safe = [
      { id: 'all', title: 'All uses' },
      ...uses,
    ].map((u) => {
      const qs = interpreted.filter((q) => others.length > 0 && q.safeFor.includes(u.id)).map((q) => q.quant);
      const note =
        others.length === 0
          ? 'one quantization graded: nothing to compare'
          : qs.length === 0
            ? 'none known: the baseline did not answer in every category this use relies on'
            : qs.length === 1 && qs[0] === baselineQuant
              ? 'only the baseline'
              : undefined;
      return { useCase: u.id, title: u.title, quants: others.length === 0 ? [] : qs, ...(note ? { note } : {}) };
    });
    out.push({ model, ctx, baselineQuant, quants: interpreted, safe });
  }
  return { safeRetentionPct: o.safeRetentionPct, floorPct: o.floorPct, uses: uses.map((u) => ({ id: u.id, title: u.title, weights: { ...u.weights } })), groups: out };
}

/** Why the baseline is not listed for some uses: the categories they rely on where it scored 0 or was not graded. */
function baselineGaps(uses: readonly QualityUse[], answersFor: (u: QualityUse) => boolean): string {
  const left = uses.filter((u) => !answersFor(u)).map((u) => u.title.toLowerCase());
  return left.length > 0 ? `; not listed for ${left.join(', ')}: it scored 0 on, or was not graded in, a category they rely on` : '; not listed for all uses: it scored 0 on a category';
}

interface SentenceFacts {
  overall: number | null;
  known: [string, number][];
  unknown: string[];
  zeroBaseline: string[];
  allSafe: boolean;
  safeFor: string[];
  uses: readonly QualityUse[];
  measured: boolean;
  safePct: number;
}

function sentence(quant: string, f: SentenceFacts): string {
  if (!f.measured) return `${quant}: no score was measured on both sides, so it is not known to be safe for any use`;
  const kept = f.overall !== null ? pct(f.overall) : null;
  if (f.allSafe) return `${quant} keeps ${kept ?? `at least ${pct(Math.min(...f.known.map(([, r]) => r)))}`} of the baseline's accuracy: safe for all uses`;
  const parts: string[] = [];
  if (f.known.length > 0) {
    const worst = Math.min(...f.known.map(([, r]) => r));
    // Ties: every category at the lowest retention is named.
    const at = f.known.filter(([, r]) => Math.round(r) === Math.round(worst)).map(([c]) => c).sort();
    const safeTitles = f.uses.filter((u) => f.safeFor.includes(u.id)).map((u) => u.title.toLowerCase());
    parts.push(
      `${quant} ${worst < 100 ? 'drops to' : 'keeps'} ${pct(worst)} on ${at.map((c) => c.replaceAll('_', ' ')).join(' and ')}` +
        (worst < f.safePct - EPS ? `: avoid for ${[...new Set(at.map(activity))].join(' and ')}` : '') +
        (safeTitles.length > 0 ? `; safe for ${safeTitles.join(', ')}` : ''),
    );
  } else {
    parts.push(`${quant}: no category could be compared with the baseline`);
  }
  if (f.zeroBaseline.length > 0) parts.push(`the baseline scored 0 on ${f.zeroBaseline.sort().map((c) => c.replaceAll('_', ' ')).join(', ')}: no share of it to keep, so not known safe there`);
  const missing = f.unknown.filter((c) => !f.zeroBaseline.includes(c));
  if (missing.length > 0) parts.push(`${missing.map((c) => c.replaceAll('_', ' ')).join(', ')} not measured against the baseline: not known safe where it matters`);
  return parts.join('; ');
}

/** The quality profile's graded cells as the interpretation's groups (completed cells, free-form scores). */
export function gradedQuants(cells: readonly { profile: string; state: string; cell: { model: string; ctx: number; quant: string } }[]): GradedQuant[] {
  return cells.filter((c) => c.profile === 'quality' && c.state === 'completed').map((c) => ({ model: c.cell.model, ctx: c.cell.ctx, quant: c.cell.quant }));
}
