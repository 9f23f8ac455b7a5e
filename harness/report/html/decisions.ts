import { verdictLabel } from '../../budgets/budget.ts';
import { formatFixed } from '../../units.ts';
import { metEveryBudget, standings, type CellReport, type RunReport } from '../model.ts';
import { escapeHtml, label, levelPrefix, SYMBOL } from './common.ts';

/**
 * The first thing on the page: which configurations met every budget, or which came closest and why not. A cell
 * with an inconclusive or skipped budget has not met it: it is listed apart, with what is unresolved.
 */
export function answer(cells: CellReport[]): string {
  const ranked = standings(cells);
  const clean = metEveryBudget(ranked);
  const unresolvedOnly = ranked.filter((s) => s.measured && !s.errored && s.missed.length === 0 && s.unresolved.length > 0);
  const SHOWN = 3;
  const list = (items: { profile: string; verdict: CellReport['verdicts'][number] }[], say: (v: CellReport['verdicts'][number]) => string) =>
    items.slice(0, SHOWN).map((m) => `${m.profile}: ${verdictLabel(m.verdict)} ${say(m.verdict)}`).join('; ') + (items.length > SHOWN ? `; and ${items.length - SHOWN} more` : '');
  const unresolvedNote = unresolvedOnly.length
    ? `<p class="provisional"><b>${unresolvedOnly.length} more configuration${unresolvedOnly.length === 1 ? '' : 's'} missed nothing but ${unresolvedOnly.length === 1 ? 'is' : 'are'} not known to meet every budget</b> (inconclusive or not measurable here):<ul>${unresolvedOnly
        .slice(0, SHOWN)
        .map((s) => `<li>${escapeHtml(s.cellId)}: ${escapeHtml(list(s.unresolved, (v) => v.status + (v.value !== null ? ` at ${formatFixed(v.value)}` : '')))}</li>`)
        .join('')}</ul></p>`
    : '';
  if (clean.length > 0) {
    return `<div class="answer"><b>${clean.length} configuration${clean.length === 1 ? '' : 's'} met every budget in every profile:</b><ul>${clean
      .map((s) => `<li>${escapeHtml(s.cellId)}</li>`)
      .join('')}</ul>${unresolvedNote}</div>`;
  }
  const items = ranked
    .filter((s) => s.measured && !s.errored && s.missed.length > 0)
    .slice(0, 3)
    .map((s) => {
      const why = list(s.missed, (v) => `${formatFixed(v.value)}${v.unit === 'score' ? '' : ` ${v.unit}`} (limit ${SYMBOL[v.op]} ${v.limit})`);
      return `<li><b>${escapeHtml(s.cellId)}</b> missed ${s.missed.length}: ${escapeHtml(why)}</li>`;
    });
  return `<div class="answer none"><b>No configuration met every budget.</b>${unresolvedNote}${items.length ? ` Closest${unresolvedNote ? ' among those that missed some' : ''}:<ul>${items.join('')}</ul>` : ''}</div>`;
}

/** A card per use case: the pick and its runner-up with the evidence, or why there is none. */
export function recommendationCards(report: RunReport): string {
  const recs = report.decisions?.recommendations ?? [];
  if (recs.length === 0) return '';
  const cards = recs.map((r) => {
    const status = r.status === 'recommended' ? 'pass' : r.status === 'provisional' ? 'provisional' : r.status === 'none-passed' ? 'fail' : 'skipped';
    const provisional = r.status === 'provisional' ? '<div class="small"><b>provisional:</b> no configuration met every budget outright; this one missed none but some are unresolved</div>' : '';
    const pick = r.cellId ? `<div class="pick">${escapeHtml(r.cellId)}</div>${provisional}` : `<div class="pick none">${r.status === 'not-measured' ? 'not measured' : 'none qualifies'}</div>`;
    const runner = r.runnerUp ? `<div class="small">runner-up: ${escapeHtml(r.runnerUp)}</div>` : '';
    const reasons = r.reasons.slice(0, 8).map((x) => `<li>${escapeHtml(x)}</li>`).join('');
    const ruled = r.ruledOut.length
      ? `<details><summary>${r.ruledOut.length} ruled out</summary><ul>${r.ruledOut.map((x) => `<li>${escapeHtml(x.cellId)}: ${escapeHtml(x.because)}</li>`).join('')}</ul></details>`
      : '';
    return `<div class="card ${status}"><h4>${escapeHtml(r.title)}</h4>${pick}${runner}<ul class="reasons">${reasons}</ul>${ruled}</div>`;
  });
  return `<section><h2>Recommendations</h2><div class="cards">${cards.join('')}</div></section>`;
}

export function scoresTable(report: RunReport): string {
  const d = report.decisions;
  if (!d || d.scores.every((s) => s.efficiency === null && s.costBenefit === null)) return '';
  const rows = d.scores
    .map(
      (s) =>
        `<tr><td class="id">${escapeHtml(s.cellId)}</td><td class="num" data-v="${s.efficiency ?? ''}">${escapeHtml(formatFixed(s.efficiency))}</td>` +
        `<td class="num" data-v="${s.costBenefit ?? ''}">${escapeHtml(formatFixed(s.costBenefit))}</td></tr>`,
    )
    .join('');
  return (
    `<h3>Efficiency and cost-benefit</h3><p class="note">Efficiency = ${escapeHtml(d.formulas.efficiency ?? '')}. ` +
    `Cost-benefit = ${escapeHtml(d.formulas.costBenefit ?? '')}.</p>` +
    `<table class="sortable"><thead><tr><th>cell</th><th>efficiency</th><th>cost-benefit (0–100)</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

/** One row per model × context × quantization, one column per category: Δ points against the baseline. */
export function degradationSection(report: RunReport): string {
  const q = report.quality;
  if (!q) return '';
  const title = '<h3>Quality versus the baseline quantization</h3>';
  if (q.degradation.length === 0) return `${title}<p class="note">Only one quantization per model was graded, so there is nothing to compare.</p>`;
  const metrics = [...new Set(q.degradation.map((r) => r.metric))].sort();
  const groups = new Map<string, typeof q.degradation>();
  for (const r of q.degradation) {
    const key = `${r.model} c${r.ctx} ${r.quant}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows = [...groups.values()].map((rs) => {
    const first = rs[0]!;
    const tds = metrics.map((m) => {
      const r = rs.find((x) => x.metric === m);
      if (!r) return '<td class="num">—</td>';
      const title = `${formatFixed(r.score)} vs ${formatFixed(r.baselineScore)} on ${r.baselineQuant}`;
      return `<td class="num ${r.flagged ? 'fail' : 'pass'}" title="${escapeHtml(title)}">${r.deltaPoints > 0 ? '+' : ''}${escapeHtml(r.deltaPoints.toFixed(1))}</td>`;
    });
    return `<tr><td class="id">${escapeHtml(`${first.model} c${first.ctx}`)}</td><td>${escapeHtml(first.quant)} <small>vs ${escapeHtml(first.baselineQuant)}</small></td>${tds.join('')}</tr>`;
  });
  return (
    `${title}<p class="note">Score change in points (of 100) against each model's highest-precision quantization in this run; ` +
    `a drop of more than ${q.thresholdPoints} points is red. Hover for the scores.</p>` +
    `<table><tr><th>model</th><th>quantization</th>${metrics.map((m) => `<th>${label('quality', m)}</th>`).join('')}</tr>${rows.join('')}</table>`
  );
}

/** Per cell and figure against the baseline run; red where a change is a regression beyond this run's interval. */
export function comparisonSection(report: RunReport): string {
  const c = report.comparison;
  if (!c) return '';
  const changed = c.rows.filter((r) => r.regression || r.improvement);
  const rows = c.rows
    .map((r) => {
      const cls = r.regression ? 'fail' : r.improvement ? 'pass' : '';
      const delta = r.deltaPct === null ? '—' : `${r.deltaPct > 0 ? '+' : ''}${r.deltaPct.toFixed(1)} %`;
      return (
        `<tr><td class="id">${escapeHtml(r.cellId)}</td><td>${escapeHtml(r.profile)}</td><td>${label(r.profile, r.metric)}</td>` +
        `<td class="num">${escapeHtml(formatFixed(r.before))}</td><td class="num">${escapeHtml(formatFixed(r.after))}</td>` +
        `<td class="num ${cls}" data-v="${r.deltaPct ?? ''}">${escapeHtml(delta)}</td><td>${r.regression ? 'regression' : r.improvement ? 'improvement' : 'within noise'}</td></tr>`
      );
    })
    .join('');
  return (
    `<section><h2>Compared with run ${escapeHtml(c.baselineRunId)}</h2><p class="note">${c.rows.filter((r) => r.regression).length} regression(s) and ` +
    `${changed.length - c.rows.filter((r) => r.regression).length} improvement(s) beyond this run's ${escapeHtml(levelPrefix(report.cells.flatMap((x) => x.verdicts)))}intervals; changes without an interval are shown but not judged.` +
    `${c.unmatched.length ? ` Not in the baseline: ${escapeHtml(c.unmatched.join('; '))}.` : ''}</p>` +
    `<table class="sortable"><thead><tr><th>cell</th><th>profile</th><th>figure</th><th>before</th><th>after</th><th>change</th><th>judgement</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}
