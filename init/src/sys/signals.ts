/** Decodes a wait(2) status the way WIFEXITED/WEXITSTATUS/WTERMSIG do. */
import type { ExitStatus } from './sys.ts';

export function decodeWaitStatus(status: number): ExitStatus {
  const signal = status & 0x7f;
  return signal === 0 ? { exited: true, code: (status >> 8) & 0xff } : { exited: false, signal };
}

/** A short description for logs: "exit 0", "exit 3", "signal 9". */
export function describeExit(status: ExitStatus): string {
  return status.exited ? `exit ${status.code}` : `signal ${status.signal}`;
}
