// The action's error types. Every module that refuses an input or reports a failed stage imports them from here,
// so no stage depends on the input reader just to throw.

/** A bad input: names the input, the value given and what is allowed. Thrown before any work starts. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    allowed: string,
  ) {
    super(`Invalid input ${input}: ${JSON.stringify(value)}. ${allowed}`);
    this.name = 'InputError';
  }
}

/**
 * A stage failed and has already told the user why (annotations with the tool's own lines); throwing it only
 * stops the pipeline and fails the step. `problems` are the one-line reasons the summary lists.
 */
export class StageFailure extends Error {
  constructor(
    readonly stage: string,
    readonly problems: string[],
  ) {
    super(`${problems.length} problem(s) in the ${stage} stage: ${problems.join('; ')}`);
    this.name = 'StageFailure';
  }
}

/** The message of anything thrown, for code paths that must not assume an Error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
