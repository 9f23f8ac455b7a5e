/** Bad input: the CLI exits with this code, distinct from a failed budget (1) and a harness crash (3). */
export const EXIT_BAD_INPUT = 2;

/** Where a problem comes from: the config file (the default), the command line or an environment variable. */
export type ProblemSource = 'config' | 'command line' | 'environment';

export interface ConfigProblem {
  /** YAML path such as `matrix.threads[0]`, a flag such as `--config`, a variable such as `BENCH_RUN_ID`, or "" for the whole document. */
  path: string;
  line?: number;
  message: string;
  source?: ProblemSource;
}

function problemLine(p: ConfigProblem): string {
  return `  ${p.path || '(document)'}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`;
}

const count = (n: number) => `${n} problem${n === 1 ? '' : 's'}`;

/**
 * Every problem of the user's input, reported at once: command-line and environment problems first, then the
 * config file's, each with its YAML path (and line) or its flag.
 */
export class ConfigError extends Error {
  readonly exitCode = EXIT_BAD_INPUT;
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    const sections: string[] = [];
    const of = (source: ProblemSource) => problems.filter((p) => (p.source ?? 'config') === source);
    for (const [source, header] of [
      ['command line', 'invalid command line'],
      ['environment', 'invalid environment'],
      ['config', `invalid config ${file}`],
    ] as const) {
      const list = of(source);
      if (list.length > 0) sections.push(`${header}: ${count(list.length)}\n${list.map(problemLine).join('\n')}`);
    }
    super(sections.join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
