/**
 * The init's U-Boot environment: round trips, the choice of copy and its
 * reasons, refused changes, random corruption, and agreement with U-Boot's own
 * tools both ways (mkenvimage and fw_setenv write, we read; we write,
 * fw_printenv reads; fw_setenv and we take turns on one redundant
 * environment, through the counter's wrap).
 */
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { bootRole, clearTrial, commitTrial, armTrial, encodeUbootEnvCopy, encodeUbootEnvImage, type UbootEnvFormat, type UbootEnvWrite } from '../../../contract/index.ts';
import { fwPrintenv, fwSetenv, mkenvimage, scratchDir, writeFwEnvConfig } from '../../test/uboot-tools.ts';
import { parseUbootEnv, UbootEnvError, updateUbootEnv, type ParsedUbootEnv } from './uboot-env.ts';
import { readUbootSlotEnv, ubootSlotChanges } from './uboot-env-slots.ts';

const small: UbootEnvFormat = { size: 1024, redundant: true };
const smallSingle: UbootEnvFormat = { size: 1024, redundant: false };
const toolSize = 0x2000;
const redundant: UbootEnvFormat = { size: toolSize, redundant: true };
const single: UbootEnvFormat = { size: toolSize, redundant: false };

/** An environment as the image build would leave it on a U-Boot board (docs/updates.md). */
const board = {
  bootcmd: 'if test -n "${imago_trial}"; then setenv boot_slot ${imago_trial}; else setenv boot_slot ${imago_committed}; fi; run imago_load',
  altbootcmd: 'setenv boot_slot ${imago_committed}; run imago_load',
  imago_load: 'load virtio 0:1 ${kernel_addr_r} ${boot_slot}/kernel; load virtio 0:1 ${ramdisk_addr_r} ${boot_slot}/initrd.img; setenv bootargs console=ttyAMA0 imago.slot=${boot_slot}; bootz ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdt_addr}',
  boot_slot: 'A',
  imago_committed: 'A',
  kernel_addr_r: '0x40400000',
};

/** The copies after `writes`, leaving the inputs alone. */
function apply(copies: readonly Uint8Array[], writes: readonly UbootEnvWrite[]): Uint8Array[] {
  const out = copies.map((copy) => copy.slice());
  for (const write of writes) out[write.copy]!.set(write.bytes, write.offset);
  return out;
}

function split(image: Uint8Array, format: UbootEnvFormat): Uint8Array[] {
  return format.redundant ? [image.subarray(0, format.size), image.subarray(format.size, 2 * format.size)] : [image];
}

function readImage(path: string, format: UbootEnvFormat): ParsedUbootEnv {
  return parseUbootEnv(split(new Uint8Array(readFileSync(path)), format), format);
}

// Round trips.

test('round trip: an environment we write parses back to the same variables, single and redundant', (t) => {
  for (const format of [smallSingle, small]) {
    const env = parseUbootEnv(split(encodeUbootEnvImage(board, format), format), format);
    t.like(env, { valid: true, copy: 0, vars: board });
    t.deepEqual(env.passedOver.map((p) => p.copy), format.redundant ? [1] : []);
    if (format.redundant) t.regex(env.passedOver[0]!.reason, /^erased \(every byte 0xff\)/);
  }
});

test('round trip: updates alternate between the copies with the flag advancing through 255 to 0, and each reads back', (t) => {
  let copies = [encodeUbootEnvCopy(board, small, 253), new Uint8Array(small.size).fill(0xff)];
  const seen: string[] = [];
  for (let n = 1; n <= 5; n++) {
    const { vars, writes } = updateUbootEnv(parseUbootEnv(copies, small), { bootcount: String(n), imago_trial: n % 2 ? 'B' : null }, small);
    t.is(writes.length, 1);
    copies = apply(copies, writes);
    const env = parseUbootEnv(copies, small);
    t.deepEqual(env.vars, vars);
    seen.push(`${env.copy}:${env.flag}`);
  }
  t.deepEqual(seen, ['1:254', '0:255', '1:0', '0:1', '1:2']);
  t.deepEqual(parseUbootEnv(copies, small).passedOver, [{ copy: 0, reason: 'older: flag 1, copy 1 has 2' }]);
});

test('a change that leaves every variable as it is writes nothing, so a commit repeated at each boot does not wear the flash', (t) => {
  const env = parseUbootEnv(split(encodeUbootEnvImage(board, small), small), small);
  t.deepEqual(updateUbootEnv(env, { imago_committed: 'A', imago_trial: null }, small).writes, []);
  t.is(updateUbootEnv(env, { imago_committed: 'B' }, small).writes.length, 1);
});

test('setting a variable to "" or null deletes it, as fw_setenv with no value does', (t) => {
  const env = parseUbootEnv(split(encodeUbootEnvImage({ ...board, imago_trial: 'B', bootcount: '2' }, small), small), small);
  const { vars } = updateUbootEnv(env, { imago_trial: '', bootcount: null }, small);
  t.deepEqual(vars, board);
});

// Which copy, and why.

const choiceCases: { title: string; copies: () => Uint8Array[]; format?: UbootEnvFormat; copy: 0 | 1; reason: RegExp }[] = [
  { title: 'copy 1 erased', copies: () => [encodeUbootEnvCopy({ v: '0' }, small, 1), new Uint8Array(small.size).fill(0xff)], copy: 0, reason: /^erased \(every byte 0xff\): never written$/ },
  { title: 'copy 0 blank (zeros)', copies: () => [new Uint8Array(small.size), encodeUbootEnvCopy({ v: '1' }, small, 1)], copy: 1, reason: /^blank \(every byte 0x00\): never written$/ },
  {
    title: 'copy 1 cut short (its CRC no longer matches)',
    copies: () => [encodeUbootEnvCopy({ v: '0' }, small, 1), encodeUbootEnvCopy({ v: '1', more: 'x'.repeat(100) }, small, 2).fill(0xff, 64)],
    copy: 0,
    reason: /^bad CRC-32 \(stored 0x[0-9a-f]{8}, the data's is 0x[0-9a-f]{8}\): a write cut short, or damaged$/,
  },
  { title: 'copy 0 older', copies: () => [encodeUbootEnvCopy({ v: '0' }, small, 6), encodeUbootEnvCopy({ v: '1' }, small, 7)], copy: 1, reason: /^older: flag 6, copy 1 has 7$/ },
  { title: 'copy 0 older across the wrap', copies: () => [encodeUbootEnvCopy({ v: '0' }, small, 255), encodeUbootEnvCopy({ v: '1' }, small, 0)], copy: 1, reason: /^older: flag 255, copy 1 has 0 \(the counter wrapped\)$/ },
  { title: 'a tie', copies: () => [encodeUbootEnvCopy({ v: '0' }, small, 9), encodeUbootEnvCopy({ v: '1' }, small, 9)], copy: 0, reason: /^same flag 9 as copy 0, and copy 0 wins a tie$/ },
  {
    title: 'NOR flash: copy 0 marked obsolete',
    format: { ...small, flagScheme: 'boolean' },
    copies: () => [encodeUbootEnvCopy({ v: '0' }, small, 0), encodeUbootEnvCopy({ v: '1' }, small, 1)],
    copy: 1,
    reason: /^flag 0 \(obsolete\) loses to copy 1's 1 \(active\)$/,
  },
];
for (const { title, copies, format = small, copy, reason } of choiceCases) {
  test(`choice of copy, ${title}: copy ${copy} is used and the other's reason is given`, (t) => {
    const env = parseUbootEnv(copies(), format);
    t.like(env, { valid: true, copy, vars: { v: String(copy) } });
    t.is(env.passedOver.length, 1);
    t.is(env.passedOver[0]!.copy, copy === 0 ? 1 : 0);
    t.regex(env.passedOver[0]!.reason, reason);
  });
}

test('neither copy valid: the error gives each copy\'s defect, and a change is refused unless defaults are given', (t) => {
  const broken = encodeUbootEnvCopy(board, small, 4);
  broken[100]! ^= 0x20;
  const env = parseUbootEnv([broken, new Uint8Array(small.size).fill(0xff)], small);
  t.like(env, { valid: false, vars: {} });
  t.regex(env.error!, /^U-Boot environment: neither copy is valid \(copy 0: bad CRC-32 \(stored 0x[0-9a-f]{8}, the data's is 0x[0-9a-f]{8}\): a write cut short, or damaged; copy 1: erased \(every byte 0xff\): never written\): U-Boot boots with its built-in default environment until one is written$/);
  t.throws(() => updateUbootEnv(env, { bootcount: '0' }, small), { instanceOf: UbootEnvError, message: /^U-Boot environment: unable to set bootcount: neither copy is valid \(copy 0: bad CRC-32 .*; copy 1: erased \(every byte 0xff\): never written\): expected an environment written by the image build, U-Boot or fw_setenv \(or defaults to start from\)$/ });
  const { vars, writes } = updateUbootEnv(env, { bootcount: '0' }, small, { defaults: board });
  t.deepEqual(parseUbootEnv(apply([broken, new Uint8Array(small.size).fill(0xff)], writes), small).vars, { ...board, bootcount: '0' });
  t.deepEqual(vars, { ...board, bootcount: '0' });
});

test('a single copy that is not valid says so without naming copies', (t) => {
  const env = parseUbootEnv([new Uint8Array(small.size).fill(0xff)], smallSingle);
  t.is(env.error, 'U-Boot environment: the environment is not valid (erased (every byte 0xff): never written): U-Boot boots with its built-in default environment until one is written');
});

const refusedCases: { title: string; changes: Record<string, string | null>; message: RegExp }[] = [
  { title: 'a name with "="', changes: { 'boot=slot': 'A' }, message: /^U-Boot environment: variable name "boot=slot" is invalid: expected a non-empty name without '=' or NUL$/ },
  { title: 'deleting a name with "="', changes: { 'a=b': null }, message: /variable name "a=b" is invalid/ },
  { title: 'an empty name', changes: { '': 'x' }, message: /variable name "" is invalid/ },
  { title: 'a value with NUL', changes: { bootcmd: 'run a\0run b' }, message: /variable bootcmd's value holds a NUL byte: expected text without NUL/ },
  { title: 'a value too long for the size', changes: { imago_load: 'x'.repeat(1100) }, message: /a 1024-byte environment holds 1019: expected a shorter value \(the longest is imago_load\) or a larger size/ },
];
for (const { title, changes, message } of refusedCases) {
  test(`a change with ${title} is refused before anything is written`, (t) => {
    const env = parseUbootEnv(split(encodeUbootEnvImage({ v: '1' }, small), small), small);
    t.throws(() => updateUbootEnv(env, changes, small), { instanceOf: UbootEnvError, message });
  });
}

// Random corruption.

/** A small deterministic generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Changes 1 to 8 random bytes of a copy, anywhere but the flag byte: the flag
 * is outside U-Boot's CRC, so nothing (U-Boot included) can tell a changed
 * flag from a real one (see the next test).
 */
function corrupt(copy: Uint8Array, next: () => number): Uint8Array {
  const out = copy.slice();
  const count = 1 + Math.floor(next() * 8);
  for (let n = 0; n < count; n++) {
    let at = Math.floor(next() * out.length);
    if (at === 4) at = 5;
    out[at] = (out[at]! ^ (1 + Math.floor(next() * 255))) & 0xff;
  }
  return out;
}

test('fuzz: random corruption of the copy in use falls back to the previous environment, of the other copy changes nothing, of both is a clear error', (t) => {
  const next = random(0x15b007);
  for (let round = 0; round < 300; round++) {
    const before = { ...board, bootcount: String(round), filler: 'y'.repeat(Math.floor(next() * 200)) };
    const after = { ...before, imago_trial: 'B', upgrade_available: '1' };
    const first = encodeUbootEnvCopy(before, small, Math.floor(next() * 256));
    const start = [first, new Uint8Array(small.size).fill(0xff)];
    const copies = apply(start, updateUbootEnv(parseUbootEnv(start, small), { imago_trial: 'B', upgrade_available: '1' }, small).writes);
    const current = parseUbootEnv(copies, small);
    t.deepEqual(current.vars, after);
    const [used, other] = [current.copy, current.copy === 0 ? 1 : 0];

    const usedBroken = copies.slice();
    usedBroken[used] = corrupt(copies[used]!, next);
    const fallback = parseUbootEnv(usedBroken, small);
    if (!fallback.valid || fallback.copy !== other || !isDeepStrictEqual(fallback.vars, before) || !/^bad CRC-32/.test(fallback.passedOver[0]!.reason)) {
      t.fail(`round ${round}: corrupting copy ${used} gave ${JSON.stringify(fallback)}`);
    }

    const otherBroken = copies.slice();
    otherBroken[other] = corrupt(copies[other]!, next);
    const kept = parseUbootEnv(otherBroken, small);
    if (kept.copy !== used || !isDeepStrictEqual(kept.vars, after)) t.fail(`round ${round}: corrupting copy ${other} gave ${JSON.stringify(kept)}`);

    const bothBroken = [corrupt(copies[0]!, next), corrupt(copies[1]!, next)];
    const none = parseUbootEnv(bothBroken, small);
    if (none.valid || !/^U-Boot environment: neither copy is valid \(copy 0: bad CRC-32 .*; copy 1: bad CRC-32 /.test(none.error ?? '')) t.fail(`round ${round}: corrupting both gave ${JSON.stringify(none)}`);
    if (!t.throws(() => updateUbootEnv(none, { bootcount: '0' }, small), { instanceOf: UbootEnvError }, `round ${round}`)) return;
  }
});

test('a changed flag byte goes unnoticed, by U-Boot too: the flag lies outside the CRC, so the copy it favours is used', (t) => {
  const copies = [encodeUbootEnvCopy({ v: 'old' }, small, 4), encodeUbootEnvCopy({ v: 'new' }, small, 5)];
  copies[0]![4] = 6;
  t.like(parseUbootEnv(copies, small), { valid: true, copy: 0, vars: { v: 'old' } });
});

// Against U-Boot's own tools.

for (const [label, flags, format] of [
  ['single (padded with 0xff, its default)', [], single],
  ['single padded with 0x00', ['-p', '0x00'], single],
  ['redundant', ['-r'], redundant],
] as const) {
  test(`mkenvimage -s ${toolSize} ${flags.join(' ')}: a ${label} environment it makes parses to the same variables`, (t) => {
    const image = new Uint8Array(readFileSync(mkenvimage(scratchDir(t), board, toolSize, [...flags])));
    t.is(image.length, toolSize);
    // mkenvimage makes one copy; a redundant area's other copy is as the disk image leaves it, erased.
    const copies = format.redundant ? [image, new Uint8Array(toolSize).fill(0xff)] : [image];
    const env = parseUbootEnv(copies, format);
    t.like(env, { valid: true, copy: 0, flag: format.redundant ? 1 : 0 });
    t.deepEqual(env.vars, board);
  });
}

test('mkenvimage -r in both copies (flag 1 each): copy 0 wins the tie, as U-Boot decides', (t) => {
  const dir = scratchDir(t);
  const zero = new Uint8Array(readFileSync(mkenvimage(dir, { v: '0' }, toolSize, ['-r'])));
  const one = new Uint8Array(readFileSync(mkenvimage(dir, { v: '1', w: '2' }, toolSize, ['-r', '-p', '0'])));
  const env = parseUbootEnv([zero, one], redundant);
  t.like(env, { copy: 0, vars: { v: '0' } });
  t.is(env.passedOver[0]!.reason, 'same flag 1 as copy 0, and copy 0 wins a tie');
});

for (const format of [single, redundant]) {
  const kind = format.redundant ? 'redundant' : 'single';
  test(`fw_printenv reads a ${kind} environment we wrote, and the one after our update, with the same variables`, (t) => {
    const dir = scratchDir(t);
    const image = join(dir, 'env.img');
    const config = writeFwEnvConfig(dir, format.redundant ? [[image, 0], [image, toolSize]] : [[image, 0]], toolSize);
    writeFileSync(image, encodeUbootEnvImage(board, format));
    t.deepEqual(fwPrintenv(config), board);
    const { vars, writes } = updateUbootEnv(readImage(image, format), { imago_trial: 'B', upgrade_available: '1', bootcount: '0', bootlimit: '3', boot_slot: null }, format);
    const bytes = new Uint8Array(readFileSync(image));
    for (const write of writes) bytes.set(write.bytes, write.copy * toolSize + write.offset);
    writeFileSync(image, bytes);
    t.deepEqual(fwPrintenv(config), vars);
    t.false('boot_slot' in fwPrintenv(config));
  });
}

test('our write of a change is byte for byte what fw_setenv writes for it', (t) => {
  const dir = scratchDir(t);
  const theirs = join(dir, 'theirs.img');
  const start = encodeUbootEnvImage(board, redundant);
  writeFileSync(theirs, start);
  const config = writeFwEnvConfig(dir, [[theirs, 0], [theirs, toolSize]], toolSize);
  fwSetenv(config, 'bootcount', '2');
  const { writes } = updateUbootEnv(parseUbootEnv(split(start, redundant), redundant), { bootcount: '2' }, redundant);
  const ours = apply(split(start, redundant), writes);
  t.deepEqual(Buffer.concat(ours), readFileSync(theirs));
});

test('fw_setenv and we take turns on one redundant environment: each picks the copy the other wrote last, through the flag\'s wrap from 255 to 0', (t) => {
  const dir = scratchDir(t);
  const image = join(dir, 'env.img');
  const config = writeFwEnvConfig(dir, [[image, 0], [image, toolSize]], toolSize);
  writeFileSync(image, Buffer.concat([encodeUbootEnvCopy(board, redundant, 252), new Uint8Array(toolSize).fill(0xff)]));
  const steps: string[] = [];
  for (let turn = 1; turn <= 6; turn++) {
    if (turn % 2) {
      fwSetenv(config, 'turn', `fw_setenv ${turn}`);
      const env = readImage(image, redundant);
      t.is(env.vars.turn, `fw_setenv ${turn}`, `turn ${turn}: we read what fw_setenv wrote`);
      steps.push(`fw_setenv -> copy ${env.copy} flag ${env.flag}`);
    } else {
      const { writes } = updateUbootEnv(readImage(image, redundant), { turn: `init ${turn}` }, redundant);
      const bytes = new Uint8Array(readFileSync(image));
      for (const write of writes) bytes.set(write.bytes, write.copy * toolSize + write.offset);
      writeFileSync(image, bytes);
      t.is(fwPrintenv(config).turn, `init ${turn}`, `turn ${turn}: fw_printenv reads what we wrote`);
      const env = readImage(image, redundant);
      steps.push(`init -> copy ${env.copy} flag ${env.flag}`);
    }
  }
  t.deepEqual(steps, ['fw_setenv -> copy 1 flag 253', 'init -> copy 0 flag 254', 'fw_setenv -> copy 1 flag 255', 'init -> copy 0 flag 0', 'fw_setenv -> copy 1 flag 1', 'init -> copy 0 flag 2']);
  t.deepEqual(fwPrintenv(config), { ...board, turn: 'init 6' });
});

test('bootcount scenario: the init arms slot B, U-Boot counts boots (fw_setenv standing in for its saveenv), the init sees the tries left and commits; a second trial runs out of boots and is cleared after the fallback', (t) => {
  const dir = scratchDir(t);
  const image = join(dir, 'env.img');
  const config = writeFwEnvConfig(dir, [[image, 0], [image, toolSize]], toolSize);
  writeFileSync(image, encodeUbootEnvImage(board, redundant));
  /** What the init does: read the environment, change the slot state, write it back. */
  const initWrites = (change: (vars: Record<string, string>) => Record<string, string | null>) => {
    const env = readImage(image, redundant);
    const { writes } = updateUbootEnv(env, change(env.vars), redundant);
    const bytes = new Uint8Array(readFileSync(image));
    for (const write of writes) bytes.set(write.bytes, write.copy * toolSize + write.offset);
    writeFileSync(image, bytes);
  };
  /** What U-Boot's BOOTCOUNT_ENV does at a boot: count it, saved only while an upgrade is available. */
  const ubootBoots = () => {
    const vars = fwPrintenv(config);
    if (vars.upgrade_available !== '1') return 'bootcmd';
    const count = Number(vars.bootcount ?? '0') + 1;
    fwSetenv(config, 'bootcount', String(count));
    return count > Number(vars.bootlimit) ? 'altbootcmd' : 'bootcmd';
  };

  initWrites((vars) => ubootSlotChanges(armTrial(readUbootSlotEnv(vars), 'B', 3)));
  t.like(fwPrintenv(config), { imago_committed: 'A', imago_trial: 'B', upgrade_available: '1', bootcount: '0', bootlimit: '3' });
  t.is(ubootBoots(), 'bootcmd');
  t.is(ubootBoots(), 'bootcmd');
  const trial = readUbootSlotEnv(readImage(image, redundant).vars);
  t.deepEqual(trial, { committed: 'A', trial: 'B', tries: 1 });
  t.deepEqual(bootRole(trial, 'B'), { kind: 'trial', slot: 'B' });
  initWrites((vars) => ubootSlotChanges(commitTrial(readUbootSlotEnv(vars), 'B')));
  const committed = fwPrintenv(config);
  t.like(committed, { imago_committed: 'B', bootcount: '0', bootcmd: board.bootcmd, altbootcmd: board.altbootcmd });
  t.false('imago_trial' in committed || 'upgrade_available' in committed || 'bootlimit' in committed);
  t.is(ubootBoots(), 'bootcmd', 'a committed device is not counted');
  t.is(fwPrintenv(config).bootcount, '0');

  initWrites((vars) => ubootSlotChanges(armTrial(readUbootSlotEnv(vars), 'A', 2)));
  t.deepEqual([ubootBoots(), ubootBoots(), ubootBoots()], ['bootcmd', 'bootcmd', 'altbootcmd']);
  const fallen = readUbootSlotEnv(readImage(image, redundant).vars);
  t.deepEqual(fallen, { committed: 'B', trial: 'A', tries: 0 });
  t.deepEqual(bootRole(fallen, 'B'), { kind: 'rolled-back', failed: 'A' });
  initWrites((vars) => ubootSlotChanges(clearTrial(readUbootSlotEnv(vars))));
  t.deepEqual(readUbootSlotEnv(fwPrintenv(config)), { committed: 'B', trial: undefined, tries: 0 });
  t.is(ubootBoots(), 'bootcmd');
});
