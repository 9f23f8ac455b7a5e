/** Text clean-up shared by the graders: model output is untrusted and often decorated. */

/** Code point of the digit zero of each decimal digit set NFKC leaves alone (Arabic-Indic, Devanagari, Thai, …). */
const DIGIT_ZEROS = [
  0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6, 0x0e50, 0x0ed0,
  0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0,
  0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0,
];

const SUPERSCRIPTS: Record<string, string> = { '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9', '⁻': '-', '⁺': '+' };

/**
 * NFKC (fullwidth and mathematical digits → ASCII) plus the other decimal digit sets → ASCII digits.
 * Superscript exponents become `^n` first (NFKC would turn "10³" into "103"), no-break and narrow spaces stay
 * distinct from a plain space (they are thousands separators), zero-width characters go, line ends become "\n".
 */
export function normalizeText(text: string): string {
  return text
    .replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+/g, (s) => `^${[...s].map((c) => SUPERSCRIPTS[c]).join('')}`)
    .replace(/[\u00a0\u202f\u2007\u2009]/g, (c) => `\u0000${c.codePointAt(0)!.toString(16)}\u0000`)
    .normalize('NFKC')
    .replace(/\u0000([0-9a-f]+)\u0000/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\p{Nd}/gu, (d) => {
      const cp = d.codePointAt(0)!;
      const zero = DIGIT_ZEROS.find((z) => cp >= z && cp < z + 10);
      return zero === undefined ? d : String(cp - zero);
    });
}

/** Removes markdown emphasis, headings, code fences and inline code marks, keeping the words. */
export function stripMarkdown(text: string): string {
  return text
    .replace(/```[a-zA-Z]*\n?/g, '')
    .replace(/\*\*|__|`/g, '')
    .replace(/(?<![\p{L}\p{N}*])\*(?=\S)([^*\n]+?)\*(?![\p{L}\p{N}*])/gu, '$1')
    .replace(/\\boxed\{([^{}]*)\}/g, '$1')
    .replace(/^\s*#+\s*/gm, '')
    .replace(/^\s*>\s?/gm, '')
    .trim();
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lower case, single spaces, no surrounding quotes or trailing punctuation: for comparing short answers. */
export function tidy(s: string): string {
  return stripMarkdown(normalizeText(s))
    .toLowerCase()
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .replace(/^["'“‘«(\[\s]+|["'”’»)\]\s.!?,;:]+$/g, '')
    .trim();
}
