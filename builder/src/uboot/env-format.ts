/**
 * The environment format of a board: contract/disk-layout.ts's size and
 * redundancy, with the CRC in the board CPU's byte order (U-Boot stores it as
 * a native integer: big-endian on mips and mips64). Pure.
 *
 * ```ts
 * boardEnvFormat(ubootBoard('mips'));   // { size: 0x4000, redundant: true, bigEndian: true }
 * ```
 */
import { ubootEnvFormat, type UbootEnvFormat } from '../../../contract/index.ts';
import { getTarget } from '../../../targets/index.ts';
import type { UbootBoard } from './boards.ts';

/** The format the builder writes and U-Boot reads on `board`'s disks. */
export function boardEnvFormat(board: Pick<UbootBoard, 'arch'>): UbootEnvFormat {
  return getTarget(board.arch).elf.endian === 'MSB' ? { ...ubootEnvFormat, bigEndian: true } : ubootEnvFormat;
}
