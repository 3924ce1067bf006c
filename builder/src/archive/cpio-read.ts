/**
 * Reads a newc cpio archive back into records: for tests, and for inspecting
 * what an initrd holds.
 */

export interface CpioRecord {
  name: string;
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  rdevMajor: number;
  rdevMinor: number;
  data: Uint8Array;
}

const decoder = new TextDecoder();

/** Parses every record up to the trailer; throws on a malformed header with its offset. */
export function readCpio(archive: Uint8Array): CpioRecord[] {
  const records: CpioRecord[] = [];
  let offset = 0;
  const align = (n: number) => (n + 3) & ~3;
  for (;;) {
    const magic = decoder.decode(archive.subarray(offset, offset + 6));
    if (magic !== '070701') throw new Error(`cpio: bad magic ${JSON.stringify(magic)} at offset ${offset}`);
    const field = (i: number) => parseInt(decoder.decode(archive.subarray(offset + 6 + i * 8, offset + 14 + i * 8)), 16);
    const nameSize = field(11);
    const size = field(6);
    const nameStart = offset + 110;
    const name = decoder.decode(archive.subarray(nameStart, nameStart + nameSize - 1));
    const dataStart = align(nameStart + nameSize);
    if (name === 'TRAILER!!!') return records;
    records.push({
      name,
      ino: field(0),
      mode: field(1),
      uid: field(2),
      gid: field(3),
      nlink: field(4),
      mtime: field(5),
      rdevMajor: field(9),
      rdevMinor: field(10),
      data: archive.slice(dataStart, dataStart + size),
    });
    offset = align(dataStart + size);
    if (offset >= archive.length) throw new Error('cpio: archive ends without a trailer');
  }
}
