// What a model writes on the way to its answer is not its answer: reasoning blocks (<think>…</think> and kin),
// labelled sections the goldens' instructions exclude ("Reasoning:", "Explanation:", "Check:"), and pleasantries.
import { sentenceSpans } from './sentences.ts';

const BLOCK_TAGS = ['think', 'thinking', 'thought', 'reasoning', 'reflection', 'scratchpad', 'analysis', 'inner_monologue'];
const OPEN = new RegExp(`<\\s*(${BLOCK_TAGS.join('|')})\\s*>|\\[(THINK|REASONING)\\]|<\\|begin_of_thought\\|>|◁think▷`, 'i');
const CLOSE_FOR = (open: string): RegExp => {
  const tag = /<\s*(\w+)/.exec(open)?.[1] ?? /\[(\w+)\]/.exec(open)?.[1];
  if (open.includes('begin_of_thought')) return /<\|end_of_thought\|>/i;
  if (open.includes('◁think▷')) return /◁\/think▷/;
  if (open.startsWith('[')) return new RegExp(`\\[/${tag}\\]`, 'i');
  return new RegExp(`<\\s*/\\s*${tag}\\s*>`, 'i');
};
const ORPHAN_CLOSE = new RegExp(`<\\s*/\\s*(?:${BLOCK_TAGS.join('|')})\\s*>|\\[/(?:THINK|REASONING)\\]|<\\|end_of_thought\\|>|◁/think▷`, 'gi');

export interface Prepared {
  /** The text that may hold the answer. */
  text: string;
  /** What was removed and why, in order, for the evidence. */
  removed: string[];
  /** A reasoning block was opened and never closed: the model never got to its answer. */
  unclosed: boolean;
}

/** Removes every reasoning block; text before an orphan closing tag (the template opened the block) goes too. */
export function stripReasoningBlocks(text: string): Prepared {
  const removed: string[] = [];
  let rest = text;
  const orphans = [...rest.matchAll(ORPHAN_CLOSE)];
  const firstOpen = OPEN.exec(rest);
  const lastOrphan = orphans.at(-1);
  if (lastOrphan && (!firstOpen || firstOpen.index > lastOrphan.index)) {
    removed.push('reasoning before a closing tag');
    rest = rest.slice(lastOrphan.index + lastOrphan[0].length);
  }
  for (;;) {
    const open = OPEN.exec(rest);
    if (!open) break;
    const close = CLOSE_FOR(open[0]).exec(rest.slice(open.index + open[0].length));
    if (!close) {
      removed.push(`unclosed ${open[0]} block`);
      return { text: rest.slice(0, open.index).trim(), removed, unclosed: true };
    }
    removed.push(`${open[0]} block`);
    rest = `${rest.slice(0, open.index)}\n${rest.slice(open.index + open[0].length + close.index + close[0].length)}`;
  }
  return { text: rest.trim(), removed, unclosed: false };
}

const LABEL = (words: string) => new RegExp(`^[\\s>*_#-]*(?:${words})\\b[^\\n:]{0,20}?[*_]*\\s*[:：]`, 'i');
/** Sections that explain or check the answer rather than give it. */
const ASIDE_SECTION = LABEL(
  'reasoning|thinking|thought process|thoughts|scratchpad|analysis|explanation|rationale|justification|working|work|steps?|step[- ]by[- ]step|' +
    'verification|verify|check|sanity check|double[- ]check|proof|note|notes|why',
);
/** Labels that open the answer and so end an aside section. */
const ANSWER_SECTION = LABEL('answer|final answer|final|result|conclusion|output|classification|label|verdict|choice|option|response|solution');
/** Lines that only check an answer already given: "Check: 72 × 4 = 288", "To double-check, …". */
const VERIFY_SENTENCE = /\b(?:double[- ]check|to (?:verify|check|confirm)|let(?:'s| us| me) (?:verify|check|confirm|double[- ]check)|verif(?:y|ying|ication)|sanity check|checking:?)\b/i;
const PLEASANTRY = /^\s*(?:i hope (?:this|that) helps|hope (?:this|that) helps|let me know if|feel free to|if you have any (?:other |more )?questions|happy to help|glad to help)\b/i;

/** Drops aside sections, verification sentences and closing pleasantries, unless nothing else would remain. */
export function stripAsides(input: Prepared): Prepared {
  const lines = input.text.split('\n');
  const kept: string[] = [];
  const removed = [...input.removed];
  let inAside = false;
  for (const line of lines) {
    if (ANSWER_SECTION.test(line)) inAside = false;
    else if (ASIDE_SECTION.test(line)) {
      inAside = true;
      removed.push(`section "${line.trim().slice(0, 40)}"`);
    }
    if (!inAside) kept.push(line);
  }
  let text = kept.join('\n').trim();
  if (text === '') return input;
  const spans = sentenceSpans(text);
  const drop = spans.filter(
    (s, i) => (i > 0 && VERIFY_SENTENCE.test(s.text) && !/\b(?:answer|so|therefore|thus|hence)\b/i.test(s.text)) || (i > 0 && i >= spans.length - 2 && PLEASANTRY.test(s.text)),
  );
  for (const s of drop.reverse()) {
    removed.push(`${PLEASANTRY.test(s.text) ? 'pleasantry' : 'verification'} "${s.text.slice(0, 40)}"`);
    text = text.slice(0, s.start) + text.slice(s.end);
  }
  return { text: text.trim(), removed, unclosed: input.unclosed };
}
