/** Which targets get a raw disk, read from their definitions in targets/. */
import test from 'ava';
import { getTarget, targets } from '../../../../targets/index.ts';
import { requireUefi } from './uefi-target.ts';

test('x86_64 and aarch64 boot raw disks under UEFI, with the facts from their target files', (t) => {
  t.is(requireUefi(getTarget('x86_64')).uefi.efiPath, 'EFI/BOOT/BOOTX64.EFI');
  t.is(requireUefi(getTarget('aarch64')).uefi.grubPlatform, 'arm64-efi');
});

test('a target without UEFI facts is refused, naming the ones that have them', (t) => {
  t.throws(() => requireUefi(getTarget('armv7')), {
    code: 'E_UNSUPPORTED',
    message: '--format raw: armv7 has no UEFI GRUB build; raw disk images are made for x86_64 and aarch64 (see docs/updates.md for U-Boot boards)',
  } as never);
});

test('every UEFI target has a Debian architecture to fetch GRUB for', (t) => {
  for (const target of Object.values(targets)) if (target.uefi) t.truthy(target.debianArch, target.name);
});
