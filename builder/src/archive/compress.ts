/**
 * Compresses an initramfs. gzip runs in-process; xz and zstd use Debian's `xz`
 * and `zstd` tools, with the settings the kernel's decompressors accept.
 */
import { gzipSync } from 'node:zlib';
import { run } from '../io/exec.ts';

export const compressions = ['gzip', 'xz', 'zstd', 'none'] as const;
export type Compression = (typeof compressions)[number];

/** Returns the compressed bytes; output depends only on the input (no names, no timestamps). */
export async function compress(data: Uint8Array, method: Compression): Promise<Uint8Array> {
  switch (method) {
    case 'none':
      return data;
    case 'gzip':
      // zlib writes mtime 0 and no file name, so the output is reproducible.
      return gzipSync(data, { level: 9 });
    case 'xz':
      // The kernel's xz decoder wants CRC32 checks, not xz's default CRC64.
      return (await run('xz', ['--format=xz', '--check=crc32', '--lzma2=preset=9,dict=1MiB', '-T1', '-c'], { input: data })).stdout;
    case 'zstd':
      return (await run('zstd', ['-19', '-q', '-c', '--no-check'], { input: data })).stdout;
  }
}
