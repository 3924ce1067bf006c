/**
 * flatKernel on hand-made ELF files: segments laid out from the lowest
 * address with gaps zeroed and .bss left out, in both classes and byte
 * orders, and the files it refuses.
 */
import test from 'ava';
import { flatKernel } from './flat-kernel.ts';

interface Segment {
  type?: number;
  address: bigint;
  data: Uint8Array;
  memSize?: number;
}

/** An ELF executable with only a file header and program headers, then each segment's data. */
function makeElf(is64: boolean, little: boolean, entry: bigint, segments: Segment[]): Uint8Array {
  const headerSize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  let offset = headerSize + phentsize * segments.length;
  const offsets = segments.map((s) => {
    const at = offset;
    offset += s.data.length;
    return at;
  });
  const elf = new Uint8Array(offset);
  const view = new DataView(elf.buffer);
  elf.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, little ? 1 : 2, 1], 0);
  view.setUint16(16, 2, little); // ET_EXEC
  view.setUint16(18, 8, little); // EM_MIPS
  if (is64) {
    view.setBigUint64(24, entry, little);
    view.setBigUint64(32, BigInt(headerSize), little);
    view.setUint16(54, phentsize, little);
    view.setUint16(56, segments.length, little);
  } else {
    view.setUint32(24, Number(entry), little);
    view.setUint32(28, headerSize, little);
    view.setUint16(42, phentsize, little);
    view.setUint16(44, segments.length, little);
  }
  segments.forEach((s, index) => {
    const at = headerSize + index * phentsize;
    const memSize = s.memSize ?? s.data.length;
    view.setUint32(at, s.type ?? 1, little);
    if (is64) {
      view.setBigUint64(at + 8, BigInt(offsets[index]!), little);
      view.setBigUint64(at + 16, s.address, little);
      view.setBigUint64(at + 24, s.address, little);
      view.setBigUint64(at + 32, BigInt(s.data.length), little);
      view.setBigUint64(at + 40, BigInt(memSize), little);
    } else {
      view.setUint32(at + 4, offsets[index]!, little);
      view.setUint32(at + 8, Number(s.address), little);
      view.setUint32(at + 12, Number(s.address), little);
      view.setUint32(at + 16, s.data.length, little);
      view.setUint32(at + 20, memSize, little);
    }
    elf.set(s.data, offsets[index]!);
  });
  return elf;
}

const text = Uint8Array.from([1, 2, 3, 4, 5, 6]);
const data = Uint8Array.from([9, 8, 7]);

const cases = [
  { title: '32-bit big-endian (mips)', is64: false, little: false, base: 0x80100000n },
  { title: '32-bit little-endian (mipsel)', is64: false, little: true, base: 0x80100000n },
  { title: '64-bit big-endian in CKSEG0 (mips64)', is64: true, little: false, base: 0xffffffff80100000n },
  { title: '64-bit little-endian in CKSEG0 (mips64el)', is64: true, little: true, base: 0xffffffff80100000n },
];

for (const { title, is64, little, base } of cases) {
  test(`flatKernel lays the loadable segments out from the lowest address, gaps zeroed, .bss and notes left out (${title})`, (t) => {
    const elf = makeElf(is64, little, base + 0x4n, [
      // Out of address order on purpose; the note is not loaded.
      { address: base + 0x10n, data, memSize: 0x100 },
      { address: base, data: text },
      { type: 4, address: base + 0x2n, data: Uint8Array.from([0xee]) },
    ]);
    const flat = flatKernel(elf, 'vmlinux');
    t.deepEqual([...flat.data], [1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 8, 7]);
    t.is(flat.load, 0x80100000);
    t.is(flat.entry, 0x80100004);
  });
}

const refusals = [
  { title: 'not an ELF file', elf: new Uint8Array(64), message: /^kernel: not an ELF file \(expected a vmlinux\)/ },
  { title: 'no loadable segment', elf: makeElf(false, false, 0x80100000n, [{ type: 4, address: 0x80100000n, data }]), message: /^kernel: no loadable segment with data/ },
  { title: 'a 64-bit address outside CKSEG0', elf: makeElf(true, false, 0x9800000000100000n, [{ address: 0x9800000000100000n, data }]), message: /^kernel: load address 0x9800000000100000 is not a sign-extended 32-bit address/ },
  { title: 'a truncated file', elf: makeElf(false, true, 0x80100000n, [{ address: 0x80100000n, data: new Uint8Array(32) }]).subarray(0, 100), message: /^kernel: loadable segment 0 \(32 bytes at offset 84\) lies past the end of the file/ },
];

for (const { title, elf, message } of refusals) {
  test(`flatKernel refuses ${title}, naming the file`, (t) => {
    t.throws(() => flatKernel(elf, 'kernel'), { message });
  });
}
