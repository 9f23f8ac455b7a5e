// JSON answers: every fenced block and every balanced top-level object is a candidate; the one that stands is
// validated against the item's JSON Schema with ajv (a real validator, not hand-written type checks).
import { Ajv, type ValidateFunction } from 'ajv';
import { CORRECTION, STRONG_MARKER } from './cues.ts';
import { normalizeText } from './normalize.ts';
import { stripReasoningBlocks } from './reasoning.ts';

export interface JsonCandidate {
  value: Record<string, unknown>;
  index: number;
  end: number;
  where: string;
}

/** Balanced `{…}` spans at top level, strings and escapes respected. */
function balancedObjects(text: string): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0 && --depth === 0) out.push([start, i + 1]);
  }
  return out;
}

function parseObject(s: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(s);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Every JSON object in the output, in order: fenced blocks first where they parse whole, then bare objects. */
export function jsonCandidates(output: string): { text: string; cands: JsonCandidate[] } {
  const text = stripReasoningBlocks(normalizeText(output)).text;
  const cands: JsonCandidate[] = [];
  for (const m of text.matchAll(/```[a-zA-Z]*\s*\n?([\s\S]*?)```/g)) {
    const value = parseObject(m[1]!.trim());
    if (value) cands.push({ value, index: m.index, end: m.index + m[0].length, where: 'code fence' });
  }
  for (const [a, b] of balancedObjects(text)) {
    if (cands.some((c) => a >= c.index && b <= c.end)) continue;
    const value = parseObject(text.slice(a, b));
    if (value) cands.push({ value, index: a, end: b, where: `object at character ${a}` });
  }
  return { text, cands: cands.sort((x, y) => x.index - y.index) };
}

/** A template echoed back ("<ID>", "..."), not an answer. */
function placeholder(v: Record<string, unknown>): boolean {
  return Object.values(v).some((x) => typeof x === 'string' && /^\s*(?:<[^>]*>|\.\.\.|…|string|number|TBD|\?+)\s*$/i.test(x));
}

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

export function jsonValidator(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Schema errors of a schema itself (for golden loading), or null when ajv accepts it. */
export function schemaProblem(schema: object): string | null {
  try {
    ajv.compile(schema);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** String values compared case-insensitively and trimmed: "Tokyo" and "tokyo " are the same city. */
export function foldStrings(v: unknown): unknown {
  if (typeof v === 'string') return v.trim().toLowerCase().replace(/\s+/g, ' ');
  if (Array.isArray(v)) return v.map(foldStrings);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, foldStrings(x)]));
  return v;
}

/**
 * The object that stands: the only real one, or the last one when a correction or marker introduces it; two
 * different real objects without that are two answers.
 */
export function pickJson(text: string, cands: JsonCandidate[], fits: (v: unknown) => boolean): { pick: JsonCandidate; rule: string } | { none: string } {
  if (cands.length === 0) return { none: 'no JSON object found' };
  const real = cands.filter((c) => !placeholder(c.value));
  const shaped = real.filter((c) => fits(c.value));
  const pool = shaped.length ? shaped : real.length ? real : cands;
  const distinct = pool.filter((c, i) => !pool.slice(0, i).some((d) => JSON.stringify(d.value) === JSON.stringify(c.value)));
  const last = pool.at(-1)!;
  if (distinct.length === 1) return { pick: last, rule: `json: ${last.where}${cands.length > 1 ? `, the only ${shaped.length ? 'well-shaped ' : ''}object of ${cands.length}` : ''}` };
  const prev = pool.at(-2)!;
  const between = text.slice(prev.end, last.index);
  if (new RegExp(CORRECTION.source, 'i').test(between) || new RegExp(STRONG_MARKER.source, 'im').test(between)) {
    return { pick: last, rule: `json: ${last.where}, after "${between.trim().slice(0, 30)}"` };
  }
  return { none: `json: ${distinct.length} different objects, none marked as the answer` };
}

/** Keeps a schema's shape (types, properties, required, items) and drops what would give the answer away. */
export function shapeOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(shapeOf);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (['const', 'enum', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'contains', 'anyOf', 'oneOf', 'not'].includes(k)) continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, shapeOf(s)])) : shapeOf(v);
  }
  return out;
}
