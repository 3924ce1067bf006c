/**
 * Every effect the init has on the system goes through this interface: the
 * real one wraps QuickJS's `os`/`std` and our native module (quickjs.ts, the
 * only file that imports them), and tests swap in a fake (fake.ts). Failures
 * throw SysError with the verb, the object and the errno text.
 *
 * Sys is composed of small interfaces, one concern each: time, the event
 * loop, processes, descriptors, files, sockets, the kernel, and hashing.
 */

export class SysError extends Error {
  constructor(
    readonly verb: string,
    readonly object: string,
    readonly errno: number,
    /** The errno text, for callers that word the failure their own way. */
    readonly reason: string,
  ) {
    super(`unable to ${verb}${object ? ` ${object}` : ''}: ${reason}`);
  }
}

/** The errno text of a SysError, or the message of any other error. */
export function reasonOf(error: unknown): string {
  if (error instanceof SysError) return error.reason;
  return error instanceof Error ? error.message : String(error);
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
  /** Own session and process group, so stop signals reach the whole group (default true). */
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

/** Signal numbers of this architecture (they differ on MIPS). */
export interface Signals {
  readonly HUP: number;
  readonly INT: number;
  readonly QUIT: number;
  readonly KILL: number;
  readonly USR1: number;
  readonly USR2: number;
  readonly PIPE: number;
  readonly TERM: number;
  readonly CHLD: number;
  readonly CONT: number;
  readonly STOP: number;
  readonly PWR: number;
}

/** errno values the init tells apart in a SysError (some differ on MIPS). */
export interface ErrnoValues {
  readonly EAGAIN: number;
  readonly EINTR: number;
  readonly EEXIST: number;
  readonly ENOENT: number;
  readonly EBUSY: number;
  readonly EPIPE: number;
  readonly ESRCH: number;
}

/** Time and timers. */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Wall-clock milliseconds since the epoch. */
  wallClock(): number;
  /** Sets the wall clock to `ms` since the epoch; throws a SysError when the kernel refuses. */
  setWallClock(ms: number): void;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Blocks the whole process for `ms` (boot and emergency paths, before or instead of the event loop). */
  sleep(ms: number): void;
}

/** Readiness callbacks of the event loop. */
export interface EventLoop {
  /**
   * Calls `callback` whenever `fd` is readable; null removes it. A callback that
   * returns true (it read a full buffer, more may be waiting) yields to other fds
   * before it is called again.
   */
  onReadable(fd: number, callback: (() => boolean | void) | null): void;
  /** Calls `callback` whenever `fd` is writable; null removes it. */
  onWritable(fd: number, callback: (() => void) | null): void;
}

/** This process and its children. */
export interface Processes {
  readonly signals: Signals;
  getpid(): number;
  spawn(request: SpawnRequest): number;
  kill(pid: number, signal: number): void;
  /** Reaps one exited child without blocking; undefined when none is waiting. */
  reap(): { pid: number; status: ExitStatus } | undefined;
  /** Blocks until child `pid` ends and reaps it. */
  wait(pid: number): ExitStatus;
  /** Blocks `signals` and returns a non-blocking, close-on-exec signalfd that reports them. */
  signalfd(signals: number[]): number;
  /** The next pending signal on a signalfd, or undefined when none is. */
  readSignal(fd: number): number | undefined;
  /** Makes this process a child subreaper: orphans below it are reparented to it. */
  becomeSubreaper(): void;
  getenv(name: string): string | undefined;
  setenv(name: string, value: string): void;
  /** Replaces this process with the program at `path` (argv `args`); returns only by throwing. */
  exec(path: string, args: string[]): never;
  /** Ends this process with `code`. */
  exit(code: number): never;
}

/** File descriptors: pipes, files opened for streaming, devices. */
export interface Descriptors {
  pipe(): [number, number];
  /** Bytes read; empty at end of file; undefined when nothing is available now. */
  read(fd: number, max: number): Uint8Array | undefined;
  /** Writes all of `data`; a failure names `name` (default `fd N`). */
  write(fd: number, data: string | Uint8Array, name?: string): void;
  /** One write(2) on a non-blocking fd: bytes written, 0 when it would block. Throws SysError on other errors. */
  tryWrite(fd: number, data: Uint8Array): number;
  close(fd: number): void;
  /** Opens a file for appending (created 0640), close-on-exec. */
  openAppend(path: string): number;
  /** Opens a file or folder for reading. */
  openRead(path: string): number;
  /** Creates a file for writing, or empties an existing one ("unable to create"). */
  create(path: string, mode?: number): number;
  /** Creates a new file for writing (O_EXCL): throws SysError with EEXIST when one is there already. */
  createExclusive(path: string, mode?: number): number;
  /** Opens an existing file for writing in place, from its start. */
  openWrite(path: string): number;
  /** Opens a character device (the console, /dev/kmsg) non-blocking, close-on-exec, never as a controlling terminal. */
  openDevice(path: string, access: 'read' | 'write'): number;
  /** fsync(2): what was written to `fd` is on the disk; a failure names `name` (default `fd N`). */
  fsync(fd: number, name?: string): void;
  /** Moves `fd`'s position to `offset` bytes from the start (a block device's boot sector fields). */
  seek(fd: number, offset: number): void;
}

/** Whole files and folders by path. */
export interface Files {
  /** The file's bytes, or undefined when it cannot be read. */
  readBytes(path: string): Uint8Array | undefined;
  readText(path: string): string | undefined;
  writeText(path: string, text: string, mode?: number): void;
  mkdirs(path: string, mode?: number): void;
  exists(path: string): boolean;
  listDir(path: string): string[];
  /** Size of a regular file, or undefined when there is none. */
  fileSize(path: string): number | undefined;
  /** Size of whatever `path` is (0 for a pipe), or undefined when it does not exist. */
  statSize(path: string): number | undefined;
  rename(from: string, to: string): void;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): void;
  symlink(target: string, path: string): void;
  /** What `path` itself is (a symlink is not followed), or undefined when it does not exist. */
  lstat(path: string): FileInfo | undefined;
  /** The target a symlink names. */
  readlink(path: string): string;
  /** Sets the permission bits (including setuid, setgid and sticky). */
  chmod(path: string, mode: number): void;
  chown(path: string, uid: number, gid: number): void;
}

/** The kind, permission bits and owner of one file system entry. */
export interface FileInfo {
  kind: 'file' | 'directory' | 'symlink' | 'other';
  /** Permission bits only (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
}

/** TCP and Unix sockets. */
export interface Sockets {
  /** Starts a non-blocking TCP connect; the fd becomes writable when it completes. */
  connectTcp(address: string, port: number): number;
  /** A non-blocking listening Unix socket at `path` (mode 0600 unless given, an old socket file replaced). */
  listenUnix(path: string, mode?: number): number;
  /** Accepts one pending connection (non-blocking, close-on-exec), or undefined when none is waiting. */
  accept(fd: number): number | undefined;
  /** Connects to a Unix socket. */
  connectUnix(path: string): number;
  /** The pending error of a socket (0 when its connect succeeded), and its text. */
  socketError(fd: number): { errno: number; text: string };
  /** Who connected to an accepted Unix socket, as the kernel recorded it at connect() (SO_PEERCRED). */
  peerCredentials(fd: number): PeerCredentials;
}

/** A Unix socket peer's process and ids; supplementary groups are not included. */
export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

/** 'bind' mounts the folder `source` at `target` (MS_BIND; fstype and data are ignored). */
export type MountFlag = 'nosuid' | 'nodev' | 'noexec' | 'relatime' | 'readonly' | 'bind';
export type RebootKind = 'reboot' | 'halt' | 'poweroff';

/** The kernel's system-wide state: mounts, power, modules, names, interfaces. */
export interface Kernel {
  /** mount(2); a failure reads "unable to mount <fstype> on <target>". */
  mount(source: string, target: string, fstype: string, flags: readonly MountFlag[], data: string): void;
  /** Remounts `target` read-only. */
  remountReadOnly(target: string): void;
  /**
   * Remounts `target` with exactly `flags` and `data` (mount(2) with MS_REMOUNT):
   * read-write unless `flags` has 'readonly'; a flag left out is cleared.
   */
  remount(target: string, flags: readonly MountFlag[], data: string): void;
  /** mount(2) with MS_MOVE: the file system mounted at `source` is at `target` instead. */
  moveMount(source: string, target: string): void;
  /** chdir(2): the working folder of this process and of those it starts. */
  changeDir(path: string): void;
  /** chroot(2): `path` becomes the root of this process and of those it starts. */
  changeRoot(path: string): void;
  /** umount2(2), detached (lazy) when `detach`. */
  unmount(target: string, detach: boolean): void;
  /** sync(2): every file system's dirty data to its disk. */
  sync(): void;
  /** reboot(2); returns only by throwing, as "unable to <kind>". */
  reboot(kind: RebootKind): void;
  /** Ctrl-Alt-Del then reaches PID 1 as SIGINT instead of resetting the machine at once. */
  catchCtrlAltDel(): void;
  setHostname(name: string): void;
  /** finit_module of the module file at `path`; EEXIST when it is built in or loaded already. */
  loadModule(path: string): void;
  /** Brings a network interface up or down. */
  setInterfaceUp(name: string, up: boolean): void;
}

/** An incremental SHA-256. */
export interface Sha256 {
  update(data: Uint8Array): void;
  /** The 32-byte digest; the hash is used up. */
  digest(): Uint8Array;
}

export interface Hashing {
  sha256(): Sha256;
  sha512(data: Uint8Array): Uint8Array;
}

export interface Sys extends Clock, EventLoop, Processes, Descriptors, Files, Sockets, Kernel, Hashing {
  readonly errno: ErrnoValues;
}
