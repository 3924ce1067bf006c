import test from 'ava';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { silentProgress } from '../progress.ts';
import { flashImage, type FlashOptions } from './flash-image.ts';
import { gptHeaderProblems, writeTestDisk } from './test-disk.ts';

// Flashing to a plain file standing in for an SD card: the real writer and
// read-back, and the real CLI, with nothing mocked.

const repo = resolve(import.meta.dirname, '../../..');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'imago-flash-'));
}

/** Whether every byte of `bytes` is `byte` (Buffer.equals: fast on megabytes, unlike a callback per byte). */
function isAll(bytes: Buffer, byte: number): boolean {
  return bytes.equals(Buffer.alloc(bytes.length, byte));
}

/** A zero-filled file of `size` bytes, as `truncate -s` makes one. */
function makeCard(path: string, size: number): void {
  writeFileSync(path, '');
  truncateSync(path, size);
}

const scripted: FlashOptions = { yes: true, verify: true, tty: false, ask: async () => 'no', progress: silentProgress };

test('flashing to a file writes the image from byte 0, keeps the file size, and reads back the same sha256', async (t) => {
  const dir = workdir();
  try {
    const image = writeTestDisk(join(dir, 'disk.img'));
    const card = join(dir, 'card.img');
    writeFileSync(card, Buffer.alloc(16 * 1024 * 1024, 0xa5));
    const report = await flashImage(join(dir, 'disk.img'), card, scripted);
    const after = readFileSync(card);
    t.is(after.length, 16 * 1024 * 1024, 'a card keeps its size');
    t.true(after.subarray(0, image.length).equals(image), 'the file starts with the image byte for byte');
    t.true(isAll(after.subarray(image.length), 0xa5), 'bytes past the image are left alone');
    t.deepEqual(gptHeaderProblems(after), []);
    t.is(report.bytes, image.length);
    t.is(report.imageSha256, sha256(image));
    t.is(report.readBackSha256, sha256(image));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--no-verify writes without reading back', async (t) => {
  const dir = workdir();
  try {
    const image = writeTestDisk(join(dir, 'disk.img'));
    const card = join(dir, 'card.img');
    makeCard(card, image.length);
    const report = await flashImage(join(dir, 'disk.img'), card, { ...scripted, verify: false });
    t.is(report.readBackSha256, undefined);
    t.is(sha256(readFileSync(card)), report.imageSha256);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file smaller than the image is refused and left as it was', async (t) => {
  const dir = workdir();
  try {
    writeTestDisk(join(dir, 'disk.img'));
    const card = join(dir, 'card.img');
    writeFileSync(card, Buffer.alloc(4096, 7));
    await t.throwsAsync(flashImage(join(dir, 'disk.img'), card, scripted), { message: /refusing to write .*card\.img, nothing was written:\n {2}- .*card\.img holds 4096 bytes, the image needs 10\.5 MB .*: expected a larger device/ });
    t.deepEqual(readFileSync(card), Buffer.alloc(4096, 7));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an answer other than "yes" writes nothing; "yes" writes', async (t) => {
  const dir = workdir();
  try {
    writeTestDisk(join(dir, 'disk.img'));
    const card = join(dir, 'card.img');
    makeCard(card, 16 * 1024 * 1024);
    const asked: string[] = [];
    const ask = (answer: string) => async (question: string) => (asked.push(question), answer);
    await t.throwsAsync(flashImage(join(dir, 'disk.img'), card, { ...scripted, yes: false, tty: true, ask: ask('y') }), { message: /card\.img was not written: the answer was not "yes"/ });
    t.true(isAll(readFileSync(card), 0));
    t.regex(asked[0]!, /^Write .*disk\.img \(10\.5 MB\) to .*card\.img \(a regular file, 16\.8 MB\)\? Everything on .*card\.img will be lost/);
    await flashImage(join(dir, 'disk.img'), card, { ...scripted, yes: false, tty: true, ask: ask('yes') });
    t.deepEqual(gptHeaderProblems(readFileSync(card)), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function imago(...args: string[]) {
  const result = spawnSync(join(repo, 'bin/imago'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('imago flash without a terminal and without --yes refuses, and writes nothing', (t) => {
  const dir = workdir();
  try {
    writeTestDisk(join(dir, 'disk.img'));
    const card = join(dir, 'card.img');
    makeCard(card, 16 * 1024 * 1024);
    const result = imago('flash', join(dir, 'disk.img'), card);
    t.is(result.code, 1);
    t.is(result.stderr, `imago: error: refusing to write ${card}: no terminal to ask for confirmation on: expected --yes to write without asking (for scripts)\n`);
    t.true(isAll(readFileSync(card), 0));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('imago flash --yes prints both sha256 sums, equal, and shows progress with MB/s', (t) => {
  const dir = workdir();
  try {
    const image = writeTestDisk(join(dir, 'disk.img'));
    const card = join(dir, 'card.img');
    makeCard(card, 16 * 1024 * 1024);
    const result = imago('flash', '--yes', join(dir, 'disk.img'), card);
    t.is(result.code, 0, result.stderr);
    const sum = sha256(image);
    t.is(result.stdout, `${join(dir, 'disk.img')}: sha256 ${sum}\n${card}: sha256 ${sum} (read back, matches)\n`);
    t.regex(result.stderr, /==> write .*disk\.img to .*card\.img\n/);
    t.regex(result.stderr, /100% \d+\.\d MB\/s/);
    t.regex(result.stderr, /done: write .* in \d+\.\d s \(10\.5 MB at \d+\.\d MB\/s, synced\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('imago flash refuses a missing device path and a directory, naming them', (t) => {
  const dir = workdir();
  try {
    writeTestDisk(join(dir, 'disk.img'));
    const missing = imago('flash', '--yes', join(dir, 'disk.img'), join(dir, 'sdz'));
    t.is(missing.code, 1);
    t.regex(missing.stderr, new RegExp(`- ${join(dir, 'sdz')} does not exist: expected a block device`));
    const directory = imago('flash', '--yes', join(dir, 'disk.img'), dir);
    t.regex(directory.stderr, new RegExp(`- ${dir} is a directory: expected a block device`));
    const notImage = imago('flash', '--yes', dir, join(dir, 'disk.img'));
    t.regex(notImage.stderr, /is not a file: expected a disk image such as out\/armv7\/disk\.img/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
