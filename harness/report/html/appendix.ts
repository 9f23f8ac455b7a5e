import { stringify } from 'yaml';
import { sortCells, type CellReport } from '../model.ts';
import { escapeHtml } from './common.ts';

/** A cell's server log as the report shows it: whole, cut to its head and tail, or why it is absent. */
export type ServerLogExcerpt = { text: string; totalBytes: number; omittedBytes: number } | { missing: string };

export interface AppendixData {
  /** The configuration the run used (plan.json's resolved config), or why it could not be read. */
  config: unknown;
  configMissing?: string;
  /** Per cell (`<slug>/<profile>`). */
  logs: ReadonlyMap<string, ServerLogExcerpt>;
}

const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;

/**
 * The log a cell's appendix shows: a launched llama-server's stderr (llama.cpp writes all but plain LOG() output
 * there), else the note a server started elsewhere left, else its stdout.
 */
export function appendixLogFile(files: Record<string, string> | undefined): string | undefined {
  return files?.serverStderr ?? files?.serverLog ?? files?.serverStdout;
}

function logBlock(c: CellReport, log: ServerLogExcerpt | undefined): string {
  const file = appendixLogFile(c.measurement?.files);
  const title = `<summary>${escapeHtml(c.cell.id)} · ${escapeHtml(c.profile)}</summary>`;
  if (!log) return `<details>${title}<p class="note">No server log: ${c.measurement ? 'the cell recorded none' : 'the cell was not measured'}.</p></details>`;
  if ('missing' in log) return `<details>${title}<p class="note">Server log not shown: ${escapeHtml(log.missing)}.</p></details>`;
  const note =
    log.omittedBytes > 0
      ? `<p class="note">Cut to its first and last lines: ${kib(log.omittedBytes)} of ${kib(log.totalBytes)} left out here; the whole log is ${escapeHtml(file ?? 'server.log')}.</p>`
      : '';
  return `<details>${title}${note}<pre>${escapeHtml(log.text)}</pre></details>`;
}

/** The metrics of every cell as the scoreboard stores them (value, unit, status, reason, stats, interval). */
function metricDump(cells: readonly CellReport[]): string {
  const dump = cells.map((c) => ({ cell: c.cell.id, profile: c.profile, state: c.state, metrics: c.metrics }));
  return JSON.stringify(dump, null, 2);
}

/**
 * The appendices, each collapsed: the configuration the run used, every cell's server log (escaped: it quotes
 * model output and prompts), and the raw metrics. Pure: the caller read the files.
 */
export function appendixSection(cells: readonly CellReport[], data: AppendixData): string {
  const sorted = sortCells([...cells]);
  const config =
    data.config === undefined || data.config === null
      ? `<p class="note">Configuration not shown: ${escapeHtml(data.configMissing ?? 'the run left no plan.json')}.</p>`
      : `<pre class="appendix">${escapeHtml(stringify(data.config))}</pre>`;
  return (
    `<section id="appendices"><h2>Appendices</h2>` +
    `<details class="appendix" id="appendix-config"><summary>A. Configuration used (defaults filled in)</summary>${config}</details>` +
    `<details class="appendix" id="appendix-logs"><summary>B. Server logs (${sorted.length} cell × profile)</summary>` +
    sorted.map((c) => logBlock(c, data.logs.get(`${c.cell.slug}/${c.profile}`))).join('') +
    `</details>` +
    `<details class="appendix" id="appendix-metrics"><summary>C. Raw metrics (as scoreboard.json stores them)</summary><pre class="appendix">${escapeHtml(metricDump(sorted))}</pre></details>` +
    `</section>`
  );
}


