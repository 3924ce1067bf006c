/**
 * How the build reports long steps. The CLI renders these as progress lines or bars;
 * tests pass `silentProgress`. Library code never prints by itself.
 */
export interface Progress {
  /** A step starts, e.g. `download packages (x86_64)`. */
  step(name: string): void;
  /** Fraction done of the current step, when it is known. */
  update(done: number, total: number, detail?: string): void;
  /** A line of detail, e.g. the compiler's current file. */
  detail(text: string): void;
  /** The current step ended. */
  done(summary?: string): void;
  /** Something the user should know that does not stop the build, e.g. a world-readable private key. */
  warn?(text: string): void;
}

export const silentProgress: Progress = {
  step() {},
  update() {},
  detail() {},
  done() {},
};
