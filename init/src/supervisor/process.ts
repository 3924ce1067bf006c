/**
 * Starts one process with its stdout and stderr captured line by line into the
 * logger under the process's name.
 */
import type { ProcessConfig } from '../../../contract/index.ts';
import { LineSplitter } from '../logs/lines.ts';
import type { Logger } from '../logs/logger.ts';
import type { Sys } from '../sys/sys.ts';

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
  const splitter = new LineSplitter();
  const chunkSize = 16384;
  sys.onReadable(readFd, () => {
    const chunk = sys.read(readFd, chunkSize);
    if (chunk === undefined) return;
    if (chunk.length === 0) {
      // End of output: every holder of the pipe's write end (the process and its children) is gone.
      for (const line of splitter.flush()) log.line(config.name, line);
      sys.onReadable(readFd, null);
      sys.close(readFd);
      return;
    }
    for (const line of splitter.push(chunk)) log.line(config.name, line);
    return chunk.length === chunkSize;
  });
  return pid;
}
