import { describe, expect, test } from 'vitest';
import { outcomeStripView, tableView } from '../../harness/report/html/views.ts';
import type { CellReport } from '../../harness/report/model.ts';
import { sleepRace } from '../../harness/profiles/sleep-race/profile.ts';
import type { OutcomeStrip, TableView } from '../../harness/profiles/define-profile.ts';

const strip = sleepRace.charts!.find((c) => c.kind === 'outcome-strip') as OutcomeStrip;
const table = sleepRace.charts!.find((c) => c.kind === 'table') as TableView;

function cell(id: string, series: Record<string, Record<string, number | null>[]>, state = 'completed', llamaVersion = 'b7000'): CellReport {
  return { profile: 'sleep-race', state, cell: { id, slug: id }, measurement: { series, build: { llamaVersion, llamaCommit: 'de3ff81' } } } as unknown as CellReport;
}

const race = [
  { offset_ms: -48.7, outcome: 0, asleep: 0 },
  { offset_ms: 2.1, outcome: 3, asleep: 1 },
  { offset_ms: 51, outcome: 2, asleep: 1 },
  { offset_ms: 20, outcome: 1, asleep: 0 },
];

describe('the sleep race strip', () => {
  test('one mark per request at its offset, coloured by outcome, hollow when it found the server asleep; counts per outcome', () => {
    const html = outcomeStripView(strip, [cell('tiny Q4', { race })]);
    expect(html).toContain('<h3>Requests around the sleep deadline</h3>');
    expect(html.match(/<circle /g)!.length).toBe(4 + 1); // four marks and the hollow legend swatch
    expect(html).toContain('<title>2.10 ms: crashed (found it asleep)</title>');
    expect(html).toContain('<title>-48.7 ms: answered</title>');
    expect(html).toContain('tiny Q4 · llama.cpp b7000 (de3ff81): 1 answered, 1 wrong, 1 hung, 1 crashed');
    // a crashed mark found asleep is drawn hollow in red; an answered one filled green
    expect(html).toMatch(/<circle [^>]*fill="#fff" stroke="#d9534f"[^>]*><title>2.10 ms: crashed/);
    expect(html).toMatch(/<circle [^>]*fill="#5cb85c"><title>-48.7 ms: answered/);
  });

  test('skipped cells and cells without the table draw nothing; a row with a non-number is left out', () => {
    expect(outcomeStripView(strip, [cell('a', { race }, 'skipped'), cell('b', {})])).toBe('');
    const html = outcomeStripView(strip, [cell('c', { race: [{ offset_ms: null, outcome: 0, asleep: 0 }, { offset_ms: 5, outcome: 0, asleep: 0 }] })]);
    expect(html.match(/<title>[^<]* ms: /g)).toHaveLength(1);
  });

  test('hostile cell ids and build strings are escaped', () => {
    const html = outcomeStripView(strip, [cell('<img src=x onerror=alert(1)>', { race }, 'completed', '"><script>alert(2)</script>')]);
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('the monitoring table', () => {
  test('codes become endpoint names and yes/no; figures formatted; a missing figure is a dash', () => {
    const monitoring = [
      { endpoint: 0, requests: 4, answered: 4, woke: 0, rss_before_mb: 33.51, rss_after_mb: 33.5 },
      { endpoint: 2, requests: 4, answered: 3, woke: 1, rss_before_mb: 33.5, rss_after_mb: null },
    ];
    const html = tableView(table, [cell('tiny Q4', { monitoring })]);
    expect(html).toContain('<td>/health</td>');
    expect(html).toContain('<td>/metrics</td>');
    expect(html).toContain('<td>no</td>');
    expect(html).toContain('<td>yes</td>');
    expect(html).toContain('<td class="num">33.5</td>');
    expect(html).toContain('<td class="num">4</td>');
    expect(html).toContain('<td>—</td>');
    expect(html.match(/<tr>/g)).toHaveLength(3);
  });

  test('no cell recorded it: nothing', () => {
    expect(tableView(table, [cell('a', {})])).toBe('');
  });
});
