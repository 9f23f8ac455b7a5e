// Reading the config file: a readable regular file of UTF-8 text, parsed as one YAML document with line numbers.
// Everything that goes wrong here is the user's input, so it becomes a problem with its line, never a crash.
import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, isAlias, isScalar, parseDocument, visit, type Document } from 'yaml';
import type { ConfigProblem } from './errors.ts';

/** A config is a page or two of YAML; anything this large is the wrong file (a model, a log). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Aliases one document may expand: the YAML library's guard against "billion laughs" alias bombs. */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedConfig {
  text: string;
  doc: Document;
  counter: LineCounter;
  data: unknown;
}

const BOMS: { bytes: number[]; name: string }[] = [
  // UTF-32 first: its little-endian mark begins with UTF-16's.
  { bytes: [0xff, 0xfe, 0x00, 0x00], name: 'UTF-32 LE' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], name: 'UTF-32 BE' },
  { bytes: [0xff, 0xfe], name: 'UTF-16 LE' },
  { bytes: [0xfe, 0xff], name: 'UTF-16 BE' },
];

const hex = (bytes: Iterable<number>) => [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

function lineAt(buf: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (buf[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** The offset of the first byte that makes `buf` invalid UTF-8 (binary search over prefixes; `buf` is invalid). */
function firstInvalidUtf8(buf: Uint8Array): number {
  const valid = (n: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = buf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valid(mid + 1)) lo = mid + 1;
    else hi = mid;
  }
  // The decoder notices a broken sequence at the byte that does not continue it ("é" in Latin-1, then a newline):
  // point at the byte that started it.
  for (let back = 1; back <= 3 && lo - back >= 0; back++) {
    const b = buf[lo - back]!;
    if ((b & 0xc0) === 0xc0) return lo - back;
    if ((b & 0xc0) !== 0x80) break;
  }
  return lo;
}

/** The text of a config file, or the problem: missing, a directory, unreadable, too large, not UTF-8. */
export function readConfigText(file: string): { text: string } | { problem: ConfigProblem } {
  const problem = (message: string, line?: number) => ({ problem: { path: '', message, ...(line ? { line } : {}) } });
  let stat;
  try {
    stat = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return problem(code === 'ENOENT' || code === 'ENOTDIR' ? 'file not found' : `cannot read it: ${(e as Error).message}`);
  }
  if (stat.isDirectory()) return problem('is a directory; expected a YAML file such as bench.config.yaml');
  if (!stat.isFile()) return problem('is not a regular file; expected a YAML file such as bench.config.yaml');
  if (stat.size > MAX_CONFIG_BYTES) return problem(`is ${stat.size} bytes; expected a YAML config of at most ${MAX_CONFIG_BYTES} bytes (is it the right file?)`);
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    return problem(`cannot read it: ${(e as Error).message}`);
  }
  for (const bom of BOMS) {
    if (bom.bytes.every((b, i) => buf[i] === b)) {
      return problem(`is ${bom.name} text (it starts with the byte order mark ${hex(bom.bytes)}); expected UTF-8: save it as UTF-8`);
    }
  }
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    const at = lineAt(buf, nul);
    return problem(`contains a NUL byte at column ${at.column}: UTF-16 text without a byte order mark, or not a text file? expected UTF-8 YAML`, at.line);
  }
  if (!isUtf8(buf)) {
    const offset = firstInvalidUtf8(buf);
    const at = lineAt(buf, offset);
    return problem(
      `is not valid UTF-8: byte 0x${hex([buf[offset]!])} at column ${at.column} (Latin-1 or Windows-1252 text?); expected UTF-8: save it as UTF-8`,
      at.line,
    );
  }
  // A UTF-8 byte order mark is allowed (YAML permits it); it is not part of the text.
  const text = buf.toString('utf8');
  return { text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

/** The line where an unclosed quoted scalar opens (the parser reports where the file ended instead). */
function quoteOpenedAt(doc: Document, counter: LineCounter, errorOffset: number): number | undefined {
  let line: number | undefined;
  visit(doc, {
    Scalar(_, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range && node.range[0] < errorOffset && node.range[1] >= errorOffset) {
        line = counter.linePos(node.range[0]).line;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return line;
}

function firstAliasLine(doc: Document, counter: LineCounter): number | undefined {
  let line: number | undefined;
  visit(doc, (_, node) => {
    if (isAlias(node) && node.range) {
      line = counter.linePos(node.range[0]).line;
      return visit.BREAK;
    }
    return undefined;
  });
  return line;
}

/** Parses one YAML document: syntax errors and warnings with their lines, duplicate keys refused, alias bombs caught. */
export function parseConfigYaml(text: string): ParsedConfig | { problems: ConfigProblem[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const message = e.message.split('\n')[0]!;
    let line = counter.linePos(e.pos[0]).line;
    let extra = '';
    if (e.code === 'MISSING_CHAR' && /quote/i.test(message)) {
      const opened = quoteOpenedAt(doc, counter, e.pos[0]);
      if (opened !== undefined && opened !== line) {
        extra = ` (the file ends at line ${line} inside the quoted text that opens here)`;
        line = opened;
      }
    }
    if (e.code === 'DUPLICATE_KEY') extra = '; each key may appear once in a map';
    problems.push({ path: '', line, message: `YAML syntax: ${message}${extra}` });
  }
  if (problems.length > 0) return { problems };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (e) {
    const why = /alias/i.test((e as Error).message)
      ? `YAML aliases expand to too much data (more than ${MAX_ALIAS_COUNT} alias expansions: an "alias bomb"?); expected plain values or a few aliases`
      : `YAML: ${(e as Error).message}`;
    return { problems: [{ path: '', line: firstAliasLine(doc, counter), message: why }] };
  }
  return { text, doc, counter, data };
}

/** The line of a YAML node at `keys`, else of its nearest ancestor that exists. */
export function lineOf(doc: Document, counter: LineCounter, keys: readonly PropertyKey[]): number | undefined {
  for (let n = keys.length; n >= 0; n--) {
    const node = doc.getIn(keys.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** The line of the key `key` itself inside the map at `mapKeys` (where an unknown key was written). */
export function keyLineOf(doc: Document, counter: LineCounter, mapKeys: readonly PropertyKey[], key: string): number | undefined {
  const map = (mapKeys.length === 0 ? doc.contents : doc.getIn(mapKeys as unknown[], true)) as { items?: { key: unknown }[] } | null;
  const pair = map?.items?.find((p) => isScalar(p.key) && String(p.key.value) === key);
  if (pair && isScalar(pair.key) && pair.key.range) return counter.linePos(pair.key.range[0]).line;
  return lineOf(doc, counter, mapKeys);
}
