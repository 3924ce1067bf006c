/**
 * Writes image folders so that a build's outputs appear together or not at
 * all. Each architecture's files (kernel, initrd, cmdline, manifest, and what
 * the formats make from them, such as disk.img) go into a temporary sibling
 * of `<outDir>/<arch>`; only when every architecture of the build is complete
 * do they replace the old folders, by rename. A build that fails at any step,
 * even the last format, leaves `<outDir>` as it was.
 *
 *   const staged = await stageImageDir('out', 'x86_64', { kernel, 'initrd.img': initrd });
 *   await makeDisk(staged.dir);                 // formats write next to the files
 *   await publishImageDirs('out', [staged]);    // or discardImageDirs([staged]) on failure
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** An image folder written under a temporary name, not yet visible as `<outDir>/<arch>`. */
export interface StagedImageDir {
  arch: string;
  /** The temporary folder: formats add their files here. */
  dir: string;
}

/** Writes `files` into a fresh temporary folder for `arch` under `outDir`. */
export async function stageImageDir(outDir: string, arch: string, files: Record<string, Uint8Array | string>): Promise<StagedImageDir> {
  await mkdir(outDir, { recursive: true });
  const dir = join(outDir, `.${arch}.tmp-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(join(dir, name), data);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { arch, dir };
}

/**
 * Moves every staged folder to `<outDir>/<arch>`, replacing what was there,
 * and returns the final paths. Old folders are kept aside until all are in
 * place, so a failed rename can put the earlier ones back.
 */
export async function publishImageDirs(outDir: string, staged: readonly StagedImageDir[]): Promise<string[]> {
  const moved: { final: string; old: string; hadOld: boolean }[] = [];
  try {
    for (const image of staged) {
      const final = join(outDir, image.arch);
      const old = join(outDir, `.${image.arch}.old-${process.pid}`);
      const hadOld = await rename(final, old).then(
        () => true,
        () => false,
      );
      moved.push({ final, old, hadOld });
      await rename(image.dir, final);
    }
  } catch (error) {
    for (const { final, old, hadOld } of moved.reverse()) {
      await rm(final, { recursive: true, force: true });
      if (hadOld) await rename(old, final).catch(() => undefined);
    }
    await discardImageDirs(staged);
    throw error;
  }
  for (const { old } of moved) await rm(old, { recursive: true, force: true });
  return moved.map(({ final }) => final);
}

/** Removes staged folders of a build that failed. */
export async function discardImageDirs(staged: readonly StagedImageDir[]): Promise<void> {
  for (const image of staged) await rm(image.dir, { recursive: true, force: true });
}
