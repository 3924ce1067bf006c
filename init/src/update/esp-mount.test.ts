/**
 * The ESP's mount: root-only masks, noexec, read-only outside write windows,
 * and the dirty marks of a power cut cleared before it is mounted, on a real
 * FAT32 volume made by mkfs.vfat as the raw disk writer makes it.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { espMount, type UpdateConfig } from '../../../contract/index.ts';
import type { Logger } from '../logs/logger.ts';
import { FakeSys } from '../sys/fake.ts';
import { UpdateAgent } from './agent.ts';
import { espMountData, espMountFlags, withWritableEsp } from './esp-mount.ts';

const config = { version: '1', arch: 'x86_64', compatible: 'demo-x86_64', keys: [], critical: [], commitAfterMs: 1000, commitTimeoutMs: 5000, tries: 1, espLabel: 'imago-esp', dataLabel: 'imago-data', dataMount: '/data' } satisfies UpdateConfig;

function volume(): Buffer {
  const path = join(mkdtempSync(join(tmpdir(), 'imago-esp-mount-')), 'esp.img');
  execFileSync('mkfs.vfat', ['-C', '-s', '1', '-F', '32', path, String(34 * 1024)], { env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` }, stdio: 'ignore' });
  return readFileSync(path);
}

function recorder() {
  const lines: string[] = [];
  const log = { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(`warning: ${line}`) } as unknown as Logger;
  return { lines, log };
}

/** A device whose ESP partition /dev/vda1 holds `esp`. */
function device(esp: Uint8Array): FakeSys {
  const sys = new FakeSys();
  sys.files.put('/proc/cmdline', 'console=ttyS0 imago.slot=A\n');
  sys.files.put('/sys/class/block/vda1/uevent', 'DEVNAME=vda1\nPARTNAME=imago-esp\n');
  sys.files.put('/dev/vda1', esp);
  return sys;
}

test('the ESP mount options: root-only files (0600) and folders (0700), nothing executable, read-only unless writing', (t) => {
  t.is(espMountData, 'uid=0,gid=0,fmask=0177,dmask=0077,flush');
  t.deepEqual(espMountFlags(false), ['nosuid', 'nodev', 'noexec', 'readonly']);
  t.deepEqual(espMountFlags(true), ['nosuid', 'nodev', 'noexec']);
});

test('at boot the ESP is mounted read-only with the root-only masks and noexec', (t) => {
  const sys = device(volume());
  new UpdateAgent(sys, recorder().log, config).boot();
  t.is(sys.kernel[0], `mount /dev/vda1 ${espMount} vfat nosuid,nodev,noexec,readonly uid=0,gid=0,fmask=0177,dmask=0077,flush`);
  t.true(sys.files.isReadOnly(espMount));
});

test('at boot the dirty flag a power cut left is cleared before the ESP is mounted, durably, and said in the log', (t) => {
  const clean = volume();
  const dirty = Buffer.from(clean);
  dirty[0x41]! |= 0x01;
  const sys = device(dirty);
  let atMount: Uint8Array | undefined;
  const mount = sys.mount.bind(sys);
  sys.mount = (source, target, fstype, flags, data) => {
    atMount ??= sys.files.crashImage().get(source);
    mount(source, target, fstype, flags, data);
  };
  const { lines, log } = recorder();
  new UpdateAgent(sys, log, config).boot();
  t.true(Buffer.from(atMount!).equals(clean), 'on the disk, clean, when the kernel mounts it');
  t.true(lines.includes('update: /dev/vda1 was not cleanly unmounted (power cut while it was written?); cleared: FAT32 boot sector dirty flag'), lines.join('\n'));
});

test('a clean ESP is not written at boot', (t) => {
  const sys = device(volume());
  new UpdateAgent(sys, recorder().log, config).boot();
  t.deepEqual(sys.files.journal.filter((entry) => entry.includes('/dev/vda1')), []);
});

test('an ESP that is not FAT is still mounted, with a warning naming the device', (t) => {
  const sys = device(new Uint8Array(4096));
  const { lines, log } = recorder();
  new UpdateAgent(sys, log, config).boot();
  t.true(lines.includes('warning: update: unable to check /dev/vda1 for an unclean unmount: the boot sector does not end in the signature 55 AA: not a FAT file system'), lines.join('\n'));
  t.true(sys.kernel[0]!.startsWith('mount /dev/vda1'));
});

test('withWritableEsp makes the ESP read-only again after a write that throws', (t) => {
  const sys = device(volume());
  sys.mount('/dev/vda1', espMount, 'vfat', espMountFlags(false), espMountData);
  t.throws(() => withWritableEsp(sys, () => {}, () => { throw new Error('disk full'); }), { message: 'disk full' });
  t.true(sys.files.isReadOnly(espMount));
});

test('withWritableEsp warns, and keeps what was written, when a file left open keeps the ESP writable', (t) => {
  const sys = device(volume());
  sys.mount('/dev/vda1', espMount, 'vfat', espMountFlags(false), espMountData);
  const warnings: string[] = [];
  const result = withWritableEsp(sys, (line) => warnings.push(line), () => {
    sys.create(`${espMount}/left-open`);
    return 'written';
  });
  t.is(result, 'written');
  t.deepEqual(warnings, [`update: unable to make ${espMount} read-only again: Device or resource busy`]);
});
