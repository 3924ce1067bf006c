/**
 * Writes an image to a device or file and reads it back: 4 MiB blocks, one
 * fsync at the end, then the written range hashed again from the device.
 *
 * ```ts
 * const written = await writeImage('out/x86_64/disk.img', '/dev/sdb', progress);
 * const readBack = await hashDevice('/dev/sdb', written.bytes, progress);
 * ```
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Progress } from '../progress.ts';

export const blockSize = 4 * 1024 * 1024;

export interface Written {
  bytes: number;
  sha256: string;
  seconds: number;
}

function rate(bytes: number, started: number): string {
  const seconds = Math.max((Date.now() - started) / 1000, 0.001);
  return `${(bytes / 1e6 / seconds).toFixed(1)} MB/s`;
}

/**
 * Copies `imagePath` onto `targetPath` from byte 0 and syncs it. A block device
 * is opened with O_EXCL, so Linux refuses it (EBUSY) if something mounted or
 * claimed it since it was inspected; a file is neither created nor truncated.
 * Returns the bytes written and their sha256. Throws naming the target.
 */
export async function writeImage(imagePath: string, targetPath: string, block: boolean, progress: Progress): Promise<Written> {
  const image = await open(imagePath, 'r');
  try {
    const total = (await image.stat()).size;
    const flags = constants.O_WRONLY | (block ? constants.O_EXCL : 0);
    const target = await open(targetPath, flags).catch((error: NodeJS.ErrnoException) => {
      const busy = error.code === 'EBUSY' ? ': it is in use (mounted or claimed by another program)' : '';
      throw new Error(`cannot open ${targetPath} for writing${busy}: ${error.message}`, { cause: error });
    });
    try {
      const hash = createHash('sha256');
      const buffer = Buffer.allocUnsafe(blockSize);
      const started = Date.now();
      let done = 0;
      while (done < total) {
        const { bytesRead } = await image.read(buffer, 0, Math.min(blockSize, total - done), done);
        if (bytesRead === 0) throw new Error(`${imagePath} ended at byte ${done}, expected ${total} bytes: it changed while being written`);
        const chunk = buffer.subarray(0, bytesRead);
        hash.update(chunk);
        let written = 0;
        while (written < bytesRead) {
          const { bytesWritten } = await target.write(chunk, written, bytesRead - written, done + written).catch((error: Error) => {
            throw new Error(`failed to write ${targetPath} at byte ${done + written}: ${error.message}`, { cause: error });
          });
          written += bytesWritten;
        }
        done += bytesRead;
        progress.update(done, total, rate(done, started));
      }
      progress.detail('syncing');
      await target.sync().catch((error: Error) => {
        throw new Error(`failed to sync ${targetPath}: ${error.message}`, { cause: error });
      });
      return { bytes: total, sha256: hash.digest('hex'), seconds: (Date.now() - started) / 1000 };
    } finally {
      await target.close();
    }
  } finally {
    await image.close();
  }
}

/**
 * The sha256 of the first `bytes` bytes of `path`. Opened anew after the writer
 * closed it: Linux drops a block device's page cache at its last close, so
 * these reads come from the device, not from what was just written to memory.
 */
export async function hashDevice(path: string, bytes: number, progress: Progress): Promise<string> {
  const device = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(blockSize);
    const started = Date.now();
    let done = 0;
    while (done < bytes) {
      const { bytesRead } = await device.read(buffer, 0, Math.min(blockSize, bytes - done), done);
      if (bytesRead === 0) throw new Error(`${path} ended at byte ${done} while reading back ${bytes} bytes`);
      hash.update(buffer.subarray(0, bytesRead));
      done += bytesRead;
      progress.update(done, bytes, rate(done, started));
    }
    return hash.digest('hex');
  } finally {
    await device.close();
  }
}
