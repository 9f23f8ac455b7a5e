// The quality profile end to end on tiny: real llama-server, real goldens, real graders. Its answers are nonsense
// (random weights), so this checks the pipeline and determinism, not the scores.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunReport } from '../../harness/report/model.ts';
import { constrainedSchema } from '../../harness/scoring/constrained.ts';
import { loadGoldenSet } from '../../harness/scoring/goldens.ts';
import { ROOT, runVitest, tinyConfig, type Finished } from './helpers.ts';

const QUICK = `  quality:
    goldens: ${path.join(ROOT, 'goldens')}
    limit_per_set: 2
    constrained_sets: [math, endpoint-security]
    cove: { limit: 1 }
    retrieval: { limit: 2 }
`;

// The built-in tiny model has no chat template and a SentencePiece vocabulary: with the Jinja path llama-server feeds
// the fallback template's "<|im_start|>assistant" to the JSON grammar as text tokens and rejects every constrained
// request ("Failed to initialize samplers"). The legacy template path has no such prefill; both modes use it here.
const LLAMA = `llama:
  extra_args: [--no-jinja]
`;

function quickConfig() {
  return tinyConfig(LLAMA, (t) => t.replace('quants: [Q4_K_M]', 'quants: [Q4_K_M, Q8_0]').replace('profiles:\n', `profiles:\n${QUICK}`));
}

function outputs(outDir: string, runId: string, cell: string): string[] {
  return readFileSync(path.join(outDir, runId, cell, 'quality', 'responses.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; id: string; output?: string; transcript?: { output: string }[] })
    .map((r) => `${r.kind} ${r.id} ${JSON.stringify(r.output ?? r.transcript?.map((t) => t.output))}`);
}

describe('quality profile on tiny', () => {
  const runs: { outDir: string; runId: string; run: Finished; report: RunReport }[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const { file, outDir } = quickConfig();
      // The second run is there to be compared with the first, on one cell: a second quantization would only repeat
      // the same check (same binary, same seed), for about a tenth of this file's time (119 s → 107 s at load 19).
      const run = await runVitest(['--project', 'quality', ...(i === 1 ? ['-t', 'Q4_K_M'] : [])], file).done;
      const runId = readdirSync(outDir).find((d) => /^\d{8}-/.test(d))!;
      const report = JSON.parse(readFileSync(path.join(outDir, runId, 'scoreboard.json'), 'utf8')) as RunReport;
      runs.push({ outDir, runId, run, report });
    }
  }, 1_200_000);

  test('writes category scores, floors, CoVe and retrieval metrics, and degradation deltas', () => {
    const { report, run } = runs[0]!;
    const cell = report.cells.find((c) => c.profile === 'quality' && c.cell.quant === 'Q4_K_M')!;
    expect(cell.state, run.output).toBe('completed');
    for (const m of ['score_endpoint_security', 'score_math', 'score_comprehension', 'score_reasoning', 'score_format', 'score_overall']) {
      expect(cell.metrics[m], m).toMatchObject({ status: 'ok', unit: 'score' });
      expect(cell.metrics[m]!.value!).toBeGreaterThanOrEqual(0);
      expect(cell.metrics[m]!.value!).toBeLessThanOrEqual(1);
    }
    for (const m of ['cove_pass_rate', 'cove_plain_pass_rate', 'cove_extra_tokens_mean', 'retrieval_f1_mean', 'retrieval_bm25_f1_mean']) {
      expect(cell.metrics[m]?.status, m).toBe('ok');
    }
    // CoVe costs more than the plain answer: plan, verification and final calls all process tokens.
    expect(cell.metrics.cove_extra_tokens_mean!.value!).toBeGreaterThan(0);
    expect(cell.metrics.retrieval_embedding_f1_mean).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/embeddings/) });
    expect(cell.verdicts.map((v) => v.metric).sort()).toEqual(['requests_failed', 'score_comprehension', 'score_endpoint_security', 'score_format', 'score_math', 'score_reasoning']);
    expect(report.quality!.degradation.some((r) => r.quant === 'Q4_K_M' && r.baselineQuant === 'Q8_0' && r.metric === 'score_math')).toBe(true);
    const html = readFileSync(path.join(runs[0]!.outDir, runs[0]!.runId, 'report.html'), 'utf8');
    expect(html).toContain('Quality versus the baseline quantization');
  });

  test('responses record output, evidence (extracted, rule), expected, score, grader, latency and tokens for every graded item', () => {
    const { outDir, runId } = runs[0]!;
    const lines = readFileSync(path.join(outDir, runId, 'tiny_Q4_K_M_t1_c1024_nice10', 'quality', 'responses.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const graded = lines.filter((l) => l.state === 'graded');
    expect(new Set(graded.map((l) => l.kind))).toEqual(new Set(['golden', 'cove', 'retrieval']));
    expect(graded.length).toBeGreaterThan(10);
    for (const l of graded) {
      expect(Object.keys(l), String(l.id)).toEqual(expect.arrayContaining(l.kind === 'retrieval' ? ['id', 'output', 'evidence', 'relevant'] : ['id', 'category', 'output', 'evidence', 'expected', 'grader']));
      const evidence = l.evidence as { extracted: unknown; rule: unknown };
      expect(evidence, String(l.id)).toHaveProperty('extracted');
      expect(typeof evidence.rule, String(l.id)).toBe('string');
      expect((evidence.rule as string).length, String(l.id)).toBeGreaterThan(0);
    }
    for (const l of graded.filter((x) => x.kind === 'golden')) expect(Object.keys(l)).toEqual(expect.arrayContaining(['score', 'latency_ms', 'completion_tokens']));
  });

  test('constrained mode: the request carried the schema, the server decoded under it, and both scores reach the scoreboard', () => {
    const { outDir, runId, report } = runs[0]!;
    const lines = readFileSync(path.join(outDir, runId, 'tiny_Q4_K_M_t1_c1024_nice10', 'quality', 'responses.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; mode?: string; set?: string; id: string; state: string; output: string; request?: { response_format: { type: string; json_schema: { schema: unknown } } } });
    const items = new Map([...loadGoldenSet(path.join(ROOT, 'goldens/math.jsonl')), ...loadGoldenSet(path.join(ROOT, 'goldens/endpoint-security.jsonl'))].map((i) => [i.id, i]));
    const constrained = lines.filter((l) => l.kind === 'golden' && l.mode === 'constrained' && l.state === 'graded');
    expect(constrained.map((l) => l.set).sort()).toEqual(['endpoint-security', 'endpoint-security', 'math', 'math']);
    for (const l of constrained) {
      // What was sent: response_format json_schema with the schema derived from the item's grader.
      expect(l.request!.response_format.type).toBe('json_schema');
      expect(l.request!.response_format.json_schema.schema).toEqual(constrainedSchema(items.get(l.id)!.grader));
      // What came back: a random-weight model writes valid {"answer": …} only because the grammar forced it.
      const answer = (JSON.parse(l.output) as { answer: unknown }).answer;
      if (l.set === 'math') expect(typeof answer, l.output).toBe('number');
      else expect(['benign', 'suspicious'], l.output).toContain(answer);
    }
    // The same items free-form are not JSON: the constraint, not the model, made the shape.
    const free = lines.filter((l) => l.kind === 'golden' && l.mode === 'free' && l.set === 'math');
    expect(free.some((l) => !/^\s*\{\s*"answer"/.test(l.output))).toBe(true);
    const cell = report.cells.find((c) => c.profile === 'quality' && c.cell.quant === 'Q4_K_M')!;
    for (const m of ['score_math', 'score_math_constrained', 'score_endpoint_security_constrained', 'score_overall', 'score_overall_constrained']) {
      expect(cell.metrics[m], m).toMatchObject({ status: 'ok', unit: 'score' });
    }
    expect(cell.metrics.score_comprehension_constrained).toBeUndefined();
    expect(cell.metrics.items_errored).toMatchObject({ status: 'ok', value: 0 });
    const rows = report.quality!.degradation.filter((r) => r.quant === 'Q4_K_M' && r.metric === 'score_math_constrained');
    expect(rows).toEqual([expect.objectContaining({ baselineQuant: 'Q8_0', mode: 'constrained' })]);
    const html = readFileSync(path.join(outDir, runId, 'report.html'), 'utf8');
    expect(html).toContain('Grade evidence');
    expect(html).toMatch(/<details class="item" data-id="math-001">/);
  });

  test('two runs on the same cell and binary give identical responses', () => {
    const cell = 'tiny_Q4_K_M_t1_c1024_nice10';
    const a = outputs(runs[0]!.outDir, runs[0]!.runId, cell);
    const b = outputs(runs[1]!.outDir, runs[1]!.runId, cell);
    expect(a.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
    // …and the comparison can tell answers apart: two quantizations of the same weights answer differently.
    const q4 = outputs(runs[0]!.outDir, runs[0]!.runId, 'tiny_Q4_K_M_t1_c1024_nice10');
    const q8 = outputs(runs[0]!.outDir, runs[0]!.runId, 'tiny_Q8_0_t1_c1024_nice10');
    expect(q4).not.toEqual(q8);
  });
});
