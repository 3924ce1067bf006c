/**
 * Reads an initramfs back whatever it was compressed with, told by its first
 * bytes as the kernel tells it: tests, benches and tools that look inside a
 * built image need neither its manifest nor to know the build's options.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { run } from '../io/exec.ts';
import type { Compression } from './compress.ts';
import { type CpioRecord, readCpio } from './cpio-read.ts';

const magics: { method: Compression; bytes: number[] }[] = [
  { method: 'gzip', bytes: [0x1f, 0x8b] },
  // lz4's legacy frame, the one compress() writes.
  { method: 'lz4', bytes: [0x02, 0x21, 0x4c, 0x18] },
  { method: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { method: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  // A newc cpio archive as is: "070701".
  { method: 'none', bytes: [0x30, 0x37, 0x30, 0x37, 0x30, 0x31] },
];

/** How `data` is compressed; throws showing its first bytes when it is no initramfs imago writes. */
export function compressionOf(data: Uint8Array, what = 'initramfs'): Compression {
  const found = magics.find(({ bytes }) => bytes.every((byte, i) => data[i] === byte));
  if (!found) throw new Error(`${what}: not a newc cpio archive, compressed or not (starts with ${Buffer.from(data.subarray(0, 6)).toString('hex') || 'nothing'})`);
  return found.method;
}

/** The cpio archive inside `data`. */
export async function decompress(data: Uint8Array, what = 'initramfs'): Promise<Uint8Array> {
  const method = compressionOf(data, what);
  switch (method) {
    case 'none':
      return data;
    case 'gzip':
      return gunzipSync(data);
    case 'lz4':
    case 'xz':
    case 'zstd':
      return (await run(method, ['-d', '-q', '-c'], { input: data })).stdout;
  }
}

/** The records of the initramfs file at `path` (e.g. `out/x86_64/initrd.img`). */
export async function readInitrd(path: string): Promise<CpioRecord[]> {
  return readCpio(await decompress(await readFile(path), path));
}
