// The guided flow (seed design 000): baseline → quantization sweep → context sweep → threads and priority sweep →
// pick → soak. Each sweep holds everything else at what the step before kept. Pure: evaluation is passed in.
import { fileKey, modelFilesBySize, priorityRank, type FlowCell } from './axes.ts';
import { closest, type Judgement } from './judge.ts';

/** Judgements of these cells under these profiles (each cell passes only when it passes every profile). */
export type EvaluateCells<C> = (cells: readonly C[], profiles: readonly string[]) => Promise<Map<string, Judgement>>;

export type SoakOutcome = Judgement | { skipped: string };

export interface FlowStep {
  name: 'baseline' | 'quant sweep' | 'context sweep' | 'threads and priority sweep' | 'pick' | 'soak';
  profiles: string[];
  cells: { id: string; pass: boolean; reason: string }[];
  decision: string;
  /** The cell this step keeps for the next one, null when it keeps none. */
  kept: string | null;
}

export interface GuidedResult {
  steps: FlowStep[];
  /** The cell that met the correctness and resource budgets, null when a step left none. */
  pick: string | null;
  /** The step no cell passed, when the flow stopped early. */
  stoppedAt: FlowStep['name'] | null;
  /** When it stopped: the evaluated cell nearest to passing. */
  closest: { id: string; reason: string } | null;
  soak: { id: string; pass: boolean | null; reason: string } | null;
}

export interface GuidedOptions<C> {
  /** Profiles every step checks, e.g. idle, interactive, quality. */
  profiles: readonly string[];
  /** The matrix's first context and priority, as the config lists them: the baseline's. */
  first: { ctx: number; priority: string };
  /** Soaks the picked cell; null when the stress profile is disabled. */
  soak: ((cell: C) => Promise<SoakOutcome>) | null;
  /** Called with each step once it is decided. */
  onStep?: (step: FlowStep) => void;
}

export async function guidedFlow<C extends FlowCell>(cells: readonly C[], evaluate: EvaluateCells<C>, options: GuidedOptions<C>): Promise<GuidedResult> {
  if (cells.length === 0) throw new Error('the guided flow needs at least one runnable cell');
  const profiles = [...options.profiles];
  const steps: FlowStep[] = [];
  const seen: { item: string; judgement: Judgement }[] = [];
  const files = modelFilesBySize(cells);
  const fewestThreads = Math.min(...cells.map((c) => c.cell.threads));
  const where = (pred: (c: C) => boolean) => cells.filter(pred);

  const run = async (name: FlowStep['name'], stepCells: C[]): Promise<{ cell: C; judgement: Judgement }[]> => {
    const judgements = await evaluate(stepCells, profiles);
    const out = stepCells.map((cell) => ({ cell, judgement: judgements.get(cell.cell.id) ?? missing(cell.cell.id) }));
    for (const o of out) seen.push({ item: o.cell.cell.id, judgement: o.judgement });
    steps.push({ name, profiles, cells: out.map((o) => ({ id: o.cell.cell.id, pass: o.judgement.pass, reason: o.judgement.reason })), decision: '', kept: null });
    return out;
  };
  const decide = (decision: string, kept: string | null) => {
    // Not inside `onStep?.(…)`: an absent callback would skip evaluating its argument.
    const step = Object.assign(steps.at(-1)!, { decision, kept });
    options.onStep?.(step);
  };
  const stop = (name: FlowStep['name']): GuidedResult => {
    const near = closest(seen);
    decide(`no cell passes ${profiles.join(' + ')}; the flow stops here${near ? `. Closest: ${near.item} (${near.judgement.reason})` : ''}`, null);
    return { steps, pick: null, stoppedAt: name, closest: near ? { id: near.item, reason: near.judgement.reason } : null, soak: null };
  };

  // 1. Baseline: the highest-precision file (the largest), the fewest threads, the first context and priority.
  const t0 = fewestThreads;
  const { ctx: c0, priority: p0 } = options.first;
  const biggest = files.at(-1)!;
  const baselineCell = where((c) => fileKey(c.cell) === biggest.key && c.cell.threads === t0 && c.cell.ctx === c0 && c.cell.priority === p0)[0];
  if (!baselineCell) throw new Error(`no cell ${biggest.key} t${t0} c${c0} ${p0} in the plan for the baseline`);
  const [baseline] = await run('baseline', [baselineCell]);
  decide(
    baseline!.judgement.pass
      ? `the reference (highest precision ${biggest.quant}, ${t0} thread(s), c${c0}, ${p0}) meets every budget`
      : `the reference (highest precision ${biggest.quant}, ${t0} thread(s), c${c0}, ${p0}) misses budgets; the quantization sweep goes on, since a smaller file may pass`,
    baselineCell.cell.id,
  );

  // 2. Quantization sweep: every model file at the baseline's threads, context and priority; keep the smallest that passes.
  const quantCells = files.map((f) => where((c) => fileKey(c.cell) === f.key && c.cell.threads === t0 && c.cell.ctx === c0 && c.cell.priority === p0)[0]).filter((c): c is C => !!c);
  const quants = await run('quant sweep', quantCells);
  const cheapestFile = quants.find((q) => q.judgement.pass);
  if (!cheapestFile) return stop('quant sweep');
  const file = fileKey(cheapestFile.cell.cell);
  decide(`${file} is the smallest model file that passes${smallerFailing(quants, cheapestFile)}`, cheapestFile.cell.cell.id);

  // 3. Context sweep: that file at every context; keep the largest context that passes.
  const ctxCells = where((c) => fileKey(c.cell) === file && c.cell.threads === t0 && c.cell.priority === p0).sort((a, b) => a.cell.ctx - b.cell.ctx);
  const ctxs = await run('context sweep', ctxCells);
  const largest = ctxs.filter((c) => c.judgement.pass).at(-1);
  if (!largest) return stop('context sweep');
  const ctx = largest.cell.cell.ctx;
  const biggerFailing = ctxs.filter((c) => c.cell.cell.ctx > ctx);
  decide(`c${ctx} is the largest context that passes${biggerFailing.length ? ` (${biggerFailing.map((c) => `c${c.cell.cell.ctx}`).join(', ')} did not)` : ''}`, largest.cell.cell.id);

  // 4. Threads and priority: that file and context; keep the cheapest (fewest threads, then lowest priority) that passes.
  const cost = (a: C, b: C) => a.cell.threads - b.cell.threads || priorityRank(a.cell.priority) - priorityRank(b.cell.priority);
  const tpCells = where((c) => fileKey(c.cell) === file && c.cell.ctx === ctx).sort(cost);
  const tps = await run('threads and priority sweep', tpCells);
  const cheapest = tps.find((c) => c.judgement.pass);
  if (!cheapest) return stop('threads and priority sweep');
  const pick = cheapest.cell;
  decide(`${pick.cell.threads} thread(s) at ${pick.cell.priority} is the cheapest that passes${smallerFailing(tps, cheapest)}`, pick.cell.id);

  // 5. Pick: the cell that met every budget of the checked profiles (correctness and resources).
  steps.push({
    name: 'pick',
    profiles,
    cells: [{ id: pick.cell.id, pass: true, reason: cheapest.judgement.reason }],
    decision: `${pick.cell.id} meets every budget of ${profiles.join(', ')}: the smallest passing model file, its largest passing context, its fewest threads and lowest priority`,
    kept: pick.cell.id,
  });
  options.onStep?.(steps.at(-1)!);

  // 6. Soak: the stress profile on the pick.
  if (!options.soak) return { steps, pick: pick.cell.id, stoppedAt: null, closest: null, soak: null };
  const soaked = await options.soak(pick);
  const soak =
    'skipped' in soaked
      ? { id: pick.cell.id, pass: null, reason: soaked.skipped }
      : { id: pick.cell.id, pass: soaked.pass, reason: soaked.reason };
  steps.push({
    name: 'soak',
    profiles: ['stress'],
    cells: soak.pass === null ? [] : [{ id: pick.cell.id, pass: soak.pass, reason: soak.reason }],
    decision: soak.pass === null ? `not soaked: ${soak.reason}` : soak.pass ? `${pick.cell.id} holds up under the soak` : `${pick.cell.id} fails the soak: ${soak.reason}`,
    kept: soak.pass === false ? null : pick.cell.id,
  });
  options.onStep?.(steps.at(-1)!);
  return { steps, pick: pick.cell.id, stoppedAt: null, closest: null, soak };
}

function missing(id: string): Judgement {
  return { pass: false, reason: `no judgement for ${id}`, missed: 1, shortfall: 1 };
}

function smallerFailing<C extends FlowCell>(results: { cell: C; judgement: Judgement }[], kept: { cell: C }): string {
  const before = results.slice(0, results.findIndex((r) => r.cell === kept.cell));
  return before.length ? `; cheaper ones fail: ${before.map((r) => `${r.cell.cell.id} (${r.judgement.reason})`).join('; ')}` : '';
}
