// zod issues as the messages a person reads: what arrived (shown as YAML would show it) and what was expected.
import type { z } from 'zod';
import { closest } from './suggest.ts';

export function valueAt(data: unknown, keys: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k as never];
  }
  return cur;
}

/** A value as the user wrote it: `.nan` and `.inf` stay YAML (JSON would print null), long values are cut. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  if (typeof value === 'bigint') return String(value);
  const text = JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? show(v) : v));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const article = (expected: string) => (/^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`);

/** One message per issue; `knownKeys` lists what a strict object at a path accepts. Never says "got" twice. */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const got = valueAt(data, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      if (got === undefined) return `missing; expected ${issue.expected}`;
      if (issue.expected === 'number' && typeof got === 'number') return `got ${show(got)}, expected a finite number`;
      return `got ${show(got)}, expected ${issue.expected === 'array' || issue.expected === 'object' ? issue.expected : article(issue.expected)}`;
    }
    case 'too_small':
      if (issue.origin === 'array') return `got ${show(got)}, expected at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `got ${show(got)}, expected a non-empty string`;
      return `got ${show(got)}, expected ${issue.inclusive === false ? '>' : '≥'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `got ${show(got)}, expected at most ${issue.maximum} items`;
      return `got ${show(got)}, expected ${issue.inclusive === false ? '<' : '≤'} ${issue.maximum}${issue.message.startsWith('(') ? ` ${issue.message}` : ''}`;
    case 'invalid_value':
      return `got ${show(got)}, expected one of: ${issue.values.map((v) => String(v)).join(', ')}${suggestion(got, issue.values.map(String))}`;
    case 'not_multiple_of':
      return `got ${show(got)}, expected a multiple of ${String(issue.divisor)}`;
    default: {
      const message = issue.message.replace(/^Invalid input:?\s*/i, '');
      // A refinement that names the value itself ("got …, expected …") is left as it is.
      if (/\bgot\b/.test(message) || got === undefined || typeof got === 'object') return message;
      return `got ${show(got)}, ${message}`;
    }
  }
}

function suggestion(got: unknown, values: string[]): string {
  if (typeof got !== 'string') return '';
  const near = closest(got, values);
  return near ? ` (did you mean ${near}?)` : '';
}
