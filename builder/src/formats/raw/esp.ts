/**
 * The EFI system partition as a FAT32 file system image, made without root by
 * mkfs.vfat and mtools: GRUB at the removable-media path, the boot environment
 * /imago/grubenv, slot A filled and slot B empty. Reproducible: a fixed volume
 * id, `--invariant`, and every time stamp at the build time (FAT cannot
 * store times before 1980, so earlier ones become 1980-01-01).
 */
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../io/exec.ts';

/** 1980-01-01, the earliest time FAT stores. */
export const fatEpoch = 315532800;

export interface EspContents {
  /** Path on the ESP (folders are created) to bytes. */
  files: Record<string, Uint8Array | string>;
  sizeBytes: number;
  /** 8 hex digits. */
  volumeId: string;
  epoch: number;
}

/**
 * `--invariant` makes mkfs.vfat reproducible but also forces the volume id to
 * 1234-ABCD, so we write ours into the FAT32 boot sector (BS_VolID at byte 67)
 * and its backup (sector 6) afterwards.
 */
async function setVolumeId(image: string, volumeId: string): Promise<void> {
  const bytes = await readFile(image);
  for (const sector of [0, 6]) bytes.writeUInt32LE(Number.parseInt(volumeId, 16), sector * 512 + 67);
  await writeFile(image, bytes);
}

/** The ESP image's bytes. Throws naming mkfs.vfat or mtools when they are missing or fail. */
export async function makeEsp(contents: EspContents): Promise<Buffer> {
  const work = await mkdtemp(join(tmpdir(), 'imago-esp-'));
  const time = Math.max(contents.epoch, fatEpoch);
  const env = { ...process.env, SOURCE_DATE_EPOCH: String(time), MTOOLS_SKIP_CHECK: '1' };
  try {
    const image = join(work, 'esp.img');
    try {
      await run('mkfs.vfat', ['-C', '-F', '32', '-i', contents.volumeId, '-n', 'IMAGO-ESP', '--invariant', image, String(Math.floor(contents.sizeBytes / 1024))], { env });
    } catch (error) {
      throw new Error('failed to make the ESP with mkfs.vfat (install the Debian package dosfstools)', { cause: error });
    }
    await setVolumeId(image, contents.volumeId);
    const dirs = new Set<string>();
    for (const path of Object.keys(contents.files)) {
      const parts = path.split('/').slice(0, -1);
      for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    }
    const mtools = async (tool: string, args: string[]) => {
      try {
        await run(tool, ['-i', image, ...args], { env });
      } catch (error) {
        throw new Error(`failed to fill the ESP with ${tool} (install the Debian package mtools)`, { cause: error });
      }
    };
    const sortedDirs = [...dirs].sort();
    if (sortedDirs.length > 0) await mtools('mmd', sortedDirs.map((dir) => `::${dir}`));
    for (const [index, [path, data]] of Object.entries(contents.files).sort(([a], [b]) => (a < b ? -1 : 1)).entries()) {
      const host = join(work, `f${index}`);
      await writeFile(host, data);
      await utimes(host, time, time);
      await mtools('mcopy', ['-m', host, `::${path}`]);
    }
    return await readFile(image);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
