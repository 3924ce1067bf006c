import test from 'ava';
import { parseMountinfo, parseMounts, parseSwaps } from './mounts.ts';

const mountsText = `/dev/vda / ext4 rw,relatime 0 0
proc /proc proc rw,relatime 0 0
/dev/sdb1 /media/my\\040card vfat rw,nosuid 0 0
`;

const mountinfoText = `23 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
41 23 8:17 / /media/my\\040card rw,nosuid shared:20 - vfat /dev/sdb1 rw,fmask=0022
52 23 0:45 / /run rw,nosuid shared:5 - tmpfs tmpfs rw
`;

const swapsText = `Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
/dev/sdc2                               partition\t1048572\t\t0\t\t-2
/swap\\040file                           file\t\t524284\t\t0\t\t-3
`;

test('parseMounts reads source and mount point, unescaping \\040 in paths', (t) => {
  t.deepEqual(parseMounts(mountsText), [
    { source: '/dev/vda', mountPoint: '/' },
    { source: 'proc', mountPoint: '/proc' },
    { source: '/dev/sdb1', mountPoint: '/media/my card' },
  ]);
});

test('parseMountinfo reads major:minor, mount point and source (after the "-" separator)', (t) => {
  t.deepEqual(parseMountinfo(mountinfoText), [
    { dev: '254:0', mountPoint: '/', source: '/dev/vda' },
    { dev: '8:17', mountPoint: '/media/my card', source: '/dev/sdb1' },
    { dev: '0:45', mountPoint: '/run', source: 'tmpfs' },
  ]);
});

test('parseSwaps skips the header and reads partitions and files', (t) => {
  t.deepEqual(parseSwaps(swapsText), ['/dev/sdc2', '/swap file']);
  t.deepEqual(parseSwaps('Filename\tType\tSize\tUsed\tPriority\n'), []);
});
