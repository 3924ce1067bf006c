/**
 * Decides when a trial boot commits: every critical service must have been
 * healthy (or, without a health check, running) without a break for
 * `commitAfterMs`; a critical service that failed, or no commit within
 * `timeoutMs` of boot, fails the trial. Pure: the agent feeds it service
 * states once a second.
 *
 * ```ts
 * const watch = new CommitWatch(['app'], 60_000, 300_000);
 * watch.tick(now, supervisor.status());  // { kind: 'wait' } | { kind: 'commit' } | { kind: 'fail', reason }
 * ```
 */

/** The parts of a service's status the watch reads. */
export interface CriticalState {
  name: string;
  state: string;
  health: string;
  reason?: string;
}

export type CommitDecision = { kind: 'wait' } | { kind: 'commit' } | { kind: 'fail'; reason: string };

function isGood(service: CriticalState): boolean {
  return service.state === 'running' && (service.health === 'healthy' || service.health === 'none');
}

export class CommitWatch {
  private goodSince: number | undefined;

  constructor(
    private readonly critical: readonly string[],
    private readonly commitAfterMs: number,
    private readonly timeoutMs: number,
  ) {}

  /** The decision at monotonic time `now` (ms since boot) for the current service states. */
  tick(now: number, services: readonly CriticalState[]): CommitDecision {
    const states = this.critical.map((name) => services.find((s) => s.name === name) ?? { name, state: 'missing', health: 'none' });
    const failed = states.find((s) => s.state === 'failed' || s.state === 'missing');
    if (failed) return { kind: 'fail', reason: `critical service ${failed.name} ${failed.state === 'missing' ? 'does not exist' : `failed${failed.reason ? `: ${failed.reason}` : ''}`}` };
    if (states.every(isGood)) {
      this.goodSince ??= now;
      if (now - this.goodSince >= this.commitAfterMs) return { kind: 'commit' };
    } else {
      this.goodSince = undefined;
    }
    if (now >= this.timeoutMs) {
      const bad = states.filter((s) => !isGood(s)).map((s) => `${s.name} ${s.state}${s.health !== 'none' ? `/${s.health}` : ''}`);
      const detail = bad.length > 0 ? bad.join(', ') : `healthy for less than ${Math.round(this.commitAfterMs / 1000)} s`;
      return { kind: 'fail', reason: `critical services not healthy within ${Math.round(this.timeoutMs / 1000)} s of boot: ${detail}` };
    }
    return { kind: 'wait' };
  }
}
