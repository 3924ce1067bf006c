/**
 * One log file with rotation by size and age. A write that fails (disk full, a
 * read-only file system) drops its lines and counts them: logging must never
 * stop or block the init.
 */
import type { Sys } from '../sys/sys.ts';
import { encodeUtf8 } from '../../../contract/index.ts';
import { bytesBeforeRotation, rotationSteps, type RotationPolicy } from './rotation.ts';

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
    return this.append(encodeUtf8(`${line}\n`), 1);
  }

  /**
   * Appends `count` whole lines (each ending in a newline) with one write, or a
   * few when the file rotates between them; returns false when lines were dropped.
   */
  append(lines: Uint8Array, count: number): boolean {
    let rest = lines;
    try {
      const now = this.sys.wallClock();
      if (this.fd === undefined) this.open(now);
      for (;;) {
        const fits = bytesBeforeRotation({ size: this.size, startedAt: this.startedAt }, rest, now, this.policy);
        if (fits > 0) {
          this.sys.write(this.fd!, fits === rest.length ? rest : rest.subarray(0, fits), this.path);
          this.size += fits;
          rest = rest.subarray(fits);
        }
        if (rest.length === 0) return true;
        this.rotate(now);
      }
    } catch {
      this.dropped += rest === lines ? count : countLines(rest);
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

function countLines(bytes: Uint8Array): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) count++;
  return count;
}
