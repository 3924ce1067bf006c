import test from 'ava';
import { writeCpio } from './cpio-newc.ts';
import { compress, compressions } from './compress.ts';
import { compressionOf, decompress } from './decompress.ts';
import { Tree, bytes } from '../tree/tree.ts';

/** A small newc archive with a file large enough to span lz4 blocks' matches. */
function archive(): Uint8Array {
  const tree = new Tree();
  tree.add({ path: '/init', kind: 'file', mode: 0o755, data: bytes('#!/bin/sh\n'.repeat(5000)) });
  tree.add({ path: '/etc/hostname', kind: 'file', mode: 0o644, data: bytes('imago\n') });
  return writeCpio(tree, { mtime: 0 });
}

for (const method of compressions) {
  test(`${method}: read back as written, told by its first bytes`, async (t) => {
    const cpio = archive();
    const packed = await compress(cpio, method);
    t.is(compressionOf(packed), method);
    t.deepEqual(Buffer.from(await decompress(packed)), Buffer.from(cpio));
  });

  test(`${method}: the same input gives the same bytes`, async (t) => {
    t.deepEqual(Buffer.from(await compress(archive(), method)), Buffer.from(await compress(archive(), method)));
  });
}

test('lz4 writes the legacy frame, the only one the kernel unpacks', async (t) => {
  const packed = await compress(archive(), 'lz4');
  t.deepEqual([...packed.subarray(0, 4)], [0x02, 0x21, 0x4c, 0x18]);
  t.true(packed.length < archive().length / 10);
});

test('anything else is refused, naming the file and its first bytes', (t) => {
  const error = t.throws(() => compressionOf(bytes('PK\u0003\u0004 a zip'), 'out/x86_64/initrd.img'));
  t.is(error?.message, 'out/x86_64/initrd.img: not a newc cpio archive, compressed or not (starts with 504b03042061)');
});
