/**
 * Power-cut and failure safety of writing an update (apply.ts) on the fake sys,
 * with a real signed bundle: the run is interrupted at every changing operation
 * (each create, write, fsync, rename, removal, the sync...), and for each point
 * both what a power cut would leave on the disk and what the error path leaves
 * must never arm a partly written slot or touch the running one.
 */
import test from 'ava';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBundle } from '../../../builder/src/bundle/create-bundle.ts';
import { decodeGrubenv, encodeGrubenv, espMount, grubenvFile, readSlotEnv, slotBootConfig, slotFiles, writeSlotEnv } from '../../../contract/index.ts';
import type { Logger } from '../logs/logger.ts';
import { FakeSys } from '../sys/fake.ts';
import { nodeHashing } from '../../test/node-hashing.ts';
import { UpdateAgent } from './agent.ts';
import { applyBundle } from './apply.ts';
import { testUpdateConfig } from '../../test/update-config.ts';
import { espMountData, espMountFlags } from './esp-mount.ts';

const hashing = nodeHashing;
const { config, privatePem } = testUpdateConfig('x86_64');
const grubenvPath = `${espMount}/${grubenvFile}`;
const bundlePath = '/data/update.bundle';
const quiet = { info() {}, warn() {} } as unknown as Logger;

type Slot = Map<string, Uint8Array>;

/** The four files of an image of `version`; the initrd spans two of apply's 1 MiB reads. */
function imageFiles(version: string, fill: number): Slot {
  const text = (s: string) => new Uint8Array(Buffer.from(s));
  return new Map([
    ['kernel', new Uint8Array(5000).fill(fill)],
    ['initrd.img', new Uint8Array((1 << 20) + 7000).fill(fill + 1)],
    ['cmdline', text('console=ttyS0\n')],
    ['manifest.json', text(JSON.stringify({ name: 'demo', arch: 'x86_64', version }))],
  ]);
}

/** A complete slot as the ESP holds it: the image files and boot.cfg. */
function slotOf(slot: 'A' | 'B', files: Slot): Slot {
  const cmdline = Buffer.from(files.get('cmdline')!).toString();
  return new Map([...files, ['boot.cfg', new Uint8Array(Buffer.from(slotBootConfig(slot, cmdline)))]]);
}

const running = slotOf('A', imageFiles('1', 1));
/** What slot B holds before this update: an older image from an earlier update. */
const previous = slotOf('B', imageFiles('0.9', 5));
const next = slotOf('B', imageFiles('2', 9));
const grubenv = encodeGrubenv(writeSlotEnv({}, { committed: 'A', tries: 0 }));

/** A signed bundle of `files`. */
async function makeBundle(files: Slot): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'imago-apply-'));
  for (const [name, data] of files) await writeFile(join(dir, name), data);
  return new Uint8Array((await createBundle(dir, createPrivateKey(privatePem))).bytes);
}

/** Version 2 as a small image, for runs that read the bundle a byte at a time. */
function smallFiles(version: string): Slot {
  const files = imageFiles(version, 9);
  files.set('initrd.img', new Uint8Array(7000).fill(10));
  return files;
}

let bundle: Uint8Array;
let smallBundle: Uint8Array;
let olderBundle: Uint8Array;
test.before(async () => {
  bundle = await makeBundle(imageFiles('2', 9));
  smallBundle = await makeBundle(smallFiles('2'));
  olderBundle = await makeBundle(smallFiles('1.8'));
});

/** A device running slot A, slot B holding an older update, the bundle on /data. */
function device(failAt?: number): FakeSys {
  const sys = new FakeSys(hashing);
  sys.files.put('/proc/cmdline', 'console=ttyS0 imago.slot=A\n');
  sys.files.put(grubenvPath, grubenv);
  for (const [name, data] of running) sys.files.put(`${espMount}/A/${name}`, data);
  for (const [name, data] of previous) sys.files.put(`${espMount}/B/${name}`, data);
  sys.files.put(bundlePath, bundle);
  sys.files.put('/sys/class/block/vda1/uevent', 'DEVNAME=vda1\nPARTNAME=imago-esp\n');
  sys.files.put('/sys/class/block/vda2/uevent', 'DEVNAME=vda2\nPARTNAME=imago-data\n');
  // As booted: the ESP is read-only (esp-mount.ts), so every write below must open a window.
  sys.mount('/dev/vda1', espMount, 'vfat', espMountFlags(false), espMountData);
  sys.files.failAt = failAt;
  return sys;
}

function slotIn(disk: Map<string, Uint8Array>, slot: 'A' | 'B'): Slot {
  const prefix = `${espMount}/${slot}/`;
  return new Map([...disk].filter(([path]) => path.startsWith(prefix)).map(([path, data]) => [path.slice(prefix.length), data]));
}

function same(a: Slot, b: Slot): boolean {
  return a.size === b.size && [...a].every(([name, data]) => b.has(name) && Buffer.from(data).equals(b.get(name)!));
}

/** Every file of `expected` (and boot.cfg) present with its bytes; leftovers like *.new do not matter. */
function complete(slot: Slot, expected: Slot): boolean {
  return [...expected].every(([name, data]) => slot.has(name) && Buffer.from(slot.get(name)!).equals(data));
}

/**
 * The safety properties of a disk state: grubenv unchanged (nothing armed, no
 * trial), the running slot exactly as it was, and slot B bootable by GRUB (it
 * has boot.cfg) only when it is a complete image, the old one or the new one.
 */
function checkDisk(disk: Map<string, Uint8Array>, where: string): string[] {
  const problems: string[] = [];
  const env = readSlotEnv(decodeGrubenv(disk.get(grubenvPath) ?? new Uint8Array()));
  if (!disk.get(grubenvPath) || !Buffer.from(disk.get(grubenvPath)!).equals(grubenv)) problems.push(`${where}: grubenv changed`);
  if (env.trial !== undefined || env.committed !== 'A') problems.push(`${where}: slot env is ${JSON.stringify(env)}`);
  if (!same(slotIn(disk, 'A'), running)) problems.push(`${where}: the running slot A changed`);
  const b = slotIn(disk, 'B');
  if (b.has('boot.cfg') && !complete(b, next) && !complete(b, previous)) problems.push(`${where}: slot B has boot.cfg but is incomplete: ${[...b.keys()].sort().join(' ')}`);
  return problems;
}

/** The journal's operations on the running slot or grubenv: there must be none. */
function touchesRunning(sys: FakeSys): string[] {
  return sys.files.journal.filter((entry) => entry.includes(`${espMount}/A/`) || entry.includes(grubenvPath));
}

test('a complete run writes slot B durably, leaves slot A alone, and the agent then arms it', (t) => {
  const sys = device();
  const lines: string[] = [];
  const result = applyBundle(sys, config, bundlePath, (line) => lines.push(line));
  t.like(result, { slot: 'B', version: '2', bytes: [...imageFiles('2', 9).values()].reduce((n, d) => n + d.length, 0) });
  t.regex(lines[0]!, /^update: demo 2 for x86_64: signature good \(key \S+\); writing slot B$/);
  t.deepEqual(touchesRunning(sys), []);
  // What the disk holds even if the power went now: the new slot, complete, and nothing armed yet.
  const disk = sys.files.crashImage();
  t.deepEqual(checkDisk(disk, 'after the run'), []);
  t.true(complete(slotIn(disk, 'B'), next), 'slot B holds the new image, boot.cfg included');
  t.deepEqual([...slotIn(disk, 'B').keys()].sort(), [...next.keys(), 'bundle-header'].sort(), 'no temporary files left; the signed header kept');

  // PID 1's side: the agent arms B for a trial, durably.
  const agent = new UpdateAgent(sys, quiet, config);
  agent.boot();
  t.deepEqual(agent.activate('B'), { slot: 'B', version: '2' });
  const armed = sys.files.crashImage();
  t.deepEqual(readSlotEnv(decodeGrubenv(armed.get(grubenvPath)!)), { committed: 'A', trial: 'B', tries: 3 });
  t.true(same(slotIn(armed, 'A'), running));
});

test('the ESP is writable only while imagoctl writes the slot and while PID 1 arms it, and read-only again after each', (t) => {
  const sys = device();
  const remounts = () => sys.kernel.filter((line) => line.startsWith(`remount ${espMount}`)).map((line) => (line.includes('readonly') ? 'ro' : 'rw'));
  applyBundle(sys, config, bundlePath, () => {}).release();
  t.deepEqual(remounts(), ['rw', 'ro']);
  t.true(sys.files.isReadOnly(espMount));
  t.throws(() => sys.writeText(`${espMount}/stray`, 'x'), { message: /Read-only file system/ }, 'nothing writes the ESP outside a window');
  const agent = new UpdateAgent(sys, quiet, config);
  agent.boot();
  sys.kernel.length = 0;
  agent.activate('B');
  t.deepEqual(remounts(), ['rw', 'ro'], 'grubenv is written in its own window');
  t.true(sys.files.isReadOnly(espMount));
});

test('a bundle refused before writing never makes the ESP writable', (t) => {
  const sys = device();
  sys.files.put(bundlePath, olderBundle.slice(0, 100));
  t.throws(() => applyBundle(sys, config, bundlePath, () => {}), { message: /truncated/ });
  t.deepEqual(sys.kernel.filter((line) => line.startsWith('remount')), []);
});

test('interrupted at any operation, by a power cut or an error, no partly written slot is ever armed and slot A is never touched', (t) => {
  const clean = device();
  applyBundle(clean, config, bundlePath, () => {});
  const total = clean.files.operations;
  t.true(total > 20, `a run has many steps (${total})`);
  const problems: string[] = [];
  for (let n = 1; n <= total; n++) {
    const sys = device(n);
    const step = clean.files.journal[n - 1]!;
    let failed = false;
    try {
      applyBundle(sys, config, bundlePath, () => {});
    } catch (error) {
      failed = true;
      t.regex((error as Error).message, /Input\/output error/, `operation ${n} (${step})`);
    }
    // Only the emptying of slot B may fail quietly: what is left is overwritten or never armed.
    if (!failed) {
      t.regex(step, /^remove /, `operation ${n} (${step}) failing fails the update`);
      t.true(complete(slotIn(sys.files.crashImage(), 'B'), next), `a run with a failed ${step} still writes slot B completely`);
    }
    // A power cut just before operation n.
    problems.push(...checkDisk(sys.files.crashed!, `power cut before ${n} (${step})`));
    // The error path ran: the disk as it is, and as a power cut right after it would leave it.
    problems.push(...checkDisk(sys.files.snapshot(), `failure at ${n} (${step})`));
    problems.push(...checkDisk(sys.files.crashImage(), `power cut after failure at ${n} (${step})`));
    for (const entry of touchesRunning(sys)) problems.push(`interrupted at ${n}: ${entry}`);
    if (!sys.files.isReadOnly(espMount)) problems.push(`interrupted at ${n} (${step}): the ESP was left writable`);
    if (!failed) continue;
    // A failure while taking the update lock leaves slot B as it was; any later one leaves it without boot.cfg.
    const untouched = same(slotIn(sys.files.snapshot(), 'B'), previous);
    if (!untouched && sys.files.get(`${espMount}/B/boot.cfg`)) problems.push(`failure at ${n} (${step}): slot B keeps a boot.cfg`);
    // The agent refuses to arm what is left.
    const agent = new UpdateAgent(sys, quiet, config);
    agent.boot();
    const refusal = untouched ? /^slot B has no signed bundle header/ : /^slot B has not been written completely$/;
    t.throws(() => agent.activate('B'), { message: refusal }, `after a failure at ${n} (${step})`);
  }
  t.deepEqual(problems, []);
});

test('a tampered bundle is refused after writing, and leaves nothing to arm', (t) => {
  const sys = device();
  const tampered = bundle.slice();
  tampered[tampered.length - 10]! ^= 1;
  sys.files.put(bundlePath, tampered);
  t.throws(() => applyBundle(sys, config, bundlePath, () => {}), { message: /manifest.json does not match its sha256 in the signed manifest/ });
  t.deepEqual(checkDisk(sys.files.snapshot(), 'refused'), []);
  t.is(sys.files.get(`${espMount}/B/boot.cfg`), undefined);
  t.deepEqual(touchesRunning(sys), []);
});

test('a bundle arriving one byte at a time, as over a slow link, installs', (t) => {
  const sys = device();
  sys.files.put(bundlePath, smallBundle);
  const read = sys.read.bind(sys);
  let reads = 0;
  sys.read = (fd, max) => {
    reads++;
    return read(fd, Math.min(1, max));
  };
  t.like(applyBundle(sys, config, bundlePath, () => {}), { slot: 'B', version: '2' });
  t.true(reads > smallBundle.length, `every byte came in its own read (${reads} reads)`);
  t.true(complete(slotIn(sys.files.crashImage(), 'B'), slotOf('B', smallFiles('2'))), 'slot B holds the new image');
});

/** The agent of a device booted from `disk` on `slot`, running `version`. */
function rebooted(disk: Map<string, Uint8Array>, slot: 'A' | 'B', version: string): { sys: FakeSys; agent: UpdateAgent } {
  const sys = new FakeSys(hashing);
  for (const [path, data] of disk) sys.files.put(path, data);
  sys.files.put('/proc/cmdline', `console=ttyS0 imago.slot=${slot}\n`);
  const agent = new UpdateAgent(sys, quiet, { ...config, version });
  agent.boot();
  return { sys, agent };
}

test('PID 1 refuses to arm a slot whose file was altered after it was written', (t) => {
  const sys = device();
  applyBundle(sys, config, bundlePath, () => {});
  const kernel = sys.files.get(`${espMount}/B/kernel`)!.slice();
  kernel[100]! ^= 1;
  sys.files.put(`${espMount}/B/kernel`, kernel);
  const agent = new UpdateAgent(sys, quiet, config);
  agent.boot();
  t.throws(() => agent.activate('B'), { message: /kernel does not match its sha256 in the signed manifest/ });
  t.deepEqual(readSlotEnv(decodeGrubenv(sys.files.get(grubenvPath)!)), { committed: 'A', tries: 0, trial: undefined }, 'nothing armed');
});

test('PID 1 refuses to arm a slot not written from a signed bundle', (t) => {
  // Slot B holds a complete older image with boot.cfg, as the factory or an old init left it.
  const sys = device();
  const agent = new UpdateAgent(sys, quiet, config);
  agent.boot();
  t.throws(() => agent.activate('B'), { message: /slot B has no signed bundle header/ });
});

test('once version 2 is committed, the slot holding version 1 can no longer be armed', async (t) => {
  const sys = device();
  applyBundle(sys, config, bundlePath, () => {});
  const first = new UpdateAgent(sys, quiet, config);
  first.boot();
  first.activate('B');
  // The trial boot of slot B commits once its (no) critical services were healthy long enough.
  const trial = rebooted(sys.files.crashImage(), 'B', '2');
  trial.agent.watch(() => [], () => t.fail('the trial must not reboot'));
  await trial.sys.advance(config.commitAfterMs + 2000);
  t.is(readSlotEnv(decodeGrubenv(trial.sys.files.get(grubenvPath)!)).committed, 'B');
  t.is(JSON.parse(Buffer.from(trial.sys.files.crashImage().get(`${espMount}/imago/state.json`)!).toString()).rollbackIndex, '2', 'the rollback index went up to 2, durably');
  // One socket line used to boot version 1 again.
  t.throws(() => trial.agent.activate('A'));
  t.is(readSlotEnv(decodeGrubenv(trial.sys.files.get(grubenvPath)!)).trial, undefined, 'nothing armed');
});

test('a signed slot older than the rollback index is refused, though newer than the running version', (t) => {
  const sys = device();
  sys.files.put(bundlePath, olderBundle);
  applyBundle(sys, config, bundlePath, () => {}).release();
  // This device committed version 2 once (and was then taken back to 1 by hand).
  sys.files.put(`${espMount}/imago/state.json`, JSON.stringify({ rollbackIndex: '2' }));
  const agent = new UpdateAgent(sys, quiet, config);
  agent.boot();
  t.throws(() => agent.activate('B'), { message: /version 1\.8 is older than version 2, which this device has committed \(its rollback index\)/ });
  t.is(readSlotEnv(decodeGrubenv(sys.files.get(grubenvPath)!)).trial, undefined, 'nothing armed');
  // The writer refuses it up front too.
  t.throws(() => applyBundle(sys, config, bundlePath, () => {}), { message: /rollback index/ });
});

/** Runs `during` once, in the middle of apply's last read of the bundle (after every file was written and hashed). */
function atLastRead(sys: FakeSys, during: () => void): void {
  const read = sys.read.bind(sys);
  let done = false;
  sys.read = (fd, max) => {
    if (max === 1 && !done) {
      done = true;
      during();
    }
    return read(fd, max);
  };
}

test('a second update while one is writing is refused, and the first installs only the files it verified', (t) => {
  const sys = device();
  // The second run's bundle is signed but damaged in its last file: it would leave its other files as *.new.
  const other = olderBundle.slice();
  other[other.length - 3]! ^= 1;
  sys.files.put('/data/other.bundle', other);
  let second: unknown;
  atLastRead(sys, () => {
    try {
      applyBundle(sys, config, '/data/other.bundle', () => {});
    } catch (error) {
      second = error;
    }
  });
  t.like(applyBundle(sys, config, bundlePath, () => {}), { slot: 'B', version: '2' });
  t.regex((second as Error | undefined)?.message ?? 'the second run was not refused', /an update is already in progress/);
  t.true(complete(slotIn(sys.files.crashImage(), 'B'), next), 'slot B holds exactly the image the first run verified');
});

test('a file replaced between its hashing and its rename is caught where it ends, and the slot is left unarmable', (t) => {
  const sys = device();
  atLastRead(sys, () => sys.files.put(`${espMount}/B/kernel.new`, new Uint8Array(5000).fill(66)));
  t.throws(() => applyBundle(sys, config, bundlePath, () => {}), { message: /kernel does not match its sha256 in the signed manifest/ });
  t.is(sys.files.get(`${espMount}/B/boot.cfg`), undefined);
});

test('the update lock: held by a live imagoctl it refuses, left by a dead one it is taken over, and it is released at the end', (t) => {
  const sys = device();
  sys.files.put('/run/imago/update.lock', '777\n');
  sys.files.mkdirs('/proc/777');
  t.throws(() => applyBundle(sys, config, bundlePath, () => {}), { message: /an update is already in progress \(imagoctl pid 777\)/ });
  t.true(same(slotIn(sys.files.snapshot(), 'B'), previous), 'slot B untouched');
  const dead = device();
  dead.files.put('/run/imago/update.lock', '777\n');
  const result = applyBundle(dead, config, bundlePath, () => {});
  t.is(dead.files.readText('/run/imago/update.lock'), `${dead.getpid()}\n`, 'held until the slot is armed');
  result.release();
  t.false(dead.files.exists('/run/imago/update.lock'));
  t.like(applyBundle(dead, config, bundlePath, () => {}), { slot: 'B' }, 'a next update may run');
});

test('imagoctl update refuses a bundle signed by a trusted key for another compatible name, naming both, before writing', async (t) => {
  const sys = device();
  const files = imageFiles('2', 9);
  files.set('manifest.json', new Uint8Array(Buffer.from(JSON.stringify({ name: 'camera', arch: 'x86_64', version: '2', compatible: 'acme-camera' }))));
  sys.files.put(bundlePath, await makeBundle(files));
  t.throws(() => applyBundle(sys, config, bundlePath, () => {}), { message: /the bundle is for images compatible with "acme-camera", this image is "demo-x86_64"/ });
  t.true(same(slotIn(sys.files.snapshot(), 'B'), previous), 'slot B untouched');
  t.deepEqual(touchesRunning(sys), []);
});

test('PID 1 refuses to arm a slot written from a bundle for another compatible name', (t) => {
  const sys = device();
  // Written by a client that was told another compatible name: PID 1 trusts its own.
  applyBundle(sys, { ...config, compatible: 'demo-x86_64' }, bundlePath, () => {}).release();
  const agent = new UpdateAgent(sys, quiet, { ...config, compatible: 'acme-gateway' });
  agent.boot();
  t.throws(() => agent.activate('B'), { message: /the bundle is for images compatible with "demo-x86_64", this image is "acme-gateway"/ });
  t.is(readSlotEnv(decodeGrubenv(sys.files.get(grubenvPath)!)).trial, undefined, 'nothing armed');
});
