/**
 * Copies log lines to the console without ever blocking the init. A serial
 * console is slow (and slower still under emulation): when the tty buffer is
 * full, lines wait in a bounded queue that drains as the tty becomes writable.
 * Only when the queue is full are lines dropped, and counted.
 */
import type { Sys } from '../sys/sys.ts';
import { encodeUtf8 } from '../../../contract/index.ts';

/** How much console output may wait: a few seconds of a 115200-baud serial line. */
const maxQueuedBytes = 64 * 1024;

export class ConsoleWriter {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private waiting = false;
  /** Lines dropped because the queue was full (or the console failed). */
  dropped = 0;

  constructor(
    private readonly sys: Sys,
    private fd: number,
    /** Whether fd is non-blocking; a blocking fd (stdout of a host process) is written directly. */
    private nonBlocking = false,
  ) {}

  /** Switches to another descriptor, e.g. a non-blocking /dev/console once /dev is mounted. */
  use(fd: number, nonBlocking: boolean): void {
    this.fd = fd;
    this.nonBlocking = nonBlocking;
  }

  /** Whether lines are still waiting for the console. */
  get pending(): boolean {
    return this.queue.length > 0;
  }

  /** Writes a line (a newline is added); returns false when it was dropped. */
  writeLine(text: string): boolean {
    const bytes = encodeUtf8(`${text}\n`);
    try {
      if (!this.nonBlocking) {
        this.sys.write(this.fd, bytes);
        return true;
      }
      if (this.queue.length === 0) {
        const written = this.sys.tryWrite(this.fd, bytes);
        if (written === bytes.length) return true;
        return this.enqueue(bytes.subarray(written));
      }
      return this.enqueue(bytes);
    } catch {
      this.dropped++;
      return false;
    }
  }

  private enqueue(bytes: Uint8Array): boolean {
    if (this.queued + bytes.length > maxQueuedBytes) {
      this.dropped++;
      return false;
    }
    this.queue.push(bytes.slice());
    this.queued += bytes.length;
    if (!this.waiting) {
      this.waiting = true;
      this.sys.onWritable(this.fd, () => this.drain());
    }
    return true;
  }

  private drain(): void {
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        const written = this.sys.tryWrite(this.fd, head);
        this.queued -= written;
        if (written < head.length) {
          this.queue[0] = head.subarray(written);
          return;
        }
        this.queue.shift();
      }
    } catch {
      this.dropped += this.queue.length;
      this.queue = [];
      this.queued = 0;
    }
    this.waiting = false;
    this.sys.onWritable(this.fd, null);
  }
}
