/** What a slot's kernel file holds: a uImage of the vmlinux on MIPS Malta, the kernel as built elsewhere. */
import test from 'ava';
import { getTarget } from '../../../../targets/index.ts';
import { slotKernel, slotKernelIsUimage } from './slot-kernel.ts';

/** A minimal 32-bit big-endian MIPS vmlinux: one loadable segment of `body` at 0x80100000, entry 0x80100008. */
function tinyVmlinux(body: Uint8Array): Uint8Array {
  const elf = new Uint8Array(52 + 32 + body.length);
  const view = new DataView(elf.buffer);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 1, 2, 1]);
  view.setUint16(16, 2);
  view.setUint16(18, 8);
  view.setUint32(24, 0x80100008);
  view.setUint32(28, 52);
  view.setUint16(42, 32);
  view.setUint16(44, 1);
  view.setUint32(52, 1);
  view.setUint32(56, 84);
  view.setUint32(60, 0x80100000);
  view.setUint32(64, 0x80100000);
  view.setUint32(68, body.length);
  view.setUint32(72, body.length + 64);
  elf.set(body, 84);
  return elf;
}

test('a mips slot holds the vmlinux as a uImage for bootm: type kernel, mips, no compression, load and entry from the ELF, time 0', (t) => {
  const body = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const image = slotKernel(getTarget('mips'), tinyVmlinux(body), 'out/mips/kernel');
  const view = new DataView(image.buffer, image.byteOffset);
  t.is(view.getUint32(0), 0x27051956, 'magic');
  t.is(view.getUint32(8), 0, 'time');
  t.is(view.getUint32(12), body.length, 'data size');
  t.is(view.getUint32(16), 0x80100000, 'load address');
  t.is(view.getUint32(20), 0x80100008, 'entry point');
  t.deepEqual([...image.subarray(28, 32)], [5, 5, 2, 0], 'os linux, arch mips, type kernel, compression none');
  t.is(Buffer.from(image.subarray(32, 37)).toString(), 'Linux');
  t.deepEqual([...image.subarray(64)], [...body]);
});

test('every Malta target\'s slot holds a uImage; the others hold the kernel as built', (t) => {
  t.deepEqual(['mips', 'mipsel', 'mips64', 'mips64el'].map((arch) => slotKernelIsUimage(getTarget(arch))), [true, true, true, true]);
  const kernel = Uint8Array.from([0xde, 0xad]);
  for (const arch of ['x86_64', 'i386', 'armv7', 'aarch64']) t.is(slotKernel(getTarget(arch), kernel, 'kernel'), kernel, arch);
});

test('a 64-bit Malta slot\'s uImage says arch mips too, the only one bootm on a MIPS U-Boot accepts', (t) => {
  const body = Uint8Array.from([1, 2, 3, 4]);
  const elf64 = new Uint8Array(64 + 56 + body.length);
  const view = new DataView(elf64.buffer);
  elf64.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  view.setBigUint64(24, 0xffffffff80100000n, true);
  view.setBigUint64(32, 64n, true);
  view.setUint16(54, 56, true);
  view.setUint16(56, 1, true);
  view.setUint32(64, 1, true);
  view.setBigUint64(72, 120n, true);
  view.setBigUint64(80, 0xffffffff80100000n, true);
  view.setBigUint64(88, 0xffffffff80100000n, true);
  view.setBigUint64(96, 4n, true);
  view.setBigUint64(104, 4n, true);
  elf64.set(body, 120);
  const image = slotKernel(getTarget('mips64el'), elf64, 'kernel');
  t.is(image[29], 5, 'IH_ARCH_MIPS');
  t.is(new DataView(image.buffer).getUint32(16), 0x80100000, 'load address, low 32 bits');
});

test('a Malta kernel that is not an ELF file is refused, naming the file', (t) => {
  t.throws(() => slotKernel(getTarget('mipsel'), new Uint8Array(100), 'out/mipsel/kernel'), { message: /^out\/mipsel\/kernel: not an ELF file/ });
});
