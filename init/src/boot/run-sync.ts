/**
 * Runs a short helper command to completion during boot, before the event loop
 * supervises anything, with its output on the console.
 */
import type { ExitStatus, Sys } from '../sys/sys.ts';

export const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Returns the exit code (128+signal when killed, 127 when it could not start). */
export function runSync(sys: Sys, command: string[], options: { interactive?: boolean } = {}): number {
  // An interactive command (the emergency shell) reads the console; others get /dev/null.
  const stdin = options.interactive ? 0 : -1;
  const env = [`PATH=${defaultPath}`, 'HOME=/', 'TERM=linux'];
  let pid: number;
  try {
    pid = sys.spawn({ command, env, stdin, stdout: 1, stderr: 2, setsid: options.interactive === true });
  } catch {
    return 127;
  }
  let exit: ExitStatus;
  try {
    exit = sys.wait(pid);
  } catch {
    return 127;
  }
  return exit.exited ? exit.code : 128 + exit.signal;
}
