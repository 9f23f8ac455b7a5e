// JSON answers by hand (harness/scoring/json-answer.ts): which objects an output holds, which one stands, how strings
// are folded and what a schema's shape keeps. Written against its mutants: each expectation is checked by reading.
import { describe, expect, test } from 'vitest';
import { foldStrings, jsonCandidates, jsonValidator, pickJson, schemaProblem, shapeOf } from '../../harness/scoring/json-answer.ts';

const values = (output: string) => jsonCandidates(output).cands.map((c) => c.value);
const anyShape = () => true;

describe('jsonCandidates: balanced objects', () => {
  test('positions and where, in order', () => {
    // "x {"a":1} y {"b":2}": first object at 2..9, second at 12..19
    expect(jsonCandidates('x {"a":1} y {"b":2}')).toEqual({
      text: 'x {"a":1} y {"b":2}',
      cands: [
        { value: { a: 1 }, index: 2, end: 9, where: 'object at character 2' },
        { value: { b: 2 }, index: 12, end: 19, where: 'object at character 12' },
      ],
    });
  });
  test('braces inside strings do not count, escaped quotes do not end a string', () => {
    expect(values('{"a":"}"} tail')).toEqual([{ a: '}' }]);
    expect(values('{"a":"{"} tail')).toEqual([{ a: '{' }]);
    expect(values('{"a":"say \\"}\\" ok"}')).toEqual([{ a: 'say "}" ok' }]);
    expect(values('{"a":"back\\\\"} {"b":1}')).toEqual([{ a: 'back\\' }, { b: 1 }]);
  });
  test('a quote outside any object opens no string', () => {
    // the stray quote before the object must not swallow it
    expect(values('He said " then {"a":1}')).toEqual([{ a: 1 }]);
    expect(values('"{"a":1}"')).toEqual([{ a: 1 }]);
  });
  test('nested objects are one candidate; a stray closing brace is ignored', () => {
    expect(values('} {"a":{"b":{"c":1}}} }')).toEqual([{ a: { b: { c: 1 } } }]);
    expect(values('{"a":1')).toEqual([]);
  });
  test('only objects: arrays, null, numbers and broken JSON are no candidate', () => {
    expect(values('[1,2] null 3 {not json} {"ok":true}')).toEqual([{ ok: true }]);
    expect(values('```json\n[1,2]\n```')).toEqual([]);
    expect(values('```json\nnull\n```')).toEqual([]);
  });
});

describe('jsonCandidates: code fences', () => {
  test('a fence that parses whole is one candidate, the object inside it is not counted again', () => {
    const out = '```json\n{"a":1}\n```';
    expect(jsonCandidates(out).cands).toEqual([{ value: { a: 1 }, index: 0, end: out.length, where: 'code fence' }]);
  });
  test('a fence without a language or newline', () => {
    expect(jsonCandidates('```{"a":1}```').cands).toEqual([{ value: { a: 1 }, index: 0, end: 13, where: 'code fence' }]);
    expect(jsonCandidates('```JSON  {"a":1} ```').cands.map((c) => c.where)).toEqual(['code fence']);
  });
  test('a fence that does not parse whole gives its bare objects', () => {
    const out = '```\n{"a":1}\n{"b":2}\n```';
    expect(jsonCandidates(out).cands).toEqual([
      { value: { a: 1 }, index: 4, end: 11, where: 'object at character 4' },
      { value: { b: 2 }, index: 12, end: 19, where: 'object at character 12' },
    ]);
  });
  test('candidates are sorted by position: a bare object before a later fence comes first', () => {
    const out = '{"a":1}\n```json\n{"b":2}\n```';
    expect(jsonCandidates(out).cands.map((c) => [c.where, c.index])).toEqual([
      ['object at character 0', 0],
      ['code fence', 8],
    ]);
  });
  test('two fences are two candidates', () => {
    expect(values('```json\n{"a":1}\n```\nthen\n```json\n{"a":2}\n```')).toEqual([{ a: 1 }, { a: 2 }]);
  });
  test('reasoning blocks go first and the text is normalised', () => {
    expect(jsonCandidates('<think>{"a":0}</think>\r\n{"a":1}')).toEqual({ text: '{"a":1}', cands: [{ value: { a: 1 }, index: 0, end: 7, where: 'object at character 0' }] });
  });
});

describe('pickJson', () => {
  const pick = (out: string, fits: (v: unknown) => boolean = anyShape) => {
    const { text, cands } = jsonCandidates(out);
    return pickJson(text, cands, fits);
  };
  test('nothing to pick', () => {
    expect(pickJson('', [], anyShape)).toEqual({ none: 'no JSON object found' });
  });
  test('one object: its place, nothing about others', () => {
    expect(pick('{"a":1}')).toEqual({ pick: { value: { a: 1 }, index: 0, end: 7, where: 'object at character 0' }, rule: 'json: object at character 0' });
  });
  test('the same object twice is one answer, the last copy stands', () => {
    expect(pick('{"a":1} again {"a":1}')).toEqual({ pick: { value: { a: 1 }, index: 14, end: 21, where: 'object at character 14' }, rule: 'json: object at character 14, the only well-shaped object of 2' });
    // nothing fits the shape: the rule does not call it well-shaped
    expect(pick('{"a":1} {"a":1}', () => false)).toEqual({ pick: { value: { a: 1 }, index: 8, end: 15, where: 'object at character 8' }, rule: 'json: object at character 8, the only object of 2' });
  });
  test('a template echoed back is no answer: each placeholder form', () => {
    for (const ph of ['<ID>', '<>', '...', '…', 'string', 'NUMBER', 'TBD', '?', '???', '  <city>  ']) {
      const got = pick(`{"city":${JSON.stringify(ph)}} {"city":"Oslo"}`);
      expect('pick' in got && got.pick.value, ph).toEqual({ city: 'Oslo' });
      expect('pick' in got && got.rule, ph).toBe(`json: object at character ${JSON.stringify(ph.normalize('NFKC')).length + 10}, the only well-shaped object of 2`);
    }
  });
  test('an ellipsis character is a placeholder too when handed in directly (normalisation makes it "..." before)', () => {
    const cands = [
      { value: { x: '…' }, index: 0, end: 9, where: 'object at character 0' },
      { value: { x: 'y' }, index: 10, end: 19, where: 'object at character 10' },
    ];
    expect(pickJson('', cands, anyShape)).toEqual({ pick: cands[1], rule: 'json: object at character 10, the only well-shaped object of 2' });
  });
  test('a value that only contains placeholder words is real', () => {
    for (const real of ['strings', 'a <b> c', 'TBD soon', '...ok', 'number 5', 'see <ID>', 'why?']) {
      expect(pick(`{"x":${JSON.stringify(real)}} {"x":"other"}`), real).toEqual({ none: 'json: 2 different objects, none marked as the answer' });
    }
    // non-string values are never placeholders
    expect(pick('{"x":1} {"x":"other"}')).toEqual({ none: 'json: 2 different objects, none marked as the answer' });
  });
  test('one placeholder among real values makes the object a template', () => {
    const got = pick('{"city":"<city>","n":1} {"city":"Oslo","n":1}');
    expect('pick' in got && got.pick.value).toEqual({ city: 'Oslo', n: 1 });
  });
  test('a correction word in capitals still counts', () => {
    expect('pick' in pick('{"a":1} WAIT {"a":2}')).toBe(true);
  });
  test('only placeholders: the last one is picked (the validator then fails it)', () => {
    expect(pick('{"x":"<a>"} {"x":"<b>"}')).toEqual({ none: 'json: 2 different objects, none marked as the answer' });
    const one = pick('{"x":"<a>"}');
    expect('pick' in one && one.pick.value).toEqual({ x: '<a>' });
  });
  test('the only well-shaped object among others stands, and the rule says so', () => {
    const fits = (v: unknown) => typeof (v as { n?: unknown }).n === 'number';
    expect(pick('{"n":"x"} {"n":4} {"m":1}', fits)).toEqual({
      pick: { value: { n: 4 }, index: 10, end: 17, where: 'object at character 10' },
      rule: 'json: object at character 10, the only well-shaped object of 3',
    });
  });
  test('two different objects: a correction or a marker between them makes the last stand', () => {
    const got = pick('{"a":1} Wait, that is wrong. {"a":2}');
    expect(got).toEqual({ pick: { value: { a: 2 }, index: 29, end: 36, where: 'object at character 29' }, rule: 'json: object at character 29, after "Wait, that is wrong."' });
    const marked = pick('{"a":1}\nFINAL ANSWER: {"a":2}');
    expect('pick' in marked && marked.rule).toBe('json: object at character 22, after "FINAL ANSWER:"');
    const long = pick('{"a":1} Actually, on second thought I believe it should be {"a":2}');
    expect('pick' in long && long.rule).toBe('json: object at character 59, after "Actually, on second thought I "');
    const lineMarker = pick('{"a":1}\nanswer\n{"a":2}');
    expect('pick' in lineMarker && lineMarker.pick.value).toEqual({ a: 2 });
  });
  test('only the gap between the last two counts', () => {
    expect(pick('{"a":1} actually {"a":2} and {"a":3}')).toEqual({ none: 'json: 3 different objects, none marked as the answer' });
    expect(pick('{"a":1} and {"a":2} nope')).toEqual({ none: 'json: 2 different objects, none marked as the answer' });
  });
});

describe('jsonValidator and schemaProblem', () => {
  test('a schema compiles once and validates', () => {
    const schema = { type: 'object', required: ['a'] };
    const v = jsonValidator(schema);
    expect(jsonValidator(schema)).toBe(v);
    expect(v({ a: 1 })).toBe(true);
    expect(v({})).toBe(false);
    expect(jsonValidator({ type: 'object', required: ['a'] })).not.toBe(v);
  });
  test('every error is collected (allErrors)', () => {
    const v = jsonValidator({ type: 'object', required: ['a', 'b'] });
    v({});
    expect(v.errors?.length).toBe(2);
  });
  test('unknown keywords are tolerated (strict off); a broken schema is named', () => {
    expect(schemaProblem({ type: 'object', description_x: 1 })).toBeNull();
    expect(schemaProblem({ type: 'nope' })).toMatch(/type/);
  });
});

describe('foldStrings', () => {
  test('strings trimmed, lower-cased, inner space collapsed; deep in arrays and objects', () => {
    expect(foldStrings('  New\t\nYORK  City ')).toBe('new york city');
    expect(foldStrings({ City: ' Oslo ', list: ['A  B', 2, null, true], inner: { x: 'Q' } })).toEqual({ City: 'oslo', list: ['a b', 2, null, true], inner: { x: 'q' } });
  });
  test('other values pass through', () => {
    expect(foldStrings(3)).toBe(3);
    expect(foldStrings(null)).toBeNull();
    expect(foldStrings(false)).toBe(false);
    expect(foldStrings(undefined)).toBeUndefined();
  });
});

describe('shapeOf', () => {
  test('drops every value-giving keyword, keeps the shape', () => {
    const schema = {
      type: 'object',
      required: ['a'],
      properties: {
        a: { type: 'string', const: 'x', enum: ['x'], pattern: '^x$' },
        n: { type: 'number', minimum: 1, maximum: 2, exclusiveMinimum: 0, exclusiveMaximum: 3, multipleOf: 1 },
        l: { type: 'array', items: { type: 'string', enum: ['p'] }, contains: { const: 'p' }, minItems: 1 },
        u: { anyOf: [{ const: 1 }], oneOf: [{ const: 2 }], not: { const: 3 }, description: 'kept' },
      },
    };
    expect(shapeOf(schema)).toEqual({
      type: 'object',
      required: ['a'],
      properties: {
        a: { type: 'string' },
        n: { type: 'number' },
        l: { type: 'array', items: { type: 'string' }, minItems: 1 },
        u: { description: 'kept' },
      },
    });
  });
  test('a property named like a dropped keyword is kept (property names are not keywords)', () => {
    expect(shapeOf({ type: 'object', properties: { enum: { type: 'string', enum: ['a'] }, const: { type: 'number' } } })).toEqual({
      type: 'object',
      properties: { enum: { type: 'string' }, const: { type: 'number' } },
    });
  });
  test('arrays and primitives', () => {
    expect(shapeOf([{ type: 'string', const: 'a' }, 1])).toEqual([{ type: 'string' }, 1]);
    expect(shapeOf(null)).toBeNull();
    expect(shapeOf('x')).toBe('x');
  });
});
