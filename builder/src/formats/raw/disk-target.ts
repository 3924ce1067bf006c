/**
 * Which targets a raw disk image can be made for, and how each boots it:
 * under UEFI (x86_64, aarch64: GRUB's EFI build on the ESP) or from a legacy
 * PC BIOS (i386: GRUB's i386-pc build in a BIOS boot partition). The facts
 * live with the rest of each architecture in targets/; this module only
 * reads them, so the raw format, the disk boot and `--format` agree on the list.
 */
import { targets, type Bios, type Target, type Uefi } from '../../../../targets/index.ts';
import { UnsupportedError } from '../../errors.ts';

/** A target a raw disk can boot: its firmware's facts, and a Debian architecture to fetch GRUB for. */
export type DiskTarget = Target & { debianArch: string } & ({ uefi: Uefi; bios?: undefined } | { uefi?: undefined; bios: Bios });

/** GRUB's Debian package and platform for the target's firmware. */
export function grubFor(target: DiskTarget): { grubPackage: string; grubPlatform: string } {
  return target.uefi ?? target.bios;
}

/** `target`, narrowed to one a raw disk boots on; throws an UnsupportedError naming the targets that are. */
export function requireDiskTarget(target: Target): DiskTarget {
  if ((target.uefi || target.bios) && target.debianArch) return target as DiskTarget;
  const able = Object.values(targets).filter((t) => t.uefi || t.bios).map((t) => t.name);
  throw new UnsupportedError(`--format raw: ${target.name} has no GRUB build for UEFI or BIOS; raw disk images are made for ${able.join(', ')} (see docs/updates.md for U-Boot boards)`);
}
