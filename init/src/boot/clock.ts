/**
 * The init's side of keeping time across boots: before services start it
 * moves the clock forward to the time saved on the data partition; at
 * shutdown it saves the clock there. Does nothing without a mounted data
 * partition. Decisions are in clock-plan.ts; this reads, writes and logs.
 *
 *   restoreClock(sys, log);   // boot, after /data is mounted
 *   saveClock(sys, log);      // shutdown, before /data is unmounted
 */
import { dataMount, savedClockFile } from '../../../contract/index.ts';
import type { Logger } from '../logs/logger.ts';
import { reasonOf, type Sys } from '../sys/sys.ts';
import { clockAtBoot, clockToSave } from './clock-plan.ts';
import { isMountPoint } from './state-plan.ts';

/** Where the clock code reports: the init's Logger. */
export type ClockLog = Pick<Logger, 'info' | 'warn'>;

function dataMounted(sys: Sys): boolean {
  return isMountPoint(sys.readText('/proc/self/mounts') ?? '', dataMount);
}

/** Moves the clock forward to the saved time when it is behind it. Never throws: a wrong clock is no reason not to boot. */
export function restoreClock(sys: Sys, log: ClockLog): void {
  if (!dataMounted(sys)) return;
  const decision = clockAtBoot(sys.readText(savedClockFile), sys.wallClock());
  if (decision.set === undefined) return log.info(decision.message);
  try {
    sys.setWallClock(decision.set);
    log.info(decision.message);
  } catch (error) {
    log.warn(`unable to set the clock to the saved time: ${reasonOf(error)}`);
  }
}

/** Saves the clock (never an earlier time than the saved one), atomically. Never throws: the shutdown goes on. */
export function saveClock(sys: Sys, log: ClockLog): void {
  if (!dataMounted(sys)) return;
  const text = clockToSave(sys.readText(savedClockFile), sys.wallClock());
  if (text === undefined) return;
  try {
    sys.mkdirs(savedClockFile.slice(0, savedClockFile.lastIndexOf('/')), 0o755);
    sys.writeText(`${savedClockFile}.new`, text, 0o644);
    sys.rename(`${savedClockFile}.new`, savedClockFile);
  } catch (error) {
    log.warn(`unable to save the clock to ${savedClockFile}: ${reasonOf(error)}`);
  }
}
