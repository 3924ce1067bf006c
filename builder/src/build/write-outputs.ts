/**
 * Writes an image folder atomically: everything goes into a temporary sibling,
 * which replaces `<outDir>/<arch>` by rename only when complete, so a failed or
 * interrupted build never leaves half an image behind.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function writeImageDir(outDir: string, arch: string, files: Record<string, Uint8Array | string>): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const final = join(outDir, arch);
  const temporary = join(outDir, `.${arch}.tmp-${process.pid}`);
  await rm(temporary, { recursive: true, force: true });
  await mkdir(temporary);
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(join(temporary, name), data);
    const old = join(outDir, `.${arch}.old-${process.pid}`);
    await rename(final, old).catch(() => undefined);
    await rename(temporary, final);
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  return final;
}
