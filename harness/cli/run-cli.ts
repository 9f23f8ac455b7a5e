import { ConfigError, EXIT_BAD_INPUT, type ConfigProblem } from '../config/errors.ts';
import { parseCommandLine, type FlagSpecs, type FlagValues } from './args.ts';

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

export interface CommandSpec<S extends FlagSpecs> {
  flags: S;
  /** Printed for -h/--help, which wins over every other flag and problem. */
  help: string;
  /** How many plain arguments are allowed and what they are (none by default). */
  positionals?: { max: number; what: string };
  errors?: CliErrors;
}

/** A parsed command line: typed values, the plain arguments, and every problem found so far (add your own). */
export interface CommandLine<S extends FlagSpecs> {
  values: FlagValues<S>;
  positionals: string[];
  problems: ConfigProblem[];
}

/**
 * Parses the command line strictly, answers --help, and runs `main` through runCli. Why one place: every command
 * must read flags, answer --help and collect problems the same way, and each copy of that preamble cast the values.
 */
export function runCommand<S extends FlagSpecs>(command: string, spec: CommandSpec<S>, main: (line: CommandLine<S>) => number | Promise<number>): void {
  runCli(
    command,
    (argv) => {
      const parsed = parseCommandLine(argv, spec.flags, spec.positionals ? { positionals: spec.positionals } : {});
      if (parsed.values.help === true) {
        process.stdout.write(`${spec.help}\n`);
        return 0;
      }
      return main({ values: parsed.values as FlagValues<S>, positionals: parsed.positionals, problems: [...parsed.problems] });
    },
    spec.errors,
  );
}
