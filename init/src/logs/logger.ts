/**
 * Every line the system produces goes through here: the init's own messages,
 * each service's output and the kernel's. Lines come in batches (a service's
 * output a whole read at a time, see line-batch.ts) that are kept in their
 * source's ring (for `imagoctl logs`), appended to /var/log/<source>.log with a
 * wall-clock timestamp in one write (rotated by size and age), copied to the
 * console with the seconds since boot, and handed to followers (`imagoctl logs -f`).
 *
 * Nothing here may block or throw into the init: the console is non-blocking
 * and a line that cannot be written is dropped and counted, per source. A
 * service's console copies are rate-limited (console-rate.ts): its file gets
 * every line, the console what it can carry.
 */
import type { LogsConfig } from '../../../contract/index.ts';
import type { Sys, TimerHandle } from '../sys/sys.ts';
import { ConsoleRate } from './console-rate.ts';
import { ConsoleWriter } from './console-writer.ts';
import { batchTexts, decodeLine, LineBatcher, textBatch, type LineBatch } from './line-batch.ts';
import { LineRing } from './line-ring.ts';
import { LogFile } from './log-file.ts';
import { StampCache } from './stamp.ts';

export const defaultLogDir = '/var/log';

export interface LogLine {
  /** Wall-clock ms since the epoch. */
  time: number;
  source: string;
  text: string;
}

export type LogListener = (line: LogLine) => void;

interface Source {
  ring: LineRing;
  file?: LogFile;
  /** Lines that did not reach the console: congested, or beyond the source's rate. */
  consoleDropped: number;
  consoleRate: ConsoleRate;
  /** Set while a report of held-back lines waits for the source's rate to allow it. */
  hiddenReport?: TimerHandle;
}

/** A process's output on its way into the log: bytes in, whole lines logged as they complete. */
export interface OutputStream {
  /** One read's bytes. */
  write(chunk: Uint8Array): void;
  /** End of output: logs a last line that had no newline. */
  end(): void;
}

/** Lines logged while lines are being delivered wait here; beyond this many, a listener is logging in a loop and lines are not delivered. */
const maxPendingDeliveries = 10_000;

/** How long after a line is held back the console is told, unless a line shown sooner tells it. */
const hiddenReportDelayMs = 1000;

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
  private readonly stamps = new StampCache();

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
    const time = this.sys.wallClock();
    const batch = textBatch(text, this.stamps.text(time), time);
    const state = this.source(source);
    if (options.console ?? (source === 'init' || this.policy.console)) this.toConsole(state, source, text);
    this.record(source, state, batch);
  }

  /** A stream for a process's output, logged under `source` one read at a time. */
  stream(source: string): OutputStream {
    const batcher = new LineBatcher();
    const take = (batch: LineBatch | undefined) => {
      if (batch) this.lines(source, batch);
    };
    return {
      write: (chunk) => {
        const time = this.sys.wallClock();
        take(batcher.push(chunk, this.stamps.bytes(time), time));
      },
      end: () => {
        const time = this.sys.wallClock();
        take(batcher.flush(this.stamps.bytes(time), time));
      },
    };
  }

  /** A batch of a service's lines: into its ring and file at once, rate-limited to the console. */
  private lines(source: string, batch: LineBatch): void {
    const state = this.source(source);
    if (this.policy.console) this.batchToConsole(state, source, batch);
    this.record(source, state, batch);
  }

  private record(source: string, state: Source, batch: LineBatch): void {
    state.ring.push(batch);
    if (state.file && !state.file.append(batch.bytes, batch.count)) this.reportDrops();
    if (this.listeners.size > 0 && this.followed(source)) {
      for (const text of batchTexts(batch)) {
        if (this.pending.length >= maxPendingDeliveries) break;
        this.pending.push({ time: batch.time, source, text });
      }
    }
    this.deliver();
  }

  private followed(source: string): boolean {
    for (const subscription of this.listeners) if (subscription.source === undefined || subscription.source === source) return true;
    return false;
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
    return (this.sources.get(source)?.ring.last(count) ?? []).map(({ time, text }) => ({ time, source, text }));
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
      state = { ring: new LineRing(this.policy.ringLines), consoleDropped: 0, consoleRate: new ConsoleRate() };
      this.sources.set(name, state);
    }
    if (!state.file && this.dir) state.file = new LogFile(this.sys, `${this.dir}/${name}.log`, this.policy);
    return state;
  }

  private toConsole(state: Source, source: string, text: string): void {
    if (!this.console.writeLine(`[${this.consoleSeconds()}] ${source}: ${text}`)) state.consoleDropped++;
  }

  /**
   * Copies a service's lines to the console while its rate allows, saying first
   * how many it held back since the last line it showed. Once a line is
   * refused, the rest of the batch is counted without being looked at. The
   * lines shown go out in one write: under emulation each write to a serial
   * console is dear.
   */
  private batchToConsole(state: Source, source: string, batch: LineBatch): void {
    const now = this.sys.now();
    const prefix = `[${this.consoleSeconds()}] ${source}: `;
    const shown: string[] = [];
    let start = 0;
    for (let i = 0; i < batch.count; i++) {
      const end = batch.bytes.indexOf(0x0a, start);
      const verdict = state.consoleRate.admit(end - start - batch.stampLength, now);
      if (!verdict.show) {
        state.consoleRate.hold(batch.count - i - 1);
        state.consoleDropped += batch.count - i;
        this.scheduleHiddenReport(state, source);
        break;
      }
      if (verdict.hidden > 0) shown.push(`${prefix}${this.hiddenText(state, verdict.hidden)}`);
      shown.push(`${prefix}${batch.texts?.[i] ?? decodeLine(batch.bytes.subarray(start + batch.stampLength, end))}`);
      start = end + 1;
    }
    if (shown.length > 0 && !this.console.writeLine(shown.join('\n'))) state.consoleDropped += shown.length;
  }

  /** Without this, lines held back just before a service fell quiet would never be mentioned on the console. */
  private scheduleHiddenReport(state: Source, source: string): void {
    if (state.hiddenReport) return;
    state.hiddenReport = this.sys.setTimeout(() => {
      state.hiddenReport = undefined;
      if (state.consoleRate.pendingHidden === 0) return;
      const hidden = state.consoleRate.takeHidden(this.sys.now());
      if (hidden > 0) this.reportHidden(state, source, hidden);
      else this.scheduleHiddenReport(state, source);
    }, hiddenReportDelayMs);
  }

  private reportHidden(state: Source, source: string, hidden: number): void {
    this.toConsole(state, source, this.hiddenText(state, hidden));
  }

  /** The count of lines held back, as the console shows it; what it takes counts against the source's rate. */
  private hiddenText(state: Source, hidden: number): string {
    const text = `[imago: ${hidden} lines not shown on the console (too many too fast)${state.file ? `; ${state.file.path} has them` : ''}]`;
    state.consoleRate.spend(text.length);
    return text;
  }

  private consoleSeconds(): string {
    return ((this.sys.now() - this.bootMs) / 1000).toFixed(3).padStart(8);
  }
}
