import { ConfigError, EXIT_BAD_INPUT } from '../config/errors.ts';

type ErrorClass = abstract new (...args: never[]) => Error;

export interface CliErrors {
  /** Errors that are the user's input (besides ConfigError): their message alone, exit 2. */
  badInput?: ErrorClass[];
  /** Errors that are an expected failure of the command: `<prefix>: message`, exit 1. */
  failure?: { type: ErrorClass; prefix: string };
}

/**
 * Runs a command's main and exits with its code. Why one place: every command must answer bad input with exit 2 and
 * the message alone (no stack), and anything unexpected with exit 3 and the stack, in the same words.
 */
export function runCli(command: string, main: (argv: string[]) => number | Promise<number>, errors: CliErrors = {}): void {
  const badInput: ErrorClass[] = [ConfigError, ...(errors.badInput ?? [])];
  const fail = (e: unknown): never => {
    if (badInput.some((type) => e instanceof type)) {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(EXIT_BAD_INPUT);
    }
    if (errors.failure && e instanceof errors.failure.type) {
      process.stderr.write(`${errors.failure.prefix}: ${e.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`llm-budget-bench ${command} crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(3);
  };
  let result: number | Promise<number>;
  try {
    result = main(process.argv.slice(2));
  } catch (e) {
    fail(e);
    return;
  }
  Promise.resolve(result).then((code) => process.exit(code), fail);
}
