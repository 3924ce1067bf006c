/**
 * Builds ELF files for tests: the headers a dynamic loader reads and nothing
 * else, in either class and byte order, so the ELF reader is tested on every
 * target's layout without a cross toolchain.
 */
/**
 * A minimal dynamic ELF file: one PT_LOAD over the whole file at 0x10000, a
 * PT_INTERP, and a PT_DYNAMIC whose string table holds the needed names.
 */
export function makeElf(options: { wide: boolean; little: boolean; interpreter?: string; needed: string[]; runpath?: string }): Uint8Array {
  const { wide, little } = options;
  const ehsize = wide ? 64 : 52;
  const phentsize = wide ? 56 : 32;
  const phnum = 3;
  const strings = ['', ...options.needed, ...(options.runpath ? [options.runpath] : [])];
  const strOffsets: number[] = [];
  let strText = '';
  for (const text of strings) {
    strOffsets.push(strText.length);
    strText += `${text}\0`;
  }
  const interp = `${options.interpreter ?? ''}\0`;
  const interpAt = ehsize + phnum * phentsize;
  const strAt = interpAt + interp.length;
  const dynAt = Math.ceil((strAt + strText.length) / 8) * 8;
  const dynEntries: [number, number][] = [
    ...options.needed.map((_, i): [number, number] => [1, strOffsets[i + 1]!]),
    ...(options.runpath ? [[29, strOffsets[strings.length - 1]!] as [number, number]] : []),
    [5, 0x10000 + strAt],
    [0, 0],
  ];
  const entrySize = wide ? 16 : 8;
  const size = dynAt + dynEntries.length * entrySize;
  const data = new Uint8Array(size);
  const view = new DataView(data.buffer);
  data.set([0x7f, 0x45, 0x4c, 0x46, wide ? 2 : 1, little ? 1 : 2, 1]);
  const put = (at: number, value: number, wideValue = wide) => (wideValue ? view.setBigUint64(at, BigInt(value), little) : view.setUint32(at, value, little));
  view.setUint16(16, 3, little);
  put(wide ? 32 : 28, ehsize);
  view.setUint16(wide ? 54 : 42, phentsize, little);
  view.setUint16(wide ? 56 : 44, phnum, little);
  const segments = [
    { type: 1, offset: 0, filesz: size },
    { type: 3, offset: interpAt, filesz: interp.length },
    { type: 2, offset: dynAt, filesz: dynEntries.length * entrySize },
  ];
  segments.forEach((segment, i) => {
    const at = ehsize + i * phentsize;
    view.setUint32(at, segment.type, little);
    if (wide) {
      put(at + 8, segment.offset);
      put(at + 16, 0x10000 + segment.offset);
      put(at + 32, segment.filesz);
    } else {
      put(at + 4, segment.offset);
      put(at + 8, 0x10000 + segment.offset);
      put(at + 16, segment.filesz);
    }
  });
  data.set(Buffer.from(interp, 'latin1'), interpAt);
  data.set(Buffer.from(strText, 'latin1'), strAt);
  dynEntries.forEach(([tag, value], i) => {
    put(dynAt + i * entrySize, tag);
    put(dynAt + i * entrySize + (wide ? 8 : 4), value);
  });
  return data;
}

