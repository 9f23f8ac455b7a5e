/** Progress for long work goes to stderr, one line per step, so it reads the same in a terminal and a CI log. */
export type Progress = (message: string) => void;

export const stderrProgress: Progress = (message) => {
  process.stderr.write(`[llm-budget-bench] ${message}\n`);
};

export const silentProgress: Progress = () => {};
