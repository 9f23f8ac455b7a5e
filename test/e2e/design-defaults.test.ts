// Issue 20 items 7, 9 and 18 on a real llama-server (tiny): the token-timing variance, the context load of the
// largest prompt, the per-item quality scores behind the distribution, and the report parts built from them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunReport } from '../../harness/report/model.ts';
import { ROOT, runDirIn, runVitest, tinyConfig, type Finished } from './helpers.ts';

// Short on purpose: two measured requests are the fewest a CV needs; two quality sets, no CoVe or retrieval. Five
// requests of 128 tokens, not 32: a client starved on a loaded machine reads a short answer in one piece, which leaves
// it no decode time and the CV no sample (at load 16, all four 16-token answers of a cell arrived so). Even 128 tokens
// can all arrive bunched beside a CPU hog (three of three did, 4.4–5.5 events per read): then the CV is skipped, and
// the test holds the run to saying why and to not counting the budget as met.
const PROFILES = `  long-context:
    sizes: [200, 800]
    max_tokens: 8
  quality:
    goldens: ${path.join(ROOT, 'goldens')}
    sets: [math, format]
    limit_per_set: 2
    cove: { enabled: false }
    retrieval: { enabled: false }
`;
const INTERACTIVE = (t: string) => t.replace('    warmup: 1\n    repetitions: 6\n    max_tokens: 128\n', '    warmup: 0\n    repetitions: 5\n    max_tokens: 128\n');

describe('design defaults on tiny', () => {
  let run: Finished;
  let report: RunReport;
  let html: string;
  const cell = (profile: string) => report.cells.find((c) => c.profile === profile)!;

  beforeAll(async () => {
    const { file, outDir } = tinyConfig('', (t) => INTERACTIVE(t).replace('profiles:\n', `profiles:\n${PROFILES}`));
    run = await runVitest(['--project', 'interactive', '--project', 'long-context', '--project', 'quality'], file).done;
    const dir = runDirIn(outDir)!;
    report = JSON.parse(readFileSync(path.join(dir, 'scoreboard.json'), 'utf8')) as RunReport;
    html = readFileSync(path.join(dir, 'report.html'), 'utf8');
  }, 1_200_000);

  test('interactive: token-timing variance measured and judged against ≤ 20 %, or skipped saying why and not met', () => {
    const c = cell('interactive');
    expect(c.state, run.output).toBe('completed');
    const cv = c.metrics.decode_tps_cv_pct!;
    const verdict = c.verdicts.find((v) => v.metric === 'decode_tps_cv_pct')!;
    expect(verdict).toMatchObject({ source: '<= 20', op: '<=', limit: 20 });
    const speeds = c.metrics.decode_tps_mean!;
    if (cv.status === 'ok') {
      expect(cv.unit).toBe('%');
      expect(cv.value!).toBeGreaterThanOrEqual(0);
      expect(speeds.stats!.n).toBeGreaterThanOrEqual(2);
      // an estimate over the limit fails whatever its interval; under it, the interval may still leave it open
      if (cv.value! > 20) expect(verdict.status).toBe('fail');
      else expect(['pass', 'inconclusive']).toContain(verdict.status);
    } else {
      // fewer than two requests had a client-side decode time: the speed says which and why, the CV how many it got
      expect(cv, JSON.stringify(cv)).toMatchObject({ status: 'skipped', value: null, reason: expect.stringMatching(/^needs two successful requests with a decode speed, got [01]$/) });
      expect(speeds.reason, JSON.stringify(speeds)).toMatch(/client-side decode time \((bunched delivery|faster than the server's own decode|the whole answer reached the client in one read)/);
      expect(verdict.status).not.toBe('pass');
    }
  });

  test("long-context: context load is the largest prompt's cold prefill, budgeted at 60 s; model load is its own figure", () => {
    const c = cell('long-context');
    expect(c.state, run.output).toBe('completed');
    const ladder = c.measurement!.series!.ladder!;
    const largest = ladder.reduce((a, r) => (r.tokens! > a.tokens! ? r : a));
    expect(largest.tokens).toBe(800);
    expect(c.metrics.context_load_s).toMatchObject({ status: 'ok', unit: 's', value: largest.prefill_s });
    expect(c.verdicts.find((v) => v.metric === 'context_load_s')).toMatchObject({ source: '<= 60' });
    expect(c.metrics.load_s?.status).toBe('ok');
    expect(c.verdicts.some((v) => v.metric === 'load_s')).toBe(false);
  });

  test('quality: one score row per golden item, and the distribution, interpretation and bands in the report', () => {
    const c = cell('quality');
    expect(c.state, run.output).toBe('completed');
    const rows = c.measurement!.series!['item_scores.score_math']!;
    expect(rows).toHaveLength(2);
    for (const { score } of rows) expect(score === null || (score !== undefined && score >= 0 && score <= 1)).toBe(true);
    const math = report.quality!.distribution!.find((d) => d.metric === 'score_math')!;
    expect(math.n + math.errored).toBe(2);
    expect(math.bins.reduce((a, b) => a + b, 0) + math.outOfRange).toBe(math.n);
    expect(math.mean).toBe(c.metrics.score_math!.value);
    // One quantization graded: no baseline, and the interpretation says so rather than calling it safe.
    const group = report.quality!.interpretation!.groups[0]!;
    expect(group.quants[0]!.sentence).toMatch(/only quantization graded .*no baseline/);
    expect(report.bands).toBe('design');
    expect(html).toContain('<h3>Score distribution per category</h3>');
    expect(html).toContain('aria-label="score_math: histogram of item scores"');
    expect(html).toContain('<h3>What the quality loss means</h3>');
  });
});
