/**
 * Our legacy kernel image against U-Boot's own mkimage (Debian's
 * u-boot-tools), byte for byte, and its refusals.
 */
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../io/exec.ts';
import { legacyImage } from './legacy-image.ts';

const cases = [
  { title: 'mips, KSEG0 load and entry, odd length', arch: 'mips', load: 0x80100000, entry: 0x805b0888, size: 4097, name: 'Linux' },
  { title: 'mips64, sign-extended addresses kept as 32 bits', arch: 'mips64', load: 0x80100000, entry: 0x805970c4, size: 64, name: '' },
  { title: 'arm, low addresses', arch: 'arm', load: 0x40008000, entry: 0x40008000, size: 3, name: 'imago' },
] as const;

for (const { title, arch, load, entry, size, name } of cases) {
  test(`legacyImage matches mkimage -T kernel -C none byte for byte (${title})`, async (t) => {
    const work = await mkdtemp(join(tmpdir(), 'imago-uimage-'));
    try {
      const data = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
      await writeFile(join(work, 'Image'), data);
      const args = ['-A', arch, '-O', 'linux', '-T', 'kernel', '-C', 'none', '-a', `0x${load.toString(16)}`, '-e', `0x${entry.toString(16)}`, ...(name ? ['-n', name] : []), '-d', join(work, 'Image'), join(work, 'uImage')];
      await run('mkimage', args, { env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } });
      const expected = await readFile(join(work, 'uImage'));
      t.deepEqual(Buffer.from(legacyImage(data, { type: 'kernel', arch, load, entry, time: 1700000000, name })), expected);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}

test('legacyImage refuses an address that does not fit the header\'s 32 bits', (t) => {
  t.throws(() => legacyImage(new Uint8Array(4), { type: 'kernel', arch: 'mips64', load: 0x1_0000_0000, time: 0 }), { message: /load address 4294967296: expected a 32-bit address/ });
  t.throws(() => legacyImage(new Uint8Array(4), { type: 'kernel', arch: 'mips', entry: -1, time: 0 }), { message: /entry address -1: expected a 32-bit address/ });
});
