/**
 * The end of the system: stop services in reverse dependency order, end every
 * other process (TERM, a grace period, KILL), sync, unmount, then reboot(2).
 */
import type { Logger } from '../logs/logger.ts';
import type { Supervisor } from '../supervisor/supervisor.ts';
import type { Sys } from '../sys/sys.ts';
import { saveClock } from './clock.ts';

export type ShutdownKind = 'halt' | 'poweroff' | 'reboot';

const verbs: Record<ShutdownKind, string> = { halt: 'halting', poweroff: 'powering off', reboot: 'rebooting' };

export function sleep(sys: Sys, ms: number): Promise<void> {
  return new Promise((resolve) => sys.setTimeout(resolve, ms));
}

/** Sends `signal` to every process but us; resolves when none is left or after `graceMs`. */
async function endEveryProcess(sys: Sys, supervisor: Supervisor, graceMs: number): Promise<void> {
  // Only PID 1 may signal "everyone": as a host process this would hit the user's session.
  if (sys.getpid() === 1) sys.kill(-1, sys.signals.TERM);
  const deadline = sys.now() + graceMs;
  while (sys.now() < deadline) {
    supervisor.reapAll();
    if (countOtherProcesses(sys) === 0) return;
    await sleep(sys, 50);
  }
  if (sys.getpid() === 1) sys.kill(-1, sys.signals.KILL);
  await sleep(sys, 50);
  supervisor.reapAll();
}

/** Processes other than PID 1 and kernel threads, counted from /proc. */
function countOtherProcesses(sys: Sys): number {
  let count = 0;
  for (const name of sys.listDir('/proc')) {
    if (!/^\d+$/.test(name) || name === '1') continue;
    // Kernel threads have an empty cmdline.
    const cmdline = sys.readText(`/proc/${name}/cmdline`);
    if (cmdline) count++;
  }
  return count;
}

/** Unmounts everything but the root and the kernel's own trees, deepest first. */
function unmountAll(sys: Sys, log: Logger): void {
  const mounts = (sys.readText('/proc/mounts') ?? '')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((target) => target && target !== '/' && !/^\/(proc|sys|dev)(\/|$)/.test(target));
  for (const target of mounts.reverse()) {
    try {
      sys.unmount(target, true);
    } catch (error) {
      log.warn((error as Error).message);
    }
  }
}

export async function shutdown(sys: Sys, log: Logger, supervisor: Supervisor, kind: ShutdownKind): Promise<never> {
  log.info(`shutting down (${kind})`);
  await supervisor.stopAll();
  log.info('all services stopped');
  await endEveryProcess(sys, supervisor, 2000);
  // While /data is still mounted: the next boot starts from here, never from an earlier time.
  saveClock(sys, log);
  log.closeFiles();
  sys.sync();
  unmountAll(sys, log);
  sys.sync();
  log.info(verbs[kind]);
  // Let the console show the last lines before the machine goes away (at most 3 s).
  for (let waited = 0; log.consolePending() && waited < 3000; waited += 20) await sleep(sys, 20);
  // Throws "unable to <kind>" when it fails.
  sys.reboot(kind);
  throw new Error(`unable to ${kind}`);
}
