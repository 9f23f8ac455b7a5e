// The experiment log's renderer: what a run tried, missed (with figures), came closest with, what went wrong, and
// the guided flow's next step; every name and error from outside stays text when the markdown is rendered.
import { mkdtempSync, mkdirSync, readFileSync, utimesSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { describe, expect, test } from 'vitest';
import { appendLearnings, learningsFile, readLearnings } from '../../harness/history/learnings-file.ts';
import type { Cell, Metric, Verdict } from '../../harness/measurement/schema.ts';
import { ENTRY_MARK, LEARNINGS_HEADER, escapeMarkdown, learningsEntry, nextStep, withEntry } from '../../harness/report/learnings.ts';
import type { CellReport, RunReport } from '../../harness/report/model.ts';
import { runReport } from './report-fixtures.ts';

// GitHub-like rendering: raw HTML off as GitHub sanitises it anyway, but linkify and typographer on, so a bare URL
// or an e-mail address in an error would become a link if the escape let it.
const md = new MarkdownIt({ html: true, linkify: true, typographer: true });

function makeCell(threads: number, id = `tiny Q4_K_M t${threads} c1024 nice10`, model = 'tiny'): Cell {
  return { id, slug: id.replace(/\W+/g, '_'), model, quant: 'Q4_K_M', threads, ctx: 1024, priority: 'nice10' };
}

function verdict(metric: string, label: string, value: number | null, limit: number, status: Verdict['status'], aggregation?: string): Verdict {
  return { metric, label, ...(aggregation ? { aggregation } : {}), source: `<= ${limit}`, op: '<=', limit, unit: 's', value, status, margin: value === null ? null : limit - value, used: value === null ? null : value / limit };
}

function cellReport(cell: Cell, verdicts: Verdict[], extra: Partial<CellReport> = {}, profile = 'interactive'): CellReport {
  const counts = { pass: 0, fail: 0, inconclusive: 0, skipped: 0, error: 0 };
  for (const v of verdicts) counts[v.status]++;
  return { profile, cell, state: 'completed', metrics: {}, verdicts, counts, tests: [], sampleResponses: [], ...extra };
}

function run(cells: CellReport[], extra: Partial<RunReport> = {}): RunReport {
  return runReport(cells, {
    runId: '20261201-150000-abcdef',
    createdAt: '2026-12-01T14:59:00.000Z',
    finishedAt: '2026-12-01T15:04:31.123Z',
    endReason: 'the run ended: failed',
    host: { cpu: 'Test CPU', cores: 2, memoryGb: 24, os: 'Debian 13', kernel: '6.12' },
    llama: { version: 'b1', commit: 'abc', serverPath: '/x/llama-server', source: 'cache' },
    ...extra,
  });
}

const pass = (label = 'p95 latency') => verdict('latency_p95_s', label, 1.2, 2.5, 'pass');
const miss = () => verdict('latency_s', 'latency', 3.14159, 2.5, 'fail', 'p(95)');
const ok = (value: number, unit = 'requests'): Metric => ({ value, unit, status: 'ok' });

describe('learningsEntry', () => {
  test('a finished run: date, what was tried, the budget missed with its figure, the configuration that met every budget, the soak as next step', () => {
    const report = run([cellReport(makeCell(1), [pass()]), cellReport(makeCell(2), [miss()])]);
    const entry = learningsEntry(report);
    expect(entry.startsWith(`${ENTRY_MARK(report.runId)}\n## 2026-12-01 15:04 UTC · run 20261201-150000-abcdef (finished)\n`)).toBe(true);
    expect(entry).toContain('- **Tried:** tiny Q4_K_M; threads 1, 2; ctx 1024; priority nice10; profiles interactive\n');
    expect(entry).toContain('- **Configurations:** 2 measured, 1 met every budget, 1 missed some, 0 errored\n');
    expect(entry).toContain('- **Budgets missed:**\n  - interactive · tiny Q4_K_M t2 c1024 nice10: latency p(95) 3.14 s, budget \\<= 2.5\n');
    expect(entry).toContain('- **Closest configuration:** tiny Q4_K_M t1 c1024 nice10 met every budget\n');
    expect(entry).toContain('- **Anomalies:** none seen\n');
    expect(entry).toContain("- **Next step:** soak the pick, the guided flow's last step: `npm run bench -- --profile stress -t 'tiny Q4_K_M t1 c1024 nice10'`\n");
    expect(entry.endsWith('\n\n')).toBe(true);
  });

  test('no configuration met every budget: the closest one with what it missed, and the guided flow as next step', () => {
    const report = run([cellReport(makeCell(1), [miss(), miss()]), cellReport(makeCell(2), [miss(), pass()])]);
    const entry = learningsEntry(report);
    expect(entry).toContain('- **Closest configuration:** tiny Q4_K_M t2 c1024 nice10 (missed 1 budget(s))\n');
    expect(entry).toContain('let the guided flow sweep quantization, then context, then threads and priority');
    expect(entry).toContain('`npm run bench -- --flow guided`');
  });

  test('an interrupted run: said as an anomaly, with the resume command as next step', () => {
    const report = run([cellReport(makeCell(1), [pass()])], {
      partial: true,
      interrupted: true,
      endReason: 'interrupted by SIGINT',
      notRun: [{ cell: 'tiny Q4_K_M t2 c1024 nice10', profile: 'interactive' }],
    });
    const entry = learningsEntry(report);
    expect(entry).toContain('(partial: interrupted by SIGINT)');
    expect(entry).toContain('  - the run did not finish: interrupted by SIGINT (1 cell × profile result(s) not run)\n');
    expect(nextStep(report)).toBe('finish this run: `npm run bench -- --resume 20261201-150000-abcdef`');
  });

  test('anomalies: a server that died, throttling, an aborted soak, failed requests; a run that measured nothing says so', () => {
    const dead = cellReport(makeCell(3), [], { state: 'errored', error: 'llama-server exited with code 139 (SIGSEGV) while loading' });
    const soak = cellReport(makeCell(1), [], { metrics: { throttled: ok(1, ''), aborted: ok(1, ''), requests_failed: ok(2) } }, 'stress');
    const quiet = cellReport(makeCell(1), [pass()], { metrics: { requests_failed: ok(0), throttled: ok(0, '') } });
    const entry = learningsEntry(run([dead, soak, quiet]));
    expect(entry).toContain('  - interactive · tiny Q4_K_M t3 c1024 nice10 errored (a server that died, or a failed measurement): llama-server exited with code 139 (SIGSEGV) while loading\n');
    expect(entry).toContain('  - stress · tiny Q4_K_M t1 c1024 nice10: throttling detected\n');
    expect(entry).toContain('  - stress · tiny Q4_K_M t1 c1024 nice10: the soak was aborted\n');
    expect(entry).toContain('  - stress · tiny Q4_K_M t1 c1024 nice10: 2.00 failed request(s)\n');
    expect(entry.match(/interactive · tiny Q4_K_M t1/g)).toBeNull();
    expect(nextStep(run([dead]))).toMatch(/^nothing was measured/);
  });

  test('a soak that passed points at serving the pick; long lists are cut with a count', () => {
    const t1 = makeCell(1);
    const report = run([cellReport(t1, [pass()]), cellReport(t1, [pass('aborted')], {}, 'stress')]);
    expect(nextStep(report)).toBe('the pick passed its soak: run it (`npm run serve -- --from-run 20261201-150000-abcdef`)');
    const many = run(Array.from({ length: 20 }, (_, i) => cellReport(makeCell(i + 1), [miss()])));
    const entry = learningsEntry(many);
    expect(entry.match(/^ {2}- interactive · /gm)).toHaveLength(12);
    expect(entry).toContain('  - … and 8 more budget(s) missed (see the scoreboard)\n');
  });

  test('model output never reaches the log, not even escaped', () => {
    const c = cellReport(makeCell(1), [pass()], { sampleResponses: ['THE MODEL SAID THIS'] });
    expect(learningsEntry(run([c]))).not.toContain('MODEL SAID');
  });
});

describe('hostile text stays text when the log is rendered as markdown', () => {
  const HOSTILE = [
    'x\n# Heading injected\n- [ ] task',
    '<script>alert(1)</script><img src=x onerror=alert(2)>',
    '[click](javascript:alert(3)) ![img](http://evil.example/x.png)',
    '**bold** _em_ `code` ~~gone~~ $x^2$',
    'see http://evil.example/a or www.evil.example or mail me@evil.example',
    '&lt;script&gt; &#60;b&#62;',
    '| a | b |\n|---|---|\n| c | d |',
    `${ENTRY_MARK('20261201-150000-abcdef')} \u202Eevil\u2066`,
    '\\*escaped?\\* \\`',
  ];

  test('ids, model names and errors from outside produce no markup, links, headings or HTML', () => {
    const cells = HOSTILE.flatMap((h, i) => [
      cellReport(makeCell(i + 1, `cell ${i} ${h}`, `model ${h}`), [{ ...miss(), label: h, reason: h }], { state: 'errored', error: h }),
    ]);
    const report = run(cells, { partial: true, endReason: HOSTILE[0]! });
    const entry = learningsEntry(report);
    const html = md.render(entry);
    // Our own markup only: one heading, list items, bold labels; no links, images, HTML, code from the hostile text.
    expect(html.match(/<h\d/g)).toEqual(['<h2']);
    for (const tag of ['<a ', '<img', '<script', '<em>', '<del>', '<s>', '<table', '<input', '<h1', '<pre']) expect(html, tag).not.toContain(tag);
    // Tried, Configurations, Budgets missed, Closest configuration, Anomalies, Next step
    expect(html.match(/<strong>/g)).toHaveLength(6);
    // No code spans from the hostile text (our next step is a plain sentence here: partial without notRun).
    expect(html).not.toContain('<code>');
    // Bidi overrides and line breaks are gone; the fake run mark cannot be mistaken for an entry's.
    expect(entry).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(entry.split(ENTRY_MARK(report.runId))).toHaveLength(2);
    // The words survive, escaped: a reader still sees what the error said.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('javascript:alert(3)');
  });

  test('escapeMarkdown: inline markup escaped, in-word underscores kept, URLs broken, long text cut', () => {
    expect(escapeMarkdown('tiny Q4_K_M')).toBe('tiny Q4_K_M');
    expect(escapeMarkdown('_em_ *b* `c`')).toBe('\\_em\\_ \\*b\\* \\`c\\`');
    expect(escapeMarkdown('http://x.example')).toBe('http\\://x.example');
    expect(escapeMarkdown('WWW.x.example')).toBe('WWW\\.x.example');
    expect(escapeMarkdown('a\\b')).toBe('a\\\\b');
    expect(escapeMarkdown('a\r\n\tb')).toBe('a b');
    expect(escapeMarkdown('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(escapeMarkdown(undefined)).toBe('');
  });
});

describe('withEntry and the file', () => {
  const a = run([cellReport(makeCell(1), [pass()])]);
  const b = run([cellReport(makeCell(2), [miss()])], { runId: '20261201-160000-bbbbbb' });

  test('a new log starts with its header; entries append in order; the same run replaces its own entry in place', () => {
    const first = withEntry(null, a);
    expect(first).toBe(`${LEARNINGS_HEADER}\n${learningsEntry(a)}`);
    const both = withEntry(first, b);
    expect(both).toBe(`${first}${learningsEntry(b)}`);
    const aAgain = run([cellReport(makeCell(1), [miss()])]);
    const replaced = withEntry(both, aAgain);
    expect(replaced).toBe(`${LEARNINGS_HEADER}\n${learningsEntry(aAgain)}${learningsEntry(b)}`);
    // Notes a person wrote between entries stay.
    const edited = `${first}My note: the fan was loud.\n\n`;
    expect(withEntry(edited, b)).toBe(`${edited}${learningsEntry(b)}`);
    expect(withEntry('# My own log\n', a)).toBe(`# My own log\n\n${learningsEntry(a)}`);
  });

  test('appendLearnings writes atomically under a lock; a stale lock from a dead run is taken over; readLearnings reads it back', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'learnings-')), 'results');
    expect(readLearnings(dir)).toBeNull();
    appendLearnings(dir, a);
    const lock = `${learningsFile(dir)}.lock`;
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    appendLearnings(dir, b);
    expect(existsSync(lock)).toBe(false);
    expect(readFileSync(learningsFile(dir), 'utf8')).toBe(withEntry(withEntry(null, a), b));
    expect(readLearnings(dir)).toContain('run 20261201-160000-bbbbbb');
  });
});
