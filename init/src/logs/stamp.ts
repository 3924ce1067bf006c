/**
 * The timestamp in front of each line of a log file ("2024-05-01T12:00:00.000Z "),
 * made once per read rather than once per line: every line of one read shares
 * the time it was read. Pure.
 *
 * Reads come every few milliseconds from a chatty service, and each byte set
 * from JavaScript is slow in QuickJS, so within one minute only the seconds
 * and milliseconds are rewritten.
 */
const minuteLength = 'YYYY-MM-DDTHH:MM:'.length;

export class StampCache {
  private time = Number.NaN;
  private stampText = '';
  private stampBytes = new Uint8Array(0);

  /** The stamp of wall-clock `time` (ms since the epoch), as text. */
  text(time: number): string {
    this.update(time);
    return this.stampText;
  }

  /** The same stamp as ASCII bytes, valid until the next call; the caller copies what it keeps. */
  bytes(time: number): Uint8Array {
    this.update(time);
    return this.stampBytes;
  }

  private update(time: number): void {
    if (time === this.time) return;
    const previous = this.stampText;
    this.time = time;
    this.stampText = `${new Date(time).toISOString()} `;
    if (this.stampBytes.length !== this.stampText.length) this.stampBytes = new Uint8Array(this.stampText.length);
    const sameMinute = previous.length === this.stampText.length && previous.startsWith(this.stampText.slice(0, minuteLength));
    for (let i = sameMinute ? minuteLength : 0; i < this.stampText.length; i++) this.stampBytes[i] = this.stampText.charCodeAt(i);
  }
}
