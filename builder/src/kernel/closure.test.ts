import test from 'ava';
import { moduleClosure, type ModuleRef } from './closure.ts';

const index = new Map<string, ModuleRef>([
  // As in Debian 12's 6.1 kernels: virtio needs virtio_ring.
  ['virtio', { depends: ['virtio_ring'] }],
  ['virtio_ring', { depends: [] }],
  ['virtio_pci_modern_dev', { depends: [] }],
  ['virtio_pci_legacy_dev', { depends: [] }],
  ['virtio_pci', { depends: ['virtio_pci_modern_dev', 'virtio_pci_legacy_dev', 'virtio_ring', 'virtio'] }],
  ['failover', { depends: [] }],
  ['net_failover', { depends: ['failover'] }],
  ['virtio_net', { depends: ['net_failover', 'virtio', 'virtio_ring'] }],
  ['crc32c_generic', { depends: [] }],
  ['libcrc32c', { depends: [], softdepPre: ['crc32c', 'crc32c_generic'] }],
  ['a', { depends: ['b'] }],
  ['b', { depends: ['a'] }],
]);

const cases: { desc: string; names: string[]; expected: string[] }[] = [
  { desc: 'a module without dependencies', names: ['failover'], expected: ['failover'] },
  { desc: 'dependencies come first', names: ['virtio_net'], expected: ['failover', 'net_failover', 'virtio_ring', 'virtio', 'virtio_net'] },
  {
    desc: 'shared dependencies appear once',
    names: ['virtio_pci', 'virtio_net'],
    expected: ['virtio_pci_modern_dev', 'virtio_pci_legacy_dev', 'virtio_ring', 'virtio', 'virtio_pci', 'failover', 'net_failover', 'virtio_net'],
  },
  { desc: "'-' and '_' are the same", names: ['virtio-net', 'net_failover'], expected: ['failover', 'net_failover', 'virtio_ring', 'virtio', 'virtio_net'] },
  { desc: 'present soft dependencies load first, missing ones are skipped', names: ['libcrc32c'], expected: ['crc32c_generic', 'libcrc32c'] },
  { desc: 'nothing requested', names: [], expected: [] },
];
for (const { desc, names, expected } of cases) {
  test(`moduleClosure: ${desc}`, (t) => t.deepEqual(moduleClosure(index, names), expected));
}

test('moduleClosure: an unknown module is named, with who needs it', (t) => {
  t.throws(() => moduleClosure(index, ['virtio_gpu']), { message: /unknown kernel module "virtio_gpu"/ });
  const withMissing = new Map(index).set('x', { depends: ['missing_dep'] });
  t.throws(() => moduleClosure(withMissing, ['x']), { message: /"missing_dep" \(needed by x\)/ });
});

test('moduleClosure: a dependency cycle is an error', (t) => {
  t.throws(() => moduleClosure(index, ['a']), { message: /cycle: a -> b -> a/ });
});
