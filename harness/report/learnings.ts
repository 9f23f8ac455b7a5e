/**
 * The experiment log (results/LEARNINGS.md): one entry per run with what was tried, what missed and by how much,
 * the closest configuration, anomalies, and the next step the guided flow would take from here. Pure: it renders
 * a RunReport to markdown. Everything from a config, a scoreboard or a server (names, errors) is untrusted text and
 * goes through escapeMarkdown; model output is never copied at all.
 */
import { formatFixed } from '../units.ts';
import { metEveryBudget, standings, type CellReport, type RunReport } from './model.ts';

/** Marks an entry's run, so a later invocation of the same run (resume, a flow's next step) replaces it. */
export const ENTRY_MARK = (runId: string) => `<!-- llm-budget-bench run ${runId.replace(/[^0-9A-Za-z-]/g, '')} -->`;
export const LEARNINGS_HEADER = '# Experiment log\n\nOne entry per run of llm-budget-bench, newest last (written by the run; edit freely between entries).\n';

const MAX_TEXT = 240;
const MAX_LIST = 12;

/**
 * Text that stays text in markdown: control characters, line breaks and bidi overrides become spaces (so nothing can
 * start a heading, a list, a quote or a table row: every entry line begins with the log's own prefix), the
 * characters that open inline markup (emphasis, code, links, images, HTML, entities, strikethrough, math, tables) are
 * backslash-escaped, bare URLs are broken so no autolink forms, and long text is cut. Underscores inside a word
 * (Q4_K_M) open no emphasis and stay as they are, so the raw file reads well.
 */
export function escapeMarkdown(value: unknown, max = MAX_TEXT): string {
  let s = String(value ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  return s
    .replace(/[\\`*[\]|<>~&$]/g, '\\$&')
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/@/g, '\\@');
}

/** A command or id in a code span when it can be one; escaped text otherwise (a backtick could end the span). */
function code(s: string): string {
  return /^[^`\r\n\u0000-\u001f]{1,200}$/.test(s) ? `\`${s}\`` : escapeMarkdown(s);
}

const where = (c: CellReport) => `${escapeMarkdown(c.profile)} · ${escapeMarkdown(c.cell.id)}`;

function list(items: string[], more: string): string[] {
  return items.length > MAX_LIST ? [...items.slice(0, MAX_LIST), `… and ${items.length - MAX_LIST} more ${more}`] : items;
}

function tried(report: RunReport): string {
  const cells = report.cells.filter((c) => c.state !== 'not-run');
  const distinct = <T>(f: (c: CellReport) => T | undefined) => [...new Set(cells.map(f).filter((v): v is T => v !== undefined && v !== ''))];
  const files = distinct((c) => (c.cell.model ? `${c.cell.model} ${c.cell.quant}` : undefined)).sort();
  const axes = [
    ['threads', distinct((c) => c.cell.threads || undefined)],
    ['ctx', distinct((c) => c.cell.ctx || undefined)],
    ['priority', distinct((c) => c.cell.priority)],
    ['poll', distinct((c) => c.cell.poll)],
    ['batch_size', distinct((c) => c.cell.batch_size)],
    ['ubatch_size', distinct((c) => c.cell.ubatch_size)],
    ['threads_batch', distinct((c) => c.cell.threads_batch)],
    ['mlock', distinct((c) => c.cell.mlock)],
    ['mmap', distinct((c) => c.cell.mmap)],
    ['flash_attn', distinct((c) => c.cell.flash_attn)],
    ['affinity', distinct((c) => c.cell.affinity)],
    ['middleware', distinct((c) => c.cell.middleware)],
  ] as const;
  const settings = axes.filter(([, v]) => v.length > 0).map(([k, v]) => `${k} ${v.map((x) => escapeMarkdown(x)).join(', ')}`);
  const profiles = distinct((c) => c.profile).sort().map((p) => escapeMarkdown(p));
  return `${files.map((f) => escapeMarkdown(f)).join(', ') || 'none'}; ${settings.join('; ') || 'no settings recorded'}; profiles ${profiles.join(', ') || 'none'}`;
}

function missed(report: RunReport): string[] {
  const out: string[] = [];
  for (const c of report.cells) {
    for (const v of c.verdicts) {
      if (v.status !== 'fail' && v.status !== 'error') continue;
      const what = `${v.label}${v.aggregation ? ` ${v.aggregation}` : ''}`;
      const figure = v.value === null ? `not measured${v.reason ? ` (${v.reason})` : ''}` : `${formatFixed(v.value)} ${v.unit}`;
      out.push(`${where(c)}: ${escapeMarkdown(what)} ${escapeMarkdown(figure)}, budget ${escapeMarkdown(v.source)}`);
    }
  }
  return list(out, 'budget(s) missed (see the scoreboard)');
}

function anomalies(report: RunReport): string[] {
  const out: string[] = [];
  if (report.interrupted || report.partial) out.push(`the run did not finish: ${escapeMarkdown(report.endReason)}${report.notRun?.length ? ` (${report.notRun.length} cell × profile result(s) not run)` : ''}`);
  const flag = (c: CellReport, name: string) => {
    const m = c.metrics[name];
    return m?.status === 'ok' && m.value !== null && m.value > 0 ? m.value : null;
  };
  for (const c of report.cells) {
    if (c.state === 'errored') out.push(`${where(c)} errored (a server that died, or a failed measurement): ${escapeMarkdown(c.error ?? 'no error recorded')}`);
    if (flag(c, 'throttled') !== null) out.push(`${where(c)}: throttling detected`);
    if (flag(c, 'aborted') !== null) out.push(`${where(c)}: the soak was aborted`);
    const failed = flag(c, 'requests_failed');
    if (failed !== null) out.push(`${where(c)}: ${formatFixed(failed)} failed request(s)`);
  }
  return list(out, 'anomalies');
}

/** The guided flow's next step from where this run left off (harness/flow/guided.ts: baseline → sweeps → pick → soak). */
export function nextStep(report: RunReport): string {
  const ranked = standings(report.cells);
  const met = metEveryBudget(ranked);
  if (report.partial && (report.notRun?.length ?? 0) > 0) return `finish this run: ${code(`npm run bench -- --resume ${report.runId}`)}`;
  if (!ranked.some((s) => s.measured && !s.errored)) return 'nothing was measured: fix what errored (each cell’s server log), then rerun';
  if (met.length === 0) {
    return `no configuration met every budget: let the guided flow sweep quantization, then context, then threads and priority from the highest-precision file (${code('npm run bench -- --flow guided')}); if its smallest quantization still misses, these budgets are beyond this machine for these models`;
  }
  const pick = met[0]!.cellId;
  const soaked = report.cells.filter((c) => c.profile === 'stress' && c.cell.id === pick && c.state === 'completed');
  if (soaked.length === 0) return `soak the pick, the guided flow's last step: ${code(`npm run bench -- --profile stress -t '${pick}'`)}`;
  if (soaked.every((c) => c.counts.fail === 0 && c.counts.error === 0)) return `the pick passed its soak: run it (${code(`npm run serve -- --from-run ${report.runId}`)})`;
  return `the pick failed its soak: try the next configuration that met every budget${met.length > 1 ? ` (${escapeMarkdown(met[1]!.cellId)})` : ''}, or the guided flow (${code('npm run bench -- --flow guided')})`;
}

function closest(report: RunReport): string {
  const ranked = standings(report.cells).filter((s) => s.measured && !s.errored);
  const met = metEveryBudget(ranked);
  if (met.length > 0) return `${escapeMarkdown(met[0]!.cellId)} met every budget${met.length > 1 ? ` (${met.length} configurations did)` : ''}`;
  const best = ranked[0];
  if (!best) return 'none (every configuration errored, was skipped or was not run)';
  const parts = [best.missed.length ? `missed ${best.missed.length} budget(s)` : '', best.unresolved.length ? `${best.unresolved.length} unresolved` : ''].filter(Boolean);
  return `${escapeMarkdown(best.cellId)} (${parts.join(', ')})`;
}

/** One run's entry, starting with its mark and ending with a blank line. */
export function learningsEntry(report: RunReport): string {
  const when = report.finishedAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  const status = report.partial ? `partial: ${escapeMarkdown(report.endReason)}` : 'finished';
  const ranked = standings(report.cells);
  const measured = ranked.filter((s) => s.measured && !s.errored);
  const miss = missed(report);
  const odd = anomalies(report);
  const knobs = (report.knobEffects?.effects ?? []).map((e) => escapeMarkdown(e.conclusion, 400));
  const lines = [
    ENTRY_MARK(report.runId),
    `## ${escapeMarkdown(when)} · run ${escapeMarkdown(report.runId)} (${status})`,
    '',
    `- **Tried:** ${tried(report)}`,
    `- **Configurations:** ${measured.length} measured, ${metEveryBudget(ranked).length} met every budget, ${measured.filter((s) => s.missed.length > 0).length} missed some, ${ranked.filter((s) => s.errored).length} errored`,
    `- **Budgets missed:**${miss.length ? '' : ' none'}`,
    ...miss.map((m) => `  - ${m}`),
    `- **Closest configuration:** ${closest(report)}`,
    `- **Anomalies:**${odd.length ? '' : ' none seen'}`,
    ...odd.map((a) => `  - ${a}`),
    ...(knobs.length ? ['- **Knobs:**', ...knobs.map((k) => `  - ${k}`)] : []),
    `- **Next step:** ${nextStep(report)}`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The log with this run's entry: appended, or in place of the entry an earlier invocation of the same run wrote
 * (a resumed run, the guided flow's next Vitest run), so each run has one entry with its latest findings.
 */
export function withEntry(existing: string | null, report: RunReport): string {
  const entry = learningsEntry(report);
  const base = existing && existing.trim() !== '' ? existing : LEARNINGS_HEADER;
  const mark = ENTRY_MARK(report.runId);
  const start = base.indexOf(mark);
  if (start >= 0) {
    const next = base.indexOf('<!-- llm-budget-bench run ', start + mark.length);
    return `${base.slice(0, start)}${entry}${next >= 0 ? base.slice(next) : ''}`;
  }
  return `${base.endsWith('\n\n') ? base : base.endsWith('\n') ? `${base}\n` : `${base}\n\n`}${entry}`;
}
