/**
 * Runs a short helper command to completion during boot, before the event loop
 * supervises anything, with its output on the console.
 */
import * as os from 'os';
import * as native from 'imago:native';
import { decodeWaitStatus } from '../sys/signals.ts';

export const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Returns the exit code (128+signal when killed, 127 when it could not start). */
export function runSync(command: string[], options: { interactive?: boolean } = {}): number {
  // An interactive command (the emergency shell) reads the console; others get /dev/null.
  const stdin = options.interactive ? 0 : -1;
  const env = [`PATH=${defaultPath}`, 'HOME=/', 'TERM=linux'];
  const pid = native.spawn({ file: command[0]!, args: command, env, stdin, stdout: 1, stderr: 2, setsid: options.interactive });
  if (pid < 0) return 127;
  for (;;) {
    const [ret, status] = os.waitpid(pid, 0);
    if (ret === pid) {
      const exit = decodeWaitStatus(status);
      return exit.exited ? exit.code : 128 + exit.signal;
    }
    if (ret < 0 && ret !== -native.EINTR) return 127;
  }
}
