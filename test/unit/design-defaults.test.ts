// Issue 20 items 7, 8 and 10: the design's default budgets, interpretation bands and selector defaults.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { bandText, bandsFor, CONTEXT_LOAD_BANDS, DECODE_BANDS, DOCS_PER_HOUR_BANDS, MEMORY_MB_BANDS, TEMPERATURE_BANDS, TTFT_BANDS } from '../../harness/budgets/bands.ts';
import { declaredMetrics, metricDefinition } from '../../harness/budgets/catalogue.ts';
import { DEFAULT_BUDGETS } from '../../harness/budgets/defaults.ts';
import { ConfigError } from '../../harness/config/errors.ts';
import { loadConfig } from '../../harness/config/load.ts';
import { decodeCv } from '../../harness/profiles/interactive/workload.ts';
import { contextLoad } from '../../harness/profiles/long-context/workload.ts';
import { figure } from '../../harness/report/html/common.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'design-defaults-'));
const VALID = `models:
  - name: tiny
    builtin: tiny
matrix:
  models: [tiny]
  quants: [Q4_K_M]
  threads: [2]
  ctx: [1024]
`;
const load = (text: string) => loadConfig(writeTemp(text));
function writeTemp(text: string): string {
  const file = path.join(dir, `c${Math.random()}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('default budgets from the design (item 7)', () => {
  test('stress: CPU temperature max ≤ 85 °C', () => {
    expect(DEFAULT_BUDGETS.stress.temperature_max_c).toBe('<= 85');
  });
  test('interactive: token-timing variance ≤ 20 %, declared with unit, direction and bands', () => {
    expect(DEFAULT_BUDGETS.interactive.decode_tps_cv_pct).toBe('<= 20');
    const d = metricDefinition('interactive', 'decode_tps_cv_pct')!;
    expect(d).toMatchObject({ unit: '%', better: 'lower' });
    expect(d.label).toMatch(/CV of per-request decode tok\/s/);
    expect(bandText(d.bands, 20)).toMatch(/over 20 %/);
    expect(bandText(d.bands, 19.9)).toMatch(/within the design limit/);
  });
  test('long-context: the 60 s is the context load of the largest size; model load keeps its own metric, unbudgeted', () => {
    expect(DEFAULT_BUDGETS['long-context'].context_load_s).toBe('<= 60');
    expect(DEFAULT_BUDGETS['long-context']).not.toHaveProperty('load_s');
    expect(metricDefinition('long-context', 'load_s')?.label).toBe('model load time');
    expect(metricDefinition('long-context', 'context_load_s')?.bands).toBe(CONTEXT_LOAD_BANDS);
    const c = load(VALID);
    expect(c.config.profiles['long-context'].critical).toEqual(['context_load_s']);
    expect(c.budgets['long-context'].map((b) => `${b.metric} ${b.source}`)).toContain('context_load_s <= 60');
    expect(c.budgets.stress.map((b) => `${b.metric} ${b.source}`)).toContain('temperature_max_c <= 85');
  });
});

describe('decodeCv: CV of per-request decode tok/s', () => {
  test('hand-checked: 8, 10, 12 → sd 2 (n − 1), mean 10 → 20 %', () => {
    expect(decodeCv([8, 10, 12])).toMatchObject({ status: 'ok', unit: '%', value: expect.closeTo(20, 9) });
  });
  test('identical speeds → 0 %', () => {
    expect(decodeCv([5, 5, 5, 5]).value).toBe(0);
  });
  test('one request has no spread: skipped, never 0', () => {
    expect(decodeCv([7])).toMatchObject({ status: 'skipped', value: null });
    expect(decodeCv([])).toMatchObject({ status: 'skipped' });
  });
  test('a non-positive mean is an error, not a huge or negative CV', () => {
    expect(decodeCv([0, 0]).status).toBe('error');
  });
});

describe('contextLoad: prefill time of the largest size, cold', () => {
  const row = (tokens: number, ok: number, prefill_s: number | null) => ({ tokens, ok, prefill_s });
  test('the largest size, whatever the order of the rows', () => {
    expect(contextLoad([row(800, 1, 3.5), row(200, 1, 0.4)])).toMatchObject({ status: 'ok', value: 3.5, unit: 's' });
  });
  test('the largest size failed: an error, not the time of a smaller one that worked', () => {
    const m = contextLoad([row(200, 1, 0.4), row(800, 0, null)]);
    expect(m.status).toBe('error');
    expect(m.value).toBeNull();
    expect(m.reason).toMatch(/800 tokens/);
  });
  test('no timings: skipped with the reason; no rows: an error', () => {
    expect(contextLoad([row(800, 1, null)])).toMatchObject({ status: 'skipped' });
    expect(contextLoad([]).status).toBe('error');
  });
});

describe('interpretation bands (item 8)', () => {
  const bounds = (bands: readonly { below: number }[]) => bands.map((b) => b.below);
  test('the design bounds', () => {
    expect(bounds(DECODE_BANDS)).toEqual([2, 5, 10, 20, 40, Infinity]);
    expect(bounds(TTFT_BANDS)[0]).toBe(2);
    expect(bounds(TTFT_BANDS).at(-2)).toBe(30);
    expect(bounds(CONTEXT_LOAD_BANDS)[0]).toBe(5);
    expect(bounds(CONTEXT_LOAD_BANDS).at(-2)).toBe(60);
    expect(bounds(MEMORY_MB_BANDS)[0]).toBe(6000);
    expect(bounds(MEMORY_MB_BANDS).at(-2)).toBe(14000);
    expect(bounds(DOCS_PER_HOUR_BANDS)[0]).toBe(10);
    expect(bounds(DOCS_PER_HOUR_BANDS).at(-2)).toBe(120);
    expect(bounds(TEMPERATURE_BANDS)).toEqual([70, 80, 85, 90, Infinity]);
  });
  test('edges: a value on a bound belongs to the band above it', () => {
    expect(bandText(DECODE_BANDS, 1.99)).toMatch(/under 2 tok\/s/);
    expect(bandText(DECODE_BANDS, 2)).toMatch(/^2–5 tok\/s/);
    expect(bandText(DECODE_BANDS, 40)).toMatch(/^40\+ tok\/s/);
    expect(bandText(TTFT_BANDS, 30)).toMatch(/over 30 s/);
    expect(bandText(TEMPERATURE_BANDS, 85)).toMatch(/^85–90 °C/);
    expect(bandText(TEMPERATURE_BANDS, 90)).toMatch(/critical/);
    expect(bandText(MEMORY_MB_BANDS, 14001)).toMatch(/over 14 GB/);
  });
  test('the registry carries the small-machine alternative where it differs, and the design bands by default', () => {
    const rss = metricDefinition('interactive', 'rss_peak_mb')!;
    expect(bandsFor(rss)).toBe(MEMORY_MB_BANDS);
    expect(bandText(bandsFor(rss, 'small-machine'), 150)).toBe('negligible on most machines');
    expect(bandText(bandsFor(rss, 'design'), 150)).toMatch(/under 6 GB/);
    const docs = metricDefinition('batch', 'docs_per_hour')!;
    expect(bandText(bandsFor(docs, 'small-machine'), 300)).toBe('a steady batch pace');
    // No alternative: the design's bands under either set.
    const ttft = metricDefinition('interactive', 'ttft_p50_s')!;
    expect(bandsFor(ttft, 'small-machine')).toBe(TTFT_BANDS);
  });
  test('every alternative band list in the registry ascends and ends open, like the design lists', () => {
    const alts = declaredMetrics().flatMap(({ profile, metric, definition }) => Object.entries(definition.altBands ?? {}).map(([set, bands]) => ({ at: `${profile}.${metric} ${set}`, bands: bands! })));
    expect(alts.length).toBeGreaterThan(0);
    for (const { at, bands } of alts) {
      for (let i = 1; i < bands.length; i++) expect(bands[i]!.below, at).toBeGreaterThan(bands[i - 1]!.below);
      expect(bands.at(-1)!.below, at).toBe(Infinity);
    }
  });
  test('the HTML figure reads the chosen set', () => {
    expect(figure('interactive', 'rss_peak_mb', 150)).toContain('under 6 GB: fits an 8 GB machine');
    expect(figure('interactive', 'rss_peak_mb', 150, 'small-machine')).toContain('negligible on most machines');
  });
  test('config: design by default, small-machine selectable, anything else is bad input at its path', () => {
    expect(load(VALID).config.interpretation).toEqual({ bands: 'design', safe_retention_pct: 95, floor_pct: 90 });
    expect(load(`${VALID}interpretation:\n  bands: small-machine\n`).config.interpretation.bands).toBe('small-machine');
    let error: unknown;
    try {
      load(`${VALID}interpretation:\n  bands: laptop\n`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/interpretation\.bands \(line 10\)/);
  });
});

describe('selector defaults (item 10)', () => {
  test('shipped: equal weights 0.25 on the four criteria, min CoVe 0.9, min retrieval F1 0.5', () => {
    const s = load(VALID).config.selection;
    expect(s.weights).toEqual({
      'interactive.ttft_p95_s': 0.25,
      'interactive.decode_tps_mean': 0.25,
      'quality.cove_pass_rate': 0.25,
      'quality.retrieval_f1_mean': 0.25,
    });
    expect(s.min_cove_pass_rate).toBe(0.9);
    expect(s.min_retrieval_f1).toBe(0.5);
  });
  test('overridable: weights replace the defaults, minimums can be changed or turned off (null)', () => {
    const s = load(`${VALID}selection:\n  weights: { interactive.latency_p95_s: 1 }\n  min_cove_pass_rate: 0.75\n  min_retrieval_f1: null\n`).config.selection;
    expect(s.weights).toEqual({ 'interactive.latency_p95_s': 1 });
    expect(s.min_cove_pass_rate).toBe(0.75);
    expect(s.min_retrieval_f1).toBeNull();
    expect(load(`${VALID}selection:\n  min_retrieval_f1: 0.6\n`).config.selection.weights['quality.cove_pass_rate']).toBe(0.25);
  });
  test('a minimum outside 0–1 is bad input', () => {
    expect(() => load(`${VALID}selection:\n  min_cove_pass_rate: 90\n`)).toThrow(/selection\.min_cove_pass_rate/);
  });
});
