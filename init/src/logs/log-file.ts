/**
 * One log file with rotation by size and age. A write that fails (disk full, a
 * read-only file system) drops the line and counts it: logging must never stop
 * or block the init.
 */
import type { Sys } from '../sys/sys.ts';
import { encodeUtf8 } from '../../../contract/index.ts';
import { rotationSteps, shouldRotate, type RotationPolicy } from './rotation.ts';

export class LogFile {
  private fd?: number;
  private size = 0;
  private startedAt = 0;
  /** Lines that could not be written. */
  dropped = 0;

  constructor(
    private readonly sys: Sys,
    readonly path: string,
    private readonly policy: RotationPolicy,
  ) {}

  /** Appends one line (a newline is added); returns false when it was dropped. */
  write(line: string): boolean {
    const bytes = encodeUtf8(`${line}\n`);
    try {
      const now = this.sys.wallClock();
      if (this.fd === undefined) this.open(now);
      if (shouldRotate({ size: this.size, startedAt: this.startedAt }, bytes.length, now, this.policy)) this.rotate(now);
      this.sys.write(this.fd!, bytes);
      this.size += bytes.length;
      return true;
    } catch {
      this.dropped++;
      return false;
    }
  }

  close(): void {
    if (this.fd !== undefined) this.sys.close(this.fd);
    this.fd = undefined;
  }

  private open(now: number): void {
    this.fd = this.sys.openAppend(this.path);
    this.size = this.sys.fileSize(this.path) ?? 0;
    this.startedAt = now;
  }

  private rotate(now: number): void {
    this.close();
    for (const step of rotationSteps(this.path, this.policy.keep)) {
      if (step.kind === 'remove') this.sys.remove(step.path);
      else if (this.sys.exists(step.from)) this.sys.rename(step.from, step.to);
    }
    this.open(now);
  }
}
