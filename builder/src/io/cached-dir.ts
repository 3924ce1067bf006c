import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const completeMarker = '.complete';

/**
 * Returns the cache directory `dir`, first filling it with `populate` when it
 * is missing. `populate` writes into a private temporary directory that is
 * renamed into place only when it succeeded, so an interrupted build never
 * leaves a half-written entry and concurrent builds cannot see one.
 *
 *   const { dir, hit } = await cachedDir(join(cacheRoot(), 'runtime', `qjsc-${key}`), build);
 *
 * Throws whatever `populate` throws (after removing its temporary directory).
 */
export async function cachedDir(
  dir: string,
  populate: (workDir: string) => Promise<void>,
): Promise<{ dir: string; hit: boolean }> {
  if (existsSync(join(dir, completeMarker))) return { dir, hit: true };
  await mkdir(dirname(dir), { recursive: true });
  const work = await mkdtemp(`${dir}.tmp-`);
  try {
    await populate(work);
    await writeFile(join(work, completeMarker), '');
    await chmod(work, 0o755); // mkdtemp makes it private; the entry is not secret.
    // A leftover without the marker is from a crashed older build.
    if (existsSync(dir) && !existsSync(join(dir, completeMarker))) await rm(dir, { recursive: true, force: true });
    await rename(work, dir).catch(async (error: unknown) => {
      // Another build finished the same entry first: use theirs.
      if (!existsSync(join(dir, completeMarker))) throw error;
      await rm(work, { recursive: true, force: true });
    });
    return { dir, hit: false };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}
