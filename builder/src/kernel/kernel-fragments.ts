/**
 * Reads the configuration fragments of a kernel built for a target: the
 * repository's `kernel-config/common.config`, `kernel-config/<arch>.config`,
 * then any extra fragments a spec names (`kernel.build.config`).
 *
 *   const fragments = await readKernelFragments(mips, []);   // [{ file: 'kernel-config/common.config', text }, ...]
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import type { Target } from '../../../targets/types.ts';

/** The repository's `kernel-config/` folder. */
export const kernelConfigDir = fileURLToPath(new URL('../../../kernel-config/', import.meta.url));

/** One fragment file and its text; `file` is for messages and the manifest. */
export interface KernelFragment {
  file: string;
  text: string;
}

/**
 * Returns the fragments in merge order (later ones override earlier ones).
 * `extra` are absolute paths. Throws naming a fragment that cannot be read.
 */
export async function readKernelFragments(target: Target, extra: readonly string[] = []): Promise<KernelFragment[]> {
  const files = [join(kernelConfigDir, 'common.config'), join(kernelConfigDir, `${target.kernel.build.fragment}.config`), ...extra];
  return Promise.all(
    files.map(async (path) => {
      const file = path.startsWith(kernelConfigDir) ? join('kernel-config', relative(kernelConfigDir, path)) : path;
      try {
        return { file, text: await readFile(path, 'utf8') };
      } catch (error) {
        throw new Error(`failed to read kernel config fragment ${file} for ${target.name}`, { cause: error });
      }
    }),
  );
}
