// Strict command lines: Node's util.parseArgs reads the whole command line into tokens, and every problem (an
// unknown or mistyped flag, a missing value, a flag given twice, a stray argument) is collected, so the user learns
// about all of them at once. Nothing here touches the file system.
import { parseArgs } from 'node:util';
import type { ConfigProblem } from '../config/errors.ts';
import { closest } from '../config/suggest.ts';

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** May be given more than once (values are collected). */
  multiple?: boolean;
  /** What the value is, for messages: "FILE", "RUN-ID". */
  value?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

/** The values of `specs` as parsed: a string flag gives its string, a boolean one true, a `multiple` one every value. */
export type FlagValues<S extends FlagSpecs> = {
  [K in keyof S]?: S[K] extends { multiple: true } ? string[] : S[K] extends { type: 'boolean' } ? boolean : string;
};

/** A problem with the command line, in the words ConfigError prints. */
export const commandLineProblem = (path: string, message: string): ConfigProblem => ({ path, message, source: 'command line' });

export interface ParsedCommandLine {
  values: Record<string, string | string[] | boolean | undefined>;
  positionals: string[];
  problems: ConfigProblem[];
}

const problem = commandLineProblem;

function displayName(name: string, spec: FlagSpec): string {
  return spec.short ? `-${spec.short}/--${name}` : `--${name}`;
}

/**
 * Parses `argv` against `specs`. `refused` explains flags that are known elsewhere (Vitest's) but not accepted
 * here; `positionals` is how many plain arguments are allowed (0 for none) and what they are.
 */
export function parseCommandLine(
  argv: readonly string[],
  specs: FlagSpecs,
  options: { refused?: Record<string, string>; positionals?: { max: number; what: string }; positionalHint?: string } = {},
): ParsedCommandLine {
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.entries(specs).map(([name, s]) => [name, { type: s.type, ...(s.short ? { short: s.short } : {}) }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: ParsedCommandLine['values'] = {};
  const positionals: string[] = [];
  const problems: ConfigProblem[] = [];
  const known = Object.entries(specs).flatMap(([name, s]) => [`--${name}`, ...(s.short ? [`-${s.short}`] : [])]);
  const reportedIndex = new Set<number>();
  let afterTerminator = false;
  let swallowNext = -1;

  tokens.forEach((token, i) => {
    if (token.kind === 'option-terminator') {
      afterTerminator = true;
      return;
    }
    if (token.kind === 'positional') {
      if (token.index === swallowNext) return;
      if (afterTerminator) {
        problems.push(problem(token.value, `unexpected argument after "--"${options.positionalHint ? `; ${options.positionalHint}` : ''}`));
      } else {
        positionals.push(token.value);
      }
      return;
    }
    const spec = specs[token.name];
    if (!spec) {
      // "-xyz" is one argument that parseArgs split into -x, -y, -z: report it once, as written.
      if (reportedIndex.has(token.index)) return;
      reportedIndex.add(token.index);
      const raw = token.rawName.length === 2 && argv[token.index] !== token.rawName ? argv[token.index]! : token.rawName;
      const refusal = options.refused?.[token.rawName];
      if (refusal) {
        problems.push(problem(raw, `not accepted here: ${refusal}`));
        return;
      }
      const near = closest(raw.split('=')[0]!, known);
      const nearSpec = near ? Object.entries(specs).find(([n, s]) => near === `--${n}` || near === `-${s.short}`)?.[1] : undefined;
      const next = tokens[i + 1];
      let example = near ?? '';
      // "--confg my.yaml": the value that follows belongs to the mistyped flag; do not also call it a stray argument.
      if (nearSpec?.type === 'string' && token.value === undefined && next?.kind === 'positional') {
        example = `${near} ${next.value}`;
        swallowNext = next.index;
      } else if (nearSpec?.type === 'string' && token.value !== undefined) example = `${near} ${token.value}`;
      problems.push(problem(raw, `unknown option${near ? `; did you mean ${example}?` : ''} (see --help for the options)`));
      return;
    }
    const name = displayName(token.name, spec);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) problems.push(problem(token.rawName, `takes no value, got "${token.value}"`));
      else if (values[token.name] !== undefined) problems.push(problem(token.rawName, `given more than once`));
      values[token.name] = true;
      return;
    }
    let value = token.value;
    // "-t=Q4" means -t Q4.
    if (value !== undefined && token.inlineValue && token.rawName.length === 2 && value.startsWith('=')) value = value.slice(1);
    if (value === undefined) {
      problems.push(problem(token.rawName, `expected a value (${name} ${spec.value ?? 'VALUE'}), got nothing`));
      return;
    }
    if (!token.inlineValue && value.startsWith('-')) {
      // parseArgs took the next flag as this one's value: almost always a forgotten value.
      problems.push(
        problem(token.rawName, `expected a value (${name} ${spec.value ?? 'VALUE'}), got the option "${value}"; for a value that starts with "-", write --${token.name}=${value}`),
      );
      return;
    }
    if (value === '') {
      problems.push(problem(token.rawName, `expected a value (${name} ${spec.value ?? 'VALUE'}), got an empty string`));
      return;
    }
    if (spec.multiple) {
      values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), value];
      return;
    }
    if (values[token.name] !== undefined) {
      problems.push(problem(token.rawName, `given more than once ("${String(values[token.name])}" and "${value}"); expected it once`));
      return;
    }
    values[token.name] = value;
  });

  const max = options.positionals?.max ?? 0;
  if (positionals.length > max) {
    for (const p of positionals.slice(max)) {
      problems.push(problem(p, `unexpected argument${max > 0 ? ` (expected at most ${max} ${options.positionals!.what})` : ''}${options.positionalHint ? `; ${options.positionalHint}` : ''}`));
    }
    positionals.length = Math.min(positionals.length, max);
  }
  return { values, positionals, problems };
}
