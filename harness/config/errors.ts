/** Bad input: the CLI exits with this code, distinct from a failed budget (1) and a harness crash (3). */
export const EXIT_BAD_INPUT = 2;

export interface ConfigProblem {
  /** YAML path such as `matrix.threads[0]`, or "" for the whole document. */
  path: string;
  line?: number;
  message: string;
}

export class ConfigError extends Error {
  readonly exitCode = EXIT_BAD_INPUT;
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    const n = problems.length;
    const lines = problems.map((p) => `  ${p.path || '(document)'}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`);
    super(`invalid config ${file}: ${n} problem${n === 1 ? '' : 's'}\n${lines.join('\n')}`);
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
