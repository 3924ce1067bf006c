/**
 * The timestamp in front of each line of a log file ("2024-05-01T12:00:00.000Z "),
 * made once per distinct millisecond rather than once per line: every line
 * of one read shares the time it was read. Pure.
 */
export class StampCache {
  private time = Number.NaN;
  private stampText = '';
  private stampBytes = new Uint8Array(0);

  /** The stamp of wall-clock `time` (ms since the epoch), as text. */
  text(time: number): string {
    this.update(time);
    return this.stampText;
  }

  /** The same stamp as ASCII bytes; do not modify them. */
  bytes(time: number): Uint8Array {
    this.update(time);
    return this.stampBytes;
  }

  private update(time: number): void {
    if (time === this.time) return;
    this.time = time;
    this.stampText = `${new Date(time).toISOString()} `;
    const bytes = new Uint8Array(this.stampText.length);
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.stampText.charCodeAt(i);
    this.stampBytes = bytes;
  }
}
