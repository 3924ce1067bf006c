/**
 * Bytes waiting for a non-blocking descriptor: written at once when the
 * descriptor takes them, kept in order otherwise and written as it becomes
 * writable. PID 1 must never block on a slow reader (a serial console under
 * emulation, a control client that stopped reading), so its writers all go
 * through this queue; each decides for itself how much may wait and what a
 * write error means.
 */
import type { Sys } from './sys.ts';

export interface WriteQueueEvents {
  /**
   * The descriptor took more of what waited: `empty` when nothing is left.
   * Called after each wait, not after a write that went through at once.
   */
  wrote?: (empty: boolean) => void;
  /** A write failed: the queue is already empty and no longer watching the descriptor. */
  failed: (error: unknown) => void;
}

export class WriteQueue {
  private chunks: Uint8Array[] = [];
  private waiting = false;
  /** Bytes not yet written. */
  bytes = 0;

  constructor(
    private readonly sys: Sys,
    private fd: number,
    private readonly events: WriteQueueEvents,
  ) {}

  /** Whether anything still waits. */
  get pending(): boolean {
    return this.chunks.length > 0;
  }

  /** Points the queue at another descriptor (nothing may be waiting). */
  use(fd: number): void {
    this.fd = fd;
  }

  /**
   * Writes what the descriptor takes now and keeps the rest, in order behind
   * anything already waiting. What is kept is copied, so a caller may pass a
   * view of a larger or reused buffer. Returns whether everything is written.
   */
  push(bytes: Uint8Array): boolean {
    if (this.chunks.length === 0) {
      let written: number;
      try {
        written = this.sys.tryWrite(this.fd, bytes);
      } catch (error) {
        this.fail(error);
        return false;
      }
      if (written === bytes.length) return true;
      bytes = bytes.subarray(written);
    }
    this.chunks.push(bytes.slice());
    this.bytes += bytes.length;
    this.watch(true);
    return false;
  }

  /** Forgets what waits and stops watching the descriptor. */
  clear(): void {
    this.chunks = [];
    this.bytes = 0;
    this.watch(false);
  }

  private writable(): void {
    try {
      while (this.chunks.length > 0) {
        const head = this.chunks[0]!;
        const written = this.sys.tryWrite(this.fd, head);
        this.bytes -= written;
        if (written < head.length) {
          this.chunks[0] = head.subarray(written);
          this.events.wrote?.(false);
          return;
        }
        this.chunks.shift();
      }
    } catch (error) {
      this.fail(error);
      return;
    }
    this.watch(false);
    this.events.wrote?.(true);
  }

  private fail(error: unknown): void {
    this.clear();
    this.events.failed(error);
  }

  private watch(on: boolean): void {
    if (on === this.waiting) return;
    this.waiting = on;
    this.sys.onWritable(this.fd, on ? () => this.writable() : null);
  }
}
