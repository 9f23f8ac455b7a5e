// The trend as a terminal table, CSV (one row per point) and a self-contained HTML page with one chart per series.
import { escapeHtml } from '../report/escape.ts';
import { lineChart } from '../report/svg.ts';
import { formatFixed } from '../units.ts';
import type { TrendSeries } from './query.ts';

const driftOf = (s: TrendSeries, runId: string) => s.drift.drifts.find((d) => d.runId === runId);
const driftWord = (d: NonNullable<ReturnType<typeof driftOf>>) => `DRIFT ${d.direction}${d.worse === null ? '' : d.worse ? ' (worse)' : ' (better)'}`;

export function historyTable(series: readonly TrendSeries[]): string {
  const out: string[] = [];
  const idWidth = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.runId.length)));
  for (const s of series) {
    const band = s.drift.band
      ? `band of the first ${s.drift.baselineRuns} run(s): ${formatFixed(s.drift.band.low)}–${formatFixed(s.drift.band.high)}`
      : s.drift.baselineRuns === 1
        ? 'no drift judged: the first run has no interval (two runs make a band)'
        : 'too few runs for a band';
    out.push(`\n${s.profile} · ${s.cellId} · ${s.metric} (${s.unit}); ${band}${s.drift.drifts.length ? `; ${s.drift.drifts.length} drift(s)` : ''}`);
    for (const p of s.points) {
      const interval = p.ciLow !== null && p.ciHigh !== null ? ` [${formatFixed(p.ciLow)}, ${formatFixed(p.ciHigh)}]` : '';
      const figure = p.status === 'ok' && p.value !== null ? `${formatFixed(p.value)}${interval}` : p.status;
      const d = driftOf(s, p.runId);
      out.push(`  ${p.runId.padEnd(idWidth)}  ${p.createdAt.slice(0, 19).replace('T', ' ')}  ${d ? `${figure.padEnd(28)}  ${driftWord(d)}` : figure}`);
    }
  }
  return out.join('\n');
}

const csvField = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading = + - @ would be a formula in a spreadsheet: quote it with a leading apostrophe, as OWASP advises.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function historyCsv(series: readonly TrendSeries[]): string {
  const header = ['run_id', 'created_at', 'host', 'profile', 'cell', 'metric', 'unit', 'value', 'ci_low', 'ci_high', 'status', 'drift'];
  const rows = series.flatMap((s) =>
    s.points.map((p) => {
      const d = driftOf(s, p.runId);
      return [p.runId, p.createdAt, p.host, s.profile, s.cellId, s.metric, s.unit, p.value, p.ciLow, p.ciHigh, p.status, d ? `${d.direction}${d.worse === null ? '' : d.worse ? ' worse' : ' better'}` : ''];
    }),
  );
  return `${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}

export function historyHtml(series: readonly TrendSeries[]): string {
  const sections = series.map((s) => {
    const value = { label: `${s.metric} per run`, points: s.points.flatMap((p, i) => (p.status === 'ok' && p.value !== null ? [{ x: i + 1, y: p.value }] : [])) };
    const band = s.drift.band;
    const lines = band
      ? [
          { label: 'band low', points: s.points.map((_, i) => ({ x: i + 1, y: band.low })) },
          { label: 'band high', points: s.points.map((_, i) => ({ x: i + 1, y: band.high })) },
        ]
      : [];
    const runs = s.points.map((p, i) => `<li>${i + 1}: ${escapeHtml(p.runId)} <small>${escapeHtml(p.host)}</small>${driftOf(s, p.runId) ? ` <b>${escapeHtml(driftWord(driftOf(s, p.runId)!))}</b>` : ''}</li>`).join('');
    return `<section><h2>${escapeHtml(`${s.profile} · ${s.cellId} · ${s.metric}`)}</h2>${lineChart({ series: [value, ...lines], xLabel: 'run', yLabel: `${s.metric} (${s.unit})` })}<ol class="runs">${runs}</ol></section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>llm-budget-bench history</title><style>body{font:14px system-ui,sans-serif;margin:2em}ol.runs{font-size:12px;color:#444}</style></head><body>
<h1>Run history</h1>
<p>One chart per cell and metric, run by run. The band is the union of the first runs' intervals (min(3, runs − 1) runs); a later figure outside it is flagged as drift.</p>
${sections.join('\n') || '<p>No series match.</p>'}
</body></html>
`;
}
