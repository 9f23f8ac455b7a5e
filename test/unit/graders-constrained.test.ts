// Constrained-answer mode, the counting of failed requests, and the per-item evidence on the page.
import { describe, expect, test } from 'vitest';
import type { ChatRecord } from '../../harness/client/chat.ts';
import { askGolden, goldenMetrics, type GoldenOutcome } from '../../harness/profiles/quality/goldens.ts';
import { evidenceSection } from '../../harness/report/html/evidence.ts';
import { gradedItem } from '../../harness/report/read-evidence.ts';
import type { CellReport } from '../../harness/report/model.ts';
import { constrainedSchema, gradeConstrained, responseFormat } from '../../harness/scoring/constrained.ts';
import { goldenItemSchema } from '../../harness/scoring/goldens.ts';
import { graderSchema, type GraderInput } from '../../harness/scoring/graders.ts';
import { jsonValidator } from '../../harness/scoring/json-answer.ts';

const g = (x: GraderInput) => graderSchema.parse(x);

describe('schemas derived from the grader', () => {
  test('number, enum of labels or options, bounded string; none for form graders', () => {
    expect(constrainedSchema(g({ type: 'numeric', tolerance: 0.01 }))).toEqual({
      type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'], additionalProperties: false,
    });
    expect((constrainedSchema(g({ type: 'label', labels: ['allow', 'deny'] })) as { properties: { answer: unknown } }).properties.answer).toEqual({ type: 'string', enum: ['allow', 'deny'] });
    expect((constrainedSchema(g({ type: 'choice', choices: ['A', 'B'] })) as { properties: { answer: unknown } }).properties.answer).toEqual({ type: 'string', enum: ['A', 'B'] });
    expect((constrainedSchema(g({ type: 'exact' })) as { properties: { answer: { type: string } } }).properties.answer.type).toBe('string');
    for (const form of [{ type: 'count', unit: 'words', max: 3 }, { type: 'keywords', all: ['x'] }, { type: 'regex', pattern: 'x' }] as GraderInput[]) expect(constrainedSchema(g(form))).toBeNull();
  });

  test('a JSON item keeps its shape and loses the values that would give the answer away', () => {
    const schema = { type: 'object', properties: { city: { type: 'string', const: 'tokyo' }, tags: { type: 'array', items: { type: 'string', enum: ['a'] } } }, required: ['city'] };
    const derived = constrainedSchema(g({ type: 'json', schema }));
    expect(JSON.stringify(derived)).not.toMatch(/tokyo|const|enum/);
    expect(jsonValidator(derived!)({ city: 'Kyoto', tags: ['z'] })).toBe(true);
    expect(jsonValidator(derived!)({ tags: [] })).toBe(false);
  });

  test('the request field is the OpenAI json_schema form llama-server reads', () => {
    expect(responseFormat({ type: 'object' })).toEqual({ type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object' } } });
  });
});

describe('grading a constrained reply', () => {
  const numeric = g({ type: 'numeric', tolerance: 0.01 });
  test.each([
    ['{"answer": 36}', 1],
    ['{"answer": 36.004}', 1],
    ['  {"answer":"36"}\n', 1],
    ['{"answer": 40}', 0],
    ['{"answer": 36', 0],
    ['{"result": 36}', 0],
    ['{"answer": null}', 0],
    ['{"answer": [36]}', 0],
    ['', 0],
  ])('%j → %d', (out, s) => {
    const r = gradeConstrained(numeric, out, '36');
    expect(r.score).toBe(s);
    expect(r.evidence.rule).toMatch(/^constrained/);
  });
  test('labels and options by their own grader, JSON items by their schema', () => {
    expect(gradeConstrained(g({ type: 'label', labels: ['allow', 'deny'] }), '{"answer":"deny"}', 'deny').score).toBe(1);
    expect(gradeConstrained(g({ type: 'choice', choices: ['A', 'B'] }), '{"answer":"A"}', 'B').score).toBe(0);
    const json = g({ type: 'json', schema: { type: 'object', properties: { city: { const: 'tokyo' } }, required: ['city'] } });
    expect(gradeConstrained(json, '{"city":"Tokyo"}', '').score).toBe(1);
  });
});

const item = goldenItemSchema.parse({ id: 'm-1', category: 'math', prompt: 'What is 6 × 6? Answer with just the number.', grader: { type: 'numeric', tolerance: 0 }, reference: '36' });
const reply = (text: string): ChatRecord => ({ ok: true, error: null, text, latencyMs: 5, promptTokens: 10, completionTokens: 3, timings: null });

describe('asking a golden item', () => {
  test('a failed request is an error with its text, not a wrong answer', async () => {
    const { record, outcome } = await askGolden('math', item, 'free', async () => ({ ...reply(''), ok: false, error: 'no answer within 120 s' }));
    expect(outcome).toMatchObject({ state: 'error', score: null, error: 'no answer within 120 s' });
    expect(record).toMatchObject({ state: 'error', score: null, error: 'no answer within 120 s', evidence: null });
  });

  test('free-form: evidence recorded; constrained: the schema is sent and the instruction added', async () => {
    const free = await askGolden('math', item, 'free', async () => reply('The answer is 36.'));
    expect(free.record).toMatchObject({ mode: 'free', state: 'graded', score: 1, evidence: { extracted: '36', rule: expect.stringMatching(/marker/) } });
    const sent: unknown[] = [];
    const constrained = await askGolden('math', item, 'constrained', async (messages, maxTokens, options) => {
      sent.push({ last: messages.at(-1)!.content, maxTokens, options });
      return reply('{"answer": 36}');
    });
    expect(constrained.record).toMatchObject({ mode: 'constrained', score: 1, request: { response_format: { type: 'json_schema' } } });
    expect(sent[0]).toMatchObject({ last: expect.stringMatching(/\{"answer": <your answer>\}/), maxTokens: 128, options: { responseFormat: responseFormat(constrainedSchema(item.grader)!) } });
  });

  test('a form grader has no constrained form: not applicable, never asked', async () => {
    const form = goldenItemSchema.parse({ ...item, grader: { type: 'count', unit: 'words', max: 3 } });
    let asked = false;
    const r = await askGolden('format', form, 'constrained', async () => ((asked = true), reply('')));
    expect(asked).toBe(false);
    expect(r.outcome.state).toBe('not-applicable');
  });
});

describe('category scores count failed requests', () => {
  const o = (category: string, state: GoldenOutcome['state'], score: number | null, mode: GoldenOutcome['mode'] = 'free'): GoldenOutcome => ({
    category, weight: 1, mode, state, score, error: state === 'error' ? 'HTTP 500: boom' : null,
  });
  test('all graded: the weighted mean', () => {
    const m = goldenMetrics([o('math', 'graded', 1), o('math', 'graded', 0), o('format', 'graded', 1)], 'free');
    expect(m.score_math).toMatchObject({ status: 'ok', value: 0.5 });
    expect(m.score_overall).toMatchObject({ status: 'ok', value: 2 / 3 });
  });
  test('one failed request makes its category and the overall score an error that says what happened', () => {
    const m = goldenMetrics([o('math', 'graded', 1), o('math', 'error', null), o('format', 'graded', 1)], 'free');
    expect(m.score_math).toMatchObject({ status: 'error', value: null, reason: expect.stringMatching(/1 of 2 item\(s\) of math got no answer \(first: HTTP 500: boom\); the 1 graded item\(s\) score 1\.000/) });
    expect(m.score_format).toMatchObject({ status: 'ok', value: 1 });
    expect(m.score_overall!.status).toBe('error');
  });
  test('constrained scores are their own metrics; not-applicable items are left out, not zeroed', () => {
    const m = goldenMetrics([o('math', 'graded', 1, 'constrained'), o('format', 'not-applicable', null, 'constrained'), o('math', 'graded', 0)], 'constrained');
    expect(m.score_math_constrained).toMatchObject({ status: 'ok', value: 1 });
    expect(m.score_format_constrained).toMatchObject({ status: 'skipped' });
    expect(m.score_overall_constrained).toMatchObject({ status: 'ok', value: 1 });
    expect(m.score_math).toBeUndefined();
  });
});

describe('evidence on the page', () => {
  const cell = { profile: 'quality', cell: { id: 'm Q4 t1', slug: 'm_Q4_t1', model: 'm', quant: 'Q4', threads: 1, ctx: 512, priority: 'nice10' } } as unknown as CellReport;
  const line = { kind: 'golden', mode: 'free', set: 'math', id: 'math-001', state: 'graded', score: 0, evidence: { extracted: '<b>40</b>', rule: 'marker "Answer:"' }, expected: '36', detail: 'expected 36', output: '<script>alert(1)</script>Answer: 40' };
  test('what was extracted and which rule decided, per item, escaped', () => {
    const html = evidenceSection([cell], new Map([['m_Q4_t1/quality', [gradedItem(line)!]]]));
    expect(html).toContain('<details class="item" data-id="math-001">');
    expect(html).toContain('marker &quot;Answer:&quot;');
    expect(html).toContain('&lt;b&gt;40&lt;/b&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>40</b>');
  });
  test('a failed request shows as an error, not a zero', () => {
    const html = evidenceSection([cell], new Map([['m_Q4_t1/quality', [gradedItem({ ...line, state: 'error', score: null, evidence: null, error: 'timed out', output: '' })!]]]));
    expect(html).toContain('request failed: timed out');
    expect(html).toContain('s-error');
  });
});
