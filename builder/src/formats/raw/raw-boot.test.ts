/** Which targets get a raw disk and how they boot it, from targets/ and the U-Boot boards. */
import test from 'ava';
import { getTarget } from '../../../../targets/index.ts';
import { diskBootloader, rawBoot, rawBootArches } from './raw-boot.ts';

test('x86_64 and aarch64 boot raw disks under UEFI, i386 from a BIOS, armv7 through U-Boot (qemu_arm)', (t) => {
  t.is(rawBoot(getTarget('x86_64')).kind, 'uefi');
  t.is(rawBoot(getTarget('aarch64')).kind, 'uefi');
  t.is(rawBoot(getTarget('i386')).kind, 'bios');
  const armv7 = rawBoot(getTarget('armv7'));
  t.is(armv7.kind, 'uboot');
  t.is(armv7.kind === 'uboot' ? armv7.board.defconfig : '', 'qemu_arm_defconfig');
});

const malta = [
  { arch: 'mips', defconfig: 'malta_defconfig' },
  { arch: 'mipsel', defconfig: 'maltael_defconfig' },
  { arch: 'mips64', defconfig: 'malta64_defconfig' },
  { arch: 'mips64el', defconfig: 'malta64el_defconfig' },
];

for (const { arch, defconfig } of malta) {
  test(`${arch} boots a raw disk through U-Boot (${defconfig}) with bootm from the IDE disk`, (t) => {
    const boot = rawBoot(getTarget(arch));
    if (boot.kind !== 'uboot') return t.fail(`${arch} boots with ${boot.kind}`);
    t.is(boot.board.defconfig, defconfig);
    t.is(boot.board.boot, 'bootm');
    t.is(boot.board.diskInterface, 'ide');
    t.is(diskBootloader(getTarget(arch)), 'uboot');
  });
}

test('every target gets a raw disk', (t) => {
  t.deepEqual(rawBootArches(), ['i386', 'x86_64', 'armv7', 'aarch64', 'mips', 'mipsel', 'mips64', 'mips64el']);
});

test('a U-Boot board whose kernel is not built the way its boot command takes it is refused a raw disk, saying why', (t) => {
  const armv7 = getTarget('armv7');
  const elfArm = { ...armv7, kernel: { ...armv7.kernel, build: { ...armv7.kernel.build, format: 'elf' as const } } };
  t.throws(() => rawBoot(elfArm), {
    code: 'E_UNSUPPORTED',
    message: `--format raw: armv7 cannot boot a raw disk yet: its U-Boot (qemu_arm_defconfig) boots kernels with bootz, which takes a zImage, and armv7's kernel is built as "elf"; raw disk images are made for i386, x86_64, armv7, aarch64, mips, mipsel, mips64, mips64el (see docs/updates.md)`,
  } as never);
});
