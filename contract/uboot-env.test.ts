import test from 'ava';
import {
  crc32,
  decodeUbootEnvVars,
  encodeUbootEnvCopy,
  encodeUbootEnvImage,
  newerUbootEnvCopy,
  planUbootEnvWrite,
  readUbootEnv,
  type UbootEnvFormat,
  type UbootEnvWrite,
} from './index.ts';

const single: UbootEnvFormat = { size: 256, redundant: false };
const redundant: UbootEnvFormat = { size: 256, redundant: true };
const boolean: UbootEnvFormat = { size: 256, redundant: true, flagScheme: 'boolean' };

/** Carries out writes on copies in memory; `cutAfter` bytes of the first write land, then the power goes. */
function apply(copies: Uint8Array[], writes: UbootEnvWrite[], cutAfter = Infinity): Uint8Array[] {
  const out = copies.map((copy) => copy.slice());
  let budget = cutAfter;
  for (const write of writes) {
    const landed = write.bytes.subarray(0, Math.max(0, Math.min(write.bytes.length, budget)));
    out[write.copy]!.set(landed, write.offset);
    budget -= landed.length;
    if (budget <= 0) break;
  }
  return out;
}

test('a single copy is the CRC-32 (little-endian) of the data, then name=value entries in name order and a closing NUL', (t) => {
  const copy = encodeUbootEnvCopy({ b: '2', a: '1' }, single);
  const data = copy.subarray(4);
  t.is(copy.length, 256);
  t.is(new DataView(copy.buffer).getUint32(0, true), crc32(data));
  t.deepEqual([...data.subarray(0, 9)], [...new TextEncoder().encode('a=1\0b=2\0\0')]);
  t.true(data.subarray(9).every((byte) => byte === 0));
});

test('a redundant copy carries the flag byte after the CRC, outside the checksummed data', (t) => {
  const copy = encodeUbootEnvCopy({ a: '1' }, redundant, 7);
  t.is(copy[4], 7);
  t.is(new DataView(copy.buffer).getUint32(0, true), crc32(copy.subarray(5)));
  t.deepEqual(readUbootEnv([copy, new Uint8Array(256)], redundant), { vars: { a: '1' }, copy: 0, flag: 7, valid: true });
});

test('padding is 0x00 by default and 0xff on request, and both read back the same', (t) => {
  const zero = encodeUbootEnvCopy({ a: '1' }, single);
  const ff = encodeUbootEnvCopy({ a: '1' }, { ...single, padding: 0xff });
  t.is(zero[255], 0x00);
  t.is(ff[255], 0xff);
  t.is(ff[4 + 4], 0, 'the closing NUL is written whatever the padding');
  t.deepEqual(readUbootEnv([zero], single).vars, readUbootEnv([ff], single).vars);
});

test('values keep spaces, quotes, semicolons, newlines and UTF-8', (t) => {
  const vars = { bootcmd: 'run a; if test "${x}" = 1; then echo ok; fi', multi: 'one\ntwo', name: 'café ☕' };
  t.deepEqual(readUbootEnv([encodeUbootEnvCopy(vars, single)], single).vars, vars);
});

test('empty values are left out, as U-Boot deletes a variable set to ""', (t) => {
  t.deepEqual(readUbootEnv([encodeUbootEnvCopy({ a: '1', imago_trial: '' }, single)], single).vars, { a: '1' });
});

test('decoding stops at the first empty entry, skips entries without "=", and a later duplicate wins', (t) => {
  const data = new TextEncoder().encode('a=1\0junk\0a=2\0b==x\0\0c=never\0');
  t.deepEqual(decodeUbootEnvVars(data), { a: '2', b: '=x' });
});

const invalidCases: { title: string; vars: Record<string, string>; message: RegExp }[] = [
  { title: 'a name with "="', vars: { 'a=b': '1' }, message: /variable name "a=b" is invalid: expected a non-empty name without '=' or NUL/ },
  { title: 'an empty name', vars: { '': '1' }, message: /variable name "" is invalid/ },
  { title: 'a name with NUL', vars: { 'a\0b': '1' }, message: /is invalid/ },
  { title: 'a value with NUL', vars: { a: 'x\0y' }, message: /variable a's value holds a NUL byte/ },
  { title: 'a value too long for the size', vars: { small: '1', bootcmd: 'x'.repeat(250) }, message: /the variables take 268 bytes, a 256-byte environment holds 251: expected a shorter value \(the longest is bootcmd\) or a larger size/ },
];
for (const { title, vars, message } of invalidCases) {
  test(`encoding refuses ${title}`, (t) => {
    t.throws(() => encodeUbootEnvCopy(vars, redundant), { message });
  });
}

test('variables that fill the data area exactly fit; one byte more does not', (t) => {
  // 251 data bytes: "v=" + value + NUL + closing NUL.
  t.notThrows(() => encodeUbootEnvCopy({ v: 'x'.repeat(247) }, redundant));
  t.throws(() => encodeUbootEnvCopy({ v: 'x'.repeat(248) }, redundant), { message: /take 252 bytes/ });
});

test('a single copy with a bad CRC reads as empty with an error the caller sees', (t) => {
  const copy = encodeUbootEnvCopy({ a: '1' }, single);
  copy[10]! ^= 1;
  const env = readUbootEnv([copy], single);
  t.false(env.valid);
  t.deepEqual(env.vars, {});
  t.regex(env.error!, /the environment has no valid CRC-32/);
});

test('redundant copies: neither valid gives an empty environment and an error', (t) => {
  const env = readUbootEnv([new Uint8Array(256).fill(0xff), new Uint8Array(256)], redundant);
  t.like(env, { valid: false, copy: 0, vars: {} });
  t.regex(env.error!, /neither copy has a valid CRC-32/);
});

test('redundant copies: only one valid gives that one, whatever the flags', (t) => {
  const zero = encodeUbootEnvCopy({ who: 'zero' }, redundant, 9);
  const one = encodeUbootEnvCopy({ who: 'one' }, redundant, 3);
  const broken = (copy: Uint8Array) => copy.map((byte, n) => (n === 20 ? byte ^ 0x40 : byte));
  t.like(readUbootEnv([broken(zero), one], redundant), { copy: 1, vars: { who: 'one' }, valid: true });
  t.like(readUbootEnv([zero, broken(one)], redundant), { copy: 0, vars: { who: 'zero' }, valid: true });
});

const flagCases: { scheme: 'incremental' | 'boolean'; flags: [number, number]; newer: 0 | 1; why: string }[] = [
  { scheme: 'incremental', flags: [1, 2], newer: 1, why: 'the larger counter' },
  { scheme: 'incremental', flags: [200, 5], newer: 0, why: 'larger, even far apart' },
  { scheme: 'incremental', flags: [255, 0], newer: 1, why: '0 follows 255 (wrap-around)' },
  { scheme: 'incremental', flags: [0, 255], newer: 0, why: '0 follows 255 (wrap-around)' },
  { scheme: 'incremental', flags: [7, 7], newer: 0, why: 'equal: copy 0' },
  { scheme: 'boolean', flags: [1, 0], newer: 0, why: 'active beats obsolete' },
  { scheme: 'boolean', flags: [0, 1], newer: 1, why: 'active beats obsolete' },
  { scheme: 'boolean', flags: [1, 1], newer: 0, why: 'equal: copy 0' },
  { scheme: 'boolean', flags: [0xff, 0], newer: 0, why: 'an erased flag marks the copy in use' },
  { scheme: 'boolean', flags: [0, 0xff], newer: 1, why: 'an erased flag marks the copy in use' },
];
for (const { scheme, flags, newer, why } of flagCases) {
  test(`both copies valid, ${scheme} flags ${flags.join('/')}: copy ${newer} (${why})`, (t) => {
    t.is(newerUbootEnvCopy(flags[0], flags[1], scheme), newer);
    const format = { ...redundant, flagScheme: scheme };
    const copies = [encodeUbootEnvCopy({ who: 'zero' }, format, flags[0]), encodeUbootEnvCopy({ who: 'one' }, format, flags[1])];
    t.like(readUbootEnv(copies, format), { copy: newer, flag: flags[newer], vars: { who: newer ? 'one' : 'zero' } });
  });
}

test('incremental: a write goes to the other copy with the flag advanced, wrapping 255 to 0, and reads back as current', (t) => {
  let copies = [encodeUbootEnvCopy({ n: '0' }, redundant, 254), new Uint8Array(256)];
  const seen: [number, number][] = [];
  for (let n = 1; n <= 4; n++) {
    const env = readUbootEnv(copies, redundant);
    copies = apply(copies, planUbootEnvWrite(env, { n: String(n) }, redundant));
    const after = readUbootEnv(copies, redundant);
    t.is(after.vars.n, String(n));
    seen.push([after.copy, after.flag]);
  }
  t.deepEqual(seen, [[1, 255], [0, 0], [1, 1], [0, 2]]);
});

test('incremental: a power cut at any byte of the write leaves the previous or the new environment, never neither', (t) => {
  const copies = [encodeUbootEnvCopy({ imago_committed: 'A' }, redundant, 255), encodeUbootEnvCopy({ imago_committed: 'B' }, redundant, 254)];
  const before = readUbootEnv(copies, redundant);
  t.is(before.vars.imago_committed, 'A');
  const wanted = { imago_committed: 'A', imago_trial: 'B', imago_tries: '3' };
  const writes = planUbootEnvWrite(before, wanted, redundant);
  t.deepEqual(writes.map((w) => [w.copy, w.offset, w.bytes[4]]), [[1, 0, 0]]);
  for (let cut = 0; cut < 256; cut++) {
    const env = readUbootEnv(apply(copies, writes, cut), redundant);
    // Once the bytes still to come already match (the zero padding), the new copy is whole.
    const either = JSON.stringify(env.vars) === JSON.stringify(before.vars) || JSON.stringify(env.vars) === JSON.stringify(wanted);
    if (!env.valid || !either) t.fail(`cut after ${cut} bytes: ${JSON.stringify(env)}`);
  }
  t.deepEqual(readUbootEnv(apply(copies, writes, 20), redundant).vars, before.vars);
  t.deepEqual(readUbootEnv(apply(copies, writes), redundant).vars, wanted);
});

test('boolean: a write makes the other copy active, then marks the old one obsolete; a cut at any point reads a whole environment', (t) => {
  const copies = [encodeUbootEnvCopy({ v: 'old' }, boolean, 1), encodeUbootEnvCopy({ v: 'older' }, boolean, 0)];
  const env = readUbootEnv(copies, boolean);
  t.like(env, { copy: 0, vars: { v: 'old' } });
  const writes = planUbootEnvWrite(env, { v: 'new' }, boolean);
  t.deepEqual(writes.map((w) => [w.copy, w.offset, w.bytes.length]), [[1, 0, 256], [0, 4, 1]]);
  t.deepEqual([writes[0]!.bytes[4], writes[1]!.bytes[0]], [1, 0], 'new copy active, old copy obsolete');
  const whole = apply(copies, writes);
  t.deepEqual([whole[0]![4], whole[1]![4]], [0, 1]);
  t.like(readUbootEnv(whole, boolean), { copy: 1, vars: { v: 'new' } });
  // Both copies active (1/1) picks copy 0 by U-Boot's rule; the old data is still a whole environment.
  t.like(readUbootEnv(apply(copies, writes, 256), boolean), { copy: 0, vars: { v: 'old' }, valid: true });
  t.like(readUbootEnv(apply(copies, writes, 100), boolean), { copy: 0, vars: { v: 'old' } });
});

test('a single copy is rewritten in place', (t) => {
  const env = readUbootEnv([encodeUbootEnvCopy({ a: '1' }, single)], single);
  const writes = planUbootEnvWrite(env, { a: '2' }, single);
  t.deepEqual(writes.map((w) => [w.copy, w.offset, w.bytes.length]), [[0, 0, 256]]);
  t.deepEqual(readUbootEnv([writes[0]!.bytes], single).vars, { a: '2' });
});

test('with no valid copy the first write lands in copy 1 and becomes the environment', (t) => {
  const copies = [new Uint8Array(256).fill(0xff), new Uint8Array(256).fill(0xff)];
  const env = readUbootEnv(copies, redundant);
  const after = readUbootEnv(apply(copies, planUbootEnvWrite(env, { a: '1' }, redundant)), redundant);
  t.like(after, { valid: true, copy: 1, vars: { a: '1' } });
});

test('a fresh redundant image is copy 0 (flag 1) and an erased copy 1, so the first write goes to copy 1 with flag 2', (t) => {
  const image = encodeUbootEnvImage({ imago_committed: 'A' }, redundant);
  t.is(image.length, 512);
  const copies = [image.subarray(0, 256), image.subarray(256)];
  const env = readUbootEnv(copies, redundant);
  t.like(env, { copy: 0, flag: 1, vars: { imago_committed: 'A' } });
  t.like(planUbootEnvWrite(env, { imago_committed: 'B' }, redundant)[0], { copy: 1 });
  t.is(planUbootEnvWrite(env, { imago_committed: 'B' }, redundant)[0]!.bytes[4], 2);
  t.is(encodeUbootEnvImage({ a: '1' }, single).length, 256);
});

test('reading refuses copies that do not match the format, naming what was expected', (t) => {
  t.throws(() => readUbootEnv([new Uint8Array(256)], redundant), { message: /got 1 copies, expected 2 for a redundant environment/ });
  t.throws(() => readUbootEnv([new Uint8Array(100)], single), { message: /copy 0 is 100 bytes, expected 256/ });
  t.throws(() => encodeUbootEnvCopy({}, { size: 5, redundant: true }), { message: /size 5 is too small/ });
});
