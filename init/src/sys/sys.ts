/**
 * Every effect the init has on the system goes through this interface: the
 * real one wraps QuickJS's `os`/`std` and our native module (quickjs.ts), and
 * supervisor tests can swap in a fake. Failures throw SysError with the verb,
 * the object and the errno text.
 */

export class SysError extends Error {
  constructor(
    readonly verb: string,
    readonly object: string,
    readonly errno: number,
    reason: string,
  ) {
    super(`unable to ${verb} ${object}: ${reason}`);
  }
}

export interface SpawnRequest {
  command: string[];
  env: string[];
  cwd?: string;
  stdin?: number;
  stdout?: number;
  stderr?: number;
  uid?: number;
  gid?: number;
  groups?: number[];
  /** Own session and process group, so stop signals reach the whole group. */
  setsid?: boolean;
  umask?: number;
  /** A cgroup v2 directory the child joins before exec, so its whole tree is accounted there. */
  cgroup?: string;
}

/** How a child ended, decoded from its wait status. */
export type ExitStatus = { exited: true; code: number } | { exited: false; signal: number };

export interface TimerHandle {
  readonly id: unknown;
}

export interface Sys {
  /** Monotonic milliseconds. */
  now(): number;
  /** Wall-clock milliseconds since the epoch. */
  wallClock(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Calls `callback` whenever `fd` is readable; null removes it. A callback that
   * returns true (it read a full buffer, more may be waiting) yields to other fds
   * before it is called again.
   */
  onReadable(fd: number, callback: (() => boolean | void) | null): void;

  spawn(request: SpawnRequest): number;
  kill(pid: number, signal: number): void;
  /** Reaps one exited child without blocking; undefined when none is waiting. */
  reap(): { pid: number; status: ExitStatus } | undefined;
  pipe(): [number, number];
  /** Bytes read; empty at end of file; undefined when nothing is available now. */
  read(fd: number, max: number): Uint8Array | undefined;
  write(fd: number, data: string | Uint8Array): void;
  /** One write(2) on a non-blocking fd: bytes written, 0 when it would block. Throws SysError on other errors. */
  tryWrite(fd: number, data: Uint8Array): number;
  close(fd: number): void;
  /** Opens a file for appending (created 0640), close-on-exec. */
  openAppend(path: string): number;

  readText(path: string): string | undefined;
  writeText(path: string, text: string, mode?: number): void;
  mkdirs(path: string, mode?: number): void;
  exists(path: string): boolean;
  listDir(path: string): string[];
  /** Size of a regular file, or undefined when there is none. */
  fileSize(path: string): number | undefined;
  rename(from: string, to: string): void;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): void;
  /** Calls `callback` whenever `fd` is writable; null removes it. */
  onWritable(fd: number, callback: (() => void) | null): void;
  /** Starts a non-blocking TCP connect; the fd becomes writable when it completes. Throws SysError. */
  connectTcp(address: string, port: number): number;
  /** A non-blocking listening Unix socket at `path` (mode 0600, an old socket file replaced). Throws SysError. */
  listenUnix(path: string): number;
  /** Accepts one pending connection (non-blocking, close-on-exec), or undefined when none is waiting. */
  accept(fd: number): number | undefined;
  /** Connects to a Unix socket. Throws SysError. */
  connectUnix(path: string): number;
  /** The pending error of a socket (0 when its connect succeeded), and its text. */
  socketError(fd: number): { errno: number; text: string };
}
