/**
 * The slot state on a U-Boot image (one with the /etc/fw_env.config the
 * builder writes): `imagoctl update` and PID 1 arm, commit and record a
 * rollback in U-Boot's environment on the ESP, never in grubenv, with the ESP
 * writable only while they write; an image without the file keeps grubenv.
 */
import test from 'ava';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBundle } from '../../../builder/src/bundle/create-bundle.ts';
import { ubootFwEnvConfig } from '../../../builder/src/uboot/fw-env-config.ts';
import { encodeGrubenv, encodeUbootEnvImage, espMount, grubenvFile, readUbootEnv, slotBootConfig, ubootEnvFiles, ubootEnvFormat } from '../../../contract/index.ts';
import type { Logger } from '../logs/logger.ts';
import { FakeSys } from '../sys/fake.ts';
import { nodeHashing } from '../../test/node-hashing.ts';
import { UpdateAgent } from './agent.ts';
import { applyBundle } from './apply.ts';
import { testUpdateConfig } from '../../test/update-config.ts';
import { espMountData, espMountFlags } from './esp-mount.ts';
import { openSlotStore } from './slot-store.ts';
import { fwEnvConfigPath } from './uboot-env-io.ts';

const hashing = nodeHashing;
const { config, privatePem } = testUpdateConfig('armv7');
const envPaths = ubootEnvFiles.map((file) => `${espMount}/${file}`);
/** What U-Boot's own default environment brings: the init must keep it. */
const ubootDefaults = { bootcmd: 'load virtio 0:1 ${scriptaddr} imago/boot.scr; source ${scriptaddr}', altbootcmd: 'setenv imago_fallback 1; run bootcmd', bootdelay: '2' };

function logger(lines: string[]): Logger {
  return { info: (line: string) => void lines.push(line), warn: (line: string) => void lines.push(`warn: ${line}`) } as unknown as Logger;
}

function imageFiles(version: string): Map<string, Uint8Array> {
  const text = (s: string) => new Uint8Array(Buffer.from(s));
  return new Map([
    ['kernel', new Uint8Array(3000).fill(7)],
    ['initrd.img', new Uint8Array(5000).fill(8)],
    ['cmdline', text('console=ttyAMA0\n')],
    ['manifest.json', text(JSON.stringify({ name: 'demo', arch: 'armv7', version }))],
  ]);
}

let bundle: Uint8Array;
test.before(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'imago-slot-store-'));
  for (const [name, data] of imageFiles('2')) await writeFile(join(dir, name), data);
  bundle = new Uint8Array((await createBundle(dir, createPrivateKey(privatePem))).bytes);
});

/** An armv7 device booted from its U-Boot disk into `booted`, the environment holding `vars` (copy 0 in use). */
function ubootDevice(booted: 'A' | 'B', vars: Record<string, string>): FakeSys {
  const sys = new FakeSys(hashing);
  sys.files.put(fwEnvConfigPath, ubootFwEnvConfig());
  sys.files.put('/proc/cmdline', `console=ttyAMA0 imago.slot=${booted}\n`);
  const area = encodeUbootEnvImage({ ...ubootDefaults, ...vars }, ubootEnvFormat);
  sys.files.put(envPaths[0]!, area.slice(0, ubootEnvFormat.size));
  sys.files.put(envPaths[1]!, area.slice(ubootEnvFormat.size));
  for (const slot of ['A', 'B'] as const) {
    const files = imageFiles(slot === 'A' ? '1' : '2');
    for (const [name, data] of files) sys.files.put(`${espMount}/${slot}/${name}`, data);
    sys.files.put(`${espMount}/${slot}/boot.cfg`, slotBootConfig(slot, 'console=ttyAMA0'));
  }
  sys.files.put('/sys/class/block/vda1/uevent', 'DEVNAME=vda1\nPARTNAME=imago-esp\n');
  sys.files.put('/sys/class/block/vda2/uevent', 'DEVNAME=vda2\nPARTNAME=imago-data\n');
  sys.mount('/dev/vda1', espMount, 'vfat', espMountFlags(false), espMountData);
  return sys;
}

/** The environment as U-Boot would load it after a power cut now. */
function envAfterPowerCut(sys: FakeSys): Record<string, string> {
  const disk = sys.files.crashImage();
  const env = readUbootEnv(envPaths.map((path) => disk.get(path)!), ubootEnvFormat);
  if (!env.valid) throw new Error('no valid copy of the environment');
  return env.vars;
}

const remounts = (sys: FakeSys) => sys.kernel.filter((line) => line.startsWith(`remount ${espMount}`)).map((line) => (line.includes('readonly') ? 'ro' : 'rw'));

test('the store is U-Boot\'s environment when /etc/fw_env.config exists, grubenv when it does not', (t) => {
  const uboot = ubootDevice('A', { imago_committed: 'B' });
  t.is(openSlotStore(uboot).bootloader, 'uboot');
  t.deepEqual(openSlotStore(uboot).read(), { committed: 'B', trial: undefined, tries: 0 });
  const grub = new FakeSys();
  grub.files.put(`${espMount}/${grubenvFile}`, encodeGrubenv({ imago_committed: 'B', imago_trial: '', imago_tries: '0' }));
  t.is(openSlotStore(grub).bootloader, 'grub');
  t.deepEqual(openSlotStore(grub).read(), { committed: 'B', trial: undefined, tries: 0 });
});

test('the store reads nothing (updates refused as "not booted from a disk") when the ESP\'s environment files are missing', (t) => {
  const sys = new FakeSys();
  sys.files.put(fwEnvConfigPath, ubootFwEnvConfig());
  t.is(openSlotStore(sys).read(), undefined);
});

test('on a U-Boot image an update arms the trial in U-Boot\'s environment: imago_trial, upgrade_available=1, bootcount=0, bootlimit=tries; grubenv never appears', (t) => {
  const sys = ubootDevice('A', { imago_committed: 'A' });
  sys.files.put('/data/update.bundle', bundle);
  const lines: string[] = [];
  const agent = new UpdateAgent(sys, logger(lines), config);
  agent.boot();
  // Slot B holds an older image of version 2's files; the update rewrites it whole.
  applyBundle(sys, config, '/data/update.bundle', () => {}).release();
  sys.kernel.length = 0;
  t.deepEqual(agent.activate('B'), { slot: 'B', version: '2' });
  t.deepEqual(remounts(sys), ['rw', 'ro'], 'the environment is written in its own window, the ESP read-only after');
  t.deepEqual(envAfterPowerCut(sys), { ...ubootDefaults, imago_committed: 'A', imago_trial: 'B', upgrade_available: '1', bootcount: '0', bootlimit: '3' });
  t.is(sys.files.get(`${espMount}/${grubenvFile}`), undefined);
  t.like(agent.status(), { state: 'committed', slots: [{ slot: 'A', committed: true }, { slot: 'B', trialTries: 3 }] });
});

test('a second update while U-Boot\'s environment holds a trial is refused before anything is written', (t) => {
  const sys = ubootDevice('A', { imago_committed: 'A', imago_trial: 'B', upgrade_available: '1', bootcount: '0', bootlimit: '3' });
  sys.files.put('/data/update.bundle', bundle);
  t.throws(() => applyBundle(sys, config, '/data/update.bundle', () => {}), { message: 'slot B is still on trial; wait until it is committed or rolled back' });
  t.deepEqual(remounts(sys), []);
});

test('a healthy trial boot commits into U-Boot\'s environment: imago_committed=B, the trial, upgrade_available and bootlimit deleted, bootcount 0, U-Boot\'s own variables kept', async (t) => {
  // U-Boot has counted this boot (bootcount 1) and saved it, since upgrade_available is set.
  const sys = ubootDevice('B', { imago_committed: 'A', imago_trial: 'B', upgrade_available: '1', bootcount: '1', bootlimit: '3' });
  const lines: string[] = [];
  const agent = new UpdateAgent(sys, logger(lines), config);
  agent.boot();
  t.like(agent.status(), { state: 'trial', slots: [{ slot: 'A' }, { slot: 'B', booted: true, trialTries: 2 }] });
  let rebooted = false;
  agent.watch(() => [], () => void (rebooted = true));
  await sys.advance(12_000);
  t.false(rebooted);
  t.deepEqual(envAfterPowerCut(sys), { ...ubootDefaults, imago_committed: 'B', bootcount: '0' });
  t.like(agent.status(), { state: 'committed', slots: [{ slot: 'A', committed: false }, { slot: 'B', committed: true }] });
  t.true(lines.some((line) => /^update: committed slot B \(version 1\)/.test(line)), lines.join('\n'));
  t.true(sys.files.isReadOnly(espMount));
});

test('after U-Boot fell back past bootlimit the rollback is recorded and the trial cleared in U-Boot\'s environment', (t) => {
  // altbootcmd booted A: bootcount passed bootlimit, the trial is still set.
  const sys = ubootDevice('A', { imago_committed: 'A', imago_trial: 'B', upgrade_available: '1', bootcount: '4', bootlimit: '3' });
  const lines: string[] = [];
  const agent = new UpdateAgent(sys, logger(lines), config);
  agent.boot();
  t.deepEqual(envAfterPowerCut(sys), { ...ubootDefaults, imago_committed: 'A', bootcount: '0' });
  t.like(agent.status(), { state: 'committed', lastRollback: { slot: 'B', version: '2', reason: 'slot B did not reach a healthy system before its 3 trial boot(s) ran out' } });
  t.true(lines.some((line) => line.startsWith('warn: update: rolled back from slot B (version 2) to slot A')), lines.join('\n'));
  t.is(sys.files.get(`${espMount}/${grubenvFile}`), undefined);
});

test('a fw_env.config that does not parse leaves updates off, naming the file and line, and the boot goes on', (t) => {
  const sys = ubootDevice('A', { imago_committed: 'A' });
  sys.files.put(fwEnvConfigPath, `${envPaths[0]} 0x0\n`);
  const lines: string[] = [];
  const agent = new UpdateAgent(sys, logger(lines), config);
  agent.boot();
  t.true(lines.includes('warn: update: unable to read the slot state: /etc/fw_env.config:1: 2 fields: expected "device offset size [sector-size [sectors [disable-lock]]]"; updates are unavailable'), lines.join('\n'));
  t.throws(() => agent.activate('B'), { message: 'the slot state could not be read at boot (see the log); updates are unavailable' });
  t.is(agent.status().state, 'unknown');
});
