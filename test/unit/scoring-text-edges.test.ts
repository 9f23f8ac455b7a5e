// Edges of the text helpers the graders share, of retrieval scoring and of constrained replies: each expectation
// is worked out by hand beside it.
import { describe, expect, test } from 'vitest';
import { constrainedInstruction, constrainedSchema, gradeConstrained, CONSTRAINED_MAX_LENGTH } from '../../harness/scoring/constrained.ts';
import { graderSchema, type GraderInput } from '../../harness/scoring/graders.ts';
import { escapeRegExp, normalizeText, stripMarkdown, tidy } from '../../harness/scoring/normalize.ts';
import { bm25Rank, precisionRecall, readDocIds } from '../../harness/scoring/retrieval.ts';

const g = (x: GraderInput) => graderSchema.parse(x);

describe('normalizeText', () => {
  test('superscripts become exponents before NFKC could glue them to the base', () => {
    expect(normalizeText('10³')).toBe('10^3');
    expect(normalizeText('10⁻¹² m and x²⁺')).toBe('10^-12 m and x^2+');
    expect(normalizeText('⁰¹⁴⁵⁶⁷⁸⁹')).toBe('^01456789');
  });
  test('no-break, narrow, figure and thin spaces stay as they are; other compatibility forms fold', () => {
    for (const space of ['\u00a0', '\u202f', '\u2007', '\u2009']) expect(normalizeText(`1${space}000`)).toBe(`1${space}000`);
    expect(normalizeText('１２ ｍ')).toBe('12 m');
    // a NUL that is not one of ours passes through untouched
    expect(normalizeText('a\u0000zz\u0000b')).toBe('a\u0000zz\u0000b');
  });
  test('zero-width characters go, line ends become \\n', () => {
    expect(normalizeText('a\u200bb\u200cc\u200dd\u2060e\ufefff')).toBe('abcdef');
    expect(normalizeText('a\r\nb\rc\n')).toBe('a\nb\nc\n');
  });
  test('every listed digit set maps to ASCII, its zero included; an unlisted set is left alone', () => {
    expect(normalizeText('٠٣٩')).toBe('039'); // Arabic-Indic 0x0660
    expect(normalizeText('۰۷')).toBe('07'); // extended Arabic-Indic 0x06f0
    expect(normalizeText('०९')).toBe('09'); // Devanagari 0x0966
    expect(normalizeText('꧐꧙')).toBe('09'); // Javanese 0xa9d0
    expect(normalizeText('꯰꯹')).toBe('09'); // Meetei Mayek 0xabf0, the last listed
    expect(normalizeText('𐒠𐒩')).toBe('𐒠𐒩'); // Osmanya (outside the BMP, not listed)
  });
});

describe('stripMarkdown', () => {
  test('fences, bold, underline and code marks go; the words stay', () => {
    expect(stripMarkdown('```python\nx = 1\n```')).toBe('x = 1');
    expect(stripMarkdown('```\ny\n```')).toBe('y');
    // a fence with its language at the very end, no newline after it
    expect(stripMarkdown('x\n```js')).toBe('x');
    expect(stripMarkdown('**bold** __under__ `code`')).toBe('bold under code');
  });
  test('single-star emphasis only around words, not inside arithmetic or words', () => {
    expect(stripMarkdown('an *emphasised* word')).toBe('an emphasised word');
    expect(stripMarkdown('2*3*4')).toBe('2*3*4');
    expect(stripMarkdown('a * b * c')).toBe('a * b * c');
    expect(stripMarkdown('*one*two*')).toBe('*one*two*');
  });
  test('boxed answers, headings and quotes', () => {
    expect(stripMarkdown('\\boxed{42}')).toBe('42');
    expect(stripMarkdown('\\boxed{{x}}')).toBe('\\boxed{{x}}');
    expect(stripMarkdown('## Answer\n> quoted\n>also')).toBe('Answer\nquoted\nalso');
    expect(stripMarkdown('  ### deep')).toBe('deep');
    expect(stripMarkdown('x\n##Title\n## Next\n  > quoted')).toBe('x\nTitle\nNext\nquoted');
    expect(stripMarkdown('a # not a heading')).toBe('a # not a heading');
  });
});

describe('escapeRegExp and tidy', () => {
  test('every special character is escaped', () => {
    const specials = '.*+?^${}()|[]\\';
    expect(escapeRegExp(specials)).toBe('\\.\\*\\+\\?\\^\\$\\{\\}\\(\\)\\|\\[\\]\\\\');
    expect(new RegExp(`^${escapeRegExp(specials)}$`).test(specials)).toBe(true);
    expect(escapeRegExp('plain-text')).toBe('plain-text');
  });
  test('tidy: lower case, one space, no wrapping quotes or brackets, no trailing punctuation', () => {
    expect(tidy('  "Paris."  ')).toBe('paris');
    expect(tidy('(Tokyo)')).toBe('tokyo');
    expect(tidy('(("Tokyo"))')).toBe('tokyo');
    expect(tidy('«Rome»!?')).toBe('rome');
    expect(tidy('New\u00a0 York\u202fCity')).toBe('new york city');
    expect(tidy('**Oslo**;')).toBe('oslo');
    expect(tidy("'x', ")).toBe('x');
    // punctuation inside is kept
    expect(tidy('St. Louis, MO')).toBe('st. louis, mo');
  });
});

describe('precision and recall', () => {
  test('a document selected twice counts once; nothing relevant: recall 0', () => {
    expect(precisionRecall(['a', 'a'], ['a'])).toEqual({ precision: 1, recall: 1, f1: 1 });
    // 1 hit of 3 distinct: P 1/3; 1 of 1 relevant: R 1; F1 = 2·(1/3)·1 / (4/3) = 0.5
    const s = precisionRecall(['a', 'b', 'c'], ['a']);
    expect(s.precision).toBeCloseTo(1 / 3, 12);
    expect(s.recall).toBe(1);
    expect(s.f1).toBeCloseTo(0.5, 12);
    expect(precisionRecall(['a'], [])).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(precisionRecall(['x'], ['a'])).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('readDocIds', () => {
  test('ids come back in the corpus spelling, after normalisation, first mention first', () => {
    expect(readDocIds('see doc-０２ then DOC-01 then doc-02', ['DOC-01', 'Doc-02'])).toEqual(['Doc-02', 'DOC-01']);
    expect(readDocIds('nothing here', ['doc-01'])).toEqual([]);
    // an id inside a longer token is still an id: "xdoc-01" reads as "xdoc-01", not "doc-01"
    expect(readDocIds('xdoc-01', ['doc-01'])).toEqual([]);
  });
});

describe('BM25 by hand', () => {
  const docs = [
    { id: 'd1', title: 'a', text: 'b' }, // tokens a b (length 2)
    { id: 'd2', title: 'c', text: 'c c' }, // tokens c c c (length 3)
  ];
  test('one matching term: idf · f · (k1 + 1) / (f + k1 · (1 − b + b · len / avg))', () => {
    // N 2, n(a) 1: idf = ln(1 + 1.5 / 1.5) = ln 2; avg length 2.5
    // d1: ln 2 · 1 · 2.2 / (1 + 1.2 · (0.25 + 0.75 · 2 / 2.5)) = ln 2 · 2.2 / 2.02
    const ranked = bm25Rank('A a', docs);
    expect(ranked[0]!.id).toBe('d1');
    expect(ranked[0]!.score).toBeCloseTo((Math.LN2 * 2.2) / 2.02, 12);
    expect(ranked[1]).toEqual({ id: 'd2', score: 0 });
  });
  test('term frequency saturates, and k1 and b are the caller\'s', () => {
    // query c: d2 has f 3, length 3. idf ln 2. k1 = 2, b = 0: ln 2 · 3 · 3 / (3 + 2) = 1.8 ln 2
    expect(bm25Rank('c', docs, 2, 0)[0]).toEqual({ id: 'd2', score: expect.closeTo(1.8 * Math.LN2, 12) });
    // default k1 1.2, b 0.75: ln 2 · 3 · 2.2 / (3 + 1.2 · (0.25 + 0.75 · 3 / 2.5)) = ln 2 · 6.6 / 4.38
    expect(bm25Rank('c', docs)[0]!.score).toBeCloseTo((Math.LN2 * 6.6) / 4.38, 12);
  });
  test('a term in every document weighs little but not nothing; no match at all ties, broken by id', () => {
    const both = [
      { id: 'z', title: 'x', text: 'q' },
      { id: 'y', title: 'x', text: 'r' },
    ];
    // n = N = 2: idf = ln(1 + 0.5 / 2.5) = ln 1.2; equal scores: by id
    const r = bm25Rank('x', both);
    expect(r.map((d) => d.id)).toEqual(['y', 'z']);
    expect(r[0]!.score).toBeCloseTo((Math.log(1.2) * 2.2) / 2.2, 12);
    expect(bm25Rank('nothing', both)).toEqual([
      { id: 'y', score: 0 },
      { id: 'z', score: 0 },
    ]);
    expect(bm25Rank('x', [])).toEqual([]);
    // an empty document has length 0: avg length (0 + 2) / 2 = 1, so d1 scores ln 2 · 2.2 / (1 + 1.2 · (0.25 + 0.75 · 2))
    const withEmpty = bm25Rank('a', [{ id: 'e', title: '', text: '' }, { id: 'd1', title: 'a', text: 'b' }]);
    expect(withEmpty[0]!.score).toBeCloseTo((Math.LN2 * 2.2) / (1 + 1.2 * 1.75), 12);
  });
});

describe('constrained replies', () => {
  test('the schema of an id answer is a bounded string; the instruction is added except for JSON items', () => {
    expect(constrainedSchema(g({ type: 'id', pattern: 'T\\d{4}' }))).toEqual({
      type: 'object',
      properties: { answer: { type: 'string', minLength: 1, maxLength: CONSTRAINED_MAX_LENGTH } },
      required: ['answer'],
      additionalProperties: false,
    });
    expect(CONSTRAINED_MAX_LENGTH).toBe(64);
    expect(constrainedInstruction(g({ type: 'numeric' }))).toBe('\n\nReply with a JSON object of the form {"answer": <your answer>} and nothing else.');
    expect(constrainedInstruction(g({ type: 'json', schema: { type: 'object' } }))).toBe('');
  });
  test('what a bad reply is told', () => {
    const numeric = g({ type: 'numeric' });
    const broken = gradeConstrained(numeric, '{"answer": 3', '3');
    expect(broken.score).toBe(0);
    expect(broken.evidence.extracted).toBeNull();
    let parseError = '';
    try {
      JSON.parse('{"answer": 3');
    } catch (e) {
      parseError = (e as Error).message.split('\n')[0]!;
    }
    expect(broken.detail).toBe(`constrained: not valid JSON (${parseError})`);
    expect(broken.evidence.rule).toBe(broken.detail);
    for (const reply of ['{"result": 3}', '{"answer": null}']) {
      expect(gradeConstrained(numeric, reply, '3')).toEqual({
        score: 0,
        evidence: { extracted: null, rule: 'constrained: no "answer" field with a value' },
        detail: 'constrained: no "answer" field with a value',
      });
    }
    expect(gradeConstrained(numeric, '{"answer": {"v": 3}}', '3')).toEqual({
      score: 0,
      evidence: { extracted: null, rule: 'constrained: no "answer" field with a value' },
      detail: 'constrained: no "answer" field with a value',
    });
  });
  test('a good reply names the field and the grader\'s own rule; a JSON item prefixes its rule', () => {
    const r = gradeConstrained(g({ type: 'numeric' }), '{"answer": 3}', '3');
    expect(r.score).toBe(1);
    expect(r.evidence.extracted).toBe('3');
    expect(r.evidence.rule).toMatch(/^constrained: the "answer" field, ./);
    const json = gradeConstrained(g({ type: 'json', schema: { type: 'object', required: ['a'] } }), '{"a": 1}', '');
    expect(json.score).toBe(1);
    expect(json.evidence.rule).toMatch(/^constrained: .+validated against the item's JSON Schema$/);
    // a false or 0 answer is a value, not a missing one
    expect(gradeConstrained(g({ type: 'numeric' }), '{"answer": 0}', '0').score).toBe(1);
  });
});
