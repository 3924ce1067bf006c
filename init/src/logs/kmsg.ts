/**
 * Captures kernel messages from /dev/kmsg into the "kernel" log (not echoed to
 * the console: the kernel prints there itself).
 */
import type { Sys } from '../sys/sys.ts';
import { decodeUtf8 } from '../../../contract/index.ts';

const levels = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

export interface KmsgRecord {
  level: string;
  sequence: number;
  /** Microseconds since boot. */
  usec: number;
  message: string;
}

/** Parses one /dev/kmsg record: "PRI,SEQ,USEC,FLAGS;message\n KEY=value...". Pure. */
export function parseKmsgRecord(text: string): KmsgRecord | undefined {
  const match = /^(\d+),(\d+),(\d+),[^;]*;([^\n]*)/.exec(text);
  if (!match) return undefined;
  return { level: levels[Number(match[1]) & 7]!, sequence: Number(match[2]), usec: Number(match[3]), message: match[4]! };
}

/** Reads records as they come; `openKmsg` gives a non-blocking read-only fd. */
export function captureKmsg(sys: Sys, fd: number, write: (text: string) => void): void {
  sys.onReadable(fd, () => {
    for (let i = 0; i < 256; i++) {
      let chunk: Uint8Array | undefined;
      try {
        chunk = sys.read(fd, 8192);
      } catch {
        // EPIPE: the kernel overwrote records we had not read yet; carry on from the next one.
        continue;
      }
      if (chunk === undefined || chunk.length === 0) return;
      const record = parseKmsgRecord(decodeUtf8(chunk));
      if (record) write(`[${(record.usec / 1e6).toFixed(6)}] ${record.level}: ${record.message}`);
    }
    return true;
  });
}
