import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeUbootEnvCopy } from '../../../contract/index.ts';
import { fwPrintenv, scratchDir } from '../../test/uboot-tools.ts';
import { parseFwEnvConfig, type UbootEnvLocation } from './uboot-env-config.ts';
import { parseUbootEnv } from './uboot-env.ts';

const goodCases: { title: string; text: string; location: UbootEnvLocation }[] = [
  { title: 'one copy', text: '/dev/mmcblk0 0x100000 0x4000\n', location: { copies: [{ path: '/dev/mmcblk0', offset: 0x100000 }], format: { size: 0x4000, redundant: false } } },
  {
    title: 'two copies, comments, blank lines, tabs and sector fields',
    text: '# the environment, twice\n\n/dev/mmcblk0\t0x100000\t0x4000\t0x200\t0x20 # copy 0\n  /dev/mmcblk0 0x104000 0x4000\n',
    location: { copies: [{ path: '/dev/mmcblk0', offset: 0x100000 }, { path: '/dev/mmcblk0', offset: 0x104000 }], format: { size: 0x4000, redundant: true } },
  },
  { title: 'a size without 0x is hex, as the tools read it', text: '/data/env 0 4000', location: { copies: [{ path: '/data/env', offset: 0 }], format: { size: 0x4000, redundant: false } } },
  { title: 'an offset in decimal', text: '/data/env 16384 0x4000', location: { copies: [{ path: '/data/env', offset: 16384 }], format: { size: 0x4000, redundant: false } } },
  { title: 'an offset in octal (a leading 0)', text: '/data/env 040000 0x4000', location: { copies: [{ path: '/data/env', offset: 0o40000 }], format: { size: 0x4000, redundant: false } } },
  {
    title: 'copies on two devices',
    text: '/dev/mmcblk0boot0 0 0x2000\n/dev/mmcblk0boot1 0 0x2000\n',
    location: { copies: [{ path: '/dev/mmcblk0boot0', offset: 0 }, { path: '/dev/mmcblk0boot1', offset: 0 }], format: { size: 0x2000, redundant: true } },
  },
];
for (const { title, text, location } of goodCases) {
  test(`fw_env.config: ${title}`, (t) => {
    t.deepEqual(parseFwEnvConfig(text, '/etc/fw_env.config'), location);
  });
}

const badCases: { title: string; text: string; message: string }[] = [
  { title: 'nothing but comments', text: '# none\n\n', message: '/etc/fw_env.config: no environment: expected one line "device offset size", or two for a redundant environment' },
  { title: 'a missing size', text: '/dev/mmcblk0 0x100000\n', message: '/etc/fw_env.config:1: 2 fields: expected "device offset size [sector-size [sectors [disable-lock]]]"' },
  { title: 'an offset that is no number', text: '/dev/mmcblk0 1M 0x4000\n', message: '/etc/fw_env.config:1: offset "1M" is not a number: expected 0x-hex, 0-octal or decimal, as fw_setenv reads it' },
  { title: 'an octal offset with a digit 8', text: '/dev/mmcblk0 08 0x4000\n', message: '/etc/fw_env.config:1: offset "08" is not a number: expected 0x-hex, 0-octal or decimal, as fw_setenv reads it' },
  { title: 'a size of 0', text: '/dev/mmcblk0 0 0\n', message: '/etc/fw_env.config:1: size "0" is not a hex number above 0: expected hex as fw_setenv reads it ("4000" or "0x4000" is 16 KiB)' },
  { title: 'a bad sector size', text: '/dev/mmcblk0 0 0x4000 big\n', message: '/etc/fw_env.config:1: sector size "big" is not a hex number' },
  { title: 'three copies', text: '/e 0 100\n/e 0x100 100\n# x\n/e 0x200 100\n', message: '/etc/fw_env.config:4: a third copy: expected one line, or two for a redundant environment' },
  { title: 'copies of two sizes', text: '/e 0 0x100\n/e 0x1000 0x200\n', message: "/etc/fw_env.config:2: size 0x200 differs from line 1's 0x100: expected both copies the same size" },
  { title: 'overlapping copies', text: '/e 0x1000 0x4000\n/e 0x2000 0x4000\n', message: "/etc/fw_env.config:2: the copy at 0x2000 overlaps line 1's at 0x1000 (size 0x4000): expected copies apart" },
  {
    title: 'an MTD flash device',
    text: '/dev/mtd1 0 0x10000\n',
    message: '/etc/fw_env.config:1: /dev/mtd1 is flash (MTD/UBI), which needs an erase before each write: expected a block device or file (keep the environment on the MMC or disk)',
  },
];
for (const { title, text, message } of badCases) {
  test(`fw_env.config refused, naming file, line and field: ${title}`, (t) => {
    t.throws(() => parseFwEnvConfig(text, '/etc/fw_env.config'), { message });
  });
}

test('one fw_env.config (decimal and octal offsets, hex sizes without 0x) leads fw_printenv and us to the same copies of the same file', (t) => {
  const dir = scratchDir(t);
  const image = join(dir, 'disk.img');
  const size = 0x1000;
  // A disk with something before, between and after the two copies, so a wrong offset reads garbage.
  const disk = new Uint8Array(0x10000).fill(0x5a);
  disk.set(encodeUbootEnvCopy({ who: 'copy 0', bootcount: '1' }, { size, redundant: true }, 8), 4096);
  disk.set(encodeUbootEnvCopy({ who: 'copy 1', bootcount: '2' }, { size, redundant: true }, 9), 0o20000);
  writeFileSync(image, disk);
  const text = `# as a board would ship it\n${image} 4096 1000\n${image} 020000 1000\n`;
  writeFileSync(join(dir, 'fw_env.config'), text);
  const location = parseFwEnvConfig(text, 'fw_env.config');
  const copies = location.copies.map(({ offset }) => disk.subarray(offset, offset + location.format.size));
  const ours = parseUbootEnv(copies, location.format);
  t.deepEqual(ours.vars, { who: 'copy 1', bootcount: '2' });
  t.deepEqual(fwPrintenv(join(dir, 'fw_env.config')), ours.vars);
});
