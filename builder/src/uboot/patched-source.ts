/**
 * Our own patches to Debian's U-Boot source (`patches/`, named by a board),
 * applied to a private copy so the cached source stays as Debian ships it.
 * The copy is hard links except for the files a patch changes, which are
 * copied first: `patch` then never writes through a link into the cache.
 *
 * ```ts
 * const dir = await patchedSource(source.dir, [{ file, text }], join(work, 'src'));
 * ```
 */
import { copyFile, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../io/exec.ts';

/** This folder's `patches/`. */
export const ubootPatchDir = fileURLToPath(new URL('./patches/', import.meta.url));

/** One patch and its text, `file` as the repository names it. */
export interface UbootPatch {
  file: string;
  text: string;
}

/** Reads the named patches (`patches/<name>.patch`); throws naming a missing one. */
export async function readUbootPatches(names: readonly string[], arch: string): Promise<UbootPatch[]> {
  return Promise.all(
    names.map(async (name) => {
      const file = `builder/src/uboot/patches/${name}.patch`;
      try {
        return { file, text: await readFile(join(ubootPatchDir, `${name}.patch`), 'utf8') };
      } catch (error) {
        throw new Error(`failed to read U-Boot patch ${file} for ${arch}`, { cause: error });
      }
    }),
  );
}

/**
 * The source files a unified diff changes (its `+++ b/<path>` lines, `-p1`).
 * Throws naming the patch when it changes none or creates or deletes one.
 */
export function patchedFiles(patch: UbootPatch): string[] {
  const files: string[] = [];
  for (const line of patch.text.split('\n')) {
    if (!line.startsWith('+++ ')) continue;
    const path = line.slice(4).split('\t')[0]!.trim();
    if (!path.startsWith('b/')) throw new Error(`${patch.file}: "${line}": expected "+++ b/<path>" (a patch made with diff -u a/ b/, applied with -p1)`);
    files.push(path.slice(2));
  }
  if (files.length === 0) throw new Error(`${patch.file}: no "+++ b/<path>" line: expected a unified diff`);
  return files;
}

/**
 * Returns `sourceDir` itself when there are no patches; else a copy of it at
 * `copyDir` with them applied in order. Throws naming a patch that does not apply.
 */
export async function patchedSource(sourceDir: string, patches: readonly UbootPatch[], copyDir: string): Promise<string> {
  if (patches.length === 0) return sourceDir;
  await run('cp', ['-al', sourceDir, copyDir]);
  for (const patch of patches) {
    for (const file of patchedFiles(patch)) {
      await unlink(join(copyDir, file));
      await copyFile(join(sourceDir, file), join(copyDir, file));
    }
    await run('patch', ['-p1', '--forward', '--no-backup-if-mismatch', '-d', copyDir], { input: patch.text }).catch((error: unknown) => {
      throw new Error(`U-Boot patch ${patch.file} does not apply to ${sourceDir}: update it for this source version`, { cause: error });
    });
  }
  return copyDir;
}
