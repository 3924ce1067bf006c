/**
 * What an ELF file needs from the dynamic loader: its interpreter (PT_INTERP),
 * the sonames it links (DT_NEEDED) and where it looks first (DT_RUNPATH or
 * DT_RPATH). Reads 32- and 64-bit, little- and big-endian files, so one
 * parser serves all eight targets. Pure: the bytes arrive as an argument.
 *
 *   elfNeeds(bytes);   // { interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'], runpath: [] }
 */

/** The loader's view of one ELF file. */
export interface ElfNeeds {
  interpreter?: string;
  needed: string[];
  /** DT_RUNPATH, else DT_RPATH, split at ':'; `$ORIGIN` left for the caller. */
  runpath: string[];
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

/** Whether `data` starts with the ELF magic. */
export function isElf(data: Uint8Array): boolean {
  return data.length >= 52 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
}

function cString(data: Uint8Array, offset: number): string {
  let end = offset;
  while (end < data.length && data[end] !== 0) end++;
  return Buffer.from(data.subarray(offset, end)).toString('latin1');
}

/**
 * The needs of an ELF file, or undefined for a file that is not ELF. A
 * static executable has no interpreter and no needed sonames. Throws when the
 * headers point outside the file (a truncated or corrupt ELF).
 */
export function elfNeeds(data: Uint8Array): ElfNeeds | undefined {
  if (!isElf(data)) return undefined;
  const wide = data[4] === 2;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const little = data[5] === 1;
  const half = (at: number) => view.getUint16(at, little);
  const word = (at: number) => view.getUint32(at, little);
  // Addresses fit in a double's 53 bits on every target we build for.
  const addr = (at: number) => (wide ? Number(view.getBigUint64(at, little)) : word(at));
  const phoff = addr(wide ? 32 : 28);
  const phentsize = half(wide ? 54 : 42);
  const phnum = half(wide ? 56 : 44);
  const segments = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + phentsize > data.length) throw new Error(`program header ${i} lies past the end of the file (${data.length} bytes)`);
    segments.push(
      wide
        ? { type: word(at), offset: addr(at + 8), vaddr: addr(at + 16), filesz: addr(at + 32) }
        : { type: word(at), offset: word(at + 4), vaddr: word(at + 8), filesz: word(at + 16) },
    );
  }
  const result: ElfNeeds = { needed: [], runpath: [] };
  const interp = segments.find((segment) => segment.type === PT_INTERP);
  if (interp) result.interpreter = cString(data, interp.offset);
  const dynamic = segments.find((segment) => segment.type === PT_DYNAMIC);
  if (!dynamic) return result;
  const entrySize = wide ? 16 : 8;
  const entries: { tag: number; value: number }[] = [];
  for (let at = dynamic.offset; at + entrySize <= dynamic.offset + dynamic.filesz && at + entrySize <= data.length; at += entrySize) {
    const tag = wide ? Number(view.getBigInt64(at, little)) : view.getInt32(at, little);
    if (tag === 0) break;
    entries.push({ tag, value: addr(at + (wide ? 8 : 4)) });
  }
  const strtab = entries.find((entry) => entry.tag === DT_STRTAB)?.value;
  if (strtab === undefined) return result;
  // DT_STRTAB is an address: the loadable segment that holds it gives its place in the file.
  const load = segments.find((segment) => segment.type === PT_LOAD && strtab >= segment.vaddr && strtab < segment.vaddr + segment.filesz);
  if (!load) throw new Error(`the dynamic string table (address 0x${strtab.toString(16)}) is in no loadable segment`);
  const strings = load.offset + (strtab - load.vaddr);
  const text = (offset: number) => cString(data, strings + offset);
  result.needed = entries.filter((entry) => entry.tag === DT_NEEDED).map((entry) => text(entry.value));
  const runpath = entries.find((entry) => entry.tag === DT_RUNPATH) ?? entries.find((entry) => entry.tag === DT_RPATH);
  if (runpath) result.runpath = text(runpath.value).split(':').filter((dir) => dir !== '');
  return result;
}
