// A forged scoreboard against the renderers: script payloads in every string, `javascript:` and `../` file links,
// profiles and metrics the report does not know (Object.prototype's names among them). Nothing may crash, no markup
// from the data may survive, no link may leave the run, no spreadsheet formula may be written.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { scoreboardCsv } from '../../harness/report/csv.ts';
import { reportHtml } from '../../harness/report/html.ts';
import { runReportSchema, type RunReport } from '../../harness/report/model.ts';
import { runRelativePath } from '../../harness/report/run-path.ts';
import { terminalTable } from '../../harness/report/table.ts';
import { readGradedItems } from '../../harness/report/read-evidence.ts';
import { readTimelines, writeRunReport } from '../../harness/report/write.ts';
import { baseReport, HOSTILE_FILES, hostileEvidence, hostileReport, rawHostileReport, UNKNOWN_NAMES } from '../fixtures/hostile-report.ts';

const VARIANTS: [string, () => RunReport][] = [
  ['schema-valid hostile scoreboard', hostileReport],
  ['hostile in every string, enums included', rawHostileReport],
];

/** Tags no string of the data may turn into (the page's own charts are SVG, its one script and style are ours). */
const FORBIDDEN_TAGS = new Set(['img', 'iframe', 'base', 'form', 'button', 'object', 'embed', 'link', 'textarea', 'input-image', 'frame', 'video', 'audio']);

/** Every tag of the page with its attribute names (attribute values, escaped text, are skipped whole). */
function tags(html: string): { name: string; attributes: string[] }[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>\/=]+(?:\s*=\s*"[^"]*")?)*)\s*\/?>/g)].map((m) => ({
    name: m[1]!.toLowerCase(),
    attributes: [...m[2]!.matchAll(/\s+([^\s"'>\/=]+)(?:\s*=\s*"[^"]*")?/g)].map((a) => a[1]!.toLowerCase()),
  }));
}

/** Every attribute value in the page, unescaped once, as the browser reads it. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
}

describe.each(VARIANTS)('%s', (_name, make) => {
  test('the HTML renders, and no string of the data becomes markup (grade evidence included)', () => {
    const report = make();
    const evidence = hostileEvidence(report);
    expect(evidence.size).toBeGreaterThan(0);
    const html = reportHtml(report, new Map(), evidence);
    expect(html).toContain('<h2>Grade evidence</h2>');
    expect(html.match(/<script/gi)).toHaveLength(1);
    expect(html.match(/<style/gi)).toHaveLength(2); // the page's and the evidence section's
    // every "<" in the page (its own script's code aside) opens or closes a tag: the data's "<" are all escaped
    const page = html.replace(/<script>[\s\S]*?<\/script>/, '<script></script>');
    const all = tags(page);
    expect(all.length).toBe(page.match(/</g)!.length - page.match(/<\//g)!.length - 1 /* <!doctype */);
    expect(all.filter((t) => FORBIDDEN_TAGS.has(t.name)).map((t) => t.name)).toEqual([]);
    expect(all.filter((t) => t.name === 'meta').length).toBe(3);
    expect(all.flatMap((t) => t.attributes.filter((a) => a.startsWith('on')).map((a) => `${t.name} ${a}`))).toEqual([]);
  });

  test('links stay inside the page or the run: no scheme, no `..`, nothing absolute', () => {
    const html = reportHtml(make());
    const links = hrefs(html);
    expect(links.length).toBeGreaterThan(0);
    for (const href of links) {
      if (href.startsWith('#')) continue;
      expect(runRelativePath(href), href).toBe(href);
    }
    // the hostile links are shown as text
    for (const file of Object.values(HOSTILE_FILES)) {
      expect(links).not.toContain(file);
      expect(html).toContain(`<code class="unlinked" title="not linked: not a path inside this run">${file.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</code>`);
    }
  });

  test('the page forbids a base URL and form targets, and runs only its own script', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(reportHtml(make()))![1]!;
    expect(csp.split('; ')).toEqual(expect.arrayContaining(["default-src 'none'", "base-uri 'none'", "form-action 'none'"]));
    expect(/script-src ([^;]*)/.exec(csp)![1]).toMatch(/^'sha256-[A-Za-z0-9+/=]+'$/);
  });

  test('the terminal table renders', () => {
    expect(() => terminalTable(make())).not.toThrow();
  });

  test('no CSV field starts a formula; numbers stay numbers', () => {
    const csv = scoreboardCsv(make());
    for (const row of parseCsv(csv)) {
      for (const f of row) {
        if (/^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/.test(f)) expect(f, JSON.stringify(f)).toMatch(/^-\d+(\.\d+)?(e-?\d+)?$/);
      }
    }
  });
});

test('profiles and metrics the report does not know get their own section, with their names as text', () => {
  const html = reportHtml(hostileReport());
  for (const name of UNKNOWN_NAMES.filter((n) => /^[a-z_]+$/i.test(n))) {
    expect(html).toContain(`<h2>${name.charAt(0).toUpperCase()}${name.slice(1)}</h2>`);
  }
  expect(html).toContain('&lt;script&gt;window.__xss=11&lt;/script&gt;');
});

test('the schema-valid variant is what `npm run report` would read back', () => {
  expect(runReportSchema.safeParse(JSON.parse(JSON.stringify(hostileReport()))).success).toBe(true);
});

describe('CSV formula escaping', () => {
  test('text starting =, +, -, @, tab, CR (or full-width) gets an apostrophe; negative numbers do not', () => {
    const report = baseReport();
    const c = report.cells[0]!;
    report.cells = [c];
    c.cell.model = '=1+1';
    c.cell.quant = '+1';
    c.cell.priority = '-1';
    c.cell.affinity = '@A1';
    c.error = '\t=cmd';
    c.metrics = { cpu_mean_pct: { value: -3.5, unit: '＝x', status: 'ok', reason: '\r=1' } };
    c.verdicts = [{ metric: 'cpu_mean_pct', label: 'CPU', source: '<= 35', op: '<=', limit: 35, unit: '%', value: -3.5, status: 'pass', margin: -2.25, used: -0.1 }];
    const [header, row] = parseCsv(scoreboardCsv(report));
    const get = (col: string) => row![header!.indexOf(col)];
    expect(get('model')).toBe("'=1+1");
    expect(get('quant')).toBe("'+1");
    expect(get('priority')).toBe("'-1");
    expect(get('affinity')).toBe("'@A1");
    expect(get('unit')).toBe("'＝x");
    expect(get('reason')).toBe("'\r=1");
    expect(get('value')).toBe('-3.5');
    expect(get('margin')).toBe('-2.25');
    expect(get('budget_used')).toBe('-0.1');
    expect(get('budget')).toBe('<= 35');
  });
});

describe('re-rendering a forged scoreboard', () => {
  test('a samples path outside the run is not read; one inside is', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'hostile-run-'));
    const runDir = path.join(root, 'results', '20260101-000000-abcdef');
    mkdirSync(path.join(runDir, 'cell', 'idle'), { recursive: true });
    const csv = 't_ms,cpu_machine_pct,rss_mb\n0,10,100\n100,77,120\n200,12,110\n';
    writeFileSync(path.join(runDir, 'cell', 'idle', 'metrics_samples.csv'), csv);
    writeFileSync(path.join(root, 'outside.csv'), csv);
    const report = baseReport();
    const [inside, outside, absolute] = report.cells;
    inside!.measurement!.files.samples = 'cell/idle/metrics_samples.csv';
    outside!.measurement!.files.samples = '../../outside.csv';
    absolute!.measurement!.files.samples = path.join(root, 'outside.csv');
    const timelines = readTimelines(runDir, { ...report, cells: [inside!, outside!, absolute!] });
    expect([...timelines.keys()]).toEqual([`${inside!.cell.slug}/${inside!.profile}`]);
    expect(timelines.get(`${inside!.cell.slug}/${inside!.profile}`)!.cpu.map((p) => p.y)).toEqual([10, 77, 12]);
  });

  test('grade evidence is read from a quality cell\'s responses only inside the run', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'hostile-run-'));
    const runDir = path.join(root, 'results', '20260101-000000-abcdef');
    mkdirSync(path.join(runDir, 'cell', 'quality'), { recursive: true });
    const line = `${JSON.stringify({ kind: 'golden', id: 'math-001', set: 'math', score: 1, output: '42', expected: '42' })}\n`;
    writeFileSync(path.join(runDir, 'cell', 'quality', 'responses.jsonl'), line);
    writeFileSync(path.join(root, 'outside.jsonl'), line.replace('math-001', 'stolen'));
    const report = baseReport();
    const quality = report.cells.filter((c) => c.profile === 'quality').slice(0, 1);
    const [inside] = quality;
    const outside = { ...inside!, cell: { ...inside!.cell, slug: 'other' }, measurement: { ...inside!.measurement!, files: { responses: '../../outside.jsonl' } } };
    inside!.measurement!.files.responses = 'cell/quality/responses.jsonl';
    const items = readGradedItems(runDir, { ...report, cells: [inside!, outside] });
    expect([...items.keys()]).toEqual([`${inside!.cell.slug}/quality`]);
    expect(items.get(`${inside!.cell.slug}/quality`)!.map((i) => i.id)).toEqual(['math-001']);
  });

  test('writeRunReport writes every output of a hostile scoreboard', () => {
    const runDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'hostile-run-')), '20260101-000000-abcdef');
    mkdirSync(runDir);
    const written = writeRunReport(runDir, hostileReport());
    expect(written.map((f) => path.basename(f))).toEqual(['scoreboard.json', 'scoreboard.csv', 'report.html', 'scoreboard-summary.csv']);
    expect(readFileSync(written[2]!, 'utf8').match(/<script/g)).toHaveLength(1);
    // The summary CSV guards its text fields against formulas like the long one (a negative number stays a number).
    expect(readFileSync(written[3]!, 'utf8').split('\n').slice(1).join('\n')).not.toMatch(/(^|,)"?([=+@]|-(?!\d))/m);
  });
});

/** RFC 4180 rows (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}
