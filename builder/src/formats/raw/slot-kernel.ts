/**
 * The kernel file a slot holds, which may differ from the image's `kernel`:
 * U-Boot's `bootm` on the MIPS Malta boards starts a legacy uImage, so their
 * ELF vmlinux is flattened and wrapped in one (type kernel, no compression,
 * load address and entry point from the ELF). Other targets' slots hold the
 * kernel as built. The raw disk's slot A and every bundle go through here,
 * so both carry the same bytes. Pure.
 *
 * ```ts
 * slotKernel(getTarget('mips'), vmlinux, 'out/mips/kernel');   // a uImage for bootm
 * ```
 */
import type { Target } from '../../../../targets/index.ts';
import { flatKernel } from '../../uboot/flat-kernel.ts';
import { legacyImage } from '../../uboot/legacy-image.ts';
import { ubootBoards } from '../../uboot/boards.ts';

/** Whether `target`'s slots hold a uImage rather than the kernel as built. */
export function slotKernelIsUimage(target: Target): boolean {
  return ubootBoards[target.name]?.boot === 'bootm' && target.kernel.build.format === 'elf';
}

/**
 * The slot's kernel bytes for `kernel` (the image's `kernel` file, named
 * `file` in errors). The uImage's time stamp is 0, so a slot's kernel depends
 * on the kernel alone. Throws when an ELF kernel cannot be flattened.
 */
export function slotKernel(target: Target, kernel: Uint8Array, file: string): Uint8Array {
  if (!slotKernelIsUimage(target)) return kernel;
  const flat = flatKernel(kernel, file);
  // "mips" on the 64-bit boards too: U-Boot 2023.01's bootm accepts only IH_ARCH_DEFAULT, which is
  // IH_ARCH_MIPS on every MIPS build ("Unsupported Architecture 0x6" for a mips64 header).
  return legacyImage(flat.data, { type: 'kernel', arch: 'mips', load: flat.load, entry: flat.entry, time: 0, name: 'Linux' });
}
