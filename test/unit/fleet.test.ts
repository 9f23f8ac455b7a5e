import { describe, expect, test } from 'vitest';
import { fleetView } from '../../harness/fleet/compare.ts';
import { fleetHtml, fleetTable } from '../../harness/fleet/render.ts';
import { EDGE, LAPTOP, X, Y, Z, cell, run } from './fleet-fixtures.ts';

describe('fleet view of two hosts', () => {
  const view = fleetView([
    { label: 'laptop', report: LAPTOP },
    { label: 'edge', report: EDGE },
  ]);

  test('hosts are a dimension: CPU, cores, RAM and llama.cpp build per host', () => {
    expect(view.hosts).toEqual([
      { id: 'h1', label: 'laptop', runId: LAPTOP.runId, cpu: 'Intel Core i7-1260P', cores: 4, memoryGb: 16, llama: 'b7000 (abc1234)' },
      { id: 'h2', label: 'edge', runId: EDGE.runId, cpu: 'ARM Cortex-A76', cores: 2, memoryGb: 4, llama: 'b7000 (abc1234)' },
    ]);
  });

  test('the same cells side by side, with what each missed on each host', () => {
    expect(view.rows.map((r) => [r.cellId, r.byHost.h1!.verdict, r.byHost.h2!.verdict])).toEqual([
      [X, 'pass', 'pass'],
      [Y, 'pass', 'fail'],
      [Z, 'pass', 'fail'],
    ]);
    expect(view.rows[1]!.byHost.h2!.failed).toEqual(['latency_p95_s']);
    expect(view.rows[2]!.byHost.h2!.failed).toEqual(['rss_peak_mb']);
  });

  test('the portable pick is the one cell that passes on both, though it is not the laptop\'s best', () => {
    expect(view.portable).toMatchObject({ status: 'everywhere', cellId: X, metOn: ['h1', 'h2'], misses: [], alsoEverywhere: [] });
    // Its tightest budget anywhere: 1.8 s of 2 s on the edge box.
    expect(view.portable.tightestUse).toBeCloseTo(0.9, 10);
    expect(view.notEverywhere).toEqual([]);
  });

  test('the terminal table and the page name the pick and escape what the scoreboards say', () => {
    expect(fleetTable(view)).toContain(`Portable pick: ${X} (passes on every host): met every budget on all 2 hosts (it uses at most 90 % of a budget)`);
    const hostile = fleetView([
      { label: '<img src=x onerror=alert(1)>', report: LAPTOP },
      { label: 'edge', report: EDGE },
    ]);
    const html = fleetHtml(hostile);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('portable pick when nothing passes everywhere', () => {
  test('the closest: met on as many hosts as any, fewest misses, then the least overshoot; with what it misses where', () => {
    const edge = run('e', { cpu: 'ARM', cores: 2, memoryGb: 4 }, [cell(X, 2.2, 900), cell(Y, 2.6, 1000), cell(Z, 1.5, 3500)]);
    const v = fleetView([{ report: LAPTOP }, { report: edge }]);
    // Every cell passes on the laptop and misses one budget on the edge box: X overshoots least (2.2 of 2 s = 110 %,
    // against Z's 3500 of 3000 MB = 117 % and Y's 130 %).
    expect(v.portable).toMatchObject({ status: 'closest', cellId: X, metOn: ['h1'] });
    expect(v.portable.misses).toEqual([{ host: 'h2', profile: 'interactive', metric: 'latency_p95_s', status: 'fail', value: 2.2, budget: '<= 2', unit: 's' }]);
    expect(fleetTable(v)).toContain('misses on h2: interactive latency_p95_s fail (2.20 s, budget <= 2)');
  });

  test('a cell measured on one host only is never the pick, even when it passes there', () => {
    const edge = run('e', { cpu: 'ARM', cores: 2, memoryGb: 4 }, [cell(Y, 2.6, 1000)]);
    const v = fleetView([{ report: LAPTOP }, { report: edge }]);
    expect(v.notEverywhere).toEqual([
      { cellId: X, missingOn: ['h2'] },
      { cellId: Z, missingOn: ['h2'] },
    ]);
    expect(v.portable).toMatchObject({ status: 'closest', cellId: Y });
  });

  test('an errored cell ranks behind one that merely missed a budget', () => {
    const a = run('a', { cpu: 'A', cores: 4, memoryGb: 8 }, [cell(X, 2.5, 900), cell(Y, 0, 0, 'errored')]);
    const b = run('b', { cpu: 'B', cores: 4, memoryGb: 8 }, [cell(X, 1, 900), cell(Y, 1, 900)]);
    expect(fleetView([{ report: a }, { report: b }]).portable).toMatchObject({ status: 'closest', cellId: X });
  });

  test('no cell on every host: no pick, and it says why', () => {
    const v = fleetView([{ report: run('a', { cpu: 'A', cores: 4, memoryGb: 8 }, [cell(X, 1, 900)]) }, { report: run('b', { cpu: 'B', cores: 4, memoryGb: 8 }, [cell(Y, 1, 900)]) }]);
    expect(v.portable).toMatchObject({ status: 'none', cellId: null, why: 'no cell was measured on every host' });
  });

  test('several pass everywhere: the most headroom on the tightest budget wins, the others are listed', () => {
    const a = run('a', { cpu: 'A', cores: 4, memoryGb: 8 }, [cell(X, 1.9, 900), cell(Y, 1.0, 1500)]);
    const b = run('b', { cpu: 'B', cores: 4, memoryGb: 8 }, [cell(X, 1.0, 900), cell(Y, 1.2, 1200)]);
    // X uses 95 % of the latency budget on host a; Y at most 60 %.
    expect(fleetView([{ report: a }, { report: b }]).portable).toMatchObject({ status: 'everywhere', cellId: Y, alsoEverywhere: [X] });
  });
});
