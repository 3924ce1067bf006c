/**
 * Splits a byte stream into lines. Pure. A line longer than `maxLine` bytes is
 * cut into pieces, so a process that never writes a newline cannot grow the
 * init's memory without bound.
 */
import { decodeUtf8 } from '../../../contract/index.ts';

export class LineSplitter {
  private pending = new Uint8Array(0);

  constructor(private readonly maxLine = 4096) {}

  /** Feeds a chunk; returns the complete lines it finished (without newlines). */
  push(chunk: Uint8Array): string[] {
    const data = new Uint8Array(this.pending.length + chunk.length);
    data.set(this.pending, 0);
    data.set(chunk, this.pending.length);
    const lines: string[] = [];
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      if (data[i] === 0x0a) {
        this.emit(data.subarray(start, i), lines);
        start = i + 1;
      } else if (i - start + 1 >= this.maxLine) {
        lines.push(decodeUtf8(data.subarray(start, i + 1)));
        start = i + 1;
      }
    }
    this.pending = data.slice(start);
    return lines;
  }

  /** Returns what is left at end of stream, if anything. */
  flush(): string[] {
    const lines: string[] = [];
    if (this.pending.length > 0) this.emit(this.pending, lines);
    this.pending = new Uint8Array(0);
    return lines;
  }

  private emit(line: Uint8Array, into: string[]): void {
    const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    into.push(decodeUtf8(line.subarray(0, end)));
  }
}
