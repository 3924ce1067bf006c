/**
 * Splits what a control client sends into request lines. Pure. A line longer
 * than the limit is not cut into pieces (the tail of one could be a request of
 * its own): it is reported once, and skipped up to the next newline.
 */
import { decodeUtf8 } from '../../../contract/index.ts';

export type RequestLine = { line: string } | { overlong: true };

export class RequestLines {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private skipping = false;

  constructor(readonly maxLine = 65536) {}

  /** Feeds a chunk; returns the lines it finished (without newlines), and an entry for each overlong one. */
  push(chunk: Uint8Array): RequestLine[] {
    const out: RequestLine[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, newline < 0 ? chunk.length : newline);
      if (!this.skipping) {
        if (this.pendingBytes + piece.length > this.maxLine) {
          out.push({ overlong: true });
          this.skipping = true;
          this.pending = [];
          this.pendingBytes = 0;
        } else if (piece.length > 0) {
          this.pending.push(piece.slice());
          this.pendingBytes += piece.length;
        }
      }
      if (newline < 0) return out;
      if (!this.skipping) out.push({ line: this.take() });
      this.skipping = false;
      this.pending = [];
      this.pendingBytes = 0;
      start = newline + 1;
    }
  }

  private take(): string {
    const all = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const piece of this.pending) {
      all.set(piece, at);
      at += piece.length;
    }
    return decodeUtf8(all).replace(/\r$/, '');
  }
}
