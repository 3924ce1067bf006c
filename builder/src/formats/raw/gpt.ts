/**
 * A GUID partition table, written by us so no tool needs root or a loop
 * device: a protective MBR, the primary header and entries at the start of the
 * disk, and the backup entries and header at its end. Pure.
 *
 * ```ts
 * const { head, tail } = renderGpt({ sectors, diskGuid, partitions: [{ name: 'imago-esp', type: espType, guid, first, last }] });
 * // head goes at byte 0, tail at (sectors - 33) * 512
 * ```
 */
import { crc32 } from '../../../../contract/index.ts';
import { guidOnDisk } from './guid.ts';

export const sectorSize = 512;
/** Sectors the entry array takes: 128 entries of 128 bytes. */
const entrySectors = 32;

export const espType = 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b';
export const linuxDataType = '0fc63daf-8483-4772-8e79-3d69d8477de4';

export interface GptPartition {
  /** GPT partition name (UTF-16LE, at most 36 characters); the init finds partitions by it. */
  name: string;
  type: string;
  guid: string;
  /** First and last sector, inclusive. */
  first: number;
  last: number;
}

export interface GptLayout {
  /** Disk size in sectors. */
  sectors: number;
  diskGuid: string;
  partitions: GptPartition[];
}

function entries(layout: GptLayout): Buffer {
  const table = Buffer.alloc(entrySectors * sectorSize);
  layout.partitions.forEach((part, i) => {
    const at = i * 128;
    guidOnDisk(part.type).copy(table, at);
    guidOnDisk(part.guid).copy(table, at + 16);
    table.writeBigUInt64LE(BigInt(part.first), at + 32);
    table.writeBigUInt64LE(BigInt(part.last), at + 40);
    if (part.name.length > 36) throw new Error(`GPT partition name "${part.name}" is longer than 36 characters`);
    table.write(part.name, at + 56, 'utf16le');
  });
  return table;
}

function header(layout: GptLayout, table: Buffer, backup: boolean): Buffer {
  const h = Buffer.alloc(sectorSize);
  const last = layout.sectors - 1;
  h.write('EFI PART', 0, 'latin1');
  h.writeUInt32LE(0x00010000, 8);
  h.writeUInt32LE(92, 12);
  h.writeBigUInt64LE(BigInt(backup ? last : 1), 24);
  h.writeBigUInt64LE(BigInt(backup ? 1 : last), 32);
  h.writeBigUInt64LE(BigInt(2 + entrySectors), 40);
  h.writeBigUInt64LE(BigInt(last - 1 - entrySectors), 48);
  guidOnDisk(layout.diskGuid).copy(h, 56);
  h.writeBigUInt64LE(BigInt(backup ? last - entrySectors : 2), 72);
  h.writeUInt32LE(128, 80);
  h.writeUInt32LE(128, 84);
  h.writeUInt32LE(crc32(table), 88);
  h.writeUInt32LE(crc32(h.subarray(0, 92)), 16);
  return h;
}

function protectiveMbr(sectors: number): Buffer {
  const mbr = Buffer.alloc(sectorSize);
  const entry = 446;
  mbr[entry + 1] = 0x00;
  mbr[entry + 2] = 0x02; // CHS of sector 1
  mbr[entry + 4] = 0xee;
  mbr.fill(0xff, entry + 5, entry + 8);
  mbr.writeUInt32LE(1, entry + 8);
  mbr.writeUInt32LE(Math.min(sectors - 1, 0xffffffff), entry + 12);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return mbr;
}

/** The first 34 sectors (MBR, header, entries) and the last 33 (entries, backup header). */
export function renderGpt(layout: GptLayout): { head: Buffer; tail: Buffer } {
  const table = entries(layout);
  for (const part of layout.partitions) {
    if (part.first < 2 + entrySectors || part.last > layout.sectors - 2 - entrySectors || part.first > part.last) throw new Error(`partition ${part.name} (${part.first}-${part.last}) does not fit the disk`);
  }
  return {
    head: Buffer.concat([protectiveMbr(layout.sectors), header(layout, table, false), table]),
    tail: Buffer.concat([table, header(layout, table, true)]),
  };
}
