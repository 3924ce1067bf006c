/**
 * Copies log lines to the console without ever blocking the init. A serial
 * console is slow (and slower still under emulation): when the tty buffer is
 * full, lines wait in a bounded queue that drains as the tty becomes writable.
 * Only when the queue is full are lines dropped, and counted.
 */
import type { Sys } from '../sys/sys.ts';
import { WriteQueue } from '../sys/write-queue.ts';
import { encodeUtf8 } from '../../../contract/index.ts';

/** How much console output may wait: a few seconds of a 115200-baud serial line. */
const maxQueuedBytes = 64 * 1024;

export class ConsoleWriter {
  private readonly queue: WriteQueue;
  /** Lines dropped because the queue was full (or the console failed). */
  dropped = 0;
  /** Lines waiting in the queue, counted as dropped if the console fails. */
  private queuedLines = 0;

  constructor(
    private readonly sys: Sys,
    private fd: number,
    /** Whether fd is non-blocking; a blocking fd (stdout of a host process) is written directly. */
    private nonBlocking = false,
  ) {
    this.queue = new WriteQueue(sys, fd, {
      wrote: (empty) => {
        if (empty) this.queuedLines = 0;
      },
      failed: () => {
        this.dropped += this.queuedLines;
        this.queuedLines = 0;
      },
    });
  }

  /** Switches to another descriptor, e.g. a non-blocking /dev/console once /dev is mounted. */
  use(fd: number, nonBlocking: boolean): void {
    this.fd = fd;
    this.nonBlocking = nonBlocking;
    this.queue.use(fd);
  }

  /** Whether lines are still waiting for the console. */
  get pending(): boolean {
    return this.queue.pending;
  }

  /** Writes a line (a newline is added); returns false when it was dropped. */
  writeLine(text: string): boolean {
    const bytes = encodeUtf8(`${text}\n`);
    if (!this.nonBlocking) {
      try {
        this.sys.write(this.fd, bytes);
        return true;
      } catch {
        this.dropped++;
        return false;
      }
    }
    if (this.queue.bytes + bytes.length > maxQueuedBytes) {
      this.dropped++;
      return false;
    }
    // Counted before the push, so a failing write counts this line as dropped too.
    this.queuedLines++;
    if (this.queue.push(bytes)) {
      this.queuedLines--;
      return true;
    }
    return this.queue.pending;
  }
}
