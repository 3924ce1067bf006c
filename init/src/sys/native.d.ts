/**
 * The init's native C module (init/native/imago-native.c), registered as `imago:native`.
 * It supplies what QuickJS's `os` module lacks and PID 1 needs. Calls are thin:
 * unless noted they return 0 (or a non-negative result) on success and `-errno`
 * on failure, like QuickJS's own `os` functions; `strerror` turns that into text.
 */
declare module 'imago:native' {
  /** Mount flags from <sys/mount.h>. */
  export const MS_RDONLY: number;
  export const MS_NOSUID: number;
  export const MS_NODEV: number;
  export const MS_NOEXEC: number;
  export const MS_REMOUNT: number;
  export const MS_BIND: number;
  export const MS_MOVE: number;
  export const MS_REC: number;
  export const MS_PRIVATE: number;
  export const MS_RELATIME: number;
  /** umount2 flags. */
  export const MNT_DETACH: number;
  /** reboot(2) commands. */
  export const RB_AUTOBOOT: number;
  export const RB_HALT_SYSTEM: number;
  export const RB_POWER_OFF: number;
  /** Signal numbers of this architecture (they differ on MIPS). */
  export const SIGHUP: number;
  export const SIGINT: number;
  export const SIGQUIT: number;
  export const SIGKILL: number;
  export const SIGUSR1: number;
  export const SIGUSR2: number;
  export const SIGPIPE: number;
  export const SIGTERM: number;
  export const SIGCHLD: number;
  export const SIGCONT: number;
  export const SIGSTOP: number;
  export const SIGPWR: number;
  /** errno values the init checks for. */
  export const EAGAIN: number;
  export const EINTR: number;
  export const ECHILD: number;
  export const EEXIST: number;
  export const ENOENT: number;
  export const EINPROGRESS: number;
  export const EBUSY: number;
  export const EPIPE: number;
  export const ESRCH: number;
  /** open(2) flags missing from QuickJS's os module (their values differ on MIPS). */
  export const O_NOCTTY: number;
  export const O_NONBLOCK: number;

  export function strerror(errnum: number): string;
  export function getpid(): number;
  /** CLOCK_MONOTONIC in milliseconds (fractional). */
  export function monotonicMs(): number;
  /** CLOCK_REALTIME in milliseconds since the epoch. */
  export function realtimeMs(): number;
  /** clock_settime(CLOCK_REALTIME) to whole milliseconds since the epoch (needs CAP_SYS_TIME). */
  export function setRealtimeMs(ms: number): number;

  export function mount(source: string, target: string, fstype: string, flags: number, data: string): number;
  export function umount2(target: string, flags: number): number;
  export function reboot(command: number): number;
  export function sync(): void;
  export function sethostname(name: string): number;
  export function setsid(): number;
  /** prctl(PR_SET_CHILD_SUBREAPER, on). */
  export function setChildSubreaper(on: boolean): number;
  export function chroot(path: string): number;
  export function umask(mask: number): number;
  export function chmod(path: string, mode: number): number;
  export function chown(path: string, uid: number, gid: number): number;
  /** mknod with a type in `mode` (S_IFCHR 0o020000, S_IFBLK 0o060000, S_IFIFO 0o010000). */
  export function mknod(path: string, mode: number, major: number, minor: number): number;
  export function mkdir(path: string, mode: number): number;
  export function symlink(target: string, path: string): number;
  export function unlink(path: string): number;
  export function rename(from: string, to: string): number;
  export function fsync(fd: number): number;
  /** finit_module on the file at `path` with module parameters. */
  export function finitModule(path: string, params: string): number;
  /** statfs(path).f_type, or -errno. */
  export function statfsType(path: string): number;
  /**
   * Replaces the process image (no fork); returns -errno only when exec failed.
   * The signal mask is cleared for the new program (restored if exec fails).
   */
  export function execv(path: string, args: string[]): number;

  /**
   * Blocks `signals` and returns a non-blocking, close-on-exec signalfd for them,
   * so a signal wakes the event loop through a file handler and is never delayed.
   */
  export function signalfd(signals: number[]): number;
  /** Reads one pending signal from a signalfd: the signal number, or -EAGAIN when none. */
  export function readSignal(fd: number): number;

  export interface SpawnOptions {
    /** Program path; searched in PATH (from `env`) when it has no slash. */
    file: string;
    /** argv, including argv[0]. */
    args: string[];
    /** The complete environment as `KEY=value` strings. */
    env: string[];
    cwd?: string;
    /** File descriptors to become 0, 1 and 2 in the child; -1 means /dev/null, omitted inherits ours. */
    stdin?: number;
    stdout?: number;
    stderr?: number;
    /** Start a new session (and process group). */
    setsid?: boolean;
    /**
     * Privileges to drop to, applied as setgroups, setgid, setuid in that order.
     * Without `groups`, a root parent's supplementary groups are cleared when `uid` or `gid` is set.
     */
    uid?: number;
    gid?: number;
    groups?: number[];
    umask?: number;
    /**
     * A cgroup v2 directory: the child writes itself into `<cgroup>/cgroup.procs`
     * before exec, so nothing it forks can escape the group. A failure there ends
     * the child with 127 and a message, like a failed exec.
     */
    cgroup?: string;
  }
  /**
   * fork + exec with the child's signal mask and dispositions reset, every other
   * descriptor closed, and privileges dropped in the right order. Returns the pid,
   * or -errno when fork failed. A failed exec in the child exits 127 after writing
   * `imago: exec <file>: <error>` to its stderr. The child side is
   * init/native/imago-spawn.c.
   */
  export function spawn(options: SpawnOptions): number;

  /** Sets or clears O_NONBLOCK. */
  export function setNonblock(fd: number, on: boolean): number;
  export function setCloexec(fd: number, on: boolean): number;
  /** A pipe whose two ends are close-on-exec: [readFd, writeFd], or -errno. */
  export function pipe(): [number, number] | number;
  /** read(2) into a new ArrayBuffer of at most `max` bytes; -errno on error, empty at EOF. */
  export function read(fd: number, max: number): ArrayBuffer | number;
  /** write(2) of a string (UTF-8) or bytes; returns bytes written or -errno. */
  export function write(fd: number, data: string | ArrayBuffer): number;
  export function close(fd: number): number;

  /** A non-blocking TCP connect to an IPv4/IPv6 literal; the fd (connect in progress) or -errno. */
  export function tcpConnect(address: string, port: number): number;
  /** A non-blocking listening TCP socket on an address literal ('0.0.0.0', '::'); fd or -errno. */
  export function tcpListen(address: string, port: number, backlog: number): number;
  /** A non-blocking listening Unix stream socket at `path` (an old socket file is replaced). */
  export function unixListen(path: string, backlog: number): number;
  /** A non-blocking connect to a Unix stream socket: fd or -errno. */
  export function unixConnect(path: string): number;
  /** accept4 with SOCK_NONBLOCK|SOCK_CLOEXEC: the new fd, or -EAGAIN when none is pending. */
  export function accept(fd: number): number;
  /** getsockopt(SO_ERROR): 0 once a non-blocking connect succeeded, else the errno (positive). */
  export function socketError(fd: number): number;
  /** getsockopt(SO_PEERCRED) on a connected Unix socket: [pid, uid, gid] of the peer at connect time, or -errno. */
  export function peerCredentials(fd: number): [number, number, number] | number;
  /** Brings a network interface up or down (SIOCSIFFLAGS); for `lo` before any tool runs. */
  export function setInterfaceUp(name: string, up: boolean): number;

  /** O_SYNC for open(2): the update agent's writes of the boot environment reach the disk before it returns. */
  export const O_SYNC: number;
  /** A SHA-256 context (an opaque ArrayBuffer) that sha256Update changes in place. */
  export function sha256Init(): ArrayBuffer;
  /** Adds the first `length` bytes of `data` (all of it by default) to the hash. */
  export function sha256Update(context: ArrayBuffer, data: ArrayBuffer, length?: number): void;
  /** The 32-byte digest; the context is used up. */
  export function sha256Final(context: ArrayBuffer): ArrayBuffer;
  /** SHA-512 of `data` (64 bytes), for Ed25519 verification. */
  export function sha512(data: ArrayBuffer): ArrayBuffer;
}
