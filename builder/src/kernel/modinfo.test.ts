import test from 'ava';
import { findSection, readModinfo } from './modinfo.ts';

/**
 * Builds a minimal relocatable ELF with the given sections (plus the null section
 * and .shstrtab), in either class and byte order.
 */
function buildElf(sections: Record<string, string>, is64: boolean, little: boolean): Uint8Array {
  const names = ['', ...Object.keys(sections), '.shstrtab'];
  let shstrtab = '';
  const nameOffsets = names.map((name) => {
    const at = shstrtab.length;
    shstrtab += `${name}\0`;
    return at;
  });
  const bodies = [Buffer.alloc(0), ...Object.values(sections).map((s) => Buffer.from(s, 'latin1')), Buffer.from(shstrtab, 'latin1')];
  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  const offsets: number[] = [];
  let at = ehsize;
  for (const body of bodies) {
    offsets.push(at);
    at += body.length;
  }
  const shoff = at + ((8 - (at % 8)) % 8);
  const out = Buffer.alloc(shoff + shentsize * bodies.length);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, little ? 1 : 2, 1]);
  view.setUint16(16, 1, little); // ET_REL
  if (is64) {
    view.setBigUint64(0x28, BigInt(shoff), little);
    view.setUint16(0x3a, shentsize, little);
    view.setUint16(0x3c, bodies.length, little);
    view.setUint16(0x3e, bodies.length - 1, little);
  } else {
    view.setUint32(0x20, shoff, little);
    view.setUint16(0x2e, shentsize, little);
    view.setUint16(0x30, bodies.length, little);
    view.setUint16(0x32, bodies.length - 1, little);
  }
  bodies.forEach((body, index) => {
    out.set(body, offsets[index]!);
    const header = shoff + index * shentsize;
    view.setUint32(header, nameOffsets[index]!, little);
    view.setUint32(header + 4, index === 0 ? 0 : 1, little);
    if (is64) {
      view.setBigUint64(header + 0x18, BigInt(offsets[index]!), little);
      view.setBigUint64(header + 0x20, BigInt(body.length), little);
    } else {
      view.setUint32(header + 0x10, offsets[index]!, little);
      view.setUint32(header + 0x14, body.length, little);
    }
  });
  return out;
}

const modinfo = 'license=GPL\0softdep=pre: crc32c sha256 post: foo\0depends=net_failover,virtio,virtio_ring\0retpoline=Y\0intree=Y\0name=virtio_net\0vermagic=6.1.0 SMP mod_unload\0';

const layouts = [
  { desc: '64-bit little-endian', is64: true, little: true },
  { desc: '64-bit big-endian', is64: true, little: false },
  { desc: '32-bit little-endian', is64: false, little: true },
  { desc: '32-bit big-endian', is64: false, little: false },
];
for (const { desc, is64, little } of layouts) {
  test(`readModinfo: ${desc}`, (t) => {
    const info = readModinfo(buildElf({ '.text': '\x90\x90\x90', '.modinfo': modinfo }, is64, little));
    t.is(info.name, 'virtio_net');
    t.deepEqual(info.depends, ['net_failover', 'virtio', 'virtio_ring']);
    t.deepEqual(info.softdepPre, ['crc32c', 'sha256']);
    t.deepEqual(info.fields[0], ['license', 'GPL']);
  });
}

test('readModinfo: empty depends and no name', (t) => {
  const info = readModinfo(buildElf({ '.modinfo': 'depends=\0license=GPL\0' }, true, true));
  t.deepEqual(info.depends, []);
  t.deepEqual(info.softdepPre, []);
  t.is(info.name, undefined);
});

test('readModinfo: errors for non-ELF bytes and ELF without .modinfo', (t) => {
  t.throws(() => readModinfo(Buffer.from('not an elf file, just some text here to be long enough for a header')), { message: /not an ELF file/ });
  t.throws(() => readModinfo(buildElf({ '.text': 'x' }, true, true)), { message: /no \.modinfo section/ });
});

test('findSection: truncated section table is reported', (t) => {
  const elf = buildElf({ '.modinfo': modinfo }, true, true);
  t.throws(() => findSection(elf.subarray(0, elf.length - 10), '.modinfo'), { message: /outside the file/ });
});
