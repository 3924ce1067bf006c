/** Which targets get a raw disk and how they boot it, from targets/ and the U-Boot boards. */
import test from 'ava';
import { getTarget } from '../../../../targets/index.ts';
import { rawBoot, rawBootArches } from './raw-boot.ts';

test('x86_64 and aarch64 boot raw disks under UEFI, i386 from a BIOS, armv7 through U-Boot (qemu_arm)', (t) => {
  t.is(rawBoot(getTarget('x86_64')).kind, 'uefi');
  t.is(rawBoot(getTarget('aarch64')).kind, 'uefi');
  t.is(rawBoot(getTarget('i386')).kind, 'bios');
  const armv7 = rawBoot(getTarget('armv7'));
  t.is(armv7.kind, 'uboot');
  t.is(armv7.kind === 'uboot' ? armv7.board.defconfig : '', 'qemu_arm_defconfig');
  t.deepEqual(rawBootArches(), ['i386', 'x86_64', 'armv7', 'aarch64']);
});

const refused = [
  { arch: 'mips', why: "its U-Boot (malta_defconfig) boots kernels with bootm, which needs a U-Boot uImage, and mips's kernel is an ELF vmlinux" },
  { arch: 'mips64el', why: "its U-Boot (malta64el_defconfig) boots kernels with bootm, which needs a U-Boot uImage, and mips64el's kernel is an ELF vmlinux" },
  { arch: 'mipsel', why: "its U-Boot (maltael_defconfig) boots kernels with bootm, which needs a U-Boot uImage, and mipsel's kernel is an ELF vmlinux" },
];

for (const { arch, why } of refused) {
  test(`${arch} is refused a raw disk, saying why and naming the targets that have one`, (t) => {
    t.throws(() => rawBoot(getTarget(arch)), {
      code: 'E_UNSUPPORTED',
      message: `--format raw: ${arch} cannot boot a raw disk yet: ${why}; raw disk images are made for i386, x86_64, armv7, aarch64 (see docs/updates.md)`,
    } as never);
  });
}
