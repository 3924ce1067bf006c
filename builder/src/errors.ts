/**
 * Named errors with stable codes. Only cli/main.ts prints them and chooses the
 * exit code; library code throws and wraps.
 */
import { renderProblem, type SpecProblem } from './spec/problem.ts';

/** A spec with problems: every problem, located. */
export class SpecError extends Error {
  readonly code = 'E_SPEC';
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(renderProblem).join('\n'));
  }
}

/** A build step that failed: "failed to <verb> <object>" with the cause attached. */
export class BuildError extends Error {
  readonly code = 'E_BUILD';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Runs a step and wraps any failure as `failed to <what>: <cause>`. */
export async function step<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof SpecError || error instanceof BuildError) throw error;
    throw new BuildError(`failed to ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
