/** Text clean-up shared by the graders: model output is untrusted and often decorated. */

/** Code point of the digit zero of each decimal digit set NFKC leaves alone (Arabic-Indic, Devanagari, Thai, …). */
const DIGIT_ZEROS = [
  0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6, 0x0e50, 0x0ed0,
  0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0,
  0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0,
];

/** NFKC (fullwidth and mathematical digits → ASCII) plus the other decimal digit sets → ASCII digits. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').replace(/\p{Nd}/gu, (d) => {
    const cp = d.codePointAt(0)!;
    const zero = DIGIT_ZEROS.find((z) => cp >= z && cp < z + 10);
    return zero === undefined ? d : String(cp - zero);
  });
}

/** Removes markdown emphasis, code fences and surrounding quotes, keeping the words. */
export function stripMarkdown(text: string): string {
  return text
    .replace(/```[a-zA-Z]*\n?/g, '')
    .replace(/\*\*|__|`/g, '')
    .replace(/^\s*#+\s*/gm, '')
    .trim();
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Words that negate the option right after them: "not B", "isn't suspicious", "never allow". */
export const NEGATION = String.raw`(?:not|n't|never|no)\s+(?:an?\s+|the\s+|option\s+|answer\s+)?`;
