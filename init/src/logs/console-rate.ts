/**
 * How much of one service's output may be copied to the console: a token
 * bucket of bytes. Pure. A serial console carries about 11 KB/s (less under
 * emulation) for everyone, and every line it is handed costs the init a write
 * and the kernel a slow UART, so one chatty service gets a few KB/s and a
 * short burst; the lines beyond are still in its log file, and the console is
 * told how many it did not show, once the service's turn comes again. That turn
 * comes when half the burst has refilled, not at the first free bytes: the
 * console then shows runs of consecutive lines with one count between them,
 * rather than a count before every other line.
 *
 *   const rate = new ConsoleRate();
 *   const verdict = rate.admit(line.length, sys.now());
 *   if (verdict.show) { if (verdict.hidden) print(`${verdict.hidden} not shown`); print(line); }
 */

/** Bytes a second one service may put on the console, over time. */
export const consoleBytesPerSecond = 4096;
/** Bytes one service may put on the console at once (a start-up banner, a stack trace). */
export const consoleBurstBytes = 16384;

export type ConsoleVerdict = { show: true; hidden: number } | { show: false };

export class ConsoleRate {
  private tokens: number;
  private updatedAt: number | undefined;
  /** Lines held back since the last one shown. */
  private held = 0;

  constructor(
    private readonly bytesPerSecond = consoleBytesPerSecond,
    private readonly burstBytes = consoleBurstBytes,
  ) {
    this.tokens = burstBytes;
  }

  /**
   * Whether a line of `bytes` may go to the console at `now` (monotonic ms).
   * When it may, `hidden` is how many lines were held back before it, to be
   * reported first. A line longer than the burst is shown once the bucket is full.
   */
  admit(bytes: number, now: number): ConsoleVerdict {
    this.refill(now);
    const cost = Math.min(bytes, this.burstBytes);
    const needed = this.held > 0 ? Math.max(cost, this.burstBytes / 2) : cost;
    if (this.tokens < needed) {
      this.held++;
      return { show: false };
    }
    this.tokens -= cost;
    const hidden = this.held;
    this.held = 0;
    return { show: true, hidden };
  }

  /**
   * For a report of held-back lines on its own (the service fell quiet): how
   * many to report now, taking them off the count, or 0 while the rate does
   * not allow it yet or there are none.
   */
  takeHidden(now: number): number {
    this.refill(now);
    if (this.held === 0 || this.tokens < this.burstBytes / 2) return 0;
    const hidden = this.held;
    this.held = 0;
    return hidden;
  }

  /** Takes `bytes` written to the console besides the lines admitted (the count of those not shown). */
  spend(bytes: number): void {
    this.tokens -= bytes;
  }

  /** Counts `lines` held back without asking: the rest of a batch once one of its lines was refused. */
  hold(lines: number): void {
    this.held += lines;
  }

  /** Lines held back and not yet reported. */
  get pendingHidden(): number {
    return this.held;
  }

  private refill(now: number): void {
    if (this.updatedAt !== undefined && now > this.updatedAt) {
      this.tokens = Math.min(this.burstBytes, this.tokens + ((now - this.updatedAt) * this.bytesPerSecond) / 1000);
    }
    this.updatedAt = now;
  }
}
