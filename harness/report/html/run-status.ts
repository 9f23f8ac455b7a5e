import type { RunReport } from '../model.ts';
import { escapeHtml } from './common.ts';

/**
 * The banner under the title: nothing for a finished run; for a partial one, why it ended; for an interrupted one,
 * the cells × profiles it did not get to and how to continue it.
 */
export function runStatus(report: RunReport): string {
  const reused = report.cells.filter((c) => c.reused).length;
  const resumed = reused
    ? `<p class="note">${reused} cell × profile result(s) were measured by an earlier invocation of this run and reused by <code>--resume</code> (same cell, settings, model file and llama.cpp build).</p>`
    : '';
  const notes = (report.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return interruption(report) + resumed + notes;
}

function interruption(report: RunReport): string {
  if (!report.partial && !report.interrupted) return '';
  const notRun = report.notRun ?? [];
  if (!report.interrupted) return `<p class="error">Partial report: ${escapeHtml(report.endReason)}</p>`;
  const list = notRun.length
    ? `<ul class="not-run">${notRun.map((n) => `<li>${escapeHtml(n.cell)} <small>(${escapeHtml(n.profile)})</small></li>`).join('')}</ul>`
    : '';
  return (
    `<section class="interrupted error"><p><b>This run was interrupted</b> (${escapeHtml(report.endReason)}): ` +
    `${notRun.length} cell × profile result(s) not run${notRun.length ? ':' : '.'}</p>${list}` +
    `<p class="note">Continue it with <code>npm run bench -- --resume ${escapeHtml(report.runId)}</code> and the same config: completed cells are reused.</p></section>`
  );
}
