/**
 * A Sys for unit tests on Node: a fake clock with a timer queue, processes that
 * exist only as records (the test decides when they exit), an in-memory file
 * system with durability and fault injection (fake-files.ts), and the kernel's
 * effects (mounts, reboots, modules...) as records. Lets supervisor, probe and
 * update logic run deterministically.
 *
 *   const sys = new FakeSys();
 *   const pid = sys.spawn({ command: ['/bin/app'], env: [] });
 *   sys.childExits(pid, { exited: true, code: 1 });   // queued for reap()
 *   await sys.advance(100);                           // fires due timers, settles promises
 *
 * Hashing is not built in (the init's TypeScript has no Node types): tests that
 * hash pass an implementation, e.g. over node:crypto.
 */
import { decodeUtf8, encodeUtf8 } from '../../../contract/index.ts';
import { FakeFileSystem } from './fake-files.ts';
import { SysError, type ExitStatus, type FileInfo, type Hashing, type MountFlag, type PeerCredentials, type RebootKind, type Sha256, type SpawnRequest, type Sys, type TimerHandle } from './sys.ts';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

export interface FakeProcess {
  pid: number;
  request: SpawnRequest;
  signals: number[];
  running: boolean;
}

export class FakeSys implements Sys {
  clock = 0;
  /** The wall clock at monotonic 0: a recent date, as a device with a battery would have; tests set it to 1970. */
  wallClockBase = 1_700_000_000_000;
  private timers: Timer[] = [];
  private nextTimer = 1;
  private nextPid = 100;
  readonly processes = new Map<number, FakeProcess>();
  private readonly exits: { pid: number; status: ExitStatus }[] = [];
  readonly files: FakeFileSystem;
  readonly written: { fd: number; text: string }[] = [];
  /** Ports that accept connections in connectTcp. */
  readonly openPorts = new Set<number>();
  private readonly writableHandlers = new Map<number, () => void>();
  private nextFd = 10;
  /** Called when a process is signalled, e.g. to make it exit. */
  onSignal: (pid: number, signal: number) => void = () => {};
  readonly env = new Map<string, string>();
  /** Everything the kernel was asked to do, in order, e.g. "mount proc /proc", "reboot". */
  readonly kernel: string[] = [];

  // Linux's generic numbers (x86, ARM).
  readonly signals = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, PIPE: 13, TERM: 15, CHLD: 17, CONT: 18, STOP: 19, PWR: 30 };
  readonly errno = { EAGAIN: 11, EINTR: 4, EEXIST: 17, ENOENT: 2, EBUSY: 16, EPIPE: 32, ESRCH: 3 };

  constructor(private readonly hashing?: Hashing) {
    this.files = new FakeFileSystem(() => this.nextFd++);
  }

  now(): number {
    return this.clock;
  }
  wallClock(): number {
    return this.wallClockBase + this.clock;
  }
  setWallClock(ms: number): void {
    this.wallClockBase = ms - this.clock;
  }
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextTimer++, at: this.clock + ms, callback };
    this.timers.push(timer);
    return { id: timer.id };
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle.id);
  }
  sleep(ms: number): void {
    this.clock += ms;
  }
  onReadable(): void {}
  onWritable(fd: number, callback: (() => void) | null): void {
    if (callback) this.writableHandlers.set(fd, callback);
    else this.writableHandlers.delete(fd);
  }

  spawn(request: SpawnRequest): number {
    const pid = this.nextPid++;
    this.processes.set(pid, { pid, request, signals: [], running: true });
    return pid;
  }
  kill(pid: number, signal: number): void {
    const target = this.processes.get(Math.abs(pid));
    if (!target?.running) return;
    target.signals.push(signal);
    this.onSignal(target.pid, signal);
  }
  /** Makes a process exit; the supervisor sees it at its next reap(). */
  childExits(pid: number, status: ExitStatus): void {
    const target = this.processes.get(pid);
    if (target) target.running = false;
    this.exits.push({ pid, status });
  }
  reap(): { pid: number; status: ExitStatus } | undefined {
    return this.exits.shift();
  }
  /** The status queued by childExits, or a clean exit. */
  wait(pid: number): ExitStatus {
    const index = this.exits.findIndex((exit) => exit.pid === pid);
    const target = this.processes.get(pid);
    if (target) target.running = false;
    return index >= 0 ? this.exits.splice(index, 1)[0]!.status : { exited: true, code: 0 };
  }
  getpid(): number {
    return 4242;
  }
  signalfd(): number {
    return this.nextFd++;
  }
  readSignal(): number | undefined {
    return undefined;
  }
  becomeSubreaper(): void {}
  getenv(name: string): string | undefined {
    return this.env.get(name);
  }
  setenv(name: string, value: string): void {
    this.env.set(name, value);
  }
  exec(path: string, args: string[]): never {
    this.kernel.push(`exec ${path} ${args.join(' ')}`);
    throw new SysError('exec', args[0] ?? path, 2, 'No such file or directory');
  }
  exit(code: number): never {
    throw new Error(`exit ${code}`);
  }
  /** The newest process started with a command whose argv contains `word`. */
  latest(word: string): FakeProcess | undefined {
    return [...this.processes.values()].reverse().find((p) => p.request.command.some((arg) => arg.includes(word)));
  }
  running(word: string): FakeProcess[] {
    return [...this.processes.values()].filter((p) => p.running && p.request.command.some((arg) => arg.includes(word)));
  }

  pipe(): [number, number] {
    return [this.nextFd++, this.nextFd++];
  }
  read(fd: number, max: number): Uint8Array | undefined {
    return this.files.owns(fd) ? this.files.read(fd, max) : undefined;
  }
  write(fd: number, data: string | Uint8Array, name?: string): void {
    if (this.files.owns(fd)) return this.files.write(fd, typeof data === 'string' ? encodeUtf8(data) : data, name ?? `fd ${fd}`);
    this.written.push({ fd, text: typeof data === 'string' ? data : decodeUtf8(data) });
  }
  tryWrite(fd: number, data: Uint8Array): number {
    this.write(fd, data);
    return data.length;
  }
  close(fd: number): void {
    this.files.close(fd);
  }
  openAppend(path: string): number {
    return this.files.openAppend(path);
  }
  openRead(path: string): number {
    return this.files.openRead(path);
  }
  create(path: string): number {
    return this.files.create(path);
  }
  createExclusive(path: string): number {
    return this.files.createExclusive(path);
  }
  openWrite(path: string): number {
    return this.files.openWrite(path);
  }
  seek(fd: number, offset: number): void {
    this.files.seek(fd, offset);
  }
  openDevice(): number {
    return this.nextFd++;
  }
  fsync(fd: number, name?: string): void {
    if (this.files.owns(fd)) this.files.fsync(fd, name ?? `fd ${fd}`);
  }

  readBytes(path: string): Uint8Array | undefined {
    return this.files.readBytes(path);
  }
  readText(path: string): string | undefined {
    return this.files.readText(path);
  }
  writeText(path: string, text: string): void {
    this.files.writeText(path, text);
  }
  mkdirs(path: string): void {
    this.files.mkdirs(path);
  }
  exists(path: string): boolean {
    return this.files.exists(path);
  }
  listDir(path: string): string[] {
    return this.files.listDir(path);
  }
  fileSize(path: string): number | undefined {
    return this.files.fileSize(path);
  }
  statSize(path: string): number | undefined {
    return this.files.statSize(path);
  }
  rename(from: string, to: string): void {
    this.files.rename(from, to);
  }
  remove(path: string): void {
    this.files.remove(path);
  }
  symlink(target: string, path: string): void {
    this.files.symlink(target, path);
  }
  lstat(path: string): FileInfo | undefined {
    return this.files.lstat(path);
  }
  readlink(path: string): string {
    return this.files.readlink(path);
  }
  chmod(path: string, mode: number): void {
    this.files.chmod(path, mode);
  }
  chown(path: string, uid: number, gid: number): void {
    this.files.chown(path, uid, gid);
  }

  mount(source: string, target: string, fstype: string, flags: readonly MountFlag[], data: string): void {
    this.kernel.push(`mount ${source} ${target} ${fstype} ${flags.join(',')} ${data}`.trimEnd());
    if (flags.includes('readonly')) this.files.setReadOnly(target, true);
  }
  remount(target: string, flags: readonly MountFlag[], data: string): void {
    this.files.setReadOnly(target, flags.includes('readonly'));
    this.kernel.push(`remount ${target} ${flags.join(',')} ${data}`.trimEnd());
  }
  remountReadOnly(target: string): void {
    this.kernel.push(`remount ${target} read-only`);
  }
  moveMount(source: string, target: string): void {
    this.kernel.push(`move mount ${source} ${target}`);
    this.files.moveTree(source, target);
  }
  changeDir(path: string): void {
    this.kernel.push(`chdir ${path}`);
  }
  changeRoot(path: string): void {
    this.kernel.push(`chroot ${path}`);
  }
  unmount(target: string): void {
    this.kernel.push(`unmount ${target}`);
  }
  sync(): void {
    this.files.sync();
  }
  reboot(kind: RebootKind): void {
    this.kernel.push(kind);
  }
  catchCtrlAltDel(): void {}
  setHostname(name: string): void {
    this.kernel.push(`hostname ${name}`);
  }
  loadModule(path: string): void {
    this.kernel.push(`load ${path}`);
  }
  setInterfaceUp(name: string, up: boolean): void {
    this.kernel.push(`${name} ${up ? 'up' : 'down'}`);
  }

  sha256(): Sha256 {
    if (!this.hashing) throw new Error('this FakeSys has no hashing: pass one to its constructor');
    return this.hashing.sha256();
  }
  sha512(data: Uint8Array): Uint8Array {
    if (!this.hashing) throw new Error('this FakeSys has no hashing: pass one to its constructor');
    return this.hashing.sha512(data);
  }
  connectTcp(_address: string, port: number): number {
    const fd = this.nextFd++;
    const open = this.openPorts.has(port);
    this.socketErrors.set(fd, open ? 0 : 111);
    // The connect completes on the next turn, as a non-blocking one would.
    this.setTimeout(() => this.writableHandlers.get(fd)?.(), 0);
    return fd;
  }
  private readonly socketErrors = new Map<number, number>();
  listenUnix(): number {
    return this.nextFd++;
  }
  accept(): number | undefined {
    return undefined;
  }
  /** Unix socket paths that accept connections in connectUnix. */
  readonly listeningSockets = new Set<string>();
  connectUnix(path: string): number {
    // A real connect fails at once, not later, when nothing listens at the path.
    if (!this.listeningSockets.has(path)) throw new Error(`no server at ${path}`);
    const fd = this.nextFd++;
    this.socketErrors.set(fd, 0);
    this.setTimeout(() => this.writableHandlers.get(fd)?.(), 0);
    return fd;
  }
  /** Peers of accepted sockets by fd, as tests set them; any other fd is root's (pid 1). */
  readonly peers = new Map<number, PeerCredentials>();
  peerCredentials(fd: number): PeerCredentials {
    return this.peers.get(fd) ?? { pid: 1, uid: 0, gid: 0 };
  }
  socketError(fd: number): { errno: number; text: string } {
    const errno = this.socketErrors.get(fd) ?? 0;
    return { errno, text: errno ? 'Connection refused' : '' };
  }

  /** Moves the clock forward by `ms`, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.clock + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.clock = Math.max(this.clock, due.at);
      due.callback();
    }
    this.clock = end;
    await settle();
  }
}

/** Lets queued promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
