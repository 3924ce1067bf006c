/**
 * File operations for the update agent: reads at an offset, in-place
 * rewrites and atomic replacement (temporary name, fsync, rename, fsync of
 * the folder).
 */
import type { Sys } from '../sys/sys.ts';

/** Up to `length` bytes at `offset` of `fd`; fewer only at the end of the file or device. */
export function readAt(sys: Sys, fd: number, offset: number, length: number): Uint8Array {
  sys.seek(fd, offset);
  const bytes = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const chunk = sys.read(fd, length - filled);
    // undefined: interrupted by a signal before anything was read, so read again.
    if (chunk === undefined) continue;
    if (chunk.length === 0) break;
    bytes.set(chunk, filled);
    filled += chunk.length;
  }
  return bytes.subarray(0, filled);
}

/** fsync of a path (a file or a folder); throws on failure. */
export function syncPath(sys: Sys, path: string): void {
  const fd = sys.openRead(path);
  try {
    sys.fsync(fd, path);
  } finally {
    sys.close(fd);
  }
}

/**
 * Rewrites an existing file in place with bytes of the same length (GRUB's
 * environment block): the file keeps its clusters, so GRUB can still write it.
 */
export function rewriteInPlace(sys: Sys, path: string, data: Uint8Array): void {
  const fd = sys.openWrite(path);
  try {
    sys.write(fd, data, path);
    sys.fsync(fd, path);
  } finally {
    sys.close(fd);
  }
}

/** Creates (or truncates) `path` with `data`, mode 0644, and fsyncs it before closing. */
export function writeDurably(sys: Sys, path: string, data: Uint8Array | string): void {
  const fd = sys.create(path, 0o644);
  try {
    sys.write(fd, data, path);
    sys.fsync(fd, path);
  } finally {
    sys.close(fd);
  }
}

/** Replaces `path` atomically with `data`: a temporary file, fsync, rename, fsync of the folder. */
export function replaceFile(sys: Sys, path: string, data: Uint8Array | string): void {
  const temporary = `${path}.new`;
  writeDurably(sys, temporary, data);
  sys.rename(temporary, path);
  syncPath(sys, path.slice(0, path.lastIndexOf('/')) || '/');
}
