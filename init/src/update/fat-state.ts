/**
 * FAT's "not cleanly unmounted" marks, found and undone without mounting. Pure:
 * it reads through a function and returns the bytes to write.
 *
 * Linux sets bit 0 of a state byte in the boot sector (offset 0x25 on FAT12/16,
 * 0x41 on FAT32) while a FAT volume is mounted read-write and clears it at a
 * clean unmount or read-only remount. After a power cut the bit stays set, and
 * the kernel never clears a bit it found set: every later read-write mount warns
 * "Volume was not properly unmounted". DOS and Windows keep the same news in
 * FAT[1] instead: on FAT16 bit 15, on FAT32 bit 27 of the entry is 1 when the
 * volume was shut down cleanly (Linux neither sets nor reads it). Both are
 * repaired here, in the boot sector and in every copy of the FAT.
 *
 * ```ts
 * const repairs = planFatCleanup(bootSector, (offset) => byteAt(offset)); // throws FatStateError if not FAT
 * for (const { offset, value } of repairs) writeByte(offset, value);
 * ```
 *
 * Only the ESP's own FAT is ever repaired, before it is mounted: this is not a
 * file system check, just the flags the kernel would have cleared itself.
 */

/** A boot sector that is not a FAT file system's; the message says which field is off. */
export class FatStateError extends Error {}

/** Where a volume's clean/dirty marks are. */
export interface FatLayout {
  kind: 'FAT12' | 'FAT16' | 'FAT32';
  /** The boot sector's state byte: bit 0 set means mounted read-write (or never unmounted). */
  stateOffset: number;
  /** FAT[1]'s byte holding the clean-shutdown bit in each FAT copy, with that bit's mask; none on FAT12. */
  cleanBits: { offset: number; mask: number }[];
}

/** One byte to write: `value` at `offset` from the start of the volume. */
export interface FatRepair {
  offset: number;
  value: number;
  /** For the log, e.g. "boot sector dirty flag". */
  what: string;
}

const dirtyFlag = 0x01;
/** FAT12 ends where 4085 clusters begin (the kernel's MAX_FAT12 is 0xff4). */
const maxFat12Clusters = 0xff4;

/** The layout of the FAT volume whose first sector is `bootSector` (at least 512 bytes). */
export function fatLayout(bootSector: Uint8Array): FatLayout {
  if (bootSector.length < 512) throw new FatStateError(`the boot sector is ${bootSector.length} bytes, expected 512`);
  const view = new DataView(bootSector.buffer, bootSector.byteOffset, bootSector.byteLength);
  if (view.getUint16(510, true) !== 0xaa55) throw new FatStateError('the boot sector does not end in the signature 55 AA: not a FAT file system');
  const bytesPerSector = view.getUint16(11, true);
  if (![512, 1024, 2048, 4096].includes(bytesPerSector)) throw new FatStateError(`bytes per sector (offset 11) is ${bytesPerSector}, expected 512, 1024, 2048 or 4096`);
  const sectorsPerCluster = view.getUint8(13);
  if (sectorsPerCluster === 0 || (sectorsPerCluster & (sectorsPerCluster - 1)) !== 0) throw new FatStateError(`sectors per cluster (offset 13) is ${sectorsPerCluster}, expected a power of two`);
  const reserved = view.getUint16(14, true);
  const fats = view.getUint8(16);
  if (reserved === 0 || fats === 0) throw new FatStateError(`reserved sectors (offset 14) is ${reserved} and FATs (offset 16) ${fats}, expected both above 0`);
  const rootEntries = view.getUint16(17, true);
  const totalSectors = view.getUint16(19, true) || view.getUint32(32, true);
  const fatSectors16 = view.getUint16(22, true);
  const fatSectors32 = view.getUint32(36, true);
  // The kernel's own rule: FAT32 is a volume whose 16-bit FAT size is 0 and 32-bit one is not.
  const fat32 = fatSectors16 === 0 && fatSectors32 !== 0;
  const fatSectors = fat32 ? fatSectors32 : fatSectors16;
  if (fatSectors === 0) throw new FatStateError('sectors per FAT (offsets 22 and 36) is 0: not a FAT file system');
  const rootSectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const dataStart = reserved + fats * fatSectors + rootSectors;
  if (totalSectors <= dataStart) throw new FatStateError(`total sectors ${totalSectors} leave no room for data after sector ${dataStart}`);
  const clusters = Math.floor((totalSectors - dataStart) / sectorsPerCluster);
  const kind = fat32 ? 'FAT32' : clusters > maxFat12Clusters ? 'FAT16' : 'FAT12';
  const fatStart = (copy: number) => (reserved + copy * fatSectors) * bytesPerSector;
  const copies = Array.from({ length: fats }, (_, copy) => fatStart(copy));
  // FAT[1] is the second entry: bytes 2-3 (FAT16) or 4-7 (FAT32), little-endian, so the bit is in its last byte.
  const cleanBits = kind === 'FAT32' ? copies.map((start) => ({ offset: start + 7, mask: 0x08 })) : kind === 'FAT16' ? copies.map((start) => ({ offset: start + 3, mask: 0x80 })) : [];
  return { kind, stateOffset: fat32 ? 0x41 : 0x25, cleanBits };
}

/**
 * The bytes that make the volume clean again: the boot sector's state byte
 * without its dirty flag, and each FAT[1] byte with its clean-shutdown bit.
 * `byteAt` gives the volume's byte at an offset (FAT[1] lies past the boot
 * sector). Empty when the volume is clean. Throws FatStateError when
 * `bootSector` is not a FAT volume's.
 */
export function planFatCleanup(bootSector: Uint8Array, byteAt: (offset: number) => number): FatRepair[] {
  const layout = fatLayout(bootSector);
  const repairs: FatRepair[] = [];
  const state = bootSector[layout.stateOffset]!;
  if (state & dirtyFlag) repairs.push({ offset: layout.stateOffset, value: state & ~dirtyFlag, what: `${layout.kind} boot sector dirty flag` });
  layout.cleanBits.forEach(({ offset, mask }, copy) => {
    const value = byteAt(offset);
    if (!(value & mask)) repairs.push({ offset, value: value | mask, what: `FAT[1] clean-shutdown bit in FAT copy ${copy + 1}` });
  });
  return repairs;
}
