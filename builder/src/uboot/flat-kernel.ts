/**
 * A MIPS vmlinux (ELF) as the flat memory image U-Boot's `bootm` copies to
 * its load address, what `objcopy -O binary` makes of it: the loadable
 * segments laid out from the lowest address, gaps zeroed, the .bss left out
 * (the kernel clears it itself). Pure.
 *
 * ```ts
 * const flat = flatKernel(vmlinux, 'out/mips/kernel');   // { data, load: 0x80100000, entry: 0x80xxxxxx }
 * ```
 *
 * A legacy uImage header holds 32-bit addresses, so a 64-bit kernel must be
 * linked in the sign-extended 32-bit compatibility segment (CKSEG0, as
 * malta64's 0xffffffff80100000 is); its addresses are kept as their low 32 bits.
 */

const ptLoad = 1;

export interface FlatKernel {
  /** The bytes from the lowest segment's start to the highest segment's file end. */
  data: Uint8Array;
  /** The lowest segment's address, low 32 bits. */
  load: number;
  /** The ELF entry point, low 32 bits. */
  entry: number;
}

/** A 64-bit address as 32 bits, when it is a sign-extended 32-bit one; else throws naming `what`. */
function compat32(address: bigint, file: string, what: string): number {
  const low = Number(address & 0xffffffffn);
  const high = address >> 32n;
  const signExtended = (low >= 0x80000000 && high === 0xffffffffn) || (low < 0x80000000 && high === 0n);
  if (!signExtended) throw new Error(`${file}: ${what} 0x${address.toString(16)} is not a sign-extended 32-bit address: a U-Boot legacy image holds 32-bit addresses (link the kernel in CKSEG0)`);
  return low;
}

/**
 * Flattens `elf` (32- or 64-bit, either byte order). Throws naming `file`
 * when it is not an ELF executable with loadable segments, or a segment
 * lies outside the file.
 */
export function flatKernel(elf: Uint8Array, file: string): FlatKernel {
  if (elf.length < 52 || elf[0] !== 0x7f || elf[1] !== 0x45 || elf[2] !== 0x4c || elf[3] !== 0x46) throw new Error(`${file}: not an ELF file (expected a vmlinux)`);
  const is64 = elf[4] === 2;
  const little = elf[5] === 1;
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const word = (at: number): bigint => (is64 ? view.getBigUint64(at, little) : BigInt(view.getUint32(at, little)));
  const entry = word(24);
  const phoff = Number(is64 ? view.getBigUint64(32, little) : view.getUint32(28, little));
  const phentsize = view.getUint16(is64 ? 54 : 42, little);
  const phnum = view.getUint16(is64 ? 56 : 44, little);
  const segments: { address: bigint; offset: number; size: number }[] = [];
  for (let index = 0; index < phnum; index++) {
    const at = phoff + index * phentsize;
    if (at + phentsize > elf.length) throw new Error(`${file}: program header ${index} lies past the end of the file`);
    if (view.getUint32(at, little) !== ptLoad) continue;
    const offset = Number(is64 ? view.getBigUint64(at + 8, little) : view.getUint32(at + 4, little));
    // The virtual address: bootm copies to the KSEG0 address the header names, where the kernel runs.
    const address = is64 ? view.getBigUint64(at + 16, little) : BigInt(view.getUint32(at + 8, little));
    const size = Number(is64 ? view.getBigUint64(at + 32, little) : view.getUint32(at + 16, little));
    if (offset + size > elf.length) throw new Error(`${file}: loadable segment ${index} (${size} bytes at offset ${offset}) lies past the end of the file`);
    if (size > 0) segments.push({ address, offset, size });
  }
  if (segments.length === 0) throw new Error(`${file}: no loadable segment with data: expected a vmlinux`);
  const start = segments.reduce((low, s) => (s.address < low ? s.address : low), segments[0]!.address);
  const end = segments.reduce((high, s) => (s.address + BigInt(s.size) > high ? s.address + BigInt(s.size) : high), 0n);
  if (end - start > 256n * 1024n * 1024n) throw new Error(`${file}: loadable segments span ${end - start} bytes: expected a kernel under 256 MiB`);
  const data = new Uint8Array(Number(end - start));
  for (const s of segments) data.set(elf.subarray(s.offset, s.offset + s.size), Number(s.address - start));
  if (!is64) return { data, load: Number(start), entry: Number(entry) };
  return { data, load: compat32(start, file, 'load address'), entry: compat32(entry, file, 'entry point') };
}
