// Downloads Debian 12's amd64 kernel package (~70 MB) on the first run; later runs
// use the package cache.
import test from 'ava';
import { x86_64 } from '../../../targets/x86_64.ts';
import { silentProgress } from '../progress.ts';
import { loadDebianKernel, selectModules } from './debian-kernel.ts';

test('the Debian 12 amd64 kernel and the closure of its boot modules', async (t) => {
  const kernel = await loadDebianKernel(x86_64, silentProgress);
  t.regex(kernel.packageName, /^linux-image-6\.1\.0-\d+-amd64$/);
  t.is(kernel.packageName, `linux-image-${kernel.kernelRelease}`);
  // A bzImage: the PE/DOS stub, then the boot protocol header.
  t.is(Buffer.from(kernel.image.subarray(0, 2)).toString('latin1'), 'MZ');
  t.is(Buffer.from(kernel.image.subarray(0x202, 0x206)).toString('latin1'), 'HdrS');
  t.true(kernel.modules.size > 3000, `${kernel.modules.size} modules`);

  const selected = selectModules(kernel, x86_64.kernel.bootModules);
  const names = selected.map((m) => m.name);
  t.deepEqual([...names].sort(), ['failover', 'net_failover', 'virtio', 'virtio_net', 'virtio_pci', 'virtio_pci_legacy_dev', 'virtio_pci_modern_dev', 'virtio_ring', 'virtio_rng'].sort());
  const before = (a: string, b: string) => t.true(names.indexOf(a) < names.indexOf(b), `${a} before ${b} in ${names.join(' ')}`);
  // In Debian's 6.1 modules virtio depends on virtio_ring, not the other way round.
  before('virtio_ring', 'virtio');
  before('virtio', 'virtio_pci');
  before('virtio_pci_modern_dev', 'virtio_pci');
  before('virtio_pci_legacy_dev', 'virtio_pci');
  before('failover', 'net_failover');
  before('net_failover', 'virtio_net');
  before('virtio_ring', 'virtio_net');
  const net = selected.find((m) => m.name === 'virtio_net')!;
  t.is(net.path, `lib/modules/${kernel.kernelRelease}/kernel/drivers/net/virtio_net.ko`);
  t.is(Buffer.from(net.data.subarray(0, 4)).toString('latin1'), '\x7fELF');
  t.throws(() => selectModules(kernel, ['no_such_module']), { message: /failed to select kernel modules no_such_module/ });
});
