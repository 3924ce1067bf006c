/**
 * Named errors with stable codes. Every error the builder raises on purpose
 * extends ImagoError, so cli/main.ts can tell "the user must fix something"
 * (print the message) from "imago has a bug" (print the stack) by one
 * instanceof check. Only cli/main.ts prints them and chooses the exit code;
 * library code throws and wraps.
 */
import { renderProblem, type SpecProblem } from './spec/problem.ts';

/**
 * The root of the builder's errors. `code` is stable (tests and scripts match
 * on it, messages may change); the message says what is wrong and what to do.
 */
export abstract class ImagoError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A spec with problems: every problem, located (`E_SPEC`). */
export class SpecError extends ImagoError {
  readonly code = 'E_SPEC';
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(renderProblem).join('\n'));
  }
}

/** A build step that failed: "failed to <verb> <object>" with the cause attached (`E_BUILD`). */
export class BuildError extends ImagoError {
  readonly code = 'E_BUILD';
}

/**
 * A command line the user got wrong: a bad option value, a path that is
 * neither spec nor image, options that do not go together (`E_USAGE`).
 */
export class UsageError extends ImagoError {
  readonly code = 'E_USAGE';
}

/** A key file that cannot be read or is not an imago key (`E_KEY`). */
export class KeyFileError extends ImagoError {
  readonly code = 'E_KEY';
}

/** An architecture that cannot do what was asked, e.g. a raw disk without UEFI (`E_UNSUPPORTED`). */
export class UnsupportedError extends ImagoError {
  readonly code = 'E_UNSUPPORTED';
}

/** A flash that was refused or failed: the target named, with what was found and what to do (`E_FLASH`). */
export class FlashError extends ImagoError {
  readonly code = 'E_FLASH';
}

/**
 * Runs a step and wraps any failure as `failed to <what>: <cause>`. Spec,
 * build and usage errors pass through: they already say what failed.
 */
export async function step<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof SpecError || error instanceof BuildError || error instanceof UsageError) throw error;
    throw new BuildError(`failed to ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
