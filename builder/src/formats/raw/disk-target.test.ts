/** Which targets get a raw disk, read from their definitions in targets/. */
import test from 'ava';
import { getTarget, targets } from '../../../../targets/index.ts';
import { grubFor, requireDiskTarget } from './disk-target.ts';

test('x86_64 and aarch64 boot raw disks under UEFI, with the facts from their target files', (t) => {
  t.is(requireDiskTarget(getTarget('x86_64')).uefi?.efiPath, 'EFI/BOOT/BOOTX64.EFI');
  t.is(grubFor(requireDiskTarget(getTarget('aarch64'))).grubPlatform, 'arm64-efi');
});

test('i386 boots raw disks from a legacy BIOS with GRUB for i386-pc', (t) => {
  const i386 = requireDiskTarget(getTarget('i386'));
  t.is(i386.uefi, undefined);
  t.deepEqual(grubFor(i386), { grubPackage: 'grub-pc-bin', grubPlatform: 'i386-pc' });
});

test('a target without UEFI or BIOS facts is refused, naming the ones that have them', (t) => {
  t.throws(() => requireDiskTarget(getTarget('armv7')), {
    code: 'E_UNSUPPORTED',
    message: '--format raw: armv7 has no GRUB build for UEFI or BIOS; raw disk images are made for i386, x86_64, aarch64 (see docs/updates.md for U-Boot boards)',
  } as never);
});

test('every raw disk target has a Debian architecture to fetch GRUB for, and only one kind of firmware', (t) => {
  for (const target of Object.values(targets)) {
    if (target.uefi || target.bios) t.truthy(target.debianArch, target.name);
    t.false(Boolean(target.uefi && target.bios), `${target.name} has both UEFI and BIOS facts`);
  }
});
