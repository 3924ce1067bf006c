/**
 * Legacy BIOS boot of a raw disk, done the way `grub-bios-setup` does it but
 * without a device or root: GRUB's 512-byte boot.img goes into the MBR's
 * code area and loads the first sector of core.img (diskboot.img) from the
 * BIOS boot partition, whose block list then loads the rest. Pure.
 *
 *   const { mbr, core } = installBiosBoot({ mbr: head.subarray(0, 512), bootImg, coreImg, coreSector: 34 });
 *
 * Offsets are GRUB's i386-pc boot.h: the core's first sector at 0x5c, the
 * boot drive at 0x64 (0xff: the one the BIOS booted from), the drive check
 * at 0x66, and the 12-byte block list at the end of diskboot's sector.
 */
import { sectorSize } from './gpt.ts';

/** GPT partition type of a BIOS boot partition: where core.img lives on a GPT disk. */
export const biosBootType = '21686148-6449-6e6f-744e-656564454649';

const bpbStart = 0x3;
const bpbEnd = 0x5a;
const kernelSectorAt = 0x5c;
const driveCheckAt = 0x66;
/** Where the partition table (and the disk signature before it) starts: boot code stops here. */
const codeEnd = 0x1b8;
const firstPartitionEntry = 0x1be;
const blockListAt = sectorSize - 12;

export interface BiosBootRequest {
  /** Sector 0 of the disk as written so far: the GPT's protective MBR. */
  mbr: Uint8Array;
  /** GRUB's boot.img for i386-pc. */
  bootImg: Uint8Array;
  /** The core image grub-mkimage made for i386-pc (diskboot.img first). */
  coreImg: Uint8Array;
  /** The first sector of the BIOS boot partition, where the core goes. */
  coreSector: number;
}

/** The MBR with GRUB's boot code, and the core image with its block list pointing at itself on the disk. */
export function installBiosBoot(request: BiosBootRequest): { mbr: Buffer; core: Buffer } {
  const { bootImg, coreSector } = request;
  if (bootImg.length !== sectorSize || bootImg[510] !== 0x55 || bootImg[511] !== 0xaa) throw new Error(`GRUB's boot.img: expected a ${sectorSize}-byte boot sector ending in 55 aa, got ${bootImg.length} bytes`);
  if (request.mbr.length !== sectorSize) throw new Error(`the disk's MBR: expected ${sectorSize} bytes, got ${request.mbr.length}`);
  const sectors = Math.ceil(request.coreImg.length / sectorSize);
  // The block list's length is 16 bits; diskboot reads the rest of the core in one go from there.
  if (sectors < 2 || sectors - 1 > 0xffff) throw new Error(`GRUB's core.img: ${request.coreImg.length} bytes is not a core image (expected 2 to 65536 sectors)`);

  const mbr = Buffer.from(request.mbr);
  const code = Buffer.from(bootImg.subarray(0, codeEnd));
  // Like grub-bios-setup: the BIOS parameter block area keeps what the disk had there (a jump skips it).
  Buffer.from(request.mbr).copy(code, bpbStart, bpbStart, bpbEnd);
  code.copy(mbr, 0);
  mbr.writeBigUInt64LE(BigInt(coreSector), kernelSectorAt);
  // On a hard disk, grub-bios-setup turns the drive check's jump into two NOPs: some BIOSes pass
  // a floppy number for a hard disk, and the check would then make GRUB read the wrong drive.
  mbr[driveCheckAt] = 0x90;
  mbr[driveCheckAt + 1] = 0x90;
  // The protective partition marked active (parted's pmbr_boot): some BIOSes boot no disk without one.
  mbr[firstPartitionEntry] = 0x80;

  const core = Buffer.alloc(sectors * sectorSize);
  Buffer.from(request.coreImg).copy(core);
  // diskboot's block list: the core's remaining sectors, right after its first one.
  core.writeBigUInt64LE(BigInt(coreSector + 1), blockListAt);
  core.writeUInt16LE(sectors - 1, blockListAt + 8);
  return { mbr, core };
}
