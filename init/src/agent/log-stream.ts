/**
 * One `logs` command's stream to the server: lines queue (bounded, counting
 * what it had to drop) and go out in batches every 250 ms or at 200 lines,
 * one batch in flight at a time. It ends on logs-stop, when the follow ends,
 * or when the server answers 404/410 (nobody is reading any more).
 */
import { maxLogLineBytes, type LogBatch } from '../../../contract/index.ts';

export const batchEveryMs = 250;
export const batchLines = 200;
export const queueLimit = 5000;

export type SendBatch = (batch: LogBatch) => Promise<'ok' | 'gone' | 'failed'>;

export interface StreamTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class LogStream {
  private queue: string[] = [];
  private dropped = 0;
  private sending = false;
  private timer: unknown;
  private ending = false;
  private over = false;

  constructor(
    readonly stream: string,
    private readonly send: SendBatch,
    private readonly timers: StreamTimers,
    /** Called once the stream is over (so the follow on the control socket can be closed). */
    private readonly onOver: () => void,
  ) {}

  get finished(): boolean {
    return this.over;
  }

  add(lines: string[]): void {
    if (this.over) return;
    for (const line of lines) {
      if (this.queue.length >= queueLimit) this.dropped++;
      else this.queue.push(line.length > maxLogLineBytes ? line.slice(0, maxLogLineBytes) : line);
    }
    this.schedule();
  }

  /** No more lines will come: send what is queued and an end marker. */
  end(): void {
    if (this.over) return;
    this.ending = true;
    this.schedule(true);
  }

  /** Stop at once (logs-stop): nothing more is sent. */
  stop(): void {
    this.finish();
  }

  private finish(): void {
    if (this.over) return;
    this.over = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.onOver();
  }

  private schedule(now = false): void {
    if (this.sending || this.over) return;
    if (now || this.queue.length >= batchLines) {
      if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
    } else if (this.timer === undefined && this.queue.length > 0) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, batchEveryMs);
    }
  }

  private async flush(): Promise<void> {
    if (this.sending || this.over) return;
    this.sending = true;
    const lines = this.queue.splice(0, batchLines);
    const last = this.ending && this.queue.length === 0;
    const batch: LogBatch = { stream: this.stream, lines, dropped: this.dropped, end: last };
    const result = await this.send(batch);
    this.sending = false;
    if (result === 'gone') return this.finish();
    if (result === 'ok') this.dropped -= batch.dropped;
    if (result === 'failed') {
      // The lines are lost, not retried: a live view wants new lines more than old ones.
      this.dropped += lines.length;
    }
    if (last && result === 'ok') return this.finish();
    this.schedule(this.ending || this.queue.length >= batchLines);
  }
}
