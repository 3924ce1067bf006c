/**
 * Durable file operations for the update agent, on QuickJS's os module and our
 * native one: whole-file reads as bytes, in-place rewrites, and atomic
 * replacement (temporary name, fsync, rename, fsync of the folder).
 */
import * as os from 'os';
import * as native from 'imago:native';

export { readBytes } from '../sys/read-bytes.ts';
import { toBuffer, writeAll } from '../sys/quickjs.ts';

export { writeAll };

/** fsync of a path (a file or a folder); throws on failure. */
export function syncPath(path: string): void {
  const fd = os.open(path, os.O_RDONLY);
  if (fd < 0) throw new Error(`unable to open ${path}: ${native.strerror(-fd)}`);
  const result = native.fsync(fd);
  native.close(fd);
  if (result < 0) throw new Error(`unable to sync ${path}: ${native.strerror(-result)}`);
}

/**
 * Rewrites an existing file in place with bytes of the same length (GRUB's
 * environment block): the file keeps its clusters, so GRUB can still write it.
 */
export function rewriteInPlace(path: string, data: Uint8Array): void {
  const fd = os.open(path, os.O_WRONLY);
  if (fd < 0) throw new Error(`unable to open ${path}: ${native.strerror(-fd)}`);
  try {
    writeAll(fd, data, path);
    const result = native.fsync(fd);
    if (result < 0) throw new Error(`unable to sync ${path}: ${native.strerror(-result)}`);
  } finally {
    native.close(fd);
  }
}

/** Replaces `path` atomically with `data`: a temporary file, fsync, rename, fsync of the folder. */
export function replaceFile(path: string, data: Uint8Array | string): void {
  const temporary = `${path}.new`;
  const fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644);
  if (fd < 0) throw new Error(`unable to create ${temporary}: ${native.strerror(-fd)}`);
  try {
    writeAll(fd, data, temporary);
    const result = native.fsync(fd);
    if (result < 0) throw new Error(`unable to sync ${temporary}: ${native.strerror(-result)}`);
  } finally {
    native.close(fd);
  }
  const renamed = native.rename(temporary, path);
  if (renamed < 0) throw new Error(`unable to rename ${temporary}: ${native.strerror(-renamed)}`);
  syncPath(path.slice(0, path.lastIndexOf('/')) || '/');
}

/** sha512 through the native module, for Ed25519. */
export function sha512(data: Uint8Array): Uint8Array {
  return new Uint8Array(native.sha512(toBuffer(data)));
}
