/**
 * What happens when the init cannot continue booting: with `imago.debug` on the
 * kernel command line, a shell on the console; otherwise a reboot after a pause,
 * the safe default for an unattended device.
 */
import type { Logger } from '../logs/logger.ts';
import type { Sys } from '../sys/sys.ts';
import { runSync } from './run-sync.ts';

export function debugRequested(sys: Sys): boolean {
  return /(^|\s)imago\.debug(\s|$)/.test(sys.readText('/proc/cmdline') ?? '');
}

export function emergency(sys: Sys, log: Logger, reason: string): void {
  log.info(`error: cannot continue booting: ${reason}`);
  if (debugRequested(sys)) {
    log.info('imago.debug is set: starting an emergency shell on the console; exit it to reboot');
    runSync(sys, ['/bin/busybox', 'sh', '-l'], { interactive: true });
  } else {
    log.info('rebooting in 10 s (add imago.debug to the kernel command line for an emergency shell)');
    sys.sleep(10_000);
  }
  sys.sync();
  try {
    sys.reboot('reboot');
  } catch {
    // Nothing left to try: the init goes on without services.
  }
}
