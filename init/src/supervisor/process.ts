/**
 * Starts one process with its stdout and stderr captured into the logger under
 * the process's name, a whole read at a time.
 */
import type { ProcessConfig } from '../../../contract/index.ts';
import type { Logger } from '../logs/logger.ts';
import type { Sys } from '../sys/sys.ts';

/**
 * A whole pipe buffer (Linux's default) per read: the cost of logging is per
 * read more than per byte, so a chatty service is taken in few, large bites.
 */
const readSize = 65536;

/** Spawns `config` in its own session (and `cgroup`); returns the pid. Throws SysError when it cannot start. */
export function spawnCaptured(sys: Sys, log: Logger, config: ProcessConfig, cgroup?: string): number {
  const [readFd, writeFd] = sys.pipe();
  let pid: number;
  try {
    pid = sys.spawn({
      command: config.command,
      env: config.env,
      cwd: config.workdir,
      stdout: writeFd,
      stderr: writeFd,
      uid: config.uid,
      gid: config.gid,
      groups: config.groups,
      umask: config.umask,
      cgroup,
      setsid: true,
    });
  } catch (error) {
    sys.close(readFd);
    sys.close(writeFd);
    throw error;
  }
  sys.close(writeFd);
  const output = log.stream(config.name);
  sys.onReadable(readFd, () => {
    const chunk = sys.read(readFd, readSize);
    if (chunk === undefined) return;
    if (chunk.length === 0) {
      // End of output: every holder of the pipe's write end (the process and its children) is gone.
      output.end();
      sys.onReadable(readFd, null);
      sys.close(readFd);
      return;
    }
    output.write(chunk);
    return chunk.length === readSize;
  });
  return pid;
}
