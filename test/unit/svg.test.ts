import { describe, expect, test } from 'vitest';
import { paretoFront } from '../../harness/analysis/pareto.ts';
import { heatMap, lineChart, paretoChart, percentileChart } from '../../harness/report/svg.ts';

const HOSTILE = '<script>alert("x")</script>&\'';

function polylinePoints(svg: string): { x: number; y: number }[][] {
  return [...svg.matchAll(/<polyline[^>]* points="([^"]*)"/g)].map((m) =>
    m[1]!.split(' ').map((pair) => {
      const [x, y] = pair.split(',').map(Number);
      return { x: x!, y: y! };
    }),
  );
}

/** The y-axis tick labels are the right-aligned numeric texts: value → vertical position. */
function yTicks(svg: string): { value: number; y: number }[] {
  return [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" text-anchor="end" fill="#556">(-?[\d.]+)<\/text>/g)].map((m) => ({
    value: Number(m[2]),
    // Labels sit 4px below their gridline so they read centred on it.
    y: Number(m[1]) - 4,
  }));
}

function looksLikeSvg(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  expect(svg).toContain('viewBox="0 0 ');
  expect(svg).toContain('width="100%"');
  expect(svg).not.toMatch(/<script|javascript:|\son[a-z]+=/i);
}

const series = [
  { label: 'cpu', points: Array.from({ length: 50 }, (_, i) => ({ x: i, y: (i * 7) % 30 })) },
  { label: 'rss', points: Array.from({ length: 50 }, (_, i) => ({ x: i, y: 20 + (i % 5) })) },
];
const rows = [
  { label: 'tiny Q4_K_M t2 c1024 nice10', p50: 0.8, p95: 1.9, p99: 2.7 },
  { label: 'tiny Q8_0 t2 c1024 nice10', p50: 1.1, p95: null, p99: 3.2 },
];
const scatter = [
  { label: 'a', x: 1, y: 1 },
  { label: 'b', x: 2, y: 3 },
  { label: 'c', x: 3, y: 2 },
  { label: 'd', x: 2, y: 2 },
  { label: 'e', x: 0, y: 4 },
];
const grid = {
  rowLabels: ['tiny Q4_K_M', 'tiny Q8_0'],
  columnLabels: ['idle', 'interactive', 'quality'],
  cells: [
    { row: 0, column: 0, status: 'pass', text: '3/3', tooltip: 'all budgets met' },
    { row: 0, column: 1, status: 'fail', text: '1/2', tooltip: 'p95 latency over' },
    { row: 0, column: 2, status: 'inconclusive', text: '?', tooltip: 'too few samples' },
    { row: 1, column: 0, status: 'error', text: 'err', tooltip: 'server crashed' },
    { row: 1, column: 1, status: 'skipped', text: '—', tooltip: 'not measurable here' },
  ] as const,
};

describe('charts are self-contained SVG', () => {
  test.each([
    ['lineChart', () => lineChart({ series, xLabel: 'time s', yLabel: 'CPU %', yMax: 100, limit: { y: 25, label: 'budget' } })],
    ['percentileChart', () => percentileChart({ rows, unit: 's', limit: { y: 2.5, label: 'p95 budget' } })],
    ['paretoChart', () => paretoChart({ points: scatter, front: paretoFront(scatter), xLabel: 'tok/s', yLabel: 'score' })],
    ['heatMap', () => heatMap({ ...grid, cells: [...grid.cells], title: 'verdicts' })],
  ])('%s: well formed and deterministic', (_, render) => {
    const svg = render();
    looksLikeSvg(svg);
    expect(render()).toBe(svg);
  });

  test('coordinates carry at most two decimals', () => {
    const svg = lineChart({ series: [{ label: 'x', points: [{ x: 0, y: 1 / 3 }, { x: 1 / 7, y: 2 / 3 }] }], xLabel: 't', yLabel: 'v' });
    const numbers = [...svg.matchAll(/(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="(-?[\d.]+)"/g)].map((m) => m[1]!);
    numbers.push(...polylinePoints(svg).flat().flatMap((p) => [String(p.x), String(p.y)]));
    for (const n of numbers) expect(n).toMatch(/^-?\d+(\.\d{1,2})?$/);
  });
});

describe('escaping', () => {
  const hostilePoint = { label: HOSTILE, x: 1, y: 1 };
  const charts = [
    lineChart({ series: [{ label: HOSTILE, points: [{ x: 0, y: 1 }, { x: 1, y: 2 }] }, series[0]!], xLabel: HOSTILE, yLabel: HOSTILE, limit: { y: 1, label: HOSTILE } }),
    lineChart({ series: [], xLabel: HOSTILE, yLabel: HOSTILE }),
    percentileChart({ rows: [{ label: HOSTILE, p50: 1, p95: 2, p99: 3 }], unit: HOSTILE, limit: { y: 1, label: HOSTILE } }),
    paretoChart({ points: [hostilePoint], front: [hostilePoint], xLabel: HOSTILE, yLabel: HOSTILE }),
    heatMap({ rowLabels: [HOSTILE], columnLabels: [HOSTILE], cells: [{ row: 0, column: 0, status: 'fail', text: HOSTILE, tooltip: HOSTILE }], title: HOSTILE }),
  ];
  test.each(charts.map((svg, i) => [i, svg] as const))('chart %i shows data only as text', (_, svg) => {
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('"x")');
    expect(svg).toContain('&lt;script&gt;');
  });
});

describe('lineChart', () => {
  test('empty or all-missing input says so', () => {
    expect(lineChart({ series: [], xLabel: 't', yLabel: 'CPU %' })).toContain('no samples');
    const missing = [{ x: 0, y: null as unknown as number }, { x: 1, y: Number.NaN }];
    const svg = lineChart({ series: [{ label: 'cpu', points: missing }], xLabel: 't', yLabel: 'CPU %' });
    looksLikeSvg(svg);
    expect(svg).toContain('no samples');
  });

  test('downsampling keeps a single-sample spike', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({ x: i, y: i === 4321 ? 100 : 1 }));
    const svg = lineChart({ series: [{ label: 'cpu', points }], xLabel: 't', yLabel: 'CPU %' });
    const [line] = polylinePoints(svg);
    expect(line!.length).toBeLessThanOrEqual(600);
    expect(line!.length).toBeGreaterThan(2);

    // Map the highest drawn point back to a value through the two outermost y ticks.
    const ticks = yTicks(svg);
    const bottom = ticks[0]!;
    const top = ticks[ticks.length - 1]!;
    expect(top.value).toBeGreaterThanOrEqual(100);
    const peakY = Math.min(...line!.map((p) => p.y));
    const peak = bottom.value + ((bottom.y - peakY) / (bottom.y - top.y)) * (top.value - bottom.value);
    expect(peak).toBeCloseTo(100, 0);
  });

  test('keeps the first and last samples', () => {
    const points = Array.from({ length: 5_000 }, (_, i) => ({ x: i, y: 1 }));
    const [line] = polylinePoints(lineChart({ series: [{ label: 'rss', points }], xLabel: 't', yLabel: 'MB' }));
    const [first, last] = [line![0]!, line![line!.length - 1]!];
    expect(line!.filter((p) => p.x === first.x)).toHaveLength(1);
    expect(first.x).toBeLessThan(last.x);
    // The axis runs exactly over 0…5000 here, so the samples at 0 and 4999 are the outermost x positions.
    expect(Math.min(...line!.map((p) => p.x))).toBe(first.x);
    expect(Math.max(...line!.map((p) => p.x))).toBe(last.x);
  });

  test('a legend only when there is more than one series; the limit is dashed and labelled', () => {
    const one = lineChart({ series: [series[0]!], xLabel: 't', yLabel: 'CPU %' });
    const two = lineChart({ series, xLabel: 't', yLabel: 'CPU %', limit: { y: 25, label: 'CPU budget' } });
    expect(one).not.toContain('>rss<');
    expect(two).toContain('>cpu<');
    expect(two).toContain('>rss<');
    expect(two).toContain('stroke-dasharray');
    expect(two).toContain('CPU budget');
    expect(polylinePoints(two)).toHaveLength(2);
  });

  test('yMax sets the top but never clips data above it', () => {
    const ticks = (yMax: number, peak: number) =>
      yTicks(lineChart({ series: [{ label: 'cpu', points: [{ x: 0, y: 1 }, { x: 1, y: peak }] }], xLabel: 't', yLabel: '%', yMax })).map((t) => t.value);
    expect(ticks(100, 30).at(-1)).toBe(100);
    expect(ticks(100, 180).at(-1)).toBeGreaterThanOrEqual(180);
    expect(ticks(100, 30).length).toBeGreaterThanOrEqual(4);
    expect(ticks(100, 30).length).toBeLessThanOrEqual(5);
  });
});

describe('percentileChart', () => {
  test('one bar per non-null value, full long labels in titles, truncated on the axis', () => {
    const long = 'a-very-long-model-name-that-goes-on Q4_K_M t8 c32768 nice10';
    const svg = percentileChart({ rows: [...rows, { label: long, p50: 0.5, p95: 0.7, p99: null }], unit: 's' });
    const bars = [...svg.matchAll(/<rect [^>]*><title>/g)];
    expect(bars).toHaveLength(3 + 2 + 2);
    expect(svg).toContain(`<title>${long}</title>`);
    expect(svg).toContain(`>${long.slice(0, 27)}…</text>`);
    for (const key of ['p50', 'p95', 'p99']) expect(svg).toContain(`>${key}</text>`);
  });

  test('the axis leaves 10 % headroom above the highest value or limit', () => {
    const svg = percentileChart({ rows: [{ label: 'x', p50: 1, p95: 2, p99: 3 }], unit: 's', limit: { y: 10, label: 'limit' } });
    const values = yTicks(svg).map((t) => t.value);
    expect(Math.max(...values)).toBeLessThanOrEqual(11);
    expect(Math.max(...values)).toBeGreaterThanOrEqual(10);
  });

  test('nothing to draw', () => {
    const svg = percentileChart({ rows: [{ label: 'x', p50: null, p95: null, p99: null }], unit: 's' });
    looksLikeSvg(svg);
    expect(svg).toContain('no samples');
  });
});

describe('paretoChart', () => {
  test('front points filled, labelled and joined; the others hollow; every point has a tooltip', () => {
    const svg = paretoChart({ points: scatter, front: paretoFront(scatter), xLabel: 'tok/s', yLabel: 'score' });
    expect(svg.match(/<circle [^>]*fill="#3b7dd8"/g)).toHaveLength(3);
    expect(svg.match(/<circle [^>]*fill="#fff"/g)).toHaveLength(2);
    expect(svg.match(/<title>/g)).toHaveLength(5);
    expect(svg).toContain('<title>b: tok/s 2.00, score 3.00 (Pareto front)</title>');
    expect(svg).toContain('<title>d: tok/s 2.00, score 2.00</title>');
    expect(polylinePoints(svg)[0]).toHaveLength(3);
    for (const label of ['e', 'b', 'c']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toContain('>d</text>');
  });
});

describe('heatMap', () => {
  test('one rect per cell plus the frame, coloured by status, text centred', () => {
    const svg = heatMap({ ...grid, cells: [...grid.cells] });
    expect(svg.match(/<rect /g)).toHaveLength(grid.cells.length + 1);
    for (const colour of ['#5cb85c', '#d9534f', '#f0ad4e', '#888']) expect(svg).toContain(`fill="${colour}"`);
    expect(svg).toContain('<title>p95 latency over</title>');
    expect(svg.match(/text-anchor="middle">1\/2</g)).toHaveLength(1);
    for (const label of [...grid.rowLabels, ...grid.columnLabels]) expect(svg).toContain(`>${label}</text>`);
  });

  test('cells outside the grid are ignored rather than drawn off the edge', () => {
    const svg = heatMap({ rowLabels: ['r'], columnLabels: ['c'], cells: [{ row: 0, column: 3, status: 'pass', text: 'x', tooltip: 'x' }] });
    expect(svg.match(/<rect /g)).toHaveLength(1);
  });
});

describe('charts of very large runs', () => {
  // Math.max(...values) throws RangeError past the engine's argument limit (about 120,000 on this Node); a
  // 100,000-cell scoreboard reached it (docs/scaling.md).
  test('a scatter and a percentile chart of 200,000 points render instead of throwing', () => {
    const points = Array.from({ length: 200_000 }, (_, i) => ({ label: `c${i}`, x: i % 97, y: (i % 89) / 89 }));
    expect(() => paretoChart({ points, front: [points[0]!], xLabel: 'tok/s', yLabel: 'score' })).not.toThrow();
    const rows = Array.from({ length: 200_000 }, (_, i) => ({ label: `c${i}`, p50: i % 7, p95: i % 11, p99: i % 13 }));
    expect(() => percentileChart({ rows, unit: 's' })).not.toThrow();
    // Drawing 400,000 marks takes ~8 s of CPU; at load 24 it took 46 s, past the unit project's 30 s hang guard.
  }, 180_000);
});
