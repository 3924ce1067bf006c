import test from 'ava';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { disksOf, type SysfsView } from './host-disks.ts';
import { majorMinor, realSysfs } from './inspect.ts';
import { parseMountinfo } from './mounts.ts';

/** A sysfs from the targets of /sys/dev/block links, as `readlink` shows them. */
function fixtureSysfs(links: Record<string, string>, slaves: Record<string, string[]> = {}): SysfsView {
  const paths = Object.values(links);
  return {
    nameOf: (dev) => links[dev]?.split('/').pop(),
    diskOfPartition(name) {
      const path = paths.find((p) => p.endsWith(`/${name}`));
      const parent = path?.split('/').slice(-2, -1)[0];
      // A partition's folder sits inside its disk's folder, which is itself a block device.
      return parent && paths.some((p) => p.endsWith(`/${parent}`)) ? parent : undefined;
    },
    slaves: (name) => slaves[name] ?? [],
  };
}

const links = {
  '8:0': '../../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda',
  '8:2': '../../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda2',
  '259:0': '../../devices/pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1',
  '259:3': '../../devices/pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1/nvme0n1p3',
  '254:0': '../../devices/virtual/block/dm-0',
  '9:0': '../../devices/virtual/block/md0',
};

const cases: { title: string; dev: string; slaves?: Record<string, string[]>; disks: string[] }[] = [
  { title: 'a partition belongs to its disk', dev: '8:2', disks: ['sda'] },
  { title: 'a whole disk is itself', dev: '8:0', disks: ['sda'] },
  { title: 'an NVMe partition belongs to its namespace, not the controller', dev: '259:3', disks: ['nvme0n1'] },
  { title: 'LVM or LUKS (dm-0) leads to the disk under it', dev: '254:0', slaves: { 'dm-0': ['nvme0n1p3'] }, disks: ['nvme0n1'] },
  { title: 'RAID (md0) leads to every disk under it', dev: '9:0', slaves: { md0: ['sda2', 'nvme0n1p3'] }, disks: ['nvme0n1', 'sda'] },
  { title: 'LVM on RAID leads through both', dev: '254:0', slaves: { 'dm-0': ['md0'], md0: ['sda2', 'nvme0n1p3'] }, disks: ['nvme0n1', 'sda'] },
  { title: 'an overlay or tmpfs (no block device) has no disk', dev: '0:45', disks: [] },
];
for (const { title, dev, slaves, disks } of cases) {
  test(`disksOf: ${title}`, (t) => {
    t.deepEqual(disksOf(dev, fixtureSysfs(links, slaves)), disks);
  });
}

test('majorMinor unpacks Linux device numbers, large minors included', (t) => {
  t.is(majorMinor((8n << 8n) | 17n), '8:17');
  // major 259, minor 300: the minor's high bits sit above the major's low 12 bits.
  t.is(majorMinor((259n << 8n) | (300n & 0xffn) | ((300n & ~0xffn) << 12n)), '259:300');
});

test('on this host, the disk found for / is the one holding the source /proc/self/mountinfo gives for /', (t) => {
  const root = majorMinor(statSync('/', { bigint: true }).dev);
  const source = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).filter((m) => m.mountPoint === '/').pop()?.source ?? '';
  if (!source.startsWith('/dev/')) {
    t.deepEqual(disksOf(root, realSysfs), [], `a root on ${source} (no block device) has no disk`);
    return;
  }
  const name = basename(realpathSync(source));
  const expected = realSysfs.slaves(name).length > 0 ? disksOf(root, realSysfs) : [realSysfs.diskOfPartition(name) ?? name];
  t.deepEqual(disksOf(root, realSysfs), expected);
  t.true(expected.length > 0);
});
