// The spike-taming knob section: enrichReport computes it from the cells, the JSON keeps it (schema round trip),
// and the HTML shows the sentence and the comparisons with everything escaped.
import { describe, expect, test } from 'vitest';
import { configSchema } from '../../harness/config/schema.ts';
import type { Cell } from '../../harness/measurement/schema.ts';
import { enrichReport } from '../../harness/report/enrich.ts';
import { reportHtml } from '../../harness/report/html.ts';
import { runReportSchema, type CellReport, type RunReport } from '../../harness/report/model.ts';
import { runReport } from './report-fixtures.ts';

const CONFIG = configSchema.parse({
  models: [{ name: 'tiny', builtin: 'tiny' }],
  matrix: { models: ['tiny'], quants: ['Q4_K_M'], threads: [1, 2, 3], ctx: [1024], priority: ['nice10'], poll: [0, 50] },
  verdicts: { confidence: 0.9 },
});

function cellReport(threads: number, poll: number, cpu: number, profile = 'interactive'): CellReport {
  const id = `tiny Q4_K_M t${threads} c1024 nice10 poll${poll}`;
  const cell: Cell = { id, slug: id.replace(/\W+/g, '_'), model: 'tiny', quant: 'Q4_K_M', threads, ctx: 1024, priority: 'nice10', poll };
  return {
    profile,
    cell,
    state: 'completed',
    metrics: { cpu_p99_pct: { value: cpu, unit: '% of machine', status: 'ok' } },
    verdicts: [],
    counts: { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 },
    tests: [],
    sampleResponses: [],
  };
}

const report = (cells: CellReport[]): RunReport => runReport(cells);

describe('spike-taming knobs in the report', () => {
  const cells = [1, 2, 3].flatMap((t) => [cellReport(t, 0, 10 + t), cellReport(t, 50, 40 + 2 * t)]);

  test('enrichReport adds the effects at the configured level; the JSON keeps them; the HTML says which setting tames spikes', () => {
    const enriched = enrichReport(report(cells), CONFIG);
    expect(enriched.knobEffects!.level).toBe(0.9);
    expect(enriched.knobEffects!.method).toContain('Student-t interval of the mean log');
    const [effect] = enriched.knobEffects!.effects;
    expect(effect!.tamer).toBe('poll 0');
    expect(effect!.comparisons[0]!.ci!.level).toBe(0.9);
    const back = runReportSchema.parse(JSON.parse(JSON.stringify(enriched)));
    expect(back.knobEffects).toEqual(enriched.knobEffects);
    const html = reportHtml(enriched);
    expect(html).toContain('<h2>Spike-taming knobs</h2>');
    expect(html).toContain('On this machine poll 0 tames spikes in interactive');
    expect(html).toContain('90 % CI');
  });

  test('no knob varies: no section, no field', () => {
    const plain = enrichReport(report([cellReport(1, 0, 10), cellReport(2, 0, 12)]), CONFIG);
    expect(plain.knobEffects).toBeUndefined();
    expect(reportHtml(plain)).not.toContain('Spike-taming knobs');
  });

  test('hostile names from a scoreboard stay text', () => {
    const hostile = cells.map((c) => ({ ...c, profile: '<img src=x onerror=alert(1)>', cell: { ...c.cell, id: `${c.cell.id}<script>x</script>` } }));
    const html = reportHtml(enrichReport(report(hostile), CONFIG));
    const section = html.slice(html.indexOf('<section id="knob-effects">'), html.indexOf('</section>', html.indexOf('<section id="knob-effects">')));
    expect(section).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(section).not.toContain('<img');
    expect(section).not.toContain('<script>');
  });
});
