/**
 * The init's own log, and the sink every service's output goes to: each line is
 * written to the console with the seconds since boot, and to /run/log/<source>.log
 * with a wall-clock timestamp. A failing write never stops the init: the line is
 * dropped and counted.
 */
import type { Sys } from '../sys/sys.ts';

export const defaultLogDir = '/run/log';

export class Logger {
  private readonly files = new Map<string, number>();
  private fileLogging = false;
  private dir = defaultLogDir;
  /** Lines that could not be written to a log file. */
  dropped = 0;

  constructor(
    private readonly sys: Sys,
    private readonly consoleFd = 1,
    /** Timestamps count from here: 0 as PID 1, so they match the kernel's; the start time otherwise. */
    private readonly bootMs = 0,
  ) {}

  /** Starts writing log files (into /run/log once /run is mounted, or `dir`). */
  enableFiles(dir = defaultLogDir): void {
    this.dir = dir;
    try {
      this.sys.mkdirs(dir, 0o755);
      this.fileLogging = true;
    } catch (error) {
      this.console('init', `warning: unable to create ${dir}: ${String(error)}`);
    }
  }

  info(message: string): void {
    this.line('init', message);
  }

  warn(message: string): void {
    this.line('init', `warning: ${message}`);
  }

  /** One line from `source` (the init or a service name). */
  line(source: string, text: string): void {
    this.console(source, text);
    if (!this.fileLogging) return;
    try {
      this.sys.write(this.fileFor(source), `${new Date(this.sys.wallClock()).toISOString()} ${text}\n`);
    } catch {
      this.dropped++;
    }
  }

  /** Closes every log file, before file systems are unmounted. */
  closeFiles(): void {
    for (const fd of this.files.values()) this.sys.close(fd);
    this.files.clear();
    this.fileLogging = false;
  }

  private console(source: string, text: string): void {
    const seconds = ((this.sys.now() - this.bootMs) / 1000).toFixed(3).padStart(8);
    try {
      this.sys.write(this.consoleFd, `[${seconds}] ${source}: ${text}\n`);
    } catch {
      // The console is gone (or full); nothing more can be said about it.
    }
  }

  private fileFor(source: string): number {
    let fd = this.files.get(source);
    if (fd === undefined) {
      fd = this.sys.openAppend(`${this.dir}/${source}.log`);
      this.files.set(source, fd);
    }
    return fd;
  }
}
