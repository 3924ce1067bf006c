/** Which targets get a raw disk, read from their definitions in targets/. */
import test from 'ava';
import { getTarget, targets } from '../../../../targets/index.ts';
import { grubFor, type DiskTarget } from './disk-target.ts';
import { rawBoot } from './raw-boot.ts';

/** The GRUB target rawBoot finds for `arch`, failing when it boots otherwise. */
function requireDiskTarget(arch: string): DiskTarget {
  const boot = rawBoot(getTarget(arch));
  if (boot.kind === 'uboot') throw new Error(`${arch} boots with U-Boot`);
  return boot.target;
}

test('x86_64 and aarch64 boot raw disks under UEFI, with the facts from their target files', (t) => {
  t.is(requireDiskTarget('x86_64').uefi?.efiPath, 'EFI/BOOT/BOOTX64.EFI');
  t.is(grubFor(requireDiskTarget('aarch64')).grubPlatform, 'arm64-efi');
});

test('i386 boots raw disks from a legacy BIOS with GRUB for i386-pc', (t) => {
  const i386 = requireDiskTarget('i386');
  t.is(i386.uefi, undefined);
  t.deepEqual(grubFor(i386), { grubPackage: 'grub-pc-bin', grubPlatform: 'i386-pc' });
});

test('every raw disk target has a Debian architecture to fetch GRUB for, and only one kind of firmware', (t) => {
  for (const target of Object.values(targets)) {
    if (target.uefi || target.bios) t.truthy(target.debianArch, target.name);
    t.false(Boolean(target.uefi && target.bios), `${target.name} has both UEFI and BIOS facts`);
  }
});
