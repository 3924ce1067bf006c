/**
 * Retries `apt-get update` while a mirror is mid-sync: the next try, seconds
 * later, usually finds the indexes and the Release file agreeing again. Any
 * other failure is final at once.
 *
 *   const verdict = await retryAptUpdate(() => runUpdateOnce(), aptRetryDelays(process.env), sleep);
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import type { AptUpdateVerdict } from './apt-update-output.ts';

/** Waits between tries when the mirror is mid-sync: three retries, over about a minute and a half. */
export const defaultAptRetryDelaysMs: readonly number[] = [5_000, 20_000, 60_000];

/**
 * The waits between tries: `IMAGO_APT_RETRY_DELAYS` as comma-separated
 * seconds (e.g. `0,0` in tests, `` for no retry), else the default. Throws on
 * a value that is not a list of non-negative numbers.
 */
export function aptRetryDelays(env: NodeJS.ProcessEnv): readonly number[] {
  const text = env.IMAGO_APT_RETRY_DELAYS;
  if (text === undefined) return defaultAptRetryDelaysMs;
  if (text.trim() === '') return [];
  const seconds = text.split(',').map((part) => Number(part.trim()));
  if (seconds.some((value) => !Number.isFinite(value) || value < 0)) {
    throw new Error(`IMAGO_APT_RETRY_DELAYS: expected comma-separated seconds such as 5,20,60, got ${JSON.stringify(text)}`);
  }
  return seconds.map((value) => value * 1000);
}

/** What the last try said, and how many tries it took. */
export interface RetriedUpdate {
  verdict: AptUpdateVerdict;
  attempts: number;
}

/**
 * Runs `attempt` until it is not a mirror sync, waiting `delaysMs[i]` before
 * retry i+1; returns the last verdict (still `mirror-sync` when every retry
 * was). `onRetry` hears about each wait, for progress output.
 */
export async function retryAptUpdate(
  attempt: () => Promise<AptUpdateVerdict>,
  delaysMs: readonly number[],
  sleep: (ms: number) => Promise<unknown> = sleepMs,
  onRetry: (verdict: AptUpdateVerdict & { kind: 'mirror-sync' }, delayMs: number) => void = () => {},
): Promise<RetriedUpdate> {
  for (let attempts = 1; ; attempts++) {
    const verdict = await attempt();
    const delay = delaysMs[attempts - 1];
    if (verdict.kind !== 'mirror-sync' || delay === undefined) return { verdict, attempts };
    onRetry(verdict, delay);
    await sleep(delay);
  }
}
