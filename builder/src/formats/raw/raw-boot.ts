/**
 * How a raw disk boots on a target: GRUB under UEFI (x86_64, aarch64) or from
 * a legacy BIOS (i386), both through disk-target.ts; or U-Boot on the boards
 * builder/src/uboot/boards.ts knows whose U-Boot can start the slot's kernel
 * (armv7's zImage with `bootz`; the MIPS Malta boards' vmlinux, wrapped in a
 * uImage by slot-kernel.ts, with `bootm`). One place decides, so
 * `--format`'s check, the disk build, `imago run` and the init's update flow
 * (through the image's fw_env.config) agree.
 *
 * ```ts
 * const boot = rawBoot(getTarget('armv7'));   // { kind: 'uboot', board: qemu_arm's }
 * ```
 */
import { targets, type Target } from '../../../../targets/index.ts';
import { UnsupportedError } from '../../errors.ts';
import { ubootBoards, type UbootBoard } from '../../uboot/boards.ts';
import type { DiskTarget } from './disk-target.ts';

/** GRUB under UEFI or a BIOS (same grub.cfg and grubenv), or U-Boot with its environment on the ESP. */
export type RawBoot = { kind: 'uefi' | 'bios'; target: DiskTarget } | { kind: 'uboot'; target: Target; board: UbootBoard };

/** The firmware file a U-Boot disk build writes next to disk.img, for `imago run` (a board has it in flash). */
export const ubootFirmwareFile = 'u-boot.bin';

/**
 * Whether U-Boot can boot `target`'s kernel: bootz takes a zImage as built;
 * bootm takes the uImage slot-kernel.ts wraps an ELF vmlinux in.
 */
function ubootBootsKernel(board: UbootBoard, target: Target): boolean {
  const format = target.kernel.build.format;
  return (board.boot === 'bootz' && format === 'zImage') || (board.boot === 'bootm' && format === 'elf');
}

/** Why a U-Boot board cannot boot `target`'s kernel, for the refusal. */
function ubootRefusal(board: UbootBoard, target: Target): string {
  return `its U-Boot (${board.defconfig}) boots kernels with ${board.boot}, which takes ${board.boot === 'bootz' ? 'a zImage' : 'an ELF vmlinux (wrapped in a uImage)'}, and ${target.name}'s kernel is built as "${target.kernel.build.format}"`;
}

function grubTarget(target: Target): DiskTarget | undefined {
  return (target.uefi || target.bios) && target.debianArch ? (target as DiskTarget) : undefined;
}

/** The targets that get a raw disk, for messages. */
export function rawBootArches(): string[] {
  return Object.values(targets).filter((t) => diskBootloader(t) !== undefined).map((t) => t.name);
}

/** What boots `target`'s raw disk, or undefined when it gets none: what the image's init must keep the slot state for. */
export function diskBootloader(target: Target): 'grub' | 'uboot' | undefined {
  if (grubTarget(target)) return 'grub';
  const board = ubootBoards[target.name];
  return board && ubootBootsKernel(board, target) ? 'uboot' : undefined;
}

/** How `target` boots a raw disk; throws an UnsupportedError saying why not and which targets do. */
export function rawBoot(target: Target): RawBoot {
  const grub = grubTarget(target);
  if (grub) return { kind: grub.uefi ? 'uefi' : 'bios', target: grub };
  const board = ubootBoards[target.name];
  if (board && ubootBootsKernel(board, target)) return { kind: 'uboot', target, board };
  const why = board ? ubootRefusal(board, target) : 'it has no GRUB build for UEFI or BIOS and no U-Boot board';
  throw new UnsupportedError(`--format raw: ${target.name} cannot boot a raw disk yet: ${why}; raw disk images are made for ${rawBootArches().join(', ')} (see docs/updates.md)`);
}
