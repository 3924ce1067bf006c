/**
 * Restart policy and backoff. Pure.
 *
 * A service that exits is restarted when its policy says so, after a delay that
 * doubles with each consecutive quick failure (base, 2*base, 4*base ... up to cap).
 * A run that lasted at least `stableMs` resets the count, so a service that
 * crashes once a day restarts at once, while a crash loop settles at the cap.
 */
import type { RestartPolicy } from '../config.ts';
import type { ExitStatus } from '../sys/sys.ts';

export interface BackoffSettings {
  baseMs: number;
  capMs: number;
  stableMs: number;
}

export const defaultBackoff: BackoffSettings = { baseMs: 100, capMs: 30_000, stableMs: 10_000 };

/** Whether a process that ended with `status` is restarted under `policy`. */
export function shouldRestart(policy: RestartPolicy, status: ExitStatus): boolean {
  if (policy === 'always') return true;
  if (policy === 'never') return false;
  return !status.exited || status.code !== 0;
}

/** The number of consecutive quick failures after a run of `ranMs`. */
export function nextFailureCount(previous: number, ranMs: number, settings: BackoffSettings = defaultBackoff): number {
  return ranMs >= settings.stableMs ? 1 : previous + 1;
}

/** The delay before restart number `failures` (1-based) of a quick-failure streak. */
export function restartDelay(failures: number, settings: BackoffSettings = defaultBackoff): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  return Math.min(settings.baseMs * 2 ** exponent, settings.capMs);
}
