/**
 * Turns a service's output into log-file bytes a whole read at a time. Pure.
 *
 *   const batcher = new LineBatcher();
 *   const batch = batcher.push(chunk, stamps.bytes(time), time); // `<stamp><line>\n` per line, or undefined
 *   if (batch) file.append(batch.bytes, batch.count);           // stamps: a StampCache (stamp.ts)
 *
 * The init spends its time here when a service is chatty, so the work per line
 * is a handful of native calls: newlines are found with indexOf, and each line
 * is moved to its place behind its timestamp with copyWithin inside one
 * buffer. Nothing is decoded: the file gets the service's bytes as they are,
 * and text is decoded only for the few lines that are shown or followed
 * (`batchTexts`). Every line of one read shares one timestamp: the time it was
 * read. A line longer than `maxLine` bytes is cut into pieces, so a process
 * that never writes a newline cannot grow the init's memory without bound.
 */
import { decodeUtf8, encodeUtf8 } from '../../../contract/index.ts';

/** Lines logged together, each stored as `<stamp><text>\n`. */
export interface LineBatch {
  /** Wall-clock ms since the epoch shared by every line of the batch. */
  time: number;
  /** The lines, each with its timestamp and newline. */
  bytes: Uint8Array;
  /** How many lines. */
  count: number;
  /** Bytes of timestamp before each line's text. */
  stampLength: number;
  /** The texts, when the batch was made from strings (init messages): nothing to decode. */
  texts?: string[];
}

const newline = 0x0a;
const carriageReturn = 0x0d;

export class LineBatcher {
  private pending = new Uint8Array(0);

  constructor(private readonly maxLine = 4096) {}

  /**
   * Feeds one read's bytes; returns the lines it completed, stamped, or
   * undefined when it completed none. A partial last line waits for the next read.
   */
  push(chunk: Uint8Array, stamp: Uint8Array, time: number): LineBatch | undefined {
    const data = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const end = this.wholeLinesEnd(data);
    this.pending = data.slice(end);
    return end === 0 ? undefined : stampLines(data.subarray(0, end), stamp, time, this.maxLine);
  }

  /** The partial last line at end of output, if any, as a batch of its own. */
  flush(stamp: Uint8Array, time: number): LineBatch | undefined {
    const rest = this.pending;
    this.pending = new Uint8Array(0);
    return rest.length === 0 ? undefined : stampLines(rest, stamp, time, this.maxLine);
  }

  /** Where the lines to log now end: after the last newline, or after the last whole piece of a line too long to wait for. */
  private wholeLinesEnd(data: Uint8Array): number {
    const end = data.lastIndexOf(newline) + 1;
    const tail = data.length - end;
    return tail > this.maxLine ? data.length - (tail % this.maxLine) : end;
  }
}

/**
 * Stamps every line of `data` (its last line need not end in a newline): one
 * buffer of `<stamp><line>\n`, with a trailing "\r" dropped and lines longer
 * than `maxLine` cut into pieces of that size.
 */
export function stampLines(data: Uint8Array, stamp: Uint8Array, time: number, maxLine = 4096): LineBatch {
  return stampPlainLines(data, stamp, time, maxLine) ?? stampAnyLines(data, stamp, time, maxLine);
}

/**
 * Where plain lines are stamped before the batch gets its own copy of exactly
 * the right size. Reused: a buffer allocated and freed per read makes malloc
 * give memory back to the kernel and ask for it again every time.
 */
let workspace = new Uint8Array(0);

/**
 * The common case, and the hot path of a chatty service: every line ends in
 * "\n", none in "\r\n", none is too long. Per line it costs three native
 * calls and no typed-array element access, which QuickJS's interpreter makes
 * far slower than a call; the lines are not counted first: the workspace
 * assumes they average 32 bytes or more, and grows when they do not.
 * Undefined when `data` is not that simple.
 */
function stampPlainLines(data: Uint8Array, stamp: Uint8Array, time: number, maxLine: number): LineBatch | undefined {
  const length = data.length;
  if (length === 0 || data.lastIndexOf(newline) !== length - 1 || data.indexOf(carriageReturn) >= 0) return undefined;
  const stampLength = stamp.length;
  // The data goes at the end of the workspace once, then each line moves left
  // into place behind its stamp, which never reaches a line not yet moved
  // while there are no more lines than stamps the workspace has room for.
  let lines = (length >> 5) + 1;
  let room = reserve(length + lines * stampLength);
  let offset = lines * stampLength;
  room.set(data, offset);
  let count = 0;
  let at = 0;
  let start = 0;
  for (let end = data.indexOf(newline); end >= 0; end = data.indexOf(newline, start)) {
    if (end - start > maxLine) return undefined;
    if (++count > lines) {
      lines = count - 1 + countNewlines(data, start);
      const done = room.slice(0, at);
      room = reserve(length + lines * stampLength);
      room.set(done, 0);
      offset = lines * stampLength;
      room.set(data.subarray(start), offset + start);
    }
    room.set(stamp, at);
    room.copyWithin(at + stampLength, offset + start, offset + end + 1);
    at += stampLength + end + 1 - start;
    start = end + 1;
  }
  return { time, bytes: room.slice(0, at), count, stampLength };
}

/** The workspace, grown to at least `size` bytes. */
function reserve(size: number): Uint8Array {
  if (workspace.length < size) workspace = new Uint8Array(Math.max(size, workspace.length * 2));
  return workspace;
}

function countNewlines(data: Uint8Array, from: number): number {
  let count = 0;
  for (let at = data.indexOf(newline, from); at >= 0; at = data.indexOf(newline, at + 1)) count++;
  return count;
}

/** Any bytes: carriage returns, over-long lines, a last line without its newline. */
function stampAnyLines(data: Uint8Array, stamp: Uint8Array, time: number, maxLine: number): LineBatch {
  const count = countPieces(data, maxLine);
  // As above, with room for a newline after each piece as well.
  const room = new Uint8Array(data.length + count * (stamp.length + 1));
  const offset = room.length - data.length;
  room.set(data, offset);
  let at = 0;
  let start = 0;
  while (start < data.length) {
    let next = data.indexOf(newline, start);
    if (next < 0) next = data.length;
    let stop = next > start && data[next - 1] === carriageReturn ? next - 1 : next;
    // A long line is written as pieces; the next piece starts where this one stops.
    if (stop - start > maxLine) next = stop = start + maxLine;
    else next++;
    room.set(stamp, at);
    at += stamp.length;
    room.copyWithin(at, offset + start, offset + stop);
    at += stop - start;
    room[at++] = newline;
    start = next;
  }
  return { time, bytes: at === room.length ? room : room.slice(0, at), count, stampLength: stamp.length };
}

/** One line logged by the init itself (its own messages, the kernel's), behind `stamp` (ASCII). */
export function textBatch(text: string, stamp: string, time: number): LineBatch {
  return { time, bytes: encodeUtf8(`${stamp}${text}\n`), count: 1, stampLength: stamp.length, texts: [text] };
}

/** The text of every line of `batch`, oldest first (decoded now, unless it was made from strings). */
export function batchTexts(batch: LineBatch, from = 0): string[] {
  if (batch.texts) return batch.texts.slice(from);
  const texts: string[] = [];
  let start = 0;
  for (let i = 0; i < batch.count; i++) {
    const end = batch.bytes.indexOf(newline, start);
    if (i >= from) texts.push(decodeLine(batch.bytes.subarray(start + batch.stampLength, end)));
    start = end + 1;
  }
  return texts;
}

/** UTF-8 bytes of one line as text: native for ASCII, the full decoder otherwise. */
export function decodeLine(bytes: Uint8Array): string {
  // Past this many bytes, spreading them as arguments could overflow QuickJS's stack.
  if (bytes.length > 16384) return decodeUtf8(bytes);
  const latin1 = String.fromCharCode.apply(null, bytes as unknown as number[]);
  return /[\x80-\xff]/.test(latin1) ? decodeUtf8(bytes) : latin1;
}

/** How many lines (or pieces of over-long lines) `data` holds, its last line counted without a newline. */
function countPieces(data: Uint8Array, maxLine: number): number {
  let count = 0;
  let start = 0;
  while (start < data.length) {
    let next = data.indexOf(newline, start);
    if (next < 0) next = data.length;
    const stop = next > start && data[next - 1] === carriageReturn ? next - 1 : next;
    const length = stop - start;
    count += length > maxLine ? Math.ceil(length / maxLine) : 1;
    start = next + 1;
  }
  return count;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const all = new Uint8Array(a.length + b.length);
  all.set(a, 0);
  all.set(b, a.length);
  return all;
}
