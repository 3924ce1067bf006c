import test from 'ava';
import { getTarget } from '../../../../targets/index.ts';
import { basename } from 'node:path';
import { diskKernelFragments, diskKernelModules } from './disk-modules.ts';

test('an image with updates loads its target\'s disk drivers and the ESP and data file systems', (t) => {
  t.deepEqual(diskKernelModules({ update: {} }, getTarget('x86_64')), ['virtio_blk', 'ahci', 'sd_mod', 'nvme', 'vfat', 'nls_cp437', 'nls_ascii', 'ext4', 'crc32c_generic']);
  t.true(diskKernelModules({ update: {} }, getTarget('aarch64')).includes('virtio_blk'));
});

test('an image without updates loads none of them', (t) => {
  t.deepEqual(diskKernelModules({}, getTarget('x86_64')), []);
});

test('a kernel built for an image with updates gets the file systems, and on malta (IDE under U-Boot) the ATA PIIX driver', (t) => {
  const names = (arch: string) => diskKernelFragments({ update: {} }, getTarget(arch)).map((path) => basename(path));
  t.deepEqual(names('mips'), ['update-disk.config', 'ide-disk.config']);
  t.deepEqual(names('mips64'), ['update-disk.config', 'ide-disk.config']);
  t.deepEqual(names('armv7'), ['update-disk.config']);
  t.deepEqual(diskKernelFragments({}, getTarget('mips')), []);
});

test('Debian\'s malta kernels load the PIIX IDE driver for an image with updates (libata and sd_mod are built in)', (t) => {
  for (const arch of ['mipsel', 'mips64el']) t.deepEqual(diskKernelModules({ update: {} }, getTarget(arch)).slice(0, 2), ['ata_piix', 'vfat'], arch);
});
