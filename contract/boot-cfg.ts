/** A slot's GRUB boot.cfg, written by the builder for slot A and by the agent for each update. Pure. */
import type { Slot } from './slots.ts';

/**
 * The kernel, initramfs and command line of `slot`, with `imago.slot=<slot>` so
 * the init knows which slot it came from. Throws on characters GRUB would read
 * as script syntax.
 */
export function slotBootConfig(slot: Slot, cmdline: string): string {
  const args = cmdline.trim();
  if (/['"\\$;\n]/.test(args)) throw new Error(`the kernel command line cannot contain quotes, $, ; or backslashes for GRUB: ${args}`);
  return `linux /${slot}/kernel ${args} imago.slot=${slot}\ninitrd /${slot}/initrd.img\n`;
}
