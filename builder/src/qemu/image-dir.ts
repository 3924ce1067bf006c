/**
 * Reads a build output folder (`out/<arch>/`) into what QEMU needs.
 *
 * ```ts
 * const image = await readImageDir('out/x86_64');
 * image.target.qemu.binary; // 'qemu-system-x86_64'
 * ```
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { getTarget } from '../../../targets/index.ts';
import type { Target } from '../../../targets/types.ts';
import { ImageDirError } from './errors.ts';

/** A built image on disk: absolute file paths, the kernel command line and the target it was built for. */
export interface ImageDir {
  /** The image folder, absolute. */
  dir: string;
  /** `<dir>/kernel`. */
  kernel: string;
  /** `<dir>/initrd.img`. */
  initrd: string;
  /** Contents of the `cmdline` file, surrounding whitespace removed. */
  cmdline: string;
  /** The parsed `manifest.json`. */
  manifest: { arch: string } & Record<string, unknown>;
  /** The target named by the manifest's `arch`. */
  target: Target;
  /** Guest RAM the image asks for (its spec's `qemu.memory`), when it does. */
  memoryMiB?: number;
}

/**
 * Reads `kernel`, `initrd.img`, `cmdline` and `manifest.json` from `dir` and
 * looks up the target named by the manifest's `arch`. Throws ImageDirError
 * naming the first missing or invalid file.
 */
export async function readImageDir(dir: string): Promise<ImageDir> {
  const abs = resolve(dir);
  const kernel = join(abs, 'kernel');
  const initrd = join(abs, 'initrd.img');
  await requireFile(kernel);
  await requireFile(initrd);
  const cmdline = (await readText(join(abs, 'cmdline'))).trim();
  const manifestPath = join(abs, 'manifest.json');
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readText(manifestPath));
  } catch (error) {
    if (error instanceof ImageDirError) throw error;
    throw new ImageDirError(`${manifestPath}: invalid JSON: ${(error as Error).message}. rebuild the image`, { cause: error });
  }
  const arch = (manifest as { arch?: unknown } | null)?.arch;
  if (typeof arch !== 'string') {
    throw new ImageDirError(`${manifestPath}: missing "arch": expected the architecture name, e.g. "x86_64". rebuild the image`);
  }
  let target: Target;
  try {
    target = getTarget(arch);
  } catch (error) {
    throw new ImageDirError(`${manifestPath}: arch: ${(error as Error).message}`, { cause: error });
  }
  const memoryMiB = (manifest as { qemu?: { memoryMiB?: unknown } }).qemu?.memoryMiB;
  return { dir: abs, kernel, initrd, cmdline, manifest: manifest as ImageDir['manifest'], target, ...(typeof memoryMiB === 'number' ? { memoryMiB } : {}) };
}

async function requireFile(path: string): Promise<void> {
  try {
    if ((await stat(path)).isFile()) return;
  } catch (error) {
    throw new ImageDirError(`${path}: missing: the image folder has no such file. run \`imago build\` first`, { cause: error });
  }
  throw new ImageDirError(`${path}: not a regular file. rebuild the image`);
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ImageDirError(`${path}: missing: the image folder has no such file. run \`imago build\` first`, { cause: error });
  }
}
