// The side-by-side comparison as data, and the parsing of its command line's lists: pure.

export interface PaneSpec {
  /** The label a person chose (`--aliases`), else model, quantization and temperature. */
  alias: string;
  model: string;
  /** Null: the first quantization the config's matrix has for the model. */
  quant: string | null;
  temperature: number;
}

export interface PaneAnswer {
  text: string;
  ok: boolean;
  error: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  decodeTps: number | null;
  /** Graded prompts only. */
  score: number | null;
  expected: string | null;
}

export interface ComparePrompt {
  id: string;
  text: string;
  graded: boolean;
}

export interface ComparisonData {
  createdAt: string;
  preset: string;
  cells: Record<string, string>;
  panes: (PaneSpec & { cellId: string | null; error: string | null })[];
  prompts: ComparePrompt[];
  /** answers[prompt index][pane index] */
  answers: (PaneAnswer | null)[][];
}

/** "tiny:Q4_K_M,small" → model and optional quantization each; problems name the item. */
export function parseModels(list: string): { models: { model: string; quant: string | null }[]; problems: string[] } {
  const problems: string[] = [];
  const models = list
    .split(',')
    .map((s) => s.trim())
    .filter((s, i) => (s === '' ? (problems.push(`item ${i + 1} is empty`), false) : true))
    .map((s) => {
      const [model, quant, ...rest] = s.split(':');
      if (rest.length > 0 || !/^[A-Za-z0-9._-]+$/.test(model!) || (quant !== undefined && !/^[A-Z0-9_]+$/.test(quant))) problems.push(`"${s}": expected MODEL or MODEL:QUANT, e.g. tiny:Q4_K_M`);
      return { model: model!, quant: quant ?? null };
    });
  if (models.length === 0 && problems.length === 0) problems.push('expected at least one model');
  return { models, problems };
}

/** "0,0.7" → temperatures in [0, 2]. */
export function parseTemps(list: string): { temps: number[]; problems: string[] } {
  const problems: string[] = [];
  const temps = list.split(',').map((s) => {
    const t = s.trim() === '' ? NaN : Number(s);
    if (!(Number.isFinite(t) && t >= 0 && t <= 2)) problems.push(`"${s}": expected a temperature from 0 to 2`);
    return t;
  });
  return { temps, problems };
}

/** Panes: every model at every temperature, in that order; aliases (if given) name them in the same order. */
export function panesOf(models: readonly { model: string; quant: string | null }[], temps: readonly number[], aliases: readonly string[] | null): { panes: PaneSpec[]; problems: string[] } {
  const panes = models.flatMap((m) => temps.map((temperature) => ({ ...m, temperature, alias: `${m.model}${m.quant ? ` ${m.quant}` : ''} T${temperature}` })));
  const problems: string[] = [];
  if (aliases) {
    if (aliases.length !== panes.length) problems.push(`got ${aliases.length} alias(es) for ${panes.length} pane(s) (${panes.map((p) => p.alias).join(', ')}); expected one per pane, in that order`);
    else aliases.forEach((a, i) => (panes[i]!.alias = a));
    if (new Set(aliases).size !== aliases.length) problems.push('expected each alias once');
  }
  return { panes, problems };
}
