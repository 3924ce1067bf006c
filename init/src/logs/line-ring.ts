/**
 * The most recent lines of one source, for `imagoctl logs`, kept as the
 * batches they were logged in. Pure. Keeping a batch costs nothing per line:
 * lines are decoded only when someone asks for them, which is rare next to
 * how often a chatty service writes.
 */
import { batchTexts, type LineBatch } from './line-batch.ts';

/** One line as `imagoctl logs` gets it. */
export interface RingLine {
  time: number;
  text: string;
}

export class LineRing {
  private batches: LineBatch[] = [];
  /** Lines in `batches`, of which the oldest ones beyond `capacity` are no longer offered. */
  private lines = 0;

  constructor(readonly capacity: number) {}

  push(batch: LineBatch): void {
    if (this.capacity <= 0 || batch.count === 0) return;
    this.batches.push(batch);
    this.lines += batch.count;
    // Drop whole batches the newer ones make unneeded, so memory stays about `capacity` lines.
    while (this.lines - this.batches[0]!.count >= this.capacity) this.lines -= this.batches.shift()!.count;
  }

  /** The last `count` lines (at most `capacity`), oldest first. */
  last(count = this.capacity): RingLine[] {
    const wanted = Math.min(count, this.capacity, this.lines);
    const lines: RingLine[] = [];
    let skip = this.lines - wanted;
    for (const batch of this.batches) {
      if (skip >= batch.count) {
        skip -= batch.count;
        continue;
      }
      for (const text of batchTexts(batch, skip)) lines.push({ time: batch.time, text });
      skip = 0;
    }
    return lines;
  }

  /** Lines offered by `last`. */
  get size(): number {
    return Math.min(this.lines, this.capacity);
  }
}
