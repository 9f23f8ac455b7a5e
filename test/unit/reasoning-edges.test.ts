// Reasoning blocks and asides, each form by hand: what is removed, what is said about it, what is left.
import { describe, expect, test } from 'vitest';
import { stripAsides, stripReasoningBlocks } from '../../harness/scoring/reasoning.ts';

describe('stripReasoningBlocks', () => {
  test.each([
    ['<think>x</think>42', '<think> block'],
    ['< Thinking >x</ thinking >42', '< Thinking > block'],
    ['<scratchpad>x</scratchpad>42', '<scratchpad> block'],
    ['<inner_monologue>x</inner_monologue>42', '<inner_monologue> block'],
    ['[THINK]x[/THINK]42', '[THINK] block'],
    ['[reasoning]x[/REASONING]42', '[reasoning] block'],
    ['<|begin_of_thought|>x<|end_of_thought|>42', '<|begin_of_thought|> block'],
    ['◁think▷x◁/think▷42', '◁think▷ block'],
  ])('%j', (text, what) => {
    expect(stripReasoningBlocks(text)).toEqual({ text: '42', removed: [what], unclosed: false });
  });

  test('a block is closed only by its own tag', () => {
    expect(stripReasoningBlocks('<think>a</analysis>b</think>c')).toEqual({ text: 'c', removed: ['<think> block'], unclosed: false });
    expect(stripReasoningBlocks('[THINK]a</think>b[/THINK]c')).toEqual({ text: 'c', removed: ['[THINK] block'], unclosed: false });
  });

  test('several blocks: each removed, in order, the text between kept on its own line', () => {
    expect(stripReasoningBlocks('A<think>1</think>B<analysis>2</analysis>C')).toEqual({ text: 'A\nB\nC', removed: ['<think> block', '<analysis> block'], unclosed: false });
  });

  test('an unclosed block: what came before it stays, the rest goes, and it is flagged', () => {
    expect(stripReasoningBlocks(' Answer: 7 <think> but wait')).toEqual({ text: 'Answer: 7', removed: ['unclosed <think> block'], unclosed: true });
  });

  test('an orphan closing tag (the template opened the block): everything before the last one goes', () => {
    expect(stripReasoningBlocks('thinking… </think> more </think> 42')).toEqual({ text: '42', removed: ['reasoning before a closing tag'], unclosed: false });
    expect(stripReasoningBlocks('x<|end_of_thought|>y')).toEqual({ text: 'y', removed: ['reasoning before a closing tag'], unclosed: false });
    // a closing tag that belongs to a block opened earlier is no orphan
    expect(stripReasoningBlocks('<think>a</think>b')).toEqual({ text: 'b', removed: ['<think> block'], unclosed: false });
  });

  test('no block: the text trimmed, nothing removed', () => {
    expect(stripReasoningBlocks('  plain <b>bold</b>  ')).toEqual({ text: 'plain <b>bold</b>', removed: [], unclosed: false });
  });
});

describe('stripAsides', () => {
  const prepared = (text: string) => ({ text, removed: [], unclosed: false });

  test('an aside section runs until an answer label', () => {
    expect(stripAsides(prepared('Reasoning: 2 + 2\nstill reasoning\nAnswer: 4\nafter'))).toEqual({
      text: 'Answer: 4\nafter',
      removed: ['section "Reasoning: 2 + 2"'],
      unclosed: false,
    });
    expect(stripAsides(prepared('**Explanation**: because\n## Final answer: B'))).toMatchObject({ text: '## Final answer: B' });
  });

  test('a label needs its colon, within 20 characters of the word', () => {
    expect(stripAsides(prepared('Notes on the weather are good\n42')).text).toBe('Notes on the weather are good\n42');
    // a full-width colon counts; the aside runs to the end
    expect(stripAsides(prepared('B\nNote (please read)：x\n42')).text).toBe('B');
  });

  test('nothing but asides: the input is kept as it was', () => {
    const input = { text: 'Check: 2 + 2 = 4', removed: ['earlier'], unclosed: true };
    expect(stripAsides(input)).toBe(input);
  });

  test('verification sentences after the first go, unless they give the answer', () => {
    expect(stripAsides(prepared('It is 288. To verify, 72 × 4 = 288. Thus the answer is 288.'))).toEqual({
      text: 'It is 288.  Thus the answer is 288.',
      removed: ['verification "To verify, 72 × 4 = 288."'],
      unclosed: false,
    });
    // the first sentence is never dropped
    expect(stripAsides(prepared('Let me check: 4. Done.')).text).toBe('Let me check: 4. Done.');
  });

  test('pleasantries only among the last two sentences', () => {
    expect(stripAsides(prepared('B. I hope this helps!'))).toEqual({ text: 'B.', removed: ['pleasantry "I hope this helps!"'], unclosed: false });
    expect(stripAsides(prepared('B. Happy to help. Really. Truly.')).text).toBe('B. Happy to help. Really. Truly.');
  });
});

// Written against surviving mutants of reasoning.ts.
describe('more block tags and aside forms', () => {
  const prepared = (text: string) => ({ text, removed: [], unclosed: false });
  test.each([
    ['<thought>x</thought>42', '<thought> block'],
    ['<reasoning>x</reasoning>42', '<reasoning> block'],
    ['<reflection>x</reflection>42', '<reflection> block'],
  ])('%j', (text, what) => {
    expect(stripReasoningBlocks(text)).toEqual({ text: '42', removed: [what], unclosed: false });
  });
  test('verification, check and note sections go', () => {
    for (const label of ['Verification', 'Verify', 'Check', 'Sanity check', 'Double-check', 'Proof', 'Note', 'Notes', 'Why']) {
      expect(stripAsides(prepared(`42\n${label}: 6 x 7 = 42`)).text, label).toBe('42');
    }
  });
  test('a long section label is named by its first forty characters', () => {
    const line = 'Reasoning (long):  ' + 'x'.repeat(60);
    expect(stripAsides(prepared(`42\n${line}`)).removed).toEqual([`section "${line.slice(0, 40)}"`]);
    // surrounding space is trimmed before cutting
    expect(stripAsides(prepared(`42\n   Why: ${'y'.repeat(50)}`)).removed).toEqual([`section "Why: ${'y'.repeat(35)}"`]);
  });
  test('only blank lines left outside asides: the input is kept', () => {
    const input = prepared('  \nReasoning: x');
    expect(stripAsides(input)).toBe(input);
  });
  test('a pleasantry as the first sentence stays', () => {
    expect(stripAsides(prepared('Happy to help! 42')).text).toBe('Happy to help! 42');
  });
  test('a pleasantry must open its sentence', () => {
    expect(stripAsides(prepared('The answer is 42. You should feel free to reuse it.')).text).toBe('The answer is 42. You should feel free to reuse it.');
    expect(stripAsides(prepared('The answer is 42. If you have any questions, ask.'))).toEqual({
      text: 'The answer is 42.',
      removed: ['pleasantry "If you have any questions, ask."'],
      unclosed: false,
    });
  });
  test('verification by "double check" and "checking"', () => {
    expect(stripAsides(prepared('The answer is 42. I did a double check of 6 x 7 = 42.')).text).toBe('The answer is 42.');
    expect(stripAsides(prepared('The answer is 42. Checking 6 x 7 = 42.')).text).toBe('The answer is 42.');
  });
  test('two sentences dropped: both removed cleanly (last first), named in that order', () => {
    expect(stripAsides(prepared('The answer is 42. To verify, 6 x 7 = 42. Hope this helps!'))).toEqual({
      text: 'The answer is 42.',
      removed: ['pleasantry "Hope this helps!"', 'verification "To verify, 6 x 7 = 42."'],
      unclosed: false,
    });
  });
});
