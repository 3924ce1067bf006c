import test from 'ava';
import { parseMountinfo, parseMounts, parseSwaps } from './mounts.ts';
import { confirmation, confirmationQuestion, flashRefusals } from './refusals.ts';
import type { FlashTarget, HostFacts } from './target.ts';

// A laptop: root on nvme0n1 (LVM on its third partition), a card in sdb with
// its first partition auto-mounted, swap on sdc2. Text as the kernel writes it.
const host: HostFacts = {
  mounts: [
    ...parseMounts('/dev/mapper/vg-root / ext4 rw 0 0\n/dev/sdb1 /media/me/CARD vfat rw 0 0\n/dev/nvme0n1p1 /boot/efi vfat rw 0 0\n'),
    ...parseMountinfo('23 1 254:0 / / rw - ext4 /dev/mapper/vg-root rw\n41 23 8:17 / /media/me/CARD rw - vfat /dev/sdb1 rw\n60 23 8:49 / /mnt/by-label rw - ext4 /dev/disk/by-label/backup rw\n'),
  ],
  swaps: parseSwaps('Filename\tType\tSize\tUsed\tPriority\n/dev/sdc2 partition 1048572 0 -2\n/var/swapfile file 524284 0 -3\n'),
  hostDisks: [
    { path: '/', disks: ['nvme0n1'] },
    { path: '/boot', disks: ['nvme0n1'] },
    { path: '/usr', disks: ['nvme0n1'] },
  ],
  loops: [{ name: 'loop3', file: '/home/me/card.img' }],
};

const gb = 1_000_000_000;
const image = 2 * gb;

function disk(name: string, dev: string, parts: [string, string][] = [], extra: Partial<Extract<FlashTarget, { kind: 'block' }>> = {}): FlashTarget {
  return {
    kind: 'block',
    path: `/dev/${name}`,
    name,
    devices: [{ name, dev, holders: [] }, ...parts.map(([part, partDev]) => ({ name: part, dev: partDev, holders: [] }))],
    size: 32 * gb,
    model: 'SD/MMC CRW',
    sameAsImage: false,
    ...extra,
  };
}

const file = (realPath: string, size = 32 * gb): FlashTarget => ({ kind: 'file', path: realPath, realPath, size, sameAsImage: false });

const cases: { title: string; target: FlashTarget; refusals: RegExp[] }[] = [
  { title: 'an idle card big enough', target: disk('sdf', '8:80', [['sdf1', '8:81']]), refusals: [] },
  { title: 'an idle file big enough', target: file('/tmp/card.img'), refusals: [] },
  { title: 'a card with a partition mounted (by name in /proc/self/mounts)', target: disk('sdb', '8:16', [['sdb1', '8:17'], ['sdb2', '8:18']]), refusals: [/^\/dev\/sdb: \/dev\/sdb1 is mounted on \/media\/me\/CARD: unmount it first \(umount \/media\/me\/CARD\)$/] },
  { title: 'a card mounted through a /dev/disk/by-label link (by major:minor in mountinfo)', target: disk('sdd', '8:48', [['sdd1', '8:49']]), refusals: [/\/dev\/sdd1 is mounted on \/mnt\/by-label/] },
  { title: 'a disk with a swap partition', target: disk('sdc', '8:32', [['sdc1', '8:33'], ['sdc2', '8:34']]), refusals: [/^\/dev\/sdc: \/dev\/sdc2 is in use as swap: swapoff \/dev\/sdc2 first$/] },
  { title: 'a swap file', target: file('/var/swapfile'), refusals: [/^\/var\/swapfile is in use as swap/] },
  { title: 'a file attached to a loop device', target: file('/home/me/card.img'), refusals: [/is attached to \/dev\/loop3: detach it first \(losetup -d \/dev\/loop3\)/] },
  {
    title: 'the disk the host runs from',
    target: disk('nvme0n1', '259:0', [['nvme0n1p1', '259:1']]),
    refusals: [/^\/dev\/nvme0n1 is the disk this host runs from \(it holds \/, \/boot, \/usr\): expected a removable card or a spare disk$/, /nvme0n1p1 is mounted on \/boot\/efi/],
  },
  { title: 'a partition of a disk', target: disk('sdf1', '8:81', [], { partitionOf: 'sdf' }), refusals: [/^\/dev\/sdf1 is a partition of \/dev\/sdf: expected the whole disk \(\/dev\/sdf\)/] },
  {
    title: 'a disk under LVM or encryption',
    target: { ...(disk('sde', '8:64') as Extract<FlashTarget, { kind: 'block' }>), devices: [{ name: 'sde', dev: '8:64', holders: [] }, { name: 'sde1', dev: '8:65', holders: ['dm-3'] }] },
    refusals: [/^\/dev\/sde: \/dev\/sde1 is in use by \/dev\/dm-3 \(LVM, encryption or RAID\): stop it first$/],
  },
  { title: 'a card smaller than the image', target: disk('sdd', '8:48', [], { size: 1 * gb }), refusals: [/^\/dev\/sdd holds 1\.0 GB \(1000000000 bytes\), the image needs 2\.0 GB \(2000000000 bytes\): expected a larger device$/] },
  { title: 'a file smaller than the image', target: file('/tmp/small.img', 4096), refusals: [/holds 4096 bytes, the image needs 2\.0 GB \(2000000000 bytes\): expected a larger device \(a file standing in for a card keeps its size: truncate -s 2000000000 \/tmp\/small\.img\)/] },
  { title: 'the image itself', target: { ...file('/tmp/disk.img'), sameAsImage: true } as FlashTarget, refusals: [/^\/tmp\/disk\.img is the image itself/] },
  { title: 'a path that does not exist', target: { kind: 'missing', path: '/dev/sbd' }, refusals: [/^\/dev\/sbd does not exist: expected a block device .* or an existing file standing in for a card/] },
  { title: 'a directory', target: { kind: 'other', path: '/tmp', what: 'a directory' }, refusals: [/^\/tmp is a directory: expected a block device \(\/dev\/sdX, \/dev\/mmcblkN\) or a regular file$/] },
  { title: 'a character device', target: { kind: 'other', path: '/dev/null', what: 'a character device' }, refusals: [/^\/dev\/null is a character device/] },
];

for (const { title, target, refusals } of cases) {
  test(`flashRefusals: ${title}: ${refusals.length === 0 ? 'written' : 'refused'}`, (t) => {
    const found = flashRefusals(target, host, image);
    t.is(found.length, refusals.length, found.join('\n'));
    refusals.forEach((pattern, n) => t.regex(found[n] ?? '', pattern));
  });
}

test('flashRefusals: an empty image is refused', (t) => {
  t.deepEqual(flashRefusals(file('/tmp/card.img'), host, 0), ['the image is empty: expected a disk image from imago build --format raw']);
});

test('confirmation: --yes writes, a terminal asks, neither refuses naming --yes', (t) => {
  t.deepEqual(confirmation({ yes: true, tty: false }), { action: 'write' });
  t.deepEqual(confirmation({ yes: false, tty: true }), { action: 'ask' });
  t.deepEqual(confirmation({ yes: false, tty: false }), { action: 'refuse', reason: 'no terminal to ask for confirmation on: expected --yes to write without asking (for scripts)' });
});

test('the question names the image, the device, its model and size', (t) => {
  t.is(
    confirmationQuestion(disk('sdd', '8:48'), 'out/armv7/disk.img', image),
    'Write out/armv7/disk.img (2.0 GB) to /dev/sdd (SD/MMC CRW, 32.0 GB)? Everything on /dev/sdd will be lost. Type "yes" to go on: ',
  );
  t.regex(confirmationQuestion(disk('sdd', '8:48', [], { model: undefined }), 'd.img', image), /\(model unknown, 32\.0 GB\)/);
});
