/**
 * The environment read and written through Sys on a device at the offsets
 * fw_env.config gives: only the copy's bytes change, each write is synced
 * before the next, a power cut at any step leaves the old or the new
 * environment, and fw_printenv reads the device we wrote.
 */
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeUbootEnvCopy, encodeUbootEnvImage, type UbootEnvFormat } from '../../../contract/index.ts';
import { FakeSys } from '../sys/fake.ts';
import { SysError } from '../sys/sys.ts';
import { fwPrintenv, fwSetenv, scratchDir } from '../../test/uboot-tools.ts';
import { parseFwEnvConfig, type UbootEnvLocation } from './uboot-env-config.ts';
import { changeUbootEnv, loadUbootEnv } from './uboot-env-io.ts';
import { parseUbootEnv, UbootEnvError } from './uboot-env.ts';

const size = 0x1000;
const format: UbootEnvFormat = { size, redundant: true };
const device = '/dev/mmcblk0';
/** The copies 1 MiB into the card, back to back, as a board's fw_env.config would put them. */
const location = parseFwEnvConfig(`${device} 0x100000 0x1000\n${device} 0x101000 0x1000\n`, 'fw_env.config');
const before = { bootcmd: 'run imago_boot', imago_committed: 'A' };

/** A card whose environment area holds `area`, with a pattern elsewhere so stray writes show. */
function card(area: Uint8Array, path = device): FakeSys {
  const disk = new Uint8Array(0x102000 + 0x800).fill(0xa5);
  disk.set(area, 0x100000);
  const sys = new FakeSys();
  sys.files.put(path, disk);
  return sys;
}

function areaOf(disk: Uint8Array, where: UbootEnvLocation = location): Uint8Array[] {
  return where.copies.map(({ offset }) => disk.subarray(offset, offset + size));
}

test('reads the environment at the configured offsets and writes only the copy not in use, synced', (t) => {
  const sys = card(encodeUbootEnvImage(before, format));
  t.like(loadUbootEnv(sys, location), { valid: true, copy: 0, vars: before });
  const start = sys.files.get(device)!.slice();
  const result = changeUbootEnv(sys, location, { imago_trial: 'B', upgrade_available: '1' });
  t.like(result, { written: 1, vars: { ...before, imago_trial: 'B', upgrade_available: '1' } });
  t.deepEqual(sys.files.journal, [`write ${device} at 0x101000`, `sync ${device} at 0x101000`]);
  const disk = sys.files.crashImage().get(device)!;
  const changed = [...disk.keys()].filter((n) => disk[n] !== start[n]);
  t.true(changed.length > 0 && changed[0]! >= 0x101000 && changed.at(-1)! < 0x102000, 'only copy 1 changed');
  t.like(parseUbootEnv(areaOf(disk), format), { copy: 1, flag: 2, vars: result.vars });
});

test('no change, no write: the journal stays empty', (t) => {
  const sys = card(encodeUbootEnvImage(before, format));
  t.is(changeUbootEnv(sys, location, { imago_committed: 'A' }).written, 0);
  t.deepEqual(sys.files.journal, []);
});

test('a power cut at each step of a change leaves the previous or the new environment, never none', (t) => {
  const wanted = { ...before, imago_committed: 'B' };
  for (const flagScheme of ['incremental', 'boolean'] as const) {
    const scheme = { ...location, format: { ...format, flagScheme } };
    const area = new Uint8Array(2 * size);
    area.set(encodeUbootEnvCopy(before, scheme.format, 1));
    area.set(encodeUbootEnvCopy({ stale: 'yes' }, scheme.format, 0), size);
    const steps = flagScheme === 'boolean' ? 4 : 2;
    const probe = card(area);
    changeUbootEnv(probe, scheme, { imago_committed: 'B' });
    t.is(probe.files.journal.length, steps, probe.files.journal.join(', '));
    for (let failAt = 1; failAt <= steps; failAt++) {
      const sys = card(area);
      sys.files.failAt = failAt;
      t.throws(() => changeUbootEnv(sys, scheme, { imago_committed: 'B' }), { instanceOf: SysError });
      const env = parseUbootEnv(areaOf(sys.files.crashed!.get(device)!, scheme), scheme.format);
      t.true(env.valid, `${flagScheme}, cut at step ${failAt} (${sys.files.journal.at(-1)})`);
      t.deepEqual(env.vars, before, `${flagScheme}, cut at step ${failAt}: the previous environment`);
    }
    t.deepEqual(parseUbootEnv(areaOf(probe.files.crashImage().get(device)!, scheme), scheme.format).vars, wanted, `${flagScheme}: the whole change`);
  }
});

test('the boolean (NOR) scheme writes the new copy active and syncs it before it marks the old one obsolete', (t) => {
  const boolean = { ...location, format: { ...format, flagScheme: 'boolean' as const } };
  const sys = card(encodeUbootEnvImage(before, boolean.format));
  changeUbootEnv(sys, boolean, { imago_committed: 'B' });
  t.deepEqual(sys.files.journal, [`write ${device} at 0x101000`, `sync ${device} at 0x101000`, `write ${device} at 0x100000`, `sync ${device} at 0x100000`]);
  const disk = sys.files.get(device)!;
  t.deepEqual([disk[0x100004], disk[0x101004]], [0, 1]);
});

test('a device that ends inside the environment is an error naming the device, the offset and the sizes', (t) => {
  const sys = new FakeSys();
  sys.files.put(device, new Uint8Array(0x100800));
  t.throws(() => loadUbootEnv(sys, location), {
    message: `unable to read the U-Boot environment from ${device} at 0x100000: it ends after 2048 of 4096 bytes (fw_env.config's offset or size is wrong)`,
  });
});

test('a missing device is a SysError naming it, and an environment with no valid copy refuses a change without writing', (t) => {
  t.throws(() => loadUbootEnv(new FakeSys(), location), { instanceOf: SysError, message: /unable to open \/dev\/mmcblk0/ });
  const sys = card(new Uint8Array(2 * size).fill(0xff));
  t.throws(() => changeUbootEnv(sys, location, { bootcount: '0' }), { instanceOf: UbootEnvError, message: /neither copy is valid \(copy 0: erased .*; copy 1: erased / });
  t.deepEqual(sys.files.journal, []);
});

test('a card we changed through Sys is read by fw_printenv with the same fw_env.config, and we read fw_setenv\'s change back', (t) => {
  const dir = scratchDir(t);
  const image = join(dir, 'card.img');
  const text = `${image} 0x100000 0x1000\n${image} 0x101000 0x1000\n`;
  const config = join(dir, 'fw_env.config');
  writeFileSync(config, text);
  const where = parseFwEnvConfig(text, config);
  const sys = card(encodeUbootEnvImage(before, format), image);
  const { vars } = changeUbootEnv(sys, where, { imago_trial: 'B', bootcount: '0', bootlimit: '3', upgrade_available: '1' });
  writeFileSync(image, sys.files.get(image)!);
  t.deepEqual(fwPrintenv(config), vars);
  fwSetenv(config, 'bootcount', '1');
  sys.files.put(image, new Uint8Array(readFileSync(image)));
  t.like(loadUbootEnv(sys, where), { copy: 0, flag: 3, vars: { ...vars, bootcount: '1' } });
});
