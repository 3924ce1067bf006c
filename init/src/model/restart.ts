/**
 * Restart policy and backoff. Pure.
 *
 * Quick failures (runs shorter than `resetAfterMs`) form a streak. The first
 * restart of a streak is immediate, so a service that crashes once a day is back
 * at once; each further one waits twice as long as the last, from `initialMs` up
 * to `maxMs`. After `limit` restarts in a streak the service is failed.
 */
import type { BackoffConfig, RestartPolicy } from '../../../contract/index.ts';
import type { ExitStatus } from '../sys/sys.ts';

/** Whether a process that ended with `status` is restarted under `policy`. */
export function shouldRestart(policy: RestartPolicy, status: ExitStatus): boolean {
  if (policy === 'always') return true;
  if (policy === 'never') return false;
  return !succeeded(status);
}

export function succeeded(status: ExitStatus): boolean {
  return status.exited && status.code === 0;
}

/** The length of the quick-failure streak after a run of `ranMs`. */
export function nextFailureCount(previous: number, ranMs: number, backoff: BackoffConfig): number {
  return ranMs >= backoff.resetAfterMs ? 1 : previous + 1;
}

/** The delay before restart number `failures` (1-based) of a streak. */
export function restartDelay(failures: number, backoff: BackoffConfig): number {
  if (failures <= 1) return 0;
  const exponent = Math.min(failures - 2, 40);
  return Math.min(backoff.initialMs * 2 ** exponent, backoff.maxMs);
}
