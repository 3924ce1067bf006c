/**
 * Which targets a raw disk image can be made for: those whose definition in
 * targets/ has UEFI boot facts (x86_64 and aarch64 today). The facts live
 * with the rest of each architecture; this module only checks for them, so
 * the raw format, the disk boot and `--format` agree on the list.
 */
import { targets, type Target, type Uefi } from '../../../../targets/index.ts';
import { UnsupportedError } from '../../errors.ts';

/** A target a raw disk can boot: UEFI facts, and a Debian architecture to fetch GRUB for. */
export type UefiTarget = Target & { uefi: Uefi; debianArch: string };

/** `target`, narrowed to a UEFI target; throws an UnsupportedError naming the targets that are. */
export function requireUefi(target: Target): UefiTarget {
  if (target.uefi && target.debianArch) return target as UefiTarget;
  const able = Object.values(targets).filter((t) => t.uefi).map((t) => t.name);
  throw new UnsupportedError(`--format raw: ${target.name} has no UEFI GRUB build; raw disk images are made for ${able.join(' and ')} (see docs/updates.md for U-Boot boards)`);
}
