/**
 * Which targets a raw disk image can be made for, and how each boots it:
 * under UEFI (x86_64, aarch64: GRUB's EFI build on the ESP) or from a legacy
 * PC BIOS (i386: GRUB's i386-pc build in a BIOS boot partition). The facts
 * live with the rest of each architecture in targets/; raw-boot.ts decides
 * which targets boot with GRUB (these) and which with U-Boot.
 */
import type { Bios, Target, Uefi } from '../../../../targets/index.ts';

/** A target a raw disk can boot: its firmware's facts, and a Debian architecture to fetch GRUB for. */
export type DiskTarget = Target & { debianArch: string } & ({ uefi: Uefi; bios?: undefined } | { uefi?: undefined; bios: Bios });

/** GRUB's Debian package and platform for the target's firmware. */
export function grubFor(target: DiskTarget): { grubPackage: string; grubPlatform: string } {
  return target.uefi ?? target.bios;
}
