/**
 * How the EFI system partition is mounted, and the only way to write it.
 *
 * The ESP holds both slots' initrd.img, each a whole root file system with
 * /etc/shadow, so it is root's alone (FAT has no owners: uid, gid and the masks
 * give every file and folder the same ones) and nothing on it runs from Linux
 * (noexec, nosuid, nodev). It stays read-only except while an update, a commit
 * or a rollback writes it: Linux marks a FAT volume dirty while it is writable,
 * so a power cut at any other moment leaves it clean. A cut inside a write
 * leaves the mark, which the next boot undoes before mounting (fat-state.ts).
 *
 * ```ts
 * mountEsp(sys, '/dev/vda1', log);                       // repairs the dirty marks, mounts read-only
 * withWritableEsp(sys, (why) => log.warn(why), () => replaceFile(sys, path, data));
 * ```
 */
import { espMount } from '../../../contract/index.ts';
import { reasonOf, type MountFlag, type Sys } from '../sys/sys.ts';
import { mountPartition } from './disk.ts';
import { planFatCleanup } from './fat-state.ts';
import { readAt } from './files.ts';

/** The vfat options of the ESP: owned by root, files 0600, folders 0700, written through at close. */
export const espMountData = 'uid=0,gid=0,fmask=0177,dmask=0077,flush';

/** The mount flags of the ESP, read-only unless `writable`. */
export function espMountFlags(writable: boolean): MountFlag[] {
  return writable ? ['nosuid', 'nodev', 'noexec'] : ['nosuid', 'nodev', 'noexec', 'readonly'];
}

/**
 * Clears the dirty marks a power cut left on the FAT volume at `device`, before
 * it is mounted. Returns what was repaired (empty when it was clean); throws
 * with the reason when the device cannot be read or written, or is not FAT.
 */
export function clearFatDirtyMarks(sys: Sys, device: string): string[] {
  const reader = sys.openRead(device);
  try {
    const bootSector = readAt(sys, reader, 0, 512);
    const repairs = planFatCleanup(bootSector, (offset) => readAt(sys, reader, offset, 1)[0] ?? 0);
    if (repairs.length === 0) return [];
    const writer = sys.openWrite(device);
    try {
      for (const { offset, value } of repairs) {
        sys.seek(writer, offset);
        sys.write(writer, new Uint8Array([value]), device);
      }
      sys.fsync(writer, device);
    } finally {
      sys.close(writer);
    }
    return repairs.map((repair) => repair.what);
  } finally {
    sys.close(reader);
  }
}

/**
 * Mounts the ESP at `device` read-only on espMount, first clearing the dirty
 * marks of an earlier power cut (a failure there is logged, and the mount goes
 * ahead: the marks only cost a warning). Throws when the mount fails.
 */
export function mountEsp(sys: Sys, device: string, log: { info(line: string): void; warn(line: string): void }): void {
  try {
    const repaired = clearFatDirtyMarks(sys, device);
    if (repaired.length > 0) log.info(`update: ${device} was not cleanly unmounted (power cut while it was written?); cleared: ${repaired.join(', ')}`);
  } catch (error) {
    log.warn(`update: unable to check ${device} for an unclean unmount: ${reasonOf(error)}`);
  }
  mountPartition(sys, device, espMount, 'vfat', espMountData, espMountFlags(false));
}

/**
 * Runs `write` with the ESP writable, then makes it read-only again, whether
 * `write` succeeded or threw. Throws when the ESP cannot be made writable (then
 * `write` never runs) and passes on what `write` throws. A failure to make it
 * read-only again (a file still open for writing: EBUSY) goes to `warn`: what
 * was written is written, and the next boot mounts it read-only anyway.
 */
export function withWritableEsp<T>(sys: Sys, warn: (line: string) => void, write: () => T): T {
  sys.remount(espMount, espMountFlags(true), espMountData);
  try {
    return write();
  } finally {
    try {
      sys.remount(espMount, espMountFlags(false), espMountData);
    } catch (error) {
      warn(`update: unable to make ${espMount} read-only again: ${reasonOf(error)}`);
    }
  }
}
