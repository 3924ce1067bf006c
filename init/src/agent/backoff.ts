/**
 * How long the agent waits before trying the server again. Pure. Delays
 * double from `firstMs` to `maxMs` and are jittered (between half and all of
 * the step) so a fleet that lost its server does not come back in one wave.
 */
export const firstRetryMs = 1000;
export const maxRetryMs = 5 * 60 * 1000;
/** After a refusal (token used up, device revoked) asking again soon cannot help. */
export const refusedRetryMs = 60 * 60 * 1000;

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly random: () => number = Math.random,
    private readonly firstMs = firstRetryMs,
    private readonly maxMs = maxRetryMs,
  ) {}

  /** The delay before the next try; each call doubles the step until maxMs. */
  next(): number {
    const step = Math.min(this.maxMs, this.firstMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(step / 2 + (this.random() * step) / 2);
  }

  /** The server answered: the next failure starts from the first step again. */
  reset(): void {
    this.attempt = 0;
  }
}
