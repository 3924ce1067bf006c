/**
 * Every line the system produces goes through here: the init's own messages,
 * each service's output and the kernel's. A line is kept in its source's ring
 * (for `imagoctl logs`), appended to /var/log/<source>.log with a wall-clock
 * timestamp (rotated by size and age), copied to the console with the seconds
 * since boot, and handed to followers (`imagoctl logs -f`).
 *
 * Nothing here may block or throw into the init: the console is non-blocking
 * and a line that cannot be written is dropped and counted, per source.
 */
import type { LogsConfig } from '../../../contract/index.ts';
import type { Sys } from '../sys/sys.ts';
import { ConsoleWriter } from './console-writer.ts';
import { LogFile } from './log-file.ts';
import { Ring } from './ring.ts';

export const defaultLogDir = '/var/log';

export interface LogLine {
  /** Wall-clock ms since the epoch. */
  time: number;
  source: string;
  text: string;
}

export type LogListener = (line: LogLine) => void;

interface Source {
  ring: Ring<LogLine>;
  file?: LogFile;
  consoleDropped: number;
}

/** Lines logged while lines are being delivered wait here; beyond this many, a listener is logging in a loop and lines are not delivered. */
const maxPendingDeliveries = 10_000;

const fallbackPolicy: LogsConfig = { maxBytes: 1024 * 1024, maxAgeMs: 86_400_000, keep: 3, ringLines: 200, console: true };

export class Logger {
  private readonly sources = new Map<string, Source>();
  private readonly listeners = new Set<{ source?: string; listener: LogListener }>();
  private dir?: string;
  private policy = fallbackPolicy;
  /** When dropped lines were last reported, and the total then (reports are at most once a minute). */
  private lastReport = -Infinity;
  private reportedDrops = 0;
  /** Lines waiting to be handed to listeners, and whether they are being handed now. */
  private readonly pending: LogLine[] = [];
  private delivering = false;

  /**
   * @param consoleFd where console copies go (non-blocking for PID 1)
   * @param bootMs the monotonic time console timestamps count from (0 for PID 1, to match the kernel's)
   */
  private readonly console: ConsoleWriter;

  constructor(
    private readonly sys: Sys,
    consoleFd = 1,
    private readonly bootMs = 0,
  ) {
    this.console = new ConsoleWriter(sys, consoleFd);
  }

  /** Applies the image's log settings, once its config is read. */
  configure(policy: LogsConfig): void {
    this.policy = policy;
  }

  /** Moves console copies to a non-blocking descriptor (PID 1's own /dev/console). */
  setConsole(fd: number): void {
    this.console.use(fd, true);
  }

  /** Starts writing log files into `dir` (/var/log once it is mounted). */
  enableFiles(dir = defaultLogDir): void {
    try {
      this.sys.mkdirs(dir, 0o755);
      this.dir = dir;
    } catch (error) {
      this.line('init', `warning: unable to create ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  info(message: string): void {
    this.line('init', message);
  }

  warn(message: string): void {
    this.line('init', `warning: ${message}`);
  }

  /** One line from `source` (the init, a service or the kernel). */
  line(source: string, text: string, options: { console?: boolean } = {}): void {
    const entry: LogLine = { time: this.sys.wallClock(), source, text };
    const state = this.source(source);
    state.ring.push(entry);
    const toConsole = options.console ?? (source === 'init' || this.policy.console);
    if (toConsole) this.toConsole(state, source, text);
    if (state.file && !state.file.write(`${new Date(entry.time).toISOString()} ${text}`)) this.reportDrops();
    if (this.listeners.size > 0 && this.pending.length < maxPendingDeliveries) this.pending.push(entry);
    this.deliver();
  }

  /**
   * Hands pending lines to the listeners, one line at a time. Not reentrant: a
   * line logged by a listener (a follower that failed, say) waits its turn, so a
   * listener never runs inside itself. A listener that throws is removed, with
   * a warning, and never reaches the code that logged the line.
   */
  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let entry = this.pending.shift(); entry; entry = this.pending.shift()) {
        for (const subscription of this.listeners) {
          if (subscription.source !== undefined && subscription.source !== entry.source) continue;
          try {
            subscription.listener(entry);
          } catch (error) {
            this.listeners.delete(subscription);
            this.line('init', `warning: a log follower failed and was removed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
          }
        }
      }
    } finally {
      this.delivering = false;
    }
  }

  /** Says on the console (and in the init's log, if it can) how many lines were lost, at most once a minute. */
  private reportDrops(): void {
    const now = this.sys.now();
    if (now - this.lastReport < 60_000) return;
    this.lastReport = now;
    const counts = this.dropped();
    const total = Object.values(counts).reduce((sum, n) => sum + n.file, 0);
    if (total === this.reportedDrops) return;
    this.reportedDrops = total;
    const detail = Object.entries(counts).map(([name, n]) => `${name} ${n.file}`).join(', ');
    this.line('init', `warning: ${total} log lines could not be written (disk full or unwritable): ${detail}`, { console: true });
  }

  /** The last `count` lines of a source, oldest first. */
  recent(source: string, count: number): LogLine[] {
    return this.sources.get(source)?.ring.last(count) ?? [];
  }

  /** Calls `listener` with every new line of `source` (every source when undefined); returns the unsubscribe. */
  follow(source: string | undefined, listener: LogListener): () => void {
    const entry = { source, listener };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** Lines dropped per source (files full or unwritable, console congested). */
  dropped(): Record<string, { file: number; console: number }> {
    const counts: Record<string, { file: number; console: number }> = {};
    for (const [name, state] of this.sources) {
      const file = state.file?.dropped ?? 0;
      if (file > 0 || state.consoleDropped > 0) counts[name] = { file, console: state.consoleDropped };
    }
    return counts;
  }

  /** Whether console copies are still queued (the console is slower than the init). */
  consolePending(): boolean {
    return this.console.pending;
  }

  /** Closes every log file, before file systems are unmounted. */
  closeFiles(): void {
    for (const state of this.sources.values()) state.file?.close();
    this.dir = undefined;
    for (const state of this.sources.values()) state.file = undefined;
  }

  private source(name: string): Source {
    let state = this.sources.get(name);
    if (!state) {
      state = { ring: new Ring(this.policy.ringLines), consoleDropped: 0 };
      this.sources.set(name, state);
    }
    if (!state.file && this.dir) state.file = new LogFile(this.sys, `${this.dir}/${name}.log`, this.policy);
    return state;
  }

  private toConsole(state: Source, source: string, text: string): void {
    const seconds = ((this.sys.now() - this.bootMs) / 1000).toFixed(3).padStart(8);
    if (!this.console.writeLine(`[${seconds}] ${source}: ${text}`)) state.consoleDropped++;
  }
}
