/**
 * A Sys for unit tests on Node: a fake clock with a timer queue, processes that
 * exist only as records (the test decides when they exit), and an in-memory
 * file system. Lets supervisor and probe logic run deterministically.
 *
 *   const sys = new FakeSys();
 *   const pid = sys.spawn({ command: ['/bin/app'], env: [] });
 *   sys.exit(pid, { exited: true, code: 1 });   // queued for reap()
 *   await sys.advance(100);                     // fires due timers, settles promises
 */
import { decodeUtf8 } from '../../../contract/index.ts';
import type { ExitStatus, SpawnRequest, Sys, TimerHandle } from './sys.ts';

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
  private timers: Timer[] = [];
  private nextTimer = 1;
  private nextPid = 100;
  readonly processes = new Map<number, FakeProcess>();
  private readonly exits: { pid: number; status: ExitStatus }[] = [];
  readonly files = new Map<string, string>();
  readonly written: { fd: number; text: string }[] = [];
  /** Ports that accept connections in connectTcp. */
  readonly openPorts = new Set<number>();
  private readonly writableHandlers = new Map<number, () => void>();
  private nextFd = 10;
  /** Called when a process is signalled, e.g. to make it exit. */
  onSignal: (pid: number, signal: number) => void = () => {};

  now(): number {
    return this.clock;
  }
  wallClock(): number {
    return 1_700_000_000_000 + this.clock;
  }
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextTimer++, at: this.clock + ms, callback };
    this.timers.push(timer);
    return { id: timer.id };
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle.id);
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
  exit(pid: number, status: ExitStatus): void {
    const target = this.processes.get(pid);
    if (target) target.running = false;
    this.exits.push({ pid, status });
  }
  reap(): { pid: number; status: ExitStatus } | undefined {
    return this.exits.shift();
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
  read(): Uint8Array | undefined {
    return undefined;
  }
  write(fd: number, data: string | Uint8Array): void {
    this.written.push({ fd, text: typeof data === 'string' ? data : decodeUtf8(data) });
  }
  tryWrite(fd: number, data: Uint8Array): number {
    this.write(fd, data);
    return data.length;
  }
  close(): void {}
  openAppend(): number {
    return this.nextFd++;
  }
  readText(path: string): string | undefined {
    return this.files.get(path);
  }
  writeText(path: string, text: string): void {
    this.files.set(path, text);
  }
  mkdirs(): void {}
  exists(path: string): boolean {
    return this.files.has(path);
  }
  listDir(): string[] {
    return [];
  }
  fileSize(path: string): number | undefined {
    return this.files.get(path)?.length;
  }
  rename(from: string, to: string): void {
    const text = this.files.get(from);
    if (text !== undefined) this.files.set(to, text);
    this.files.delete(from);
  }
  remove(path: string): void {
    this.files.delete(path);
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
  connectUnix(path: string): number {
    throw new Error(`no server at ${path}`);
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
