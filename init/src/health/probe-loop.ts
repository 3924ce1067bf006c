/**
 * Repeats a probe: one attempt at a time, the next one `intervalMs` after the
 * previous one ended. Nothing polls: between attempts there is only a timer.
 * Results of an attempt that ends after `stop()` are ignored.
 */
import type { Sys, TimerHandle } from '../sys/sys.ts';
import type { ProbeResult } from './probe.ts';

export class ProbeLoop {
  private timer?: TimerHandle;
  private generation = 0;

  constructor(
    private readonly sys: Sys,
    private readonly attempt: () => Promise<ProbeResult>,
    private readonly intervalMs: number,
    private readonly onResult: (result: ProbeResult) => void,
  ) {}

  /** Starts probing after `delayMs` (the first attempt of a ready probe runs at once). */
  start(delayMs = 0): void {
    this.stop();
    const generation = ++this.generation;
    this.schedule(generation, delayMs);
  }

  stop(): void {
    this.generation++;
    if (this.timer) this.sys.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(generation: number, delayMs: number): void {
    this.timer = this.sys.setTimeout(() => {
      this.timer = undefined;
      this.attempt()
        .catch((error: unknown): ProbeResult => ({ ok: false, detail: error instanceof Error ? error.message : String(error) }))
        .then((result) => {
          if (generation !== this.generation) return;
          this.onResult(result);
          // onResult may have stopped or restarted the loop.
          if (generation === this.generation) this.schedule(generation, this.intervalMs);
        });
    }, delayMs);
  }
}
