/** The firmware a disk boot starts: UEFI from its Debian package, or the u-boot.bin the raw build wrote. */
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskCommand } from './boot-disk.ts';

function values(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag ? [args[i + 1]!] : []));
}

/** Runs `body` with a fresh folder to hold disk.img (never written) and, when `firmware`, a u-boot.bin beside it. */
async function withDiskDir(firmware: boolean, body: (dir: string) => void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'imago-disk-'));
  try {
    if (firmware) await writeFile(join(dir, 'u-boot.bin'), 'firmware');
    body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('an armv7 disk boots the u-boot.bin beside it, with the disk on virtio-pci', (t) =>
  withDiskDir(true, (dir) => {
    const { binary, args } = diskCommand(join(dir, 'disk.img'), 'armv7');
    t.is(binary, 'qemu-system-arm');
    t.deepEqual(values(args, '-bios'), [join(dir, 'u-boot.bin')]);
    t.true(values(args, '-device').includes('virtio-blk-pci,drive=disk0'));
  }));

test('an armv7 disk without u-boot.bin beside it is refused, saying what writes it', (t) =>
  withDiskDir(false, (dir) => {
    t.throws(() => diskCommand(join(dir, 'disk.img'), 'armv7'), { message: `U-Boot firmware ${join(dir, 'u-boot.bin')} is missing: imago build --format raw writes it beside disk.img` });
  }));

test('a mips64el disk boots the u-boot.bin beside it on malta, with the disk on IDE', (t) =>
  withDiskDir(true, (dir) => {
    const { binary, args } = diskCommand(join(dir, 'disk.img'), 'mips64el');
    t.is(binary, 'qemu-system-mips64el');
    t.deepEqual(values(args, '-bios'), [join(dir, 'u-boot.bin')]);
    t.true(values(args, '-drive').some((drive) => drive.includes('if=ide')), args.join(' '));
  }));
