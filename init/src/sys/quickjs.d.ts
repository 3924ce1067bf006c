/**
 * Types for the QuickJS (2025-04-26) built-in modules `std` and `os` and the
 * globals its runtime adds, as linked into the init binary by
 * init/native/main.c. Only init/src/sys/ imports these modules; everything
 * else goes through that layer so tests can swap in a fake.
 *
 * Conventions of QuickJS itself: most `os` calls return 0 or a result on
 * success and `-errno` on failure; a few return `[value, err]` pairs.
 */

/** The process arguments, including argv[0] (our main() passes the whole argv). */
declare var scriptArgs: string[];
/** Writes its arguments, separated by spaces, and a newline to stdout. */
declare function print(...args: unknown[]): void;
declare var console: {
  /** Same as print(). QuickJS has no other console methods. */
  log(...args: unknown[]): void;
};

declare module 'std' {
  /** A C stdio stream. Methods throw on invalid use; I/O errors show in error(). */
  export interface FILE {
    close(): number;
    puts(str: string): void;
    printf(format: string, ...args: unknown[]): number;
    flush(): void;
    seek(offset: number, whence: number): number;
    tell(): number;
    tello(): bigint;
    eof(): boolean;
    fileno(): number;
    error(): boolean;
    clearerr(): void;
    read(buffer: ArrayBuffer, position: number, length: number): number;
    write(buffer: ArrayBuffer, position: number, length: number): number;
    /** The next line without its newline, or null at end of file. */
    getline(): string | null;
    /** Reads up to `maxSize` bytes (default all) as UTF-8. */
    readAsString(maxSize?: number): string;
    getByte(): number;
    putByte(c: number): void;
  }

  /** Exits the process with `status` (flushing stdio). Never call this as PID 1 after boot. */
  export function exit(status: number): never;
  export function gc(): void;
  export function evalScript(script: string, options?: { backtrace_barrier?: boolean; async?: boolean }): unknown;
  export function loadScript(filename: string): unknown;
  /** The file's contents as UTF-8, or null on error. */
  export function loadFile(filename: string): string | null;
  export function getenv(name: string): string | undefined;
  export function setenv(name: string, value: string): void;
  export function unsetenv(name: string): void;
  export function getenviron(): Record<string, string>;
  export function strerror(errno: number): string;
  export function parseExtJSON(text: string): unknown;
  /** Opens a file like fopen(3); null on failure, with the errno in `errorObj.errno`. */
  export function open(filename: string, flags: string, errorObj?: { errno?: number }): FILE | null;
  export function popen(command: string, flags: string, errorObj?: { errno?: number }): FILE | null;
  export function fdopen(fd: number, flags: string, errorObj?: { errno?: number }): FILE | null;
  export function tmpfile(errorObj?: { errno?: number }): FILE | null;
  export function puts(str: string): void;
  export function printf(format: string, ...args: unknown[]): number;
  export function sprintf(format: string, ...args: unknown[]): string;

  // `in` is a reserved word, so it is declared under another name and renamed.
  const stdin: FILE;
  export { stdin as in };
  export const out: FILE;
  export const err: FILE;
  export const SEEK_SET: number;
  export const SEEK_CUR: number;
  export const SEEK_END: number;
  /** errno values (positive). */
  export const Error: {
    readonly EINVAL: number;
    readonly EIO: number;
    readonly EACCES: number;
    readonly EEXIST: number;
    readonly ENOSPC: number;
    readonly ENOSYS: number;
    readonly EBUSY: number;
    readonly ENOENT: number;
    readonly EPERM: number;
    readonly EPIPE: number;
    readonly EBADF: number;
  };
}

declare module 'os' {
  export interface Stat {
    dev: number;
    ino: number;
    mode: number;
    nlink: number;
    uid: number;
    gid: number;
    rdev: number;
    size: number;
    blocks: number;
    /** Milliseconds since the epoch. */
    atime: number;
    mtime: number;
    ctime: number;
  }

  export interface ExecOptions {
    /** Wait for the process and return its exit status (default true); else return the pid. */
    block?: boolean;
    /** Search `PATH` for the program (default true). */
    usePath?: boolean;
    file?: string;
    cwd?: string;
    stdin?: number;
    stdout?: number;
    stderr?: number;
    env?: Record<string, string>;
    /** Note: os.exec calls setuid before setgid and never setgroups; use imago:native spawn to drop privileges. */
    uid?: number;
    gid?: number;
  }

  /** An opaque timer handle. */
  export type Timer = object;

  /** Opens a file; the fd or -errno. */
  export function open(filename: string, flags: number, mode?: number): number;
  export function close(fd: number): number;
  export function seek(fd: number, offset: number, whence: number): number;
  export function seek(fd: number, offset: bigint, whence: number): bigint;
  /** Reads into `buffer` at `offset`; bytes read or -errno. */
  export function read(fd: number, buffer: ArrayBuffer, offset: number, length: number): number;
  export function write(fd: number, buffer: ArrayBuffer, offset: number, length: number): number;
  export function isatty(fd: number): boolean;
  export function ttyGetWinSize(fd: number): [number, number] | null;
  export function ttySetRaw(fd: number): void;
  export function remove(filename: string): number;
  export function rename(oldname: string, newname: string): number;
  export function realpath(path: string): [string, number];
  export function getcwd(): [string, number];
  export function chdir(path: string): number;
  export function mkdir(path: string, mode?: number): number;
  export function stat(path: string): [Stat, number];
  export function lstat(path: string): [Stat, number];
  export function utimes(path: string, atime: number, mtime: number): number;
  export function symlink(target: string, linkpath: string): number;
  export function readlink(path: string): [string, number];
  export function readdir(path: string): [string[], number];

  /** Calls `func` whenever `fd` is readable; null removes the handler. */
  export function setReadHandler(fd: number, func: (() => void) | null): void;
  export function setWriteHandler(fd: number, func: (() => void) | null): void;
  /** A handler run from the event loop; null restores the default, undefined ignores the signal. */
  export function signal(signal: number, func: (() => void) | null | undefined): void;
  export function kill(pid: number, signal: number): number;
  /** Runs a program; the exit status (block) or the pid, or -errno. */
  export function exec(args: string[], options?: ExecOptions): number;
  export function getpid(): number;
  /** [pid, status]; pid is 0 with WNOHANG and no change, or -errno. */
  export function waitpid(pid: number, options: number): [number, number];
  /** [readFd, writeFd], or null on error. The ends are not close-on-exec. */
  export function pipe(): [number, number] | null;
  export function dup(fd: number): number;
  export function dup2(oldfd: number, newfd: number): number;
  export function sleep(delayMs: number): void;
  export function sleepAsync(delayMs: number): Promise<void>;
  /** Monotonic time in milliseconds (fractional). */
  export function now(): number;
  export function setTimeout(func: () => void, delayMs: number): Timer;
  export function clearTimeout(timer: Timer): void;

  export const platform: 'linux' | 'darwin' | 'win32' | 'js';
  export const O_RDONLY: number;
  export const O_WRONLY: number;
  export const O_RDWR: number;
  export const O_APPEND: number;
  export const O_CREAT: number;
  export const O_EXCL: number;
  export const O_TRUNC: number;
  export const S_IFMT: number;
  export const S_IFIFO: number;
  export const S_IFCHR: number;
  export const S_IFDIR: number;
  export const S_IFBLK: number;
  export const S_IFREG: number;
  export const S_IFSOCK: number;
  export const S_IFLNK: number;
  export const S_ISGID: number;
  export const S_ISUID: number;
  export const WNOHANG: number;
  export const SIGINT: number;
  export const SIGABRT: number;
  export const SIGFPE: number;
  export const SIGILL: number;
  export const SIGSEGV: number;
  export const SIGTERM: number;
  export const SIGQUIT: number;
  export const SIGPIPE: number;
  export const SIGALRM: number;
  export const SIGUSR1: number;
  export const SIGUSR2: number;
  export const SIGCHLD: number;
  export const SIGCONT: number;
  export const SIGSTOP: number;
  export const SIGTSTP: number;
  export const SIGTTIN: number;
  export const SIGTTOU: number;
}
