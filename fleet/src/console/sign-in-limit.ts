/**
 * Sign-in attempts, limited per account and per client address: after
 * `maxFailures` failures within `windowMs`, that account (from anywhere) and
 * that address (for any account) are refused until the oldest failure leaves
 * the window. Pure bookkeeping with the clock passed in; kept in the server's
 * memory, so each `imago fleet serve` counts its own attempts.
 *
 *   const limit = new SignInLimit();
 *   limit.retryAfter(['account:alice', 'address:10.0.0.9'], now);  // 0: go on
 *   limit.fail([...], now);  limit.succeed('account:alice');
 */
export class SignInLimit {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly maxFailures = 5,
    readonly windowMs = 5 * 60_000,
  ) {}

  /** Seconds until an attempt under every key may be made again; 0 when it may be made now. */
  retryAfter(keys: string[], now: number): number {
    let waitMs = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.maxFailures) waitMs = Math.max(waitMs, recent[recent.length - this.maxFailures]! + this.windowMs - now);
    }
    return Math.ceil(waitMs / 1000);
  }

  /** Counts a failed attempt against each key. */
  fail(keys: string[], now: number): void {
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
    // Forgets keys with nothing recent, so many addresses cannot grow the map without end.
    if (this.failures.size > 10_000) for (const key of this.failures.keys()) if (this.recent(key, now).length === 0) this.failures.delete(key);
  }

  /** A right password clears its account's failures (not its address's: one account cannot vouch for an address). */
  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => at > now - this.windowMs);
  }
}
