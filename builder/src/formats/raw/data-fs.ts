/**
 * The persistent data partition: an empty ext4 file system made by mke2fs
 * without root, reproducibly (fixed UUID and directory hash seed, every time
 * stamp at the build time through E2FSPROGS_FAKE_TIME and SOURCE_DATE_EPOCH).
 * The init mounts it at /data; updates never touch it.
 */
import { mkdtemp, mkdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, run } from '../../io/exec.ts';
import { fatEpoch } from './esp.ts';

/** The file system's bytes. Throws naming mke2fs when it is missing or fails. */
export async function makeDataFs(options: { sizeBytes: number; uuid: string; hashSeed: string; label: string; epoch: number }): Promise<Buffer> {
  const work = await mkdtemp(join(tmpdir(), 'imago-data-'));
  // mke2fs ignores E2FSPROGS_FAKE_TIME=0 and stamps the superblock with the real time, so
  // use the ESP's rule for every partition: never earlier than 1980-01-01.
  const epoch = Math.max(options.epoch, fatEpoch);
  const time = String(epoch);
  try {
    const root = join(work, 'root');
    await mkdir(root);
    await utimes(root, epoch, epoch);
    const image = join(work, 'data.img');
    const env = { ...process.env, SOURCE_DATE_EPOCH: time, E2FSPROGS_FAKE_TIME: time };
    try {
      await run('mke2fs', ['-q', '-F', '-t', 'ext4', '-L', options.label, '-U', options.uuid, '-E', `hash_seed=${options.hashSeed},root_owner=0:0`, '-d', root, image, `${Math.floor(options.sizeBytes / 1024)}K`], { env });
    } catch (error) {
      // Blame the package only when mke2fs is not there: a failing mke2fs says why itself.
      const missing = error instanceof CommandError && error.exitCode === null && error.stderr.includes('ENOENT');
      const why = missing ? 'mke2fs is not installed (install the Debian package e2fsprogs)' : (error as Error).message;
      throw new Error(`failed to make the ${Math.floor(options.sizeBytes / 1024 / 1024)} MiB data partition: ${why}`, { cause: error });
    }
    return await readFile(image);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
