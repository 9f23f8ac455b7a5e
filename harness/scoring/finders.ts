// Candidate answers of each closed kind: option letters, labels (with synonyms and negated forms), IDs, and the
// reference (with its accepted forms and named distractors) for exact items.
import type { Candidate, Finder } from './extract.ts';
import { escapeRegExp, normalizeText, tidy } from './normalize.ts';

const same = (a: string, b: string) => a === b;
const show = (v: string) => v;

function phraseRegex(phrase: string): RegExp {
  const body = escapeRegExp(phrase.trim()).replace(/\s+/g, String.raw`[\s\u00a0\u202f-]+`);
  return new RegExp(String.raw`(?<![\p{L}\p{N}_-])${body}(?![\p{L}\p{N}_])`, 'giu');
}

/** Longer phrases first; a match inside one already taken does not count ("non-suspicious" is not "suspicious"). */
function matchPhrases(text: string, phrases: { phrase: string; value: string; test?: (before: string, after: string) => boolean }[]): Candidate<string>[] {
  const taken: Candidate<string>[] = [];
  for (const p of [...phrases].sort((a, b) => b.phrase.length - a.phrase.length)) {
    for (const m of text.matchAll(phraseRegex(p.phrase))) {
      const c = { value: p.value, index: m.index, end: m.index + m[0].length, text: m[0] };
      if (taken.some((t) => c.index < t.end && t.index < c.end)) continue;
      if (p.test && !p.test(text.slice(0, c.index), text.slice(c.end))) continue;
      taken.push(c);
    }
  }
  return taken.sort((a, b) => a.index - b.index);
}

/** After "A", a verb or connective makes it option A ("A poses…", "A or B"); a noun makes it the article ("A process…"). */
const VERBISH = new Set(
  ('is was were would could should will can may might must does did has had seems appears looks remains wins fits matches shows ' +
    'poses carries spawns involves uses runs represents indicates contains stands presents offers describes points leads gets makes ' +
    'takes gives clearly definitely also too and or because since as vs versus instead rather here there alone only seem appear look ' +
    'is\'s isn\'t wasn\'t doesn\'t hasn\'t alone, correctly best first').split(/\s+/),
);
const NOUN_IN_S = /(?:ss|us|is|as|os|series|species|news|means)$/;

/** Words that, after a past participle, show it was a verb: "A spawned cmd.exe", "A launched the script". */
const OBJECT_START = /^(?:a|an|the|its|his|her|their|it|this|that|to|from|with|by|into|onto|on|in|at|via|itself|them|\p{Lu}\S*|\S*[.\\/]\S*)$/u;

function looksLikeVerb(word: string, next: string | undefined): boolean {
  const w = word.toLowerCase();
  if (VERBISH.has(w) || (/^[a-z]{3,}s$/.test(w) && !NOUN_IN_S.test(w))) return true;
  // "A scheduled task" is the article before an adjective; "A spawned cmd.exe" is option A and a verb.
  return /^[a-z]{3,}ed$/.test(w) && next !== undefined && OBJECT_START.test(next);
}

/** Option lines of the question: "A) text", "B. text". */
export function promptOptions(prompt: string | undefined): { letter: string; text: string }[] {
  if (!prompt) return [];
  return [...normalizeText(prompt).matchAll(/^\s*\(?([A-Z])[).:]\s+(.+?)\s*$/gm)].map((m) => ({ letter: m[1]!, text: m[2]! }));
}

/** Option letters; where the answer names no letter at all, the options' own text. */
export function choiceFinder(choices: readonly string[], prompt?: string): Finder<string> {
  const options = promptOptions(prompt).filter((o) => choices.includes(o.letter) && tidy(o.text).length >= 3);
  return {
    closed: true,
    same,
    show,
    find(text) {
      const out: Candidate<string>[] = [];
      for (const m of text.matchAll(/(?<![\p{L}\p{N}'’\\/.@_-])([A-Za-z])(?![\p{L}\p{N}'’_])/gu)) {
        const letter = m[1]!;
        const upper = letter.toUpperCase();
        if (!choices.includes(upper)) continue;
        const before = text.slice(0, m.index);
        const after = text.slice(m.index + 1);
        if (/^:[\\/]|^\.\p{L}|^-\p{L}|^'s\b/u.test(after)) continue; // C:\, a.m., A-grade, A's
        const explicitBefore = /(?:answer|option|choice|letter|pick|go with|choose|select)\s*(?:is\s*)?[:\-–—]?\s*[(\["']?$/i.test(before) || /[(\[]$/.test(before);
        const lineBefore = before.slice(before.lastIndexOf('\n') + 1);
        const alone = /^[\s(\["'*]*$/.test(lineBefore) && (/^[).:\]"'*]?\s*(?:\n|$)/.test(after) || /^[).]\s+\S/.test(after));
        if (letter !== upper) {
          // "a" is an article; a lower-case option letter counts only where nothing else could be meant.
          if (!((explicitBefore && /^[)\]"']?\s*(?:[.,;:!)]|\n|$)/.test(after)) || alone || (/\($/.test(before) && /^\)/.test(after)))) continue;
        } else if (upper === 'A' || upper === 'I') {
          const words = /^\s+([\p{L}'’-]+)(?:\s+(\S+))?/u.exec(after);
          const next = words?.[1];
          if (next && !explicitBefore && !/^[)\].:]/.test(after) && !choices.includes(next) && !looksLikeVerb(next, words?.[2])) continue;
        }
        out.push({ value: upper, index: m.index, end: m.index + 1, text: letter });
      }
      if (out.length > 0 || options.length === 0) return out;
      return matchPhrases(text, options.map((o) => ({ phrase: o.text.replace(/^(?:an?|the)\s+/i, '').replace(/[.\s]+$/, ''), value: o.letter })));
    },
  };
}

/** Labels that are also ordinary words: they count only standing alone ("No.", "No, …", "the answer is no"), not "no fee". */
const FUNCTION_WORDS = new Set(['yes', 'no', 'none', 'true', 'false']);
const SENTENCE_START = /(?:^|[.!?:\n]\s*|(?:answer is|answer would be|i'd say|i would say|say|says|said)\s+)["'“]?$/i;
const STANDS_ALONE = /^["'”]?\s*(?:[.,!;:)\]]|$|\n|\s+(?:because|since|as|it|they|he|she|this|that|the|you|i|we|not|there|passengers|residents|students|guests)\b)/i;
// A negation word before "non-"/"un-" (the first two groups) negates twice: "not non-suspicious" is suspicious.
const NEGATED_LABEL = String.raw`(?:(?<![\p{L}])(?:not|never|nothing|no)\s+(?:(?:really|at all|particularly|very|that|overly|remotely|especially|in any way|be|being|been)\s+){0,2}(non-?|un-?)?|n't\s+(?:(?:really|at all|particularly|very|that|be|being|been)\s+){0,2}(non-?|un-?)?|(?<![\p{L}])(?:non-?|un-?))`;

/**
 * Labels, each with its per-item synonyms and inflections. With two labels, a negated one stands for the other:
 * "not allowed" is deny, "non-malicious" is benign (when "malicious" is a synonym of suspicious).
 */
export function labelFinder(labels: readonly string[], synonyms: Readonly<Record<string, readonly string[]>> = {}): Finder<string> {
  const phrases: { phrase: string; value: string; test?: (b: string, a: string) => boolean }[] = [];
  for (const label of labels) {
    for (const phrase of [label, ...(synonyms[label] ?? [])]) {
      const word = phrase.toLowerCase();
      // "Yes-men", "no-fly", "true-ish": a hyphen into a word makes a compound, not the label.
      const test = (b: string, a: string) => !/^-\p{L}/u.test(a) && (SENTENCE_START.test(b) || STANDS_ALONE.test(a));
      phrases.push({ phrase, value: label, ...(FUNCTION_WORDS.has(word) ? { test } : {}) });
    }
  }
  const negatedForms = labels.length === 2 ? labels.map((l, i) => ({ label: l, other: labels[1 - i]! })) : [];
  return {
    closed: true,
    same,
    show,
    find(text) {
      const out = matchPhrases(text, phrases);
      const negated: Candidate<string>[] = [];
      for (const { label, other } of negatedForms) {
        if (FUNCTION_WORDS.has(label.toLowerCase())) continue;
        for (const phrase of [label, ...(synonyms[label] ?? [])]) {
          const re = new RegExp(`${NEGATED_LABEL}${phraseRegex(phrase).source.replace('(?<![\\p{L}\\p{N}_-])', '')}`, 'giu');
          for (const m of text.matchAll(re)) {
            if (/\bnot\s+(?:only|just|merely)\b/i.test(m[0])) continue;
            negated.push({ value: m[1] !== undefined || m[2] !== undefined ? label : other, index: m.index, end: m.index + m[0].length, text: m[0] });
          }
        }
      }
      // A negated form replaces the bare mention inside it.
      const kept = out.filter((c) => !negated.some((n) => c.index < n.end && n.index < c.end));
      return [...kept, ...negated.filter((n, i) => !negated.slice(0, i).some((m) => n.index < m.end && m.index < n.end))].sort((a, b) => a.index - b.index);
    },
  };
}

/** IDs by pattern (ATT&CK "T1003.001"): every match is a candidate, compared upper-cased. */
export function idFinder(pattern: string, flags: string): Finder<string> {
  const re = new RegExp(pattern, `${flags.replace(/g/g, '')}g`);
  return {
    closed: true,
    same,
    show,
    find: (text) => [...text.matchAll(re)].map((m) => ({ value: m[0].toUpperCase(), index: m.index, end: m.index + m[0].length, text: m[0] })),
  };
}

/** The reference and its accepted forms (one value), and the distractors the item names (their own values). */
export function exactFinder(reference: string, accept: readonly string[], distractors: readonly string[]): Finder<string> {
  const want = tidy(reference);
  const phrases = [
    ...[reference, ...accept].map((p) => ({ phrase: tidy(p), value: want })),
    ...distractors.map((d) => ({ phrase: tidy(d), value: tidy(d) })),
  ].filter((p) => p.phrase !== '');
  return { closed: false, same, show, find: (text) => matchPhrases(text, phrases) };
}
