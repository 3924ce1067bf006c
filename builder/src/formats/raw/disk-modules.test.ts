import test from 'ava';
import { getTarget } from '../../../../targets/index.ts';
import { diskKernelModules } from './disk-modules.ts';

test('an image with updates loads its target\'s disk drivers and the ESP and data file systems', (t) => {
  t.deepEqual(diskKernelModules({ update: {} }, getTarget('x86_64')), ['virtio_blk', 'ahci', 'sd_mod', 'nvme', 'vfat', 'nls_cp437', 'nls_ascii', 'ext4', 'crc32c_generic']);
  t.true(diskKernelModules({ update: {} }, getTarget('aarch64')).includes('virtio_blk'));
});

test('an image without updates loads none of them', (t) => {
  t.deepEqual(diskKernelModules({}, getTarget('x86_64')), []);
});
