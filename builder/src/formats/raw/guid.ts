/**
 * GPT GUIDs and file system ids derived from the spec, so the same spec always
 * gives the same disk (reproducible builds) while different images differ.
 */
import { createHash } from 'node:crypto';

/** 16 bytes from a seed, shaped as an RFC 4122 version 4 (random) GUID. */
export function guidBytes(seed: string): Buffer {
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return Buffer.from(bytes);
}

/** The text form of GUID bytes in RFC order (as mke2fs -U and blkid print them). */
export function guidText(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** GPT stores the first three fields little-endian ("mixed endian"). */
export function guidOnDisk(text: string): Buffer {
  const hex = text.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
}

/** A FAT volume id (8 hex digits) from a seed. */
export function volumeId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 8).toUpperCase();
}
