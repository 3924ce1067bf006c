/** The firmware a disk boot starts: UEFI from its Debian package, or the u-boot.bin the raw build wrote. */
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskCommand } from './boot-disk.ts';

function values(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag ? [args[i + 1]!] : []));
}

test('an armv7 disk boots the u-boot.bin beside it, with the disk on virtio-pci', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-disk-'));
  try {
    await writeFile(join(dir, 'u-boot.bin'), 'firmware');
    const { binary, args } = diskCommand(join(dir, 'disk.img'), 'armv7');
    t.is(binary, 'qemu-system-arm');
    t.deepEqual(values(args, '-bios'), [join(dir, 'u-boot.bin')]);
    t.true(values(args, '-device').includes('virtio-blk-pci,drive=disk0'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an armv7 disk without u-boot.bin beside it is refused, saying what writes it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-disk-'));
  try {
    t.throws(() => diskCommand(join(dir, 'disk.img'), 'armv7'), { message: `U-Boot firmware ${join(dir, 'u-boot.bin')} is missing: imago build --format raw writes it beside disk.img` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a mips64el disk boots the u-boot.bin beside it on malta, with the disk on IDE', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-disk-'));
  try {
    await writeFile(join(dir, 'u-boot.bin'), 'firmware');
    const { binary, args } = diskCommand(join(dir, 'disk.img'), 'mips64el');
    t.is(binary, 'qemu-system-mips64el');
    t.deepEqual(values(args, '-bios'), [join(dir, 'u-boot.bin')]);
    t.true(values(args, '-drive').some((drive) => drive.includes('if=ide')), args.join(' '));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
