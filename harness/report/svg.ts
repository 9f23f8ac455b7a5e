/**
 * Chart renderers for the self-contained report: data in, SVG text out.
 * No script: hover details live in <title> children, which browsers show natively.
 */

import { formatFixed } from '../units.ts';
import { maxPerBucket } from './downsample.ts';
import { escapeHtml } from './escape.ts';

export interface Series { label: string; points: { x: number; y: number }[] }

type Point = { x: number; y: number };
type Status = 'pass' | 'fail' | 'error' | 'skipped' | 'inconclusive' | 'incomplete' | 'none';

const BLUE = '#3b7dd8';
const RED = '#d9534f';
const GREEN = '#5cb85c';
const GREY = '#888';
const AMBER = '#f0ad4e';
const ORANGE = '#e8833a';
const INK = '#1d232a';
const MUTED = '#556';
const GRID = '#e3e6ea';
const AXIS = '#bbb';
const FONT = 'system-ui,-apple-system,Segoe UI,Roboto,sans-serif';
// Text drawn over bars or lines gets a white outline behind its glyphs so it stays legible.
const HALO = ' stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"';

// Red is kept for budget limits, so a series is never mistaken for the line it must stay under.
const SERIES_COLOURS = [BLUE, GREEN, GREY, AMBER];
// One hue, darker for rarer percentiles: the three bars read as one latency, getting worse.
const PERCENTILES = [
  { key: 'p50', colour: '#9cc0ee' },
  { key: 'p95', colour: BLUE },
  { key: 'p99', colour: '#1f4f91' },
] as const;
const STATUS_FILL: Record<Status, string> = {
  pass: GREEN,
  fail: RED,
  error: ORANGE,
  skipped: GREY,
  inconclusive: AMBER,
  incomplete: '#c9dbf0',
  none: '#fff',
};

// There are no font metrics without a browser: this is roughly the average advance of system-ui at 11px.
const CHAR_W = 6.5;
const MAX_LABEL = 28;
const MAX_POINTS = 600;

// The SVG is pasted into HTML, and every label comes from configuration or model names.
const esc = escapeHtml;

/** Coordinates: two decimals are finer than a pixel and keep the output short and stable. */
function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** Counts code points, not UTF-16 units, so an ellipsis never splits an emoji. */
function truncate(label: string, max = MAX_LABEL): string {
  const chars = Array.from(label);
  return chars.length <= max ? label : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

function textWidth(label: string): number {
  return Array.from(label).length * CHAR_W;
}

function size(requested: number | undefined, fallback: number): number {
  return requested !== undefined && Number.isFinite(requested) && requested >= 120 ? requested : fallback;
}

function svg(width: number, height: number, label: string, body: string): string {
  // max-width keeps the text at its designed 11px on wide pages instead of growing with the column.
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${num(width)} ${num(height)}" width="100%" ` +
    `style="max-width:${num(width)}px" role="img" aria-label="${esc(label)}" font-family="${FONT}" font-size="11" fill="${INK}">` +
    `${body}</svg>`
  );
}

function emptyChart(width: number, message: string): string {
  const height = 40;
  return svg(
    width,
    height,
    message,
    `<rect x="0.5" y="0.5" width="${num(width - 1)}" height="${height - 1}" fill="#f7f7f9" stroke="${GRID}"/>` +
      `<text x="${num(width / 2)}" y="24" text-anchor="middle" fill="${MUTED}">${esc(message)}</text>`,
  );
}

interface Axis { min: number; max: number; step: number; ticks: number[]; decimals: number }

/** The smallest 1/2/2.5/5 × 10ⁿ step that covers the range in at most four intervals, hence four or five gridlines. */
function niceStep(lo: number, hi: number): number {
  const span = hi - lo;
  let magnitude = 10 ** (Math.floor(Math.log10(span / 4)) - 1);
  for (;;) {
    for (const factor of [1, 2, 2.5, 5]) {
      const step = factor * magnitude;
      if (Math.ceil(hi / step - 1e-9) - Math.floor(lo / step + 1e-9) <= 4) return step;
    }
    magnitude *= 10;
  }
}

/** Enough decimals to tell the ticks apart, and no more. */
function decimalsOf(step: number): number {
  for (let d = 0; d < 10; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * scaled) return d;
  }
  return 10;
}

function ticksBetween(min: number, max: number, step: number): number[] {
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(i * step);
  return ticks;
}

/** An axis whose ends fall on ticks, so the top gridline is always labelled. */
function niceAxis(lo: number, hi: number): Axis {
  if (!(hi > lo)) hi = lo + 1;
  const step = niceStep(lo, hi);
  const min = Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  return { min, max, step, ticks: ticksBetween(min, max, step), decimals: decimalsOf(step) };
}

/** An axis ending exactly at `max`, for charts whose headroom is part of the design. */
function exactAxis(max: number): Axis {
  if (!(max > 0)) max = 1;
  const step = niceStep(0, max);
  return { min: 0, max, step, ticks: ticksBetween(0, max, step), decimals: decimalsOf(step) };
}

function tickLabel(value: number, axis: Axis): string {
  return value.toFixed(axis.decimals);
}

function scale(axis: Axis, from: number, to: number): (v: number) => number {
  return (v) => from + ((v - axis.min) / (axis.max - axis.min)) * (to - from);
}

interface Frame { left: number; right: number; top: number; bottom: number }

/** Horizontal gridlines with their labels, the baseline, and the rotated y-axis title. */
function yGrid(axis: Axis, frame: Frame, sy: (v: number) => number, yLabel: string): string {
  const lines = axis.ticks.map((t) => {
    const y = num(sy(t));
    return (
      `<line x1="${num(frame.left)}" y1="${y}" x2="${num(frame.right)}" y2="${y}" stroke="${t === 0 && axis.min < 0 ? AXIS : GRID}"/>` +
      `<text x="${num(frame.left - 4)}" y="${num(sy(t) + 4)}" text-anchor="end" fill="${MUTED}">${tickLabel(t, axis)}</text>`
    );
  });
  const middle = (frame.top + frame.bottom) / 2;
  // Beside the tick labels, not at the edge: the left margin may have grown to make room for other labels.
  const x = num(Math.max(12, frame.left - tickLabelsWidth(axis) - 12));
  return (
    lines.join('') +
    `<line x1="${num(frame.left)}" y1="${num(frame.bottom)}" x2="${num(frame.right)}" y2="${num(frame.bottom)}" stroke="${AXIS}"/>` +
    `<text x="${x}" y="${num(middle)}" transform="rotate(-90 ${x} ${num(middle)})" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`
  );
}

function xGrid(axis: Axis, frame: Frame, sx: (v: number) => number, xLabel: string, height: number): string {
  const ticks = axis.ticks.map((t) => {
    const x = num(sx(t));
    return (
      `<line x1="${x}" y1="${num(frame.bottom)}" x2="${x}" y2="${num(frame.bottom + 4)}" stroke="${AXIS}"/>` +
      `<text x="${x}" y="${num(frame.bottom + 15)}" text-anchor="middle" fill="${MUTED}">${tickLabel(t, axis)}</text>`
    );
  });
  return ticks.join('') + `<text x="${num((frame.left + frame.right) / 2)}" y="${num(height - 6)}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`;
}

function tickLabelsWidth(axis: Axis): number {
  return highest(axis.ticks.map((t) => tickLabel(t, axis).length)) * CHAR_W;
}

/** Left margin wide enough for the longest tick label plus the rotated axis title. */
function leftMargin(axis: Axis): number {
  return 22 + tickLabelsWidth(axis) + 6;
}

function limitLine(limit: { y: number; label: string }, frame: Frame, sy: (v: number) => number): string {
  const y = sy(limit.y);
  const label = truncate(limit.label);
  return (
    `<g><title>${esc(`${limit.label}: ${formatFixed(limit.y)}`)}</title>` +
    `<line x1="${num(frame.left)}" y1="${num(y)}" x2="${num(frame.right)}" y2="${num(y)}" stroke="${RED}" stroke-width="1.5" stroke-dasharray="6 4"/>` +
    `<text x="${num(frame.right - 2)}" y="${num(y - 4)}" text-anchor="end" fill="${RED}"${HALO}>${esc(label)}</text></g>`
  );
}

function usableLimit(limit: { y: number; label: string } | undefined): { y: number; label: string } | undefined {
  return limit && Number.isFinite(limit.y) ? limit : undefined;
}

// Loops rather than Math.min(...values): a long recording would overflow the call stack's argument limit.
function lowest(values: readonly number[]): number {
  let low = Infinity;
  for (const v of values) if (v < low) low = v;
  return low;
}

function highest(values: readonly number[]): number {
  let high = -Infinity;
  for (const v of values) if (v > high) high = v;
  return high;
}

function finitePoints(points: readonly Point[]): Point[] {
  return points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
}

interface LegendEntry { label: string; swatch: (x: number, y: number) => string }

/** Entries flow left to right and wrap, so long cell names never run off the chart. */
function legend(entries: LegendEntry[], left: number, right: number, top: number): { svg: string; height: number } {
  const ROW = 16;
  let x = left;
  let row = 0;
  const parts = entries.map((e) => {
    const label = truncate(e.label);
    const w = 18 + textWidth(label) + 14;
    if (x > left && x + w > right) {
      x = left;
      row++;
    }
    const y = top + row * ROW;
    const part = `<g><title>${esc(e.label)}</title>${e.swatch(x, y)}<text x="${num(x + 18)}" y="${num(y + 4)}">${esc(label)}</text></g>`;
    x += w;
    return part;
  });
  return { svg: parts.join(''), height: entries.length ? (row + 1) * ROW : 0 };
}

/** Line chart over time, e.g. CPU % or RSS MB of one cell. Empty or all-null input → a small SVG saying "no samples". */
export function lineChart(opts: {
  series: Series[];
  width?: number;
  height?: number;
  xLabel: string;
  yLabel: string;
  yMax?: number;
  limit?: { y: number; label: string };
}): string {
  const width = size(opts.width, 640);
  const height = size(opts.height, 240);
  const series = opts.series.map((s, i) => {
    const all = finitePoints(s.points);
    return { label: s.label, colour: SERIES_COLOURS[i % SERIES_COLOURS.length]!, all, drawn: maxPerBucket(all, MAX_POINTS) };
  });
  const everything = series.flatMap((s) => s.all);
  if (everything.length === 0) return emptyChart(width, `${opts.yLabel}: no samples`);

  const limit = usableLimit(opts.limit);
  const ys = everything.map((p) => p.y);
  const xs = everything.map((p) => p.x);
  const yMax = opts.yMax !== undefined && Number.isFinite(opts.yMax) ? opts.yMax : -Infinity;
  // yMax is the usual top (100 for CPU %), never a ceiling: clipping a spike would hide the very thing shown.
  const yAxis = niceAxis(Math.min(0, lowest(ys), limit?.y ?? 0), Math.max(highest(ys), yMax, limit?.y ?? -Infinity));
  const xAxis = niceAxis(lowest(xs), highest(xs));

  const left = leftMargin(yAxis);
  const right = width - 20;
  const key =
    series.length > 1
      ? legend(
          series.map((s) => ({
            label: s.label,
            swatch: (x, y) => `<line x1="${num(x)}" y1="${num(y)}" x2="${num(x + 14)}" y2="${num(y)}" stroke="${s.colour}" stroke-width="2"/>`,
          })),
          left,
          right,
          12,
        )
      : { svg: '', height: 0 };
  const frame: Frame = { left, right, top: 10 + key.height, bottom: height - 40 };
  const sx = scale(xAxis, frame.left, frame.right);
  const sy = scale(yAxis, frame.bottom, frame.top);

  const lines = series.map((s) => {
    if (s.drawn.length === 0) return '';
    const peak = highest(s.all.map((p) => p.y));
    const sampled = s.drawn.length < s.all.length ? `, ${s.drawn.length} of ${s.all.length} samples drawn (highest of each stretch)` : `, ${s.all.length} samples`;
    const title = `<title>${esc(`${s.label}: peak ${formatFixed(peak)}${sampled}`)}</title>`;
    if (s.drawn.length === 1) {
      const only = s.drawn[0]!;
      return `<circle cx="${num(sx(only.x))}" cy="${num(sy(only.y))}" r="2.5" fill="${s.colour}">${title}</circle>`;
    }
    const points = s.drawn.map((p) => `${num(sx(p.x))},${num(sy(p.y))}`).join(' ');
    return `<polyline fill="none" stroke="${s.colour}" stroke-width="1.5" stroke-linejoin="round" points="${points}">${title}</polyline>`;
  });

  return svg(
    width,
    height,
    `${opts.yLabel} over ${opts.xLabel}`,
    key.svg +
      yGrid(yAxis, frame, sy, opts.yLabel) +
      xGrid(xAxis, frame, sx, opts.xLabel, height) +
      lines.join('') +
      (limit ? limitLine(limit, frame, sy) : ''),
  );
}

function usableValue(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Grouped bars of latency percentiles per cell: one group per cell, bars p50, p95, p99 (seconds). */
export function percentileChart(opts: {
  rows: { label: string; p50: number | null; p95: number | null; p99: number | null }[];
  width?: number;
  unit: string;
  limit?: { y: number; label: string };
}): string {
  const width = size(opts.width, 640);
  const limit = usableLimit(opts.limit);
  const values = opts.rows.flatMap((r) => PERCENTILES.map((p) => usableValue(r[p.key]))).filter((v): v is number => v !== null);
  if (values.length === 0) return emptyChart(width, `latency percentiles (${opts.unit}): no samples`);

  const yAxis = exactAxis(Math.max(highest(values), limit?.y ?? 0) * 1.1);
  const right = width - 12;
  const labels = opts.rows.map((r) => truncate(r.label));
  const longest = highest(labels.map(textWidth));
  let left = leftMargin(yAxis);
  // Rotated labels need height instead of width; at 35° they take sin ≈ 0.58 of their length downwards.
  const rotate = longest > (right - left) / opts.rows.length - 4;
  if (rotate) {
    // They also reach cos ≈ 0.82 of their length to the left of their group, which the first one must not leave.
    const reach = longest * 0.82 + 4;
    const firstCentre = left + (right - left) / opts.rows.length / 2;
    if (reach > firstCentre) left = (2 * reach * opts.rows.length - right) / (2 * opts.rows.length - 1);
  }
  const groupWidth = (right - left) / opts.rows.length;
  const labelSpace = rotate ? longest * 0.58 + 16 : 22;
  const plotHeight = 180;
  const frame: Frame = { left, right, top: 28, bottom: 28 + plotHeight };
  const height = frame.bottom + labelSpace;
  const sy = scale(yAxis, frame.bottom, frame.top);
  const barWidth = Math.min(18, (groupWidth * 0.8) / PERCENTILES.length);

  const groups = opts.rows.map((r, g) => {
    const centre = left + groupWidth * (g + 0.5);
    const firstBar = centre - (barWidth * PERCENTILES.length) / 2;
    const bars = PERCENTILES.map((p, i) => {
      const v = usableValue(r[p.key]);
      if (v === null) return '';
      const top = sy(Math.max(0, v));
      return (
        `<rect x="${num(firstBar + i * barWidth)}" y="${num(top)}" width="${num(barWidth - 1)}" height="${num(frame.bottom - top)}" fill="${p.colour}">` +
        `<title>${esc(`${r.label}: ${p.key} ${formatFixed(v)} ${opts.unit}`)}</title></rect>`
      );
    });
    const y = frame.bottom + 14;
    const label = rotate
      ? `<text x="${num(centre)}" y="${num(y)}" transform="rotate(-35 ${num(centre)} ${num(y)})" text-anchor="end">`
      : `<text x="${num(centre)}" y="${num(y)}" text-anchor="middle">`;
    return `<g>${bars.join('')}${label}<title>${esc(r.label)}</title>${esc(labels[g])}</text></g>`;
  });

  const key = legend(
    PERCENTILES.map((p) => ({ label: p.key, swatch: (x, y) => `<rect x="${num(x)}" y="${num(y - 5)}" width="12" height="10" fill="${p.colour}"/>` })),
    left,
    right,
    12,
  );

  return svg(
    width,
    height,
    `latency percentiles per cell, ${opts.unit}`,
    key.svg + yGrid(yAxis, frame, sy, opts.unit) + groups.join('') + (limit ? limitLine(limit, frame, sy) : ''),
  );
}

/**
 * Scatter of points (x = speed, y = quality); the points of `front` (analysis/pareto.ts decides them: no other point
 * has both x ≥ and y ≥ with one strictly greater) are drawn filled and joined by a line, in the order given; others hollow.
 */
export function paretoChart<P extends { label: string; x: number; y: number }>(opts: {
  points: P[];
  /** Some of `points` (the same objects), by x ascending. */
  front: readonly P[];
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}): string {
  const width = size(opts.width, 640);
  const height = size(opts.height, 320);
  const points = opts.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (points.length === 0) return emptyChart(width, `${opts.yLabel} against ${opts.xLabel}: no points`);

  // Only points that are drawn can be on the drawn front.
  const front = opts.front.filter((p) => points.includes(p));
  const onFront = new Set<{ label: string; x: number; y: number }>(front);
  const xAxis = niceAxis(Math.min(0, lowest(points.map((p) => p.x))), highest(points.map((p) => p.x)));
  const yAxis = niceAxis(Math.min(0, lowest(points.map((p) => p.y))), highest(points.map((p) => p.y)));
  const frame: Frame = { left: leftMargin(yAxis), right: width - 20, top: 16, bottom: height - 40 };
  const sx = scale(xAxis, frame.left, frame.right);
  const sy = scale(yAxis, frame.bottom, frame.top);

  const dot = (p: { label: string; x: number; y: number }): string => {
    const best = onFront.has(p);
    const title = `${p.label}: ${opts.xLabel} ${formatFixed(p.x)}, ${opts.yLabel} ${formatFixed(p.y)}${best ? ' (Pareto front)' : ''}`;
    const paint = best ? `fill="${BLUE}" stroke="${BLUE}"` : `fill="#fff" stroke="${GREY}" stroke-width="1.5"`;
    return `<circle cx="${num(sx(p.x))}" cy="${num(sy(p.y))}" r="4" ${paint}><title>${esc(title)}</title></circle>`;
  };
  const label = (p: { label: string; x: number; y: number }): string => {
    const text = truncate(p.label);
    const x = sx(p.x);
    // Near the right edge the label goes to the left of its point instead of off the chart.
    const leftwards = x + 7 + textWidth(text) > width;
    return `<text x="${num(leftwards ? x - 7 : x + 7)}" y="${num(sy(p.y) - 6)}"${leftwards ? ' text-anchor="end"' : ''}${HALO}>${esc(text)}</text>`;
  };
  const path =
    front.length > 1
      ? `<polyline fill="none" stroke="${BLUE}" stroke-width="1.5" points="${front.map((p) => `${num(sx(p.x))},${num(sy(p.y))}`).join(' ')}"/>`
      : '';

  return svg(
    width,
    height,
    `${opts.yLabel} against ${opts.xLabel}`,
    yGrid(yAxis, frame, sy, opts.yLabel) +
      xGrid(xAxis, frame, sx, opts.xLabel, height) +
      // Dominated points first, so the front is never hidden underneath them.
      points.filter((p) => !onFront.has(p)).map(dot).join('') +
      path +
      front.map(dot).join('') +
      front.map(label).join(''),
  );
}

/** Heat map grid: rows × columns of cells coloured by status ('pass' green, 'fail' red, 'error' orange, 'skipped' grey, 'inconclusive' amber #f0ad4e, 'none' white), each with a short text and a tooltip. */
export function heatMap(opts: {
  rowLabels: string[];
  columnLabels: string[];
  cells: { row: number; column: number; status: Status; text: string; tooltip: string }[];
  title?: string;
}): string {
  const rows = opts.rowLabels.length;
  const columns = opts.columnLabels.length;
  if (rows === 0 || columns === 0) return emptyChart(480, `${opts.title ?? 'heat map'}: no cells`);

  const CELL_H = 22;
  const CELL_CHAR_W = 7;
  const cells = opts.cells.filter((c) => Number.isInteger(c.row) && Number.isInteger(c.column) && c.row >= 0 && c.row < rows && c.column >= 0 && c.column < columns);
  const longestText = Math.max(0, ...cells.map((c) => Array.from(c.text).length));
  const cellWidth = Math.min(140, Math.max(44, longestText * CELL_CHAR_W + 14));
  const cellChars = Math.floor((cellWidth - 8) / CELL_CHAR_W);

  const rowLabels = opts.rowLabels.map((l) => truncate(l));
  const columnLabels = opts.columnLabels.map((l) => truncate(l));
  const longestColumn = highest(columnLabels.map(textWidth));
  // Column names are usually longer than a cell is wide; at 45° they need height and a little room on the right.
  const rotate = longestColumn > cellWidth - 6;
  const titleHeight = opts.title ? 22 : 0;
  const headerHeight = rotate ? longestColumn * 0.71 + 14 : 20;
  const left = highest(rowLabels.map(textWidth)) + 12;
  const top = titleHeight + headerHeight;
  const width = left + columns * cellWidth + (rotate ? Math.max(8, longestColumn * 0.71 - cellWidth / 2) : 8);
  const height = top + rows * CELL_H + 4;

  const title = opts.title ? `<text x="0" y="15" font-size="12" font-weight="600">${esc(opts.title)}</text>` : '';
  const headers = columnLabels.map((l, c) => {
    const x = left + (c + 0.5) * cellWidth;
    const y = top - 6;
    const placement = rotate
      ? `x="${num(x)}" y="${num(y)}" transform="rotate(-45 ${num(x)} ${num(y)})"`
      : `x="${num(x)}" y="${num(y)}" text-anchor="middle"`;
    return `<text ${placement}><title>${esc(opts.columnLabels[c])}</title>${esc(l)}</text>`;
  });
  const rowHeads = rowLabels.map(
    (l, r) => `<text x="${num(left - 6)}" y="${num(top + (r + 0.5) * CELL_H + 4)}" text-anchor="end"><title>${esc(opts.rowLabels[r])}</title>${esc(l)}</text>`,
  );
  const frame = `<rect x="${num(left)}" y="${num(top)}" width="${num(columns * cellWidth)}" height="${num(rows * CELL_H)}" fill="#fff" stroke="${GRID}"/>`;
  const body = cells.map((c) => {
    const x = left + c.column * cellWidth;
    const y = top + c.row * CELL_H;
    // The title sits on the group so it shows whether the pointer is over the colour or the text.
    return (
      `<g><title>${esc(c.tooltip || c.text)}</title>` +
      `<rect x="${num(x)}" y="${num(y)}" width="${num(cellWidth)}" height="${CELL_H}" fill="${STATUS_FILL[c.status] ?? '#fff'}" stroke="#fff"/>` +
      `<text x="${num(x + cellWidth / 2)}" y="${num(y + CELL_H / 2 + 4)}" text-anchor="middle">${esc(truncate(c.text, cellChars))}</text></g>`
    );
  });

  return svg(width, height, opts.title ?? 'heat map', title + headers.join('') + rowHeads.join('') + frame + body.join(''));
}

/** Outcome colours: the first outcome is the good one; later ones are worse. */
const OUTCOME_COLOURS = [GREEN, AMBER, ORANGE, RED, GREY];

/**
 * Discrete outcomes along one axis, one strip per row (e.g. race requests at their offsets from a deadline): each
 * mark is coloured by its outcome; a hollow mark carries a second fact (e.g. the server was already asleep).
 */
export function stripChart(opts: {
  rows: { label: string; marks: { x: number; outcome: number; hollow: boolean; tooltip: string }[] }[];
  outcomes: readonly string[];
  xLabel: string;
  hollowLabel?: string;
  width?: number;
}): string {
  const width = size(opts.width, 640);
  const rows = opts.rows.map((r) => ({ ...r, marks: r.marks.filter((m) => Number.isFinite(m.x) && Number.isInteger(m.outcome) && m.outcome >= 0) }));
  const xs = rows.flatMap((r) => r.marks.map((m) => m.x));
  if (xs.length === 0) return emptyChart(width, 'no requests recorded');
  const axis = niceAxis(lowest(xs), highest(xs));
  const ROW_H = 22;
  const left = Math.min(220, highest(rows.map((r) => textWidth(truncate(r.label)))) + 12);
  const legendEntries: LegendEntry[] = opts.outcomes.map((o, i) => ({
    label: o,
    swatch: (x, y) => `<rect x="${num(x)}" y="${num(y - 5)}" width="12" height="10" fill="${OUTCOME_COLOURS[Math.min(i, OUTCOME_COLOURS.length - 1)]}"/>`,
  }));
  if (opts.hollowLabel) legendEntries.push({ label: opts.hollowLabel, swatch: (x, y) => `<circle cx="${num(x + 6)}" cy="${num(y)}" r="4.5" fill="#fff" stroke="${GREY}" stroke-width="2"/>` });
  const key = legend(legendEntries, left, width - 8, 10);
  const frame: Frame = { left, right: width - 12, top: key.height + 14, bottom: key.height + 14 + rows.length * ROW_H };
  const height = frame.bottom + 36;
  const sx = scale(axis, frame.left, frame.right);
  const strips = rows.map((r, i) => {
    const y = frame.top + (i + 0.5) * ROW_H;
    const marks = r.marks.map((m) => {
      const colour = OUTCOME_COLOURS[Math.min(m.outcome, OUTCOME_COLOURS.length - 1)];
      const paint = m.hollow ? `fill="#fff" stroke="${colour}" stroke-width="2"` : `fill="${colour}"`;
      return `<circle cx="${num(sx(m.x))}" cy="${num(y)}" r="4.5" ${paint}><title>${esc(m.tooltip)}</title></circle>`;
    });
    return (
      `<line x1="${num(frame.left)}" y1="${num(y)}" x2="${num(frame.right)}" y2="${num(y)}" stroke="${GRID}"/>` +
      `<text x="${num(left - 6)}" y="${num(y + 4)}" text-anchor="end"><title>${esc(r.label)}</title>${esc(truncate(r.label))}</text>` +
      marks.join('')
    );
  });
  const zero = axis.min < 0 && axis.max > 0 ? `<line x1="${num(sx(0))}" y1="${num(frame.top)}" x2="${num(sx(0))}" y2="${num(frame.bottom)}" stroke="${AXIS}" stroke-dasharray="3 3"/>` : '';
  return svg(width, height, opts.xLabel, key.svg + zero + strips.join('') + `<line x1="${num(frame.left)}" y1="${num(frame.bottom)}" x2="${num(frame.right)}" y2="${num(frame.bottom)}" stroke="${AXIS}"/>` + xGrid(axis, frame, sx, opts.xLabel, height));
}

/**
 * Histogram of item scores over [0, 1] (`bins` equal-width counts), with the mean as a dashed line and the minimum
 * as a marker under the axis: the spread a mean hides. No items → a small SVG saying so.
 */
export function histogramChart(opts: { bins: readonly number[]; title: string; mean?: number | null; min?: number | null; width?: number }): string {
  const width = size(opts.width, 220);
  const total = opts.bins.reduce((a, b) => a + (Number.isFinite(b) && b > 0 ? b : 0), 0);
  if (opts.bins.length === 0 || total === 0) return emptyChart(width, `${truncate(opts.title)}: no graded items`);
  const yAxis = exactAxis(Math.max(1, highest(opts.bins)));
  yAxis.decimals = 0;
  yAxis.ticks = yAxis.ticks.filter((t) => Number.isInteger(t));
  const frame: Frame = { left: leftMargin(yAxis), right: width - 8, top: 18, bottom: 18 + 80 };
  const height = frame.bottom + 34;
  const sy = scale(yAxis, frame.bottom, frame.top);
  const binWidth = (frame.right - frame.left) / opts.bins.length;
  const sx = (v: number) => frame.left + v * (frame.right - frame.left);
  const bars = opts.bins.map((count, i) => {
    if (!(count > 0)) return '';
    const lo = i / opts.bins.length;
    const hi = (i + 1) / opts.bins.length;
    const top = sy(count);
    const range = `${lo.toFixed(2)}–${hi.toFixed(2)}${i === opts.bins.length - 1 ? ' (1 included)' : ''}`;
    return `<rect x="${num(frame.left + i * binWidth + 0.5)}" y="${num(top)}" width="${num(binWidth - 1)}" height="${num(frame.bottom - top)}" fill="${BLUE}"><title>${esc(`${opts.title}: ${count} item(s) scored ${range}`)}</title></rect>`;
  });
  const xAxis: Axis = { min: 0, max: 1, step: 0.5, ticks: [0, 0.5, 1], decimals: 1 };
  const marks: string[] = [];
  if (opts.mean !== undefined && opts.mean !== null && Number.isFinite(opts.mean)) {
    const x = num(sx(Math.min(1, Math.max(0, opts.mean))));
    marks.push(`<g><title>${esc(`mean ${formatFixed(opts.mean)}`)}</title><line x1="${x}" y1="${num(frame.top - 4)}" x2="${x}" y2="${num(frame.bottom)}" stroke="${INK}" stroke-dasharray="4 3"/><text x="${x}" y="${num(frame.top - 7)}" text-anchor="middle" fill="${MUTED}">mean</text></g>`);
  }
  if (opts.min !== undefined && opts.min !== null && Number.isFinite(opts.min)) {
    const x = sx(Math.min(1, Math.max(0, opts.min)));
    marks.push(`<g><title>${esc(`minimum ${formatFixed(opts.min)}`)}</title><path d="M${num(x)} ${num(frame.bottom + 1)} l-4 7 h8 z" fill="${RED}"/></g>`);
  }
  return svg(
    width,
    height,
    `${opts.title}: histogram of item scores`,
    yGrid(yAxis, frame, sy, 'items') + bars.join('') + xGrid(xAxis, frame, sx, 'item score', height) + marks.join(''),
  );
}

/**
 * Points per series (one colour each, joined in x order when `join`), every point a marker with its own tooltip:
 * for a handful of points on two measured axes (tok/s against model size, quality against quantization bits).
 */
export function scatterChart(opts: {
  series: { label: string; points: { x: number; y: number; label: string }[] }[];
  xLabel: string;
  yLabel: string;
  join?: boolean;
  width?: number;
  height?: number;
}): string {
  const width = size(opts.width, 440);
  const height = size(opts.height, 240);
  const series = opts.series.map((s, i) => ({
    label: s.label,
    colour: SERIES_COLOURS[i % SERIES_COLOURS.length]!,
    points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x),
  }));
  const everything = series.flatMap((s) => s.points);
  if (everything.length === 0) return emptyChart(width, `${opts.yLabel} against ${opts.xLabel}: no points`);
  const xAxis = niceAxis(Math.min(0, lowest(everything.map((p) => p.x))), highest(everything.map((p) => p.x)));
  const yAxis = niceAxis(Math.min(0, lowest(everything.map((p) => p.y))), highest(everything.map((p) => p.y)));
  const left = leftMargin(yAxis);
  const right = width - 20;
  const key =
    series.length > 1
      ? legend(
          series.map((s) => ({ label: s.label, swatch: (x, y) => `<circle cx="${num(x + 7)}" cy="${num(y)}" r="4" fill="${s.colour}"/>` })),
          left,
          right,
          12,
        )
      : { svg: '', height: 0 };
  const frame: Frame = { left, right, top: 10 + key.height, bottom: height - 40 };
  const sx = scale(xAxis, frame.left, frame.right);
  const sy = scale(yAxis, frame.bottom, frame.top);
  const drawn = series.map((s) => {
    const line =
      opts.join && s.points.length > 1
        ? `<polyline fill="none" stroke="${s.colour}" stroke-width="1.5" points="${s.points.map((p) => `${num(sx(p.x))},${num(sy(p.y))}`).join(' ')}"/>`
        : '';
    const dots = s.points.map(
      (p) =>
        `<circle cx="${num(sx(p.x))}" cy="${num(sy(p.y))}" r="4" fill="${s.colour}" stroke="#fff"><title>${esc(
          `${p.label}: ${opts.xLabel} ${formatFixed(p.x)}, ${opts.yLabel} ${formatFixed(p.y)}`,
        )}</title></circle>`,
    );
    return line + dots.join('');
  });
  return svg(width, height, `${opts.yLabel} against ${opts.xLabel}`, key.svg + yGrid(yAxis, frame, sy, opts.yLabel) + xGrid(xAxis, frame, sx, opts.xLabel, height) + drawn.join(''));
}
