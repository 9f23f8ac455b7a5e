// Runs the side-by-side comparison: for each pane's model file, a llama-server of the plan's cell for it; the same
// prompts (free ones and graded goldens) through the same middleware preset, at each pane's temperature.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Plan } from '../plan.ts';
import { middlewarePresets } from '../middleware/config.ts';
import { resolveMiddleware } from '../middleware/resolve.ts';
import { chatWithMiddleware } from '../middleware/send.ts';
import { dataFile, loadPrompts } from '../profiles/prompts.ts';
import { promptText } from '../profiles/quality/goldens.ts';
import { chatMessages, loadGoldenSet, type GoldenItem } from '../scoring/goldens.ts';
import { grade } from '../scoring/graders.ts';
import { createBackend } from '../server/create.ts';
import type { ComparePrompt, ComparisonData, PaneAnswer, PaneSpec } from './model.ts';

export interface CompareOptions {
  panes: PaneSpec[];
  preset: string;
  prompts: number;
  graded: number;
  gradedSet: string;
  maxTokens: number;
  log: (line: string) => void;
}

/** The plan's first runnable cell for a pane's model (and quantization, when given); null with the reason. */
export function cellFor(plan: Plan, pane: Pick<PaneSpec, 'model' | 'quant'>): { planned: Plan['cells'][number] } | { error: string } {
  const mine = plan.cells.filter((c) => c.cell.model === pane.model && (pane.quant === null || c.cell.quant === pane.quant));
  const runnable = mine.filter((c) => c.model.path !== '' || plan.target?.kind !== 'local-llama');
  if (runnable.length > 0) return { planned: runnable[0]! };
  const offered = [...new Set(plan.cells.map((c) => `${c.cell.model}:${c.cell.quant}`))].join(', ');
  return { error: mine.length > 0 ? `${pane.model}${pane.quant ? `:${pane.quant}` : ''} is not run in this planner mode (planner.${plan.config.planner.mode}_quants)` : `no cell of the matrix is ${pane.model}${pane.quant ? `:${pane.quant}` : ''}; the matrix has ${offered}` };
}

/** Known presets, for the command line's check. */
export const presetNames = (plan: Pick<Plan, 'config'>) => Object.keys(middlewarePresets(plan.config.middleware));

export async function runComparison(plan: Plan, o: CompareOptions): Promise<ComparisonData> {
  const free = loadPrompts(dataFile(plan.configFile, plan.config.profiles.interactive.prompts)).slice(0, o.prompts);
  const goldens: GoldenItem[] = o.graded > 0 ? loadGoldenSet(path.join(dataFile(plan.configFile, plan.config.profiles.quality.goldens), `${o.gradedSet}.jsonl`)).slice(0, o.graded) : [];
  const items = [
    ...free.map((p) => ({ id: p.id, messages: [{ role: 'user', content: p.prompt }], golden: null as GoldenItem | null })),
    ...goldens.map((g) => ({ id: g.id, messages: chatMessages(g), golden: g })),
  ];
  const prompts: ComparePrompt[] = items.map((it) => ({ id: it.id, text: it.messages.map((m) => m.content).join('\n'), graded: it.golden !== null }));
  const mw = resolveMiddleware(plan.configFile, plan.config.middleware, o.preset);
  const answers: (PaneAnswer | null)[][] = items.map(() => o.panes.map(() => null));
  const panes: ComparisonData['panes'] = o.panes.map((p) => ({ ...p, cellId: null, error: null }));
  mkdirSync(path.join(plan.runDir, 'compare'), { recursive: true });
  // One server per model file, serving every temperature of it.
  const byFile = new Map<string, number[]>();
  o.panes.forEach((p, i) => {
    const key = `${p.model}:${p.quant ?? ''}`;
    byFile.set(key, [...(byFile.get(key) ?? []), i]);
  });
  for (const indices of byFile.values()) {
    const first = o.panes[indices[0]!]!;
    const found = cellFor(plan, first);
    if ('error' in found) {
      for (const i of indices) panes[i]!.error = found.error;
      continue;
    }
    const { planned } = found;
    for (const i of indices) (panes[i]!.cellId = planned.cell.id), (panes[i]!.quant = planned.cell.quant);
    const backend = createBackend(plan, planned, { logFile: path.join(plan.runDir, 'compare', `${planned.cell.slug}.server.log`), overrides: {} });
    try {
      const server = await backend.start();
      o.log(`${planned.cell.id}: ${backend.describeReady()}`);
      for (const i of indices) {
        const pane = o.panes[i]!;
        for (const [k, it] of items.entries()) {
          const call = await chatWithMiddleware(server.baseUrl, it.messages, mw, { maxTokens: it.golden ? Math.max(it.golden.max_tokens, o.maxTokens) : o.maxTokens, seed: plan.config.llama.seed, temperature: pane.temperature, timeoutMs: 120_000 }, plan.config.middleware.include_thinking);
          const a = call.answer;
          const g = a.ok && it.golden ? grade(it.golden.grader, a.text, it.golden.reference, { prompt: promptText(it.golden) }) : null;
          answers[k]![i] = {
            text: a.text,
            ok: a.ok,
            error: a.error,
            promptTokens: a.promptTokens ?? a.timings?.prompt_n ?? null,
            completionTokens: a.completionTokens ?? a.timings?.predicted_n ?? null,
            decodeTps: a.timings?.predicted_per_second ?? null,
            score: g?.score ?? null,
            expected: it.golden ? (typeof it.golden.reference === 'string' ? it.golden.reference : JSON.stringify(it.golden.reference)) : null,
          };
        }
        o.log(`${pane.alias}: ${items.length} prompt(s) answered`);
      }
    } catch (e) {
      for (const i of indices) panes[i]!.error = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    } finally {
      await backend.stop();
    }
  }
  return { createdAt: new Date().toISOString(), preset: o.preset, cells: Object.fromEntries(panes.filter((p) => p.cellId).map((p) => [p.alias, p.cellId!])), panes, prompts, answers };
}
