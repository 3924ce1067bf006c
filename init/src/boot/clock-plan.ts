/**
 * Whether the clock moves at boot and what is saved at shutdown, decided
 * from the saved time and the clock, so both can be tested without a device.
 * Pure.
 *
 * A device without a battery boots in 1970 (or wherever its RTC drifted).
 * The last known time, saved on the data partition by the time service at
 * each sync and by the init at shutdown, is a lower bound of the true time:
 * the clock is moved forward to it, never backward. That still is not a
 * known time: only a real time source marks the clock set.
 *
 *   clockAtBoot('1764000000\n', 86_400_000)   // { set: 1764000000000, ... }
 *   clockToSave('1764000000\n', now)          // the text to write, or undefined
 */
import { formatSavedClock, parseSavedClock } from '../../../contract/index.ts';

export type BootClockDecision = { set: number; message: string } | { set?: undefined; message: string };

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** What to do with the clock at boot, given the saved file's text (undefined: none) and the clock now. */
export function clockAtBoot(saved: string | undefined, nowMs: number): BootClockDecision {
  if (saved === undefined) return { message: `clock: no saved time; keeping ${iso(nowMs)} until a time server answers` };
  const savedMs = parseSavedClock(saved);
  if (savedMs === undefined) return { message: `clock: ignoring the saved time: expected whole seconds since the epoch on one line, got ${JSON.stringify(saved.slice(0, 40))}` };
  if (savedMs <= nowMs) return { message: `clock: ${iso(nowMs)} is not behind the saved time ${iso(savedMs)}; keeping it` };
  return { set: savedMs, message: `clock: moved forward from ${iso(nowMs)} to the saved time ${iso(savedMs)} (not yet set by a time server)` };
}

/** The saved file's new text at shutdown, or undefined when the clock is behind the saved time (it must not go back). */
export function clockToSave(saved: string | undefined, nowMs: number): string | undefined {
  const savedMs = saved === undefined ? undefined : parseSavedClock(saved);
  if (savedMs !== undefined && savedMs >= nowMs) return undefined;
  return formatSavedClock(nowMs);
}
