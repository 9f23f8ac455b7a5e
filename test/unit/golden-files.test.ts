// Golden file loading (harness/scoring/goldens.ts): a bad line names its file, its line and what was wrong; and how an
// item becomes chat messages.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { chatMessages, goldenItemSchema, loadGoldenSet, readJsonl } from '../../harness/scoring/goldens.ts';
import { stripReasoningBlocks } from '../../harness/scoring/reasoning.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'goldens-'));
function file(name: string, lines: unknown[]): string {
  const f = path.join(dir, name);
  writeFileSync(f, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return f;
}
const item = (id: string, extra: Record<string, unknown> = {}) => ({ id, category: 'c', prompt: 'Q?', grader: { type: 'exact' }, reference: 'x', ...extra });

describe('readJsonl via loadGoldenSet', () => {
  test('blank lines are skipped but counted, defaults are filled in', () => {
    const f = file('ok.jsonl', [item('a'), '', '   ', item('b', { weight: 2 })]);
    const got = loadGoldenSet(f);
    expect(got.map((i) => [i.id, i.weight, i.max_tokens])).toEqual([
      ['a', 1, 64],
      ['b', 2, 64],
    ]);
  });
  test('a field that fails names its path', () => {
    const f = file('bad-id.jsonl', [item('a'), '', item('Bad Id')]);
    expect(() => loadGoldenSet(f)).toThrow(`${f}:3: id: expected lowercase letters, digits and "-"`);
  });
  test('several problems are joined; a problem of the whole item is named "item"', () => {
    const f = file('both.jsonl', [{ ...item('a'), messages: [{ role: 'user', content: 'Q?' }] }]);
    expect(() => loadGoldenSet(f)).toThrow(`${f}:1: item: expected exactly one of prompt or messages`);
    const g = file('two.jsonl', [{ ...item('a'), category: '', weight: -1 }]);
    expect(() => loadGoldenSet(g)).toThrow(new RegExp(`^${g.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: category: .+; weight: .+$`));
  });
  test('a repeated id is refused with its line', () => {
    const f = file('dup.jsonl', [item('a'), item('b'), item('a')]);
    expect(() => loadGoldenSet(f)).toThrow(`${f}:3: duplicate id a`);
  });
  test('a file without items is refused', () => {
    const f = file('empty.jsonl', ['', '  ']);
    expect(() => loadGoldenSet(f)).toThrow(`${f}: no items`);
  });
  test('not JSON: the line and the parser\'s reason', () => {
    const f = file('broken.jsonl', [item('a'), '{oops']);
    expect(() => loadGoldenSet(f)).toThrow(new RegExp(`broken\\.jsonl:2: not JSON \\(.+\\)`));
  });
});

describe('golden item fields, at their edges (written against mutants of goldens.ts)', () => {
  const ok = (extra: Record<string, unknown>, id = 'ab-12') => goldenItemSchema.safeParse(item(id, extra)).success;
  test('an id is lowercase letters, digits and "-" from start to end', () => {
    expect(ok({}, 'ab-12')).toBe(true);
    expect(ok({}, 'ab-12!')).toBe(false);
    expect(ok({}, '!ab')).toBe(false);
    expect(ok({}, '')).toBe(false);
  });
  test('max_tokens is an integer from 1 to 2048', () => {
    expect(ok({ max_tokens: 1 })).toBe(true);
    expect(ok({ max_tokens: 2048 })).toBe(true);
    expect(ok({ max_tokens: 0 })).toBe(false);
    expect(ok({ max_tokens: 2049 })).toBe(false);
    expect(ok({ max_tokens: 1.5 })).toBe(false);
  });
  test('messages: system, user and assistant roles, nothing else', () => {
    const { prompt: _, ...rest } = item('c');
    const msgs = (role: string) => goldenItemSchema.safeParse({ ...rest, messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'q' }, { role, content: 'a' }] }).success;
    expect(msgs('assistant')).toBe(true);
    expect(msgs('user')).toBe(true);
    expect(msgs('tool')).toBe(false);
  });
  test('a nested problem names its dotted path', () => {
    const { prompt: _, ...rest } = item('d');
    const f = file('nested.jsonl', [{ ...rest, messages: [{ role: 'bot', content: 'x' }] }]);
    expect(() => loadGoldenSet(f)).toThrow(new RegExp(`nested\\.jsonl:1: messages\\.0\\.role: `));
  });
  test('items without an id are never duplicates', () => {
    const f = file('no-ids.jsonl', [{ q: 'a' }, { q: 'a' }]);
    expect(readJsonl(f, z.object({ q: z.string() }))).toEqual([{ q: 'a' }, { q: 'a' }]);
  });
});

describe('chatMessages', () => {
  test('a prompt is one user message; messages are kept as written', () => {
    expect(chatMessages(goldenItemSchema.parse(item('a', { prompt: 'What?' })))).toEqual([{ role: 'user', content: 'What?' }]);
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What?' },
    ];
    const { prompt: _, ...rest } = item('b');
    expect(chatMessages(goldenItemSchema.parse({ ...rest, messages }))).toEqual(messages);
  });
});

describe('an orphan closing tag before an opening one', () => {
  test('the text before the orphan goes, then the unclosed block after it', () => {
    expect(stripReasoningBlocks('a </think> b <think> c')).toEqual({ text: 'b', removed: ['reasoning before a closing tag', 'unclosed <think> block'], unclosed: true });
  });
});
