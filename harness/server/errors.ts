/** A server started elsewhere that does not answer as its target kind should: the user's setup, exit code 2. */
export class TargetError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(`target: ${message}`);
    this.name = 'TargetError';
  }
}

/** A workload asked a backend for something it cannot do (a profile should have declared it in its needs). */
export class CapabilityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CapabilityError';
  }
}
