/**
 * `imago flash`: checks the target, asks, writes, syncs and reads back.
 *
 * ```ts
 * const report = await flashImage('out/armv7/disk.img', '/dev/sdb', { yes: false, verify: true, tty: true, ask, progress });
 * ```
 */
import { statSync } from 'node:fs';
import { FlashError } from '../errors.ts';
import type { Progress } from '../progress.ts';
import { inspectHost, inspectTarget } from './inspect.ts';
import { confirmation, confirmationQuestion, flashRefusals } from './refusals.ts';
import { formatSize } from './target.ts';
import { hashDevice, writeImage } from './write-image.ts';

export interface FlashOptions {
  /** Write without asking (scripts). */
  yes: boolean;
  /** Read the written range back and compare its sha256 (on unless --no-verify). */
  verify: boolean;
  /** Whether there is a terminal to ask on. */
  tty: boolean;
  /** Asks the question and returns the answer typed. */
  ask(question: string): Promise<string>;
  progress: Progress;
}

export interface FlashReport {
  bytes: number;
  seconds: number;
  imageSha256: string;
  /** Absent with --no-verify. */
  readBackSha256?: string;
}

function imageSize(imagePath: string): number {
  let stats;
  try {
    stats = statSync(imagePath);
  } catch (error) {
    throw new FlashError(`cannot read the image ${imagePath}: ${(error as Error).message}`, { cause: error });
  }
  if (!stats.isFile()) throw new FlashError(`${imagePath} is not a file: expected a disk image such as out/armv7/disk.img (imago build --format raw)`);
  return stats.size;
}

/** Throws a FlashError listing every reason `targetPath` may not be written now. */
function refuseUnsafe(imagePath: string, targetPath: string, size: number) {
  const target = inspectTarget(targetPath, imagePath);
  const reasons = flashRefusals(target, inspectHost(), size);
  if (reasons.length > 0) throw new FlashError(`refusing to write ${targetPath}, nothing was written:\n${reasons.map((r) => `  - ${r}`).join('\n')}`);
  return target;
}

/**
 * Writes `imagePath` to `targetPath` after the checks of refusals.ts and the
 * user's yes, then verifies it. Throws FlashError naming the target when it
 * refuses, is not confirmed, or the read-back differs.
 */
export async function flashImage(imagePath: string, targetPath: string, options: FlashOptions): Promise<FlashReport> {
  const size = imageSize(imagePath);
  const target = refuseUnsafe(imagePath, targetPath, size);
  const confirm = confirmation(options);
  if (confirm.action === 'refuse') throw new FlashError(`refusing to write ${targetPath}: ${confirm.reason}`);
  if (confirm.action === 'ask') {
    const answer = await options.ask(confirmationQuestion(target, imagePath, size));
    if (answer.trim() !== 'yes') throw new FlashError(`${targetPath} was not written: the answer was not "yes"`);
    // Time passed while the user read the question: something may have been mounted since.
    refuseUnsafe(imagePath, targetPath, size);
  }

  const { progress } = options;
  progress.step(`write ${imagePath} to ${targetPath}`);
  const written = await writeImage(imagePath, targetPath, target.kind === 'block', progress).catch((error: Error) => {
    throw new FlashError(error.message, { cause: error });
  });
  progress.done(`${formatSize(written.bytes)} at ${(written.bytes / 1e6 / Math.max(written.seconds, 0.001)).toFixed(1)} MB/s, synced`);
  if (!options.verify) return { bytes: written.bytes, seconds: written.seconds, imageSha256: written.sha256 };

  progress.step(`read back ${targetPath}`);
  const readBack = await hashDevice(targetPath, written.bytes, progress).catch((error: Error) => {
    throw new FlashError(`failed to read back ${targetPath}: ${error.message}`, { cause: error });
  });
  progress.done();
  if (readBack !== written.sha256) {
    throw new FlashError(`${targetPath} does not hold the image: the first ${written.bytes} bytes read back have sha256 ${readBack}, expected ${written.sha256} (${imagePath}); the device may be failing or fake-sized`);
  }
  return { bytes: written.bytes, seconds: written.seconds, imageSha256: written.sha256, readBackSha256: readBack };
}
