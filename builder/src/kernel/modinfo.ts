/**
 * Reads the `.modinfo` section of a Linux kernel module (.ko ELF file) without
 * loading it: 32- and 64-bit, little- and big-endian, so every target works.
 *
 *   const info = readModinfo(bytes);   // { name: 'virtio_net', depends: ['net_failover', 'virtio', ...], ... }
 */

/** What module loading order needs from a module's `.modinfo`. */
export interface ModInfo {
  /** The module's name (`name=`), or undefined for old modules without it. */
  name?: string;
  /** Modules that must be loaded first (`depends=`, comma-separated). */
  depends: string[];
  /** Modules modprobe loads first by preference (`softdep=pre: a b post: c`). */
  softdepPre: string[];
  /** Every `key=value` entry, in section order (keys may repeat, e.g. `alias`). */
  fields: [string, string][];
}

/**
 * Parses a module's bytes and returns its `.modinfo` entries. Pure; throws when the
 * bytes are not an ELF file or have no `.modinfo` section.
 */
export function readModinfo(bytes: Uint8Array): ModInfo {
  const section = findSection(bytes, '.modinfo');
  if (!section) throw new Error('not a kernel module: no .modinfo section');
  const fields: [string, string][] = [];
  for (const item of Buffer.from(section).toString('latin1').split('\0')) {
    const equals = item.indexOf('=');
    if (equals > 0) fields.push([item.slice(0, equals), item.slice(equals + 1)]);
  }
  const get = (key: string) => fields.filter(([k]) => k === key).map(([, v]) => v);
  const info: ModInfo = {
    depends: get('depends').flatMap((v) => v.split(',')).filter((d) => d !== ''),
    softdepPre: get('softdep').flatMap(softdepPre),
    fields,
  };
  const name = get('name')[0];
  if (name) info.name = name;
  return info;
}

/** The `pre:` names of a softdep value such as `pre: crc32c post: foo`. */
function softdepPre(value: string): string[] {
  const names: string[] = [];
  let inPre = false;
  for (const word of value.split(/\s+/)) {
    if (word === 'pre:') inPre = true;
    else if (word === 'post:') inPre = false;
    else if (inPre && word !== '') names.push(word);
  }
  return names;
}

/** Returns the bytes of a named ELF section, or undefined when there is none. */
export function findSection(bytes: Uint8Array, wanted: string): Uint8Array | undefined {
  if (bytes.length < 52 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new Error('not an ELF file');
  }
  const is64 = bytes[4] === 2;
  const little = bytes[5] === 1;
  if (bytes[4] !== 1 && !is64) throw new Error(`unknown ELF class ${bytes[4]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  const word = (at: number) => (is64 ? Number(view.getBigUint64(at, little)) : u32(at));
  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shstrndx = u16(is64 ? 0x3e : 0x32);
  const header = (index: number) => {
    const at = shoff + index * shentsize;
    if (at + shentsize > bytes.length) throw new Error(`ELF section header ${index} lies outside the file`);
    return { name: u32(at), offset: word(at + (is64 ? 0x18 : 0x10)), size: word(at + (is64 ? 0x20 : 0x14)) };
  };
  const slice = (offset: number, size: number) => {
    if (offset + size > bytes.length) throw new Error('ELF section lies outside the file');
    return bytes.subarray(offset, offset + size);
  };
  const names = header(shstrndx);
  const strings = slice(names.offset, names.size);
  for (let index = 0; index < shnum; index++) {
    const section = header(index);
    const end = strings.indexOf(0, section.name);
    const name = Buffer.from(strings.subarray(section.name, end < 0 ? undefined : end)).toString('latin1');
    if (name === wanted) return slice(section.offset, section.size);
  }
  return undefined;
}
